#include "otlp/signal.h"

#include "common/error.h"

namespace promotel::otlp {

std::string_view signal_name(Signal signal) {
  switch (signal) {
    case Signal::kMetrics: return "metrics";
    case Signal::kTraces: return "traces";
    case Signal::kLogs: return "logs";
  }
  return "?";
}

std::optional<Signal> parse_signal(std::string_view name) {
  if (name == "metrics") return Signal::kMetrics;
  if (name == "traces") return Signal::kTraces;
  if (name == "logs") return Signal::kLogs;
  return std::nullopt;
}

std::unique_ptr<google::protobuf::Message> new_request(Signal signal) {
  switch (signal) {
    case Signal::kMetrics: return std::make_unique<MetricsRequest>();
    case Signal::kTraces: return std::make_unique<TracesRequest>();
    case Signal::kLogs: return std::make_unique<LogsRequest>();
  }
  return nullptr;
}

google::protobuf::Message* new_request(Signal signal, google::protobuf::Arena* arena) {
  using google::protobuf::Arena;
  switch (signal) {
    case Signal::kMetrics: return Arena::CreateMessage<MetricsRequest>(arena);
    case Signal::kTraces: return Arena::CreateMessage<TracesRequest>(arena);
    case Signal::kLogs: return Arena::CreateMessage<LogsRequest>(arena);
  }
  return nullptr;
}

std::unique_ptr<google::protobuf::Message> new_response(Signal signal) {
  switch (signal) {
    case Signal::kMetrics: return std::make_unique<MetricsResponse>();
    case Signal::kTraces: return std::make_unique<TracesResponse>();
    case Signal::kLogs: return std::make_unique<LogsResponse>();
  }
  return nullptr;
}

Signal signal_of(const google::protobuf::Message& request) {
  const auto* type = request.GetDescriptor();
  if (type == MetricsRequest::descriptor()) return Signal::kMetrics;
  if (type == TracesRequest::descriptor()) return Signal::kTraces;
  if (type == LogsRequest::descriptor()) return Signal::kLogs;
  throw Error("not an OTLP export request: " + type->full_name());
}

}  // namespace promotel::otlp

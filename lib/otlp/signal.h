#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include <google/protobuf/arena.h>
#include <google/protobuf/message.h>

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace promotel::otlp {

namespace pb = ::opentelemetry::proto;
using MetricsRequest = pb::collector::metrics::v1::ExportMetricsServiceRequest;
using TracesRequest = pb::collector::trace::v1::ExportTraceServiceRequest;
using LogsRequest = pb::collector::logs::v1::ExportLogsServiceRequest;
using MetricsResponse = pb::collector::metrics::v1::ExportMetricsServiceResponse;
using TracesResponse = pb::collector::trace::v1::ExportTraceServiceResponse;
using LogsResponse = pb::collector::logs::v1::ExportLogsServiceResponse;

// The three OTLP signals this project handles.
enum class Signal { kMetrics, kTraces, kLogs };

std::string_view signal_name(Signal signal);  // "metrics", "traces", "logs"
std::optional<Signal> parse_signal(std::string_view name);

// An empty Export*ServiceRequest / Export*ServiceResponse of the signal.
std::unique_ptr<google::protobuf::Message> new_request(Signal signal);
std::unique_ptr<google::protobuf::Message> new_response(Signal signal);
// An empty request owned by the arena (freed all at once by Arena::Reset: no per-field frees).
google::protobuf::Message* new_request(Signal signal, google::protobuf::Arena* arena);

// The signal of a request message (by its type).
Signal signal_of(const google::protobuf::Message& request);

}  // namespace promotel::otlp

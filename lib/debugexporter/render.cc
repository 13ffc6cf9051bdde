#include "debugexporter/render.h"

#include "common/error.h"
#include "debugexporter/detailed.h"
#include "debugexporter/gofmt.h"
#include "debugexporter/normal.h"
#include "debugexporter/wire_metrics.h"
#include "otlp/signal.h"

namespace promotel::debugexporter {

namespace {

uint64_t data_point_count(const otlp::pb::metrics::v1::Metric& m) {
  using M = otlp::pb::metrics::v1::Metric;
  switch (m.data_case()) {
    case M::kGauge: return m.gauge().data_points_size();
    case M::kSum: return m.sum().data_points_size();
    case M::kHistogram: return m.histogram().data_points_size();
    case M::kExponentialHistogram: return m.exponential_histogram().data_points_size();
    case M::kSummary: return m.summary().data_points_size();
    default: return 0;
  }
}

void field(std::string& out, const char* name, uint64_t value, bool last) {
  out += '"';
  out += name;
  out += "\": ";
  append_uint(out, value);
  out += last ? "}\n" : ", ";
}

}  // namespace

std::optional<Verbosity> parse_verbosity(std::string_view name) {
  if (name == "basic") return Verbosity::kBasic;
  if (name == "normal") return Verbosity::kNormal;
  if (name == "detailed") return Verbosity::kDetailed;
  return std::nullopt;
}

void append_envelope(std::string& out, const google::protobuf::Message& request) {
  switch (otlp::signal_of(request)) {
    case otlp::Signal::kMetrics: {
      const auto& r = static_cast<const otlp::MetricsRequest&>(request);
      uint64_t metrics = 0, points = 0;
      for (const auto& rm : r.resource_metrics())
        for (const auto& sm : rm.scope_metrics())
          for (const auto& m : sm.metrics()) {
            ++metrics;
            points += data_point_count(m);
          }
      append_metrics_envelope(
          out, {static_cast<uint64_t>(r.resource_metrics_size()), metrics, points});
      break;
    }
    case otlp::Signal::kTraces: {
      const auto& r = static_cast<const otlp::TracesRequest&>(request);
      uint64_t spans = 0;
      for (const auto& rs : r.resource_spans())
        for (const auto& ss : rs.scope_spans()) spans += ss.spans_size();
      out += "Traces\t{";
      field(out, "resource spans", r.resource_spans_size(), false);
      field(out, "spans", spans, true);
      break;
    }
    case otlp::Signal::kLogs: {
      const auto& r = static_cast<const otlp::LogsRequest&>(request);
      uint64_t records = 0;
      for (const auto& rl : r.resource_logs())
        for (const auto& sl : rl.scope_logs()) records += sl.log_records_size();
      out += "Logs\t{";
      field(out, "resource logs", r.resource_logs_size(), false);
      field(out, "log records", records, true);
      break;
    }
  }
}

void append_text(std::string& out, const google::protobuf::Message& request, Verbosity verbosity) {
  if (verbosity == Verbosity::kBasic) return;
  bool detailed = verbosity == Verbosity::kDetailed;
  switch (otlp::signal_of(request)) {
    case otlp::Signal::kMetrics: {
      const auto& r = static_cast<const otlp::MetricsRequest&>(request);
      detailed ? append_detailed(out, r) : append_normal(out, r);
      break;
    }
    case otlp::Signal::kTraces: {
      const auto& r = static_cast<const otlp::TracesRequest&>(request);
      detailed ? append_detailed(out, r) : append_normal(out, r);
      break;
    }
    case otlp::Signal::kLogs: {
      const auto& r = static_cast<const otlp::LogsRequest&>(request);
      detailed ? append_detailed(out, r) : append_normal(out, r);
      break;
    }
  }
}

void append_batch(std::string& out, const google::protobuf::Message& request, Verbosity verbosity) {
  append_envelope(out, request);
  if (verbosity == Verbosity::kBasic) return;
  append_text(out, request, verbosity);
  out += '\n';
}

}  // namespace promotel::debugexporter

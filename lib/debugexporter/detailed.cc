#include "debugexporter/detailed.h"

#include <cmath>
#include <string_view>

#include "debugexporter/gofmt.h"
#include "debugexporter/lines.h"
#include "debugexporter/names.h"
#include "debugexporter/value.h"
#include "otlp/base64.h"

namespace promotel::debugexporter {

namespace {

using lines::double_line;
using lines::id_line;
using lines::timestamp_line;

namespace pb = ::opentelemetry::proto;
using Attributes = google::protobuf::RepeatedPtrField<pb::common::v1::KeyValue>;
using std::string_view;

// Appends pieces then a newline: line(out, "a", b, "c").
void piece(std::string& out, string_view s) { out += s; }
void piece(std::string& out, const std::string& s) { out += s; }
void piece(std::string& out, const char* s) { out += s; }
void piece(std::string& out, int v) { append_int(out, v); }
void piece(std::string& out, uint32_t v) { append_uint(out, v); }
void piece(std::string& out, int64_t v) { append_int(out, v); }
void piece(std::string& out, uint64_t v) { append_uint(out, v); }

template <typename... Parts>
void line(std::string& out, const Parts&... parts) {
  (piece(out, parts), ...);
  out += '\n';
}

void attributes(std::string& out, string_view header, const Attributes& attrs) {
  if (attrs.empty()) return;
  line(out, header, ":");
  string_view indent;
  if (size_t arrow = header.find("->"); arrow != string_view::npos) indent = header.substr(0, arrow);
  for (const auto& kv : attrs) {
    out += indent;
    out += "     -> ";
    out += kv.key();
    if (kv.value().value_case() == pb::common::v1::AnyValue::kStringValue) {  // the common case
      out += ": Str(";
      out += kv.value().string_value();
      out += ")\n";
      continue;
    }
    out += ": ";
    append_typed_value(out, kv.value());
    out += '\n';
  }
}

void entity_refs(std::string& out, const pb::resource::v1::Resource& resource) {
  if (resource.entity_refs().empty()) return;
  line(out, "Resource entity refs:");
  int i = 0;
  for (const auto& ref : resource.entity_refs()) {
    line(out, "     -> Entity ref #", i++, ":");
    line(out, "          -> Type: ", ref.type());
    if (!ref.schema_url().empty()) line(out, "          -> Schema URL: ", ref.schema_url());
    if (!ref.id_keys().empty()) {
      line(out, "          -> ID keys:");
      for (const auto& key : ref.id_keys()) line(out, "               -> ", key);
    }
    if (!ref.description_keys().empty()) {
      line(out, "          -> Description keys:");
      for (const auto& key : ref.description_keys()) line(out, "               -> ", key);
    }
  }
}

void scope(std::string& out, const pb::common::v1::InstrumentationScope& scope) {
  line(out, "InstrumentationScope ", scope.name(), " ", scope.version());
  attributes(out, "InstrumentationScope attributes", scope.attributes());
}

template <typename Resourced>
void resource_header(std::string& out, string_view title, int index, const Resourced& r) {
  line(out, title, " #", index);
  line(out, "Resource SchemaURL: ", r.schema_url());
  attributes(out, "Resource attributes", r.resource().attributes());
  entity_refs(out, r.resource());
}

// ---- metrics ----

void exemplars(std::string& out, const google::protobuf::RepeatedPtrField<pb::metrics::v1::Exemplar>& list) {
  if (list.empty()) return;
  line(out, "Exemplars:");
  int i = 0;
  for (const auto& e : list) {
    line(out, "Exemplar #", i++);
    id_line(out, "     -> Trace ID: ", e.trace_id());
    id_line(out, "     -> Span ID: ", e.span_id());
    timestamp_line(out, "     -> Timestamp: ", e.time_unix_nano());
    if (e.value_case() == pb::metrics::v1::Exemplar::kAsInt) {
      line(out, "     -> Value: ", e.as_int());
    } else if (e.value_case() == pb::metrics::v1::Exemplar::kAsDouble) {
      double_line(out, "     -> Value: ", e.as_double());
    }
    attributes(out, "     -> FilteredAttributes", e.filtered_attributes());
  }
}

template <typename Point>
void point_header(std::string& out, string_view title, int index, const Point& p) {
  line(out, title, " #", index);
  attributes(out, "Data point attributes", p.attributes());
  timestamp_line(out, "StartTimestamp: ", p.start_time_unix_nano());
  timestamp_line(out, "Timestamp: ", p.time_unix_nano());
}

void number_points(std::string& out,
                   const google::protobuf::RepeatedPtrField<pb::metrics::v1::NumberDataPoint>& points) {
  int i = 0;
  for (const auto& p : points) {
    point_header(out, "NumberDataPoints", i++, p);
    if (p.value_case() == pb::metrics::v1::NumberDataPoint::kAsInt) {
      line(out, "Value: ", p.as_int());
    } else if (p.value_case() == pb::metrics::v1::NumberDataPoint::kAsDouble) {
      double_line(out, "Value: ", p.as_double());
    }
    exemplars(out, p.exemplars());
  }
}

template <typename Point>
void count_sum_min_max(std::string& out, const Point& p) {
  line(out, "Count: ", p.count());
  if (p.has_sum()) double_line(out, "Sum: ", p.sum());
  if (p.has_min()) double_line(out, "Min: ", p.min());
  if (p.has_max()) double_line(out, "Max: ", p.max());
}

void histogram_points(std::string& out, const pb::metrics::v1::Histogram& h) {
  int i = 0;
  for (const auto& p : h.data_points()) {
    point_header(out, "HistogramDataPoints", i++, p);
    count_sum_min_max(out, p);
    int m = 0;
    for (double bound : p.explicit_bounds()) {
      out += "ExplicitBounds #";
      append_int(out, m++);
      out += ": ";
      append_go_f(out, bound);
      out += '\n';
    }
    m = 0;
    for (uint64_t count : p.bucket_counts()) line(out, "Buckets #", m++, ", Count: ", count);
    exemplars(out, p.exemplars());
  }
}

void exponential_points(std::string& out, const pb::metrics::v1::ExponentialHistogram& h) {
  int i = 0;
  for (const auto& p : h.data_points()) {
    point_header(out, "ExponentialHistogramDataPoints", i++, p);
    count_sum_min_max(out, p);
    double factor = std::ldexp(M_LN2, -p.scale());
    const auto& negative = p.negative();
    for (int pos = negative.bucket_counts_size() - 1; pos >= 0; --pos) {
      double index = static_cast<double>(negative.offset()) + pos;
      out += "Bucket [";
      append_go_f(out, -std::exp((index + 1) * factor));
      out += ", ";
      append_go_f(out, -std::exp(index * factor));
      out += "), Count: ";
      append_uint(out, negative.bucket_counts(pos));
      out += '\n';
    }
    if (p.zero_count() != 0) line(out, "Bucket [0, 0], Count: ", p.zero_count());
    const auto& positive = p.positive();
    for (int pos = 0; pos < positive.bucket_counts_size(); ++pos) {
      double index = static_cast<double>(positive.offset()) + pos;
      out += "Bucket (";
      append_go_f(out, std::exp(index * factor));
      out += ", ";
      append_go_f(out, std::exp((index + 1) * factor));
      out += "], Count: ";
      append_uint(out, positive.bucket_counts(pos));
      out += '\n';
    }
    exemplars(out, p.exemplars());
  }
}

void summary_points(std::string& out, const pb::metrics::v1::Summary& s) {
  int i = 0;
  for (const auto& p : s.data_points()) {
    point_header(out, "SummaryDataPoints", i++, p);
    line(out, "Count: ", p.count());
    double_line(out, "Sum: ", p.sum());
    int m = 0;
    for (const auto& q : p.quantile_values()) {
      out += "QuantileValue #";
      append_int(out, m++);
      out += ": Quantile ";
      append_go_f(out, q.quantile());
      out += ", Value ";
      append_go_f(out, q.value());
      out += '\n';
    }
  }
}

string_view data_type_name(const pb::metrics::v1::Metric& metric) {
  switch (metric.data_case()) {
    case pb::metrics::v1::Metric::kGauge: return "Gauge";
    case pb::metrics::v1::Metric::kSum: return "Sum";
    case pb::metrics::v1::Metric::kHistogram: return "Histogram";
    case pb::metrics::v1::Metric::kExponentialHistogram: return "ExponentialHistogram";
    case pb::metrics::v1::Metric::kSummary: return "Summary";
    default: return "Empty";
  }
}

void metric(std::string& out, int index, const pb::metrics::v1::Metric& m) {
  line(out, "Metric #", index);
  line(out, "Descriptor:");
  line(out, "     -> Name: ", m.name());
  line(out, "     -> Description: ", m.description());
  line(out, "     -> Unit: ", m.unit());
  line(out, "     -> DataType: ", data_type_name(m));
  attributes(out, "     -> Metadata", m.metadata());
  switch (m.data_case()) {
    case pb::metrics::v1::Metric::kGauge: number_points(out, m.gauge().data_points()); break;
    case pb::metrics::v1::Metric::kSum:
      line(out, "     -> IsMonotonic: ", m.sum().is_monotonic() ? "true" : "false");
      line(out, "     -> AggregationTemporality: ",
           aggregation_temporality_name(m.sum().aggregation_temporality()));
      number_points(out, m.sum().data_points());
      break;
    case pb::metrics::v1::Metric::kHistogram:
      line(out, "     -> AggregationTemporality: ",
           aggregation_temporality_name(m.histogram().aggregation_temporality()));
      histogram_points(out, m.histogram());
      break;
    case pb::metrics::v1::Metric::kExponentialHistogram:
      line(out, "     -> AggregationTemporality: ",
           aggregation_temporality_name(m.exponential_histogram().aggregation_temporality()));
      exponential_points(out, m.exponential_histogram());
      break;
    case pb::metrics::v1::Metric::kSummary: summary_points(out, m.summary()); break;
    default: break;
  }
}

// ---- traces ----

// "    %-15s: %s"
void field(std::string& out, string_view name) {
  out += "    ";
  out += name;
  if (name.size() < 15) out.append(15 - name.size(), ' ');
  out += ": ";
}

template <typename Value>
void field_line(std::string& out, string_view name, const Value& value) {
  field(out, name);
  line(out, value);
}

void span(std::string& out, int index, const pb::trace::v1::Span& s) {
  line(out, "Span #", index);
  field(out, "Trace ID");
  id_line(out, "", s.trace_id());
  field(out, "Parent ID");
  id_line(out, "", s.parent_span_id());
  field(out, "ID");
  id_line(out, "", s.span_id());
  field_line(out, "Name", s.name());
  field_line(out, "Kind", span_kind_name(s.kind()));
  if (!s.trace_state().empty()) field_line(out, "TraceState", s.trace_state());
  field(out, "Start time");
  timestamp_line(out, "", s.start_time_unix_nano());
  field(out, "End time");
  timestamp_line(out, "", s.end_time_unix_nano());
  field_line(out, "Status code", status_code_name(s.status().code()));
  field_line(out, "Status message", s.status().message());
  field_line(out, "DroppedAttributesCount", s.dropped_attributes_count());
  field_line(out, "DroppedEventsCount", s.dropped_events_count());
  field_line(out, "DroppedLinksCount", s.dropped_links_count());
  attributes(out, "Attributes", s.attributes());
  if (!s.events().empty()) {
    line(out, "Events:");
    int i = 0;
    for (const auto& e : s.events()) {
      line(out, "SpanEvent #", i++);
      line(out, "     -> Name: ", e.name());
      timestamp_line(out, "     -> Timestamp: ", e.time_unix_nano());
      line(out, "     -> DroppedAttributesCount: ", e.dropped_attributes_count());
      attributes(out, "     -> Attributes:", e.attributes());
    }
  }
  if (!s.links().empty()) {
    line(out, "Links:");
    int i = 0;
    for (const auto& l : s.links()) {
      line(out, "SpanLink #", i++);
      id_line(out, "     -> Trace ID: ", l.trace_id());
      id_line(out, "     -> ID: ", l.span_id());
      line(out, "     -> TraceState: ", l.trace_state());
      line(out, "     -> DroppedAttributesCount: ", l.dropped_attributes_count());
      attributes(out, "     -> Attributes:", l.attributes());
    }
  }
}

// ---- logs ----

void log_record(std::string& out, int index, const pb::logs::v1::LogRecord& r) {
  line(out, "LogRecord #", index);
  timestamp_line(out, "ObservedTimestamp: ", r.observed_time_unix_nano());
  timestamp_line(out, "Timestamp: ", r.time_unix_nano());
  line(out, "SeverityText: ", r.severity_text());
  line(out, "SeverityNumber: ", severity_number_name(r.severity_number()), "(",
       static_cast<int>(r.severity_number()), ")");
  if (!r.event_name().empty()) line(out, "EventName: ", r.event_name());
  out += "Body: ";
  append_typed_value(out, r.body());
  out += '\n';
  attributes(out, "Attributes", r.attributes());
  id_line(out, "Trace ID: ", r.trace_id());
  id_line(out, "Span ID: ", r.span_id());
  line(out, "Flags: ", r.flags());
}

}  // namespace

void append_detailed(std::string& out, const otlp::MetricsRequest& request) {
  int i = 0;
  for (const auto& rm : request.resource_metrics()) {
    resource_header(out, "ResourceMetrics", i++, rm);
    int j = 0;
    for (const auto& sm : rm.scope_metrics()) {
      line(out, "ScopeMetrics #", j++);
      line(out, "ScopeMetrics SchemaURL: ", sm.schema_url());
      scope(out, sm.scope());
      int k = 0;
      for (const auto& m : sm.metrics()) metric(out, k++, m);
    }
  }
}

void append_detailed(std::string& out, const otlp::TracesRequest& request) {
  int i = 0;
  for (const auto& rs : request.resource_spans()) {
    resource_header(out, "ResourceSpans", i++, rs);
    int j = 0;
    for (const auto& ss : rs.scope_spans()) {
      line(out, "ScopeSpans #", j++);
      line(out, "ScopeSpans SchemaURL: ", ss.schema_url());
      scope(out, ss.scope());
      int k = 0;
      for (const auto& s : ss.spans()) span(out, k++, s);
    }
  }
}

void append_detailed(std::string& out, const otlp::LogsRequest& request) {
  int i = 0;
  for (const auto& rl : request.resource_logs()) {
    resource_header(out, "ResourceLog", i++, rl);
    int j = 0;
    for (const auto& sl : rl.scope_logs()) {
      line(out, "ScopeLogs #", j++);
      line(out, "ScopeLogs SchemaURL: ", sl.schema_url());
      scope(out, sl.scope());
      int k = 0;
      for (const auto& r : sl.log_records()) log_record(out, k++, r);
    }
  }
}

}  // namespace promotel::debugexporter

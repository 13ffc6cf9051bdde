#include "debugexporter/normal.h"

#include <cmath>
#include <string_view>

#include "common/go_float.h"
#include "debugexporter/gofmt.h"
#include "debugexporter/value.h"
#include "otlp/base64.h"

namespace promotel::debugexporter {

namespace {

namespace pb = ::opentelemetry::proto;
using Attributes = google::protobuf::RepeatedPtrField<pb::common::v1::KeyValue>;
using std::string_view;

// k=v pairs with the given separator (v is the plain AsString form).
void key_values(std::string& out, const Attributes& attrs, char separator) {
  bool first = true;
  for (const auto& kv : attrs) {
    if (!first) out += separator;
    first = false;
    out += kv.key();
    out += '=';
    append_value_string(out, kv.value());
  }
}

template <typename Resourced>
void resource_line(std::string& out, string_view title, int index, const Resourced& r) {
  out += title;
  out += " #";
  append_int(out, index);
  if (!r.schema_url().empty()) {
    out += " [";
    out += r.schema_url();
    out += ']';
  }
  for (const auto& kv : r.resource().attributes()) {
    out += ' ';
    out += kv.key();
    out += '=';
    append_value_string(out, kv.value());
  }
  out += '\n';
}

template <typename Scoped>
void scope_line(std::string& out, string_view title, int index, const Scoped& s) {
  out += title;
  out += " #";
  append_int(out, index);
  const auto& scope = s.scope();
  std::string text = scope.name();
  if (!scope.version().empty()) {
    text += '@';
    text += scope.version();
  }
  if (!s.schema_url().empty()) {
    if (!text.empty()) text += ' ';
    text += '[';
    text += s.schema_url();
    text += ']';
  }
  if (!text.empty()) {
    out += ' ';
    out += text;
  }
  for (const auto& kv : scope.attributes()) {
    out += ' ';
    out += kv.key();
    out += '=';
    append_value_string(out, kv.value());
  }
  out += '\n';
}

template <typename Point>
void point_start(std::string& out, const pb::metrics::v1::Metric& m, const Point& p) {
  out += m.name();
  out += '{';
  key_values(out, p.attributes(), ',');
  out += "} ";
}

template <typename Point>
void count_sum_min_max(std::string& out, const Point& p) {
  out += "count=";
  append_uint(out, p.count());
  if (p.has_sum()) {
    out += " sum=";
    append_go_g(out, p.sum());
  }
  if (p.has_min()) {
    out += " min=";
    append_go_g(out, p.min());
  }
  if (p.has_max()) {
    out += " max=";
    append_go_g(out, p.max());
  }
}

void metric_lines(std::string& out, const pb::metrics::v1::Metric& m) {
  using M = pb::metrics::v1::Metric;
  auto numbers = [&](const auto& points) {
    for (const auto& p : points) {
      point_start(out, m, p);
      if (p.value_case() == pb::metrics::v1::NumberDataPoint::kAsInt) append_int(out, p.as_int());
      else if (p.value_case() == pb::metrics::v1::NumberDataPoint::kAsDouble) append_go_g(out, p.as_double());
      out += '\n';
    }
  };
  switch (m.data_case()) {
    case M::kGauge: numbers(m.gauge().data_points()); break;
    case M::kSum: numbers(m.sum().data_points()); break;
    case M::kHistogram:
      for (const auto& p : m.histogram().data_points()) {
        point_start(out, m, p);
        count_sum_min_max(out, p);
        for (int i = 0; i < p.bucket_counts_size(); ++i) {
          out += ' ';
          if (i < p.explicit_bounds_size()) {
            out += "le";
            append_go_g(out, p.explicit_bounds(i));
            out += '=';
          }
          append_uint(out, p.bucket_counts(i));
        }
        out += '\n';
      }
      break;
    case M::kExponentialHistogram:
      for (const auto& p : m.exponential_histogram().data_points()) {
        point_start(out, m, p);
        count_sum_min_max(out, p);
        double factor = std::ldexp(M_LN2, -p.scale());
        const auto& negative = p.negative();
        for (int pos = negative.bucket_counts_size() - 1; pos >= 0; --pos) {
          double index = static_cast<double>(negative.offset()) + pos;
          out += " le";
          append_go_g(out, -std::exp(index * factor));
          out += '=';
          append_uint(out, negative.bucket_counts(pos));
        }
        if (p.zero_count() != 0) {
          out += " zero=";
          append_uint(out, p.zero_count());
        }
        const auto& positive = p.positive();
        for (int pos = 0; pos < positive.bucket_counts_size(); ++pos) {
          double index = static_cast<double>(positive.offset()) + pos;
          out += " le";
          append_go_g(out, std::exp((index + 1) * factor));
          out += '=';
          append_uint(out, positive.bucket_counts(pos));
        }
        out += '\n';
      }
      break;
    case M::kSummary:
      for (const auto& p : m.summary().data_points()) {
        point_start(out, m, p);
        out += "count=";
        append_uint(out, p.count());
        out += " sum=";
        append_go_f(out, p.sum());
        for (const auto& q : p.quantile_values()) {
          out += " q";
          append_go_g(out, q.quantile());
          out += '=';
          append_go_g(out, q.value());
        }
        out += '\n';
      }
      break;
    default: break;
  }
}

void id(std::string& out, const std::string& bytes) {
  if (bytes.find_first_not_of('\0') != std::string::npos) otlp::append_hex(out, bytes);
}

}  // namespace

void append_normal(std::string& out, const otlp::MetricsRequest& request) {
  int i = 0;
  for (const auto& rm : request.resource_metrics()) {
    resource_line(out, "ResourceMetrics", i++, rm);
    int j = 0;
    for (const auto& sm : rm.scope_metrics()) {
      scope_line(out, "ScopeMetrics", j++, sm);
      for (const auto& m : sm.metrics()) metric_lines(out, m);
    }
  }
}

void append_normal(std::string& out, const otlp::TracesRequest& request) {
  int i = 0;
  for (const auto& rs : request.resource_spans()) {
    resource_line(out, "ResourceTraces", i++, rs);
    int j = 0;
    for (const auto& ss : rs.scope_spans()) {
      scope_line(out, "ScopeTraces", j++, ss);
      for (const auto& s : ss.spans()) {
        out += s.name();
        out += ' ';
        id(out, s.trace_id());
        out += ' ';
        id(out, s.span_id());
        if (!s.attributes().empty()) {
          out += ' ';
          key_values(out, s.attributes(), ' ');
        }
        out += '\n';
      }
    }
  }
}

void append_normal(std::string& out, const otlp::LogsRequest& request) {
  int i = 0;
  for (const auto& rl : request.resource_logs()) {
    resource_line(out, "ResourceLog", i++, rl);
    int j = 0;
    for (const auto& sl : rl.scope_logs()) {
      scope_line(out, "ScopeLog", j++, sl);
      for (const auto& r : sl.log_records()) {
        append_value_string(out, r.body());
        out += ' ';
        key_values(out, r.attributes(), ' ');
        out += '\n';
      }
    }
  }
}

}  // namespace promotel::debugexporter

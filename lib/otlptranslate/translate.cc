#include "otlptranslate/translate.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <deque>
#include <cmath>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace promotel::otlptranslate {

namespace {

namespace mpb = ::opentelemetry::proto::metrics::v1;
namespace cpb = ::opentelemetry::proto::common::v1;
using Pairs = std::vector<std::pair<std::string, std::string>>;

constexpr uint32_t kNoRecordedValue = 1;

std::string format_double(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

void json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (uint8_t(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void any_value(std::string& out, const cpb::AnyValue& v, bool nested) {
  switch (v.value_case()) {
    case cpb::AnyValue::kStringValue:
      if (nested) {
        json_string(out, v.string_value());
      } else {
        out += v.string_value();
      }
      break;
    case cpb::AnyValue::kBoolValue: out += v.bool_value() ? "true" : "false"; break;
    case cpb::AnyValue::kIntValue: out += std::to_string(v.int_value()); break;
    case cpb::AnyValue::kDoubleValue: out += format_double(v.double_value()); break;
    case cpb::AnyValue::kArrayValue: {
      out.push_back('[');
      bool first = true;
      for (const auto& e : v.array_value().values()) {
        if (!first) out.push_back(',');
        first = false;
        any_value(out, e, true);
      }
      out.push_back(']');
      break;
    }
    case cpb::AnyValue::kKvlistValue: {
      out.push_back('{');
      bool first = true;
      for (const auto& kv : v.kvlist_value().values()) {
        if (!first) out.push_back(',');
        first = false;
        json_string(out, kv.key());
        out.push_back(':');
        any_value(out, kv.value(), true);
      }
      out.push_back('}');
      break;
    }
    case cpb::AnyValue::kBytesValue: {
      static const char* kHex = "0123456789abcdef";
      for (unsigned char c : v.bytes_value()) {
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
      }
      break;
    }
    default: break;
  }
}

std::string hex(const std::string& bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

// Attributes → sanitised labels; keys that collide after sanitising get their values joined
// with ";" in the order of the original keys.
Pairs attribute_labels(const google::protobuf::RepeatedPtrField<cpb::KeyValue>& attributes,
                       std::string* problem) {
  std::vector<const cpb::KeyValue*> sorted;
  for (const auto& kv : attributes) sorted.push_back(&kv);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const cpb::KeyValue* a, const cpb::KeyValue* b) { return a->key() < b->key(); });
  std::map<std::string, std::string> merged;
  for (const auto* kv : sorted) {
    auto name = label_name(kv->key());
    if (!name) {
      if (problem) *problem = "attribute \"" + kv->key() + "\" has no valid label name";
      continue;
    }
    std::string value;
    any_value(value, kv->value(), false);
    auto [it, inserted] = merged.try_emplace(*name, value);
    if (!inserted) it->second += ";" + value;
  }
  return Pairs(merged.begin(), merged.end());
}

std::optional<model::TimestampMs> to_ms(uint64_t nanos) {
  if (nanos == 0) return std::nullopt;
  return model::TimestampMs(nanos / 1'000'000);
}

struct ResourceLabels {
  Pairs labels;  // job, instance
};

class Translator {
 public:
  Translator(const TranslateOptions& options, Sink& sink) : options_(options), sink_(sink) {}

  void resource(const mpb::ResourceMetrics& rm) {
    resource_labels_.clear();
    std::string service_name, service_namespace, instance_id;
    bool has_name = false, has_instance = false;
    Pairs others;
    google::protobuf::RepeatedPtrField<cpb::KeyValue> rest;
    for (const auto& kv : rm.resource().attributes()) {
      std::string value;
      any_value(value, kv.value(), false);
      if (kv.key() == "service.name") {
        service_name = value, has_name = true;
      } else if (kv.key() == "service.namespace") {
        service_namespace = value;
      } else if (kv.key() == "service.instance.id") {
        instance_id = value, has_instance = true;
      } else {
        *rest.Add() = kv;
      }
    }
    if (has_name) {
      resource_labels_.emplace_back("job", service_namespace.empty() ? service_name
                                                                     : service_namespace + "/" + service_name);
    }
    if (has_instance) resource_labels_.emplace_back("instance", instance_id);
    latest_ = 0;
    for (const auto& sm : rm.scope_metrics()) {
      for (const auto& m : sm.metrics()) metric(m);
    }
    if (options_.target_info && !rest.empty() && !resource_labels_.empty() && latest_ > 0) {
      std::string problem;
      Pairs labels = attribute_labels(rest, &problem);
      add_resource_labels(labels);
      sink_.metadata("target_info", model::MetricType::kGauge, "Target metadata", "");
      emit("target_info", labels, 1, latest_, 0, false, nullptr);
    }
  }

 private:
  // Data point labels + job/instance (which win over attributes of the same name).
  Pairs point_labels(const google::protobuf::RepeatedPtrField<cpb::KeyValue>& attributes,
                     const std::string& metric) {
    std::string problem;
    Pairs labels = attribute_labels(attributes, &problem);
    if (!problem.empty()) sink_.problem("metric \"" + metric + "\": " + problem);
    add_resource_labels(labels);
    return labels;
  }

  // The resource's labels (job, instance) replace attributes of the same name.
  void add_resource_labels(Pairs& labels) const {
    for (const auto& entry : resource_labels_) {
      const std::string& name = entry.first;
      std::erase_if(labels, [&](const auto& p) { return p.first == name; });
      labels.emplace_back(entry.first, entry.second);
    }
  }

  void emit(std::string_view name, const Pairs& labels, double value, std::optional<model::TimestampMs> ts,
            int64_t start_ms, bool stale, const model::Exemplar* exemplar) {
    labels_.clear();
    for (const auto& [k, v] : labels) labels_.push_back(model::Label{k, v});
    model::Sample s;
    s.name = name;
    s.labels = labels_;
    s.value = value;
    s.timestamp = ts;
    s.exemplar = exemplar;
    sink_.sample(s, start_ms, stale);
    if (ts) latest_ = std::max(latest_, *ts);
  }

  // Keeps the exemplar's labels alive in exemplar_pairs_/exemplar_labels_.
  std::optional<model::Exemplar> exemplar(const mpb::Exemplar& e, size_t slot) {
    if (exemplar_pairs_.size() <= slot) {
      exemplar_pairs_.resize(slot + 1);
      exemplar_labels_.resize(slot + 1);
    }
    Pairs& pairs = exemplar_pairs_[slot];
    pairs = attribute_labels(e.filtered_attributes(), nullptr);
    if (!e.trace_id().empty()) pairs.emplace_back("trace_id", hex(e.trace_id()));
    if (!e.span_id().empty()) pairs.emplace_back("span_id", hex(e.span_id()));
    auto& labels = exemplar_labels_[slot];
    labels.clear();
    for (const auto& [k, v] : pairs) labels.push_back(model::Label{k, v});
    model::Exemplar out;
    out.labels = labels;
    out.value = e.value_case() == mpb::Exemplar::kAsInt ? double(e.as_int()) : e.as_double();
    out.timestamp = to_ms(e.time_unix_nano());
    return out;
  }

  void metric(const mpb::Metric& m) {
    MetricKind kind = MetricKind::kOther;
    model::MetricType type = model::MetricType::kUnknown;
    switch (m.data_case()) {
      case mpb::Metric::kGauge:
        kind = MetricKind::kGauge, type = model::MetricType::kGauge;
        break;
      case mpb::Metric::kSum:
        if (m.sum().aggregation_temporality() == mpb::AGGREGATION_TEMPORALITY_DELTA) {
          sink_.problem("metric \"" + m.name() + "\": delta temporality is not supported by Prometheus");
          return;
        }
        if (m.sum().is_monotonic()) {
          kind = MetricKind::kCounter, type = model::MetricType::kCounter;
        } else {
          kind = MetricKind::kGauge, type = model::MetricType::kGauge;
        }
        break;
      case mpb::Metric::kHistogram:
        if (m.histogram().aggregation_temporality() == mpb::AGGREGATION_TEMPORALITY_DELTA) {
          sink_.problem("metric \"" + m.name() + "\": delta temporality is not supported by Prometheus");
          return;
        }
        type = model::MetricType::kHistogram;
        break;
      case mpb::Metric::kExponentialHistogram:
        if (m.exponential_histogram().aggregation_temporality() == mpb::AGGREGATION_TEMPORALITY_DELTA) {
          sink_.problem("metric \"" + m.name() + "\": delta temporality is not supported by Prometheus");
          return;
        }
        type = model::MetricType::kHistogram;
        break;
      case mpb::Metric::kSummary: type = model::MetricType::kSummary; break;
      default:
        sink_.problem("metric \"" + m.name() + "\" has no data");
        return;
    }
    auto name = metric_name(m.name(), m.unit(), kind, options_.translation);
    if (!name) {
      sink_.problem("metric \"" + m.name() + "\" has no valid Prometheus name");
      return;
    }
    // The family name: a counter's family is its name without "_total".
    std::string family = *name;
    if (kind == MetricKind::kCounter && family.ends_with("_total")) family.resize(family.size() - 6);
    sink_.metadata(family, type, m.description(), unit_word(m.unit()));

    switch (m.data_case()) {
      case mpb::Metric::kGauge: numbers(m, *name, m.gauge().data_points()); break;
      case mpb::Metric::kSum: numbers(m, *name, m.sum().data_points()); break;
      case mpb::Metric::kHistogram: histograms(m, *name); break;
      case mpb::Metric::kExponentialHistogram: exponential(m, *name); break;
      case mpb::Metric::kSummary: summaries(m, *name); break;
      default: break;
    }
  }

  void numbers(const mpb::Metric& m, const std::string& name,
               const google::protobuf::RepeatedPtrField<mpb::NumberDataPoint>& points) {
    for (const auto& p : points) {
      Pairs labels = point_labels(p.attributes(), m.name());
      double value = p.value_case() == mpb::NumberDataPoint::kAsInt ? double(p.as_int()) : p.as_double();
      std::optional<model::Exemplar> ex;
      if (p.exemplars_size() > 0) ex = exemplar(p.exemplars(0), 0);
      emit(name, labels, value, to_ms(p.time_unix_nano()), start_of(p.start_time_unix_nano()),
           p.flags() & kNoRecordedValue, ex ? &*ex : nullptr);
    }
  }

  static int64_t start_of(uint64_t nanos) {
    if (nanos == 0) return 0;
    int64_t ms = int64_t(nanos / 1'000'000);
    return ms == 0 ? 1 : ms;
  }

  void histograms(const mpb::Metric& m, const std::string& name) {
    for (const auto& p : m.histogram().data_points()) {
      Pairs labels = point_labels(p.attributes(), m.name());
      auto ts = to_ms(p.time_unix_nano());
      int64_t start = start_of(p.start_time_unix_nano());
      bool stale = p.flags() & kNoRecordedValue;
      // Exemplars go to the first bucket whose bound covers their value.
      size_t buckets = size_t(p.bucket_counts_size());
      std::vector<std::optional<model::Exemplar>> by_bucket(buckets + 1);
      for (int i = 0, slot = 0; i < p.exemplars_size(); ++i) {
        auto e = exemplar(p.exemplars(i), size_t(slot));
        size_t b = 0;
        while (b < size_t(p.explicit_bounds_size()) && e->value > p.explicit_bounds(int(b))) ++b;
        if (b < by_bucket.size() && !by_bucket[b]) {
          by_bucket[b] = e;
          ++slot;
        }
      }
      std::string bucket_name = name + "_bucket";
      uint64_t cumulative = 0;
      Pairs with_le = labels;
      with_le.emplace_back("le", "");
      for (size_t b = 0; b < buckets && b < size_t(p.explicit_bounds_size()); ++b) {
        cumulative += p.bucket_counts(int(b));
        with_le.back().second = format_bound(p.explicit_bounds(int(b)));
        emit(bucket_name, with_le, double(cumulative), ts, start, stale, by_bucket[b] ? &*by_bucket[b] : nullptr);
      }
      with_le.back().second = "+Inf";
      size_t inf = std::min(buckets, size_t(p.explicit_bounds_size()));
      emit(bucket_name, with_le, double(p.count()), ts, start, stale,
           inf < by_bucket.size() && by_bucket[inf] ? &*by_bucket[inf] : nullptr);
      if (p.has_sum()) emit(name + "_sum", labels, p.sum(), ts, start, stale, nullptr);
      emit(name + "_count", labels, double(p.count()), ts, start, stale, nullptr);
    }
  }

  void exponential(const mpb::Metric& m, const std::string& name) {
    for (const auto& p : m.exponential_histogram().data_points()) {
      if (p.scale() < -4) {
        sink_.problem("metric \"" + m.name() + "\": exponential histogram scale " + std::to_string(p.scale()) +
                      " is below -4");
        continue;
      }
      Pairs labels = point_labels(p.attributes(), m.name());
      int shift = p.scale() > 8 ? p.scale() - 8 : 0;
      model::NativeHistogram h;
      h.schema = p.scale() - shift;
      h.count = double(p.count());
      h.sum = p.has_sum() ? p.sum() : 0;
      h.zero_count = double(p.zero_count());
      h.zero_threshold = p.zero_threshold();
      h.timestamp = to_ms(p.time_unix_nano());
      if (p.start_time_unix_nano()) h.created_seconds = double(p.start_time_unix_nano()) / 1e9;
      side(p.positive(), shift, positive_spans_, positive_deltas_);
      side(p.negative(), shift, negative_spans_, negative_deltas_);
      h.positive_spans = positive_spans_;
      h.positive_deltas = positive_deltas_;
      h.negative_spans = negative_spans_;
      h.negative_deltas = negative_deltas_;
      std::vector<model::Exemplar> exemplars;
      for (int i = 0; i < p.exemplars_size(); ++i) exemplars.push_back(*exemplar(p.exemplars(i), size_t(i)));
      h.exemplars = exemplars;
      labels_.clear();
      for (const auto& [k, v] : labels) labels_.push_back(model::Label{k, v});
      h.labels = labels_;
      sink_.histogram(name, h, p.flags() & kNoRecordedValue);
      if (h.timestamp) latest_ = std::max(latest_, *h.timestamp);
    }
  }

  // OTLP bucket i covers (base^i, base^(i+1)]; Prometheus bucket i covers (base^(i-1), base^i].
  // Downscaling by `shift` merges 2^shift neighbours.
  static void side(const mpb::ExponentialHistogramDataPoint::Buckets& b, int shift,
                   std::vector<model::BucketSpan>& spans, std::vector<int64_t>& deltas) {
    spans.clear();
    deltas.clear();
    std::vector<uint64_t> counts;
    int64_t first = 0;
    for (int i = 0; i < b.bucket_counts_size(); ++i) {
      int64_t index = (int64_t(b.offset()) + i) >> shift;
      if (counts.empty()) {
        first = index;
        counts.push_back(0);
      }
      while (first + int64_t(counts.size()) - 1 < index) counts.push_back(0);
      counts.back() += b.bucket_counts(i);
    }
    if (counts.empty()) return;
    spans.push_back(model::BucketSpan{int32_t(first + 1), uint32_t(counts.size())});
    int64_t previous = 0;
    for (uint64_t c : counts) {
      deltas.push_back(int64_t(c) - previous);
      previous = int64_t(c);
    }
  }

  void summaries(const mpb::Metric& m, const std::string& name) {
    for (const auto& p : m.summary().data_points()) {
      Pairs labels = point_labels(p.attributes(), m.name());
      auto ts = to_ms(p.time_unix_nano());
      int64_t start = start_of(p.start_time_unix_nano());
      bool stale = p.flags() & kNoRecordedValue;
      Pairs with_q = labels;
      with_q.emplace_back("quantile", "");
      for (const auto& q : p.quantile_values()) {
        with_q.back().second = format_bound(q.quantile());
        emit(name, with_q, q.value(), ts, start, stale, nullptr);
      }
      emit(name + "_sum", labels, p.sum(), ts, start, stale, nullptr);
      emit(name + "_count", labels, double(p.count()), ts, start, stale, nullptr);
    }
  }

  const TranslateOptions& options_;
  Sink& sink_;
  Pairs resource_labels_;
  model::TimestampMs latest_ = 0;
  std::vector<model::Label> labels_;
  std::deque<Pairs> exemplar_pairs_;  // a deque: growing it must not move the strings
  std::deque<std::vector<model::Label>> exemplar_labels_;
  std::vector<model::BucketSpan> positive_spans_, negative_spans_;
  std::vector<int64_t> positive_deltas_, negative_deltas_;
};

}  // namespace

void translate(const otlp::MetricsRequest& request, const TranslateOptions& options, Sink& sink) {
  Translator t(options, sink);
  for (const auto& rm : request.resource_metrics()) t.resource(rm);
}

}  // namespace promotel::otlptranslate

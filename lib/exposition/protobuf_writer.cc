#include "exposition/protobuf_writer.h"

#include <cmath>

#include "exposition/number.h"
#include "io/prometheus/client/metrics.pb.h"

namespace promotel::exposition {
namespace {

namespace pb = io::prometheus::client;

constexpr size_t kDrainAt = 64 * 1024;

void set_timestamp(google::protobuf::Timestamp* ts, double seconds) {
  double whole = std::floor(seconds);
  ts->set_seconds(static_cast<int64_t>(whole));
  ts->set_nanos(static_cast<int32_t>(std::llround((seconds - whole) * 1e9) % 1000000000));
}

void set_timestamp_ms(google::protobuf::Timestamp* ts, model::TimestampMs ms) {
  int64_t seconds = ms / 1000, rest = ms % 1000;
  if (rest < 0) {
    rest += 1000;
    --seconds;
  }
  ts->set_seconds(seconds);
  ts->set_nanos(static_cast<int32_t>(rest * 1000000));
}

void set_exemplar(pb::Exemplar* out, const model::Exemplar& e) {
  for (const auto& l : e.labels) {
    auto* pair = out->add_label();
    pair->set_name(std::string(l.name));
    pair->set_value(std::string(l.value));
  }
  out->set_value(e.value);
  if (e.timestamp) set_timestamp_ms(out->mutable_timestamp(), *e.timestamp);
}

bool is_count(double v) { return v >= 0 && v < 1.8e19 && v == std::floor(v); }

}  // namespace

ProtobufWriter::ProtobufWriter(Output& out)
    : output_(&out), buf_(own_), family_(std::make_unique<pb::MetricFamily>()) {}

ProtobufWriter::ProtobufWriter(std::string& out) : buf_(out), family_(std::make_unique<pb::MetricFamily>()) {}

ProtobufWriter::~ProtobufWriter() = default;

void ProtobufWriter::begin_family(std::string_view name, bool from_metadata) {
  if (active_ && name == name_ && (!from_metadata || !has_samples_)) return;
  flush_family();
  active_ = true;
  has_samples_ = false;
  name_.assign(name);
  type_ = model::MetricType::kUnknown;
  family_->Clear();
  family_->set_name(name_);
  family_->set_type(pb::UNTYPED);
  metric_index_.clear();
}

void ProtobufWriter::help(std::string_view family, std::string_view text) {
  begin_family(family, true);
  family_->set_help(std::string(text));
}

void ProtobufWriter::type(std::string_view family, model::MetricType type) {
  begin_family(family, true);
  type_ = type;
  switch (type) {
    case model::MetricType::kCounter: family_->set_type(pb::COUNTER); break;
    case model::MetricType::kGauge: family_->set_type(pb::GAUGE); break;
    case model::MetricType::kSummary: family_->set_type(pb::SUMMARY); break;
    case model::MetricType::kHistogram: family_->set_type(pb::HISTOGRAM); break;
    case model::MetricType::kGaugeHistogram: family_->set_type(pb::GAUGE_HISTOGRAM); break;
    default: family_->set_type(pb::UNTYPED); break;
  }
}

void ProtobufWriter::unit(std::string_view family, std::string_view unit) {
  begin_family(family, true);
  family_->set_unit(std::string(unit));
}

bool ProtobufWriter::belongs(std::string_view name, std::string_view& suffix) const {
  if (!active_) return false;
  std::string_view family = name_;
  if (type_ == model::MetricType::kCounter) {
    std::string_view base = family.ends_with("_total") ? family.substr(0, family.size() - 6) : family;
    if (name == family || name == std::string(base) + "_total") {
      suffix = "";
      return true;
    }
    if (name == std::string(base) + "_created") {
      suffix = "_created";
      return true;
    }
    return false;
  }
  if (!name.starts_with(family)) return false;
  suffix = name.substr(family.size());
  switch (type_) {
    case model::MetricType::kGauge:
    case model::MetricType::kUnknown: return suffix.empty();
    case model::MetricType::kSummary:
      return suffix.empty() || suffix == "_sum" || suffix == "_count" || suffix == "_created";
    case model::MetricType::kHistogram:
      return suffix == "_bucket" || suffix == "_sum" || suffix == "_count" || suffix == "_created";
    case model::MetricType::kGaugeHistogram: return suffix == "_bucket" || suffix == "_gsum" || suffix == "_gcount";
    default: return false;
  }
}

pb::Metric* ProtobufWriter::metric_for(model::Labels labels, std::string_view skip_label) {
  key_.clear();
  for (const auto& l : labels) {
    if (!skip_label.empty() && l.name == skip_label) continue;
    key_.append(l.name).push_back('\xff');
    key_.append(l.value).push_back('\xff');
  }
  auto [it, inserted] = metric_index_.try_emplace(key_, family_->metric_size());
  if (!inserted) return family_->mutable_metric(it->second);
  pb::Metric* m = family_->add_metric();
  for (const auto& l : labels) {
    if (!skip_label.empty() && l.name == skip_label) continue;
    auto* pair = m->add_label();
    pair->set_name(std::string(l.name));
    pair->set_value(std::string(l.value));
  }
  return m;
}

void ProtobufWriter::sample(const model::Sample& s) {
  std::string_view suffix;
  if (!belongs(s.name, suffix) || type_ == model::MetricType::kInfo || type_ == model::MetricType::kStateSet) {
    begin_family(s.name, false);
    suffix = "";
  }
  has_samples_ = true;
  bool histogram = type_ == model::MetricType::kHistogram || type_ == model::MetricType::kGaugeHistogram;
  std::string_view skip = histogram && suffix == "_bucket"                     ? "le"
                          : type_ == model::MetricType::kSummary && suffix.empty() ? "quantile"
                                                                                   : "";
  pb::Metric* m = metric_for(s.labels, skip);
  if (s.timestamp) m->set_timestamp_ms(*s.timestamp);
  switch (type_) {
    case model::MetricType::kCounter:
      if (suffix == "_created") {
        set_timestamp(m->mutable_counter()->mutable_created_timestamp(), s.value);
      } else {
        m->mutable_counter()->set_value(s.value);
        if (s.exemplar) set_exemplar(m->mutable_counter()->mutable_exemplar(), *s.exemplar);
      }
      return;
    case model::MetricType::kGauge: m->mutable_gauge()->set_value(s.value); return;
    case model::MetricType::kSummary: {
      pb::Summary* summary = m->mutable_summary();
      if (suffix.empty()) {
        double q = 0;
        for (const auto& l : s.labels)
          if (l.name == "quantile") q = parse_value(l.value).value_or(std::nan(""));
        auto* quantile = summary->add_quantile();
        quantile->set_quantile(q);
        quantile->set_value(s.value);
      } else if (suffix == "_sum") {
        summary->set_sample_sum(s.value);
      } else if (suffix == "_count") {
        summary->set_sample_count(is_count(s.value) ? static_cast<uint64_t>(s.value) : 0);
      } else {
        set_timestamp(summary->mutable_created_timestamp(), s.value);
      }
      return;
    }
    case model::MetricType::kHistogram:
    case model::MetricType::kGaugeHistogram: {
      pb::Histogram* h = m->mutable_histogram();
      if (suffix == "_bucket") {
        double le = std::nan("");
        for (const auto& l : s.labels)
          if (l.name == "le") le = parse_value(l.value).value_or(std::nan(""));
        bool as_float = h->sample_count_float() > 0 || !is_count(s.value);
        if (std::isinf(le) && le > 0) {
          // sample_count carries the +Inf bucket (set it in case no _count comes); the bucket
          // itself is written only to keep its exemplar.
          if (h->sample_count() == 0 && h->sample_count_float() == 0) {
            if (as_float) h->set_sample_count_float(s.value);
            else h->set_sample_count(static_cast<uint64_t>(s.value));
          }
          if (!s.exemplar) return;
        }
        pb::Bucket* b = h->add_bucket();
        b->set_upper_bound(le);
        if (as_float) b->set_cumulative_count_float(s.value);
        else b->set_cumulative_count(static_cast<uint64_t>(s.value));
        if (s.exemplar) set_exemplar(b->mutable_exemplar(), *s.exemplar);
      } else if (suffix == "_sum" || suffix == "_gsum") {
        h->set_sample_sum(s.value);
      } else if (suffix == "_count" || suffix == "_gcount") {
        if (h->sample_count_float() > 0 || !is_count(s.value)) h->set_sample_count_float(s.value);
        else h->set_sample_count(static_cast<uint64_t>(s.value));
      } else if (suffix == "_created") {
        set_timestamp(h->mutable_created_timestamp(), s.value);
      }
      return;
    }
    default: m->mutable_untyped()->set_value(s.value); return;
  }
}

void ProtobufWriter::native_histogram(std::string_view family, const model::NativeHistogram& n) {
  if (!active_ || family != name_) {
    begin_family(family, false);
    type(family, model::MetricType::kHistogram);
  }
  has_samples_ = true;
  pb::Metric* m = metric_for(n.labels, "");
  if (n.timestamp) m->set_timestamp_ms(*n.timestamp);
  pb::Histogram* h = m->mutable_histogram();
  if (n.is_float) {
    h->set_sample_count_float(n.count);
    h->set_zero_count_float(n.zero_count);
  } else {
    h->set_sample_count(static_cast<uint64_t>(n.count));
    h->set_zero_count(static_cast<uint64_t>(n.zero_count));
  }
  h->set_sample_sum(n.sum);
  h->set_schema(n.schema);
  h->set_zero_threshold(n.zero_threshold);
  for (const auto& s : n.positive_spans) {
    auto* span = h->add_positive_span();
    span->set_offset(s.offset);
    span->set_length(s.length);
  }
  for (const auto& s : n.negative_spans) {
    auto* span = h->add_negative_span();
    span->set_offset(s.offset);
    span->set_length(s.length);
  }
  for (int64_t d : n.positive_deltas) h->add_positive_delta(d);
  for (int64_t d : n.negative_deltas) h->add_negative_delta(d);
  for (double c : n.positive_counts) h->add_positive_count(c);
  for (double c : n.negative_counts) h->add_negative_count(c);
  if (n.created_seconds) set_timestamp(h->mutable_created_timestamp(), *n.created_seconds);
  for (const auto& e : n.exemplars) set_exemplar(h->add_exemplars(), e);
}

void ProtobufWriter::flush_family() {
  if (!active_) return;
  active_ = false;
  size_t size = family_->ByteSizeLong();
  uint64_t v = size;
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    buf_.push_back(static_cast<char>(v ? byte | 0x80 : byte));
  } while (v);
  size_t at = buf_.size();
  buf_.resize(at + size);
  family_->SerializeToArray(buf_.data() + at, static_cast<int>(size));
  if (output_ && buf_.size() >= kDrainAt) {
    output_->write(buf_);
    buf_.clear();
  }
}

void ProtobufWriter::finish() {
  flush_family();
  if (output_) {
    output_->write(buf_);
    buf_.clear();
    output_->flush();
  }
}

}  // namespace promotel::exposition

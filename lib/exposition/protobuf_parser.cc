#include "exposition/protobuf_parser.h"

#include <cmath>
#include <cstring>

#include "exposition/writer.h"
#include "io/prometheus/client/metrics.pb.h"

namespace promotel::exposition {
namespace {

namespace pb = io::prometheus::client;

constexpr size_t kInitialBuffer = 64 * 1024;
constexpr uint64_t kMaxRecord = uint64_t(1) << 31;

std::optional<model::TimestampMs> to_ms(const google::protobuf::Timestamp& ts) {
  return ts.seconds() * 1000 + ts.nanos() / 1000000;
}

bool is_native(const pb::Histogram& h) {
  return h.positive_span_size() > 0 || h.negative_span_size() > 0 || h.zero_threshold() > 0 ||
         h.zero_count() > 0 || h.zero_count_float() > 0;
}

bool is_float(const pb::Histogram& h) { return h.sample_count_float() > 0; }

}  // namespace

ProtobufParser::ProtobufParser(Reader& input, ParseOptions options)
    : input_(input), options_(options), family_(std::make_unique<pb::MetricFamily>()) {
  buffer_.resize(kInitialBuffer);
}

ProtobufParser::~ProtobufParser() = default;

SourcePosition ProtobufParser::position() const {
  return {input_.name(), record_number_, static_cast<size_t>(record_offset_) + 1};
}

void ProtobufParser::fail(const std::string& what) const { throw Error(position(), what); }

// Makes at least `wanted` unconsumed bytes available; false if the input ends first.
bool ProtobufParser::fill(size_t wanted) {
  while (end_ - begin_ < wanted) {
    if (input_done_) return false;
    if (begin_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (buffer_.size() < wanted) buffer_.resize(std::max(wanted, buffer_.size() * 2));
    size_t n = input_.read(buffer_.data() + end_, buffer_.size() - end_);
    if (n == 0) input_done_ = true;
    end_ += n;
  }
  return true;
}

bool ProtobufParser::read_record() {
  if (!fill(1)) return false;
  record_offset_ = consumed_;
  ++record_number_;
  uint64_t length = 0;
  size_t varint_bytes = 0;
  for (;;) {
    if (!fill(varint_bytes + 1)) fail("truncated record length (varint) at end of input");
    uint8_t b = static_cast<uint8_t>(buffer_[begin_ + varint_bytes]);
    length |= static_cast<uint64_t>(b & 0x7f) << (7 * varint_bytes);
    ++varint_bytes;
    if (!(b & 0x80)) break;
    if (varint_bytes == 10) fail("invalid record length: varint longer than 10 bytes");
  }
  if (length > kMaxRecord) fail("record length " + std::to_string(length) + " is too large (corrupt input?)");
  if (!fill(varint_bytes + length))
    fail("truncated record: expected " + std::to_string(length) + " bytes of MetricFamily, found " +
         std::to_string(end_ - begin_ - varint_bytes));
  const char* data = buffer_.data() + begin_ + varint_bytes;
  if (!family_->ParseFromArray(data, static_cast<int>(length)))
    fail("invalid MetricFamily message (" + std::to_string(length) + " bytes)");
  begin_ += varint_bytes + length;
  consumed_ += varint_bytes + length;

  const std::string& name = family_->name();
  if (name.empty()) fail("MetricFamily without a name");
  if (options_.strict && !seen_families_.insert(name).second)
    fail("metric family \"" + name + "\" appears twice in the stream");
  family_bucket_ = name + "_bucket";
  family_sum_ = name + (family_->type() == pb::GAUGE_HISTOGRAM ? "_gsum" : "_sum");
  family_count_ = name + (family_->type() == pb::GAUGE_HISTOGRAM ? "_gcount" : "_count");
  std::string_view base = name;
  if (family_->type() == pb::COUNTER && base.ends_with("_total")) base.remove_suffix(6);
  family_total_ = std::string(base) + "_total";
  family_created_ = std::string(base) + "_created";
  switch (family_->type()) {
    case pb::COUNTER: type_ = model::MetricType::kCounter; break;
    case pb::GAUGE: type_ = model::MetricType::kGauge; break;
    case pb::SUMMARY: type_ = model::MetricType::kSummary; break;
    case pb::UNTYPED: type_ = model::MetricType::kUnknown; break;
    case pb::HISTOGRAM: type_ = model::MetricType::kHistogram; break;
    case pb::GAUGE_HISTOGRAM: type_ = model::MetricType::kGaugeHistogram; break;
  }
  phase_ = Phase::kHelp;
  metric_index_ = 0;
  return true;
}

Entry ProtobufParser::next() {
  for (;;) {
    if (phase_ != Phase::kDone && produce()) return entry_kind_;
    if (!read_record()) return Entry::kEnd;
  }
}

void ProtobufParser::set_sample(std::string_view name, double value, std::string_view special,
                                std::string_view special_value) {
  const pb::Metric& m = family_->metric(metric_index_);
  labels_.clear();
  for (const auto& l : m.label()) labels_.push_back({l.name(), l.value()});
  if (!special.empty()) labels_.push_back({special, special_value});
  sample_.name = name;
  sample_.labels = model::Labels(labels_.data(), labels_.size());
  sample_.value = value;
  sample_.timestamp.reset();
  if (m.has_timestamp_ms()) sample_.timestamp = m.timestamp_ms();
  sample_.exemplar = nullptr;
  entry_kind_ = Entry::kSample;
}

void ProtobufParser::set_exemplar(const void* p) {
  const auto& e = *static_cast<const pb::Exemplar*>(p);
  exemplar_labels_.clear();
  for (const auto& l : e.label()) exemplar_labels_.push_back({l.name(), l.value()});
  exemplar_.labels = model::Labels(exemplar_labels_.data(), exemplar_labels_.size());
  exemplar_.value = e.value();
  exemplar_.timestamp.reset();
  if (e.has_timestamp()) exemplar_.timestamp = to_ms(e.timestamp());
  sample_.exemplar = &exemplar_;
}

void ProtobufParser::set_native(const void* p) {
  const auto& h = *static_cast<const pb::Histogram*>(p);
  const pb::Metric& m = family_->metric(metric_index_);
  if ((h.schema() < -9 || h.schema() > 52) && h.schema() != -53)
    fail("native histogram of \"" + family_->name() + "\" has invalid schema " + std::to_string(h.schema()));
  native_labels_.clear();
  for (const auto& l : m.label()) native_labels_.push_back({l.name(), l.value()});
  native_ = model::NativeHistogram{};
  native_.labels = model::Labels(native_labels_.data(), native_labels_.size());
  if (m.has_timestamp_ms()) native_.timestamp = m.timestamp_ms();
  native_.schema = h.schema();
  native_.zero_threshold = h.zero_threshold();
  native_.is_float = is_float(h);
  native_.count = native_.is_float ? h.sample_count_float() : static_cast<double>(h.sample_count());
  native_.sum = h.sample_sum();
  native_.zero_count = native_.is_float ? h.zero_count_float() : static_cast<double>(h.zero_count());
  auto spans = [](const auto& in, std::vector<model::BucketSpan>& out) {
    out.clear();
    for (const auto& s : in) out.push_back({s.offset(), s.length()});
  };
  spans(h.positive_span(), positive_spans_);
  spans(h.negative_span(), negative_spans_);
  positive_deltas_.assign(h.positive_delta().begin(), h.positive_delta().end());
  negative_deltas_.assign(h.negative_delta().begin(), h.negative_delta().end());
  positive_counts_.assign(h.positive_count().begin(), h.positive_count().end());
  negative_counts_.assign(h.negative_count().begin(), h.negative_count().end());
  // The bucket counts must fill the spans exactly.
  auto check = [&](const std::vector<model::BucketSpan>& sp, size_t deltas, size_t counts, const char* side) {
    uint64_t total = 0;
    for (const auto& s : sp) total += s.length;
    size_t have = native_.is_float ? counts : deltas;
    if (total != have)
      fail("native histogram of \"" + family_->name() + "\": " + side + " spans cover " + std::to_string(total) +
           " buckets but " + std::to_string(have) + " bucket counts are given");
  };
  check(positive_spans_, positive_deltas_.size(), positive_counts_.size(), "positive");
  check(negative_spans_, negative_deltas_.size(), negative_counts_.size(), "negative");
  native_.positive_spans = positive_spans_;
  native_.negative_spans = negative_spans_;
  native_.positive_deltas = positive_deltas_;
  native_.negative_deltas = negative_deltas_;
  native_.positive_counts = positive_counts_;
  native_.negative_counts = negative_counts_;
  if (h.has_created_timestamp())
    native_.created_seconds = static_cast<double>(h.created_timestamp().seconds()) + h.created_timestamp().nanos() / 1e9;
  // Exemplars: labels of all exemplars in one vector, spans taken after it stops growing.
  native_exemplar_labels_.clear();
  for (const auto& e : h.exemplars())
    for (const auto& l : e.label()) native_exemplar_labels_.push_back({l.name(), l.value()});
  native_exemplars_.clear();
  size_t offset = 0;
  for (const auto& e : h.exemplars()) {
    model::Exemplar x;
    x.labels = model::Labels(native_exemplar_labels_.data() + offset, static_cast<size_t>(e.label_size()));
    offset += static_cast<size_t>(e.label_size());
    x.value = e.value();
    if (e.has_timestamp()) x.timestamp = to_ms(e.timestamp());
    native_exemplars_.push_back(x);
  }
  native_.exemplars = native_exemplars_;
  name_ = family_->name();
  entry_kind_ = Entry::kNativeHistogram;
}

bool ProtobufParser::produce() {
  const pb::MetricFamily& f = *family_;
  for (;;) {
    switch (phase_) {
      case Phase::kHelp:
        phase_ = Phase::kType;
        name_ = f.name();
        if (!f.help().empty()) {
          text_ = f.help();
          entry_kind_ = Entry::kHelp;
          return true;
        }
        break;
      case Phase::kType:
        phase_ = Phase::kUnit;
        name_ = f.name();
        entry_kind_ = Entry::kType;
        return true;
      case Phase::kUnit:
        phase_ = Phase::kMetricStart;
        if (!f.unit().empty()) {
          name_ = f.name();
          text_ = f.unit();
          entry_kind_ = Entry::kUnit;
          return true;
        }
        break;
      case Phase::kMetricStart:
        if (metric_index_ >= f.metric_size()) {
          phase_ = Phase::kDone;
          return false;
        }
        index_ = 0;
        phase_ = Phase::kValue;
        if (f.type() == pb::HISTOGRAM || f.type() == pb::GAUGE_HISTOGRAM) phase_ = Phase::kNative;
        if (f.type() == pb::SUMMARY) phase_ = Phase::kQuantiles;
        break;
      case Phase::kValue: {
        const pb::Metric& m = f.metric(metric_index_);
        phase_ = Phase::kCreated;
        switch (f.type()) {
          case pb::COUNTER:
            set_sample(family_total_, m.counter().value());
            if (m.counter().has_exemplar()) set_exemplar(&m.counter().exemplar());
            return true;
          case pb::GAUGE:
            set_sample(f.name(), m.gauge().value());
            return true;
          default:
            set_sample(f.name(), m.untyped().value());
            return true;
        }
      }
      case Phase::kNative: {
        const pb::Histogram& h = f.metric(metric_index_).histogram();
        bool native = is_native(h);
        phase_ = native && h.bucket_size() == 0 ? Phase::kMetricEnd : Phase::kBuckets;
        if (native) {
          set_native(&h);
          return true;
        }
        break;
      }
      case Phase::kQuantiles: {
        const pb::Summary& s = f.metric(metric_index_).summary();
        if (index_ >= s.quantile_size()) {
          phase_ = Phase::kSum;
          break;
        }
        const pb::Quantile& q = s.quantile(index_++);
        special_value_.clear();
        append_value(special_value_, q.quantile(), Format::kPrometheusText);
        set_sample(f.name(), q.value(), "quantile", special_value_);
        return true;
      }
      case Phase::kBuckets: {
        const pb::Histogram& h = f.metric(metric_index_).histogram();
        if (index_ >= h.bucket_size()) {
          phase_ = Phase::kInfBucket;
          break;
        }
        const pb::Bucket& b = h.bucket(index_++);
        special_value_.clear();
        append_value(special_value_, b.upper_bound(), Format::kPrometheusText);
        double count = is_float(h) || b.cumulative_count_float() > 0 ? b.cumulative_count_float()
                                                                     : static_cast<double>(b.cumulative_count());
        set_sample(family_bucket_, count, "le", special_value_);
        if (b.has_exemplar()) set_exemplar(&b.exemplar());
        return true;
      }
      case Phase::kInfBucket: {
        const pb::Histogram& h = f.metric(metric_index_).histogram();
        phase_ = Phase::kSum;
        if (h.bucket_size() > 0 && std::isinf(h.bucket(h.bucket_size() - 1).upper_bound())) break;
        double count = is_float(h) ? h.sample_count_float() : static_cast<double>(h.sample_count());
        set_sample(family_bucket_, count, "le", "+Inf");
        return true;
      }
      case Phase::kSum: {
        const pb::Metric& m = f.metric(metric_index_);
        phase_ = Phase::kCount;
        set_sample(family_sum_, f.type() == pb::SUMMARY ? m.summary().sample_sum() : m.histogram().sample_sum());
        return true;
      }
      case Phase::kCount: {
        const pb::Metric& m = f.metric(metric_index_);
        phase_ = Phase::kCreated;
        double count;
        if (f.type() == pb::SUMMARY) count = static_cast<double>(m.summary().sample_count());
        else if (is_float(m.histogram())) count = m.histogram().sample_count_float();
        else count = static_cast<double>(m.histogram().sample_count());
        set_sample(family_count_, count);
        return true;
      }
      case Phase::kCreated: {
        const pb::Metric& m = f.metric(metric_index_);
        phase_ = Phase::kMetricEnd;
        const google::protobuf::Timestamp* created = nullptr;
        if (f.type() == pb::COUNTER && m.counter().has_created_timestamp()) created = &m.counter().created_timestamp();
        if (f.type() == pb::SUMMARY && m.summary().has_created_timestamp()) created = &m.summary().created_timestamp();
        if (f.type() == pb::HISTOGRAM && m.histogram().has_created_timestamp())
          created = &m.histogram().created_timestamp();
        if (created) {
          set_sample(family_created_, static_cast<double>(created->seconds()) + created->nanos() / 1e9);
          return true;
        }
        break;
      }
      case Phase::kMetricEnd:
        ++metric_index_;
        phase_ = Phase::kMetricStart;
        break;
      case Phase::kDone:
        return false;
    }
  }
}

}  // namespace promotel::exposition

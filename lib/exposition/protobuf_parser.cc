#include "exposition/protobuf_parser.h"

#include <cmath>
#include <cstring>

#include "exposition/writer.h"

namespace promotel::exposition {
namespace {

constexpr size_t kInitialBuffer = 64 * 1024;
constexpr uint64_t kMaxRecord = uint64_t(1) << 31;

// io.prometheus.client.MetricType
enum : int { kCounter = 0, kGauge = 1, kSummary = 2, kUntyped = 3, kHistogram = 4, kGaugeHistogram = 5 };

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLength = 2, kFixed32 = 5 };

// A cursor over one message's bytes. Malformed input sets `error` and makes every read return
// a neutral value; callers check `error` once per message.
struct Wire {
  const uint8_t* p;
  const uint8_t* end;
  const char* error = nullptr;

  explicit Wire(std::string_view bytes)
      : p(reinterpret_cast<const uint8_t*>(bytes.data())), end(p + bytes.size()) {}

  bool more() const { return p < end && !error; }

  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= end) return bad("truncated varint");
      uint8_t b = *p++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    return bad("varint longer than 10 bytes");
  }
  // An embedded google.protobuf.Timestamp {1: seconds, 2: nanos}; a decoding error inside it is
  // recorded on this Wire.
  template <typename T>
  T timestamp() {
    Wire ts(bytes());
    T t;
    while (ts.more()) {
      uint64_t tag = ts.varint();
      uint32_t field = static_cast<uint32_t>(tag >> 3), wire_type = static_cast<uint32_t>(tag & 7);
      if (field == 1) t.seconds = static_cast<int64_t>(ts.read_varint(wire_type));
      else if (field == 2) t.nanos = static_cast<int32_t>(ts.read_varint(wire_type));
      else ts.skip(wire_type);
    }
    if (ts.error) bad(ts.error);
    return t;
  }
  uint64_t bad(const char* what) {
    if (!error) error = what;
    p = end;
    return 0;
  }
  double fixed64_double() {
    if (end - p < 8) return static_cast<double>(bad("truncated fixed64"));
    double v;
    std::memcpy(&v, p, 8);
    p += 8;
    return v;
  }
  std::string_view bytes() {
    uint64_t n = varint();
    if (error) return {};
    if (n > static_cast<uint64_t>(end - p)) {
      bad("length-delimited field runs past the end of its message");
      return {};
    }
    std::string_view out(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
    p += n;
    return out;
  }
  void skip(uint32_t wire_type) {
    switch (wire_type) {
      case kVarint: varint(); break;
      case kFixed64:
        if (end - p < 8) bad("truncated fixed64");
        else p += 8;
        break;
      case kLength: bytes(); break;
      case kFixed32:
        if (end - p < 4) bad("truncated fixed32");
        else p += 4;
        break;
      default: bad("invalid wire type");
    }
  }
  // A double field (fixed64), tolerating a wrong wire type by skipping it.
  double read_double(uint32_t wire_type) {
    if (wire_type == kFixed64) return fixed64_double();
    skip(wire_type);
    return 0;
  }
  uint64_t read_varint(uint32_t wire_type) {
    if (wire_type == kVarint) return varint();
    skip(wire_type);
    return 0;
  }
  // Repeated scalars come packed (one length-delimited run) or one per tag.
  template <typename F>
  void repeated_varint(uint32_t wire_type, F&& add) {
    if (wire_type == kLength) {
      Wire run(bytes());
      while (run.more()) add(run.varint());
      if (run.error) bad(run.error);
    } else {
      add(read_varint(wire_type));
    }
  }
  template <typename F>
  void repeated_double(uint32_t wire_type, F&& add) {
    if (wire_type == kLength) {
      Wire run(bytes());
      while (run.more()) add(run.fixed64_double());
      if (run.error) bad(run.error);
    } else {
      add(read_double(wire_type));
    }
  }
};

int64_t zigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

}  // namespace

ProtobufParser::ProtobufParser(Reader& input, ParseOptions options) : input_(input), options_(options) {
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
    // Grow only when full, so a corrupt length prefix costs memory only for bytes that arrive.
    if (end_ == buffer_.size()) buffer_.resize(std::min(wanted, buffer_.size() * 2));
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
  std::string_view record(buffer_.data() + begin_ + varint_bytes, static_cast<size_t>(length));
  begin_ += varint_bytes + length;
  consumed_ += varint_bytes + length;

  family_name_ = family_help_ = family_unit_ = {};
  family_type_ = kCounter;
  metric_bytes_.clear();
  Wire w(record);
  while (w.more()) {
    uint64_t tag = w.varint();
    uint32_t field = static_cast<uint32_t>(tag >> 3), wt = static_cast<uint32_t>(tag & 7);
    if (field == 1 && wt == kLength) family_name_ = w.bytes();
    else if (field == 2 && wt == kLength) family_help_ = w.bytes();
    else if (field == 3 && wt == kVarint) family_type_ = static_cast<int>(w.varint());
    else if (field == 4 && wt == kLength) metric_bytes_.push_back(w.bytes());
    else if (field == 5 && wt == kLength) family_unit_ = w.bytes();
    else w.skip(wt);
  }
  if (w.error) fail(std::string("invalid MetricFamily message: ") + w.error);
  if (family_name_.empty()) fail("MetricFamily without a name");
  switch (family_type_) {
    case kCounter: type_ = model::MetricType::kCounter; break;
    case kGauge: type_ = model::MetricType::kGauge; break;
    case kSummary: type_ = model::MetricType::kSummary; break;
    case kUntyped: type_ = model::MetricType::kUnknown; break;
    case kHistogram: type_ = model::MetricType::kHistogram; break;
    case kGaugeHistogram: type_ = model::MetricType::kGaugeHistogram; break;
    default: fail("MetricFamily \"" + std::string(family_name_) + "\" has unknown type " + std::to_string(family_type_));
  }
  if (options_.strict && !seen_families_.emplace(family_name_).second)
    fail("metric family \"" + std::string(family_name_) + "\" appears twice in the stream");
  bool gauge_histogram = family_type_ == kGaugeHistogram;
  family_bucket_.assign(family_name_).append("_bucket");
  family_sum_.assign(family_name_).append(gauge_histogram ? "_gsum" : "_sum");
  family_count_.assign(family_name_).append(gauge_histogram ? "_gcount" : "_count");
  std::string_view base = family_name_;
  if (family_type_ == kCounter && base.ends_with("_total")) base.remove_suffix(6);
  family_total_.assign(base).append("_total");
  family_created_.assign(base).append("_created");
  phase_ = Phase::kHelp;
  metric_index_ = 0;
  return true;
}

int ProtobufParser::decode_exemplar(std::string_view bytes) {
  ExemplarRef ref;
  ref.label_begin = exemplar_label_store_.size();
  Wire w(bytes);
  while (w.more()) {
    uint64_t tag = w.varint();
    uint32_t field = static_cast<uint32_t>(tag >> 3), wt = static_cast<uint32_t>(tag & 7);
    if (field == 1 && wt == kLength) {
      Wire pair(w.bytes());
      model::Label label;
      while (pair.more()) {
        uint64_t t = pair.varint();
        uint32_t f = static_cast<uint32_t>(t >> 3), pwt = static_cast<uint32_t>(t & 7);
        if (f == 1 && pwt == kLength) label.name = pair.bytes();
        else if (f == 2 && pwt == kLength) label.value = pair.bytes();
        else pair.skip(pwt);
      }
      if (pair.error) fail(std::string("invalid exemplar label: ") + pair.error);
      exemplar_label_store_.push_back(label);
    } else if (field == 2) {
      ref.value = w.read_double(wt);
    } else if (field == 3 && wt == kLength) {
      ref.timestamp = w.timestamp<Timestamp>();
      if (w.error) fail(std::string("invalid exemplar timestamp: ") + w.error);
    } else {
      w.skip(wt);
    }
  }
  if (w.error) fail(std::string("invalid Exemplar message: ") + w.error);
  ref.label_count = exemplar_label_store_.size() - ref.label_begin;
  exemplar_refs_.push_back(ref);
  return static_cast<int>(exemplar_refs_.size() - 1);
}

void ProtobufParser::decode_summary(std::string_view bytes) {
  Wire w(bytes);
  while (w.more()) {
    uint64_t tag = w.varint();
    uint32_t field = static_cast<uint32_t>(tag >> 3), wt = static_cast<uint32_t>(tag & 7);
    switch (field) {
      case 1: metric_.count = w.read_varint(wt); break;
      case 2: metric_.sum = w.read_double(wt); break;
      case 3: {
        if (wt != kLength) {
          w.skip(wt);
          break;
        }
        Wire q(w.bytes());
        double quantile = 0, value = 0;
        while (q.more()) {
          uint64_t t = q.varint();
          uint32_t f = static_cast<uint32_t>(t >> 3), qwt = static_cast<uint32_t>(t & 7);
          if (f == 1) quantile = q.read_double(qwt);
          else if (f == 2) value = q.read_double(qwt);
          else q.skip(qwt);
        }
        if (q.error) w.bad(q.error);
        quantiles_.emplace_back(quantile, value);
        break;
      }
      case 4:
        if (wt == kLength) {
          metric_.created = w.timestamp<Timestamp>();
        } else {
          w.skip(wt);
        }
        break;
      default: w.skip(wt);
    }
  }
  if (w.error) fail(std::string("invalid Summary message: ") + w.error);
}

void ProtobufParser::decode_histogram(std::string_view bytes) {
  Wire w(bytes);
  auto span = [&](std::vector<model::BucketSpan>& out, uint32_t wt) {
    if (wt != kLength) {
      w.skip(wt);
      return;
    }
    Wire s(w.bytes());
    model::BucketSpan span;
    while (s.more()) {
      uint64_t t = s.varint();
      uint32_t f = static_cast<uint32_t>(t >> 3), swt = static_cast<uint32_t>(t & 7);
      if (f == 1) span.offset = static_cast<int32_t>(zigzag(s.read_varint(swt)));
      else if (f == 2) span.length = static_cast<uint32_t>(s.read_varint(swt));
      else s.skip(swt);
    }
    if (s.error) w.bad(s.error);
    out.push_back(span);
  };
  while (w.more()) {
    uint64_t tag = w.varint();
    uint32_t field = static_cast<uint32_t>(tag >> 3), wt = static_cast<uint32_t>(tag & 7);
    switch (field) {
      case 1: metric_.count = w.read_varint(wt); break;
      case 2: metric_.sum = w.read_double(wt); break;
      case 3: {
        if (wt != kLength) {
          w.skip(wt);
          break;
        }
        Wire b(w.bytes());
        Bucket bucket;
        while (b.more()) {
          uint64_t t = b.varint();
          uint32_t f = static_cast<uint32_t>(t >> 3), bwt = static_cast<uint32_t>(t & 7);
          if (f == 1) bucket.count = b.read_varint(bwt);
          else if (f == 2) bucket.upper_bound = b.read_double(bwt);
          else if (f == 3 && bwt == kLength) bucket.exemplar = decode_exemplar(b.bytes());
          else if (f == 4) bucket.count_float = b.read_double(bwt);
          else b.skip(bwt);
        }
        if (b.error) w.bad(b.error);
        buckets_.push_back(bucket);
        break;
      }
      case 4: metric_.count_float = w.read_double(wt); break;
      case 5: metric_.schema = static_cast<int32_t>(zigzag(w.read_varint(wt))); break;
      case 6: metric_.zero_threshold = w.read_double(wt); break;
      case 7: metric_.zero_count = w.read_varint(wt); break;
      case 8: metric_.zero_count_float = w.read_double(wt); break;
      case 9: span(negative_spans_, wt); break;
      case 10: w.repeated_varint(wt, [&](uint64_t v) { negative_deltas_.push_back(zigzag(v)); }); break;
      case 11: w.repeated_double(wt, [&](double v) { negative_counts_.push_back(v); }); break;
      case 12: span(positive_spans_, wt); break;
      case 13: w.repeated_varint(wt, [&](uint64_t v) { positive_deltas_.push_back(zigzag(v)); }); break;
      case 14: w.repeated_double(wt, [&](double v) { positive_counts_.push_back(v); }); break;
      case 15:
        if (wt == kLength) {
          metric_.created = w.timestamp<Timestamp>();
        } else {
          w.skip(wt);
        }
        break;
      case 16:
        if (wt == kLength) exemplar_native_.push_back(decode_exemplar(w.bytes()));
        else w.skip(wt);
        break;
      default: w.skip(wt);
    }
  }
  if (w.error) fail(std::string("invalid Histogram message: ") + w.error);
}

void ProtobufParser::decode_metric(std::string_view bytes) {
  metric_ = Metric{};
  metric_labels_.clear();
  exemplar_label_store_.clear();
  exemplar_refs_.clear();
  exemplar_native_.clear();
  quantiles_.clear();
  buckets_.clear();
  positive_spans_.clear();
  negative_spans_.clear();
  positive_deltas_.clear();
  negative_deltas_.clear();
  positive_counts_.clear();
  negative_counts_.clear();
  Wire w(bytes);
  auto value_of = [&](std::string_view sub) {
    Wire v(sub);
    double value = 0;
    while (v.more()) {
      uint64_t t = v.varint();
      uint32_t f = static_cast<uint32_t>(t >> 3), vwt = static_cast<uint32_t>(t & 7);
      if (f == 1) value = v.read_double(vwt);
      else v.skip(vwt);
    }
    if (v.error) w.bad(v.error);
    return value;
  };
  while (w.more()) {
    uint64_t tag = w.varint();
    uint32_t field = static_cast<uint32_t>(tag >> 3), wt = static_cast<uint32_t>(tag & 7);
    if (wt != kLength && field != 6) {
      w.skip(wt);
      continue;
    }
    switch (field) {
      case 1: {
        Wire pair(w.bytes());
        model::Label label;
        while (pair.more()) {
          uint64_t t = pair.varint();
          uint32_t f = static_cast<uint32_t>(t >> 3), pwt = static_cast<uint32_t>(t & 7);
          if (f == 1 && pwt == kLength) label.name = pair.bytes();
          else if (f == 2 && pwt == kLength) label.value = pair.bytes();
          else pair.skip(pwt);
        }
        if (pair.error) w.bad(pair.error);
        metric_labels_.push_back(label);
        break;
      }
      case 2:
      case 5: metric_.value = value_of(w.bytes()); break;
      case 3: {
        metric_.has_counter = true;
        Wire c(w.bytes());
        while (c.more()) {
          uint64_t t = c.varint();
          uint32_t f = static_cast<uint32_t>(t >> 3), cwt = static_cast<uint32_t>(t & 7);
          if (f == 1) metric_.value = c.read_double(cwt);
          else if (f == 2 && cwt == kLength) metric_.exemplar = decode_exemplar(c.bytes());
          else if (f == 3 && cwt == kLength) {
            metric_.created = c.timestamp<Timestamp>();
          } else {
            c.skip(cwt);
          }
        }
        if (c.error) w.bad(c.error);
        break;
      }
      case 4:
        metric_.has_summary = true;
        decode_summary(w.bytes());
        break;
      case 6:
        if (wt == kVarint) metric_.timestamp_ms = static_cast<int64_t>(w.varint());
        else w.skip(wt);
        break;
      case 7:
        metric_.has_histogram = true;
        decode_histogram(w.bytes());
        break;
      default: w.bytes();
    }
  }
  if (w.error) fail(std::string("invalid Metric message: ") + w.error);
  metric_.label_count = metric_labels_.size();
  metric_labels_.push_back({});  // room for le / quantile
}

bool ProtobufParser::is_native() const {
  return !positive_spans_.empty() || !negative_spans_.empty() || metric_.zero_threshold > 0 ||
         metric_.zero_count > 0 || metric_.zero_count_float > 0;
}

Entry ProtobufParser::next() {
  for (;;) {
    if (phase_ != Phase::kDone && produce()) return entry_;
    if (!read_record()) {
      entry_ = Entry::kEnd;
      return Entry::kEnd;
    }
  }
}

void ProtobufParser::set_sample(std::string_view name, double value, std::string_view special,
                                std::string_view special_value) {
  size_t n = metric_.label_count;
  if (!special.empty()) metric_labels_[n++] = {special, special_value};
  sample_.name = name;
  sample_.labels = model::Labels(metric_labels_.data(), n);
  sample_.value = value;
  sample_.timestamp = metric_.timestamp_ms;
  sample_.exemplar = nullptr;
  entry_ = Entry::kSample;
}

void ProtobufParser::set_exemplar(int index) {
  if (index < 0) return;
  const ExemplarRef& ref = exemplar_refs_[static_cast<size_t>(index)];
  exemplar_.labels = model::Labels(exemplar_label_store_.data() + ref.label_begin, ref.label_count);
  exemplar_.value = ref.value;
  exemplar_.timestamp.reset();
  if (ref.timestamp) exemplar_.timestamp = ref.timestamp->seconds * 1000 + ref.timestamp->nanos / 1000000;
  sample_.exemplar = &exemplar_;
}

void ProtobufParser::set_native() {
  int32_t schema = metric_.schema;
  if ((schema < -9 || schema > 52) && schema != -53)
    fail("native histogram of \"" + std::string(family_name_) + "\" has invalid schema " + std::to_string(schema));
  bool is_float_histogram = is_float();
  auto check = [&](const std::vector<model::BucketSpan>& spans, size_t deltas, size_t counts, const char* side) {
    uint64_t total = 0;
    for (const auto& s : spans) total += s.length;
    size_t have = is_float_histogram ? counts : deltas;
    if (total != have)
      fail("native histogram of \"" + std::string(family_name_) + "\": " + side + " spans cover " +
           std::to_string(total) + " buckets but " + std::to_string(have) + " bucket counts are given");
  };
  check(positive_spans_, positive_deltas_.size(), positive_counts_.size(), "positive");
  check(negative_spans_, negative_deltas_.size(), negative_counts_.size(), "negative");
  native_ = model::NativeHistogram{};
  native_.labels = model::Labels(metric_labels_.data(), metric_.label_count);
  native_.timestamp = metric_.timestamp_ms;
  native_.schema = schema;
  native_.zero_threshold = metric_.zero_threshold;
  native_.is_float = is_float_histogram;
  native_.count = is_float_histogram ? metric_.count_float : static_cast<double>(metric_.count);
  native_.sum = metric_.sum;
  native_.zero_count = is_float_histogram ? metric_.zero_count_float : static_cast<double>(metric_.zero_count);
  native_.positive_spans = positive_spans_;
  native_.negative_spans = negative_spans_;
  native_.positive_deltas = positive_deltas_;
  native_.negative_deltas = negative_deltas_;
  native_.positive_counts = positive_counts_;
  native_.negative_counts = negative_counts_;
  if (metric_.created) native_.created_seconds = static_cast<double>(metric_.created->seconds) + metric_.created->nanos / 1e9;
  native_exemplars_.clear();
  for (int index : exemplar_native_) {
    const ExemplarRef& ref = exemplar_refs_[static_cast<size_t>(index)];
    model::Exemplar x;
    x.labels = model::Labels(exemplar_label_store_.data() + ref.label_begin, ref.label_count);
    x.value = ref.value;
    if (ref.timestamp) x.timestamp = ref.timestamp->seconds * 1000 + ref.timestamp->nanos / 1000000;
    native_exemplars_.push_back(x);
  }
  native_.exemplars = native_exemplars_;
  name_ = family_name_;
  entry_ = Entry::kNativeHistogram;
}

bool ProtobufParser::produce() {
  for (;;) {
    switch (phase_) {
      case Phase::kHelp:
        phase_ = Phase::kType;
        name_ = family_name_;
        if (!family_help_.empty()) {
          text_ = family_help_;
          entry_ = Entry::kHelp;
          return true;
        }
        break;
      case Phase::kType:
        phase_ = Phase::kUnit;
        name_ = family_name_;
        entry_ = Entry::kType;
        return true;
      case Phase::kUnit:
        phase_ = Phase::kMetricStart;
        if (!family_unit_.empty()) {
          name_ = family_name_;
          text_ = family_unit_;
          entry_ = Entry::kUnit;
          return true;
        }
        break;
      case Phase::kMetricStart:
        if (metric_index_ >= metric_bytes_.size()) {
          phase_ = Phase::kDone;
          return false;
        }
        decode_metric(metric_bytes_[metric_index_]);
        index_ = 0;
        phase_ = Phase::kValue;
        if (family_type_ == kHistogram || family_type_ == kGaugeHistogram) phase_ = Phase::kNative;
        if (family_type_ == kSummary) phase_ = Phase::kQuantiles;
        break;
      case Phase::kValue:
        phase_ = Phase::kCreated;
        if (family_type_ == kCounter) {
          set_sample(family_total_, metric_.value);
          set_exemplar(metric_.exemplar);
        } else {
          set_sample(family_name_, metric_.value);
        }
        return true;
      case Phase::kNative: {
        bool native = is_native();
        phase_ = native && buckets_.empty() ? Phase::kMetricEnd : Phase::kBuckets;
        if (native) {
          set_native();
          return true;
        }
        break;
      }
      case Phase::kQuantiles: {
        if (index_ >= quantiles_.size()) {
          phase_ = Phase::kSum;
          break;
        }
        auto [quantile, value] = quantiles_[index_++];
        special_value_.clear();
        append_value(special_value_, quantile, Format::kPrometheusText);
        set_sample(family_name_, value, "quantile", special_value_);
        return true;
      }
      case Phase::kBuckets: {
        if (index_ >= buckets_.size()) {
          phase_ = Phase::kInfBucket;
          break;
        }
        const Bucket& b = buckets_[index_++];
        special_value_.clear();
        append_value(special_value_, b.upper_bound, Format::kPrometheusText);
        double count = is_float() || b.count_float > 0 ? b.count_float : static_cast<double>(b.count);
        set_sample(family_bucket_, count, "le", special_value_);
        set_exemplar(b.exemplar);
        return true;
      }
      case Phase::kInfBucket: {
        phase_ = Phase::kSum;
        if (!buckets_.empty() && std::isinf(buckets_.back().upper_bound)) break;
        set_sample(family_bucket_, is_float() ? metric_.count_float : static_cast<double>(metric_.count), "le", "+Inf");
        return true;
      }
      case Phase::kSum:
        phase_ = Phase::kCount;
        set_sample(family_sum_, metric_.sum);
        return true;
      case Phase::kCount:
        phase_ = Phase::kCreated;
        set_sample(family_count_, is_float() ? metric_.count_float : static_cast<double>(metric_.count));
        return true;
      case Phase::kCreated:
        phase_ = Phase::kMetricEnd;
        if (metric_.created && family_type_ != kGaugeHistogram) {
          set_sample(family_created_,
                     static_cast<double>(metric_.created->seconds) + metric_.created->nanos / 1e9);
          return true;
        }
        break;
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

#include "promreceiver/transaction.h"

#include <fast_float/fast_float.h>
// Inlined: the point identity hash is on the hot path, and the library call costs as much
// as the hashing of ~100 bytes.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/bytes.h"
#include "common/error.h"
#include "common/text.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "otlp/json_encode.h"
#include "promreceiver/naming.h"
#include "promreceiver/resource.h"
#include "promreceiver/wire.h"

namespace promotel::promreceiver {

using namespace std::string_view_literals;

namespace pb_collector = opentelemetry::proto::collector::metrics::v1;
namespace pb_metrics = opentelemetry::proto::metrics::v1;
namespace pb_common = opentelemetry::proto::common::v1;

using model::MetricType;
using model::TimestampMs;

namespace {

constexpr uint32_t kNone = UINT32_MAX;

// Heterogeneous lookup so string_view keys find std::string entries without a copy.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return XXH3_64bits(s.data(), s.size()); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

// A data point's identity hash folds in its attribute values one after the other: equal
// identities have equal values in the same order, so equal hashes. Most of an identity's
// bytes are the names a layout repeats for every point; hashing only the values, with the
// words the value copy loads anyway, costs a third of XXH3 over the whole identity. Points
// with equal hashes are still compared byte for byte: the hash decides speed, never output.
[[gnu::always_inline]] inline uint64_t mix_words(uint64_t a, uint64_t b) {
  unsigned __int128 m = static_cast<unsigned __int128>(a ^ 0x9e3779b97f4a7c15ULL) *
                        (b ^ 0xc2b2ae3d27d4eb4fULL);
  return static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64);
}

// Each pair of words is mixed on its own and only then rotated in: the multiplies of a point's
// values run side by side instead of one after the other (the probe waits for the hash).
[[gnu::always_inline]] inline uint64_t fold_words(uint64_t h, uint64_t lo, uint64_t hi) {
  return std::rotl(h, 23) ^ mix_words(lo, hi);
}

// Copies a value of n bytes to `to` and returns h with the value folded in: the words the
// copy loads are the words hashed. Nothing outside the value is read (it views the
// producer's buffer): short values as two overlapping words (or three bytes), longer ones
// as 16-byte chunks and the last 16 bytes. The length is folded in too, so that values
// sharing their words ("ab", "abab") stay apart. Up to 64 bytes without a library call.
[[gnu::always_inline]] inline uint64_t copy_and_fold(char* to, const char* from, size_t n,
                                                     uint64_t h) {
  uint64_t lo, hi;
  if (n <= 16) {
    if (n >= 8) {
      std::memcpy(&lo, from, 8);
      std::memcpy(&hi, from + n - 8, 8);
      std::memcpy(to, &lo, 8);
      std::memcpy(to + n - 8, &hi, 8);
    } else if (n >= 4) {
      uint32_t head, tail;
      std::memcpy(&head, from, 4);
      std::memcpy(&tail, from + n - 4, 4);
      std::memcpy(to, &head, 4);
      std::memcpy(to + n - 4, &tail, 4);
      lo = head;
      hi = tail;
    } else if (n != 0) {
      uint8_t first = static_cast<uint8_t>(from[0]);
      uint8_t middle = static_cast<uint8_t>(from[n / 2]);
      uint8_t last = static_cast<uint8_t>(from[n - 1]);
      to[0] = static_cast<char>(first);
      to[n / 2] = static_cast<char>(middle);
      to[n - 1] = static_cast<char>(last);
      lo = first | uint64_t{middle} << 8 | uint64_t{last} << 16;
      hi = 0;
    } else {
      lo = hi = 0;
    }
  } else {
    if (n > 64) std::memcpy(to, from, n);
    for (size_t i = 0; i + 16 < n; i += 16) {
      std::memcpy(&lo, from + i, 8);
      std::memcpy(&hi, from + i + 8, 8);
      if (n <= 64) {
        std::memcpy(to + i, &lo, 8);
        std::memcpy(to + i + 8, &hi, 8);
      }
      h = fold_words(h, lo, hi);
    }
    std::memcpy(&lo, from + n - 16, 8);
    std::memcpy(&hi, from + n - 8, 8);
    if (n <= 64) {
      std::memcpy(to + n - 16, &lo, 8);
      std::memcpy(to + n - 8, &hi, 8);
    }
  }
  return fold_words(h, lo, hi ^ n);
}

[[gnu::always_inline]] inline uint64_t finish_hash(uint64_t h) {
  h *= 0x165667919e3779f9ULL;
  return h ^ (h >> 32);
}

struct Metadata {
  MetricType type = MetricType::kUnknown;
  // Heap strings so that families can view them while they are replaced (see retired_metadata).
  std::unique_ptr<std::string> help;
  std::unique_ptr<std::string> unit;
};

std::string_view text_of(const std::unique_ptr<std::string>& text) {
  return text ? std::string_view(*text) : std::string_view();
}

// The families' metadata, like Prometheus' metadata cache but bounded: an input with ever new
// families (every 10x more input, 10x more families) would otherwise grow without end. Two
// generations: entries are made or used in the current one; at a commit, once it holds
// kGeneration families, it becomes the previous one and the older one is forgotten. So the
// metadata of any family set or used within the last kGeneration families is always known
// (families are normally contiguous; one reappearing after thousands of others is the only
// case that can lose its metadata).
class MetadataCache {
 public:
  static constexpr size_t kGeneration = 4096;

  Metadata& operator[](std::string_view family) {
    if (auto it = current_.find(family); it != current_.end()) return it->second;
    if (Metadata* m = promote(family)) return *m;
    return current_[std::string(family)];
  }

  // Null when the family has no metadata; a hit is kept for the next generation.
  const Metadata* find(std::string_view family) {
    if (auto it = current_.find(family); it != current_.end()) return &it->second;
    return promote(family);
  }

  // At a commit, when nothing views the metadata strings any more.
  void age() {
    if (current_.size() < kGeneration) return;
    previous_ = std::move(current_);
    current_.clear();
  }

 private:
  Metadata* promote(std::string_view family) {
    auto it = previous_.find(family);
    if (it == previous_.end()) return nullptr;
    auto node = previous_.extract(it);
    return &current_.insert(std::move(node)).position->second;
  }

  StringMap<Metadata> current_;
  StringMap<Metadata> previous_;
};

// The OTLP shape a family becomes (A5). kEmpty is the receiver's type for gauge histograms:
// their samples become Gauge points.
enum class Kind { kGauge, kSum, kHistogram, kSummary, kExponentialHistogram, kEmpty };

Kind kind_of(MetricType type, bool native) {
  switch (type) {
    case MetricType::kCounter:
    case MetricType::kInfo:
    case MetricType::kStateSet:
      return Kind::kSum;
    case MetricType::kHistogram:
      return native ? Kind::kExponentialHistogram : Kind::kHistogram;
    case MetricType::kGaugeHistogram:
      return native ? Kind::kExponentialHistogram : Kind::kEmpty;
    case MetricType::kSummary:
      return Kind::kSummary;
    case MetricType::kGauge:
    case MetricType::kUnknown:
      return Kind::kGauge;
  }
  return Kind::kGauge;
}

struct SyntheticMetric {
  std::string_view name;
  std::string_view help;
  std::string_view unit;  // raw Prometheus unit word
};

// The receiver's fixed metadata for Prometheus' scrape series (A13).
constexpr SyntheticMetric kSyntheticMetrics[] = {
    {"up", "The scraping was successful", ""},
    {"scrape_duration_seconds", "Duration of the scrape", "seconds"},
    {"scrape_samples_scraped", "The number of samples the target exposed", ""},
    {"scrape_samples_post_metric_relabeling",
     "The number of samples remaining after metric relabeling was applied", ""},
    {"scrape_series_added", "The approximate number of new series in this scrape", ""},
    {"scrape_timeout_seconds", "Timeout of the scrape", ""},
    {"scrape_sample_limit", "Sample limit of the scrape", ""},
    {"scrape_body_size_bytes", "Length of the scrape response in bytes", ""},
};

const SyntheticMetric* find_synthetic(std::string_view name) {
  for (const auto& m : kSyntheticMetrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

// A growable byte buffer whose growth does not zero-fill (std::string::resize would).
class ByteBuffer {
 public:
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  void clear() { size_ = 0; }
  // Room for n more bytes at the end; they become part of the buffer.
  char* grow(size_t n) {
    if (size_ + n > capacity_) {
      size_t capacity = std::max(capacity_ * 2, size_ + n + 4096);
      std::unique_ptr<char[]> bigger(new char[capacity]);
      if (size_ != 0) std::memcpy(bigger.get(), data_.get(), size_);
      data_ = std::move(bigger);
      capacity_ = capacity;
    }
    char* p = data_.get() + size_;
    size_ += n;
    return p;
  }
  void truncate(size_t n) { size_ = n; }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// A KeyValue with a string value as a length-delimited field `field` of its parent: the exact
// bytes the generated message serialises to.
struct KeyValueBytes {
  size_t any;  // the AnyValue's length
  size_t kv;   // the KeyValue's length

  KeyValueBytes(std::string_view key, std::string_view value)
      : any(1 + WireWriter::varint_size(value.size()) + value.size()),
        kv((key.empty() ? 0 : 1 + WireWriter::varint_size(key.size()) + key.size()) + 1 +
           WireWriter::varint_size(any) + any) {}

  // An upper bound of the bytes put() writes.
  size_t bound() const { return 5 + WireWriter::varint_size(kv) + kv; }

  // Writes the field; *key_at and *value_at tell where the key's and value's bytes went.
  char* put(char* p, uint32_t field, std::string_view key, std::string_view value,
            char** key_at = nullptr, char** value_at = nullptr) const {
    p = WireWriter::put_varint(p, (field << 3) | WireWriter::kLength);
    p = WireWriter::put_varint(p, kv);
    if (!key.empty()) {
      *p++ = (1 << 3) | WireWriter::kLength;
      p = WireWriter::put_varint(p, key.size());
      if (key_at) *key_at = p;
      std::memcpy(p, key.data(), key.size());
      p += key.size();
    } else if (key_at) {
      *key_at = p;
    }
    *p++ = (2 << 3) | WireWriter::kLength;
    p = WireWriter::put_varint(p, any);
    *p++ = (1 << 3) | WireWriter::kLength;  // oneof string_value: written even when empty
    p = WireWriter::put_varint(p, value.size());
    if (value_at) *value_at = p;
    if (!value.empty()) std::memcpy(p, value.data(), value.size());  // an empty view may be null
    return p + value.size();
  }
};

struct OwnedExemplar {
  std::vector<Attribute> labels;  // sorted, non-empty values
  double value = 0;
  TimestampMs timestamp = 0;
};

struct NativeBuckets {
  int32_t offset = 0;
  std::vector<uint64_t> counts;
};

struct NativePoint {
  int32_t scale = 0;
  double count = 0;
  double sum = 0;
  double zero_threshold = 0;
  double zero_count = 0;
  NativeBuckets positive;
  NativeBuckets negative;
};

// What only some data points have (histogram buckets, summary quantiles, exemplars, a native
// histogram): kept apart so that the common point (one value) stays a small record.
struct GroupDetail {
  std::vector<std::pair<double, double>> buckets;    // (le, cumulative count)
  std::vector<std::pair<double, double>> quantiles;  // (quantile, value)
  std::vector<OwnedExemplar> exemplars;
  std::unique_ptr<NativePoint> native;

  // Makes a recycled detail new again, keeping the capacity of its vectors.
  void reset() {
    buckets.clear();
    quantiles.clear();
    exemplars.clear();
    native.reset();
  }
};

// One OTLP data point in the making (the receiver's "metric group").
struct Group {
  uint32_t family = 0;
  // The attributes as the data point's serialised KeyValue fields (in State::strings): the
  // point's identity, what the wire writer copies, and what the other writers decode.
  uint32_t identity_offset = 0;
  uint32_t identity_size = 0;
  uint32_t detail = UINT32_MAX;  // into State::details; none until needed
  uint64_t hash = 0;  // of the identity
  TimestampMs timestamp = 0;
  double value = 0;
  double created = 0;
  double count = 0;
  double sum = 0;
  bool has_timestamp = false;
  bool has_value = false;
  bool has_created = false;
  bool has_count = false;
  bool has_sum = false;

  // A recycled group made new, field by field: `*this = Group{}` built a temporary whose
  // copy stalled on store forwarding, at every new data point.
  void reset(uint32_t family_index, uint64_t identity_hash, uint32_t offset, uint32_t size) {
    family = family_index;
    identity_offset = offset;
    identity_size = size;
    detail = UINT32_MAX;
    hash = identity_hash;
    timestamp = 0;
    value = created = count = sum = 0;
    has_timestamp = has_value = has_created = has_count = has_sum = false;
  }
};

// Walks a point's identity (serialised KeyValue fields, as lay_out_identity writes them)
// attribute by attribute.
class AttributeReader {
 public:
  AttributeReader(const char* data, size_t size) : p_(data), end_(data + size) {}

  bool next(std::string_view* name, std::string_view* value) {
    if (p_ == end_) return false;
    varint();  // the attributes field's tag
    uint64_t kv = varint();
    const char* kv_end = p_ + kv;
    *name = {};
    if (*p_ == ((1 << 3) | 2)) {  // the key (absent when empty)
      ++p_;
      size_t n = varint();
      *name = std::string_view(p_, n);
      p_ += n;
    }
    ++p_;     // AnyValue's tag
    varint(); // its length
    ++p_;     // string_value's tag
    size_t n = varint();
    *value = std::string_view(p_, n);
    p_ = kv_end;
    return true;
  }

 private:
  uint64_t varint() {
    if (static_cast<uint8_t>(*p_) < 0x80) return static_cast<uint8_t>(*p_++);  // nearly always
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      uint8_t b = static_cast<uint8_t>(*p_++);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  }
  const char* p_;
  const char* end_;
};

struct PointSlot {
  uint32_t key = 0;  // the identity hash's upper half (its lower bits pick the slot)
  uint32_t group = UINT32_MAX;  // kNone: empty

  static uint32_t key_of(uint64_t hash) { return static_cast<uint32_t>(hash >> 32); }
};

struct Family {
  std::string name;           // the OTLP metric name before suffix trimming
  std::string metadata_name;  // the name its metadata is registered under
  MetricType prom_type = MetricType::kUnknown;
  Kind kind = Kind::kGauge;
  // Views of the metadata strings (kept alive by State::metadata / retired_metadata until the
  // families are forgotten) or of the synthetic table.
  std::string_view help;
  std::string_view unit;  // raw Prometheus unit
  std::vector<uint32_t> groups;  // into State::groups, first-seen order
  // Open-addressing index of the groups by identity hash: one small table per family stays in
  // cache where one for the whole batch missed it on nearly every new point.
  std::vector<PointSlot> index;
  bool dropped = false;
};

struct ScopeInfo {
  std::vector<Attribute> attributes;
};

struct Scope {
  bool is_default = false;
  std::string name;  // empty for the default scope (one per target: no copy of its long name)
  std::string version;
  std::string schema_url;
  std::vector<Attribute> attributes;  // from otel_scope_<x> labels, sorted
  std::vector<uint32_t> families;     // pending, first-seen order

  std::string_view scope_name() const { return is_default ? kDefaultScopeName : std::string_view(name); }
};

struct Resource {
  std::string job;
  std::string instance;
  std::vector<Attribute> attributes;
  std::vector<uint32_t> scopes;  // first-seen order
  uint32_t default_scope = kNone;
  // otel_scope_info attributes by (name, version, schema URL) key.
  StringMap<std::vector<Attribute>> scope_info;
};

struct LabelRef {
  std::string_view name;
  std::string_view value;
  bool is_attribute = false;  // of the data point (lay_out_identity)
  uint32_t source = 0;        // index of the sample label it comes from
};

// The layout of the last label set prepare_labels sorted (names in input order, which values
// were empty) and what it made of it. Consecutive series nearly always repeat the layout; then
// the target-label handling, the sort and the duplicate check are not done again.
struct LabelLayout {
  bool valid = false;
  uint64_t serial = 0;  // tells layouts apart (State::layout_serial)
  std::vector<std::string> names;
  std::vector<uint8_t> empty;
  std::vector<int32_t> position;              // input index → sorted position, -1: none
  std::vector<std::string_view> output_names; // views of names (or exported_*)
  int job = -1;                               // input index of the target job's value
  int instance = -1;
  bool has_scope_labels = false;  // an otel_scope_* label (else: the resource's default scope)
  // No value empty and every label in `out` (the common layout): fill_values has no branch.
  bool dense = false;
  // The resource of the series when the target is not taken from their labels (job and
  // instance from the options): the same for every series of the layout.
  uint32_t fixed_resource = UINT32_MAX;

  // Whether the input has this layout, copying its values to their places in `out` on the
  // way (a partial copy when it has not).
  template <typename Ref>
  bool fill(model::Labels input, std::vector<Ref>& out) const {
    if (!valid || input.size() != names.size()) return false;
    for (size_t i = 0; i < input.size(); ++i) {
      const model::Label& l = input[i];
      if (l.value.empty() != (empty[i] != 0) || !same_bytes(l.name, names[i])) {
        return false;
      }
      if (position[i] >= 0) out[static_cast<size_t>(position[i])].value = l.value;
    }
    return true;
  }

  // fill() for an input whose names are known to be the layout's (the producer's hint): only
  // which values are empty is compared.
  template <typename Ref>
  bool fill_values(model::Labels input, std::vector<Ref>& out) const {
    // Local pointers: the stores into `out` would otherwise reload them every label.
    const uint8_t* is_empty = empty.data();
    const int32_t* to = position.data();
    Ref* refs = out.data();
    if (dense) {
      bool any_empty = false;
      for (size_t i = 0; i < input.size(); ++i) {
        std::string_view value = input[i].value;
        any_empty |= value.empty();
        refs[to[i]].value = value;
      }
      return !any_empty;
    }
    for (size_t i = 0; i < input.size(); ++i) {
      std::string_view value = input[i].value;
      if (value.empty() != (is_empty[i] != 0)) return false;
      if (to[i] >= 0) refs[to[i]].value = value;
    }
    return true;
  }
};

bool is_hex(std::string_view s) {
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string hex_to_bytes(std::string_view hex) {
  std::string out(hex.size() / 2, '\0');
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10;
  };
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<char>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  }
  return out;
}

// Go's strconv.ParseFloat for le/quantile label values: decimal, hex, Inf/NaN spellings.
bool parse_label_float(std::string_view text, double* out) {
  if (text.empty()) return false;
  // Plain decimals ([-]digits[.digits], nearly every le and quantile value) without the copy
  // and strtod: fast_float rounds them exactly as strtod does.
  size_t i = text[0] == '-' ? 1 : 0;
  size_t digits = 0;
  bool plain = text.size() <= 40;
  bool point = false;
  for (; plain && i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      plain = false;
    }
  }
  if (plain && digits > 0) {
    auto r = fast_float::from_chars(text.data(), text.data() + text.size(), *out);
    if (r.ec == std::errc() && r.ptr == text.data() + text.size()) return true;
  }
  if (text == "+Inf") {
    *out = std::numeric_limits<double>::infinity();
    return true;
  }
  std::string s(text);
  if (s.find('_') != std::string::npos) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

// Go's int64(float64) on amd64 (CVTTSD2SQ): NaN and out-of-range values give INT64_MIN.
uint64_t go_int64_bits(double v) {
  if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) return 1ULL << 63;
  return static_cast<uint64_t>(static_cast<int64_t>(v));
}

// _created seconds → ns, in the receiver's double arithmetic (A8). Go's int64 arithmetic
// wraps on overflow, so it is done in uint64 here: absurd _created values give Go's bytes.
uint64_t created_to_nanos(double seconds) {
  double secs = std::trunc(seconds);
  double nanos = std::trunc((seconds - secs) * 1e9);
  return go_int64_bits(secs) * 1000000000ULL + go_int64_bits(nanos);
}

uint64_t ms_to_nanos(TimestampMs ms) { return static_cast<uint64_t>(ms) * 1000000ULL; }

// Go's uint64(float64) for the values the receiver converts (already validated non-negative).
uint64_t to_uint64(double v) {
  if (!(v > 0)) return 0;
  if (v >= 18446744073709551616.0) return UINT64_MAX;
  return static_cast<uint64_t>(v);
}

void add_attributes(const std::vector<Attribute>& attrs,
                    google::protobuf::RepeatedPtrField<pb_common::KeyValue>* out) {
  out->Reserve(out->size() + static_cast<int>(attrs.size()));
  for (const auto& [key, value] : attrs) {
    pb_common::KeyValue* kv = out->Add();
    kv->set_key(key);
    kv->mutable_value()->set_string_value(value);
  }
}

}  // namespace

struct Transaction::State {
  Options options;
  Warn warn;
  MetadataCache metadata;
  // HELP/UNIT texts replaced while families still view them (freed at commit).
  std::vector<std::unique_ptr<std::string>> retired_metadata;

  std::vector<Resource> resources;  // [0, resources_used) are the remembered targets
  size_t resources_used = 0;
  StringMap<uint32_t> resource_index;  // job '\0' instance
  std::vector<Scope> scopes;  // [0, scopes_used) are theirs
  size_t scopes_used = 0;
  StringMap<uint32_t> scope_index;     // resource, name, version, schema, attributes
  std::vector<Family> families;  // [0, families_used) are the batch's
  size_t families_used = 0;
  StringMap<uint32_t> family_index;    // scope, native flag, name (and aliases)
  size_t pending_points = 0;
  size_t samples_seen = 0;
  std::vector<std::string> dropped_families;  // drop_family() names, until commit

  // Data points of the pending batch. Group objects are recycled across commits.
  std::vector<Group> groups;
  size_t groups_used = 0;
  ByteBuffer strings;  // the points' attributes (Group::identity_offset) of the batch
  std::vector<GroupDetail> details;  // [0, details_used) are the batch's
  size_t details_used = 0;
  uint32_t last_group = kNone;  // the group the last sample went to
  uint64_t layout_serial = 0;   // the serial of `layout`
  uint64_t layouts_made = 0;    // counts the label layouts prepare_labels made
  uint64_t last_group_layout = UINT64_MAX;  // layout_serial when last_group was found
  // layout_serial and kind when the labels' is_attribute flags and identity_heads were set.
  uint64_t attribute_flags_layout = UINT64_MAX;
  Kind attribute_flags_kind = Kind::kGauge;
  // The identity bytes of each attribute label up to its value, but for the KeyValue's
  // length: constant for a layout and kind.
  struct IdentityHead {
    uint32_t label = 0;    // into `labels`
    uint32_t kv_base = 0;  // the KeyValue's length without the value
    uint8_t size = 0;      // of the head in `bytes`; 0: written field by field
    // Values shorter than this take the head (short, and every length fits one byte).
    uint8_t fast_below = 0;
    char bytes[32];        // tag, length (0), key tag, key length, key; zero padding
  };
  std::vector<IdentityHead> identity_heads;
  size_t identity_names = 0;  // the attribute names' bytes
  uint64_t identity_heads_layout = UINT64_MAX;  // the layout_serial and kind of the heads
  Kind identity_heads_kind = Kind::kGauge;
  // The heads before (a histogram's buckets and its _sum and _count take turns between two
  // layouts): swapped back in rather than made again.
  struct OtherHeads {
    std::vector<IdentityHead> heads;
    size_t names = 0;
    uint64_t layout = UINT64_MAX;
    Kind kind = Kind::kGauge;
  };
  OtherHeads other_heads;
  // The last family found (consecutive samples nearly always share it).
  // The families of the last few sample names (a histogram's _bucket, _sum and _count take
  // turns), replaced in turn.
  struct RecentFamily {
    uint32_t family = kNone;
    uint32_t scope = kNone;
    bool native = false;
    std::string sample_name;

    [[gnu::always_inline]] bool is(uint32_t s, bool n, std::string_view name) const {
      return family != kNone && scope == s && native == n && same_bytes(sample_name, name);
    }
  };
  std::array<RecentFamily, 4> recent_families;
  size_t last_recent = 0;  // the entry that answered last
  // The entry that answered last did so for the last append()'s sample name.
  bool family_is_last_sample_name = false;
  size_t next_recent = 0;  // the entry replaced next

  // Scratch reused for every sample.
  std::vector<LabelRef> labels;
  LabelLayout layout;  // depends on options.job/instance/honor_labels: reset when they change
  LabelLayout other_layout;  // the layout before `layout`, likewise
  // `layout` is that of the last append()'s sample, so a sample whose names repeat its
  // producer's previous sample's (model::Sample::repeats_label_names) has it.
  bool layout_is_last_sample = false;
  std::string key;
  uint32_t last_resource = kNone;

  void warning(const std::string& message) {
    if (warn) warn(message);
  }

  // --- metadata lookup (A4) ---

  // The metadata and family name for a sample name (type unknown when there is none).
  struct Lookup {
    MetricType type = MetricType::kUnknown;
    std::string_view help;
    std::string_view unit;
    std::string family_name;
    std::string metadata_name;
  };

  Lookup lookup_metadata(std::string_view name) {
    Lookup out;
    if (const SyntheticMetric* s = find_synthetic(name)) {
      out.type = MetricType::kGauge;
      out.help = s->help;
      out.unit = s->unit;
      out.family_name = std::string(name);
      out.metadata_name = out.family_name;
      return out;
    }
    if (const Metadata* m = metadata.find(name)) {
      out.type = m->type;
      out.help = text_of(m->help);
      out.unit = text_of(m->unit);
      out.family_name = std::string(name);
      out.metadata_name = out.family_name;
      return out;
    }
    std::string_view base = normalize_metric_name(name);
    if (const Metadata* m = metadata.find(base)) {
      out.type = m->type;
      out.help = text_of(m->help);
      out.unit = text_of(m->unit);
      out.metadata_name = std::string(base);
      if (m->type == MetricType::kCounter) {
        out.family_name =
            has_suffix(name, "_created") ? std::string(base) + "_total" : std::string(name);
      } else {
        out.family_name = std::string(base);
      }
      return out;
    }
    out.family_name = std::string(name);
    out.metadata_name = out.family_name;
    return out;
  }

  bool has_metadata(std::string_view name) {
    return find_synthetic(name) != nullptr || metadata.find(name) != nullptr;
  }

  // --- resources and scopes ---

  uint32_t resource_for(std::string_view job, std::string_view instance) {
    if (last_resource != kNone && same_bytes(resources[last_resource].job, job) &&
        same_bytes(resources[last_resource].instance, instance)) {
      return last_resource;
    }
    key.assign(job);
    key.push_back('\0');
    key.append(instance);
    auto it = resource_index.find(std::string_view(key));
    if (it == resource_index.end()) {
      // Resource objects are recycled (strings and vectors keep their capacity).
      uint32_t index = static_cast<uint32_t>(resources_used++);
      if (index == resources.size()) resources.emplace_back();
      Resource& r = resources[index];
      r.job.assign(job);
      r.instance.assign(instance);
      assign_target_resource_attributes(r.attributes, job, instance, options.scheme);
      r.scopes.clear();
      r.default_scope = kNone;
      r.scope_info.clear();
      it = resource_index.emplace(key, index).first;
    }
    last_resource = it->second;
    return last_resource;
  }

  // resource_for, skipped for a series in the last layout when the target is not theirs.
  uint32_t layout_resource(std::string_view job, std::string_view instance) {
    bool fixed = layout.job < 0 && layout.instance < 0;
    if (fixed && layout.fixed_resource != kNone) return layout.fixed_resource;
    uint32_t resource = resource_for(job, instance);
    if (fixed) layout.fixed_resource = resource;
    return resource;
  }

  // A recycled Scope object, emptied.
  uint32_t new_scope() {
    uint32_t index = static_cast<uint32_t>(scopes_used++);
    if (index == scopes.size()) scopes.emplace_back();
    Scope& s = scopes[index];
    s.is_default = false;
    s.name.clear();
    s.version.clear();
    s.schema_url.clear();
    s.attributes.clear();
    s.families.clear();
    return index;
  }

  uint32_t default_scope(uint32_t resource) {
    Resource& r = resources[resource];
    if (r.default_scope == kNone) {
      uint32_t index = new_scope();
      Scope& s = scopes[index];
      s.is_default = true;
      s.version.assign(options.scope_version);
      r.default_scope = index;
    }
    return r.default_scope;
  }

  static void scope_key(std::string& key, uint32_t resource, std::string_view name,
                        std::string_view version, std::string_view schema_url) {
    key.assign(reinterpret_cast<const char*>(&resource), sizeof resource);
    key.append(name);
    key.push_back('\0');
    key.append(version);
    key.push_back('\0');
    key.append(schema_url);
    key.push_back('\0');
  }

  // otel_scope_<x> labels other than name/version/schema_url: scope attribute <x>.
  static bool is_scope_attribute_label(std::string_view name) {
    return name.starts_with("otel_scope_") && name != "otel_scope_name" &&
           name != "otel_scope_version" && name != "otel_scope_schema_url";
  }

  // The scope of a series with otel_scope_* labels (labels sorted).
  uint32_t scope_for(uint32_t resource) {
    std::string_view name, version, schema_url;
    bool any = false;
    for (const LabelRef& l : labels) {
      if (l.name.size() < 11 || l.name[0] != 'o' || !l.name.starts_with("otel_scope_")) continue;
      any = true;
      if (l.name == "otel_scope_name") name = l.value;
      else if (l.name == "otel_scope_version") version = l.value;
      else if (l.name == "otel_scope_schema_url") schema_url = l.value;
    }
    if (!any) return default_scope(resource);
    scope_key(key, resource, name, version, schema_url);
    for (const LabelRef& l : labels) {
      if (!is_scope_attribute_label(l.name)) continue;
      key.append(l.name.substr(11));
      key.push_back('\0');
      key.append(l.value);
      key.push_back('\0');
    }
    auto it = scope_index.find(std::string_view(key));
    if (it != scope_index.end()) return it->second;
    uint32_t index = new_scope();
    Scope& s = scopes[index];
    s.name.assign(name);
    s.version.assign(version);
    s.schema_url.assign(schema_url);
    for (const LabelRef& l : labels) {
      if (!is_scope_attribute_label(l.name)) continue;
      s.attributes.emplace_back(std::string(l.name.substr(11)), std::string(l.value));
    }
    resources[resource].scopes.push_back(index);
    scope_index.emplace(key, index);
    return index;
  }

  // --- families (A4 getOrCreateMetricFamily) ---

  void family_key(uint32_t scope, bool native, std::string_view name) {
    key.assign(reinterpret_cast<const char*>(&scope), sizeof scope);
    key.push_back(native ? '\1' : '\0');
    key.append(name);
  }

  bool is_dropped(const Family& f) const {
    for (const std::string& d : dropped_families) {
      if (f.name == d || f.metadata_name == d || normalize_metric_name(f.name) == d) return true;
    }
    return false;
  }

  static bool includes(const Family& f, std::string_view name) {
    switch (f.kind) {
      case Kind::kSum:
        return normalize_metric_name(name) == f.metadata_name;
      case Kind::kGauge:
        return name == f.name;
      default:
        return normalize_metric_name(name) == f.name;
    }
  }

  [[gnu::always_inline]] uint32_t family_for(uint32_t scope, bool native, std::string_view name) {
    if (recent_families[last_recent].is(scope, native, name)) [[likely]] {
      return recent_families[last_recent].family;
    }
    return other_family_for(scope, native, name);
  }

  // family_for a sample (not native) whose name is that of the entry that answered last.
  [[gnu::always_inline]] uint32_t family_for_last_name(uint32_t scope, std::string_view name) {
    const RecentFamily& r = recent_families[last_recent];
    if (r.family != kNone && r.scope == scope && !r.native) [[likely]] return r.family;
    return other_family_for(scope, false, name);
  }

  [[gnu::noinline]] uint32_t other_family_for(uint32_t scope, bool native, std::string_view name) {
    for (size_t i = 0; i < recent_families.size(); ++i) {
      if (recent_families[i].is(scope, native, name)) {
        last_recent = i;
        return recent_families[i].family;
      }
    }
    size_t families_before = families_used;
    uint32_t index = find_or_create_family(scope, native, name);
    // A new family may take over names the entries hold (insert_or_assign): they go.
    if (families_used != families_before) {
      for (RecentFamily& r : recent_families) r.family = kNone;
    }
    last_recent = next_recent;
    next_recent = (next_recent + 1) % recent_families.size();
    RecentFamily& r = recent_families[last_recent];
    r.family = index;
    r.scope = scope;
    r.native = native;
    r.sample_name.assign(name);
    return index;
  }

  // What a sample name means for its family, from the metadata: the same in every scope, so
  // kept for the last name (an input where every series is another target asks for the same
  // name again and again). Forgotten when metadata changes and at every commit.
  struct Resolution {
    bool valid = false;
    std::string name;
    std::string candidate;  // the family name the sample joins if that family includes it
    Lookup found;           // the family it makes otherwise
  };
  Resolution resolution;

  const Resolution& resolve(std::string_view name) {
    if (resolution.valid && resolution.name == name) return resolution;
    resolution.valid = true;
    resolution.name.assign(name);
    std::string_view base = normalize_metric_name(name);
    resolution.candidate.assign(has_metadata(name) ? name : base);
    if (has_suffix(name, "_created")) {
      if (const Metadata* m = metadata.find(base); m != nullptr && m->type == MetricType::kCounter) {
        resolution.candidate.assign(base);
        resolution.candidate.append("_total");
      }
    }
    resolution.found = lookup_metadata(name);
    return resolution;
  }

  uint32_t find_or_create_family(uint32_t scope, bool native, std::string_view name) {
    family_key(scope, native, name);
    if (auto it = family_index.find(std::string_view(key)); it != family_index.end()) {
      return it->second;
    }
    const Resolution& r = resolve(name);
    family_key(scope, native, r.candidate);
    if (auto it = family_index.find(std::string_view(key)); it != family_index.end()) {
      if (includes(families[it->second], name)) {
        uint32_t index = it->second;
        family_key(scope, native, name);
        family_index.emplace(key, index);
        return index;
      }
    }
    const Lookup& found = r.found;
    // Family objects are recycled across commits (their strings and vectors keep capacity).
    uint32_t index = static_cast<uint32_t>(families_used++);
    if (index == families.size()) families.emplace_back();
    Family& f = families[index];
    f.name.assign(found.family_name);
    f.metadata_name.assign(found.metadata_name);
    f.prom_type = found.type;
    f.kind = kind_of(found.type, native);
    f.help = found.help;
    f.unit = found.unit;
    f.groups.clear();
    f.index.clear();
    f.dropped = is_dropped(f);
    scopes[scope].families.push_back(index);
    family_key(scope, native, families[index].name);
    family_index.insert_or_assign(key, index);
    if (families[index].name != name) {
      family_key(scope, native, name);
      family_index.insert_or_assign(key, index);
    }
    return index;
  }

  // --- series labels ---

  // Insertion sort (series have few labels), comparing first bytes before whole names; the
  // order is std::sort's (names are unique, or the series is rejected).
  static void sort_by_name(std::vector<LabelRef>& v) {
    // Byte by byte inline (names are short and differ early): std::string_view's order.
    auto less = [](const LabelRef& a, const LabelRef& b) {
      size_t n = std::min(a.name.size(), b.name.size());
      for (size_t i = 0; i < n; ++i) {
        if (a.name[i] != b.name[i]) {
          return static_cast<unsigned char>(a.name[i]) < static_cast<unsigned char>(b.name[i]);
        }
      }
      return a.name.size() < b.name.size();
    };
    if (v.size() > 32) {
      std::sort(v.begin(), v.end(), less);
      return;
    }
    for (size_t i = 1; i < v.size(); ++i) {
      LabelRef x = v[i];
      size_t j = i;
      for (; j > 0 && less(x, v[j - 1]); --j) v[j] = v[j - 1];
      v[j] = x;
    }
  }

  // Fills `labels` with the sample's labels after target-label handling, sorted by name, and
  // returns the target job/instance. names_repeat: the input's names are those of the labels
  // the last call was given (and that call returned).
  [[gnu::always_inline]] void prepare_labels(model::Labels input, bool names_repeat,
                                             std::string_view* job, std::string_view* instance) {
    // `labels` still holds the layout's names (and flags): only the values are new. The
    // names are compared only when the producer does not know they repeat (the size check is
    // a cheap guard); the rest is out of line.
    if (names_repeat && layout.valid && input.size() == layout.names.size() &&
        layout.fill_values(input, labels)) [[likely]] {
      *job = layout.job >= 0 ? input[layout.job].value : std::string_view(options.job);
      *instance =
          layout.instance >= 0 ? input[layout.instance].value : std::string_view(options.instance);
      return;
    }
    prepare_other_labels(input, names_repeat, job, instance);
  }

  [[gnu::noinline]] void prepare_other_labels(model::Labels input, bool names_repeat,
                                              std::string_view* job, std::string_view* instance) {
    // With names_repeat, only the values' emptiness differs: fill() would fail too.
    if (!names_repeat && layout.fill(input, labels)) {
      *job = layout.job >= 0 ? input[layout.job].value : std::string_view(options.job);
      *instance =
          layout.instance >= 0 ? input[layout.instance].value : std::string_view(options.instance);
      return;
    }
    // The layout before (a histogram's buckets and its _sum and _count take turns).
    if (other_layout.valid) {
      labels.resize(other_layout.output_names.size());
      if (other_layout.fill(input, labels)) {
        std::swap(layout, other_layout);
        for (size_t i = 0; i < labels.size(); ++i) {
          labels[i].name = layout.output_names[i];
          labels[i].is_attribute = false;
        }
        layout_serial = layout.serial;
        attribute_flags_layout = UINT64_MAX;  // lay_out_identity sets them again
        last_group_layout = UINT64_MAX;       // has_values_of has no flags to go by
        *job = layout.job >= 0 ? input[layout.job].value : std::string_view(options.job);
        *instance = layout.instance >= 0 ? input[layout.instance].value
                                         : std::string_view(options.instance);
        return;
      }
    }
    std::swap(layout, other_layout);  // the current layout becomes the one before
    layout.valid = false;
    layout_serial = ++layouts_made;
    labels.clear();
    *job = options.job;
    *instance = options.instance;
    int job_index = -1, instance_index = -1;
    for (uint32_t i = 0; i < input.size(); ++i) {
      const model::Label& l = input[i];
      if (l.value.empty()) continue;
      if (l.name == "job") {
        if (options.job.empty() || options.honor_labels) {
          *job = l.value;
          job_index = static_cast<int>(i);
        } else {
          labels.push_back({"exported_job", l.value, false, i});
        }
        continue;
      }
      if (l.name == "instance") {
        if (options.instance.empty() || options.honor_labels) {
          *instance = l.value;
          instance_index = static_cast<int>(i);
        } else {
          labels.push_back({"exported_instance", l.value, false, i});
        }
        continue;
      }
      labels.push_back({l.name, l.value, false, i});
    }
    if (labels.size() > 1) {
      sort_by_name(labels);
      // Prometheus (and the receiver) reject the whole scrape for a series like this.
      for (size_t i = 1; i < labels.size(); ++i) {
        if (labels[i].name == labels[i - 1].name) {
          throw Error("invalid sample: non-unique label names: \"" + std::string(labels[i].name) +
                      "\"");
        }
      }
    }
    remember_layout(input, job_index, instance_index);
  }

  void remember_layout(model::Labels input, int job_index, int instance_index) {
    layout.names.resize(input.size());
    layout.empty.resize(input.size());
    for (size_t i = 0; i < input.size(); ++i) {
      layout.names[i].assign(input[i].name);
      layout.empty[i] = input[i].value.empty() ? 1 : 0;
    }
    layout.output_names.resize(labels.size());
    layout.position.assign(input.size(), -1);
    for (size_t i = 0; i < labels.size(); ++i) {
      uint32_t source = labels[i].source;
      layout.position[source] = static_cast<int32_t>(i);
      // exported_* names are literals; the others view the layout's own copy of the name.
      bool renamed = labels[i].name.data() != input[source].name.data();
      layout.output_names[i] = renamed ? labels[i].name : std::string_view(layout.names[source]);
      labels[i].name = layout.output_names[i];  // what the next series in this layout keeps
    }
    layout.job = job_index;
    layout.instance = instance_index;
    layout.dense = labels.size() == input.size();  // every input label kept, so none empty
    layout.has_scope_labels = false;
    for (const LabelRef& l : labels) {
      if (l.name.starts_with("otel_scope_")) layout.has_scope_labels = true;
    }
    layout.fixed_resource = kNone;
    layout.serial = layout_serial;
    layout.valid = true;
  }

  static bool is_point_attribute(std::string_view name, Kind kind) {
    // Most names start with none of '_', 'o', 'l', 'q' and are attributes (the fast answer).
    if (name.empty() || (name[0] != '_' && name[0] != 'o' && name[0] != 'l' && name[0] != 'q')) {
      return true;
    }
    if (name == "__name__" || name == "__scheme__" || name == "__metrics_path__") return false;
    if (name.starts_with("otel_scope_")) return false;
    if (kind == Kind::kHistogram && name == "le") return false;
    if (kind == Kind::kSummary && name == "quantile") return false;
    return true;
  }

  // The field number of a data point's attributes in the point message of each kind.
  static uint32_t attributes_field(Kind kind) {
    switch (kind) {
      case Kind::kHistogram:
        return 9;
      case Kind::kExponentialHistogram:
        return 1;
      default:
        return 7;  // NumberDataPoint, SummaryDataPoint
    }
  }

  // A string AnyValue's tag and length and its string_value's tag and length, for a value of
  // n < 0x7e bytes: 12 (2 + n) 0a (n), in one store.
  static char* put_value_tags(char* p, size_t n) {
    if constexpr (std::endian::native == std::endian::little) {
      uint32_t word = 0x000a0212u + static_cast<uint32_t>(n) * 0x01000100u;
      std::memcpy(p, &word, 4);
      return p + 4;
    } else {
      return put4(p, (2 << 3) | WireWriter::kLength, 2 + n, (1 << 3) | WireWriter::kLength, n);
    }
  }

  // Four bytes (each below 0x100) in one store.
  static char* put4(char* p, uint32_t b0, uint32_t b1, uint32_t b2, uint32_t b3) {
    if constexpr (std::endian::native == std::endian::little) {
      uint32_t word = b0 | b1 << 8 | b2 << 16 | b3 << 24;
      std::memcpy(p, &word, 4);
    } else {
      p[0] = static_cast<char>(b0);
      p[1] = static_cast<char>(b1);
      p[2] = static_cast<char>(b2);
      p[3] = static_cast<char>(b3);
    }
    return p + 4;
  }

  // Sets the labels' is_attribute flags and the identity heads for the layout and kind, unless
  // they are still those of this layout and kind (a layout change is rare: out of line).
  [[gnu::always_inline]] void prepare_identity(Kind kind) {
    if (attribute_flags_layout != layout_serial || attribute_flags_kind != kind) [[unlikely]] {
      set_identity_heads(kind);
    }
  }

  [[gnu::noinline]] void set_identity_heads(Kind kind) {
    attribute_flags_layout = layout_serial;
    attribute_flags_kind = kind;
    if (identity_heads_layout != layout_serial || identity_heads_kind != kind) {
      std::swap(identity_heads, other_heads.heads);
      std::swap(identity_names, other_heads.names);
      std::swap(identity_heads_layout, other_heads.layout);
      std::swap(identity_heads_kind, other_heads.kind);
      if (identity_heads_layout != layout_serial || identity_heads_kind != kind) {
        make_identity_heads(kind);
      }
    }
    for (LabelRef& l : labels) l.is_attribute = false;
    for (const IdentityHead& h : identity_heads) labels[h.label].is_attribute = true;
  }

  void make_identity_heads(Kind kind) {
    identity_heads_layout = layout_serial;
    identity_heads_kind = kind;
    identity_heads.clear();
    identity_names = 0;
    uint32_t tag = (attributes_field(kind) << 3) | WireWriter::kLength;
    for (size_t i = 0; i < labels.size(); ++i) {
      const LabelRef& l = labels[i];
      if (!is_point_attribute(l.name, kind)) continue;
      IdentityHead& h = identity_heads.emplace_back();
      h.label = static_cast<uint32_t>(i);
      size_t name_size = l.name.size();
      identity_names += name_size;
      h.kv_base = static_cast<uint32_t>(6 + name_size);  // the tags are one byte (1, 7 and 9)
      if (name_size == 0 || 4 + name_size > sizeof h.bytes || h.kv_base >= 0x80) {
        h.size = 0;  // written field by field
        h.fast_below = 0;
        continue;
      }
      h.size = static_cast<uint8_t>(4 + name_size);
      h.fast_below = static_cast<uint8_t>(std::min<size_t>(kShortValue, 0x7f - h.kv_base) + 1);
      std::memset(h.bytes, 0, sizeof h.bytes);
      h.bytes[0] = static_cast<char>(tag);
      h.bytes[2] = (1 << 3) | WireWriter::kLength;
      h.bytes[3] = static_cast<char>(name_size);
      std::memcpy(h.bytes + 4, l.name.data(), name_size);
    }
  }

  // Lays the point's attribute labels out at the end of `strings` as the point's serialised
  // KeyValue fields: its identity, kept as the attribute bytes of a new group, dropped again
  // for a known one. Returns where they begin; *hash gets the identity's hash (copy_and_fold).
  size_t lay_out_identity(Kind kind, uint64_t* hash) {
    prepare_identity(kind);
    // Tags and lengths: 8 bytes when the lengths fit one byte, 48 at most (5 tags or lengths
    // of up to 10 bytes and a tag). Room for every label is room enough, and leaves the
    // slack a head's whole-array store needs. Values are nearly always short: room for
    // kShortValue bytes each, without adding up their sizes first; a longer one starts over
    // with the exact room.
    size_t total = identity_names + (48 + kShortValue) * identity_heads.size();
    return lay_out_identity_in(total, kShortValue, kind, hash);
  }

  static constexpr size_t kShortValue = 64;

  [[gnu::noinline]] size_t lay_out_long_identity(Kind kind, uint64_t* hash) {
    size_t total = identity_names + 48 * identity_heads.size();
    for (const IdentityHead& h : identity_heads) total += labels[h.label].value.size();
    return lay_out_identity_in(total, SIZE_MAX, kind, hash);
  }

  // lay_out_identity with room for `total` bytes, enough while no value is longer than
  // `value_room`.
  [[gnu::always_inline]] size_t lay_out_identity_in(size_t total, size_t value_room, Kind kind,
                                                    uint64_t* hash) {
    size_t at = strings.size();
    char* begin = strings.grow(total);
    char* p = begin;
    uint64_t identity_hash = 0;
    for (const IdentityHead& h : identity_heads) {
      const LabelRef& l = labels[h.label];
      size_t value_size = l.value.size();
      if (value_size < h.fast_below) [[likely]] {
        // A short value whose lengths all fit one byte (nearly all labels): the head (tag,
        // length, key tag, key length, key) as one store with the length patched in; then
        // AnyValue tag and length, string tag, length, and the value.
        std::memcpy(p, h.bytes, sizeof h.bytes);
        p[1] = static_cast<char>(h.kv_base + value_size);
        p = put_value_tags(p + h.size, value_size);
        identity_hash = copy_and_fold(p, l.value.data(), value_size, identity_hash);
        p += value_size;
      } else {
        if (value_size > value_room) [[unlikely]] {
          strings.truncate(at);
          return lay_out_long_identity(kind, hash);
        }
        char* value_at;
        p = KeyValueBytes(l.name, l.value)
                .put(p, attributes_field(kind), l.name, l.value, nullptr, &value_at);
        // The same hash as the fast branch's: the value folded in (its copy rewritten in place).
        identity_hash = copy_and_fold(value_at, l.value.data(), value_size, identity_hash);
      }
    }
    strings.truncate(at + static_cast<size_t>(p - begin));
    *hash = finish_hash(identity_hash);
    return at;
  }

  // Families with few points are searched linearly; beyond, through their index.
  static constexpr size_t kLinearSearch = 8;

  // Rebuilds the family's index with room for twice its points (so never more than half full).
  void rebuild_index(Family& f) {
    size_t size = 32;
    while (size < 4 * f.groups.size()) size *= 2;
    f.index.assign(size, PointSlot{});
    for (uint32_t id : f.groups) {
      uint64_t h = groups[id].hash;
      size_t i = h & (size - 1);
      while (f.index[i].group != kNone) i = (i + 1) & (size - 1);
      f.index[i] = {PointSlot::key_of(h), id};
    }
  }

  bool same_identity(const Group& g, const char* identity, size_t size) const {
    // size 0: no labels, and the buffers may be null (memcmp must not see null).
    return g.identity_size == size &&
           (size == 0 || std::memcmp(strings.data() + g.identity_offset, identity, size) == 0);
  }

  // Whether the labels (laid out in the same layout as the last group's) have its values.
  bool has_values_of(const Group& g, Kind kind) {
    // Its identity is this layout's heads with its values: where every KeyValue's length
    // fits a byte, each value is found at a known place, its size given by that length.
    prepare_identity(kind);
    const char* q = strings.data() + g.identity_offset;
    for (const IdentityHead& h : identity_heads) {
      if (h.size == 0) return has_values_of_decoded(g);
      uint8_t kv = static_cast<uint8_t>(q[1]);
      if (kv >= 0x80) return has_values_of_decoded(g);
      std::string_view value = labels[h.label].value;
      size_t value_size = kv - h.kv_base;
      q += h.size + 4;
      if (value.size() != value_size || !same_bytes(value.data(), q, value_size)) return false;
      q += value_size;
    }
    return true;
  }

  bool has_values_of_decoded(const Group& g) const {
    AttributeReader attributes(strings.data() + g.identity_offset, g.identity_size);
    std::string_view name, value;
    for (const LabelRef& l : labels) {
      if (!l.is_attribute) continue;
      if (!attributes.next(&name, &value) || !same_bytes(l.value, value)) return false;
    }
    return true;
  }

  const GroupDetail no_detail{};  // what a point without detail has
  const GroupDetail& detail(const Group& g) const {
    return g.detail == kNone ? no_detail : details[g.detail];
  }
  [[gnu::always_inline]] GroupDetail& detail_for(Group& g) {
    if (g.detail == kNone) [[unlikely]] new_detail(g);
    return details[g.detail];
  }
  [[gnu::noinline]] void new_detail(Group& g) {
    g.detail = static_cast<uint32_t>(details_used++);
    if (g.detail == details.size()) details.emplace_back();
    details[g.detail].reset();
  }

  Group& group_for(uint32_t family_index) {
    Family& f = families[family_index];
    // The next sample of the last point in the same label layout (a histogram's buckets, _sum
    // and _count): its values compared in place, nothing laid out or hashed. The labels'
    // is_attribute flags are still those lay_out_identity set for that point.
    // Otherwise, in the same layout, some value differs: so does the identity.
    bool differs_from_last = false;
    if (last_group != kNone && last_group_layout == layout_serial) {
      Group& last = groups[last_group];
      if (last.family == family_index) {
        if (has_values_of(last, f.kind)) return last;
        differs_from_last = true;
      }
    }
    last_group_layout = layout_serial;
    uint64_t h;
    size_t at = lay_out_identity(f.kind, &h);
    const char* identity = strings.data() + at;
    size_t size = strings.size() - at;
    // Consecutive samples of one point (a histogram's buckets, _sum and _count): no hashing.
    if (last_group != kNone && !differs_from_last) {
      Group& last = groups[last_group];
      if (last.family == family_index && same_identity(last, identity, size)) {
        strings.truncate(at);
        return last;
      }
    }
    size_t slot = 0;
    uint32_t key = 0;
    if (f.groups.size() < kLinearSearch) {
      for (uint32_t id : f.groups) {
        Group& g = groups[id];
        if (g.hash == h && same_identity(g, identity, size)) {
          strings.truncate(at);
          last_group = id;
          return g;
        }
      }
    } else {
      if (2 * (f.groups.size() + 1) > f.index.size()) rebuild_index(f);
      size_t mask = f.index.size() - 1;
      slot = h & mask;
      key = PointSlot::key_of(h);
      while (f.index[slot].group != kNone) {
        if (f.index[slot].key == key) {
          Group& g = groups[f.index[slot].group];
          if (same_identity(g, identity, size)) {
            strings.truncate(at);
            last_group = f.index[slot].group;
            return g;
          }
        }
        slot = (slot + 1) & mask;
      }
    }
    uint32_t id = static_cast<uint32_t>(groups_used++);
    if (id == groups.size()) groups.emplace_back();
    if (!f.index.empty()) f.index[slot] = {key, id};
    Group& g = groups[id];
    g.reset(family_index, h, static_cast<uint32_t>(at), static_cast<uint32_t>(size));
    f.groups.push_back(id);
    ++pending_points;
    last_group = id;
    return g;
  }

  void add_point_attributes(const Group& g,
                            google::protobuf::RepeatedPtrField<pb_common::KeyValue>* out) const {
    if (g.identity_size == 0) return;  // no labels; strings.data() may be null
    AttributeReader attributes(strings.data() + g.identity_offset, g.identity_size);
    std::string_view name, value;
    while (attributes.next(&name, &value)) {
      pb_common::KeyValue* kv = out->Add();
      kv->set_key(name.data(), name.size());
      kv->mutable_value()->set_string_value(value.data(), value.size());
    }
  }

  // A bucket's le (a quantile's quantile): found where it was last, parsed as the text at the
  // same place of the point before (every point of a histogram nearly always has the same
  // bounds). The memo maps texts to their values, so it never goes stale.
  struct BoundMemo {
    char text[16];
    size_t size = SIZE_MAX;  // none
    double value = 0;
  };
  static constexpr size_t kBoundMemoPlaces = 64;
  std::vector<BoundMemo> bound_memo;  // by place in the point's bounds
  size_t bound_label_at = 0;          // where the last bound label was in `labels`

  std::string_view bound_text(std::string_view bound_label) {
    if (bound_label_at < labels.size() && labels[bound_label_at].name == bound_label) {
      return labels[bound_label_at].value;
    }
    for (size_t i = 0; i < labels.size(); ++i) {
      if (labels[i].name == bound_label) {
        bound_label_at = i;
        return labels[i].value;
      }
    }
    return {};
  }

  [[gnu::always_inline]] bool parse_bound(std::string_view text, size_t place, double* out) {
    if (place < bound_memo.size()) [[likely]] {
      const BoundMemo& m = bound_memo[place];
      if (m.size == text.size() && same_bytes(m.text, text.data(), text.size())) [[likely]] {
        *out = m.value;
        return true;
      }
    }
    return parse_new_bound(text, place, out);
  }

  [[gnu::noinline]] bool parse_new_bound(std::string_view text, size_t place, double* out) {
    if (!parse_label_float(text, out)) return false;
    if (text.size() <= sizeof(BoundMemo::text) && place < kBoundMemoPlaces) {
      if (place >= bound_memo.size()) bound_memo.resize(place + 1);
      BoundMemo& m = bound_memo[place];
      std::memcpy(m.text, text.data(), text.size());
      m.size = text.size();
      m.value = *out;
    }
    return true;
  }

  std::string_view label(std::string_view name) const {
    for (const LabelRef& l : labels) {
      if (l.name == name) return l.value;
    }
    return {};
  }

  static std::vector<Attribute> owned_sorted(model::Labels input) {
    std::vector<Attribute> out;
    out.reserve(input.size());
    for (const model::Label& l : input) {
      if (!l.value.empty()) out.emplace_back(l.name, l.value);
    }
    std::sort(out.begin(), out.end(),
              [](const Attribute& a, const Attribute& b) { return a.first < b.first; });
    return out;
  }

  void add_exemplar(Group& g, const model::Exemplar& e, TimestampMs sample_ts) {
    OwnedExemplar x;
    x.labels = owned_sorted(e.labels);
    x.value = e.value;
    x.timestamp = e.timestamp.value_or(sample_ts);
    detail_for(g).exemplars.push_back(std::move(x));
  }

  void merge_target_info(Resource& r) {
    for (const LabelRef& l : labels) {
      if (l.name == "__name__") continue;
      auto it = std::find_if(r.attributes.begin(), r.attributes.end(),
                             [&](const Attribute& a) { return a.first == l.name; });
      if (it != r.attributes.end()) {
        it->second = std::string(l.value);
      } else {
        r.attributes.emplace_back(l.name, l.value);
      }
    }
  }

  void record_scope_info(uint32_t resource) {
    std::string_view name = label("otel_scope_name");
    std::string_view version = label("otel_scope_version");
    std::string_view schema_url = label("otel_scope_schema_url");
    std::string k;
    scope_key(k, 0, name, version, schema_url);
    std::vector<Attribute>& attrs = resources[resource].scope_info[k];
    for (const LabelRef& l : labels) {
      if (l.name == "__name__" || l.name == "otel_scope_name" || l.name == "otel_scope_version" ||
          l.name == "otel_scope_schema_url") {
        continue;
      }
      attrs.emplace_back(l.name, l.value);
    }
  }

  // --- appending ---

  void append(const model::Sample& sample, bool repeats_name = false) {
    ++samples_seen;
    // The last family entry answered for the previous sample's name only if that sample got
    // as far as its family.
    bool name_is_last = repeats_name && family_is_last_sample_name;
    family_is_last_sample_name = false;
    std::string_view job, instance;
    bool names_repeat = sample.repeats_label_names && layout_is_last_sample;
    layout_is_last_sample = false;  // until prepare_labels returns
    prepare_labels(sample.labels, names_repeat, &job, &instance);
    layout_is_last_sample = true;
    uint32_t resource = layout_resource(job, instance);
    if (sample.name == "target_info") {
      merge_target_info(resources[resource]);
      return;
    }
    if (sample.name == "otel_scope_info") {
      record_scope_info(resource);
      return;
    }
    uint32_t scope = layout.has_scope_labels ? scope_for(resource) : default_scope(resource);
    uint32_t family_index = name_is_last ? family_for_last_name(scope, sample.name)
                                         : family_for(scope, false, sample.name);
    family_is_last_sample_name = true;
    Family& f = families[family_index];
    if (f.dropped) return;
    Group& g = group_for(family_index);
    TimestampMs ts = sample.timestamp.value_or(options.scrape_time_ms);
    if (g.has_timestamp && g.timestamp != ts) {
      warning("dropped " + std::string(sample.name) +
              ": its timestamp differs from the other samples of the data point");
      return;
    }
    g.timestamp = ts;
    g.has_timestamp = true;
    std::string_view name = sample.name;
    switch (f.kind) {
      case Kind::kHistogram:
      case Kind::kSummary:
        // ends_with: has_suffix inline (every bucket asks twice).
        if (name.ends_with("_sum")) {
          g.sum = sample.value;
          g.has_sum = true;
        } else if (name.ends_with("_count")) {
          g.count = sample.value;
          g.has_count = true;
        } else if (name.size() == f.metadata_name.size() + 8 && name.starts_with(f.metadata_name) &&
                   name.ends_with("_created")) {
          g.created = sample.value;
          g.has_created = true;
        } else {
          std::string_view bound_label = f.kind == Kind::kHistogram ? "le" : "quantile";
          double bound = 0;
          const GroupDetail& before = detail(g);
          size_t place = f.kind == Kind::kHistogram ? before.buckets.size() : before.quantiles.size();
          if (!parse_bound(bound_text(bound_label), place, &bound)) {
            warning("dropped " + std::string(name) + ": no valid " + std::string(bound_label) +
                    " label");
            return;
          }
          GroupDetail& d = detail_for(g);
          (f.kind == Kind::kHistogram ? d.buckets : d.quantiles).emplace_back(bound, sample.value);
        }
        break;
      case Kind::kSum:
        if (name.size() == f.metadata_name.size() + 8 && name.starts_with(f.metadata_name) &&
            has_suffix(name, "_created")) {
          g.created = sample.value;
          g.has_created = true;
          return;  // exemplars belong to the value line
        }
        g.value = sample.value;
        g.has_value = true;
        break;
      default:
        g.value = sample.value;
        g.has_value = true;
        break;
    }
    if (sample.exemplar != nullptr && f.kind != Kind::kSummary) {
      add_exemplar(g, *sample.exemplar, ts);
    }
  }

  static NativeBuckets expand(std::span<const model::BucketSpan> spans,
                              std::span<const int64_t> deltas, std::span<const double> counts,
                              bool is_float) {
    NativeBuckets out;
    if (spans.empty()) return out;
    out.offset = spans[0].offset - 1;
    size_t next = 0;
    int64_t running = 0;
    for (size_t s = 0; s < spans.size(); ++s) {
      if (s > 0) out.counts.insert(out.counts.end(), static_cast<size_t>(std::max(0, spans[s].offset)), 0);
      for (uint32_t i = 0; i < spans[s].length; ++i, ++next) {
        if (is_float) {
          out.counts.push_back(next < counts.size() ? to_uint64(counts[next]) : 0);
        } else {
          running += next < deltas.size() ? deltas[next] : 0;
          out.counts.push_back(running > 0 ? static_cast<uint64_t>(running) : 0);
        }
      }
    }
    return out;
  }

  void append_native(std::string_view family_name, const model::NativeHistogram& h) {
    ++samples_seen;
    family_is_last_sample_name = false;
    std::string_view job, instance;
    layout_is_last_sample = false;
    prepare_labels(h.labels, false, &job, &instance);
    uint32_t resource = resource_for(job, instance);
    uint32_t scope = scope_for(resource);
    uint32_t family_index = family_for(scope, true, family_name);
    Family& f = families[family_index];
    if (f.kind != Kind::kExponentialHistogram) {
      warning("dropped native histogram " + std::string(family_name) +
              ": the family is not a histogram");
      return;
    }
    Group& g = group_for(family_index);
    g.timestamp = h.timestamp.value_or(options.scrape_time_ms);
    g.has_timestamp = true;
    g.has_count = true;
    auto n = std::make_unique<NativePoint>();
    n->scale = h.schema;
    n->count = h.count;
    n->sum = h.sum;
    n->zero_threshold = h.zero_threshold;
    n->zero_count = h.zero_count;
    n->positive = expand(h.positive_spans, h.positive_deltas, h.positive_counts, h.is_float);
    n->negative = expand(h.negative_spans, h.negative_deltas, h.negative_counts, h.is_float);
    detail_for(g).native = std::move(n);
    if (h.created_seconds) {
      g.created = *h.created_seconds;
      g.has_created = true;
    }
    for (const model::Exemplar& e : h.exemplars) {
      if (e.timestamp) add_exemplar(g, e, *e.timestamp);  // no timestamp: dropped (A3)
    }
  }

  // --- building OTLP (commit) ---

  void fill_exemplars(const Group& g,
                      google::protobuf::RepeatedPtrField<pb_metrics::Exemplar>* out) const {
    for (const OwnedExemplar& x : detail(g).exemplars) {
      pb_metrics::Exemplar* e = out->Add();
      e->set_time_unix_nano(ms_to_nanos(x.timestamp));
      e->set_as_double(x.value);
      for (const auto& [key, value] : x.labels) {
        if (equals_ignore_case(key, "trace_id") && value.size() == 32 && is_hex(value) &&
            value.find_first_not_of('0') != std::string::npos) {
          e->set_trace_id(hex_to_bytes(value));
        } else if (equals_ignore_case(key, "span_id") && value.size() == 16 && is_hex(value) &&
                   value.find_first_not_of('0') != std::string::npos) {
          e->set_span_id(hex_to_bytes(value));
        } else {
          pb_common::KeyValue* kv = e->add_filtered_attributes();
          kv->set_key(key);
          kv->mutable_value()->set_string_value(value);
        }
      }
    }
  }

  void build_number_points(const Family& f,
                           google::protobuf::RepeatedPtrField<pb_metrics::NumberDataPoint>* out) {
    for (uint32_t id : f.groups) {
      const Group& g = groups[id];
      if (!g.has_value) continue;
      pb_metrics::NumberDataPoint* p = out->Add();
      add_point_attributes(g, p->mutable_attributes());
      if (f.kind == Kind::kSum && g.has_created) p->set_start_time_unix_nano(created_to_nanos(g.created));
      p->set_time_unix_nano(ms_to_nanos(g.timestamp));
      if (model::is_stale_nan(g.value)) {
        p->set_flags(pb_metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
      } else {
        p->set_as_double(g.value);
      }
      fill_exemplars(g, p->mutable_exemplars());
    }
  }

  // A histogram group's buckets in bound order without +Inf (that is the count), shared by the
  // three writers. False, with a warning, when the point is dropped: counts that are NaN,
  // decrease, or exceed _count (a stale point is kept as it is).
  std::vector<std::pair<double, double>> bucket_scratch;  // histogram_buckets' for the writers

  bool histogram_buckets(const Family& f, const Group& g, bool stale,
                         std::vector<std::pair<double, double>>& buckets) {
    buckets = detail(g).buckets;
    // Nearly always in order already (and no bound NaN, which has no order): then the stable
    // sort would leave them as they are, and is not done (nor its buffer made).
    bool in_order = true;
    for (size_t i = 0; in_order && i < buckets.size(); ++i) {
      in_order = !std::isnan(buckets[i].first) && (i == 0 || !(buckets[i].first < buckets[i - 1].first));
    }
    if (!in_order) {
      std::stable_sort(buckets.begin(), buckets.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    if (!buckets.empty() && std::isinf(buckets.back().first) && buckets.back().first > 0) {
      buckets.pop_back();
    }
    if (stale) return true;
    bool valid = !std::isnan(g.count);
    double previous = 0;
    for (size_t i = 0; valid && i < buckets.size(); ++i) {
      if (std::isnan(buckets[i].second) || (i > 0 && buckets[i].second < previous)) valid = false;
      previous = buckets[i].second;
    }
    if (valid && !buckets.empty() && g.count < buckets.back().second) valid = false;
    if (!valid) {
      warning("dropped a data point of histogram " + f.name + ": bucket counts decrease or exceed _count");
    }
    return valid;
  }

  void build_histogram_points(const Family& f,
                              google::protobuf::RepeatedPtrField<pb_metrics::HistogramDataPoint>* out) {
    for (uint32_t id : f.groups) {
      const Group& g = groups[id];
      if (!g.has_count) continue;
      bool stale = model::is_stale_nan(g.count) || (g.has_sum && model::is_stale_nan(g.sum));
      std::vector<std::pair<double, double>> buckets;
      if (!histogram_buckets(f, g, stale, buckets)) continue;
      pb_metrics::HistogramDataPoint* p = out->Add();
      add_point_attributes(g, p->mutable_attributes());
      if (g.has_created) p->set_start_time_unix_nano(created_to_nanos(g.created));
      p->set_time_unix_nano(ms_to_nanos(g.timestamp));
      for (const auto& b : buckets) p->add_explicit_bounds(b.first);
      if (stale) {
        p->set_flags(pb_metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
        for (size_t i = 0; i <= buckets.size(); ++i) p->add_bucket_counts(0);
      } else {
        double previous = 0;
        for (const auto& b : buckets) {
          p->add_bucket_counts(to_uint64(b.second - previous));
          previous = b.second;
        }
        p->add_bucket_counts(to_uint64(g.count - previous));
        p->set_count(to_uint64(g.count));
        if (g.has_sum) p->set_sum(g.sum);
      }
      fill_exemplars(g, p->mutable_exemplars());
    }
  }

  void build_summary_points(const Family& f,
                            google::protobuf::RepeatedPtrField<pb_metrics::SummaryDataPoint>* out) {
    for (uint32_t id : f.groups) {
      const Group& g = groups[id];
      if (!g.has_count) continue;
      std::vector<std::pair<double, double>> quantiles = detail(g).quantiles;
      std::stable_sort(quantiles.begin(), quantiles.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      bool stale = model::is_stale_nan(g.count) || (g.has_sum && model::is_stale_nan(g.sum));
      pb_metrics::SummaryDataPoint* p = out->Add();
      add_point_attributes(g, p->mutable_attributes());
      if (g.has_created) p->set_start_time_unix_nano(created_to_nanos(g.created));
      p->set_time_unix_nano(ms_to_nanos(g.timestamp));
      if (stale) p->set_flags(pb_metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
      for (const auto& q : quantiles) {
        auto* v = p->add_quantile_values();
        v->set_quantile(q.first);
        v->set_value(stale ? 0 : q.second);
      }
      if (!stale) {
        p->set_count(to_uint64(g.count));
        if (g.has_sum) p->set_sum(g.sum);
      }
    }
  }

  void build_exponential_points(
      const Family& f,
      google::protobuf::RepeatedPtrField<pb_metrics::ExponentialHistogramDataPoint>* out) {
    for (uint32_t id : f.groups) {
      const Group& g = groups[id];
      if (!detail(g).native) continue;
      const NativePoint& n = *detail(g).native;
      pb_metrics::ExponentialHistogramDataPoint* p = out->Add();
      add_point_attributes(g, p->mutable_attributes());
      if (g.has_created) p->set_start_time_unix_nano(created_to_nanos(g.created));
      p->set_time_unix_nano(ms_to_nanos(g.timestamp));
      // pdata always carries both bucket messages (non-nullable), even when empty or stale.
      p->mutable_positive();
      p->mutable_negative();
      if (model::is_stale_nan(n.sum)) {
        p->set_flags(pb_metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
      } else {
        p->set_scale(n.scale);
        p->set_zero_threshold(n.zero_threshold);
        p->set_count(to_uint64(n.count));
        p->set_sum(n.sum);
        p->set_zero_count(to_uint64(n.zero_count));
        p->mutable_positive()->set_offset(n.positive.offset);
        for (uint64_t c : n.positive.counts) p->mutable_positive()->add_bucket_counts(c);
        p->mutable_negative()->set_offset(n.negative.offset);
        for (uint64_t c : n.negative.counts) p->mutable_negative()->add_bucket_counts(c);
      }
      fill_exemplars(g, p->mutable_exemplars());
    }
  }

  // Fills *m from the family; returns the number of data points.
  size_t build_metric(const Family& f, pb_metrics::Metric* m) {
    std::string name = f.name;
    if (options.trim_metric_suffixes) name = trim_metric_suffixes(f.name, f.kind == Kind::kSum, f.unit);
    m->set_name(name);
    m->set_description(f.help.data(), f.help.size());
    m->set_unit(unit_word_to_ucum(f.unit));
    pb_common::KeyValue* type = m->add_metadata();
    type->set_key("prometheus.type");
    type->mutable_value()->set_string_value(std::string(model::to_string(f.prom_type)));
    switch (f.kind) {
      case Kind::kGauge:
      case Kind::kEmpty:
        build_number_points(f, m->mutable_gauge()->mutable_data_points());
        return m->gauge().data_points_size();
      case Kind::kSum: {
        auto* sum = m->mutable_sum();
        sum->set_aggregation_temporality(pb_metrics::AGGREGATION_TEMPORALITY_CUMULATIVE);
        sum->set_is_monotonic(f.prom_type == MetricType::kCounter);
        build_number_points(f, sum->mutable_data_points());
        return sum->data_points_size();
      }
      case Kind::kHistogram: {
        auto* h = m->mutable_histogram();
        h->set_aggregation_temporality(pb_metrics::AGGREGATION_TEMPORALITY_CUMULATIVE);
        build_histogram_points(f, h->mutable_data_points());
        return h->data_points_size();
      }
      case Kind::kSummary:
        build_summary_points(f, m->mutable_summary()->mutable_data_points());
        return m->summary().data_points_size();
      case Kind::kExponentialHistogram: {
        auto* h = m->mutable_exponential_histogram();
        h->set_aggregation_temporality(pb_metrics::AGGREGATION_TEMPORALITY_CUMULATIVE);
        build_exponential_points(f, h->mutable_data_points());
        return h->data_points_size();
      }
    }
    return 0;
  }

  // The resource's scopes in output order: the default scope first (a reused scratch vector,
  // valid until the next call).
  std::vector<uint32_t> scope_order_scratch;
  const std::vector<uint32_t>& scope_order(const Resource& r) {
    scope_order_scratch.clear();
    if (r.default_scope != kNone) scope_order_scratch.push_back(r.default_scope);
    scope_order_scratch.insert(scope_order_scratch.end(), r.scopes.begin(), r.scopes.end());
    return scope_order_scratch;
  }

  // Label-derived scope attributes, then otel_scope_info ones for keys not already set.
  std::vector<Attribute> scope_attributes(const Resource& r, const Scope& s) {
    std::vector<Attribute> attrs = s.attributes;
    if (s.is_default) return attrs;
    std::string k;
    scope_key(k, 0, s.name, s.version, s.schema_url);
    if (auto it = r.scope_info.find(std::string_view(k)); it != r.scope_info.end()) {
      for (const Attribute& a : it->second) {
        if (std::none_of(attrs.begin(), attrs.end(),
                         [&](const Attribute& b) { return b.first == a.first; })) {
          attrs.push_back(a);
        }
      }
    }
    return attrs;
  }

  size_t commit(pb_collector::ExportMetricsServiceRequest* request) {
    request->Clear();
    size_t points = 0;
    for (size_t ri = 0; ri < resources_used; ++ri) {
      Resource& r = resources[ri];
      pb_metrics::ResourceMetrics* rm = nullptr;
      for (uint32_t scope_index : scope_order(r)) {
        Scope& s = scopes[scope_index];
        pb_metrics::ScopeMetrics* sm = nullptr;
        for (uint32_t family_index : s.families) {
          if (families[family_index].dropped) continue;
          if (sm == nullptr) {
            if (rm == nullptr) {
              rm = request->add_resource_metrics();
              add_attributes(r.attributes, rm->mutable_resource()->mutable_attributes());
            }
            sm = rm->add_scope_metrics();
            sm->mutable_scope()->set_name(std::string(s.scope_name()));
            sm->mutable_scope()->set_version(s.version);
            add_attributes(scope_attributes(r, s), sm->mutable_scope()->mutable_attributes());
            sm->set_schema_url(s.schema_url);
          }
          size_t n = build_metric(families[family_index], sm->add_metrics());
          if (n == 0) {
            sm->mutable_metrics()->RemoveLast();
          }
          points += n;
        }
        if (sm != nullptr && sm->metrics_size() == 0) rm->mutable_scope_metrics()->RemoveLast();
        s.families.clear();
      }
      if (rm != nullptr && rm->scope_metrics_size() == 0) {
        request->mutable_resource_metrics()->RemoveLast();
      }
    }
    forget_pending();
    return points;
  }

  // --- writing the serialised request directly (commit_serialized) ---
  // Mirrors the build_* functions above field for field, in field-number order, so the bytes
  // equal the generated messages' serialisation (checked on every golden input by a test).

  WireWriter wire;

  // A KeyValue with a string value; its sizes are known up front, so no length is patched in.
  static void wire_key_value(WireWriter& w, uint32_t field, std::string_view key,
                             std::string_view value) {
    KeyValueBytes kv(key, value);
    w.advance_to(kv.put(w.reserve(kv.bound()), field, key, value));
  }

  // The attributes, already serialised with the point kind's field number.
  void wire_point_attributes(const Group& g) {
    if (g.identity_size == 0) return;  // no labels; strings.data() may be null
    char* p = wire.reserve(g.identity_size);
    std::memcpy(p, strings.data() + g.identity_offset, g.identity_size);
    wire.advance_to(p + g.identity_size);
  }

  static bool is_trace_id(const Attribute& a) {
    return equals_ignore_case(a.first, "trace_id") && a.second.size() == 32 && is_hex(a.second) &&
           a.second.find_first_not_of('0') != std::string::npos;
  }
  static bool is_span_id(const Attribute& a) {
    return equals_ignore_case(a.first, "span_id") && a.second.size() == 16 && is_hex(a.second) &&
           a.second.find_first_not_of('0') != std::string::npos;
  }

  void wire_exemplars(const Group& g, uint32_t field) {
    for (const OwnedExemplar& x : detail(g).exemplars) {
      size_t e = wire.begin(field);
      wire.fixed64_if_set(2, ms_to_nanos(x.timestamp));
      wire.double_field(3, x.value);
      const Attribute* trace = nullptr;
      const Attribute* span = nullptr;
      for (const Attribute& a : x.labels) {
        if (is_trace_id(a)) trace = &a;
        else if (is_span_id(a)) span = &a;
      }
      if (span) wire.string_field(4, hex_to_bytes(span->second));
      if (trace) wire.string_field(5, hex_to_bytes(trace->second));
      for (const Attribute& a : x.labels) {
        if (!is_trace_id(a) && !is_span_id(a)) wire_key_value(wire, 7, a.first, a.second);
      }
      wire.end(e);
    }
  }

  // A number point without exemplars: its length is known up front, so it is written in one
  // go without a length to patch in (the same fields as below).
  void wire_plain_number_point(const Family& f, const Group& g) {
    uint64_t start = f.kind == Kind::kSum && g.has_created ? created_to_nanos(g.created) : 0;
    uint64_t time = ms_to_nanos(g.timestamp);
    bool stale = model::is_stale_nan(g.value);
    size_t size = (start != 0 ? 9 : 0) + (time != 0 ? 9 : 0) + (stale ? 2 : 9) + g.identity_size;
    char* p = wire.reserve(size + 11);
    *p++ = (1 << 3) | WireWriter::kLength;
    p = WireWriter::put_varint(p, size);
    if (start != 0) {
      *p++ = (2 << 3) | WireWriter::kFixed64;
      p = WireWriter::put_fixed64(p, start);
    }
    if (time != 0) {
      *p++ = (3 << 3) | WireWriter::kFixed64;
      p = WireWriter::put_fixed64(p, time);
    }
    if (!stale) {
      uint64_t bits;
      std::memcpy(&bits, &g.value, 8);
      *p++ = (4 << 3) | WireWriter::kFixed64;
      p = WireWriter::put_fixed64(p, bits);
    }
    if (g.identity_size != 0) {  // no labels: strings.data() may be null
      std::memcpy(p, strings.data() + g.identity_offset, g.identity_size);
      p += g.identity_size;
    }
    if (stale) {
      *p++ = (8 << 3) | WireWriter::kVarint;
      *p++ = static_cast<char>(pb_metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
    }
    wire.advance_to(p);
  }

  size_t wire_number_points(const Family& f) {
    size_t n = 0;
    for (uint32_t id : f.groups) {
      const Group& g = groups[id];
      if (!g.has_value) continue;
      if (detail(g).exemplars.empty()) {
        wire_plain_number_point(f, g);
        ++n;
        continue;
      }
      size_t p = wire.begin(1);
      if (f.kind == Kind::kSum && g.has_created) wire.fixed64_if_set(2, created_to_nanos(g.created));
      wire.fixed64_if_set(3, ms_to_nanos(g.timestamp));
      bool stale = model::is_stale_nan(g.value);
      if (!stale) wire.double_field(4, g.value);
      wire_exemplars(g, 5);
      wire_point_attributes(g);
      if (stale) wire.varint_if_set(8, pb_metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
      wire.end(p);
      ++n;
    }
    return n;
  }

  size_t wire_histogram_points(const Family& f) {
    size_t n = 0;
    for (uint32_t id : f.groups) {
      const Group& g = groups[id];
      if (!g.has_count) continue;
      bool stale = model::is_stale_nan(g.count) || (g.has_sum && model::is_stale_nan(g.sum));
      std::vector<std::pair<double, double>>& buckets = bucket_scratch;
      if (!histogram_buckets(f, g, stale, buckets)) continue;
      size_t p = wire.begin(1);
      if (g.has_created) wire.fixed64_if_set(2, created_to_nanos(g.created));
      wire.fixed64_if_set(3, ms_to_nanos(g.timestamp));
      if (!stale) {
        wire.fixed64_if_set(4, to_uint64(g.count));
        if (g.has_sum) wire.double_field(5, g.sum);
      }
      wire.tag(6, WireWriter::kLength);
      wire.varint(8 * (buckets.size() + 1));
      if (stale) {
        for (size_t i = 0; i <= buckets.size(); ++i) wire.fixed64(0);
      } else {
        double previous = 0;
        for (const auto& b : buckets) {
          wire.fixed64(to_uint64(b.second - previous));
          previous = b.second;
        }
        wire.fixed64(to_uint64(g.count - previous));
      }
      if (!buckets.empty()) {
        wire.tag(7, WireWriter::kLength);
        wire.varint(8 * buckets.size());
        for (const auto& b : buckets) wire.double_bits(b.first);
      }
      wire_exemplars(g, 8);
      wire_point_attributes(g);
      if (stale) wire.varint_if_set(10, pb_metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
      wire.end(p);
      ++n;
    }
    return n;
  }

  size_t wire_summary_points(const Family& f) {
    size_t n = 0;
    for (uint32_t id : f.groups) {
      const Group& g = groups[id];
      if (!g.has_count) continue;
      std::vector<std::pair<double, double>> quantiles = detail(g).quantiles;
      std::stable_sort(quantiles.begin(), quantiles.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      bool stale = model::is_stale_nan(g.count) || (g.has_sum && model::is_stale_nan(g.sum));
      size_t p = wire.begin(1);
      if (g.has_created) wire.fixed64_if_set(2, created_to_nanos(g.created));
      wire.fixed64_if_set(3, ms_to_nanos(g.timestamp));
      if (!stale) {
        wire.fixed64_if_set(4, to_uint64(g.count));
        if (g.has_sum) wire.double_if_set(5, g.sum);
      }
      for (const auto& q : quantiles) {
        size_t v = wire.begin(6);
        wire.double_if_set(1, q.first);
        wire.double_if_set(2, stale ? 0 : q.second);
        wire.end(v);
      }
      wire_point_attributes(g);
      if (stale) wire.varint_if_set(8, pb_metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
      wire.end(p);
      ++n;
    }
    return n;
  }

  void wire_buckets(uint32_t field, const NativeBuckets* b) {
    size_t m = wire.begin(field);
    if (b != nullptr) {
      wire.sint32_if_set(1, b->offset);
      if (!b->counts.empty()) {
        size_t bytes = 0;
        for (uint64_t c : b->counts) bytes += WireWriter::varint_size(c);
        wire.tag(2, WireWriter::kLength);
        wire.varint(bytes);
        for (uint64_t c : b->counts) wire.varint(c);
      }
    }
    wire.end(m);
  }

  size_t wire_exponential_points(const Family& f) {
    size_t n = 0;
    for (uint32_t id : f.groups) {
      const Group& g = groups[id];
      if (!detail(g).native) continue;
      const NativePoint& np = *detail(g).native;
      bool stale = model::is_stale_nan(np.sum);
      size_t p = wire.begin(1);
      wire_point_attributes(g);
      if (g.has_created) wire.fixed64_if_set(2, created_to_nanos(g.created));
      wire.fixed64_if_set(3, ms_to_nanos(g.timestamp));
      if (!stale) {
        wire.fixed64_if_set(4, to_uint64(np.count));
        wire.double_field(5, np.sum);
        wire.sint32_if_set(6, np.scale);
        wire.fixed64_if_set(7, to_uint64(np.zero_count));
      }
      wire_buckets(8, stale ? nullptr : &np.positive);
      wire_buckets(9, stale ? nullptr : &np.negative);
      if (stale) wire.varint_if_set(10, pb_metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
      wire_exemplars(g, 11);
      if (!stale) wire.double_if_set(14, np.zero_threshold);
      wire.end(p);
      ++n;
    }
    return n;
  }

  // Writes the metric (field 2 of ScopeMetrics); returns its data points (none: nothing kept).
  size_t wire_metric(const Family& f) {
    WireWriter::Mark start = wire.mark();
    size_t m = wire.begin(2);
    if (options.trim_metric_suffixes) {
      wire.string_if_set(1, trim_metric_suffixes(f.name, f.kind == Kind::kSum, f.unit));
    } else {
      wire.string_if_set(1, f.name);
    }
    wire.string_if_set(2, f.help);
    wire.string_if_set(3, unit_word_to_ucum(f.unit));
    size_t n = 0;
    switch (f.kind) {
      case Kind::kGauge:
      case Kind::kEmpty: {
        size_t d = wire.begin(5);
        n = wire_number_points(f);
        wire.end(d);
        break;
      }
      case Kind::kSum: {
        size_t d = wire.begin(7);
        n = wire_number_points(f);
        wire.varint_if_set(2, pb_metrics::AGGREGATION_TEMPORALITY_CUMULATIVE);
        wire.varint_if_set(3, f.prom_type == MetricType::kCounter ? 1 : 0);
        wire.end(d);
        break;
      }
      case Kind::kHistogram: {
        size_t d = wire.begin(9);
        n = wire_histogram_points(f);
        wire.varint_if_set(2, pb_metrics::AGGREGATION_TEMPORALITY_CUMULATIVE);
        wire.end(d);
        break;
      }
      case Kind::kExponentialHistogram: {
        size_t d = wire.begin(10);
        n = wire_exponential_points(f);
        wire.varint_if_set(2, pb_metrics::AGGREGATION_TEMPORALITY_CUMULATIVE);
        wire.end(d);
        break;
      }
      case Kind::kSummary: {
        size_t d = wire.begin(11);
        n = wire_summary_points(f);
        wire.end(d);
        break;
      }
    }
    wire_key_value(wire, 12, "prometheus.type", model::to_string(f.prom_type));
    wire.end(m);
    if (n == 0) wire.rewind(start);
    return n;
  }

  size_t commit_serialized(std::string* out) {
    size_t points = write_serialized();
    wire.finish(out);
    return points;
  }

  size_t commit_serialized(const std::function<void(size_t)>& size,
                           const std::function<void(std::span<const std::string_view>)>& pieces) {
    size_t points = write_serialized();
    if (points == 0) return 0;
    size(wire.size());
    wire.finish_gathered(pieces);
    return points;
  }

  // The pending request into `wire` (finished by the caller); forgets what was pending.
  size_t write_serialized() {
    wire.clear();
    size_t points = 0;
    for (size_t ri = 0; ri < resources_used; ++ri) {
      Resource& r = resources[ri];
      WireWriter::Mark resource_start = wire.mark();
      size_t rm = 0;
      bool rm_open = false;
      size_t rm_scopes = 0;
      for (uint32_t scope_index : scope_order(r)) {
        Scope& s = scopes[scope_index];
        WireWriter::Mark scope_start = wire.mark();
        size_t sm = 0;
        bool sm_open = false;
        size_t sm_metrics = 0;
        for (uint32_t family_index : s.families) {
          if (families[family_index].dropped) continue;
          if (!sm_open) {
            if (!rm_open) {
              rm = wire.begin(1);
              rm_open = true;
              size_t res = wire.begin(1);
              for (const auto& [key, value] : r.attributes) wire_key_value(wire, 1, key, value);
              wire.end(res);
            }
            scope_start = wire.mark();
            sm = wire.begin(2);
            sm_open = true;
            size_t scope = wire.begin(1);
            wire.string_if_set(1, s.scope_name());
            wire.string_if_set(2, s.version);
            for (const auto& [key, value] : scope_attributes(r, s)) wire_key_value(wire, 3, key, value);
            wire.end(scope);
          }
          size_t n = wire_metric(families[family_index]);
          if (n != 0) ++sm_metrics;
          points += n;
        }
        if (sm_open) {
          if (sm_metrics == 0) {
            wire.rewind(scope_start);
          } else {
            wire.string_if_set(3, s.schema_url);
            wire.end(sm);
            ++rm_scopes;
          }
        }
        s.families.clear();
      }
      if (rm_open) {
        if (rm_scopes == 0) {
          wire.rewind(resource_start);
        } else {
          wire.end(rm);
        }
      }
    }
    forget_pending();
    return points;
  }

  // --- writing the request's OTLP/JSON directly (commit_json) ---
  // Mirrors the build_* functions above, in the order otlp::encode_json writes the built
  // message (field-number order, default values left out, 64-bit integers quoted), so the text
  // equals encode_json(commit()) (checked on every golden input by a test).

  // Raw writing for the hot parts: room for a bound is made at the end of o, written through
  // a pointer, and o is cut back to where the pointer ended.
  static char* json_begin(std::string& o, size_t bound) {
    size_t used = o.size();
    o.resize(used + bound);
    return o.data() + used;
  }
  static void json_end(std::string& o, char* p) { o.resize(static_cast<size_t>(p - o.data())); }

  template <size_t N>
  static char* put(char* p, const char (&literal)[N]) {
    std::memcpy(p, literal, N - 1);
    return p + N - 1;
  }

  // The most bytes put_json_string writes for s: every byte may become a 6-byte escape.
  static size_t json_string_bound(std::string_view s) { return 6 * s.size() + 2; }

  // True when none of the 8 bytes needs escaping or UTF-8 checking (a control character, '"',
  // '\\' or a byte >= 0x80), tested on the whole word at once.
  static bool plain_word(uint64_t w) {
    constexpr uint64_t kOnes = 0x0101010101010101ULL;
    constexpr uint64_t kHigh = 0x8080808080808080ULL;
    auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
    uint64_t special = (w & kHigh) | ((w - 0x20 * kOnes) & ~w & kHigh) |
                       has_zero(w ^ ('"' * kOnes)) | has_zero(w ^ ('\\' * kOnes));
    return special == 0;
  }

  [[gnu::always_inline]] static bool plain_json(std::string_view s) {
    uint64_t w;
    if (s.size() < 8) {
      char padded[8] = {'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'};
      std::memcpy(padded, s.data(), s.size());
      std::memcpy(&w, padded, 8);
      return plain_word(w);
    }
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      std::memcpy(&w, s.data() + i, 8);
      if (!plain_word(w)) return false;
    }
    std::memcpy(&w, s.data() + s.size() - 8, 8);  // the tail, overlapping
    return plain_word(w);
  }

  // otlp::append_json_string's text: plain printable ASCII (nearly all) is copied at once.
  [[gnu::always_inline]] static char* put_json_string(char* p, std::string_view s) {
    if (!plain_json(s)) {
      std::string escaped;
      otlp::append_json_string(escaped, s);
      std::memcpy(p, escaped.data(), escaped.size());
      return p + escaped.size();
    }
    *p++ = '"';
    copy_short(p, s.data(), s.size());
    p += s.size();
    *p++ = '"';
    return p;
  }

  static constexpr size_t kJsonNumberBound = 40;

  static char* put_quoted(char* p, uint64_t v) {
    *p++ = '"';
    p = std::to_chars(p, p + 24, v).ptr;
    *p++ = '"';
    return p;
  }

  // otlp::append_json_double's text. Integers not ending in 0 print the same with the integer
  // formatter (std::to_chars picks the fixed form for them: the exponent form is longer).
  static char* put_double(char* p, double v) {
    if (v >= -9007199254740992.0 && v <= 9007199254740992.0) {
      int64_t i = static_cast<int64_t>(v);
      if (static_cast<double>(i) == v && i % 10 != 0) return std::to_chars(p, p + 24, i).ptr;
    }
    if (std::isnan(v)) return put(p, "\"NaN\"");
    if (std::isinf(v)) return v > 0 ? put(p, "\"Infinity\"") : put(p, "\"-Infinity\"");
    return std::to_chars(p, p + 32, v).ptr;
  }

  static void json_number(std::string& o, uint64_t v) {
    char buffer[24];
    auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
    o.append(buffer, static_cast<size_t>(r.ptr - buffer));
  }
  static void json_quoted(std::string& o, uint64_t v) {
    o += '"';
    json_number(o, v);
    o += '"';
  }

  // `{"k":v,...}` with commas in the right places (an object without members is "{}").
  class JsonObject {
   public:
    explicit JsonObject(std::string& o) : o_(o) {}
    std::string& key(std::string_view quoted_name_colon) {
      o_ += first_ ? '{' : ',';
      first_ = false;
      o_ += quoted_name_colon;
      return o_;
    }
    void close() { o_ += first_ ? "{}" : "}"sv; }

   private:
    std::string& o_;
    bool first_ = true;
  };

  static void json_key_value(std::string& o, std::string_view key, std::string_view value) {
    if (key.empty()) {
      o += "{\"value\":{\"stringValue\":"sv;
    } else {
      o += "{\"key\":"sv;
      otlp::append_json_string(o, key);
      o += ",\"value\":{\"stringValue\":"sv;
    }
    otlp::append_json_string(o, value);
    o += "}}"sv;
  }

  static void json_attributes(std::string& o, const std::vector<Attribute>& attrs) {
    o += '[';
    for (size_t i = 0; i < attrs.size(); ++i) {
      if (i > 0) o += ',';
      json_key_value(o, attrs[i].first, attrs[i].second);
    }
    o += ']';
  }

  void json_point_attributes(std::string& o, const Group& g) const {
    // The identity holds each name and value plus at least 6 bytes: 6 output bytes per
    // identity byte (escapes) and the fixed text per attribute fit.
    size_t bound = 2 + 8 * static_cast<size_t>(g.identity_size);
    char* p = json_begin(o, bound);
    *p++ = '[';
    AttributeReader attributes(strings.data() + g.identity_offset, g.identity_size);
    std::string_view name, value;
    bool first = true;
    while (attributes.next(&name, &value)) {
      if (!first) *p++ = ',';
      first = false;
      if (name.empty()) {
        p = put(p, "{\"value\":{\"stringValue\":");
      } else {
        p = put(p, "{\"key\":");
        p = put_json_string(p, name);
        p = put(p, ",\"value\":{\"stringValue\":");
      }
      p = put_json_string(p, value);
      p = put(p, "}}");
    }
    *p++ = ']';
    json_end(o, p);
  }

  // Trace and span ids: the label's hex digits as the bytes' lowercase hex.
  static void json_hex_id(std::string& o, std::string_view hex) {
    o += '"';
    for (char c : hex) o += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    o += '"';
  }

  void json_exemplars(std::string& o, const Group& g) const {
    o += '[';
    bool first = true;
    for (const OwnedExemplar& x : detail(g).exemplars) {
      if (!first) o += ',';
      first = false;
      JsonObject e(o);
      if (uint64_t t = ms_to_nanos(x.timestamp); t != 0) json_quoted(e.key("\"timeUnixNano\":"), t);
      otlp::append_json_double(e.key("\"asDouble\":"), x.value);
      const Attribute* trace = nullptr;
      const Attribute* span = nullptr;
      bool filtered = false;
      for (const Attribute& a : x.labels) {
        if (is_trace_id(a)) trace = &a;
        else if (is_span_id(a)) span = &a;
        else filtered = true;
      }
      if (span) json_hex_id(e.key("\"spanId\":"), span->second);
      if (trace) json_hex_id(e.key("\"traceId\":"), trace->second);
      if (filtered) {
        e.key("\"filteredAttributes\":") += '[';
        bool first_attribute = true;
        for (const Attribute& a : x.labels) {
          if (is_trace_id(a) || is_span_id(a)) continue;
          if (!first_attribute) o += ',';
          first_attribute = false;
          json_key_value(o, a.first, a.second);
        }
        o += ']';
      }
      e.close();
    }
    o += ']';
  }

  size_t json_number_points(std::string& o, const Family& f) {
    size_t n = 0;
    for (uint32_t id : f.groups) {
      const Group& g = groups[id];
      if (!g.has_value) continue;
      // The members up to asDouble written raw; `next` is what precedes the next member.
      char* p = json_begin(o, 3 * kJsonNumberBound + 64);
      if (n > 0) *p++ = ',';
      char next = '{';
      if (f.kind == Kind::kSum && g.has_created) {
        if (uint64_t t = created_to_nanos(g.created); t != 0) {
          *p++ = next;
          next = ',';
          p = put_quoted(put(p, "\"startTimeUnixNano\":"), t);
        }
      }
      if (uint64_t t = ms_to_nanos(g.timestamp); t != 0) {
        *p++ = next;
        next = ',';
        p = put_quoted(put(p, "\"timeUnixNano\":"), t);
      }
      bool stale = model::is_stale_nan(g.value);
      if (!stale) {
        *p++ = next;
        next = ',';
        p = put_double(put(p, "\"asDouble\":"), g.value);
      }
      json_end(o, p);
      if (!detail(g).exemplars.empty()) {
        o += next;
        next = ',';
        json_exemplars(o += "\"exemplars\":"sv, g);
      }
      if (g.identity_size != 0) {
        o += next;
        next = ',';
        json_point_attributes(o += "\"attributes\":"sv, g);
      }
      if (stale) {
        o += next;
        next = ',';
        json_number(o += "\"flags\":"sv, pb_metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
      }
      o += next == '{' ? "{}"sv : "}"sv;
      ++n;
    }
    return n;
  }

  size_t json_histogram_points(std::string& o, const Family& f) {
    size_t n = 0;
    for (uint32_t id : f.groups) {
      const Group& g = groups[id];
      if (!g.has_count) continue;
      bool stale = model::is_stale_nan(g.count) || (g.has_sum && model::is_stale_nan(g.sum));
      std::vector<std::pair<double, double>>& buckets = bucket_scratch;
      if (!histogram_buckets(f, g, stale, buckets)) continue;
      if (n > 0) o += ',';
      JsonObject p(o);
      if (g.has_created) {
        if (uint64_t t = created_to_nanos(g.created); t != 0) {
          json_quoted(p.key("\"startTimeUnixNano\":"), t);
        }
      }
      if (uint64_t t = ms_to_nanos(g.timestamp); t != 0) json_quoted(p.key("\"timeUnixNano\":"), t);
      if (!stale) {
        if (uint64_t c = to_uint64(g.count); c != 0) json_quoted(p.key("\"count\":"), c);
        if (g.has_sum) otlp::append_json_double(p.key("\"sum\":"), g.sum);
      }
      p.key("\"bucketCounts\":") += '[';
      if (stale) {
        for (size_t i = 0; i <= buckets.size(); ++i) o += i == 0 ? "\"0\""sv : ",\"0\""sv;
      } else {
        double previous = 0;
        for (const auto& b : buckets) {
          json_quoted(o, to_uint64(b.second - previous));
          o += ',';
          previous = b.second;
        }
        json_quoted(o, to_uint64(g.count - previous));
      }
      o += ']';
      if (!buckets.empty()) {
        p.key("\"explicitBounds\":") += '[';
        for (size_t i = 0; i < buckets.size(); ++i) {
          if (i > 0) o += ',';
          otlp::append_json_double(o, buckets[i].first);
        }
        o += ']';
      }
      if (!detail(g).exemplars.empty()) json_exemplars(p.key("\"exemplars\":"), g);
      if (g.identity_size != 0) json_point_attributes(p.key("\"attributes\":"), g);
      if (stale) json_number(p.key("\"flags\":"), pb_metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
      p.close();
      ++n;
    }
    return n;
  }

  static bool double_set(double d) {
    uint64_t v;
    std::memcpy(&v, &d, 8);
    return v != 0;
  }

  size_t json_summary_points(std::string& o, const Family& f) {
    size_t n = 0;
    for (uint32_t id : f.groups) {
      const Group& g = groups[id];
      if (!g.has_count) continue;
      std::vector<std::pair<double, double>> quantiles = detail(g).quantiles;
      std::stable_sort(quantiles.begin(), quantiles.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      bool stale = model::is_stale_nan(g.count) || (g.has_sum && model::is_stale_nan(g.sum));
      if (n > 0) o += ',';
      JsonObject p(o);
      if (g.has_created) {
        if (uint64_t t = created_to_nanos(g.created); t != 0) {
          json_quoted(p.key("\"startTimeUnixNano\":"), t);
        }
      }
      if (uint64_t t = ms_to_nanos(g.timestamp); t != 0) json_quoted(p.key("\"timeUnixNano\":"), t);
      if (!stale) {
        if (uint64_t c = to_uint64(g.count); c != 0) json_quoted(p.key("\"count\":"), c);
        if (g.has_sum && double_set(g.sum)) otlp::append_json_double(p.key("\"sum\":"), g.sum);
      }
      if (!quantiles.empty()) {
        p.key("\"quantileValues\":") += '[';
        for (size_t i = 0; i < quantiles.size(); ++i) {
          if (i > 0) o += ',';
          JsonObject v(o);
          if (double_set(quantiles[i].first)) {
            otlp::append_json_double(v.key("\"quantile\":"), quantiles[i].first);
          }
          double value = stale ? 0 : quantiles[i].second;
          if (double_set(value)) otlp::append_json_double(v.key("\"value\":"), value);
          v.close();
        }
        o += ']';
      }
      if (g.identity_size != 0) json_point_attributes(p.key("\"attributes\":"), g);
      if (stale) json_number(p.key("\"flags\":"), pb_metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
      p.close();
      ++n;
    }
    return n;
  }

  static void json_buckets(std::string& o, const NativeBuckets* b) {
    JsonObject m(o);
    if (b != nullptr) {
      if (b->offset != 0) {
        char buffer[16];
        auto r = std::to_chars(buffer, buffer + sizeof buffer, b->offset);
        m.key("\"offset\":").append(buffer, static_cast<size_t>(r.ptr - buffer));
      }
      if (!b->counts.empty()) {
        m.key("\"bucketCounts\":") += '[';
        for (size_t i = 0; i < b->counts.size(); ++i) {
          if (i > 0) o += ',';
          json_quoted(o, b->counts[i]);
        }
        o += ']';
      }
    }
    m.close();
  }

  size_t json_exponential_points(std::string& o, const Family& f) {
    size_t n = 0;
    for (uint32_t id : f.groups) {
      const Group& g = groups[id];
      if (!detail(g).native) continue;
      const NativePoint& np = *detail(g).native;
      bool stale = model::is_stale_nan(np.sum);
      if (n > 0) o += ',';
      JsonObject p(o);
      if (g.identity_size != 0) json_point_attributes(p.key("\"attributes\":"), g);
      if (g.has_created) {
        if (uint64_t t = created_to_nanos(g.created); t != 0) {
          json_quoted(p.key("\"startTimeUnixNano\":"), t);
        }
      }
      if (uint64_t t = ms_to_nanos(g.timestamp); t != 0) json_quoted(p.key("\"timeUnixNano\":"), t);
      if (!stale) {
        if (uint64_t c = to_uint64(np.count); c != 0) json_quoted(p.key("\"count\":"), c);
        otlp::append_json_double(p.key("\"sum\":"), np.sum);
        if (np.scale != 0) {
          char buffer[16];
          auto r = std::to_chars(buffer, buffer + sizeof buffer, np.scale);
          p.key("\"scale\":").append(buffer, static_cast<size_t>(r.ptr - buffer));
        }
        if (uint64_t z = to_uint64(np.zero_count); z != 0) json_quoted(p.key("\"zeroCount\":"), z);
      }
      json_buckets(p.key("\"positive\":"), stale ? nullptr : &np.positive);
      json_buckets(p.key("\"negative\":"), stale ? nullptr : &np.negative);
      if (stale) json_number(p.key("\"flags\":"), pb_metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
      if (!detail(g).exemplars.empty()) json_exemplars(p.key("\"exemplars\":"), g);
      if (!stale && double_set(np.zero_threshold)) {
        otlp::append_json_double(p.key("\"zeroThreshold\":"), np.zero_threshold);
      }
      p.close();
      ++n;
    }
    return n;
  }

  // Writes the metric (preceded by a comma unless first); returns its data points (none:
  // nothing kept).
  size_t json_metric(std::string& o, const Family& f, bool first) {
    size_t start = o.size();
    if (!first) o += ',';
    JsonObject m(o);
    std::string_view name = f.name;
    std::string trimmed;
    if (options.trim_metric_suffixes) {
      trimmed = trim_metric_suffixes(f.name, f.kind == Kind::kSum, f.unit);
      name = trimmed;
    }
    if (!name.empty()) otlp::append_json_string(m.key("\"name\":"), name);
    if (!f.help.empty()) otlp::append_json_string(m.key("\"description\":"), f.help);
    if (std::string unit = unit_word_to_ucum(f.unit); !unit.empty()) {
      otlp::append_json_string(m.key("\"unit\":"), unit);
    }
    size_t n = 0;
    switch (f.kind) {
      case Kind::kGauge:
      case Kind::kEmpty:
        m.key("\"gauge\":{\"dataPoints\":[");
        n = json_number_points(o, f);
        o += "]}"sv;
        break;
      case Kind::kSum:
        m.key("\"sum\":{\"dataPoints\":[");
        n = json_number_points(o, f);
        o += f.prom_type == MetricType::kCounter ? "],\"aggregationTemporality\":2,\"isMonotonic\":true}"
                                                 : "],\"aggregationTemporality\":2}"sv;
        break;
      case Kind::kHistogram:
        m.key("\"histogram\":{\"dataPoints\":[");
        n = json_histogram_points(o, f);
        o += "],\"aggregationTemporality\":2}"sv;
        break;
      case Kind::kExponentialHistogram:
        m.key("\"exponentialHistogram\":{\"dataPoints\":[");
        n = json_exponential_points(o, f);
        o += "],\"aggregationTemporality\":2}"sv;
        break;
      case Kind::kSummary:
        m.key("\"summary\":{\"dataPoints\":[");
        n = json_summary_points(o, f);
        o += "]}"sv;
        break;
    }
    m.key("\"metadata\":") += '[';
    json_key_value(o, "prometheus.type", model::to_string(f.prom_type));
    o += ']';
    m.close();
    if (n == 0) o.resize(start);
    return n;
  }

  size_t commit_json(std::string* out) {
    std::string& o = *out;
    o.clear();
    size_t points = 0;
    size_t resource_metrics = 0;
    o += "{\"resourceMetrics\":["sv;
    for (size_t ri = 0; ri < resources_used; ++ri) {
      Resource& r = resources[ri];
      size_t resource_start = o.size();
      bool rm_open = false;
      size_t rm_scopes = 0;
      for (uint32_t scope_index : scope_order(r)) {
        Scope& s = scopes[scope_index];
        size_t scope_start = o.size();
        bool sm_open = false;
        size_t sm_metrics = 0;
        for (uint32_t family_index : s.families) {
          if (families[family_index].dropped) continue;
          if (!sm_open) {
            if (!rm_open) {
              rm_open = true;
              if (resource_metrics > 0) o += ',';
              o += "{\"resource\":"sv;
              JsonObject res(o);
              if (!r.attributes.empty()) json_attributes(res.key("\"attributes\":"), r.attributes);
              res.close();
              o += ",\"scopeMetrics\":["sv;
            }
            scope_start = o.size();
            sm_open = true;
            if (rm_scopes > 0) o += ',';
            o += "{\"scope\":"sv;
            JsonObject scope(o);
            if (!s.scope_name().empty()) {
              otlp::append_json_string(scope.key("\"name\":"), s.scope_name());
            }
            if (!s.version.empty()) otlp::append_json_string(scope.key("\"version\":"), s.version);
            std::vector<Attribute> attributes = scope_attributes(r, s);
            if (!attributes.empty()) json_attributes(scope.key("\"attributes\":"), attributes);
            scope.close();
            o += ",\"metrics\":["sv;
          }
          size_t n = json_metric(o, families[family_index], sm_metrics == 0);
          if (n != 0) ++sm_metrics;
          points += n;
        }
        if (sm_open) {
          if (sm_metrics == 0) {
            o.resize(scope_start);
          } else {
            o += ']';
            if (!s.schema_url.empty()) {
              o += ",\"schemaUrl\":"sv;
              otlp::append_json_string(o, s.schema_url);
            }
            o += '}';
            ++rm_scopes;
          }
        }
        s.families.clear();
      }
      if (rm_open) {
        if (rm_scopes == 0) {
          o.resize(resource_start);
        } else {
          o += "]}"sv;
          ++resource_metrics;
        }
      }
    }
    if (resource_metrics == 0) {
      o = "{}";
    } else {
      o += "]}"sv;
    }
    forget_pending();
    return points;
  }

  // Targets (with their target_info) and scopes (with otel_scope_info) are remembered across
  // the requests of one input so later batches get the same resource; an input naming more
  // targets than this forgets them at each commit to keep memory bounded.
  static constexpr size_t kMaxRememberedTargets = 1000;

  void forget_pending() {
    if (resources_used > kMaxRememberedTargets) {
      resources_used = 0;
      resource_index.clear();
      scopes_used = 0;
      scope_index.clear();
      last_resource = kNone;
    }
    for (size_t i = 0; i < scopes_used; ++i) scopes[i].families.clear();
    layout.fixed_resource = kNone;
    other_layout.fixed_resource = kNone;
    families_used = 0;
    family_index.clear();
    groups_used = 0;
    last_group = kNone;
    strings.clear();
    details_used = 0;
    for (RecentFamily& r : recent_families) r.family = kNone;
    dropped_families.clear();
    retired_metadata.clear();
    metadata.age();
    resolution.valid = false;
    pending_points = 0;
  }

  void add_scrape_metrics(const ScrapeReport& report) {
    double scraped = static_cast<double>(samples_seen);
    std::vector<std::pair<std::string, std::string>> targets;
    for (size_t i = 0; i < resources_used; ++i) {
      targets.emplace_back(resources[i].job, resources[i].instance);
    }
    if (targets.empty()) targets.emplace_back(options.job, options.instance);
    const std::pair<std::string_view, double> series[] = {
        {"up", report.up ? 1.0 : 0.0},
        {"scrape_duration_seconds", report.duration_seconds},
        {"scrape_samples_scraped", scraped},
        {"scrape_samples_post_metric_relabeling", scraped},
        {"scrape_series_added", scraped},
    };
    for (const auto& [job, instance] : targets) {
      model::Label target[] = {{"job", job}, {"instance", instance}};
      Options saved_targets = options;
      // The synthetic series carry the target labels themselves, never exported_*.
      options.job.clear();
      options.instance.clear();
      layout.valid = false;
      other_layout.valid = false;
      for (const auto& [name, value] : series) {
        model::Sample s;
        s.name = name;
        s.labels = model::Labels(target, 2);
        s.value = value;
        append(s);
        --samples_seen;
      }
      options = std::move(saved_targets);
      layout.valid = false;
      other_layout.valid = false;
      layout_is_last_sample = false;
    }
  }
};

Transaction::Transaction(Options options, Warn warn) : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
  state_->warn = std::move(warn);
}

Transaction::~Transaction() = default;

void Transaction::set_type(std::string_view family, model::MetricType type) {
  state_->resolution.valid = false;
  state_->metadata[family].type = type;
}

void Transaction::set_help(std::string_view family, std::string_view help) {
  state_->resolution.valid = false;
  std::unique_ptr<std::string>& text = state_->metadata[family].help;
  if (text) state_->retired_metadata.push_back(std::move(text));
  text = std::make_unique<std::string>(help);
}

void Transaction::set_unit(std::string_view family, std::string_view unit) {
  state_->resolution.valid = false;
  std::unique_ptr<std::string>& text = state_->metadata[family].unit;
  if (text) state_->retired_metadata.push_back(std::move(text));
  text = std::make_unique<std::string>(unit);
}

void Transaction::append(const model::Sample& sample) { state_->append(sample, false); }
void Transaction::append(const model::Sample& sample, bool repeats_name) {
  state_->append(sample, repeats_name);
}

void Transaction::append_native_histogram(std::string_view family_name,
                                          const model::NativeHistogram& h) {
  state_->append_native(family_name, h);
}

void Transaction::drop_family(std::string_view family) {
  state_->dropped_families.emplace_back(family);
  for (size_t i = 0; i < state_->families_used; ++i) {
    Family& f = state_->families[i];
    f.dropped = f.dropped || state_->is_dropped(f);
  }
}

void Transaction::add_scrape_metrics(const ScrapeReport& report) {
  state_->add_scrape_metrics(report);
}

size_t Transaction::pending_points() const { return state_->pending_points; }

size_t Transaction::pending_metrics() const { return state_->families_used; }

size_t Transaction::samples_seen() const { return state_->samples_seen; }

size_t Transaction::commit(pb_collector::ExportMetricsServiceRequest* request) {
  return state_->commit(request);
}

size_t Transaction::commit_serialized(std::string* out) { return state_->commit_serialized(out); }
size_t Transaction::commit_serialized(
    const std::function<void(size_t)>& size,
    const std::function<void(std::span<const std::string_view>)>& pieces) {
  return state_->commit_serialized(size, pieces);
}

size_t Transaction::commit_json(std::string* out) { return state_->commit_json(out); }

void Transaction::rollback() { state_->forget_pending(); }

}  // namespace promotel::promreceiver

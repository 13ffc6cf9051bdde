#pragma once

// One Remote-Write request's worth of data, owned (copied out of the parser's views): series
// with their samples, exemplars and native histograms, and the metadata of their families.
//
// A series' label set is stored once, already encoded as the repeated `Label` entries of a
// Remote-Write 1.0 TimeSeries. That byte string is also the series' identity: labels arrive
// sorted and unique, so equal label sets give equal bytes. Samples of one series that come back
// later in the same batch are grouped with it by a hash lookup on those bytes.

#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/metric.h"
#include "remotewrite/wire.h"

namespace promotel::remotewrite {

struct Metadata {
  std::string family;
  model::MetricType type = model::MetricType::kUnknown;
  std::string help;
  std::string unit;
};

struct Slice {
  uint32_t offset = 0;
  uint32_t size = 0;
};

// Append-only bytes that keep their memory across clear(): unlike std::string::resize,
// extending does not zero the new room first (it is written at once).
class ByteArena {
 public:
  ByteArena() = default;
  ByteArena(const ByteArena& other) { *this = other; }
  ByteArena& operator=(const ByteArena& other) {
    if (this != &other) {
      clear();
      if (other.size_ > 0) std::memcpy(extend(other.size_), other.data_.get(), other.size_);
    }
    return *this;
  }
  ByteArena(ByteArena&& other) noexcept { *this = std::move(other); }
  ByteArena& operator=(ByteArena&& other) noexcept {
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    return *this;
  }

  // n more bytes at the end; the pointer is valid until the next extend().
  char* extend(size_t n) {
    if (size_ + n > capacity_) grow(size_ + n);
    char* p = data_.get() + size_;
    size_ += n;
    return p;
  }
  // Room for at least n more bytes at the end, to be written and then kept with commit(); the
  // pointer is valid until the next extend() or room().
  char* room(size_t n) {
    if (size_ + n > capacity_) grow(size_ + n);
    return data_.get() + size_;
  }
  void commit(size_t n) { size_ += n; }
  void truncate(size_t size) { size_ = size; }
  void clear() { size_ = 0; }
  size_t size() const { return size_; }
  char* data() { return data_.get(); }
  std::string_view view() const { return std::string_view(data_.get(), size_); }

 private:
  void grow(size_t need);

  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// The series table's hash (not stable across versions): a function of a series' label values
// in order, which its encoded label bytes determine (equal label sets give equal hashes
// whichever way they were written). Writers fold each value in with the words their copy of it
// loads: the words go into two lanes, rotated by the value's place, and one multiply mixes the
// lanes at the end. The rotations are by odd amounts: by whole bytes, words of one repeated
// byte would cancel. Equal hashes are still compared byte for byte.
class SeriesHash {
 public:
  // Copies `value` to p (like wire::put_short_bytes) and folds it in; returns p + its size.
  [[gnu::always_inline]] char* put(char* p, std::string_view value) { return step<true>(p, value); }
  // Folds `value` in without writing it.
  [[gnu::always_inline]] void add(std::string_view value) { step<false>(nullptr, value); }
  uint64_t finish() const {
    unsigned __int128 m = (unsigned __int128)(lo_ ^ 0x243f6a8885a308d3ULL) * (hi_ ^ 0x13198a2e03707344ULL);
    uint64_t h = uint64_t(m) ^ uint64_t(m >> 64);
    h ^= h >> 31;
    h *= 0x9e3779b97f4a7c15ULL;
    return h ^ (h >> 32);
  }

 private:
  static uint64_t long_value(const char* q, size_t n);  // values over 64 bytes (rare)
  template <bool kWrite>
  [[gnu::always_inline]] char* step(char* p, std::string_view value) {
    const size_t n = value.size();
    const char* q = value.data();
    uint64_t a, b;
    if (n >= 8 && n <= 16) {
      std::memcpy(&a, q, 8);
      std::memcpy(&b, q + n - 8, 8);
      if constexpr (kWrite) {
        std::memcpy(p, &a, 8);
        std::memcpy(p + n - 8, &b, 8);
      }
    } else if (n >= 4 && n < 8) {
      uint32_t head, tail;
      std::memcpy(&head, q, 4);
      std::memcpy(&tail, q + n - 4, 4);
      if constexpr (kWrite) {
        std::memcpy(p, &head, 4);
        std::memcpy(p + n - 4, &tail, 4);
      }
      a = head;
      b = tail;
    } else if (n < 4) {
      a = b = 0;
      if (n > 0) {  // first, middle and last byte: all of them for n <= 3
        if constexpr (kWrite) {
          p[0] = q[0];
          p[n / 2] = q[n / 2];
          p[n - 1] = q[n - 1];
        }
        a = uint64_t(uint8_t(q[0])) | uint64_t(uint8_t(q[n / 2])) << 8 | uint64_t(uint8_t(q[n - 1])) << 16;
      }
    } else if (n <= 32) {  // 17..32: metric names and longer values, four words
      uint64_t w[4];
      std::memcpy(&w[0], q, 16);
      std::memcpy(&w[2], q + n - 16, 16);
      if constexpr (kWrite) {
        std::memcpy(p, &w[0], 16);
        std::memcpy(p + n - 16, &w[2], 16);
      }
      a = w[0] ^ std::rotl(w[2], 29);
      b = w[1] ^ std::rotl(w[3], 29);
    } else if (n <= 64) {  // 33..64: long metric names (a histogram's `_bucket`), eight words
      uint64_t w[8];
      std::memcpy(&w[0], q, 32);
      std::memcpy(&w[4], q + n - 32, 32);
      if constexpr (kWrite) {
        std::memcpy(p, &w[0], 32);
        std::memcpy(p + n - 32, &w[4], 32);
      }
      a = w[0] ^ std::rotl(w[2], 19) ^ std::rotl(w[4], 37) ^ std::rotl(w[6], 53);
      b = w[1] ^ std::rotl(w[3], 19) ^ std::rotl(w[5], 37) ^ std::rotl(w[7], 53);
    } else {
      if constexpr (kWrite) std::memcpy(p, q, n);
      a = long_value(q, n);
      b = 0;
    }
    lo_ = std::rotl(lo_, 23) ^ a;
    hi_ = std::rotl(hi_, 29) ^ b ^ n;
    if constexpr (kWrite) return p + n;
    return p;  // add() passes no buffer: an offset from null would be undefined
  }

  uint64_t lo_ = 0, hi_ = 0;
};

class Batch {
 public:
  static constexpr uint32_t kNoMetadata = UINT32_MAX;

  struct Series {
    Slice labels;  // encoded Label entries in arena()
    uint64_t hash = 0;
    uint32_t metadata = kNoMetadata;
    uint32_t samples = 0;     // how many samples
    uint32_t histograms = 0;  // how many native histograms
  };
  struct SampleRecord {
    uint32_t series;
    double value;
    int64_t timestamp;
    int64_t start_timestamp;  // 0 = none (Remote-Write 2.0 only)
  };
  struct ExemplarRecord {
    uint32_t series;
    Slice labels;  // encoded Label entries
    double value;
    int64_t timestamp;
  };
  struct HistogramRecord {
    uint32_t series;
    Slice body;  // Histogram message fields 1..14 and 16 (no timestamp / start timestamp)
    int64_t timestamp;
    int64_t start_timestamp;
  };

  // The series with these labels (sorted by name, unique, non-empty values, __name__ included),
  // added if new. `metadata` is an index from add_metadata() or kNoMetadata.
  uint32_t series(std::span<const model::Label> sorted_labels, uint32_t metadata);
  // The same, with each label's name part already encoded: name_parts[k] points at
  // `0a <name length> name 12` for sorted_labels[k] (names under 125 bytes), followed by at
  // least kNamePartPadding readable bytes. The bytes written are those of the other overload.
  static constexpr size_t kNamePartPadding = 32;
  uint32_t series(std::span<const model::Label> sorted_labels, const char* const* name_parts, uint32_t metadata) {
    arena_.extend(kHeaderRoom);
    SeriesHash hash;
    const Slice labels = append_labels(sorted_labels, name_parts, hash);
    return find_or_add(labels, hash.finish(), metadata);
  }
  // The same, for a caller that writes the label entries itself (with put_label_entry, in
  // sorted order, all with the same SeriesHash): `write(p, hash)` gets room for `bound` bytes at
  // p and returns the end of what it wrote.
  template <class Write>
  uint32_t series_written(size_t bound, uint32_t metadata, Write write) {
    arena_.extend(kHeaderRoom);
    const size_t offset = arena_.size();
    char* const start = arena_.room(bound);
    SeriesHash hash;
    char* const end = write(start, hash);
    arena_.commit(size_t(end - start));
    return find_or_add(Slice{uint32_t(offset), uint32_t(end - start)}, hash.finish(), metadata);
  }
  // Room one label entry may take besides its name and value (tags and five-byte lengths),
  // and, once per series, the padding the name-part copies may write beyond.
  static constexpr size_t kEntryOverhead = 18;
  // Writes the Label entry of `name` and `value` whose name part is `part` (see above) at p,
  // folding the value into `hash`; returns its end. Needs name + value + kEntryOverhead +
  // kNamePartPadding bytes of room.
  [[gnu::always_inline]] static char* put_label_entry(char* p, std::string_view name, const char* part,
                                                      std::string_view value, SeriesHash& hash) {
    const size_t name_size = name.size(), value_size = value.size();
    if (name_size + value_size + 4 < 128) [[likely]] {
      p[0] = char(kLabelEntryTag);
      p[1] = char(4 + name_size + value_size);
      // `0a N name 12`: N + 3 bytes, copied as 16 or 32 (the padding is overwritten next).
      if (name_size + 3 <= 16) {
        std::memcpy(p + 2, part, 16);
      } else if (name_size + 3 <= 32) {
        std::memcpy(p + 2, part, 32);
      } else {
        std::memcpy(p + 2, part, name_size + 3);
      }
      p += 5 + name_size;
      p[0] = char(value_size);
      return hash.put(p + 1, value);
    }
    hash.add(value);
    return put_long_label_entry(p, model::Label{name, value});
  }
  void add_sample(uint32_t series, double value, int64_t timestamp, int64_t start_timestamp = 0) {
    if (v1_in_place_) put_v1_sample(series, value, timestamp);
    Series& s = series_[series];
    if (series != last_series_ && s.samples > 0) samples_grouped_ = false;
    last_series_ = series;
    ++s.samples;
    samples_.push_back(SampleRecord{series, value, timestamp, start_timestamp});
    estimated_bytes_ += kSampleEstimate;
  }
  void add_exemplar(uint32_t series, std::span<const model::Label> sorted_labels, double value,
                    int64_t timestamp);
  // A native histogram; `gauge` sets the GAUGE reset hint (gauge histograms).
  void add_histogram(uint32_t series, const model::NativeHistogram& histogram, int64_t timestamp,
                     int64_t start_timestamp, bool gauge);
  // Index of the metadata of a family in this batch (one entry per family name).
  uint32_t add_metadata(const Metadata& metadata);

  bool empty() const { return series_.empty(); }
  size_t series_count() const { return series_.size(); }
  size_t sample_count() const { return samples_.size(); }
  size_t exemplar_count() const { return exemplars_.size(); }
  size_t histogram_count() const { return histograms_.size(); }
  // Roughly the size of the Remote-Write 1.0 encoding, for --max-bytes.
  size_t estimated_bytes() const { return estimated_bytes_; }

  std::string_view bytes(Slice s) const { return arena_.view().substr(s.offset, s.size); }
  // The batch's whole Remote-Write 1.0 body after finalize(), when the arena holds it as it is
  // (see put_v1_sample); empty otherwise.
  std::string_view v1_body() const {
    if (!v1_in_place_ || !v1_complete_ || arena_.size() != v1_end_) return {};
    return arena_.view().substr(v1_begin_, v1_end_ - v1_begin_);
  }
  // Whether to lay the 1.0 body out in place (from the next clear() on, or now while empty):
  // wasted work for batches sent with 2.0.
  void set_v1_body_in_place(bool on) {
    v1_wanted_ = on;
    if (empty()) v1_in_place_ = on;
  }
  // A WriteRequest.metadata entry (1.0): the size of its body, and the whole field written at p.
  static size_t metadata_v1_body_size(const Metadata& m);
  static char* put_metadata_v1(char* p, const Metadata& m);
  const std::vector<Series>& all_series() const { return series_; }
  // Groups samples, exemplars and histograms by series (in order of the series' first
  // appearance), each group in input order. Called before encoding.
  void finalize();
  const std::vector<SampleRecord>& samples() const { return samples_; }
  std::vector<SampleRecord>& mutable_samples() { return samples_; }
  const std::vector<ExemplarRecord>& exemplars() const { return exemplars_; }
  const std::vector<HistogramRecord>& histograms() const { return histograms_; }
  const std::vector<Metadata>& metadata() const { return metadata_; }

  void clear();

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  // The common batch (one sample per series, no exemplars, no histograms) is laid out in the
  // arena as its 1.0 body: each series' label entries are preceded by room for the TimeSeries
  // tag and length, and followed by its sample, both written when the sample comes. Anything
  // else ends that (v1_in_place_ = false) and the encoder assembles the body instead.
  // The room is 3 bytes (a length of 128..16383 bytes), or less, decided with the sample's
  // expected size (kSampleFieldGuess: a timestamp of this century).
  static constexpr size_t kHeaderRoom = 3;
  static constexpr size_t kSampleFieldGuess = 2 + 9 + 7;
  void put_v1_sample(uint32_t series, double value, int64_t timestamp) {
    const Series& s = series_[series];
    if (series != fresh_series_) {
      v1_in_place_ = false;  // a second sample, or one after another series was looked up
      return;
    }
    fresh_series_ = kNone;
    if (timestamp_size_ == 0 || uint64_t(timestamp) != timestamp_) encode_timestamp_field(uint64_t(timestamp));
    const size_t sample_body = wire::field_size_double() + timestamp_size_;
    const size_t body = s.labels.size + 2 + sample_body;
    // The room is 2 bytes (tag, a one-byte length) or 3 (a two-byte length).
    const bool two_byte_length = s.labels.offset - fresh_header_ == 3;
    if (two_byte_length ? body < 128 || body >= 16384 : body >= 128) {
      v1_in_place_ = false;  // the room guessed for the header does not fit
      return;
    }
    char* p = arena_.room(2 + wire::field_size_double() + sizeof timestamp_field_);
    p[0] = char(wire::tag(2, wire::kLengthDelimited));
    p[1] = char(sample_body);
    p = wire::put_field_double(p + 2, 1, value);
    std::memcpy(p, timestamp_field_, sizeof timestamp_field_);
    arena_.commit(2 + sample_body);
    char* header = arena_.data() + fresh_header_;
    header[0] = char(wire::tag(1, wire::kLengthDelimited));
    if (two_byte_length) {
      header[1] = char(body | 0x80);
      header[2] = char(body >> 7);
    } else {
      header[1] = char(body);
    }
  }
  void encode_timestamp_field(uint64_t timestamp);
  bool v1_wanted_ = true;
  bool v1_in_place_ = true;
  bool v1_complete_ = false;      // finalize() appended the metadata
  size_t v1_begin_ = 0;           // where the first series' header is
  size_t v1_end_ = 0;             // the end of the body (after finalize())
  uint32_t fresh_series_ = kNone;  // the last new series while it waits for its sample
  size_t fresh_header_ = 0;       // where its header goes
  uint64_t timestamp_ = 0;        // the last sample's timestamp and its encoded field
  size_t timestamp_size_ = 0;
  char timestamp_field_[16] = {};

  // Fixed cost of one sample in the 1.0 encoding: tag, length, value field, timestamp field.
  static constexpr size_t kSampleEstimate = 2 + 9 + 1 + 6;
  static constexpr uint8_t kLabelEntryTag = 0x0a;  // field 1, length-delimited
  static char* put_long_label_entry(char* p, const model::Label& l);
  Slice append_labels(std::span<const model::Label> labels, SeriesHash& hash);
  Slice append_labels(std::span<const model::Label> labels, const char* const* name_parts, SeriesHash& hash);
  uint32_t find_or_add(Slice labels, uint64_t hash, uint32_t metadata);
  void grow_table();

  ByteArena arena_;
  std::vector<Series> series_;
  std::vector<SampleRecord> samples_;
  bool samples_grouped_ = true;
  uint32_t last_series_ = UINT32_MAX;
  std::vector<ExemplarRecord> exemplars_;
  std::vector<HistogramRecord> histograms_;
  std::vector<Metadata> metadata_;
  std::unordered_map<std::string, uint32_t> metadata_index_;
  std::vector<uint32_t> table_;  // open addressing: series index + 1, 0 = empty
  size_t estimated_bytes_ = 0;
};

// Walks an encoded label list (views into `encoded`), label by label.
class LabelReader {
 public:
  explicit LabelReader(std::string_view encoded) : p_(encoded.data()), end_(p_ + encoded.size()) {}
  // The next label, or false at the end (or at bytes that are not a label entry).
  bool next(model::Label& label) {
    if (end_ - p_ >= 6 && p_[0] == kEntryTag && p_[2] == kEntryTag) {
      // What Batch writes for short entries: 0a L 0a N name 12 V value, L = N + V + 4 < 128.
      size_t entry = uint8_t(p_[1]), name = uint8_t(p_[3]);
      if (entry < 128 && name + 4 <= entry && size_t(end_ - p_) >= entry + 2 && p_[4 + name] == kValueTag &&
          uint8_t(p_[5 + name]) == entry - 4 - name) {
        label = model::Label{std::string_view(p_ + 4, name), std::string_view(p_ + 6 + name, entry - 4 - name)};
        p_ += 2 + entry;
        return true;
      }
    }
    return p_ < end_ && next_in_general(label);
  }

 private:
  static constexpr char kEntryTag = 0x0a;  // field 1, length-delimited
  static constexpr char kValueTag = 0x12;  // field 2, length-delimited
  bool next_in_general(model::Label& label);

  const char* p_;
  const char* end_;
};

// Decodes an encoded label list into views (into `encoded`), appended to out.
void decode_labels(std::string_view encoded, std::vector<model::Label>& out);

}  // namespace promotel::remotewrite

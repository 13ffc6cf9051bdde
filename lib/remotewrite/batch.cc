#include "remotewrite/batch.h"

#include <algorithm>
#include <bit>
#include <cstring>

// Inlined: SeriesHash's long values.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "remotewrite/wire.h"

namespace promotel::remotewrite {

namespace {

size_t label_entry_body_size(const model::Label& l) {
  return wire::field_size_bytes(l.name.size()) + wire::field_size_bytes(l.value.size());
}

}  // namespace

// A label entry whose lengths do not all fit one byte (rare).
char* Batch::put_long_label_entry(char* p, const model::Label& l) {
  p = wire::put_field_header(p, 1, label_entry_body_size(l));
  p = wire::put_field_bytes(p, 1, l.name);
  return wire::put_field_bytes(p, 2, l.value);
}

void ByteArena::grow(size_t need) {
  size_t capacity = std::max<size_t>({need, capacity_ * 2, 64 * 1024});
  auto data = std::make_unique_for_overwrite<char[]>(capacity);
  if (size_ > 0) std::memcpy(data.get(), data_.get(), size_);
  data_ = std::move(data);
  capacity_ = capacity;
}

Slice Batch::append_labels(std::span<const model::Label> labels, SeriesHash& hash) {
  // An entry takes at most 18 bytes besides its name and value (tags and five-byte lengths).
  size_t bound = 0;
  for (const auto& l : labels) bound += l.name.size() + l.value.size() + 18;
  size_t offset = arena_.size();
  char* const start = arena_.room(bound);
  char* p = start;
  for (const auto& l : labels) {
    size_t name = l.name.size(), value = l.value.size();
    if (name + value + 4 < 128) {  // usually: every length is one byte
      p[0] = char(wire::tag(1, wire::kLengthDelimited));
      p[1] = char(4 + name + value);
      p[2] = char(wire::tag(1, wire::kLengthDelimited));
      p[3] = char(name);
      p = wire::put_short_bytes(p + 4, l.name);
      p[0] = char(wire::tag(2, wire::kLengthDelimited));
      p[1] = char(value);
      p = hash.put(p + 2, l.value);
    } else {
      hash.add(l.value);
      p = put_long_label_entry(p, l);
    }
  }
  arena_.commit(size_t(p - start));
  return Slice{uint32_t(offset), uint32_t(p - start)};
}

Slice Batch::append_labels(std::span<const model::Label> labels, const char* const* name_parts, SeriesHash& hash) {
  size_t bound = kNamePartPadding;  // the name parts are copied in whole words
  for (const auto& l : labels) bound += l.name.size() + l.value.size() + kEntryOverhead;
  size_t offset = arena_.size();
  char* const start = arena_.room(bound);
  char* p = start;
  for (size_t k = 0; k < labels.size(); ++k) {
    // Read before the stores, which the compiler cannot tell apart from the labels.
    const model::Label l = labels[k];
    p = put_label_entry(p, l.name, name_parts[k], l.value, hash);
  }
  arena_.commit(size_t(p - start));
  return Slice{uint32_t(offset), uint32_t(p - start)};
}

void Batch::grow_table() {
  size_t size = table_.empty() ? 1024 : table_.size() * 2;
  table_.assign(size, 0);
  size_t mask = size - 1;
  for (uint32_t i = 0; i < series_.size(); ++i) {
    size_t slot = series_[i].hash & mask;
    while (table_[slot] != 0) slot = (slot + 1) & mask;
    table_[slot] = i + 1;
  }
}

uint64_t SeriesHash::long_value(const char* q, size_t n) { return XXH3_64bits(q, n); }

uint32_t Batch::series(std::span<const model::Label> sorted_labels, uint32_t metadata) {
  arena_.extend(kHeaderRoom);
  SeriesHash hash;
  const Slice labels = append_labels(sorted_labels, hash);
  return find_or_add(labels, hash.finish(), metadata);
}

// The series whose label bytes were just appended at `labels` (their SeriesHash is `hash`);
// they are dropped again if the series is known.
uint32_t Batch::find_or_add(Slice labels, uint64_t hash, uint32_t metadata) {
  std::string_view key = bytes(labels);
  if ((series_.size() + 1) * 2 > table_.size()) grow_table();
  size_t mask = table_.size() - 1;
  size_t slot = hash & mask;
  while (uint32_t entry = table_[slot]) {
    const Series& s = series_[entry - 1];
    if (s.hash == hash && bytes(s.labels) == key) {
      arena_.truncate(labels.offset - kHeaderRoom);  // already known: drop the copy
      return entry - 1;
    }
    slot = (slot + 1) & mask;
  }
  uint32_t index = uint32_t(series_.size());
  if (v1_in_place_) {
    const size_t header = labels.offset - kHeaderRoom;
    const size_t room = 1 + wire::varint_size(labels.size + kSampleFieldGuess);
    if (fresh_series_ != kNone || room > kHeaderRoom) {
      v1_in_place_ = false;  // a series without a sample, or a very long one
    } else {
      if (room < kHeaderRoom) {
        std::memmove(arena_.data() + header + room, arena_.data() + labels.offset, labels.size);
        labels.offset = uint32_t(header + room);
        arena_.truncate(labels.offset + labels.size);
      }
      if (index == 0) v1_begin_ = header;
      fresh_series_ = index;
      fresh_header_ = header;
    }
  }
  series_.push_back(Series{labels, hash, metadata, 0, 0});
  table_[slot] = index + 1;
  estimated_bytes_ += labels.size + 4;
  return index;
}

void Batch::encode_timestamp_field(uint64_t timestamp) {
  timestamp_ = timestamp;
  timestamp_size_ = size_t(wire::put_field_varint(timestamp_field_, 2, timestamp_) - timestamp_field_);
}

void Batch::add_exemplar(uint32_t series, std::span<const model::Label> sorted_labels,
                         double value, int64_t timestamp) {
  v1_in_place_ = false;
  SeriesHash unused;  // exemplar labels are not looked up
  Slice labels = append_labels(sorted_labels, unused);
  exemplars_.push_back(ExemplarRecord{series, labels, value, timestamp});
  estimated_bytes_ += labels.size + 24;
}

namespace {

size_t spans_size(uint32_t field, std::span<const model::BucketSpan> spans) {
  size_t n = 0;
  for (const auto& s : spans) {
    size_t body = wire::field_size_varint(wire::zigzag(s.offset)) + wire::field_size_varint(s.length);
    n += wire::field_size_bytes(body);
  }
  return n;
}

char* put_spans(char* p, uint32_t field, std::span<const model::BucketSpan> spans) {
  for (const auto& s : spans) {
    size_t body = wire::field_size_varint(wire::zigzag(s.offset)) + wire::field_size_varint(s.length);
    p = wire::put_field_header(p, field, body);
    p = wire::put_field_varint(p, 1, wire::zigzag(s.offset));
    p = wire::put_field_varint(p, 2, s.length);
  }
  return p;
}

size_t packed_sint_size(std::span<const int64_t> v) {
  size_t n = 0;
  for (int64_t x : v) n += wire::varint_size(wire::zigzag(x));
  return n;
}

}  // namespace

void Batch::add_histogram(uint32_t series, const model::NativeHistogram& h, int64_t timestamp,
                          int64_t start_timestamp, bool gauge) {
  size_t size = 0;
  size += h.is_float ? wire::field_size_double() : wire::field_size_varint(uint64_t(h.count));
  size += wire::field_size_double();  // sum
  size += wire::field_size_varint(wire::zigzag(h.schema));
  size += wire::field_size_double();  // zero threshold
  size += h.is_float ? wire::field_size_double() : wire::field_size_varint(uint64_t(h.zero_count));
  size += spans_size(8, h.negative_spans);
  size_t neg_deltas = packed_sint_size(h.negative_deltas);
  size_t pos_deltas = packed_sint_size(h.positive_deltas);
  if (!h.negative_deltas.empty()) size += wire::field_size_bytes(neg_deltas);
  if (!h.negative_counts.empty()) size += wire::field_size_bytes(8 * h.negative_counts.size());
  size += spans_size(11, h.positive_spans);
  if (!h.positive_deltas.empty()) size += wire::field_size_bytes(pos_deltas);
  if (!h.positive_counts.empty()) size += wire::field_size_bytes(8 * h.positive_counts.size());
  if (gauge) size += wire::field_size_varint(3);

  size_t offset = arena_.size();
  char* p = arena_.extend(size);
  if (h.is_float) {
    p = wire::put_field_double(p, 2, h.count);
  } else {
    p = wire::put_field_varint(p, 1, uint64_t(h.count));
  }
  p = wire::put_field_double(p, 3, h.sum);
  p = wire::put_field_varint(p, 4, wire::zigzag(h.schema));
  p = wire::put_field_double(p, 5, h.zero_threshold);
  if (h.is_float) {
    p = wire::put_field_double(p, 7, h.zero_count);
  } else {
    p = wire::put_field_varint(p, 6, uint64_t(h.zero_count));
  }
  p = put_spans(p, 8, h.negative_spans);
  if (!h.negative_deltas.empty()) {
    p = wire::put_field_header(p, 9, neg_deltas);
    for (int64_t d : h.negative_deltas) p = wire::put_varint(p, wire::zigzag(d));
  }
  if (!h.negative_counts.empty()) {
    p = wire::put_field_header(p, 10, 8 * h.negative_counts.size());
    for (double c : h.negative_counts) p = wire::put_double(p, c);
  }
  p = put_spans(p, 11, h.positive_spans);
  if (!h.positive_deltas.empty()) {
    p = wire::put_field_header(p, 12, pos_deltas);
    for (int64_t d : h.positive_deltas) p = wire::put_varint(p, wire::zigzag(d));
  }
  if (!h.positive_counts.empty()) {
    p = wire::put_field_header(p, 13, 8 * h.positive_counts.size());
    for (double c : h.positive_counts) p = wire::put_double(p, c);
  }
  if (gauge) p = wire::put_field_varint(p, 14, 3);

  v1_in_place_ = false;
  Series& s = series_[series];
  ++s.histograms;
  histograms_.push_back(HistogramRecord{series, Slice{uint32_t(offset), uint32_t(size)}, timestamp,
                                        start_timestamp});
  estimated_bytes_ += size + 16;
}

uint32_t Batch::add_metadata(const Metadata& metadata) {
  auto [it, inserted] = metadata_index_.try_emplace(metadata.family, uint32_t(metadata_.size()));
  if (!inserted) return it->second;
  if (v1_complete_) v1_in_place_ = false;  // after finalize(): the body in place lacks it
  metadata_.push_back(metadata);
  estimated_bytes_ += metadata.family.size() + metadata.help.size() + metadata.unit.size() + 12;
  return uint32_t(metadata_.size() - 1);
}

void Batch::finalize() {
  // Series indices follow first appearance; a stable sort keeps each series' input order.
  auto by_series = [](const auto& a, const auto& b) { return a.series < b.series; };
  if (!samples_grouped_) {
    std::stable_sort(samples_.begin(), samples_.end(), by_series);
    samples_grouped_ = true;
  }
  if (!std::is_sorted(exemplars_.begin(), exemplars_.end(), by_series)) {
    std::stable_sort(exemplars_.begin(), exemplars_.end(), by_series);
  }
  if (!std::is_sorted(histograms_.begin(), histograms_.end(), by_series)) {
    std::stable_sort(histograms_.begin(), histograms_.end(), by_series);
  }
  if (v1_in_place_ && !v1_complete_ && !series_.empty() && fresh_series_ == kNone) {
    // The TimeSeries are in place: the metadata entries complete the 1.0 body.
    size_t size = 0;
    for (const auto& m : metadata_) size += wire::field_size_bytes(metadata_v1_body_size(m));
    char* p = arena_.extend(size);
    for (const auto& m : metadata_) p = put_metadata_v1(p, m);
    v1_complete_ = true;
    v1_end_ = arena_.size();
  }
}

size_t Batch::metadata_v1_body_size(const Metadata& m) {
  size_t n = wire::field_size_varint(uint64_t(m.type)) + wire::field_size_bytes(m.family.size());
  if (!m.help.empty()) n += wire::field_size_bytes(m.help.size());
  if (!m.unit.empty()) n += wire::field_size_bytes(m.unit.size());
  return n;
}

char* Batch::put_metadata_v1(char* p, const Metadata& m) {
  p = wire::put_field_header(p, 3, metadata_v1_body_size(m));
  p = wire::put_field_varint(p, 1, uint64_t(m.type));
  p = wire::put_field_bytes(p, 2, m.family);
  if (!m.help.empty()) p = wire::put_field_bytes(p, 4, m.help);
  if (!m.unit.empty()) p = wire::put_field_bytes(p, 5, m.unit);
  return p;
}

void Batch::clear() {
  arena_.clear();
  v1_in_place_ = v1_wanted_;
  v1_complete_ = false;
  fresh_series_ = kNone;
  series_.clear();
  samples_.clear();
  samples_grouped_ = true;
  last_series_ = UINT32_MAX;
  exemplars_.clear();
  histograms_.clear();
  metadata_.clear();
  metadata_index_.clear();
  std::fill(table_.begin(), table_.end(), 0);
  estimated_bytes_ = 0;
}

bool LabelReader::next_in_general(model::Label& label) {
  wire::Reader r{p_, end_};
  uint64_t tag;
  std::string_view entry;
  if (!r.varint(tag) || !r.bytes(entry)) {
    p_ = end_;
    return false;
  }
  p_ = r.p;
  wire::Reader e{entry.data(), entry.data() + entry.size()};
  label = model::Label{};
  while (!e.done()) {
    uint64_t t;
    std::string_view s;
    if (!e.varint(t) || !e.bytes(s)) break;
    if ((t >> 3) == 1) label.name = s;
    if ((t >> 3) == 2) label.value = s;
  }
  return true;
}

void decode_labels(std::string_view encoded, std::vector<model::Label>& out) {
  LabelReader reader(encoded);
  for (model::Label l; reader.next(l);) out.push_back(l);
}

}  // namespace promotel::remotewrite

#include "remotewrite/encode.h"

#include <snappy.h>
// Inlined: symbols are short, and a call into the library costs more than hashing them.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "common/bytes.h"
#include "common/error.h"
#include "remotewrite/wire.h"

namespace promotel::remotewrite {

std::string_view content_type(Protocol protocol) {
  return protocol == Protocol::kV1 ? "application/x-protobuf"
                                   : "application/x-protobuf;proto=io.prometheus.write.v2.Request";
}

std::string_view version_header(Protocol protocol) {
  return protocol == Protocol::kV1 ? "0.1.0" : "2.0.0";
}

std::string_view to_string(Protocol protocol) { return protocol == Protocol::kV1 ? "1.0" : "2.0"; }

namespace {

using wire::field_size_bytes;
using wire::field_size_varint;

// Field 17 (Histogram.start_timestamp) needs a two-byte tag.
constexpr uint64_t kStartTimestampTag = 17 << 3 | wire::kVarint;

size_t sample_body_v1(const Batch::SampleRecord& s) {
  return wire::field_size_double() + field_size_varint(uint64_t(s.timestamp));
}

size_t exemplar_body_v1(const Batch& b, const Batch::ExemplarRecord& e) {
  return e.labels.size + wire::field_size_double() + field_size_varint(uint64_t(e.timestamp));
}

size_t histogram_body(const Batch::HistogramRecord& h, bool with_start) {
  size_t n = h.body.size + field_size_varint(uint64_t(h.timestamp));
  if (with_start && h.start_timestamp != 0) {
    n += wire::varint_size(kStartTimestampTag) + wire::varint_size(uint64_t(h.start_timestamp));
  }
  return n;
}

char* put_histogram(char* p, const Batch& b, uint32_t field, const Batch::HistogramRecord& h,
                    bool with_start) {
  p = wire::put_field_header(p, field, histogram_body(h, with_start));
  p = wire::put_bytes(p, b.bytes(h.body));
  p = wire::put_field_varint(p, 15, uint64_t(h.timestamp));
  if (with_start && h.start_timestamp != 0) {
    p = wire::put_varint(p, kStartTimestampTag);
    p = wire::put_varint(p, uint64_t(h.start_timestamp));
  }
  return p;
}

size_t metadata_body_v1(const Metadata& m) { return Batch::metadata_v1_body_size(m); }

// The samples of a request mostly share one timestamp (a scrape's, or the run's "now"): its
// varint field (tag and up to ten bytes) is encoded once and copied.
class TimestampField {
 public:
  explicit TimestampField(uint32_t field) : field_(field) {}
  char* put(char* p, uint64_t timestamp) {
    if (size_ == 0 || timestamp != timestamp_) {
      timestamp_ = timestamp;
      size_ = size_t(wire::put_field_varint(bytes_, field_, timestamp) - bytes_);
    }
    // 2..11 bytes (7 for timestamps of this century): overlapping word copies.
    if (size_ >= 8) {
      uint64_t head, tail;
      std::memcpy(&head, bytes_, 8);
      std::memcpy(&tail, bytes_ + size_ - 8, 8);
      std::memcpy(p, &head, 8);
      std::memcpy(p + size_ - 8, &tail, 8);
    } else if (size_ >= 4) {
      uint32_t head, tail;
      std::memcpy(&head, bytes_, 4);
      std::memcpy(&tail, bytes_ + size_ - 4, 4);
      std::memcpy(p, &head, 4);
      std::memcpy(p + size_ - 4, &tail, 4);
    } else {
      for (size_t i = 0; i < size_; ++i) p[i] = bytes_[i];
    }
    return p + size_;
  }

 private:
  uint32_t field_;
  uint64_t timestamp_ = 0;
  size_t size_ = 0;
  char bytes_[11];
};

// Walks the grouped records of a finalized batch series by series.
struct Cursor {
  size_t sample = 0, exemplar = 0, histogram = 0;
};

}  // namespace

std::string_view encode_v1_view(const Batch& b, std::string& scratch) {
  if (std::string_view body = b.v1_body(); !body.empty()) return body;
  encode_v1(b, scratch);
  return scratch;
}

void encode_v1(const Batch& b, std::string& out) {
  if (std::string_view body = b.v1_body(); !body.empty()) {
    out.assign(body);
    return;
  }
  const auto& series = b.all_series();
  const auto& samples = b.samples();
  const auto& exemplars = b.exemplars();
  const auto& histograms = b.histograms();

  // Pass 1: sizes of every TimeSeries body.
  std::vector<uint32_t> body_sizes(series.size());
  size_t total = 0;
  {
    Cursor c;
    for (uint32_t i = 0; i < series.size(); ++i) {
      size_t n = series[i].labels.size;
      for (; c.sample < samples.size() && samples[c.sample].series == i; ++c.sample) {
        n += field_size_bytes(sample_body_v1(samples[c.sample]));
      }
      for (; c.exemplar < exemplars.size() && exemplars[c.exemplar].series == i; ++c.exemplar) {
        n += field_size_bytes(exemplar_body_v1(b, exemplars[c.exemplar]));
      }
      for (; c.histogram < histograms.size() && histograms[c.histogram].series == i; ++c.histogram) {
        n += field_size_bytes(histogram_body(histograms[c.histogram], false));
      }
      body_sizes[i] = uint32_t(n);
      total += field_size_bytes(n);
    }
  }
  for (const auto& m : b.metadata()) total += field_size_bytes(metadata_body_v1(m));

  // Pass 2: write.
  out.resize(total);
  TimestampField timestamp_field(2);
  char* p = out.data();
  Cursor c;
  for (uint32_t i = 0; i < series.size(); ++i) {
    p = wire::put_field_header(p, 1, body_sizes[i]);
    p = wire::put_bytes(p, b.bytes(series[i].labels));
    for (; c.sample < samples.size() && samples[c.sample].series == i; ++c.sample) {
      const auto& s = samples[c.sample];
      p = wire::put_field_header(p, 2, sample_body_v1(s));
      p = wire::put_field_double(p, 1, s.value);
      p = timestamp_field.put(p, uint64_t(s.timestamp));
    }
    for (; c.exemplar < exemplars.size() && exemplars[c.exemplar].series == i; ++c.exemplar) {
      const auto& e = exemplars[c.exemplar];
      p = wire::put_field_header(p, 3, exemplar_body_v1(b, e));
      p = wire::put_bytes(p, b.bytes(e.labels));
      p = wire::put_field_double(p, 2, e.value);
      p = wire::put_field_varint(p, 3, uint64_t(e.timestamp));
    }
    for (; c.histogram < histograms.size() && histograms[c.histogram].series == i; ++c.histogram) {
      p = put_histogram(p, b, 4, histograms[c.histogram], false);
    }
  }
  for (const auto& m : b.metadata()) {
    p = Batch::put_metadata_v1(p, m);
  }
  if (p != out.data() + out.size()) throw Error("internal error: Remote-Write 1.0 size mismatch");
}

uint32_t V2Encoder::symbol(std::string_view s) {
  uint64_t hash = s.size() <= 16 ? short_hash(s.data(), s.size()) : XXH3_64bits(s.data(), s.size());
  size_t mask = table_.size() - 1;
  size_t slot = hash & mask;
  while (uint32_t entry = table_[slot]) {
    if (hashes_[entry - 1] == hash && same_bytes(symbols_[entry - 1], s)) return entry - 1;
    slot = (slot + 1) & mask;
  }
  uint32_t index = uint32_t(symbols_.size());
  symbols_.push_back(s);
  hashes_.push_back(hash);
  table_[slot] = index + 1;
  if (symbols_.size() * 2 > table_.size()) {  // grow and rehash
    table_.assign(table_.size() * 2, 0);
    mask = table_.size() - 1;
    for (uint32_t i = 0; i < symbols_.size(); ++i) {
      size_t k = hashes_[i] & mask;
      while (table_[k]) k = (k + 1) & mask;
      table_[k] = i + 1;
    }
  }
  return index;
}

void V2Encoder::encode(const Batch& b, std::string& out) {
  const auto& series = b.all_series();
  const auto& samples = b.samples();
  const auto& exemplars = b.exemplars();
  const auto& histograms = b.histograms();
  const auto& metadata = b.metadata();

  symbols_.clear();
  hashes_.clear();
  refs_.clear();
  table_.assign(std::max<size_t>(1024, std::bit_ceil(b.series_count() * 8)), 0);
  symbol("");  // symbols[0] MUST be the empty string

  // Symbol references: per series its label refs, per exemplar its label refs, per metadata
  // entry help and unit, all appended to refs_ in that order.
  // Consecutive series mostly share their label names and many values: a string equal to the
  // one at the same place in the previous series takes its reference without a lookup.
  // Each series' label refs are also written as packed varints at once (into packed_), so
  // that they are neither sized nor encoded again below.
  std::vector<uint32_t> series_refs(series.size() + 1);
  std::vector<uint32_t> series_refs_size(series.size());  // packed bytes
  std::vector<uint32_t> series_packed(series.size());     // offset in packed_
  size_t packed_used = 0;
  size_t previous_count = 0;  // labels in previous_labels_
  for (uint32_t i = 0; i < series.size(); ++i) {
    const uint32_t first = uint32_t(refs_.size());
    const uint32_t previous_first = i > 0 ? series_refs[i - 1] : 0;
    series_refs[i] = first;
    std::string_view encoded = b.bytes(series[i].labels);
    // An entry takes at least 6 bytes and gives two refs of at most 5 bytes each.
    if (packed_.size() < packed_used + 2 * encoded.size() + 16) {
      packed_.resize(std::max(packed_used + 2 * encoded.size() + 16, 2 * packed_.size()));
    }
    char* const packed_start = packed_.data() + packed_used;
    char* q = packed_start;
    LabelReader reader(encoded);
    size_t count = 0;
    for (;; ++count) {
      // The reader writes each label in place (no copy through a temporary).
      if (count == labels_.size()) labels_.resize(count + 1);
      const model::Label& l = labels_[count];
      if (!reader.next(labels_[count])) break;
      uint32_t name, value;
      if (count < previous_count) {
        const model::Label& before = previous_labels_[count];
        name = same_bytes(l.name, before.name) ? refs_[previous_first + 2 * count] : symbol(l.name);
        value = same_bytes(l.value, before.value) ? refs_[previous_first + 2 * count + 1] : symbol(l.value);
      } else {
        name = symbol(l.name);
        value = symbol(l.value);
      }
      refs_.push_back(name);
      refs_.push_back(value);
      q = wire::put_varint(q, name);
      q = wire::put_varint(q, value);
    }
    series_packed[i] = uint32_t(packed_used);
    series_refs_size[i] = uint32_t(q - packed_start);
    packed_used += size_t(q - packed_start);
    previous_count = count;
    std::swap(labels_, previous_labels_);
  }
  series_refs[series.size()] = uint32_t(refs_.size());
  std::vector<uint32_t> exemplar_refs(exemplars.size() + 1);
  for (size_t i = 0; i < exemplars.size(); ++i) {
    exemplar_refs[i] = uint32_t(refs_.size());
    labels_.clear();
    decode_labels(b.bytes(exemplars[i].labels), labels_);
    for (const auto& l : labels_) {
      refs_.push_back(symbol(l.name));
      refs_.push_back(symbol(l.value));
    }
  }
  exemplar_refs[exemplars.size()] = uint32_t(refs_.size());
  std::vector<std::pair<uint32_t, uint32_t>> metadata_refs;  // help, unit
  metadata_refs.reserve(metadata.size());
  for (const auto& m : metadata) metadata_refs.emplace_back(symbol(m.help), symbol(m.unit));

  auto packed_size = [&](uint32_t from, uint32_t to) {
    size_t n = 0;
    for (uint32_t k = from; k < to; ++k) n += wire::varint_size(refs_[k]);
    return n;
  };
  auto sample_body = [](const Batch::SampleRecord& s) {
    size_t n = wire::field_size_double() + field_size_varint(uint64_t(s.timestamp));
    if (s.start_timestamp != 0) n += field_size_varint(uint64_t(s.start_timestamp));
    return n;
  };
  auto exemplar_body = [&](size_t e) {
    size_t refs = packed_size(exemplar_refs[e], exemplar_refs[e + 1]);
    return (refs ? field_size_bytes(refs) : 0) + wire::field_size_double() +
           field_size_varint(uint64_t(exemplars[e].timestamp));
  };
  auto metadata_body = [&](uint32_t m) {
    if (m == Batch::kNoMetadata) return size_t(0);
    size_t n = 0;
    if (metadata[m].type != model::MetricType::kUnknown) n += field_size_varint(uint64_t(metadata[m].type));
    if (metadata_refs[m].first) n += field_size_varint(metadata_refs[m].first);
    if (metadata_refs[m].second) n += field_size_varint(metadata_refs[m].second);
    return n;
  };

  // A series with float samples and native histograms becomes two TimeSeries (2.0 forbids
  // mixing); exemplars go with the first.
  struct Part {
    uint32_t series;
    bool floats;  // samples (true) or histograms (false)
    bool with_exemplars;
    size_t first, last;  // record ranges
    size_t exemplar_first, exemplar_last;
    uint32_t body;
  };
  std::vector<Part> parts;
  parts.reserve(series.size());
  size_t total = 0;
  for (const auto& s : symbols_) total += field_size_bytes(s.size());
  Cursor c;
  for (uint32_t i = 0; i < series.size(); ++i) {
    size_t sf = c.sample, hf = c.histogram, ef = c.exemplar;
    while (c.sample < samples.size() && samples[c.sample].series == i) ++c.sample;
    while (c.histogram < histograms.size() && histograms[c.histogram].series == i) ++c.histogram;
    while (c.exemplar < exemplars.size() && exemplars[c.exemplar].series == i) ++c.exemplar;
    size_t label_refs = series_refs_size[i];
    size_t common = field_size_bytes(label_refs);
    size_t meta = metadata_body(series[i].metadata);
    if (series[i].metadata != Batch::kNoMetadata) common += field_size_bytes(meta);
    size_t exemplar_bytes = 0;
    for (size_t e = ef; e < c.exemplar; ++e) exemplar_bytes += field_size_bytes(exemplar_body(e));
    bool has_floats = c.sample > sf, has_histograms = c.histogram > hf;
    if (has_floats || !has_histograms) {
      size_t n = common + exemplar_bytes;
      for (size_t k = sf; k < c.sample; ++k) n += field_size_bytes(sample_body(samples[k]));
      parts.push_back(Part{i, true, true, sf, c.sample, ef, c.exemplar, uint32_t(n)});
      total += field_size_bytes(n);
    }
    if (has_histograms) {
      bool with_exemplars = !has_floats;
      size_t n = common + (with_exemplars ? exemplar_bytes : 0);
      for (size_t k = hf; k < c.histogram; ++k) n += field_size_bytes(histogram_body(histograms[k], true));
      parts.push_back(Part{i, false, with_exemplars, hf, c.histogram, ef, c.exemplar, uint32_t(n)});
      total += field_size_bytes(n);
    }
  }

  out.resize(total);
  char* p = out.data();
  TimestampField timestamp_field(2);
  for (const auto& s : symbols_) p = wire::put_short_bytes(wire::put_field_header(p, 4, s.size()), s);
  for (const auto& part : parts) {
    uint32_t i = part.series;
    p = wire::put_field_header(p, 5, part.body);
    p = wire::put_field_header(p, 1, series_refs_size[i]);
    p = wire::put_short_bytes(p, std::string_view(packed_.data() + series_packed[i], series_refs_size[i]));
    if (part.floats) {
      for (size_t k = part.first; k < part.last; ++k) {
        const auto& s = samples[k];
        p = wire::put_field_header(p, 2, sample_body(s));
        p = wire::put_field_double(p, 1, s.value);
        p = timestamp_field.put(p, uint64_t(s.timestamp));
        if (s.start_timestamp != 0) p = wire::put_field_varint(p, 3, uint64_t(s.start_timestamp));
      }
    } else {
      for (size_t k = part.first; k < part.last; ++k) p = put_histogram(p, b, 3, histograms[k], true);
    }
    if (part.with_exemplars) {
      for (size_t e = part.exemplar_first; e < part.exemplar_last; ++e) {
        p = wire::put_field_header(p, 4, exemplar_body(e));
        size_t refs = packed_size(exemplar_refs[e], exemplar_refs[e + 1]);
        if (refs) {
          p = wire::put_field_header(p, 1, refs);
          for (uint32_t k = exemplar_refs[e]; k < exemplar_refs[e + 1]; ++k) p = wire::put_varint(p, refs_[k]);
        }
        p = wire::put_field_double(p, 2, exemplars[e].value);
        p = wire::put_field_varint(p, 3, uint64_t(exemplars[e].timestamp));
      }
    }
    uint32_t m = series[i].metadata;
    if (m != Batch::kNoMetadata) {
      p = wire::put_field_header(p, 5, metadata_body(m));
      if (metadata[m].type != model::MetricType::kUnknown) p = wire::put_field_varint(p, 1, uint64_t(metadata[m].type));
      if (metadata_refs[m].first) p = wire::put_field_varint(p, 3, metadata_refs[m].first);
      if (metadata_refs[m].second) p = wire::put_field_varint(p, 4, metadata_refs[m].second);
    }
  }
  if (p != out.data() + out.size()) throw Error("internal error: Remote-Write 2.0 size mismatch");
}

EncodedRequest RequestEncoder::encode(const Batch& batch, Protocol protocol) {
  std::string_view protobuf;
  if (protocol == Protocol::kV1) {
    protobuf = encode_v1_view(batch, protobuf_);
  } else {
    v2_.encode(batch, protobuf_);
    protobuf = protobuf_;
  }
  return EncodedRequest{protobuf, snappy_compress_reusing(protobuf, compressed_)};
}

void snappy_compress(std::string_view data, std::string& out) {
  out.resize(snappy::MaxCompressedLength(data.size()));
  size_t n = 0;
  snappy::RawCompress(data.data(), data.size(), out.data(), &n);
  out.resize(n);
}

std::string_view snappy_compress_reusing(std::string_view data, std::string& buffer) {
  size_t max = snappy::MaxCompressedLength(data.size());
  if (buffer.size() < max) buffer.resize(std::max(max, buffer.size() * 2));
  size_t n = 0;
  snappy::RawCompress(data.data(), data.size(), buffer.data(), &n);
  return std::string_view(buffer.data(), n);
}

void snappy_uncompress(std::string_view data, std::string& out) {
  size_t n = 0;
  // Validate before allocating: the length header alone could ask for gigabytes.
  if (!snappy::GetUncompressedLength(data.data(), data.size(), &n) ||
      !snappy::IsValidCompressedBuffer(data.data(), data.size())) {
    throw Error("snappy: corrupt input (bad length header)");
  }
  out.resize(n);
  if (!snappy::RawUncompress(data.data(), data.size(), out.data())) {
    throw Error("snappy: corrupt input");
  }
}

}  // namespace promotel::remotewrite

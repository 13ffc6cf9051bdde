#pragma once

// The one metric model in the middle of promotel: exposition decoders (lib/exposition) produce
// it, the OTLP mapping (prom2otlp), the remote-write encoder (rwpush) and the exposition writer
// consume it.
//
// Everything here is a *view*: strings are std::string_view and lists are std::span pointing
// into buffers owned by the producer (a parser's input buffer or scratch space). A view is
// valid until the producer is advanced (e.g. the next TextParser::next() call); consumers copy
// what they need to keep. This is what lets the parsers run without an allocation per sample.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace promotel::model {

enum class MetricType : uint8_t {
  kUnknown,  // OpenMetrics "unknown", text 0.0.4 "untyped", or no TYPE line
  kCounter,
  kGauge,
  kHistogram,
  kGaugeHistogram,
  kSummary,
  kInfo,
  kStateSet,
};

// The OpenMetrics spelling: "unknown", "counter", "gauge", "histogram", "gaugehistogram",
// "summary", "info", "stateset".
std::string_view to_string(MetricType type);
// Parses a TYPE word of either format ("untyped" → kUnknown). Returns nullopt for anything else.
std::optional<MetricType> metric_type_from_string(std::string_view word);

struct Label {
  std::string_view name;
  std::string_view value;  // unescaped
};

using Labels = std::span<const Label>;

// Milliseconds since the Unix epoch, Prometheus' own resolution. OpenMetrics' float seconds are
// converted exactly (decimal digits, not via double) and truncated to ms.
using TimestampMs = int64_t;

struct Exemplar {
  Labels labels;
  double value = 0;
  std::optional<TimestampMs> timestamp;
};

// One sample line of an exposition (or one synthesised from a protobuf family): the full sample
// name including suffixes such as _total/_bucket/_count/_sum/_created/_gcount/_gsum/_info.
struct Sample {
  std::string_view name;
  Labels labels;  // in input order; never contains __name__
  double value = 0;
  std::optional<TimestampMs> timestamp;
  const Exemplar* exemplar = nullptr;  // nullptr when the line has none
  // Hints from the producer, so that consumers can skip work they would repeat; false means
  // "not known" and is always safe.
  // The label names (count, order and bytes) are those of the previous sample of the producer.
  bool repeats_label_names = false;
  // Every label value has been checked to be valid UTF-8.
  bool label_values_utf8 = false;
};

// Prometheus' staleness marker: a NaN with this exact bit pattern ("stale NaN").
inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;
bool is_stale_nan(double value);
double stale_nan();

// A native (exponential) histogram, as only the protobuf exposition carries it. Spans and
// deltas are as on the wire (Prometheus bucket index i covers (base^(i-1), base^i]).
struct BucketSpan {
  int32_t offset = 0;
  uint32_t length = 0;
};

struct NativeHistogram {
  Labels labels;
  std::optional<TimestampMs> timestamp;
  int32_t schema = 0;
  double zero_threshold = 0;
  bool is_float = false;  // counts below are absolute doubles (the *_count fields) when true
  double count = 0;
  double sum = 0;
  double zero_count = 0;
  std::span<const BucketSpan> positive_spans;
  std::span<const int64_t> positive_deltas;   // integer histograms
  std::span<const double> positive_counts;    // float histograms
  std::span<const BucketSpan> negative_spans;
  std::span<const int64_t> negative_deltas;
  std::span<const double> negative_counts;
  std::optional<double> created_seconds;  // created/start timestamp, seconds since epoch
  std::span<const Exemplar> exemplars;
};

}  // namespace promotel::model

#pragma once

// The delimited-protobuf exposition decoder: a stream of uvarint(length) || MetricFamily
// records (io.prometheus.client, spec §3) turned into the same entries as the text parsers.
//
// Per family: kHelp (if any), kType, kUnit (if any), then per metric:
//  * counter: "<name>" with "_total" appended unless the family name already ends in it
//    (with the exemplar), then "<name without _total>_created" (seconds) if a created timestamp
//    is set;
//  * gauge, untyped: "<name>";
//  * summary: "<name>{quantile=...}" per quantile, "<name>_sum", "<name>_count", "<name>_created";
//  * histogram / gauge histogram: kNativeHistogram if the message is a native histogram (any
//    span, or zero_threshold > 0, or a zero count > 0); then classic samples if it has classic
//    buckets or is not native: "<name>_bucket{le=...}" per bucket (with exemplars) plus a
//    synthesised le="+Inf" bucket if absent, "<name>_sum" and "<name>_count" (gauge
//    histograms: "_gsum"/"_gcount"), "<name>_created" (histograms only).
// The family name reported with metadata is the protobuf name unchanged. le and quantile
// values are printed like the text writer prints values (Go 'g' shortest, "+Inf").
// Float histograms (sample_count_float > 0) use the *_float fields.
//
// Positions: "line" is the 1-based record number, "column" the 1-based byte offset of the
// record in the stream. Records are read one at a time into a buffer that grows to the
// largest record (bounded memory for streams of any length).
//
// The wire format is decoded by hand (proto2 and proto3 encodings, packed or not), zero-copy:
// names, label values and HELP are views into the record buffer. The schema is
// proto/io/prometheus/client/metrics.proto.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "exposition/parser.h"

namespace promotel::exposition {

class ProtobufParser final : public Parser {
 public:
  ProtobufParser(Reader& input, ParseOptions options);
  ~ProtobufParser() override;

  Entry next() override;
  std::string_view metric_name() const override { return entry_ == Entry::kSample ? sample_.name : name_; }
  model::MetricType type() const override { return type_; }
  std::string_view help() const override { return text_; }
  std::string_view unit() const override { return text_; }
  const model::Sample& sample() const override { return sample_; }
  const model::NativeHistogram& native_histogram() const override { return native_; }
  SourcePosition position() const override;

 private:
  struct Timestamp {
    int64_t seconds = 0;
    int32_t nanos = 0;
  };
  struct ExemplarRef {
    size_t label_begin = 0, label_count = 0;
    double value = 0;
    std::optional<Timestamp> timestamp;
  };
  struct Bucket {
    uint64_t count = 0;
    double count_float = 0;
    double upper_bound = 0;
    int exemplar = -1;
  };
  // The current Metric, decoded.
  struct Metric {
    size_t label_count = 0;
    double value = 0;  // gauge / counter / untyped
    std::optional<int64_t> timestamp_ms;
    int exemplar = -1;  // counter
    std::optional<Timestamp> created;
    bool has_counter = false, has_summary = false, has_histogram = false;
    uint64_t count = 0;
    double count_float = 0;
    double sum = 0;
    int32_t schema = 0;
    double zero_threshold = 0;
    uint64_t zero_count = 0;
    double zero_count_float = 0;
  };

  bool read_record();
  bool fill(size_t wanted);
  bool produce();
  void decode_metric(std::string_view bytes);
  void decode_histogram(std::string_view bytes);
  void decode_summary(std::string_view bytes);
  int decode_exemplar(std::string_view bytes);
  void set_sample(std::string_view name, double value, std::string_view special = {},
                  std::string_view special_value = {});
  void set_exemplar(int index);
  void set_native();
  bool is_native() const;
  bool is_float() const { return metric_.count_float > 0; }
  [[noreturn]] void fail(const std::string& what) const;

  Reader& input_;
  ParseOptions options_;
  std::vector<char> buffer_;
  size_t begin_ = 0, end_ = 0;  // unconsumed bytes in buffer_
  bool input_done_ = false;
  uint64_t record_offset_ = 0;  // stream offset of the current record
  uint64_t consumed_ = 0;
  size_t record_number_ = 0;
  std::unordered_set<std::string> seen_families_;

  // The current family (views into buffer_, valid until the next record is read).
  std::string_view family_name_, family_help_, family_unit_;
  int family_type_ = 0;  // the protobuf enum value
  std::vector<std::string_view> metric_bytes_;
  std::string family_total_, family_bucket_, family_sum_, family_count_, family_created_;

  // Where the expansion of the current family stands.
  enum class Phase { kHelp, kType, kUnit, kMetricStart, kValue, kNative, kQuantiles, kBuckets,
                     kInfBucket, kSum, kCount, kCreated, kMetricEnd, kDone };
  Phase phase_ = Phase::kDone;
  size_t metric_index_ = 0;
  size_t index_ = 0;

  Metric metric_;
  std::vector<model::Label> metric_labels_;        // the metric's labels, then room for le/quantile
  std::vector<model::Label> exemplar_label_store_;  // labels of all exemplars of the metric
  std::vector<ExemplarRef> exemplar_refs_;
  std::vector<int> exemplar_native_;  // the native histogram's exemplars (into exemplar_refs_)
  std::vector<std::pair<double, double>> quantiles_;
  std::vector<Bucket> buckets_;
  std::vector<model::BucketSpan> positive_spans_, negative_spans_;
  std::vector<int64_t> positive_deltas_, negative_deltas_;
  std::vector<double> positive_counts_, negative_counts_;

  Entry entry_ = Entry::kEnd;
  std::string_view name_;
  std::string_view text_;
  model::MetricType type_ = model::MetricType::kUnknown;
  std::string special_value_;  // le / quantile of the current sample
  model::Sample sample_;
  model::Exemplar exemplar_;
  model::NativeHistogram native_;
  std::vector<model::Exemplar> native_exemplars_;
};

}  // namespace promotel::exposition

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

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "exposition/parser.h"

namespace io::prometheus::client {
class MetricFamily;
}

namespace promotel::exposition {

class ProtobufParser final : public Parser {
 public:
  ProtobufParser(Reader& input, ParseOptions options);
  ~ProtobufParser() override;

  Entry next() override;
  std::string_view metric_name() const override {
    return entry_kind_ == Entry::kSample ? sample_.name : std::string_view(name_);
  }
  model::MetricType type() const override { return type_; }
  std::string_view help() const override { return text_; }
  std::string_view unit() const override { return text_; }
  const model::Sample& sample() const override { return sample_; }
  const model::NativeHistogram& native_histogram() const override { return native_; }
  SourcePosition position() const override;

 private:
  bool read_record();
  bool fill(size_t wanted);
  bool produce();  // the next entry of the current family; false when it is exhausted
  void set_sample(std::string_view name, double value, std::string_view special = {},
                  std::string_view special_value = {});
  void set_exemplar(const void* exemplar);
  void set_native(const void* histogram);
  [[noreturn]] void fail(const std::string& what) const;

  Reader& input_;
  ParseOptions options_;
  std::vector<char> buffer_;
  size_t begin_ = 0, end_ = 0;  // unconsumed bytes in buffer_
  bool input_done_ = false;
  uint64_t record_offset_ = 0;  // stream offset of the current record
  uint64_t consumed_ = 0;
  size_t record_number_ = 0;

  std::unique_ptr<io::prometheus::client::MetricFamily> family_;
  std::unordered_set<std::string> seen_families_;
  // Where the expansion of the current family stands.
  enum class Phase { kHelp, kType, kUnit, kMetricStart, kValue, kNative, kQuantiles, kBuckets,
                     kInfBucket, kSum, kCount, kCreated, kMetricEnd, kDone };
  Phase phase_ = Phase::kDone;
  int metric_index_ = 0;
  int index_ = 0;
  // Sample names of the current family.
  std::string family_total_, family_bucket_, family_sum_, family_count_, family_created_;
  std::string special_value_;  // le / quantile of the current sample
  Entry entry_kind_ = Entry::kEnd;

  std::string name_;
  std::string text_;
  model::MetricType type_ = model::MetricType::kUnknown;
  model::Sample sample_;
  model::Exemplar exemplar_;
  std::vector<model::Label> labels_;
  std::vector<model::Label> exemplar_labels_;

  model::NativeHistogram native_;
  std::vector<model::Label> native_labels_;
  std::vector<model::BucketSpan> positive_spans_, negative_spans_;
  std::vector<int64_t> positive_deltas_, negative_deltas_;
  std::vector<double> positive_counts_, negative_counts_;
  std::vector<model::Exemplar> native_exemplars_;
  std::vector<model::Label> native_exemplar_labels_;
};

}  // namespace promotel::exposition

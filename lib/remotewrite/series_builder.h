#pragma once

// Turns the metric model (samples, native histograms and family metadata from a parser) into
// Remote-Write batches: the label set of every series is completed (`__name__`, --label
// pairs, `exported_*` renaming), validated, sorted; timestamps are filled in; batches are
// handed to a callback when they reach the series/byte limits.
//
// Label rules (spec 1.5): names must match [a-zA-Z_][a-zA-Z0-9_]* (metric names also allow
// ':'), names starting with "__" are reserved, no name may repeat, values must be UTF-8.
// Labels with an empty value are dropped (an empty value means "no such label" to every
// receiver and the specification forbids sending them).

#include <array>
#include <cassert>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "model/metric.h"
#include "remotewrite/batch.h"

namespace promotel::remotewrite {

struct BuilderOptions {
  std::vector<std::pair<std::string, std::string>> extra_labels;  // --label k=v
  bool honor_labels = false;  // input labels win over --label pairs instead of exported_*
  bool override_timestamps = false;  // --timestamp now: ignore the input's timestamps
  int64_t now_ms = 0;                // the run's "now": one timestamp for the whole run
  bool stale = false;  // send a stale marker instead of each value (ends the series)
  size_t max_series = 2000;         // series per batch
  size_t max_bytes = 3'000'000;     // approximate uncompressed bytes per batch
  int64_t future_tolerance_ms = 10 * 60 * 1000;
  bool validate_only = false;  // check and count, build no batches
  bool v1_body_in_place = true;  // Batch::set_v1_body_in_place (off when sending 2.0)
};

struct BuilderStats {
  uint64_t samples = 0;
  uint64_t exemplars = 0;
  uint64_t histograms = 0;
  uint64_t refused = 0;         // samples/histograms refused as invalid (--keep-going)
  uint64_t future_samples = 0;  // timestamps beyond now + future_tolerance_ms
  int64_t max_timestamp = INT64_MIN;
  uint64_t batches = 0;
};

// Checks --label pairs (name syntax, not reserved, no repeats); throws promotel::Error.
void validate_extra_labels(const std::vector<std::pair<std::string, std::string>>& labels);

bool is_valid_metric_name(std::string_view name);
bool is_valid_label_name(std::string_view name);

class SeriesBuilder {
 public:
  using FlushFn = std::function<void(Batch&)>;

  SeriesBuilder(BuilderOptions options, FlushFn flush);

  // Metadata lines. A line naming another family than the current one starts a new family.
  void type(std::string_view family, model::MetricType type);
  // HELP and UNIT text must be UTF-8 (Prometheus refuses it otherwise, and protobuf strings
  // must be): invalid text is not kept, and the reason is returned ("" when kept).
  std::string help(std::string_view family, std::string_view help);
  std::string unit(std::string_view family, std::string_view unit);

  struct Extras {
    int64_t start_ms = 0;  // start ("created") timestamp, sent in 2.0; 0 = none
    bool stale = false;    // a deliberate stale marker (OTLP NoRecordedValue)
  };
  // Adds one sample; returns "" or why it was refused (then nothing was added).
  std::string add(const model::Sample& sample, Extras extras);
  std::string add(const model::Sample& sample) { return add(sample, Extras{}); }
  // Adds a native histogram of the family `name`; returns "" or why it was refused.
  std::string add(std::string_view name, const model::NativeHistogram& histogram, bool stale = false);

  // A new input file begins: no family is current.
  void start_input();

  // Hands the last, partly filled batch to the callback.
  void finish();

  const BuilderStats& stats() const { return stats_; }

 private:
  // `sample_name` is last_valid_name_: the label rules passed it just before.
  uint32_t metadata_for(std::string_view sample_name, bool* gauge_histogram) {
    assert(sample_name == last_valid_name_);
    // Samples of one name mostly come in runs (a family's series, a histogram's buckets).
    if (metadata_cache_.valid) {
      if (gauge_histogram) *gauge_histogram = metadata_cache_.gauge_histogram;
      return metadata_cache_.index;
    }
    return metadata_for_new_name(sample_name, gauge_histogram);
  }
  uint32_t metadata_for_new_name(std::string_view sample_name, bool* gauge_histogram);
  uint32_t find_metadata(std::string_view sample_name, bool* gauge_histogram);
  // Builds labels_ for a series; returns "" or a reason.
  // `repeats_names` and `values_utf8` are the producer's hints (model::Sample).
  std::string series_labels(std::string_view name, model::Labels input, bool repeats_names, bool values_utf8);
  // series_labels' common case on its own: the producer's hint names the last layout, the
  // metric name is the last valid one and the values are UTF-8. False: call series_labels.
  bool hinted_labels(const model::Sample& sample);
  std::string exemplar_labels(model::Labels input);
  void make_room();
  void apply_created(int64_t start_ms);
  int64_t timestamp_of(const std::optional<model::TimestampMs>& ts);
  void flush();

  BuilderOptions options_;
  FlushFn flush_;
  Batch batch_;
  BuilderStats stats_;

  Metadata family_;           // the current family (from TYPE/HELP/UNIT lines)
  bool have_family_ = false;
  uint32_t family_index_ = Batch::kNoMetadata;  // its index in batch_, if added
  std::string unknown_name_;  // the last family-less sample name and its metadata index
  uint32_t unknown_index_ = Batch::kNoMetadata;
  // What metadata_for answered for last_valid_name_; dropped whenever that name, the family or
  // the batch changes.
  struct {
    bool valid = false;
    uint32_t index = Batch::kNoMetadata;
    bool gauge_histogram = false;
  } metadata_cache_;

  // What series_labels decided for a label-name layout: the input's names (and which values
  // were empty, as those labels are dropped) and, for each output label in sorted order, its
  // name and where its value comes from. Consecutive samples mostly share their layout, and
  // families alternate between a few (a histogram's buckets with `le`, then _sum and _count
  // without), so the last kLayouts layouts are kept: a sample whose names match one skips the
  // name checks, renaming and sorting.
  struct LabelLayout {
    static constexpr int32_t kMetricName = -1;  // the value is the metric name
    static constexpr int32_t kFixed = -2;       // the value is `value` (a --label pair)
    struct Output {
      std::string_view name;   // into names or renamed, or a --label/"__name__" string
      int32_t source;          // input label index, kMetricName or kFixed
      std::string_view value;  // kFixed only
      const char* name_part = nullptr;  // into name_parts
    };
    bool valid = false;
    std::string names;                // the input names, concatenated
    struct Input {
      uint32_t name_end;  // in `names`
      bool empty_value;
    };
    std::vector<Input> inputs;
    std::vector<Output> outputs;
    std::deque<std::string> renamed;  // storage for exported_* names
    // Per output label, its encoded name part for Batch::series (into name_parts, padded).
    std::string name_parts;
    std::vector<const char*> name_part_starts;
    // Room for the entries besides the metric name and the input's values.
    size_t fixed_bound = 0;
  };
  static constexpr size_t kLayouts = 4;
  static bool layout_matches(const LabelLayout& layout, model::Labels input);
  // Only the label count and which values are empty (the names are known to match).
  static bool empties_match(const LabelLayout& layout, model::Labels input);
  void remember_layout(LabelLayout& layout, model::Labels input, const std::vector<int32_t>& sources);

  // A sample of a known layout whose values need no check leaves labels_ unbuilt: the batch's
  // label entries are written straight from the layout and the input (batch_series()), and
  // labels_ is filled only if something else needs it (materialize_labels()).
  const LabelLayout* pending_layout_ = nullptr;
  model::Labels pending_input_;
  std::string_view pending_name_;
  void materialize_labels();
  uint32_t batch_series(uint32_t metadata);

  std::vector<model::Label> labels_;
  const char* const* name_parts_ = nullptr;  // labels_' encoded names (their layout's)
  std::vector<int32_t> label_sources_;  // per labels_ entry while a layout is worked out
  std::array<LabelLayout, kLayouts> layouts_;
  size_t last_layout_ = 0;   // the layout of the last sample, tried first
  size_t next_layout_ = 0;   // the one a new layout replaces (round robin)
  // last_layout_ is the layout of the sample the builder was given last, which is the
  // producer's previous sample (every sample of a parser reaches add()): only then may a
  // sample's repeats_label_names hint take it without comparing names.
  bool previous_sample_layout_ = false;
  std::vector<model::Label> exemplar_labels_;
  std::string last_valid_name_;      // the last metric name found valid
};

}  // namespace promotel::remotewrite

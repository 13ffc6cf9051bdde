#include "remotewrite/series_builder.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <bit>
#include <cmath>
#include <cstdio>

#include "common/bytes.h"
#include "common/error.h"
#include "common/utf8.h"
#include "remotewrite/wire.h"

namespace promotel::remotewrite {

namespace {

// Character classes of names: bit 1 may start a label name, bit 2 may continue one, bit 4 is
// ':' (metric names only).
constexpr auto kNameClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = 3;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = 3;
  t['_'] = 3;
  for (int c = '0'; c <= '9'; ++c) t[c] = 2;
  t[':'] = 4;
  return t;
}();

// Like std::string_view::compare (bytes as unsigned char), inline for short names.
int compare_names(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return uint8_t(a[i]) < uint8_t(b[i]) ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}


bool is_reserved(std::string_view name) { return name.size() >= 2 && name[0] == '_' && name[1] == '_'; }

// A parsed NaN becomes Prometheus' ordinary NaN, never the stale-marker pattern.
constexpr uint64_t kNormalNaNBits = 0x7ff8000000000001ULL;

double normalize(double v) { return std::isnan(v) ? std::bit_cast<double>(kNormalNaNBits) : v; }

bool suffix_belongs(model::MetricType type, std::string_view suffix) {
  using model::MetricType;
  switch (type) {
    case MetricType::kCounter: return suffix == "_total" || suffix == "_created";
    case MetricType::kHistogram:
      return suffix == "_bucket" || suffix == "_sum" || suffix == "_count" || suffix == "_created";
    case MetricType::kGaugeHistogram: return suffix == "_bucket" || suffix == "_gsum" || suffix == "_gcount";
    case MetricType::kSummary: return suffix == "_sum" || suffix == "_count" || suffix == "_created";
    case MetricType::kInfo: return suffix == "_info";
    default: return false;
  }
}

// What Prometheus' ValidateHistogram checks (it answers 500 otherwise, which a sender would
// retry in vain): spans cover exactly the buckets given, no bucket count is negative, and an
// integer histogram's count covers its buckets.
std::string check_side(const char* side, std::span<const model::BucketSpan> spans,
                       std::span<const int64_t> deltas, std::span<const double> counts, bool is_float,
                       double& total) {
  uint64_t covered = 0;
  for (const auto& s : spans) covered += s.length;
  size_t given = is_float ? counts.size() : deltas.size();
  if (covered != given) {
    return std::string(side) + " spans cover " + std::to_string(covered) + " buckets but " +
           std::to_string(given) + " are given";
  }
  int64_t running = 0;
  for (size_t i = 0; i < given; ++i) {
    double count;
    if (is_float) {
      count = counts[i];
    } else {
      running += deltas[i];
      count = double(running);
    }
    if (count < 0) {
      char number[32];
      std::snprintf(number, sizeof number, "%g", count);
      return std::string(side) + " bucket " + std::to_string(i + 1) + " has a negative count (" + number + ")";
    }
    total += count;
  }
  return {};
}

std::string check_histogram(const model::NativeHistogram& h) {
  double total = h.zero_count;
  if (h.zero_count < 0) return "negative zero-bucket count";
  if (std::string why = check_side("negative", h.negative_spans, h.negative_deltas, h.negative_counts,
                                   h.is_float, total);
      !why.empty()) {
    return why;
  }
  if (std::string why = check_side("positive", h.positive_spans, h.positive_deltas, h.positive_counts,
                                   h.is_float, total);
      !why.empty()) {
    return why;
  }
  if (!h.is_float && h.count < total) {
    return "count " + std::to_string(uint64_t(h.count)) + " is less than the " +
           std::to_string(uint64_t(total)) + " observations in the buckets";
  }
  return {};
}

}  // namespace

bool is_valid_metric_name(std::string_view name) {
  if (name.empty() || !(kNameClass[uint8_t(name[0])] & 5)) return false;
  for (char c : name) {
    if (!(kNameClass[uint8_t(c)] & 6)) return false;
  }
  return true;
}

bool is_valid_label_name(std::string_view name) {
  if (name.empty() || !(kNameClass[uint8_t(name[0])] & 1)) return false;
  for (char c : name) {
    if (!(kNameClass[uint8_t(c)] & 2)) return false;
  }
  return true;
}


void validate_extra_labels(const std::vector<std::pair<std::string, std::string>>& labels) {
  for (size_t i = 0; i < labels.size(); ++i) {
    const auto& [name, value] = labels[i];
    if (!is_valid_label_name(name)) throw Error("--label: invalid label name \"" + name + "\"");
    if (is_reserved(name)) throw Error("--label: label name \"" + name + "\" is reserved");
    if (value.empty()) throw Error("--label: label \"" + name + "\" has an empty value");
    if (!is_valid_utf8(value)) throw Error("--label: value of \"" + name + "\" is not UTF-8");
    for (size_t j = 0; j < i; ++j) {
      if (labels[j].first == name) throw Error("--label: label \"" + name + "\" given twice");
    }
  }
}

SeriesBuilder::SeriesBuilder(BuilderOptions options, FlushFn flush)
    : options_(std::move(options)), flush_(std::move(flush)) {
  batch_.set_v1_body_in_place(options_.v1_body_in_place);
}

void SeriesBuilder::type(std::string_view family, model::MetricType type) {
  if (!have_family_ || family_.family != family) {
    family_ = Metadata{std::string(family), type, {}, {}};
    have_family_ = true;
    family_index_ = Batch::kNoMetadata;
  } else {
    family_.type = type;
    family_index_ = Batch::kNoMetadata;
  }
  metadata_cache_.valid = false;
}

std::string SeriesBuilder::help(std::string_view family, std::string_view help) {
  if (!is_valid_utf8(help)) return "invalid UTF-8 in the HELP text of \"" + std::string(family) + "\"";
  if (!have_family_ || family_.family != family) {
    family_ = Metadata{std::string(family), model::MetricType::kUnknown, std::string(help), {}};
    have_family_ = true;
  } else {
    family_.help = help;
  }
  family_index_ = Batch::kNoMetadata;
  metadata_cache_.valid = false;
  return {};
}

std::string SeriesBuilder::unit(std::string_view family, std::string_view unit) {
  if (!is_valid_utf8(unit)) return "invalid UTF-8 in the UNIT of \"" + std::string(family) + "\"";
  if (!have_family_ || family_.family != family) {
    family_ = Metadata{std::string(family), model::MetricType::kUnknown, {}, std::string(unit)};
    have_family_ = true;
  } else {
    family_.unit = unit;
  }
  family_index_ = Batch::kNoMetadata;
  metadata_cache_.valid = false;
  return {};
}

uint32_t SeriesBuilder::metadata_for_new_name(std::string_view name, bool* gauge_histogram) {
  bool gauge = false;
  uint32_t index = find_metadata(name, &gauge);
  metadata_cache_.index = index;
  metadata_cache_.gauge_histogram = gauge;
  metadata_cache_.valid = true;
  if (gauge_histogram) *gauge_histogram = gauge;
  return index;
}

uint32_t SeriesBuilder::find_metadata(std::string_view name, bool* gauge_histogram) {
  if (have_family_ &&
      (same_bytes(name, family_.family) ||
       (name.starts_with(family_.family) &&
        suffix_belongs(family_.type, name.substr(family_.family.size()))))) {
    if (gauge_histogram) *gauge_histogram = family_.type == model::MetricType::kGaugeHistogram;
    if (family_index_ == Batch::kNoMetadata) family_index_ = batch_.add_metadata(family_);
    return family_index_;
  }
  if (gauge_histogram) *gauge_histogram = false;
  if (unknown_index_ == Batch::kNoMetadata || unknown_name_ != name) {
    unknown_name_ = name;
    unknown_index_ = batch_.add_metadata(Metadata{std::string(name), model::MetricType::kUnknown, {}, {}});
  }
  return unknown_index_;
}

bool SeriesBuilder::layout_matches(const LabelLayout& layout, model::Labels input) {
  if (!layout.valid || input.size() != layout.inputs.size()) return false;
  const char* names = layout.names.data();
  uint32_t start = 0;
  for (size_t i = 0; i < input.size(); ++i) {
    const auto& l = input[i];
    const auto& cached = layout.inputs[i];
    if (l.name.size() != cached.name_end - start || l.value.empty() != cached.empty_value ||
        !same_bytes(l.name.data(), names + start, l.name.size())) {
      return false;
    }
    start = cached.name_end;
  }
  return true;
}

void SeriesBuilder::remember_layout(LabelLayout& layout, model::Labels input, const std::vector<int32_t>& sources) {
  layout.names.clear();
  layout.inputs.clear();
  for (const auto& l : input) {
    layout.names += l.name;
    layout.inputs.push_back(LabelLayout::Input{uint32_t(layout.names.size()), l.value.empty()});
  }
  layout.outputs.clear();
  for (size_t k = 0; k < labels_.size(); ++k) {
    int32_t source = sources[k];
    std::string_view name = labels_[k].name;
    if (source >= 0 && name.data() == input[source].name.data()) {
      // Not renamed: the same bytes, kept in `names` (the input's own views move on).
      uint32_t start = source == 0 ? 0 : layout.inputs[source - 1].name_end;
      name = std::string_view(layout.names).substr(start, name.size());
    }
    layout.outputs.push_back(LabelLayout::Output{name, source, source == LabelLayout::kFixed ? labels_[k].value : ""});
  }
  // What Batch writes before each value: `0a <name length> name 12` (a name of 125 bytes or
  // more makes its entry too long for Batch to use the part).
  layout.name_parts.clear();
  std::vector<size_t> part_offsets;
  for (const auto& o : layout.outputs) {
    part_offsets.push_back(layout.name_parts.size());
    layout.name_parts += char(wire::tag(1, wire::kLengthDelimited));
    layout.name_parts += char(o.name.size() & 0x7f);
    layout.name_parts += o.name;
    layout.name_parts += char(wire::tag(2, wire::kLengthDelimited));
  }
  layout.name_parts.append(Batch::kNamePartPadding, '\0');
  layout.name_part_starts.clear();
  for (size_t offset : part_offsets) layout.name_part_starts.push_back(layout.name_parts.data() + offset);
  layout.fixed_bound = Batch::kNamePartPadding;
  for (size_t k = 0; k < layout.outputs.size(); ++k) {
    auto& o = layout.outputs[k];
    o.name_part = layout.name_part_starts[k];
    layout.fixed_bound += o.name.size() + o.value.size() + Batch::kEntryOverhead;
  }
  layout.valid = true;
}

bool SeriesBuilder::empties_match(const LabelLayout& layout, model::Labels input) {
  if (!layout.valid || input.size() != layout.inputs.size()) return false;
  for (size_t i = 0; i < input.size(); ++i) {
    if (input[i].value.empty() != layout.inputs[i].empty_value) return false;
  }
  return true;
}

std::string SeriesBuilder::series_labels(std::string_view name, model::Labels input, bool repeats_names,
                                         bool values_utf8) {
  pending_layout_ = nullptr;
  // Consecutive samples mostly share their metric name: check each name once.
  if (name.empty() || !same_bytes(name, last_valid_name_)) {
    if (!is_valid_metric_name(name)) {
      previous_sample_layout_ = false;
      return "invalid metric name \"" + std::string(name) + "\"";
    }
    last_valid_name_.assign(name);
    metadata_cache_.valid = false;  // it answered for the previous name
  }
  auto check_values = [&]() -> std::string {
    for (const auto& l : labels_) {
      if (!is_ascii(l.value) && !is_valid_utf8(l.value)) {
        return "invalid UTF-8 in the value of label \"" + std::string(l.name) + "\"";
      }
    }
    return {};
  };
  // The producer's hint is trusted only while the builder's last layout is that of the
  // producer's previous sample (see previous_sample_layout_); the emptiness of values is not
  // part of the hint and is checked still.
  const bool hinted = repeats_names && previous_sample_layout_;
  previous_sample_layout_ = false;
  const LabelLayout* known = nullptr;
  if (hinted && empties_match(layouts_[last_layout_], input)) {
    known = &layouts_[last_layout_];
  } else if (layout_matches(layouts_[last_layout_], input)) {
    known = &layouts_[last_layout_];
  } else {
    for (size_t i = 0; i < kLayouts; ++i) {
      if (i != last_layout_ && layout_matches(layouts_[i], input)) {
        last_layout_ = i;
        known = &layouts_[i];
        break;
      }
    }
  }
  if (known) {
    // The names were checked, renamed and sorted for this layout already; only values change.
    name_parts_ = known->name_part_starts.data();
    previous_sample_layout_ = true;
    pending_layout_ = known;
    pending_input_ = input;
    pending_name_ = name;
    if (values_utf8) return {};
    bool ascii = true;  // the metric name and --label values are known to be valid
    for (const auto& o : known->outputs) {
      if (o.source >= 0) ascii &= is_ascii(input[o.source].value);
    }
    if (ascii) return {};
    materialize_labels();
    return check_values();
  }

  // A new layout replaces the oldest one (its names may point into its renamed strings).
  LabelLayout& layout = layouts_[next_layout_];
  layout.valid = false;
  layout.renamed.clear();
  labels_.clear();
  label_sources_.clear();
  labels_.push_back(model::Label{"__name__", name});
  label_sources_.push_back(LabelLayout::kMetricName);
  for (size_t i = 0; i < input.size(); ++i) {
    const auto& l = input[i];
    if (!is_valid_label_name(l.name)) return "invalid label name \"" + std::string(l.name) + "\"";
    if (is_reserved(l.name)) return "reserved label name \"" + std::string(l.name) + "\"";
    if (l.value.empty()) continue;
    labels_.push_back(l);
    label_sources_.push_back(int32_t(i));
  }
  for (const auto& [k, v] : options_.extra_labels) {
    auto clash = std::find_if(labels_.begin() + 1, labels_.end(),
                              [&k = k](const model::Label& l) { return l.name == k; });
    if (clash != labels_.end()) {
      if (options_.honor_labels) continue;
      // Like Prometheus with honor_labels: false, the input's label becomes exported_<name>
      // (prefixed again as long as that clashes too).
      std::string renamed = "exported_" + std::string(clash->name);
      auto taken = [&](std::string_view n) {
        for (const auto& l : labels_) {
          if (l.name == n) return true;
        }
        for (const auto& e : options_.extra_labels) {
          if (e.first == n) return true;
        }
        return false;
      };
      while (taken(renamed)) renamed = "exported_" + renamed;
      layout.renamed.push_back(std::move(renamed));
      clash->name = layout.renamed.back();
    }
    labels_.push_back(model::Label{k, v});
    label_sources_.push_back(LabelLayout::kFixed);
  }
  // Most inputs give their labels sorted already: check that first; otherwise (or on a
  // repeated name) an insertion sort, label sets being small.
  bool sorted = true;
  for (size_t i = 1; i < labels_.size() && sorted; ++i) {
    sorted = compare_names(labels_[i - 1].name, labels_[i].name) < 0;
  }
  if (!sorted) {
    for (size_t i = 1; i < labels_.size(); ++i) {
      model::Label l = labels_[i];
      int32_t source = label_sources_[i];
      size_t j = i;
      for (; j > 0 && compare_names(l.name, labels_[j - 1].name) < 0; --j) {
        labels_[j] = labels_[j - 1];
        label_sources_[j] = label_sources_[j - 1];
      }
      labels_[j] = l;
      label_sources_[j] = source;
    }
    for (size_t i = 1; i < labels_.size(); ++i) {
      if (labels_[i].name == labels_[i - 1].name) {
        return "duplicate label name \"" + std::string(labels_[i].name) + "\"";
      }
    }
  }
  remember_layout(layout, input, label_sources_);
  name_parts_ = layout.name_part_starts.data();
  last_layout_ = next_layout_;
  next_layout_ = (next_layout_ + 1) % kLayouts;
  previous_sample_layout_ = true;
  return values_utf8 ? std::string() : check_values();
}

void SeriesBuilder::materialize_labels() {
  if (!pending_layout_) return;
  const auto& outputs = pending_layout_->outputs;
  labels_.resize(outputs.size());
  for (size_t k = 0; k < outputs.size(); ++k) {
    const auto& o = outputs[k];
    std::string_view value = o.source >= 0                          ? pending_input_[o.source].value
                             : o.source == LabelLayout::kMetricName ? pending_name_
                                                                    : o.value;
    labels_[k] = model::Label{o.name, value};
  }
  pending_layout_ = nullptr;
}

uint32_t SeriesBuilder::batch_series(uint32_t metadata) {
  if (!pending_layout_) return batch_.series(labels_, name_parts_, metadata);
  const LabelLayout& layout = *pending_layout_;
  const model::Labels input = pending_input_;
  const std::string_view name = pending_name_;
  size_t bound = layout.fixed_bound + name.size();
  for (const auto& l : input) bound += l.value.size();  // those dropped too: a bound
  return batch_.series_written(bound, metadata, [&](char* p, SeriesHash& hash) {
    for (const auto& o : layout.outputs) {
      std::string_view value = o.source >= 0                          ? input[o.source].value
                               : o.source == LabelLayout::kMetricName ? name
                                                                      : o.value;
      p = Batch::put_label_entry(p, o.name, o.name_part, value, hash);
    }
    return p;
  });
}

std::string SeriesBuilder::exemplar_labels(model::Labels input) {
  exemplar_labels_.clear();
  for (const auto& l : input) {
    if (!is_valid_label_name(l.name)) return "invalid exemplar label name \"" + std::string(l.name) + "\"";
    if (!is_valid_utf8(l.value)) return "invalid UTF-8 in the value of exemplar label \"" + std::string(l.name) + "\"";
    if (l.value.empty()) continue;
    exemplar_labels_.push_back(l);
  }
  std::sort(exemplar_labels_.begin(), exemplar_labels_.end(),
            [](const model::Label& a, const model::Label& b) { return a.name < b.name; });
  for (size_t i = 1; i < exemplar_labels_.size(); ++i) {
    if (exemplar_labels_[i].name == exemplar_labels_[i - 1].name) {
      return "duplicate exemplar label name \"" + std::string(exemplar_labels_[i].name) + "\"";
    }
  }
  return {};
}

int64_t SeriesBuilder::timestamp_of(const std::optional<model::TimestampMs>& ts) {
  int64_t t = ts && !options_.override_timestamps ? *ts : options_.now_ms;
  if (options_.stale && ts && !options_.override_timestamps) ++t;  // just after the last value
  if (t > options_.now_ms + options_.future_tolerance_ms) ++stats_.future_samples;
  stats_.max_timestamp = std::max(stats_.max_timestamp, t);
  return t;
}

// An OpenMetrics (or protobuf) "<family>_created" sample follows the samples of its label set:
// walk back over them and give them that start timestamp (sent in 2.0; 1.0 has no field for
// it). The _created series itself is sent too. Samples already flushed in an earlier batch
// keep no start timestamp.
void SeriesBuilder::apply_created(int64_t start_ms) {
  using model::MetricType;
  if (family_.type != MetricType::kCounter && family_.type != MetricType::kHistogram &&
      family_.type != MetricType::kSummary) {
    return;
  }
  materialize_labels();
  auto& samples = batch_.mutable_samples();
  std::vector<model::Label> decoded;
  auto rest_matches = [&](const std::vector<model::Label>& series) {
    size_t j = 0;
    for (const auto& l : series) {
      if (l.name == "__name__" || l.name == "le" || l.name == "quantile") continue;
      while (j < labels_.size() && labels_[j].name == "__name__") ++j;
      if (j >= labels_.size() || labels_[j].name != l.name || labels_[j].value != l.value) return false;
      ++j;
    }
    while (j < labels_.size() && labels_[j].name == "__name__") ++j;
    return j == labels_.size();
  };
  // The last sample is the _created one itself.
  for (size_t i = samples.size() - 1, walked = 0; i-- > 0 && walked < 4096; ++walked) {
    decoded.clear();
    decode_labels(batch_.bytes(batch_.all_series()[samples[i].series].labels), decoded);
    std::string_view name;
    for (const auto& l : decoded) {
      if (l.name == "__name__") name = l.value;
    }
    if (!name.starts_with(family_.family)) break;
    std::string_view suffix = name.substr(family_.family.size());
    if (!(suffix.empty() || suffix == "_total" || suffix == "_bucket" || suffix == "_sum" || suffix == "_count")) break;
    if (!rest_matches(decoded)) break;
    if (samples[i].start_timestamp == 0) samples[i].start_timestamp = start_ms;
  }
}

void SeriesBuilder::make_room() {
  if (batch_.series_count() >= options_.max_series || batch_.estimated_bytes() >= options_.max_bytes) {
    flush();
  }
}

bool SeriesBuilder::hinted_labels(const model::Sample& sample) {
  if (!(sample.repeats_label_names && sample.label_values_utf8 && previous_sample_layout_)) return false;
  const LabelLayout& layout = layouts_[last_layout_];
  const model::Labels input = sample.labels;
  if (!layout.valid || input.size() != layout.inputs.size() || sample.name.empty() ||
      !same_bytes(sample.name, last_valid_name_)) {
    return false;
  }
  bool empties_match = true;
  for (size_t i = 0; i < input.size(); ++i) empties_match &= input[i].value.empty() == layout.inputs[i].empty_value;
  if (!empties_match) return false;
  name_parts_ = layout.name_part_starts.data();
  pending_layout_ = &layout;
  pending_input_ = input;
  pending_name_ = sample.name;
  return true;
}

std::string SeriesBuilder::add(const model::Sample& sample, Extras extras) {
  if (hinted_labels(sample)) {
    // As series_labels would have decided, for less.
  } else if (std::string why = series_labels(sample.name, sample.labels, sample.repeats_label_names,
                                             sample.label_values_utf8);
             !why.empty()) {
    ++stats_.refused;
    return why;
  }
  if (sample.exemplar) {
    if (std::string why = exemplar_labels(sample.exemplar->labels); !why.empty()) {
      ++stats_.refused;
      return why;
    }
  }
  int64_t ts = timestamp_of(sample.timestamp);
  if (options_.validate_only) {
    ++stats_.samples;
    if (sample.exemplar) ++stats_.exemplars;
    return {};
  }
  make_room();
  uint32_t meta = metadata_for(sample.name, nullptr);
  // Counted before the batch's own counters change: the compiler would otherwise add this
  // one and the adjacent Batch::estimated_bytes_ as one 16-byte load, which stalls on the
  // 8-byte store find_or_add just made to the latter.
  ++stats_.samples;
  uint32_t series = batch_series(meta);
  double value = options_.stale || extras.stale ? model::stale_nan() : normalize(sample.value);
  batch_.add_sample(series, value, ts, extras.start_ms);
  if (have_family_ && family_.family.size() + 8 == sample.name.size() && sample.name.ends_with("_created") &&
      sample.name.starts_with(family_.family) && std::isfinite(sample.value)) {
    int64_t start = std::llround(sample.value * 1000);
    apply_created(start == 0 ? 1 : start);
  }
  if (sample.exemplar && !options_.stale) {
    const auto& e = *sample.exemplar;
    int64_t ets = e.timestamp && !options_.override_timestamps ? *e.timestamp : ts;
    batch_.add_exemplar(series, exemplar_labels_, normalize(e.value), ets);
    ++stats_.exemplars;
  }
  return {};
}

std::string SeriesBuilder::add(std::string_view name, const model::NativeHistogram& h, bool stale) {
  // Histograms are not samples of the producer's sample sequence: the next sample's hint
  // cannot refer to this layout.
  std::string why_labels = series_labels(name, h.labels, false, false);
  previous_sample_layout_ = false;
  if (std::string why = std::move(why_labels); !why.empty()) {
    ++stats_.refused;
    return why;
  }
  if (std::string why = check_histogram(h); !why.empty()) {
    ++stats_.refused;
    return "invalid native histogram: " + why;
  }
  for (const auto& e : h.exemplars) {
    if (std::string why = exemplar_labels(e.labels); !why.empty()) {
      ++stats_.refused;
      return why;
    }
  }
  int64_t ts = timestamp_of(h.timestamp);
  if (options_.validate_only) {
    ++stats_.histograms;
    return {};
  }
  make_room();
  bool gauge = false;
  uint32_t meta = metadata_for(name, &gauge);
  uint32_t series = batch_series(meta);
  int64_t start = 0;
  if (h.created_seconds) {
    start = int64_t(std::llround(*h.created_seconds * 1000));
    if (start == 0) start = 1;  // 0 means "unset" in 2.0; a real epoch start is sent as 1
  }
  if (options_.stale || stale) {
    // A stale histogram is a float stale marker on the series (what Prometheus sends too).
    batch_.add_sample(series, model::stale_nan(), ts);
    ++stats_.samples;
    return {};
  }
  batch_.add_histogram(series, h, ts, start, gauge);
  ++stats_.histograms;
  for (const auto& e : h.exemplars) {
    exemplar_labels(e.labels);  // checked above
    batch_.add_exemplar(series, exemplar_labels_, normalize(e.value), e.timestamp.value_or(ts));
    ++stats_.exemplars;
  }
  return {};
}

void SeriesBuilder::flush() {
  if (batch_.empty()) return;
  batch_.finalize();
  ++stats_.batches;
  flush_(batch_);
  batch_.clear();
  family_index_ = Batch::kNoMetadata;
  unknown_index_ = Batch::kNoMetadata;
  metadata_cache_.valid = false;
}

void SeriesBuilder::finish() { flush(); }

void SeriesBuilder::start_input() {
  previous_sample_layout_ = false;
  have_family_ = false;
  family_index_ = Batch::kNoMetadata;
  unknown_index_ = Batch::kNoMetadata;
  metadata_cache_.valid = false;
}

}  // namespace promotel::remotewrite

#include "scrape/series_tracker.h"

#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t on the stack
#include <xxhash.h>

namespace promotel::scrape {

uint64_t series_hash(std::string_view name, model::Labels labels) {
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  static const char kSeparator = '\xff';
  XXH3_64bits_update(&state, name.data(), name.size());
  for (const auto& label : labels) {
    XXH3_64bits_update(&state, &kSeparator, 1);
    XXH3_64bits_update(&state, label.name.data(), label.name.size());
    XXH3_64bits_update(&state, &kSeparator, 1);
    XXH3_64bits_update(&state, label.value.data(), label.value.size());
  }
  return XXH3_64bits_digest(&state);
}

void SeriesTracker::begin_scrape() {
  current_.clear();
  families_.clear();
  current_by_family_.clear();
  added_ = 0;
}

void SeriesTracker::begin_family(std::string_view name, model::MetricType type, std::string_view help,
                                 std::string_view unit) {
  families_.push_back(FamilyMeta{std::string(name), type, std::string(help), std::string(unit)});
  current_by_family_.emplace_back();
}

bool SeriesTracker::add(std::string_view sample_name, model::Labels labels) {
  if (families_.empty()) begin_family(sample_name, model::MetricType::kUnknown, "", "");
  uint64_t hash = series_hash(sample_name, labels);
  if (current_.count(hash)) return false;  // the same series twice in one scrape
  size_t family = families_.size() - 1;
  bool added = false;
  if (auto node = previous_.extract(hash)) {
    node.mapped().family = family;
    current_.insert(std::move(node));
  } else {
    Series series{std::string(sample_name), {}, family};
    series.labels.reserve(labels.size() * 2);
    for (const auto& label : labels) {
      series.labels.emplace_back(label.name);
      series.labels.emplace_back(label.value);
    }
    current_.emplace(hash, std::move(series));
    ++added_;
    added = true;
  }
  current_by_family_[family].push_back(hash);
  return added;
}

void SeriesTracker::emit_stale(const Series& series, const FamilyMeta& family, const StaleSink& stale) {
  scratch_.clear();
  for (size_t i = 0; i + 1 < series.labels.size(); i += 2) {
    scratch_.push_back(model::Label{series.labels[i], series.labels[i + 1]});
  }
  model::Sample sample;
  sample.name = series.name;
  sample.labels = scratch_;
  sample.value = model::stale_nan();
  stale(family, sample);
}

void SeriesTracker::end_family(const StaleSink& stale) {
  if (families_.empty()) return;
  auto it = previous_by_family_.find(families_.back().name);
  if (it == previous_by_family_.end()) return;
  for (uint64_t hash : it->second) {
    auto series = previous_.find(hash);
    if (series == previous_.end()) continue;
    emit_stale(series->second, families_.back(), stale);
    previous_.erase(series);
  }
}

void SeriesTracker::end_scrape(const StaleSink& stale) {
  for (size_t f = 0; f < previous_families_.size() && !previous_.empty(); ++f) {
    auto it = previous_by_family_.find(previous_families_[f].name);
    if (it == previous_by_family_.end()) continue;
    for (uint64_t hash : it->second) {
      auto series = previous_.find(hash);
      if (series == previous_.end()) continue;
      emit_stale(series->second, previous_families_[f], stale);
      previous_.erase(series);
    }
  }
  previous_.clear();
  previous_by_family_.clear();
  for (size_t f = 0; f < families_.size(); ++f) {
    auto& hashes = previous_by_family_[families_[f].name];
    hashes.insert(hashes.end(), current_by_family_[f].begin(), current_by_family_[f].end());
  }
  previous_ = std::move(current_);
  previous_families_ = std::move(families_);
  current_.clear();
  families_.clear();
  current_by_family_.clear();
}

}  // namespace promotel::scrape

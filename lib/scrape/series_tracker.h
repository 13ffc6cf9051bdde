#pragma once

// The series of one target from scrape to scrape: which are new (scrape_series_added) and which
// disappeared, so that a stale marker can be written for them the way Prometheus does when a
// series is missing from the next scrape of its target (or the target is down).

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "model/metric.h"

namespace promotel::scrape {

struct FamilyMeta {
  std::string name;
  model::MetricType type = model::MetricType::kUnknown;
  std::string help;
  std::string unit;
};

class SeriesTracker {
 public:
  using StaleSink = std::function<void(const FamilyMeta& family, const model::Sample& stale)>;

  void begin_scrape();
  // Samples after this belong to this family (the labels are the final, target-labelled ones).
  void begin_family(std::string_view name, model::MetricType type, std::string_view help,
                    std::string_view unit);
  // Records a series of the current family; true when the previous scrape did not have it.
  bool add(std::string_view sample_name, model::Labels labels);
  // The current family ended: stale markers for its series that the previous scrape had and
  // this one has not (so they are written inside the family's block).
  void end_family(const StaleSink& stale);
  // The scrape ended (or failed: call with no families/samples since begin_scrape): stale
  // markers for every other series of the previous scrape, family by family. The stale
  // samples have no timestamp (the caller gives them the scrape's).
  void end_scrape(const StaleSink& stale);

  size_t series_added() const { return added_; }
  size_t series_count() const { return current_.size(); }

 private:
  struct Series {
    std::string name;
    std::vector<std::string> labels;  // name, value, name, value, ...
    size_t family = 0;                // index into families_ of the scrape that stored it
  };
  void emit_stale(const Series& series, const FamilyMeta& family, const StaleSink& stale);

  std::unordered_map<uint64_t, Series> previous_;
  std::vector<FamilyMeta> previous_families_;
  std::unordered_map<std::string, std::vector<uint64_t>> previous_by_family_;
  std::unordered_map<uint64_t, Series> current_;
  std::vector<FamilyMeta> families_;
  std::unordered_set<std::string> stale_done_families_;
  size_t added_ = 0;
  std::vector<std::vector<uint64_t>> current_by_family_;
  std::vector<model::Label> scratch_;
};

// The identity of a series: its sample name and labels (order-sensitive; pass sorted labels).
uint64_t series_hash(std::string_view name, model::Labels labels);

}  // namespace promotel::scrape

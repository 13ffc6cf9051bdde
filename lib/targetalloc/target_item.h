#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "promconfig/config.h"
#include "promconfig/targets.h"
#include "relabel/label_set.h"

namespace promotel::targetalloc {

// One target as the Target Allocator tracks it.
struct TargetItem {
  std::string job;
  std::string target_url;    // the discovered __address__ (the ring's placement key)
  relabel::LabelSet labels;  // discovered labels (group + target), as served over HTTP
  uint64_t hash = 0;         // identity hash (dedup key)
  // What the collector would scrape (post-relabel, no __meta_*, instance set); filled only
  // when the ItemSet was asked for them. scrape_error: why the target would not be scraped.
  relabel::LabelSet scrape_labels;
  std::string scrape_error;
};

// A discovered target the TA's relabel filter removed.
struct DroppedTarget {
  std::string job;
  std::string target_url;
  std::string reason;
};

enum class FilterStrategy {
  kRelabelConfig,  // default: seed labels, run relabel_configs, drop what they drop
  kNone,           // filter_strategy: ""
};

// XXH64 over "name 0xFF value 0xFF" for each non-__meta_ label in the builder's iteration
// order, then the job name.
uint64_t identity_hash(const std::vector<relabel::LabelPair>& ordered, std::string_view job);

// The items of all jobs, deduplicated by identity hash (a later equal item replaces the
// earlier one in place, as the TA's map does), in discovery order.
class ItemSet {
 public:
  explicit ItemSet(bool with_scrape_labels = false) : with_scrape_labels_(with_scrape_labels) {}

  // Turns one job's discovered groups into items.
  void add_job(const promconfig::ScrapeConfig& job,
               const std::vector<promconfig::TargetGroup>& groups, FilterStrategy filter);
  // Adds one discovered target (group labels already merged in).
  void add(const promconfig::ScrapeConfig& job, relabel::LabelSet discovered,
           FilterStrategy filter);

  const std::vector<TargetItem>& items() const { return items_; }
  const std::vector<DroppedTarget>& dropped() const { return dropped_; }
  size_t duplicates() const { return duplicates_; }

 private:
  std::vector<TargetItem> items_;
  std::vector<DroppedTarget> dropped_;
  std::unordered_map<uint64_t, size_t> index_;
  size_t duplicates_ = 0;
  bool with_scrape_labels_;
};

}  // namespace promotel::targetalloc

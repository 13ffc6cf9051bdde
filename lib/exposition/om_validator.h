#pragma once

// The semantic rules of OpenMetrics 1.0 that a tokenizer cannot see, checked in the same
// single pass as the parse with state bounded by one family (plus the set of family and
// reserved sample names seen, for the "no reappearing families / no clashing names" rules).
// Each method returns an error message, or nullopt when the entry is fine.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "model/metric.h"

namespace promotel::exposition {

// A set of 64-bit hashes with open addressing: no allocation per insert, clear() keeps the
// memory (the label sets of one family).
class HashSet {
 public:
  bool insert(uint64_t key);  // false if already present
  void clear();

 private:
  void grow();
  std::vector<uint64_t> slots_;  // 0 = empty (key 0 is stored as 1)
  size_t size_ = 0;
};

class OpenMetricsValidator {
 public:
  std::optional<std::string> type(std::string_view family, model::MetricType type);
  std::optional<std::string> help(std::string_view family);
  std::optional<std::string> unit(std::string_view family, std::string_view unit);
  std::optional<std::string> sample(const model::Sample& sample);
  std::optional<std::string> end();  // at "# EOF"

 private:
  struct Series {
    uint64_t hash;
    std::optional<model::TimestampMs> timestamp;
  };
  // What one histogram point (buckets, count, sum of one label set) has shown so far.
  struct Point {
    bool any = false;
    bool has_inf = false;
    bool has_negative = false;
    bool has_count = false;
    bool has_sum = false;
    double inf_value = 0;
    double count = 0;
    double sum = 0;
    bool has_bucket = false;
    double last_le = 0;
    double last_bucket = 0;
  };

  std::optional<std::string> descriptor(std::string_view family, const char* what);
  std::optional<std::string> start_family(std::string_view name);
  std::optional<std::string> finish_family();
  std::optional<std::string> finish_point();
  std::optional<std::string> check_sample_names_free();
  bool belongs(std::string_view sample_name) const;
  std::vector<std::string> sample_names() const;

  bool active_ = false;
  std::string family_;
  model::MetricType type_ = model::MetricType::kUnknown;
  bool has_type_ = false, has_help_ = false, has_unit_ = false, has_samples_ = false;
  std::string unit_;

  std::unordered_set<std::string> taken_;      // names of finished families and their samples
  HashSet seen_groups_;                        // label sets of the current family
  bool has_group_ = false;
  uint64_t group_ = 0;
  std::vector<Series> series_;                 // series of the current label set
  Point point_;
};

}  // namespace promotel::exposition

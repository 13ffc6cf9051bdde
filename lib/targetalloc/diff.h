#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "targetalloc/plan.h"

namespace promotel::targetalloc {

// One target and where a plan put it ("" = unassigned).
struct PlacedTarget {
  std::string job, target, collector;
};

struct PlacedPlan {
  std::vector<std::string> collectors;
  std::vector<PlacedTarget> targets;
  std::string description;  // "consistent-hashing, ring 0.10, 3 collectors"
};

PlacedPlan placed(const Plan& plan);
// From `taplan plan -o json` output; throws promotel::Error when the shape is wrong.
PlacedPlan placed_from_json(const nlohmann::json& plan_json, const std::string& name);

struct PlanDiff {
  size_t common = 0;   // targets in both plans
  size_t moved = 0;    // common targets whose collector changed
  size_t moved_between_kept = 0;  // ... from a collector that is in both plans to another one
  size_t added = 0, removed = 0;  // targets only after / only before
  size_t ideal_moves = 0;  // the fewest moves that reach a perfectly balanced after-load
  std::map<std::pair<std::string, std::string>, size_t> flows;  // (from, to) -> targets
  std::vector<std::string> collectors;  // union, before's order then after's new ones
  std::map<std::string, size_t> load_before, load_after;
};

PlanDiff diff_plans(const PlacedPlan& before, const PlacedPlan& after);

std::string diff_text(const PlanDiff& diff, const PlacedPlan& before, const PlacedPlan& after);
nlohmann::ordered_json diff_json(const PlanDiff& diff, const PlacedPlan& before, const PlacedPlan& after);

}  // namespace promotel::targetalloc

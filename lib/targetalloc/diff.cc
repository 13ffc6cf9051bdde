#include "targetalloc/diff.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <unordered_map>

namespace promotel::targetalloc {

PlacedPlan placed(const Plan& plan) {
  PlacedPlan out;
  for (const auto& c : plan.collectors) out.collectors.push_back(c.name);
  for (size_t i = 0; i < plan.items.size(); ++i) {
    int o = plan.allocation.owner[i];
    out.targets.push_back({plan.items[i].job, plan.items[i].target_url, o < 0 ? "" : plan.collectors[o].name});
  }
  out.description = std::string(strategy_name(plan.options.strategy)) + ", ring " +
                    std::string(ring_version_name(plan.options.ring)) + ", " + std::to_string(plan.collectors.size()) +
                    " collectors";
  return out;
}

PlacedPlan placed_from_json(const nlohmann::json& j, const std::string& name) {
  PlacedPlan out;
  if (j.is_discarded()) throw Error(name + ": not valid JSON");
  try {
    for (const auto& c : j.at("collectors")) out.collectors.push_back(c.at("name").get<std::string>());
    for (const auto& a : j.at("assignments"))
      out.targets.push_back({a.at("job").get<std::string>(), a.at("target").get<std::string>(),
                             a.at("collector").get<std::string>()});
    if (j.contains("unassigned"))
      for (const auto& a : j.at("unassigned"))
        out.targets.push_back({a.at("job").get<std::string>(), a.at("target").get<std::string>(), ""});
    out.description = j.value("strategy", std::string("?")) + ", ring " + j.value("ring", std::string("?")) + ", " +
                      std::to_string(out.collectors.size()) + " collectors";
  } catch (const nlohmann::json::exception& e) {
    throw Error(name + ": not a `taplan plan -o json` document: " + e.what());
  }
  return out;
}

namespace {

// Keys that tell equal (job, target) pairs apart by their occurrence.
std::vector<std::string> keys(const PlacedPlan& p) {
  std::unordered_map<std::string, size_t> seen;
  std::vector<std::string> out;
  for (const auto& t : p.targets) {
    std::string k = t.job + '\n' + t.target;
    out.push_back(k + '\n' + std::to_string(seen[k]++));
  }
  return out;
}

}  // namespace

PlanDiff diff_plans(const PlacedPlan& before, const PlacedPlan& after) {
  PlanDiff d;
  std::set<std::string> in_before(before.collectors.begin(), before.collectors.end());
  std::set<std::string> in_after(after.collectors.begin(), after.collectors.end());
  d.collectors = before.collectors;
  for (const auto& c : after.collectors)
    if (!in_before.contains(c)) d.collectors.push_back(c);
  for (const auto& c : d.collectors) d.load_before[c] = d.load_after[c] = 0;
  for (const auto& t : before.targets)
    if (!t.collector.empty()) ++d.load_before[t.collector];
  for (const auto& t : after.targets)
    if (!t.collector.empty()) ++d.load_after[t.collector];

  auto kb = keys(before);
  auto ka = keys(after);
  std::unordered_map<std::string, size_t> where_before;
  for (size_t i = 0; i < kb.size(); ++i) where_before[kb[i]] = i;
  std::map<std::string, size_t> common_before;  // before-load of targets present in both
  std::set<std::string> matched;
  for (size_t i = 0; i < ka.size(); ++i) {
    auto it = where_before.find(ka[i]);
    if (it == where_before.end()) {
      ++d.added;
      continue;
    }
    matched.insert(ka[i]);
    ++d.common;
    const std::string& from = before.targets[it->second].collector;
    const std::string& to = after.targets[i].collector;
    if (!from.empty()) ++common_before[from];
    if (from != to) {
      ++d.moved;
      ++d.flows[{from, to}];
      if (in_before.contains(from) && in_after.contains(from) && in_before.contains(to) && in_after.contains(to))
        ++d.moved_between_kept;
    }
  }
  d.removed = kb.size() - matched.size();

  // Ideal: balance the common targets over the after collectors, keeping as many in place
  // as possible (the bigger shares go to the collectors that already hold the most).
  if (!after.collectors.empty()) {
    size_t n = d.common, m = after.collectors.size();
    std::vector<size_t> held;
    for (const auto& c : after.collectors) held.push_back(common_before.contains(c) ? common_before[c] : 0);
    std::sort(held.rbegin(), held.rend());
    size_t kept = 0;
    for (size_t i = 0; i < m; ++i) kept += std::min(held[i], n / m + (i < n % m ? 1 : 0));
    d.ideal_moves = n - kept;
  } else {
    d.ideal_moves = 0;
  }
  return d;
}

std::string diff_text(const PlanDiff& d, const PlacedPlan& before, const PlacedPlan& after) {
  std::string out;
  char line[512];
  out += "before: " + before.description + "\n";
  out += "after:  " + after.description + "\n";
  std::snprintf(line, sizeof line,
                "targets: %zu in both, %zu added, %zu removed\nmoved: %zu (%.1f%%), of which %zu between collectors "
                "present in both plans; ideal (balanced) %zu\n\n",
                d.common, d.added, d.removed, d.moved, d.common ? 100.0 * d.moved / d.common : 0.0,
                d.moved_between_kept, d.ideal_moves);
  out += line;
  size_t w = 9;
  for (const auto& c : d.collectors) w = std::max(w, c.size());
  std::snprintf(line, sizeof line, "%-*s %8s %8s %8s\n", static_cast<int>(w), "COLLECTOR", "BEFORE", "AFTER", "CHANGE");
  out += line;
  for (const auto& c : d.collectors) {
    long b = static_cast<long>(d.load_before.at(c)), a = static_cast<long>(d.load_after.at(c));
    std::snprintf(line, sizeof line, "%-*s %8ld %8ld %+8ld\n", static_cast<int>(w), c.c_str(), b, a, a - b);
    out += line;
  }
  if (!d.flows.empty()) {
    out += "\nMOVES (from -> to: targets)\n";
    for (const auto& [k, n] : d.flows) {
      std::string from = k.first.empty() ? "(unassigned)" : k.first;
      std::string to = k.second.empty() ? "(unassigned)" : k.second;
      out += from + " -> " + to + ": " + std::to_string(n) + "\n";
    }
  }
  return out;
}

nlohmann::ordered_json diff_json(const PlanDiff& d, const PlacedPlan& before, const PlacedPlan& after) {
  nlohmann::ordered_json j;
  j["before"] = before.description;
  j["after"] = after.description;
  j["common"] = d.common;
  j["added"] = d.added;
  j["removed"] = d.removed;
  j["moved"] = d.moved;
  j["moved_between_kept_collectors"] = d.moved_between_kept;
  j["ideal_moves"] = d.ideal_moves;
  nlohmann::ordered_json load = nlohmann::ordered_json::array();
  for (const auto& c : d.collectors)
    load.push_back({{"collector", c}, {"before", d.load_before.at(c)}, {"after", d.load_after.at(c)}});
  j["load"] = load;
  nlohmann::ordered_json flows = nlohmann::ordered_json::array();
  for (const auto& [k, n] : d.flows) flows.push_back({{"from", k.first}, {"to", k.second}, {"targets", n}});
  j["moves"] = flows;
  return j;
}

}  // namespace promotel::targetalloc

#include "targetalloc/validate.h"

#include <map>

namespace promotel::targetalloc {

std::vector<monitors::Finding> check_duplicate_jobs(const std::vector<Job>& jobs) {
  std::vector<monitors::Finding> out;
  std::map<std::string, const Job*> first;
  for (const auto& j : jobs) {
    auto [it, inserted] = first.try_emplace(j.config.job_name, &j);
    if (inserted) continue;
    const Job& prev = *it->second;
    out.push_back({monitors::Severity::kError, j.config.position, j.config.job_name, "duplicate-job",
                   "job name \"" + j.config.job_name + "\" is also defined at " + prev.config.position.to_string() +
                       " (" + prev.origin + "); the Target Allocator keeps only the last one"});
  }
  return out;
}

std::vector<monitors::Finding> check_per_node(const Plan& plan, const std::vector<Job>& jobs) {
  std::vector<monitors::Finding> out;
  std::map<std::string, SourcePosition> where;
  for (const auto& j : jobs) where[j.config.job_name] = j.config.position;
  std::map<std::pair<std::string, std::string>, size_t> counts;  // (job, reason) -> targets
  std::map<std::pair<std::string, std::string>, std::string> example;
  for (size_t i = 0; i < plan.items.size(); ++i) {
    if (plan.allocation.owner[i] >= 0) continue;
    const std::string& reason = plan.allocation.reason[i];
    if (reason == "no collectors") continue;
    auto key = std::make_pair(plan.items[i].job, reason);
    if (counts[key]++ == 0) example[key] = plan.items[i].target_url;
  }
  for (const auto& [key, n] : counts)
    out.push_back({monitors::Severity::kWarning, where[key.first], key.first, "per-node-unassigned",
                   std::to_string(n) + " target(s) (e.g. " + example[key] + ") would be left unassigned by per-node: " +
                       key.second});
  return out;
}

}  // namespace promotel::targetalloc

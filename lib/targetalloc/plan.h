#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "k8s/objects.h"
#include "promconfig/config.h"
#include "targetalloc/allocator.h"
#include "targetalloc/target_item.h"

namespace promotel::targetalloc {

// A job and where its targets come from.
struct Job {
  promconfig::ScrapeConfig config;
  std::string base_dir = ".";  // relative file_sd paths resolve against this
  std::string origin;          // for messages: the file, or "ServiceMonitor ns/name"
};

struct PlanRequest {
  std::vector<Job> jobs;
  const k8s::ObjectStore* objects = nullptr;  // for kubernetes_sd_configs
  std::string own_namespace;                   // the TA's namespace (namespaces.own_namespace)
  std::vector<Collector> collectors;
  AllocationOptions allocation;
  FilterStrategy filter = FilterStrategy::kRelabelConfig;
  bool with_scrape_labels = true;  // compute what each collector would scrape (outputs)
};

struct Plan {
  std::vector<Job> jobs;
  std::vector<Collector> collectors;
  AllocationOptions options;
  std::vector<TargetItem> items;
  std::vector<DroppedTarget> dropped;
  size_t duplicates = 0;
  Allocation allocation;
  std::map<std::string, std::vector<size_t>> items_by_job;  // job -> item indices

  int collector_index(const std::string& name) const;
};

// Discovers every job's targets, builds the TA's items and allocates them.
Plan make_plan(PlanRequest request);

// Merges jobs by name; a later job replaces an earlier one of the same name (as the TA does).
std::vector<Job> merge_jobs(std::vector<Job> jobs);

// The TA's HTTP bodies (Go JSON, without the trailing newline).
std::string jobs_body(const Plan& plan);
// /jobs/<job>/targets (all collectors) or ?collector_id=<c> (an array); nullopt for an
// unknown job.
std::optional<std::string> job_targets_body(const Plan& plan, const std::string& job,
                                            const std::optional<std::string>& collector);
std::string scrape_configs_body(const Plan& plan);

// -o json: {strategy, ring, collectors, assignments, unassigned, dropped}.
nlohmann::ordered_json plan_json(const Plan& plan);
// -o ta: {"/jobs": ..., "/jobs/<job>/targets": ..., "/scrape_configs": ...}.
nlohmann::ordered_json ta_json(const Plan& plan);
// -o file-sd: the file_sd target groups of one collector (discovered labels, plus job).
nlohmann::ordered_json file_sd_json(const Plan& plan, const std::string& collector);
// -o summary: targets per collector and per job, with imbalance.
std::string summary_text(const Plan& plan);

}  // namespace promotel::targetalloc

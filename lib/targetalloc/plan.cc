#include "targetalloc/plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "k8s/discovery.h"
#include "promconfig/targets.h"
#include "targetalloc/go_json.h"
#include "targetalloc/scrape_config_json.h"

namespace promotel::targetalloc {

int Plan::collector_index(const std::string& name) const {
  for (size_t i = 0; i < collectors.size(); ++i)
    if (collectors[i].name == name) return static_cast<int>(i);
  return -1;
}

std::vector<Job> merge_jobs(std::vector<Job> jobs) {
  std::vector<Job> out;
  std::unordered_map<std::string, size_t> index;
  for (auto& j : jobs) {
    auto [it, inserted] = index.try_emplace(j.config.job_name, out.size());
    if (inserted)
      out.push_back(std::move(j));
    else
      out[it->second] = std::move(j);
  }
  return out;
}

Plan make_plan(PlanRequest request) {
  Plan plan;
  plan.jobs = merge_jobs(std::move(request.jobs));
  plan.collectors = std::move(request.collectors);
  plan.options = request.allocation;
  ItemSet items(request.with_scrape_labels);
  for (const auto& job : plan.jobs) {
    items.add_job(job.config, promconfig::discover_static_and_files(job.config, job.base_dir), request.filter);
    if (request.objects && !job.config.kubernetes_sd_configs.empty())
      items.add_job(job.config, k8s::discover_kubernetes(job.config, *request.objects, request.own_namespace), request.filter);
  }
  plan.items = items.items();
  plan.dropped = items.dropped();
  plan.duplicates = items.duplicates();
  plan.allocation = allocate(plan.items, plan.collectors, plan.options);
  for (size_t i = 0; i < plan.items.size(); ++i) plan.items_by_job[plan.items[i].job].push_back(i);
  return plan;
}

namespace {

std::string escape(const std::string& s) { return promconfig::query_escape(s); }

std::string target_body(const TargetItem& item) {
  std::string out = "{\"targets\":[";
  append_go_string(out, item.target_url);
  out += "],\"labels\":";
  nlohmann::json labels = nlohmann::json::object();
  for (const auto& l : item.labels) labels[l.name] = l.value;
  out += go_json(labels);
  out += '}';
  return out;
}

std::string targets_array(const Plan& plan, const std::vector<size_t>& idx, int collector) {
  std::string out = "[";
  bool first = true;
  for (size_t i : idx) {
    if (plan.allocation.owner[i] != collector) continue;
    if (!first) out += ',';
    first = false;
    out += target_body(plan.items[i]);
  }
  return out + "]";
}

}  // namespace

std::string jobs_body(const Plan& plan) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [job, idx] : plan.items_by_job) j[job] = {{"_link", "/jobs/" + escape(job) + "/targets"}};
  return go_json(j);
}

std::optional<std::string> job_targets_body(const Plan& plan, const std::string& job,
                                            const std::optional<std::string>& collector) {
  auto it = plan.items_by_job.find(job);
  static const std::vector<size_t> none;
  const auto& idx = it == plan.items_by_job.end() ? none : it->second;
  if (collector) {
    int c = plan.collector_index(*collector);
    if (c < 0) return std::string("[]");
    return targets_array(plan, idx, c);
  }
  // Keys sorted by collector name, as Go's encoder sorts map keys.
  std::vector<size_t> order(plan.collectors.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return plan.collectors[a].name < plan.collectors[b].name; });
  std::string out = "{";
  bool first = true;
  for (size_t c : order) {
    if (!first) out += ',';
    first = false;
    const std::string& name = plan.collectors[c].name;
    append_go_string(out, name);
    out += ":{\"_link\":";
    append_go_string(out, "/debug/jobs/" + escape(job) + "/targets?collector_id=" + name);
    out += ",\"targets\":" + targets_array(plan, idx, static_cast<int>(c)) + "}";
  }
  return out + "}";
}

std::string scrape_configs_body(const Plan& plan) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& job : plan.jobs) j[job.config.job_name] = scrape_config_json(job.config);
  return go_json(j);
}

nlohmann::ordered_json plan_json(const Plan& plan) {
  nlohmann::ordered_json out;
  out["strategy"] = std::string(strategy_name(plan.options.strategy));
  if (plan.options.fallback) out["fallback_strategy"] = std::string(strategy_name(*plan.options.fallback));
  out["ring"] = std::string(ring_version_name(plan.options.ring));
  nlohmann::ordered_json collectors = nlohmann::ordered_json::array();
  for (size_t c = 0; c < plan.collectors.size(); ++c) {
    nlohmann::ordered_json o;
    o["name"] = plan.collectors[c].name;
    if (!plan.collectors[c].node.empty()) o["node"] = plan.collectors[c].node;
    o["targets"] = plan.allocation.load[c];
    collectors.push_back(o);
  }
  out["collectors"] = collectors;
  nlohmann::ordered_json assignments = nlohmann::ordered_json::array();
  nlohmann::ordered_json unassigned = nlohmann::ordered_json::array();
  for (size_t i = 0; i < plan.items.size(); ++i) {
    const auto& item = plan.items[i];
    int c = plan.allocation.owner[i];
    nlohmann::ordered_json labels = nlohmann::ordered_json::object();
    for (const auto& l : item.scrape_labels)
      if (!l.name.starts_with("__")) labels[l.name] = l.value;
    if (c < 0) {
      unassigned.push_back({{"job", item.job}, {"target", item.target_url}, {"reason", plan.allocation.reason[i]}});
      continue;
    }
    nlohmann::ordered_json a;
    a["job"] = item.job;
    a["target"] = item.target_url;
    a["collector"] = plan.collectors[c].name;
    a["labels"] = labels;
    if (!item.scrape_error.empty()) a["scrape_error"] = item.scrape_error;
    assignments.push_back(a);
  }
  out["assignments"] = assignments;
  out["unassigned"] = unassigned;
  nlohmann::ordered_json dropped = nlohmann::ordered_json::array();
  for (const auto& d : plan.dropped)
    dropped.push_back({{"job", d.job}, {"target", d.target_url}, {"reason", d.reason}});
  out["dropped"] = dropped;
  return out;
}

nlohmann::ordered_json ta_json(const Plan& plan) {
  nlohmann::ordered_json out;
  out["/jobs"] = nlohmann::ordered_json::parse(jobs_body(plan));
  for (const auto& [job, idx] : plan.items_by_job)
    out["/jobs/" + escape(job) + "/targets"] = nlohmann::ordered_json::parse(*job_targets_body(plan, job, std::nullopt));
  out["/scrape_configs"] = nlohmann::ordered_json::parse(scrape_configs_body(plan));
  return out;
}

nlohmann::ordered_json file_sd_json(const Plan& plan, const std::string& collector) {
  int c = plan.collector_index(collector);
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  if (c < 0) throw Error("no collector named \"" + collector + "\" in the plan");
  for (size_t i = 0; i < plan.items.size(); ++i) {
    if (plan.allocation.owner[i] != c) continue;
    const auto& item = plan.items[i];
    nlohmann::ordered_json labels = nlohmann::ordered_json::object();
    bool has_job = false;
    for (const auto& l : item.labels) {
      if (l.name == "__address__") continue;
      if (l.name == "job") has_job = true;
      labels[l.name] = l.value;
    }
    if (!has_job) labels["job"] = item.job;
    groups.push_back({{"targets", {item.target_url}}, {"labels", labels}});
  }
  return groups;
}

std::string summary_text(const Plan& plan) {
  std::string out;
  char line[512];
  size_t assigned = 0;
  for (int o : plan.allocation.owner) assigned += o >= 0;
  std::snprintf(line, sizeof line, "strategy %s%s%s, ring %s: %zu targets in %zu jobs on %zu collectors",
                std::string(strategy_name(plan.options.strategy)).c_str(),
                plan.options.fallback ? " (fallback " : "",
                plan.options.fallback ? (std::string(strategy_name(*plan.options.fallback)) + ")").c_str() : "",
                std::string(ring_version_name(plan.options.ring)).c_str(), plan.items.size(),
                plan.items_by_job.size(), plan.collectors.size());
  out += line;
  out += "\n";
  std::snprintf(line, sizeof line, "assigned %zu, unassigned %zu, dropped by relabeling %zu, duplicates %zu\n\n",
                assigned, plan.items.size() - assigned, plan.dropped.size(), plan.duplicates);
  out += line;

  size_t width = 9;
  for (const auto& c : plan.collectors) width = std::max(width, c.name.size());
  std::snprintf(line, sizeof line, "%-*s %8s %7s\n", static_cast<int>(width), "COLLECTOR", "TARGETS", "SHARE");
  out += line;
  for (size_t c = 0; c < plan.collectors.size(); ++c) {
    double share = assigned ? 100.0 * plan.allocation.load[c] / assigned : 0;
    std::snprintf(line, sizeof line, "%-*s %8zu %6.1f%%\n", static_cast<int>(width),
                  plan.collectors[c].name.c_str(), plan.allocation.load[c], share);
    out += line;
  }
  if (!plan.collectors.empty()) {
    auto [mn, mx] = std::minmax_element(plan.allocation.load.begin(), plan.allocation.load.end());
    double mean = static_cast<double>(assigned) / plan.collectors.size();
    std::snprintf(line, sizeof line, "imbalance: max %zu, min %zu, mean %.2f, max/mean %.2f\n", *mx, *mn, mean,
                  mean > 0 ? *mx / mean : 0.0);
    out += line;
  }
  out += "\n";
  size_t jw = 3;
  for (const auto& [job, idx] : plan.items_by_job) jw = std::max(jw, job.size());
  std::snprintf(line, sizeof line, "%-*s %8s %8s %8s %10s\n", static_cast<int>(jw), "JOB", "TARGETS", "MIN/COL",
                "MAX/COL", "UNASSIGNED");
  out += line;
  for (const auto& [job, idx] : plan.items_by_job) {
    std::vector<size_t> per(plan.collectors.size(), 0);
    size_t un = 0;
    for (size_t i : idx) {
      int o = plan.allocation.owner[i];
      if (o < 0)
        ++un;
      else
        ++per[o];
    }
    size_t mn = per.empty() ? 0 : *std::min_element(per.begin(), per.end());
    size_t mx = per.empty() ? 0 : *std::max_element(per.begin(), per.end());
    std::snprintf(line, sizeof line, "%-*s %8zu %8zu %8zu %10zu\n", static_cast<int>(jw), job.c_str(), idx.size(),
                  mn, mx, un);
    out += line;
  }
  return out;
}

}  // namespace promotel::targetalloc

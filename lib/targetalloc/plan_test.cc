#include "targetalloc/plan.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/input.h"
#include "monitors/monitor.h"
#include "targetalloc/collectors.h"
#include "targetalloc/ta_config.h"

namespace promotel::targetalloc {
namespace {

const std::string kCluster = "tests/taplan/cluster/";

struct Fixture {
  k8s::ObjectStore objects;
  std::vector<monitors::Monitor> monitors;
  TaConfig ta;
  Fixture() {
    k8s::load_object_file(kCluster + "objects.yaml", objects);
    monitors = monitors::load_monitor_file(kCluster + "monitors.yaml");
    ta = load_any_config(kCluster + "ta-config.yaml");
  }
  monitors::MonitorSelection selection() const {
    monitors::MonitorSelection s;
    s.service_monitor_selector = ta.prometheus_cr.service_monitor_selector;
    s.pod_monitor_selector = ta.prometheus_cr.pod_monitor_selector;
    return s;
  }
  PlanRequest request() const {
    PlanRequest r;
    for (const auto& j : ta.prometheus.scrape_configs) r.jobs.push_back({j, ".", "ta-config"});
    for (auto& j : monitors::generate_all(monitors, selection(), objects, ta.prometheus_cr.scrape_interval_ms))
      r.jobs.push_back({j, ".", "monitors"});
    r.objects = &objects;
    r.collectors = select_collectors(objects, *ta.collector_selector, ta.collector_namespace).collectors;
    r.allocation.strategy = Strategy::kPerNode;
    r.allocation.fallback = Strategy::kConsistentHashing;
    return r;
  }
};

TEST(Plan, ClusterFixtureTargetsAndLabels) {
  Fixture f;
  Plan plan = make_plan(f.request());
  auto expected = nlohmann::json::parse(read_file(kCluster + "expected-targets.json"));
  nlohmann::json actual = nlohmann::json::array();
  for (const auto& item : plan.items) {
    if (!item.job.starts_with("serviceMonitor/") && !item.job.starts_with("podMonitor/")) continue;
    ASSERT_EQ(item.scrape_error, "") << item.target_url;
    nlohmann::json labels = nlohmann::json::object();
    for (const auto& l : item.scrape_labels)
      if (!l.name.starts_with("__")) labels[l.name] = l.value;
    actual.push_back({{"job", item.job}, {"target", item.target_url}, {"labels", labels}});
  }
  std::sort(actual.begin(), actual.end(), [](const auto& a, const auto& b) {
    return std::tie(a["job"], a["target"]) < std::tie(b["job"], b["target"]);
  });
  EXPECT_EQ(actual, expected) << actual.dump(2);
  // The Succeeded worker pod and the non-metrics ports were dropped by the generated rules.
  size_t worker_old = 0;
  for (const auto& d : plan.dropped) worker_old += d.target_url == "10.2.0.32:9100";
  EXPECT_EQ(worker_old, 1u);
}

TEST(Plan, ClusterFixtureCollectorsAndPerNode) {
  Fixture f;
  Plan plan = make_plan(f.request());
  ASSERT_EQ(plan.collectors.size(), 2u);  // collector-2 is unscheduled
  EXPECT_EQ(plan.collectors[0].node, "node-a");
  for (size_t i = 0; i < plan.items.size(); ++i) {
    const auto& item = plan.items[i];
    int owner = plan.allocation.owner[i];
    ASSERT_GE(owner, 0) << item.target_url << ": " << plan.allocation.reason[i];
    std::string node = target_node(item.labels);
    if (!node.empty()) {
      EXPECT_EQ(plan.collectors[owner].node, node) << item.target_url;
    }
  }
}

TEST(Plan, TaBodies) {
  Fixture f;
  Plan plan = make_plan(f.request());
  std::string jobs = jobs_body(plan);
  EXPECT_NE(jobs.find("\"serviceMonitor/shop/web/0\":{\"_link\":\"/jobs/serviceMonitor%2Fshop%2Fweb%2F0/targets\"}"),
            std::string::npos)
      << jobs;
  auto all = nlohmann::json::parse(*job_targets_body(plan, "static-node", std::nullopt));
  EXPECT_EQ(all.size(), 2u);
  EXPECT_EQ(all["collector-0"]["_link"], "/debug/jobs/static-node/targets?collector_id=collector-0");
  auto one = nlohmann::json::parse(*job_targets_body(plan, "static-node", std::string("collector-1")));
  ASSERT_TRUE(one.is_array());
  EXPECT_EQ(*job_targets_body(plan, "static-node", std::string("nobody")), "[]");
  auto configs = nlohmann::json::parse(scrape_configs_body(plan));
  EXPECT_EQ(configs["serviceMonitor/shop/web/0"]["scrape_interval"], "15s");
  EXPECT_EQ(configs["static-node"]["scrape_interval"], "30s");
}

}  // namespace
}  // namespace promotel::targetalloc

#include "monitors/monitor.h"

#include <gtest/gtest.h>

#include "monitors/validate.h"

namespace promotel::monitors {
namespace {

const char* kMonitors = R"(
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: web, namespace: shop, labels: {team: a}}
spec:
  jobLabel: app.kubernetes.io/name
  targetLabels: [tier]
  selector:
    matchLabels: {app: web}
    matchExpressions: [{key: env, operator: NotIn, values: [dev, test]}]
  namespaceSelector: {any: true}
  endpoints:
  - port: metrics
    interval: 10s
    scrapeTimeout: 5s
    path: /m
    params: {format: [prom]}
    relabelings:
    - {sourceLabels: [__meta_x], targetLabel: x, action: Replace}
  - targetPort: 9100
---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: w, namespace: jobs, labels: {team: b}}
spec:
  selector: {matchLabels: {app: w}}
  podMetricsEndpoints:
  - portNumber: 9000
    filterRunning: false
)";

std::vector<std::string> rule_summaries(const promconfig::ScrapeConfig& c) {
  std::vector<std::string> out;
  for (const auto& r : c.relabel_configs) {
    std::string s = std::string(relabel::action_name(r.action)) + "(";
    for (const auto& l : r.source_labels) s += l + ",";
    s += ")" + r.regex.source() + "->" + r.target_label + "=" + r.replacement;
    out.push_back(s);
  }
  return out;
}

TEST(Monitors, ServiceMonitorAsTheOperatorGeneratesIt) {
  auto ms = load_monitors(kMonitors, "m.yml");
  ASSERT_EQ(ms.size(), 2u);
  auto jobs = generate_scrape_configs(ms[0], 30000);
  ASSERT_EQ(jobs.size(), 2u);
  const auto& j = jobs[0];
  EXPECT_EQ(j.job_name, "serviceMonitor/shop/web/0");
  EXPECT_EQ(j.scrape_interval_ms, 10000);
  EXPECT_EQ(j.scrape_timeout_ms, 5000);
  EXPECT_EQ(j.metrics_path, "/m");
  EXPECT_EQ(j.params.at("format"), std::vector<std::string>{"prom"});
  ASSERT_EQ(j.kubernetes_sd_configs.size(), 1u);
  EXPECT_EQ(j.kubernetes_sd_configs[0].role, "endpointslice");
  EXPECT_TRUE(j.kubernetes_sd_configs[0].namespaces.empty());  // any: true
  auto rules = rule_summaries(j);
  std::vector<std::string> want = {
      "replace(job,)(.*)->__tmp_prometheus_job_name=$1",
      "keep(__meta_kubernetes_service_label_app,__meta_kubernetes_service_labelpresent_app,)(web);true->=$1",
      "drop(__meta_kubernetes_service_label_env,__meta_kubernetes_service_labelpresent_env,)(dev|test);true->=$1",
      "keep(__meta_kubernetes_endpointslice_port_name,)metrics->=$1",
      "replace(__meta_kubernetes_endpointslice_address_target_kind,__meta_kubernetes_endpointslice_address_target_name,)Node;(.*)->node=${1}",
      "replace(__meta_kubernetes_endpointslice_address_target_kind,__meta_kubernetes_endpointslice_address_target_name,)Pod;(.*)->pod=${1}",
      "replace(__meta_kubernetes_namespace,)(.*)->namespace=$1",
      "replace(__meta_kubernetes_service_name,)(.*)->service=$1",
      "replace(__meta_kubernetes_pod_name,)(.*)->pod=$1",
      "replace(__meta_kubernetes_pod_container_name,)(.*)->container=$1",
      "drop(__meta_kubernetes_pod_phase,)(Failed|Succeeded)->=$1",
      "replace(__meta_kubernetes_service_label_tier,)(.+)->tier=${1}",
      "replace(__meta_kubernetes_service_name,)(.*)->job=${1}",
      "replace(__meta_kubernetes_service_label_app_kubernetes_io_name,)(.+)->job=${1}",
      "replace()(.*)->endpoint=metrics",
      "replace(__meta_x,)(.*)->x=$1",
      "replace(__address__,__tmp_hash,)(.+);->__tmp_hash=$1",
      "hashmod(__tmp_hash,)(.*)->__tmp_hash=$1",
      "keep(__tmp_hash,__tmp_disable_sharding,)$(SHARD);|.+;.+->=$1",
  };
  EXPECT_EQ(rules, want);
  // targetPort as a number filters on the container port number.
  auto second = rule_summaries(jobs[1]);
  EXPECT_EQ(second[3], "keep(__meta_kubernetes_pod_container_port_number,)9100->=$1");
  EXPECT_EQ(jobs[1].scrape_interval_ms, 30000);
}

TEST(Monitors, PodMonitor) {
  auto ms = load_monitors(kMonitors, "m.yml");
  auto jobs = generate_scrape_configs(ms[1], 30000);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].job_name, "podMonitor/jobs/w/0");
  EXPECT_EQ(jobs[0].kubernetes_sd_configs[0].role, "pod");
  EXPECT_EQ(jobs[0].kubernetes_sd_configs[0].namespaces, std::vector<std::string>{"jobs"});
  auto rules = rule_summaries(jobs[0]);
  // filterRunning: false -> no phase filter; the selector comes right after the job copy.
  EXPECT_EQ(rules[1], "keep(__meta_kubernetes_pod_label_app,__meta_kubernetes_pod_labelpresent_app,)(w);true->=$1");
  EXPECT_EQ(rules[2], "keep(__meta_kubernetes_pod_container_port_number,)9000->=$1");
  EXPECT_NE(std::find(rules.begin(), rules.end(), "replace()(.*)->job=jobs/w"), rules.end());
}

TEST(Monitors, SelectionAndOrder) {
  auto ms = load_monitors(kMonitors, "m.yml");
  k8s::ObjectStore objects;
  MonitorSelection sel;
  EXPECT_TRUE(generate_all(ms, sel, objects, 30000).empty());  // no selector = none
  sel.service_monitor_selector = k8s::LabelSelector{};
  sel.pod_monitor_selector = k8s::parse_selector_string("team=b");
  auto jobs = generate_all(ms, sel, objects, 30000);
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[2].job_name, "podMonitor/jobs/w/0");
  sel.deny_namespaces = {"shop"};
  EXPECT_EQ(generate_all(ms, sel, objects, 30000).size(), 1u);
}

TEST(Monitors, InvalidRelabelingIsSkippedWithReason) {
  auto ms = load_monitors(R"(
kind: ServiceMonitor
metadata: {name: bad, namespace: x}
spec:
  selector: {}
  endpoints: [{port: m, relabelings: [{action: nope}]}]
)", "b.yml");
  MonitorSelection sel;
  sel.service_monitor_selector = k8s::LabelSelector{};
  std::vector<SkippedMonitor> skipped;
  EXPECT_TRUE(generate_all(ms, sel, k8s::ObjectStore{}, 30000, &skipped).empty());
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(skipped[0].reason.find("unknown relabel action \"nope\""), std::string::npos) << skipped[0].reason;
  auto findings = validate_monitors(ms, k8s::ObjectStore{}, false, 30000);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].check, "invalid-relabeling");
  EXPECT_EQ(findings[0].where.to_string(), "b.yml:6:39");
}

TEST(Validate, TargetPortFindsPodsThroughEndpoints) {
  // A Service without a selector whose pods are known only from its Endpoints object.
  k8s::ObjectStore objects;
  k8s::load_objects(R"(
kind: List
items:
- kind: Service
  metadata: {name: web, namespace: shop, labels: {app: web}}
  spec: {ports: [{name: metrics, port: 80}]}
- kind: Endpoints
  metadata: {name: web, namespace: shop}
  subsets:
  - notReadyAddresses: [{ip: 10.0.0.1, targetRef: {kind: Pod, name: web-0, namespace: shop}}]
    ports: [{port: 8080}]
- kind: Pod
  metadata: {name: web-0, namespace: shop}
  spec: {containers: [{name: c, ports: [{containerPort: 8080}]}]}
)", "o.yml", objects);
  auto check = [&](const char* target_port) {
    auto ms = load_monitors(std::string(R"(
kind: ServiceMonitor
metadata: {name: web, namespace: shop}
spec:
  serviceDiscoveryRole: Endpoints
  selector: {matchLabels: {app: web}}
  endpoints: [{targetPort: )") + target_port + "}]\n", "m.yml");
    std::vector<std::string> checks;
    for (const auto& f : validate_monitors(ms, objects, true, 30000)) checks.push_back(f.check);
    return checks;
  };
  EXPECT_EQ(check("8080"), std::vector<std::string>{});
  EXPECT_EQ(check("9999"), std::vector<std::string>{"target-port-not-found"});
}

}  // namespace
}  // namespace promotel::monitors

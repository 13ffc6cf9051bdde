#pragma once

#include <optional>
#include <string>
#include <vector>

#include "k8s/selector.h"
#include "promconfig/config.h"

namespace promotel::targetalloc {

// The prometheus_cr section: which ServiceMonitors/PodMonitors the TA turns into jobs.
struct PrometheusCrConfig {
  bool enabled = false;
  int64_t scrape_interval_ms = 30 * 1000;
  std::optional<k8s::LabelSelector> service_monitor_selector;  // absent = select none
  std::optional<k8s::LabelSelector> pod_monitor_selector;
  k8s::LabelSelector service_monitor_namespace_selector;       // default {} = all
  k8s::LabelSelector pod_monitor_namespace_selector;
  std::vector<std::string> allow_namespaces, deny_namespaces;
};

// The Target Allocator's own config file (targetallocator.yaml).
struct TaConfig {
  std::string collector_namespace;
  std::optional<k8s::LabelSelector> collector_selector;
  std::string allocation_strategy = "consistent-hashing";
  std::string allocation_fallback_strategy;
  std::string filter_strategy = "relabel-config";
  std::string listen_addr = ":8080";
  promconfig::Config prometheus;  // the config: section
  PrometheusCrConfig prometheus_cr;
};

// True when the YAML looks like a TA config (collector_namespace, config, prometheus_cr, ...)
// rather than a plain Prometheus config.
bool is_ta_config(const YAML::Node& root);

TaConfig parse_ta_config(const YAML::Node& root, const std::string& file, const std::string& base_dir);

// Reads either kind of file: a plain Prometheus config becomes a TaConfig with defaults.
TaConfig load_any_config(const std::string& path);

}  // namespace promotel::targetalloc

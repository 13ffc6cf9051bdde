#pragma once

#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/error.h"
#include "k8s/objects.h"
#include "k8s/selector.h"
#include "promconfig/config.h"

namespace promotel::monitors {

enum class MonitorKind { kServiceMonitor, kPodMonitor };

struct MonitorEndpoint {
  std::string port;         // a port name
  std::string target_port;  // ServiceMonitor targetPort / deprecated PodMonitor targetPort, as written
  bool target_port_is_number = false;
  std::optional<int> port_number;  // PodMonitor portNumber
  std::string path, scheme, interval, scrape_timeout;
  std::map<std::string, std::vector<std::string>> params;
  std::optional<bool> honor_labels, honor_timestamps, filter_running;
  YAML::Node relabelings, metric_relabelings;
  YAML::Node node;  // for positions
};

// A ServiceMonitor or PodMonitor (monitoring.coreos.com/v1).
struct Monitor {
  MonitorKind kind = MonitorKind::kServiceMonitor;
  k8s::ObjectMeta meta;
  k8s::LabelSelector selector;
  bool any_namespace = false;
  std::vector<std::string> match_names;  // namespaceSelector.matchNames
  std::string job_label;
  std::vector<std::string> target_labels, pod_target_labels;
  std::vector<MonitorEndpoint> endpoints;
  std::string service_discovery_role;  // "" / EndpointSlice / Endpoints
  YAML::Node node;
  std::string file;

  std::string kind_name() const { return kind == MonitorKind::kServiceMonitor ? "ServiceMonitor" : "PodMonitor"; }
  std::string id() const { return kind_name() + " " + meta.namespace_ + "/" + meta.name; }
  // The namespaces its targets are discovered in (empty = all).
  std::vector<std::string> target_namespaces() const;
};

bool is_monitor(const YAML::Node& object);
Monitor parse_monitor(const YAML::Node& object, const std::string& file);

// Reads every ServiceMonitor/PodMonitor of a YAML text (single docs, multi-doc, kind: List);
// other kinds are ignored.
std::vector<Monitor> load_monitors(std::string_view text, const std::string& file);
std::vector<Monitor> load_monitor_file(const std::string& path);

// Which monitors the TA's prometheus_cr section picks.
struct MonitorSelection {
  std::optional<k8s::LabelSelector> service_monitor_selector;  // nullopt = none
  std::optional<k8s::LabelSelector> pod_monitor_selector;
  k8s::LabelSelector service_monitor_namespace_selector;       // {} = all
  k8s::LabelSelector pod_monitor_namespace_selector;
  std::vector<std::string> allow_namespaces, deny_namespaces;
};

bool selected(const Monitor& m, const MonitorSelection& sel, const k8s::ObjectStore& objects);

// The scrape configs prometheus-operator generates for one monitor: one per endpoint, job
// "serviceMonitor/<ns>/<name>/<i>" or "podMonitor/<ns>/<name>/<i>". default_interval_ms is
// prometheus_cr.scrape_interval. Throws promotel::Error for invalid monitors.
std::vector<promconfig::ScrapeConfig> generate_scrape_configs(const Monitor& m, int64_t default_interval_ms);

// The YAML of one generated job (what the operator would write into prometheus.yml).
YAML::Node generate_job_yaml(const Monitor& m, size_t endpoint, int64_t default_interval_ms);

}  // namespace promotel::monitors

namespace promotel::monitors {

// A monitor the generator skipped, and why (the TA skips invalid monitors too).
struct SkippedMonitor {
  std::string id;
  std::string reason;
};

// The jobs of every selected monitor, ServiceMonitors first, each kind in namespace/name
// order, as prometheus-operator emits them.
std::vector<promconfig::ScrapeConfig> generate_all(const std::vector<Monitor>& monitors, const MonitorSelection& sel,
                                                   const k8s::ObjectStore& objects, int64_t default_interval_ms,
                                                   std::vector<SkippedMonitor>* skipped = nullptr);

}  // namespace promotel::monitors

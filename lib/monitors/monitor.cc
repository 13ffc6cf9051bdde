#include "monitors/monitor.h"

#include <algorithm>

#include "common/input.h"
#include "k8s/discovery.h"
#include "promconfig/duration.h"

namespace promotel::monitors {

namespace {

std::string str(const YAML::Node& n) { return n && n.IsScalar() ? n.Scalar() : std::string(); }

std::optional<bool> opt_bool(const YAML::Node& n) {
  if (!n || !n.IsScalar()) return std::nullopt;
  return n.Scalar() == "true";
}

std::vector<std::string> strings(const YAML::Node& n) {
  std::vector<std::string> out;
  if (n && n.IsSequence())
    for (const auto& e : n) out.push_back(str(e));
  return out;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

YAML::Node seq(std::initializer_list<std::string> items) {
  YAML::Node n(YAML::NodeType::Sequence);
  for (const auto& i : items) n.push_back(i);
  return n;
}

YAML::Node rule(std::initializer_list<std::pair<const char*, YAML::Node>> fields) {
  YAML::Node n(YAML::NodeType::Map);
  for (const auto& [k, v] : fields) n[k] = v;
  return n;
}

YAML::Node scalar(const std::string& s) { return YAML::Node(s); }

// A CR RelabelConfig (camelCase) as a Prometheus relabel config (snake_case).
YAML::Node convert_relabeling(const YAML::Node& r) {
  YAML::Node n(YAML::NodeType::Map);
  if (r["sourceLabels"]) n["source_labels"] = r["sourceLabels"];
  if (r["separator"]) n["separator"] = r["separator"];
  if (r["targetLabel"]) n["target_label"] = r["targetLabel"];
  if (r["regex"]) n["regex"] = r["regex"];
  if (r["modulus"]) n["modulus"] = r["modulus"];
  if (r["replacement"]) n["replacement"] = r["replacement"];
  if (r["action"]) {
    std::string a = str(r["action"]);
    for (auto& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    n["action"] = a;
  }
  return n;
}

void running_filter(YAML::Node& rules) {
  rules.push_back(rule({{"source_labels", seq({"__meta_kubernetes_pod_phase"})},
                        {"regex", scalar("(Failed|Succeeded)")},
                        {"action", scalar("drop")}}));
}

void selector_rules(YAML::Node& rules, const k8s::LabelSelector& sel, const std::string& prefix) {
  for (const auto& [k, v] : sel.match_labels) {
    std::string s = k8s::sanitize_label_name(k);
    rules.push_back(rule({{"action", scalar("keep")},
                          {"source_labels", seq({prefix + "label_" + s, prefix + "labelpresent_" + s})},
                          {"regex", scalar("(" + v + ");true")}}));
  }
  for (const auto& e : sel.match_expressions) {
    std::string s = k8s::sanitize_label_name(e.key);
    std::string joined;
    for (const auto& v : e.values) joined += (joined.empty() ? "" : "|") + v;
    if (e.op == "In" || e.op == "NotIn")
      rules.push_back(rule({{"action", scalar(e.op == "In" ? "keep" : "drop")},
                            {"source_labels", seq({prefix + "label_" + s, prefix + "labelpresent_" + s})},
                            {"regex", scalar("(" + joined + ");true")}}));
    else
      rules.push_back(rule({{"action", scalar(e.op == "Exists" ? "keep" : "drop")},
                            {"source_labels", seq({prefix + "labelpresent_" + s})},
                            {"regex", scalar("true")}}));
  }
}

void copy_rule(YAML::Node& rules, const std::string& from, const std::string& to) {
  rules.push_back(rule({{"source_labels", seq({from})}, {"target_label", scalar(to)}}));
}

void sharding_rules(YAML::Node& rules) {
  rules.push_back(rule({{"source_labels", seq({"__address__", "__tmp_hash"})},
                        {"target_label", scalar("__tmp_hash")},
                        {"regex", scalar("(.+);")},
                        {"replacement", scalar("$1")},
                        {"action", scalar("replace")}}));
  YAML::Node hm = rule({{"source_labels", seq({"__tmp_hash"})},
                        {"target_label", scalar("__tmp_hash")},
                        {"action", scalar("hashmod")}});
  hm["modulus"] = 1;
  rules.push_back(hm);
  rules.push_back(rule({{"source_labels", seq({"__tmp_hash", "__tmp_disable_sharding"})},
                        {"regex", scalar("$(SHARD);|.+;.+")},
                        {"action", scalar("keep")}}));
}

}  // namespace

std::vector<std::string> Monitor::target_namespaces() const {
  if (any_namespace) return {};
  if (!match_names.empty()) return match_names;
  return {meta.namespace_};
}

bool is_monitor(const YAML::Node& o) {
  std::string kind = str(o["kind"]);
  return kind == "ServiceMonitor" || kind == "PodMonitor";
}

Monitor parse_monitor(const YAML::Node& o, const std::string& file) {
  Monitor m;
  m.kind = str(o["kind"]) == "PodMonitor" ? MonitorKind::kPodMonitor : MonitorKind::kServiceMonitor;
  m.meta = k8s::parse_meta(o, file);
  m.node = o;
  m.file = file;
  const YAML::Node spec = o["spec"];
  if (!spec || !spec.IsMap()) throw Error(promconfig::position_of(o, file), m.id() + " has no spec");
  m.selector = k8s::parse_label_selector(spec["selector"], file);
  if (const YAML::Node ns = spec["namespaceSelector"]) {
    m.any_namespace = str(ns["any"]) == "true";
    m.match_names = strings(ns["matchNames"]);
  }
  m.job_label = str(spec["jobLabel"]);
  m.target_labels = strings(spec["targetLabels"]);
  m.pod_target_labels = strings(spec["podTargetLabels"]);
  m.service_discovery_role = str(spec["serviceDiscoveryRole"]);
  const char* list = m.kind == MonitorKind::kServiceMonitor ? "endpoints" : "podMetricsEndpoints";
  if (const YAML::Node eps = spec[list]; eps && eps.IsSequence()) {
    for (size_t k = 0; k < eps.size(); ++k) {
      const YAML::Node e = eps[k];
      MonitorEndpoint ep;
      ep.node = e;
      ep.port = str(e["port"]);
      if (e["targetPort"]) {
        ep.target_port = str(e["targetPort"]);
        ep.target_port_is_number = all_digits(ep.target_port) && e["targetPort"].Tag() != "!";
      }
      if (e["portNumber"]) ep.port_number = std::atoi(str(e["portNumber"]).c_str());
      ep.path = str(e["path"]);
      ep.scheme = str(e["scheme"]);
      ep.interval = str(e["interval"]);
      ep.scrape_timeout = str(e["scrapeTimeout"]);
      if (const YAML::Node p = e["params"]; p && p.IsMap())
        for (auto it = p.begin(); it != p.end(); ++it) ep.params[it->first.Scalar()] = strings(it->second);
      ep.honor_labels = opt_bool(e["honorLabels"]);
      ep.honor_timestamps = opt_bool(e["honorTimestamps"]);
      ep.filter_running = opt_bool(e["filterRunning"]);
      if (e["relabelings"]) ep.relabelings = e["relabelings"];
      if (e["metricRelabelings"]) ep.metric_relabelings = e["metricRelabelings"];
      m.endpoints.push_back(std::move(ep));
    }
  }
  return m;
}

std::vector<Monitor> load_monitors(std::string_view text, const std::string& file) {
  std::vector<Monitor> out;
  for (const auto& o : k8s::flatten_objects(text, file))
    if (is_monitor(o)) out.push_back(parse_monitor(o, file));
  return out;
}

std::vector<Monitor> load_monitor_file(const std::string& path) {
  Input in(path);
  std::string text = in.read_all();
  return load_monitors(text, in.name());
}

bool selected(const Monitor& m, const MonitorSelection& sel, const k8s::ObjectStore& objects) {
  const auto& selector = m.kind == MonitorKind::kServiceMonitor ? sel.service_monitor_selector : sel.pod_monitor_selector;
  if (!selector || !selector->matches(m.meta.labels)) return false;
  const auto& ns_sel = m.kind == MonitorKind::kServiceMonitor ? sel.service_monitor_namespace_selector
                                                               : sel.pod_monitor_namespace_selector;
  const std::string& ns = m.meta.namespace_;
  if (!sel.allow_namespaces.empty() &&
      std::find(sel.allow_namespaces.begin(), sel.allow_namespaces.end(), ns) == sel.allow_namespaces.end())
    return false;
  if (std::find(sel.deny_namespaces.begin(), sel.deny_namespaces.end(), ns) != sel.deny_namespaces.end())
    return false;
  if (!ns_sel.empty()) {
    const k8s::Namespace* n = objects.find_namespace(ns);
    if (!ns_sel.matches(n ? n->meta.labels : k8s::StringMap{})) return false;
  }
  return true;
}

YAML::Node generate_job_yaml(const Monitor& m, size_t i, int64_t default_interval_ms) {
  const MonitorEndpoint& ep = m.endpoints.at(i);
  const bool sm = m.kind == MonitorKind::kServiceMonitor;
  const std::string& ns = m.meta.namespace_;
  YAML::Node job(YAML::NodeType::Map);
  job["job_name"] = (sm ? "serviceMonitor/" : "podMonitor/") + ns + "/" + m.meta.name + "/" + std::to_string(i);
  if (ep.honor_labels) job["honor_labels"] = *ep.honor_labels;
  if (ep.honor_timestamps) job["honor_timestamps"] = *ep.honor_timestamps;
  bool endpoints_role = sm && m.service_discovery_role == "Endpoints";
  YAML::Node sd(YAML::NodeType::Map);
  sd["role"] = sm ? (endpoints_role ? "endpoints" : "endpointslice") : "pod";
  if (!m.any_namespace) {
    YAML::Node names(YAML::NodeType::Sequence);
    for (const auto& n : m.target_namespaces()) names.push_back(n);
    sd["namespaces"]["names"] = names;
  }
  job["kubernetes_sd_configs"].push_back(sd);
  job["scrape_interval"] = ep.interval.empty() ? promconfig::format_duration(default_interval_ms) : ep.interval;
  if (!ep.scrape_timeout.empty()) job["scrape_timeout"] = ep.scrape_timeout;
  if (!ep.path.empty()) job["metrics_path"] = ep.path;
  if (!ep.params.empty())
    for (const auto& [k, v] : ep.params)
      for (const auto& x : v) job["params"][k].push_back(x);
  if (!ep.scheme.empty()) job["scheme"] = ep.scheme;

  YAML::Node rules(YAML::NodeType::Sequence);
  copy_rule(rules, "job", "__tmp_prometheus_job_name");
  const bool filter_running = !ep.filter_running || *ep.filter_running;
  if (sm) {
    selector_rules(rules, m.selector, "__meta_kubernetes_service_");
    const std::string slice = endpoints_role ? "__meta_kubernetes_endpoint_" : "__meta_kubernetes_endpointslice_";
    if (!ep.port.empty()) {
      rules.push_back(rule({{"action", scalar("keep")},
                            {"source_labels", seq({slice + "port_name"})},
                            {"regex", scalar(ep.port)}}));
    } else if (!ep.target_port.empty()) {
      rules.push_back(rule({{"action", scalar("keep")},
                            {"source_labels", seq({ep.target_port_is_number ? "__meta_kubernetes_pod_container_port_number"
                                                                            : "__meta_kubernetes_pod_container_port_name"})},
                            {"regex", scalar(ep.target_port)}}));
    }
    const std::string kind = endpoints_role ? "__meta_kubernetes_endpoint_address_target_" : slice + "address_target_";
    for (const char* k : {"Node", "Pod"})
      rules.push_back(rule({{"source_labels", seq({kind + "kind", kind + "name"})},
                            {"separator", scalar(";")},
                            {"regex", scalar(std::string(k) + ";(.*)")},
                            {"replacement", scalar("${1}")},
                            {"target_label", scalar(std::string(k) == "Node" ? "node" : "pod")}}));
    copy_rule(rules, "__meta_kubernetes_namespace", "namespace");
    copy_rule(rules, "__meta_kubernetes_service_name", "service");
    copy_rule(rules, "__meta_kubernetes_pod_name", "pod");
    copy_rule(rules, "__meta_kubernetes_pod_container_name", "container");
    if (filter_running) running_filter(rules);
    for (const auto& l : m.target_labels)
      rules.push_back(rule({{"source_labels", seq({"__meta_kubernetes_service_label_" + k8s::sanitize_label_name(l)})},
                            {"target_label", scalar(k8s::sanitize_label_name(l))},
                            {"regex", scalar("(.+)")},
                            {"replacement", scalar("${1}")}}));
  } else {
    if (filter_running) running_filter(rules);
    selector_rules(rules, m.selector, "__meta_kubernetes_pod_");
    if (!ep.port.empty())
      rules.push_back(rule({{"action", scalar("keep")},
                            {"source_labels", seq({"__meta_kubernetes_pod_container_port_name"})},
                            {"regex", scalar(ep.port)}}));
    else if (ep.port_number)
      rules.push_back(rule({{"action", scalar("keep")},
                            {"source_labels", seq({"__meta_kubernetes_pod_container_port_number"})},
                            {"regex", scalar(std::to_string(*ep.port_number))}}));
    else if (!ep.target_port.empty())
      rules.push_back(rule({{"action", scalar("keep")},
                            {"source_labels", seq({ep.target_port_is_number ? "__meta_kubernetes_pod_container_port_number"
                                                                            : "__meta_kubernetes_pod_container_port_name"})},
                            {"regex", scalar(ep.target_port)}}));
    copy_rule(rules, "__meta_kubernetes_namespace", "namespace");
    copy_rule(rules, "__meta_kubernetes_pod_container_name", "container");
    copy_rule(rules, "__meta_kubernetes_pod_name", "pod");
  }
  for (const auto& l : m.pod_target_labels)
    rules.push_back(rule({{"source_labels", seq({"__meta_kubernetes_pod_label_" + k8s::sanitize_label_name(l)})},
                          {"target_label", scalar(k8s::sanitize_label_name(l))},
                          {"regex", scalar("(.+)")},
                          {"replacement", scalar("${1}")}}));
  if (sm) {
    rules.push_back(rule({{"source_labels", seq({"__meta_kubernetes_service_name"})},
                          {"target_label", scalar("job")},
                          {"replacement", scalar("${1}")}}));
    if (!m.job_label.empty())
      rules.push_back(rule({{"source_labels", seq({"__meta_kubernetes_service_label_" + k8s::sanitize_label_name(m.job_label)})},
                            {"target_label", scalar("job")},
                            {"regex", scalar("(.+)")},
                            {"replacement", scalar("${1}")}}));
  } else {
    rules.push_back(rule({{"target_label", scalar("job")}, {"replacement", scalar(ns + "/" + m.meta.name)}}));
    if (!m.job_label.empty())
      rules.push_back(rule({{"source_labels", seq({"__meta_kubernetes_pod_label_" + k8s::sanitize_label_name(m.job_label)})},
                            {"target_label", scalar("job")},
                            {"regex", scalar("(.+)")},
                            {"replacement", scalar("${1}")}}));
  }
  std::string endpoint = !ep.port.empty() ? ep.port
                         : ep.port_number ? std::to_string(*ep.port_number)
                                          : ep.target_port;
  if (!endpoint.empty()) rules.push_back(rule({{"target_label", scalar("endpoint")}, {"replacement", scalar(endpoint)}}));
  if (ep.relabelings && ep.relabelings.IsSequence())
    for (const auto& r : ep.relabelings) rules.push_back(convert_relabeling(r));
  sharding_rules(rules);
  job["relabel_configs"] = rules;
  if (ep.metric_relabelings && ep.metric_relabelings.IsSequence()) {
    YAML::Node mr(YAML::NodeType::Sequence);
    for (const auto& r : ep.metric_relabelings) mr.push_back(convert_relabeling(r));
    job["metric_relabel_configs"] = mr;
  }
  return job;
}

std::vector<promconfig::ScrapeConfig> generate_scrape_configs(const Monitor& m, int64_t default_interval_ms) {
  std::vector<promconfig::ScrapeConfig> out;
  promconfig::GlobalConfig global;
  global.scrape_interval_ms = default_interval_ms;
  global.scrape_timeout_ms = std::min<int64_t>(10 * 1000, default_interval_ms);
  for (size_t i = 0; i < m.endpoints.size(); ++i) {
    YAML::Node job = generate_job_yaml(m, i, default_interval_ms);
    try {
      // Round-trip through text so the node is an ordinary parsed document.
      YAML::Emitter emitter;
      emitter << job;
      out.push_back(promconfig::parse_scrape_config(YAML::Load(emitter.c_str()), global, m.id()));
    } catch (const Error& e) {
      std::string what = e.what();
      if (auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
      throw Error(promconfig::position_of(m.endpoints[i].node, m.file),
                  m.id() + " endpoint " + std::to_string(i) + ": " + what);
    }
  }
  return out;
}

}  // namespace promotel::monitors

namespace promotel::monitors {

std::vector<promconfig::ScrapeConfig> generate_all(const std::vector<Monitor>& monitors, const MonitorSelection& sel,
                                                   const k8s::ObjectStore& objects, int64_t default_interval_ms,
                                                   std::vector<SkippedMonitor>* skipped) {
  std::vector<const Monitor*> order;
  for (const auto& m : monitors)
    if (selected(m, sel, objects)) order.push_back(&m);
  std::stable_sort(order.begin(), order.end(), [](const Monitor* a, const Monitor* b) {
    if (a->kind != b->kind) return a->kind == MonitorKind::kServiceMonitor;
    if (a->meta.namespace_ != b->meta.namespace_) return a->meta.namespace_ < b->meta.namespace_;
    return a->meta.name < b->meta.name;
  });
  std::vector<promconfig::ScrapeConfig> out;
  for (const Monitor* m : order) {
    try {
      auto jobs = generate_scrape_configs(*m, default_interval_ms);
      std::move(jobs.begin(), jobs.end(), std::back_inserter(out));
    } catch (const Error& e) {
      if (skipped) skipped->push_back({m->id(), e.what()});
    }
  }
  return out;
}

}  // namespace promotel::monitors

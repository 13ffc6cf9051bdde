#include "targetalloc/ta_config.h"

#include "common/input.h"
#include "promconfig/duration.h"
#include "targetalloc/allocator.h"

namespace promotel::targetalloc {

namespace {

std::vector<std::string> strings(const YAML::Node& n) {
  std::vector<std::string> out;
  if (n && n.IsSequence())
    for (const auto& e : n) out.push_back(e.Scalar());
  return out;
}

}  // namespace

bool is_ta_config(const YAML::Node& root) {
  if (!root.IsMap()) return false;
  for (const char* key : {"collector_namespace", "collector_selector", "allocation_strategy", "config",
                          "prometheus_cr", "filter_strategy", "allocation_fallback_strategy"})
    if (root[key]) return true;
  return false;
}

TaConfig parse_ta_config(const YAML::Node& root, const std::string& file, const std::string& base_dir) {
  TaConfig c;
  auto where = [&](const YAML::Node& n) { return promconfig::position_of(n, file); };
  auto text = [&](const YAML::Node& n) {
    if (!n.IsScalar()) throw Error(where(n), "must be a string");
    return n.Scalar();
  };
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string key = it->first.Scalar();
    const YAML::Node v = it->second;
    if (v.IsNull()) continue;
    if (key == "collector_namespace") {
      c.collector_namespace = text(v);
    } else if (key == "collector_selector") {
      c.collector_selector = k8s::parse_label_selector(v, file);
    } else if (key == "allocation_strategy") {
      c.allocation_strategy = text(v);
      if (!parse_strategy(c.allocation_strategy))
        throw Error(where(v), "unknown allocation strategy \"" + c.allocation_strategy + "\"");
    } else if (key == "allocation_fallback_strategy") {
      c.allocation_fallback_strategy = text(v);
    } else if (key == "allocation_strategy_config") {
      if (v["fallback_strategy"]) c.allocation_fallback_strategy = text(v["fallback_strategy"]);
    } else if (key == "filter_strategy") {
      c.filter_strategy = text(v);
      if (c.filter_strategy != "relabel-config" && !c.filter_strategy.empty())
        throw Error(where(v), "unknown filter strategy \"" + c.filter_strategy + "\"");
    } else if (key == "listen_addr") {
      c.listen_addr = text(v);
    } else if (key == "config") {
      c.prometheus = promconfig::parse_config(v, file, base_dir);
    } else if (key == "prometheus_cr") {
      auto& cr = c.prometheus_cr;
      for (auto p = v.begin(); p != v.end(); ++p) {
        const std::string k = p->first.Scalar();
        const YAML::Node pv = p->second;
        if (k == "enabled") {
          cr.enabled = text(pv) == "true";
        } else if (k == "scrape_interval") {
          auto d = promconfig::parse_duration(text(pv));
          if (!d) throw Error(where(pv), "not a valid duration string: \"" + pv.Scalar() + "\"");
          cr.scrape_interval_ms = *d;
        } else if (k == "service_monitor_selector") {
          if (!pv.IsNull()) cr.service_monitor_selector = k8s::parse_label_selector(pv, file);
        } else if (k == "pod_monitor_selector") {
          if (!pv.IsNull()) cr.pod_monitor_selector = k8s::parse_label_selector(pv, file);
        } else if (k == "service_monitor_namespace_selector") {
          cr.service_monitor_namespace_selector = k8s::parse_label_selector(pv, file);
        } else if (k == "pod_monitor_namespace_selector") {
          cr.pod_monitor_namespace_selector = k8s::parse_label_selector(pv, file);
        } else if (k == "allow_namespaces") {
          cr.allow_namespaces = strings(pv);
        } else if (k == "deny_namespaces") {
          cr.deny_namespaces = strings(pv);
        }
      }
      if (!cr.allow_namespaces.empty() && !cr.deny_namespaces.empty())
        throw Error(where(v), "allow_namespaces and deny_namespaces are mutually exclusive");
    }
  }
  if (!c.allocation_fallback_strategy.empty() && !parse_strategy(c.allocation_fallback_strategy))
    throw Error(where(root), "unknown allocation fallback strategy \"" + c.allocation_fallback_strategy + "\"");
  return c;
}

TaConfig load_any_config(const std::string& path) {
  Input in(path);
  std::string body = in.read_all();
  std::string dir = ".";
  if (auto slash = path.rfind('/'); slash != std::string::npos && path != "-")
    dir = slash == 0 ? "/" : path.substr(0, slash);
  YAML::Node root = promconfig::parse_yaml(body, in.name());
  if (is_ta_config(root)) return parse_ta_config(root, in.name(), dir);
  TaConfig c;
  c.prometheus = promconfig::parse_config(root, in.name(), dir);
  return c;
}

}  // namespace promotel::targetalloc

#include "monitors/validate.h"

#include <algorithm>
#include <set>

#include "promconfig/config.h"
#include "promconfig/duration.h"

namespace promotel::monitors {

std::string_view severity_name(Severity s) { return s == Severity::kError ? "error" : "warning"; }

namespace {

bool in_list(const std::vector<std::string>& list, const std::string& s) {
  return list.empty() || std::find(list.begin(), list.end(), s) != list.end();
}

// Regex metacharacters that change meaning when a matchLabels value is pasted into a regex.
bool has_regex_meta(const std::string& v) { return v.find_first_of(".*+?()[]{}|^$\\") != std::string::npos; }

class Checker {
 public:
  Checker(const Monitor& m, const k8s::ObjectStore& objects, std::vector<Finding>& out)
      : m_(m), objects_(objects), out_(out) {}

  void add(Severity sev, const YAML::Node& at, std::string check, std::string message) {
    SourcePosition where = promconfig::position_of(at && at.IsDefined() ? at : m_.node, m_.file);
    out_.push_back({sev, where, m_.id(), std::move(check), std::move(message)});
  }

  // Where the namespaces come from: namespaceSelector.matchNames, else metadata.namespace.
  YAML::Node namespace_node() const {
    const YAML::Node sel = spec("namespaceSelector");
    if (sel && sel.IsMap() && sel["matchNames"]) return sel["matchNames"];
    const YAML::Node md = m_.node["metadata"];
    if (md && md["namespace"]) return md["namespace"];
    return m_.node;
  }

  YAML::Node spec(const char* key) const {
    const YAML::Node s = m_.node["spec"];
    if (!s || !s[key]) return YAML::Node(YAML::NodeType::Undefined);
    return s[key];
  }

  void check_standalone(int64_t default_interval_ms) {
    for (const auto& [k, v] : m_.selector.match_labels)
      if (has_regex_meta(v))
        add(Severity::kWarning, spec("selector"), "selector-regex-metacharacters",
            "matchLabels value \"" + v + "\" of \"" + k +
                "\" contains regex metacharacters; the generated keep rule uses it as a regex, unescaped");
    for (size_t i = 0; i < m_.endpoints.size(); ++i) {
      const auto& ep = m_.endpoints[i];
      std::string at = "endpoint " + std::to_string(i) + ": ";
      std::optional<int64_t> interval = default_interval_ms, timeout;
      if (!ep.interval.empty()) {
        interval = promconfig::parse_duration(ep.interval);
        if (!interval) add(Severity::kError, ep.node["interval"], "invalid-duration", at + "interval \"" + ep.interval + "\" is not a valid duration");
      }
      if (!ep.scrape_timeout.empty()) {
        timeout = promconfig::parse_duration(ep.scrape_timeout);
        if (!timeout)
          add(Severity::kError, ep.node["scrapeTimeout"], "invalid-duration",
              at + "scrapeTimeout \"" + ep.scrape_timeout + "\" is not a valid duration");
      }
      if (interval && timeout && *timeout > *interval)
        add(Severity::kError, ep.node["scrapeTimeout"], "timeout-exceeds-interval",
            at + "scrapeTimeout " + ep.scrape_timeout + " is greater than the scrape interval " +
                promconfig::format_duration(*interval));
      if (m_.kind == MonitorKind::kServiceMonitor && ep.port.empty() && ep.target_port.empty())
        add(Severity::kWarning, ep.node, "no-port", at + "neither port nor targetPort is set: every port of the selected services is scraped");
      for (const char* key : {"relabelings", "metricRelabelings"}) {
        const YAML::Node rules = ep.node[key];
        if (!rules || !rules.IsSequence()) continue;
        for (size_t r = 0; r < rules.size(); ++r) {
          const YAML::Node rule = rules[r];
          try {
            YAML::Node list(YAML::NodeType::Sequence);
            list.push_back(convert_relabeling(rule));
            YAML::Emitter e;
            e << list;
            promconfig::parse_relabel_configs(YAML::Load(e.c_str()), m_.file);
          } catch (const Error& err) {
            std::string what = err.what();
            // Drop the position of the converted copy; the finding points at the original.
            if (auto c = what.find(": "); c != std::string::npos && what.rfind(m_.file, 0) == 0) what = what.substr(c + 2);
            add(Severity::kError, rule, "invalid-relabeling", at + std::string(key) + "[" + std::to_string(r) + "]: " + what);
          } catch (const std::exception& err) {
            add(Severity::kError, rule, "invalid-relabeling", at + std::string(key) + "[" + std::to_string(r) + "]: " + err.what());
          }
        }
      }
    }
  }

  void check_against_objects() {
    auto namespaces = m_.target_namespaces();
    for (const auto& ns : namespaces)
      if (!objects_.has_namespace(ns))
        add(Severity::kError, namespace_node(), "namespace-missing",
            "namespace \"" + ns + "\" does not exist in the objects");
    if (m_.kind == MonitorKind::kServiceMonitor)
      check_services(namespaces);
    else
      check_pods(namespaces);
  }

 private:
  std::vector<const k8s::Pod*> pods_of(const k8s::Service& svc) const {
    std::vector<const k8s::Pod*> out;
    for (const auto& slice : objects_.endpoint_slices) {
      auto it = slice.meta.labels.find("kubernetes.io/service-name");
      if (slice.meta.namespace_ != svc.meta.namespace_ || it == slice.meta.labels.end() || it->second != svc.meta.name)
        continue;
      for (const auto& ep : slice.endpoints)
        if (ep.target_kind == "Pod")
          if (const auto* p = objects_.find_pod(svc.meta.namespace_, ep.target_name)) out.push_back(p);
    }
    for (const auto& eps : objects_.endpoints) {
      if (eps.meta.namespace_ != svc.meta.namespace_ || eps.meta.name != svc.meta.name) continue;
      for (const auto& subset : eps.subsets)
        for (const auto* list : {&subset.addresses, &subset.not_ready_addresses})
          for (const auto& addr : *list)
            if (addr.target_kind == "Pod")
              if (const auto* p = objects_.find_pod(svc.meta.namespace_, addr.target_name)) out.push_back(p);
    }
    if (out.empty() && !svc.selector.empty()) {
      k8s::LabelSelector sel;
      sel.match_labels = svc.selector;
      for (const auto& p : objects_.pods)
        if (p.meta.namespace_ == svc.meta.namespace_ && sel.matches(p.meta.labels)) out.push_back(&p);
    }
    return out;
  }

  static bool pod_has_port(const k8s::Pod& pod, const std::string& name_or_number, bool is_number) {
    for (const auto& c : pod.containers)
      for (const auto& p : c.ports)
        if (is_number ? std::to_string(p.port) == name_or_number : p.name == name_or_number) return true;
    return false;
  }

  void check_services(const std::vector<std::string>& namespaces) {
    std::vector<const k8s::Service*> services;
    for (const auto& s : objects_.services)
      if (in_list(namespaces, s.meta.namespace_) && m_.selector.matches(s.meta.labels)) services.push_back(&s);
    if (services.empty()) {
      add(Severity::kError, spec("selector"), "selector-matches-nothing",
          "selector {" + m_.selector.to_string() + "} matches no Service in " + where(namespaces));
      return;
    }
    for (size_t i = 0; i < m_.endpoints.size(); ++i) {
      const auto& ep = m_.endpoints[i];
      std::string at = "endpoint " + std::to_string(i) + ": ";
      if (!ep.port.empty()) {
        bool found = std::any_of(services.begin(), services.end(), [&](const k8s::Service* s) {
          return std::any_of(s->ports.begin(), s->ports.end(), [&](const k8s::ServicePort& p) { return p.name == ep.port; });
        });
        if (!found)
          add(Severity::kError, ep.node["port"], "port-not-found",
              at + "port \"" + ep.port + "\" is not a port name of any selected Service (" + names(services) + ")");
      } else if (!ep.target_port.empty()) {
        bool found = false;
        for (const auto* s : services)
          for (const auto* p : pods_of(*s)) found = found || pod_has_port(*p, ep.target_port, ep.target_port_is_number);
        if (!found)
          add(Severity::kError, ep.node["targetPort"], "target-port-not-found",
              at + "targetPort " + ep.target_port + " matches no container port of the pods behind " + names(services));
      }
    }
  }

  void check_pods(const std::vector<std::string>& namespaces) {
    std::vector<const k8s::Pod*> pods;
    for (const auto& p : objects_.pods)
      if (in_list(namespaces, p.meta.namespace_) && m_.selector.matches(p.meta.labels)) pods.push_back(&p);
    if (pods.empty()) {
      add(Severity::kError, spec("selector"), "selector-matches-nothing",
          "selector {" + m_.selector.to_string() + "} matches no Pod in " + where(namespaces));
      return;
    }
    for (size_t i = 0; i < m_.endpoints.size(); ++i) {
      const auto& ep = m_.endpoints[i];
      std::string at = "endpoint " + std::to_string(i) + ": ";
      auto any = [&](const std::string& v, bool number) {
        return std::any_of(pods.begin(), pods.end(), [&](const k8s::Pod* p) { return pod_has_port(*p, v, number); });
      };
      if (!ep.port.empty() && !any(ep.port, false))
        add(Severity::kError, ep.node["port"], "port-not-found",
            at + "port \"" + ep.port + "\" is not a container port name of any selected Pod");
      else if (ep.port.empty() && ep.port_number && !any(std::to_string(*ep.port_number), true))
        add(Severity::kError, ep.node["portNumber"], "port-not-found",
            at + "portNumber " + std::to_string(*ep.port_number) + " is not a container port of any selected Pod");
      else if (ep.port.empty() && !ep.port_number && !ep.target_port.empty() && !any(ep.target_port, ep.target_port_is_number))
        add(Severity::kError, ep.node["targetPort"], "target-port-not-found",
            at + "targetPort " + ep.target_port + " matches no container port of the selected Pods");
    }
  }

  static std::string where(const std::vector<std::string>& namespaces) {
    if (namespaces.empty()) return "any namespace";
    std::string out = "namespace";
    if (namespaces.size() > 1) out += "s";
    for (size_t i = 0; i < namespaces.size(); ++i) out += (i ? ", " : " ") + namespaces[i];
    return out;
  }

  template <class T>
  static std::string names(const std::vector<const T*>& objs) {
    std::string out;
    for (const auto* o : objs) out += (out.empty() ? "" : ", ") + o->meta.namespace_ + "/" + o->meta.name;
    return out;
  }

  const Monitor& m_;
  const k8s::ObjectStore& objects_;
  std::vector<Finding>& out_;
};

}  // namespace

std::vector<Finding> validate_monitors(const std::vector<Monitor>& monitors, const k8s::ObjectStore& objects,
                                       bool have_objects, int64_t default_interval_ms) {
  std::vector<Finding> out;
  for (const auto& m : monitors) {
    Checker c(m, objects, out);
    c.check_standalone(default_interval_ms);
    if (have_objects) c.check_against_objects();
  }
  return out;
}

}  // namespace promotel::monitors

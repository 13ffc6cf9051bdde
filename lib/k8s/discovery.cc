#include "k8s/discovery.h"

#include <algorithm>
#include <map>
#include <optional>

namespace promotel::k8s {

namespace {

using relabel::LabelPair;
using Pairs = std::vector<LabelPair>;

void put(Pairs& out, std::string name, std::string value) {
  if (!value.empty()) out.push_back({std::move(name), std::move(value)});
}

void meta_labels(Pairs& out, const ObjectMeta& m, const std::string& role) {
  const std::string p = "__meta_kubernetes_" + role + "_";
  put(out, p + "name", m.name);
  put(out, "__meta_kubernetes_namespace", m.namespace_);
  for (const auto& [k, v] : m.labels) {
    std::string s = sanitize_label_name(k);
    put(out, p + "label_" + s, v);
    put(out, p + "labelpresent_" + s, "true");
  }
  for (const auto& [k, v] : m.annotations) {
    std::string s = sanitize_label_name(k);
    put(out, p + "annotation_" + s, v);
    put(out, p + "annotationpresent_" + s, "true");
  }
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Pairs pod_labels(const Pod& pod) {
  Pairs out;
  put(out, "__meta_kubernetes_pod_ip", pod.pod_ip);
  put(out, "__meta_kubernetes_pod_ready", pod.ready.empty() ? "unknown" : lower(pod.ready));
  put(out, "__meta_kubernetes_pod_phase", pod.phase);
  put(out, "__meta_kubernetes_pod_node_name", pod.node_name);
  put(out, "__meta_kubernetes_pod_host_ip", pod.host_ip);
  put(out, "__meta_kubernetes_pod_uid", pod.meta.uid);
  meta_labels(out, pod.meta, "pod");
  for (const auto& o : pod.meta.owners) {
    if (!o.controller) continue;
    put(out, "__meta_kubernetes_pod_controller_kind", o.kind);
    put(out, "__meta_kubernetes_pod_controller_name", o.name);
    break;
  }
  return out;
}

std::string join_host_port(const std::string& host, int port) {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port);
}

// protocol: the container port's, except for the endpoints role, which reports the
// protocol of the Endpoints port that matched.
void container_labels(Pairs& out, const Container& c, const ContainerPort& p, const std::string& protocol) {
  put(out, "__meta_kubernetes_pod_container_name", c.name);
  put(out, "__meta_kubernetes_pod_container_image", c.image);
  put(out, "__meta_kubernetes_pod_container_port_name", p.name);
  put(out, "__meta_kubernetes_pod_container_port_number", std::to_string(p.port));
  put(out, "__meta_kubernetes_pod_container_port_protocol", protocol);
  put(out, "__meta_kubernetes_pod_container_init", c.init ? "true" : "false");
}

void container_labels(Pairs& out, const Container& c, const ContainerPort& p) {
  container_labels(out, c, p, p.protocol);
}

// Targets for the container ports of the pods behind an endpoints object that none of its
// ports covered (both endpoint roles do this).
void uncovered_container_ports(promconfig::TargetGroup& g, const Pod& pod, const std::vector<int>& covered) {
  if (pod.pod_ip.empty()) return;
  for (const auto& c : pod.containers)
    for (const auto& cp : c.ports) {
      if (std::find(covered.begin(), covered.end(), cp.port) != covered.end()) continue;
      Pairs t;
      put(t, "__address__", join_host_port(pod.pod_ip, cp.port));
      container_labels(t, c, cp);
      Pairs pl = pod_labels(pod);
      t.insert(t.end(), pl.begin(), pl.end());
      g.targets.push_back(relabel::make_label_set(std::move(t)));
    }
}

// The pod an endpoint's targetRef names. Prometheus looks it up by the namespace and name the
// reference gives: one without a namespace finds no pod.
const Pod* referenced_pod(const ObjectStore& objects, const std::string& kind, const std::string& ns,
                          const std::string& name) {
  return kind == "Pod" ? objects.find_pod(ns, name) : nullptr;
}

// The labels of an endpoint's pod, then those of the pod's first container port numbered
// `port`, if there is one; `protocol`, when given, is reported instead of the port's own.
void attach_pod(Pairs& t, const Pod& pod, std::optional<int> port, const std::string* protocol) {
  Pairs pl = pod_labels(pod);
  t.insert(t.end(), pl.begin(), pl.end());
  if (!port) return;
  for (const auto& c : pod.containers)
    for (const auto& cp : c.ports)
      if (cp.port == *port) {
        container_labels(t, c, cp, protocol ? *protocol : cp.protocol);
        return;
      }
}

bool in_namespaces(const std::string& ns, const std::vector<std::string>& namespaces) {
  return namespaces.empty() || std::find(namespaces.begin(), namespaces.end(), ns) != namespaces.end();
}

const char* bool_text(bool b) { return b ? "true" : "false"; }

}  // namespace

std::string sanitize_label_name(std::string_view name) {
  std::string out(name);
  for (auto& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) c = '_';
  return out;
}

std::vector<promconfig::TargetGroup> discover_endpointslices(const ObjectStore& objects,
                                                             const std::vector<std::string>& namespaces) {
  std::vector<promconfig::TargetGroup> groups;
  for (const auto& slice : objects.endpoint_slices) {
    const std::string& ns = slice.meta.namespace_;
    if (!in_namespaces(ns, namespaces)) continue;
    const Service* svc = nullptr;
    if (auto it = slice.meta.labels.find("kubernetes.io/service-name"); it != slice.meta.labels.end())
      svc = objects.find_service(ns, it->second);
    if (svc && (svc->ip_family_policy == "PreferDualStack" || svc->ip_family_policy == "RequireDualStack") &&
        !svc->ip_families.empty() && slice.address_type != svc->ip_families[0])
      continue;

    promconfig::TargetGroup g;
    g.source = "endpointslice/" + ns + "/" + slice.meta.name;
    Pairs group;
    put(group, "__meta_kubernetes_namespace", ns);
    put(group, "__meta_kubernetes_endpointslice_name", slice.meta.name);
    put(group, "__meta_kubernetes_endpointslice_address_type", slice.address_type);
    for (const auto& [k, v] : slice.meta.labels) {
      std::string s = sanitize_label_name(k);
      put(group, "__meta_kubernetes_endpointslice_label_" + s, v);
      put(group, "__meta_kubernetes_endpointslice_labelpresent_" + s, "true");
    }
    for (const auto& [k, v] : slice.meta.annotations) {
      std::string s = sanitize_label_name(k);
      put(group, "__meta_kubernetes_endpointslice_annotation_" + s, v);
      put(group, "__meta_kubernetes_endpointslice_annotationpresent_" + s, "true");
    }
    if (svc) meta_labels(group, svc->meta, "service");
    g.labels = relabel::make_label_set(std::move(group));

    std::vector<const Pod*> seen;
    for (const auto& ep : slice.endpoints) {
      for (const auto& port : slice.ports) {
        for (const auto& addr : ep.addresses) {
          Pairs t;
          put(t, "__address__", port.port ? join_host_port(addr, *port.port) : addr);
          if (port.has_name) put(t, "__meta_kubernetes_endpointslice_port_name", port.name);
          if (port.has_protocol) put(t, "__meta_kubernetes_endpointslice_port_protocol", port.protocol);
          if (port.port) put(t, "__meta_kubernetes_endpointslice_port", std::to_string(*port.port));
          if (port.has_app_protocol)
            put(t, "__meta_kubernetes_endpointslice_port_app_protocol", port.app_protocol);
          if (ep.ready) put(t, "__meta_kubernetes_endpointslice_endpoint_conditions_ready", bool_text(*ep.ready));
          if (ep.serving) put(t, "__meta_kubernetes_endpointslice_endpoint_conditions_serving", bool_text(*ep.serving));
          if (ep.terminating)
            put(t, "__meta_kubernetes_endpointslice_endpoint_conditions_terminating", bool_text(*ep.terminating));
          put(t, "__meta_kubernetes_endpointslice_endpoint_hostname", ep.hostname);
          if (!ep.target_kind.empty() || !ep.target_name.empty()) {
            put(t, "__meta_kubernetes_endpointslice_address_target_kind", ep.target_kind);
            put(t, "__meta_kubernetes_endpointslice_address_target_name", ep.target_name);
          }
          put(t, "__meta_kubernetes_endpointslice_endpoint_node_name", ep.node_name);
          put(t, "__meta_kubernetes_endpointslice_endpoint_zone", ep.zone);
          if (const Pod* pod = referenced_pod(objects, ep.target_kind, ep.target_namespace, ep.target_name)) {
            if (std::find(seen.begin(), seen.end(), pod) == seen.end()) seen.push_back(pod);
            attach_pod(t, *pod, port.port, nullptr);
          }
          g.targets.push_back(relabel::make_label_set(std::move(t)));
        }
      }
    }
    std::vector<int> covered;
    for (const auto& p : slice.ports)
      if (p.port) covered.push_back(*p.port);
    for (const Pod* pod : seen) uncovered_container_ports(g, *pod, covered);
    groups.push_back(std::move(g));
  }
  return groups;
}

std::vector<promconfig::TargetGroup> discover_endpoints(const ObjectStore& objects,
                                                       const std::vector<std::string>& namespaces) {
  std::vector<promconfig::TargetGroup> groups;
  for (const auto& eps : objects.endpoints) {
    const std::string& ns = eps.meta.namespace_;
    if (!in_namespaces(ns, namespaces)) continue;
    promconfig::TargetGroup g;
    g.source = "endpoints/" + ns + "/" + eps.meta.name;
    Pairs group;
    put(group, "__meta_kubernetes_namespace", ns);
    if (const Service* svc = objects.find_service(ns, eps.meta.name)) meta_labels(group, svc->meta, "service");
    meta_labels(group, eps.meta, "endpoints");
    g.labels = relabel::make_label_set(std::move(group));

    // Per pod, the ports its addresses were listed with.
    std::vector<std::pair<const Pod*, std::vector<int>>> seen;
    auto add = [&](const EndpointAddress& addr, const EndpointPort& port, const char* ready) {
      Pairs t;
      put(t, "__address__", join_host_port(addr.ip, port.port));
      put(t, "__meta_kubernetes_endpoint_port_name", port.name);
      put(t, "__meta_kubernetes_endpoint_port_protocol", port.protocol);
      put(t, "__meta_kubernetes_endpoint_ready", ready);
      if (addr.has_target) {
        put(t, "__meta_kubernetes_endpoint_address_target_kind", addr.target_kind);
        put(t, "__meta_kubernetes_endpoint_address_target_name", addr.target_name);
      }
      if (addr.node_name) put(t, "__meta_kubernetes_endpoint_node_name", *addr.node_name);
      put(t, "__meta_kubernetes_endpoint_hostname", addr.hostname);
      if (const Pod* pod = referenced_pod(objects, addr.target_kind, addr.target_namespace, addr.target_name)) {
        auto it = std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == pod; });
        if (it == seen.end()) it = seen.insert(seen.end(), {pod, {}});
        it->second.push_back(port.port);
        attach_pod(t, *pod, port.port, &port.protocol);
      }
      g.targets.push_back(relabel::make_label_set(std::move(t)));
    };
    for (const auto& subset : eps.subsets)
      for (const auto& port : subset.ports) {
        for (const auto& addr : subset.addresses) add(addr, port, "true");
        for (const auto& addr : subset.not_ready_addresses) add(addr, port, "false");
      }
    for (const auto& [pod, ports] : seen) uncovered_container_ports(g, *pod, ports);
    groups.push_back(std::move(g));
  }
  return groups;
}

std::vector<promconfig::TargetGroup> discover_services(const ObjectStore& objects,
                                                      const std::vector<std::string>& namespaces) {
  std::vector<promconfig::TargetGroup> groups;
  for (const auto& svc : objects.services) {
    const std::string& ns = svc.meta.namespace_;
    if (!in_namespaces(ns, namespaces)) continue;
    promconfig::TargetGroup g;
    g.source = "svc/" + ns + "/" + svc.meta.name;
    Pairs group;
    meta_labels(group, svc.meta, "service");
    g.labels = relabel::make_label_set(std::move(group));
    for (const auto& port : svc.ports) {
      Pairs t;
      std::string number = std::to_string(port.port);
      put(t, "__address__", join_host_port(svc.meta.name + "." + ns + ".svc", port.port));
      put(t, "__meta_kubernetes_service_port_name", port.name);
      put(t, "__meta_kubernetes_service_port_number", number);
      put(t, "__meta_kubernetes_service_port_protocol", port.protocol);
      put(t, "__meta_kubernetes_service_type", svc.type);
      if (svc.type == "ExternalName")
        put(t, "__meta_kubernetes_service_external_name", svc.external_name);
      else
        put(t, "__meta_kubernetes_service_cluster_ip", svc.cluster_ip);
      if (svc.type == "LoadBalancer") put(t, "__meta_kubernetes_service_loadbalancer_ip", svc.load_balancer_ip);
      g.targets.push_back(relabel::make_label_set(std::move(t)));
    }
    groups.push_back(std::move(g));
  }
  return groups;
}

std::vector<promconfig::TargetGroup> discover_pods(const ObjectStore& objects,
                                                   const std::vector<std::string>& namespaces) {
  std::vector<promconfig::TargetGroup> groups;
  for (const auto& pod : objects.pods) {
    if (!in_namespaces(pod.meta.namespace_, namespaces)) continue;
    promconfig::TargetGroup g;
    g.source = "pod/" + pod.meta.namespace_ + "/" + pod.meta.name;
    if (pod.pod_ip.empty()) continue;
    g.labels = relabel::make_label_set(pod_labels(pod));
    for (const auto& c : pod.containers) {
      if (c.ports.empty()) {
        Pairs t;
        put(t, "__address__", pod.pod_ip);
        put(t, "__meta_kubernetes_pod_container_name", c.name);
        put(t, "__meta_kubernetes_pod_container_image", c.image);
        put(t, "__meta_kubernetes_pod_container_init", c.init ? "true" : "false");
        g.targets.push_back(relabel::make_label_set(std::move(t)));
        continue;
      }
      for (const auto& cp : c.ports) {
        Pairs t;
        put(t, "__address__", join_host_port(pod.pod_ip, cp.port));
        container_labels(t, c, cp);
        g.targets.push_back(relabel::make_label_set(std::move(t)));
      }
    }
    groups.push_back(std::move(g));
  }
  return groups;
}

std::vector<promconfig::TargetGroup> discover_nodes(const ObjectStore& objects) {
  // The address a node is scraped at: the first of the first of these types it has.
  static const char* const kPreference[] = {"InternalIP", "InternalDNS", "ExternalIP",
                                            "ExternalDNS", "LegacyHostIP", "Hostname"};
  std::vector<promconfig::TargetGroup> groups;
  for (const auto& node : objects.nodes) {
    const NodeAddress* chosen = nullptr;
    for (const char* type : kPreference) {
      auto it = std::find_if(node.addresses.begin(), node.addresses.end(),
                             [&](const NodeAddress& a) { return a.type == type; });
      if (it != node.addresses.end()) {
        chosen = &*it;
        break;
      }
    }
    if (!chosen) continue;  // Prometheus drops a node without a known address
    promconfig::TargetGroup g;
    g.source = "node/" + node.meta.name;
    Pairs group;
    put(group, "__meta_kubernetes_node_provider_id", node.provider_id);
    meta_labels(group, node.meta, "node");
    g.labels = relabel::make_label_set(std::move(group));
    Pairs t;
    put(t, "__address__", join_host_port(chosen->address, node.kubelet_port));
    put(t, "instance", node.meta.name);
    std::vector<std::string_view> types;  // the first address of each type is labelled
    for (const auto& a : node.addresses) {
      if (std::find(types.begin(), types.end(), a.type) != types.end()) continue;
      types.push_back(a.type);
      put(t, sanitize_label_name("__meta_kubernetes_node_address_" + a.type), a.address);
    }
    g.targets.push_back(relabel::make_label_set(std::move(t)));
    groups.push_back(std::move(g));
  }
  return groups;
}

namespace {

// A TLS host pattern: the host itself, or "*" for the first label and the same labels after it.
bool matches_host_pattern(std::string_view pattern, std::string_view host) {
  if (pattern == host) return true;
  if (pattern == "*") return host.find('.') == std::string_view::npos;
  if (!pattern.starts_with("*.")) return false;
  const size_t dot = host.find('.');
  return dot != std::string_view::npos && host.substr(dot) == pattern.substr(1);
}

}  // namespace

std::vector<promconfig::TargetGroup> discover_ingresses(const ObjectStore& objects,
                                                        const std::vector<std::string>& namespaces) {
  std::vector<promconfig::TargetGroup> groups;
  for (const auto& ingress : objects.ingresses) {
    if (!in_namespaces(ingress.meta.namespace_, namespaces)) continue;
    promconfig::TargetGroup g;
    g.source = "ingress/" + ingress.meta.namespace_ + "/" + ingress.meta.name;
    Pairs group;
    if (ingress.class_name) put(group, "__meta_kubernetes_ingress_class_name", *ingress.class_name);
    meta_labels(group, ingress.meta, "ingress");
    g.labels = relabel::make_label_set(std::move(group));
    for (const auto& rule : ingress.rules) {
      const bool tls = std::any_of(ingress.tls_hosts.begin(), ingress.tls_hosts.end(),
                                   [&](const std::string& p) { return matches_host_pattern(p, rule.host); });
      // A rule without http serves "/"; one with an empty path list serves nothing.
      const std::vector<std::string> root{"/"};
      for (const auto& path : rule.paths ? *rule.paths : root) {
        Pairs t;
        put(t, "__address__", rule.host);
        put(t, "__meta_kubernetes_ingress_scheme", tls ? "https" : "http");
        put(t, "__meta_kubernetes_ingress_host", rule.host);
        put(t, "__meta_kubernetes_ingress_path", path.empty() ? "/" : path);
        g.targets.push_back(relabel::make_label_set(std::move(t)));
      }
    }
    groups.push_back(std::move(g));
  }
  return groups;
}

namespace {

// A field of an object for a field selector; nullopt for one taplan does not model (the API
// server knows more: spec.schedulerName, spec.type, ...).
std::optional<std::string> field_of(const ObjectMeta& m, std::string_view field) {
  if (field == "metadata.name") return m.name;
  if (field == "metadata.namespace") return m.namespace_;
  return std::nullopt;
}
template <class T>
std::optional<std::string> field_of(const T& object, std::string_view field) {
  return field_of(object.meta, field);
}
template <>
std::optional<std::string> field_of(const Pod& pod, std::string_view field) {
  if (field == "spec.nodeName") return pod.node_name;
  if (field == "status.phase") return pod.phase;
  if (field == "status.podIP") return pod.pod_ip;
  return field_of(pod.meta, field);
}

struct ParsedSelector {
  LabelSelector labels;
  FieldSelector fields;
};

ParsedSelector parse(const promconfig::KubernetesSdConfig& sd, const promconfig::KubernetesSdConfig::Selector& s) {
  try {
    return ParsedSelector{parse_selector_string(s.label), parse_field_selector(s.field)};
  } catch (const Error& e) {
    throw Error(sd.position, std::string("selectors: ") + e.what());
  }
}

template <class T>
void keep_selected(std::vector<T>& objects, const ParsedSelector& s) {
  std::erase_if(objects, [&](const T& o) {
    if (!s.labels.matches(o.meta.labels)) return true;
    for (const auto& r : s.fields.requirements) {
      std::optional<std::string> value = field_of(o, r.field);
      if (value && (*value == r.value) == r.negated) return true;  // unmodelled fields: ignored
    }
    return false;
  });
}

// The objects the selectors let the role's informers see (each selector filters its role's
// objects: the endpoints roles look pods and services up among the selected ones only).
ObjectStore selected_objects(const promconfig::KubernetesSdConfig& sd, const ObjectStore& objects) {
  ObjectStore out = objects;
  for (const auto& s : sd.selectors) {
    const ParsedSelector p = parse(sd, s);
    if (s.role == "pod") keep_selected(out.pods, p);
    else if (s.role == "service") keep_selected(out.services, p);
    else if (s.role == "endpointslice") keep_selected(out.endpoint_slices, p);
    else if (s.role == "endpoints") keep_selected(out.endpoints, p);
    else if (s.role == "node") keep_selected(out.nodes, p);
    else if (s.role == "ingress") keep_selected(out.ingresses, p);
  }
  return out;
}

}  // namespace

std::vector<std::string> check_selectors(const promconfig::KubernetesSdConfig& sd) {
  std::vector<std::string> unmodelled;
  for (const auto& s : sd.selectors) {
    const ParsedSelector p = parse(sd, s);
    for (const auto& r : p.fields.requirements) {
      const bool known = s.role == "pod" ? field_of(Pod{}, r.field).has_value() : field_of(ObjectMeta{}, r.field).has_value();
      if (!known) unmodelled.push_back("field \"" + r.field + "\" of the " + s.role + " selector");
    }
  }
  return unmodelled;
}

std::vector<promconfig::TargetGroup> discover_kubernetes(const promconfig::ScrapeConfig& job,
                                                         const ObjectStore& all_objects,
                                                         const std::string& own_namespace) {
  std::vector<promconfig::TargetGroup> out;
  for (const auto& config : job.kubernetes_sd_configs) {
    // As Prometheus: own_namespace adds the discoverer's namespace to the names; with no names
    // and no known own namespace, nothing is watched.
    promconfig::KubernetesSdConfig sd = config;
    if (sd.own_namespace) {
      if (own_namespace.empty() && sd.namespaces.empty()) continue;
      if (!own_namespace.empty()) sd.namespaces.push_back(own_namespace);
    }
    std::optional<ObjectStore> selected;
    if (!sd.selectors.empty()) selected = selected_objects(sd, all_objects);
    const ObjectStore& objects = selected ? *selected : all_objects;
    std::vector<promconfig::TargetGroup> more;
    if (sd.role == "endpointslice")
      more = discover_endpointslices(objects, sd.namespaces);
    else if (sd.role == "endpoints")
      more = discover_endpoints(objects, sd.namespaces);
    else if (sd.role == "service")
      more = discover_services(objects, sd.namespaces);
    else if (sd.role == "pod")
      more = discover_pods(objects, sd.namespaces);
    else if (sd.role == "node")
      more = discover_nodes(objects);
    else if (sd.role == "ingress")
      more = discover_ingresses(objects, sd.namespaces);
    std::move(more.begin(), more.end(), std::back_inserter(out));
  }
  return out;
}

}  // namespace promotel::k8s

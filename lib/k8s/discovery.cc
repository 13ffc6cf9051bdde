#include "k8s/discovery.h"

#include <algorithm>
#include <map>

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

void container_labels(Pairs& out, const Container& c, const ContainerPort& p) {
  put(out, "__meta_kubernetes_pod_container_name", c.name);
  put(out, "__meta_kubernetes_pod_container_image", c.image);
  put(out, "__meta_kubernetes_pod_container_port_name", p.name);
  put(out, "__meta_kubernetes_pod_container_port_number", std::to_string(p.port));
  put(out, "__meta_kubernetes_pod_container_port_protocol", p.protocol);
  put(out, "__meta_kubernetes_pod_container_init", c.init ? "true" : "false");
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

    struct SeenPod {
      const Pod* pod;
    };
    std::vector<SeenPod> seen;
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
          const Pod* pod = nullptr;
          if (ep.target_kind == "Pod")
            pod = objects.find_pod(ep.target_namespace.empty() ? ns : ep.target_namespace, ep.target_name);
          if (pod) {
            if (std::none_of(seen.begin(), seen.end(), [&](const SeenPod& s) { return s.pod == pod; }))
              seen.push_back({pod});
            Pairs pl = pod_labels(*pod);
            t.insert(t.end(), pl.begin(), pl.end());
            bool matched = false;
            for (const auto& c : pod->containers) {
              for (const auto& cp : c.ports) {
                if (port.port && *port.port == cp.port) {
                  container_labels(t, c, cp);
                  matched = true;
                  break;
                }
              }
              if (matched) break;
            }
          }
          g.targets.push_back(relabel::make_label_set(std::move(t)));
        }
      }
    }
    for (const auto& s : seen) {
      const Pod& pod = *s.pod;
      if (pod.pod_ip.empty()) continue;
      for (const auto& c : pod.containers) {
        for (const auto& cp : c.ports) {
          bool covered = std::any_of(slice.ports.begin(), slice.ports.end(), [&](const EndpointSlicePort& p) {
            return p.port && *p.port == cp.port;
          });
          if (covered) continue;
          Pairs t;
          put(t, "__address__", join_host_port(pod.pod_ip, cp.port));
          container_labels(t, c, cp);
          Pairs pl = pod_labels(pod);
          t.insert(t.end(), pl.begin(), pl.end());
          g.targets.push_back(relabel::make_label_set(std::move(t)));
        }
      }
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

std::vector<promconfig::TargetGroup> discover_kubernetes(const promconfig::ScrapeConfig& job,
                                                         const ObjectStore& objects) {
  std::vector<promconfig::TargetGroup> out;
  for (const auto& sd : job.kubernetes_sd_configs) {
    std::vector<promconfig::TargetGroup> more;
    if (sd.role == "endpointslice")
      more = discover_endpointslices(objects, sd.namespaces);
    else if (sd.role == "pod")
      more = discover_pods(objects, sd.namespaces);
    std::move(more.begin(), more.end(), std::back_inserter(out));
  }
  return out;
}

}  // namespace promotel::k8s

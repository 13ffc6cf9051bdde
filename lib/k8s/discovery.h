#pragma once

#include <string>
#include <vector>

#include "k8s/objects.h"
#include "promconfig/config.h"
#include "promconfig/targets.h"

namespace promotel::k8s {

// Prometheus' label-name sanitising: every byte outside [a-zA-Z0-9_] becomes '_'.
std::string sanitize_label_name(std::string_view name);

// Kubernetes service discovery over dumped objects, as Prometheus 3 does it, for every role
// (endpointslice, endpoints, service, pod, node, ingress). namespaces empty = all; nodes have
// none.
std::vector<promconfig::TargetGroup> discover_endpointslices(const ObjectStore& objects,
                                                             const std::vector<std::string>& namespaces);
std::vector<promconfig::TargetGroup> discover_endpoints(const ObjectStore& objects,
                                                       const std::vector<std::string>& namespaces);
std::vector<promconfig::TargetGroup> discover_services(const ObjectStore& objects,
                                                      const std::vector<std::string>& namespaces);
std::vector<promconfig::TargetGroup> discover_pods(const ObjectStore& objects,
                                                   const std::vector<std::string>& namespaces);

std::vector<promconfig::TargetGroup> discover_nodes(const ObjectStore& objects);
std::vector<promconfig::TargetGroup> discover_ingresses(const ObjectStore& objects,
                                                        const std::vector<std::string>& namespaces);

// Checks the selectors of a kubernetes_sd_config (throws promotel::Error at its position on bad
// syntax); returns the field-selector fields taplan does not model, which discovery ignores.
std::vector<std::string> check_selectors(const promconfig::KubernetesSdConfig& sd);

// Runs every kubernetes_sd_config of a job against the objects, with its selectors applied.
// own_namespace: the namespace the discoverer runs in (namespaces.own_namespace), "" unknown.
std::vector<promconfig::TargetGroup> discover_kubernetes(const promconfig::ScrapeConfig& job,
                                                         const ObjectStore& objects,
                                                         const std::string& own_namespace = "");

}  // namespace promotel::k8s

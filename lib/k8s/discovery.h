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

// Runs every kubernetes_sd_config of a job against the objects.
std::vector<promconfig::TargetGroup> discover_kubernetes(const promconfig::ScrapeConfig& job,
                                                         const ObjectStore& objects);

}  // namespace promotel::k8s

#pragma once

#include <string>
#include <vector>

#include "k8s/objects.h"
#include "promconfig/config.h"
#include "promconfig/targets.h"

namespace promotel::k8s {

// Prometheus' label-name sanitising: every byte outside [a-zA-Z0-9_] becomes '_'.
std::string sanitize_label_name(std::string_view name);

// Kubernetes service discovery over dumped objects, as Prometheus 3 does it, for the
// endpointslice, endpoints, service, pod and node roles (ingress yields nothing; see
// role_is_modelled). namespaces empty = all; nodes have none.
std::vector<promconfig::TargetGroup> discover_endpointslices(const ObjectStore& objects,
                                                             const std::vector<std::string>& namespaces);
std::vector<promconfig::TargetGroup> discover_endpoints(const ObjectStore& objects,
                                                       const std::vector<std::string>& namespaces);
std::vector<promconfig::TargetGroup> discover_services(const ObjectStore& objects,
                                                      const std::vector<std::string>& namespaces);
std::vector<promconfig::TargetGroup> discover_pods(const ObjectStore& objects,
                                                   const std::vector<std::string>& namespaces);

std::vector<promconfig::TargetGroup> discover_nodes(const ObjectStore& objects);

bool role_is_modelled(const std::string& role);

// Runs every kubernetes_sd_config of a job against the objects.
std::vector<promconfig::TargetGroup> discover_kubernetes(const promconfig::ScrapeConfig& job,
                                                         const ObjectStore& objects);

}  // namespace promotel::k8s

#pragma once

#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/error.h"
#include "k8s/selector.h"

namespace promotel::k8s {

struct OwnerReference {
  std::string kind, name;
  bool controller = false;
};

struct ObjectMeta {
  std::string name, namespace_, uid;
  StringMap labels, annotations;
  std::vector<OwnerReference> owners;
  bool deleting = false;  // deletionTimestamp set
  SourcePosition position;
};

struct ContainerPort {
  std::string name;
  int port = 0;
  std::string protocol = "TCP";
};

struct Container {
  std::string name, image;
  std::vector<ContainerPort> ports;
  bool init = false;
};

struct Pod {
  ObjectMeta meta;
  std::string node_name, pod_ip, host_ip, phase;
  std::string ready;                  // the Ready condition's status ("True"/"False"/...), "" if none
  std::string ready_transition_time;  // its lastTransitionTime
  std::string start_time;
  std::vector<Container> containers;  // regular containers, then init containers
};

struct ServicePort {
  std::string name, protocol = "TCP", target_port;  // target_port as written (number or name)
  int port = 0;
};

struct Service {
  ObjectMeta meta;
  std::string ip_family_policy;
  std::vector<std::string> ip_families;
  std::vector<ServicePort> ports;
  StringMap selector;  // spec.selector
  std::string cluster_ip, type, external_name, load_balancer_ip;
};

struct EndpointSlicePort {
  std::string name, protocol, app_protocol;
  std::optional<int> port;
  bool has_name = false, has_protocol = false, has_app_protocol = false;
};

struct Endpoint {
  std::vector<std::string> addresses;
  std::optional<bool> ready, serving, terminating;
  std::string hostname, node_name, zone;
  std::string target_kind, target_name, target_namespace;
};

struct EndpointSlice {
  ObjectMeta meta;
  std::string address_type;
  std::vector<Endpoint> endpoints;
  std::vector<EndpointSlicePort> ports;
};

// The legacy v1 Endpoints object (role: endpoints), one per Service.
struct EndpointAddress {
  std::string ip, hostname;
  std::optional<std::string> node_name;
  bool has_target = false;
  std::string target_kind, target_name, target_namespace;
};

struct EndpointPort {
  std::string name, protocol = "TCP";
  int port = 0;
};

struct EndpointSubset {
  std::vector<EndpointAddress> addresses, not_ready_addresses;
  std::vector<EndpointPort> ports;
};

struct Endpoints {
  ObjectMeta meta;
  std::vector<EndpointSubset> subsets;
};

struct Namespace {
  ObjectMeta meta;
};

struct NodeAddress {
  std::string type, address;  // type: InternalIP, ExternalIP, Hostname, ...
};

struct Node {
  ObjectMeta meta;
  std::string provider_id;           // spec.providerID
  std::vector<NodeAddress> addresses;  // status.addresses, in order
  int kubelet_port = 0;              // status.daemonEndpoints.kubeletEndpoint.Port
};

struct IngressRule {
  std::string host;
  std::optional<std::vector<std::string>> paths;  // http.paths[].path; none without http
};

struct Ingress {
  ObjectMeta meta;
  std::optional<std::string> class_name;  // spec.ingressClassName
  std::vector<IngressRule> rules;
  std::vector<std::string> tls_hosts;  // spec.tls[].hosts, all of them
};

// Everything read from `kubectl get -o yaml` dumps (single objects, multi-document streams,
// kind: List). Unknown kinds are kept aside (monitors are read by the monitors module).
struct ObjectStore {
  std::vector<Pod> pods;
  std::vector<Service> services;
  std::vector<EndpointSlice> endpoint_slices;
  std::vector<Endpoints> endpoints;
  std::vector<Namespace> namespaces;
  std::vector<Node> nodes;
  std::vector<Ingress> ingresses;
  std::vector<std::pair<YAML::Node, std::string>> others;  // (object, file)

  const Pod* find_pod(const std::string& ns, const std::string& name) const;
  const Service* find_service(const std::string& ns, const std::string& name) const;
  bool has_namespace(const std::string& name) const;
  // Namespaces: the dumped Namespace objects plus any namespace an object lives in.
  std::vector<std::string> namespace_names() const;
  const Namespace* find_namespace(const std::string& name) const;
};

// Adds the objects of one YAML text (multi-doc, Lists) to the store.
void load_objects(std::string_view text, const std::string& file, ObjectStore& store);
void load_object_file(const std::string& path, ObjectStore& store);
// Every object of a YAML text, with Lists flattened (for readers of other kinds).
std::vector<YAML::Node> flatten_objects(std::string_view text, const std::string& file);

ObjectMeta parse_meta(const YAML::Node& object, const std::string& file);
Pod parse_pod(const YAML::Node& object, const std::string& file);

}  // namespace promotel::k8s

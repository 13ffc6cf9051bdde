#include "k8s/objects.h"

#include <algorithm>
#include <set>

#include "common/input.h"
#include "promconfig/config.h"

namespace promotel::k8s {

namespace {

std::string str(const YAML::Node& n) {
  return n && n.IsScalar() ? n.Scalar() : std::string();
}

int num(const YAML::Node& n, const std::string& file) {
  if (!n || !n.IsScalar()) return 0;
  try {
    return std::stoi(n.Scalar());
  } catch (...) {
    throw Error(promconfig::position_of(n, file), "\"" + n.Scalar() + "\" is not a port number");
  }
}

std::optional<bool> opt_bool(const YAML::Node& n) {
  if (!n || !n.IsScalar()) return std::nullopt;
  return n.Scalar() == "true";
}

StringMap string_map(const YAML::Node& n) {
  StringMap out;
  if (n && n.IsMap())
    for (auto it = n.begin(); it != n.end(); ++it) out[it->first.Scalar()] = str(it->second);
  return out;
}

Service parse_service(const YAML::Node& o, const std::string& file) {
  Service s;
  s.meta = parse_meta(o, file);
  const YAML::Node spec = o["spec"];
  if (!spec) return s;
  s.ip_family_policy = str(spec["ipFamilyPolicy"]);
  if (spec["ipFamilies"])
    for (const auto& f : spec["ipFamilies"]) s.ip_families.push_back(str(f));
  s.cluster_ip = str(spec["clusterIP"]);
  s.selector = string_map(spec["selector"]);
  s.type = str(spec["type"]);
  s.external_name = str(spec["externalName"]);
  s.load_balancer_ip = str(spec["loadBalancerIP"]);
  if (spec["ports"])
    for (const auto& p : spec["ports"]) {
      ServicePort sp;
      sp.name = str(p["name"]);
      if (p["protocol"]) sp.protocol = str(p["protocol"]);
      sp.port = num(p["port"], file);
      sp.target_port = p["targetPort"] ? str(p["targetPort"]) : std::to_string(sp.port);
      s.ports.push_back(std::move(sp));
    }
  return s;
}

EndpointSlice parse_slice(const YAML::Node& o, const std::string& file) {
  EndpointSlice s;
  s.meta = parse_meta(o, file);
  s.address_type = str(o["addressType"]);
  if (o["endpoints"] && o["endpoints"].IsSequence())
    for (const auto& e : o["endpoints"]) {
      Endpoint ep;
      if (e["addresses"])
        for (const auto& a : e["addresses"]) ep.addresses.push_back(str(a));
      if (const YAML::Node c = e["conditions"]) {
        ep.ready = opt_bool(c["ready"]);
        ep.serving = opt_bool(c["serving"]);
        ep.terminating = opt_bool(c["terminating"]);
      }
      ep.hostname = str(e["hostname"]);
      ep.node_name = str(e["nodeName"]);
      ep.zone = str(e["zone"]);
      if (const YAML::Node t = e["targetRef"]) {
        ep.target_kind = str(t["kind"]);
        ep.target_name = str(t["name"]);
        ep.target_namespace = str(t["namespace"]);
      }
      s.endpoints.push_back(std::move(ep));
    }
  if (o["ports"] && o["ports"].IsSequence())
    for (const auto& p : o["ports"]) {
      EndpointSlicePort sp;
      sp.has_name = static_cast<bool>(p["name"]);
      sp.name = str(p["name"]);
      sp.has_protocol = static_cast<bool>(p["protocol"]);
      sp.protocol = str(p["protocol"]);
      sp.has_app_protocol = static_cast<bool>(p["appProtocol"]);
      sp.app_protocol = str(p["appProtocol"]);
      if (p["port"]) sp.port = num(p["port"], file);
      s.ports.push_back(std::move(sp));
    }
  return s;
}

EndpointAddress parse_endpoint_address(const YAML::Node& a) {
  EndpointAddress out;
  out.ip = str(a["ip"]);
  out.hostname = str(a["hostname"]);
  if (a["nodeName"] && a["nodeName"].IsScalar()) out.node_name = a["nodeName"].Scalar();
  if (const YAML::Node t = a["targetRef"]; t && t.IsMap()) {
    out.has_target = true;
    out.target_kind = str(t["kind"]);
    out.target_name = str(t["name"]);
    out.target_namespace = str(t["namespace"]);
  }
  return out;
}

Endpoints parse_endpoints(const YAML::Node& o, const std::string& file) {
  Endpoints e;
  e.meta = parse_meta(o, file);
  if (!o["subsets"] || !o["subsets"].IsSequence()) return e;
  for (const auto& s : o["subsets"]) {
    EndpointSubset subset;
    if (s["addresses"])
      for (const auto& a : s["addresses"]) subset.addresses.push_back(parse_endpoint_address(a));
    if (s["notReadyAddresses"])
      for (const auto& a : s["notReadyAddresses"]) subset.not_ready_addresses.push_back(parse_endpoint_address(a));
    if (s["ports"])
      for (const auto& p : s["ports"]) {
        EndpointPort port;
        port.name = str(p["name"]);
        if (p["protocol"]) port.protocol = str(p["protocol"]);
        port.port = num(p["port"], file);
        subset.ports.push_back(std::move(port));
      }
    e.subsets.push_back(std::move(subset));
  }
  return e;
}

Node parse_node(const YAML::Node& o, const std::string& file) {
  Node n;
  n.meta = parse_meta(o, file);
  if (const YAML::Node spec = o["spec"]) n.provider_id = str(spec["providerID"]);
  const YAML::Node status = o["status"];
  if (!status) return n;
  if (const YAML::Node addresses = status["addresses"]; addresses && addresses.IsSequence())
    for (const auto& a : addresses) n.addresses.push_back({str(a["type"]), str(a["address"])});
  if (const YAML::Node d = status["daemonEndpoints"])
    if (const YAML::Node k = d["kubeletEndpoint"]) n.kubelet_port = num(k["Port"], file);
  return n;
}

Ingress parse_ingress(const YAML::Node& o, const std::string& file) {
  Ingress in;
  in.meta = parse_meta(o, file);
  const YAML::Node spec = o["spec"];
  if (!spec || !spec.IsMap()) return in;
  if (spec["ingressClassName"] && spec["ingressClassName"].IsScalar()) in.class_name = str(spec["ingressClassName"]);
  if (const YAML::Node rules = spec["rules"]; rules && rules.IsSequence())
    for (const auto& r : rules) {
      IngressRule rule;
      rule.host = str(r["host"]);
      if (const YAML::Node http = r["http"]; http && http.IsMap()) {
        rule.paths.emplace();
        if (const YAML::Node paths = http["paths"]; paths && paths.IsSequence())
          for (const auto& p : paths) rule.paths->push_back(str(p["path"]));
      }
      in.rules.push_back(std::move(rule));
    }
  if (const YAML::Node tls = spec["tls"]; tls && tls.IsSequence())
    for (const auto& t : tls)
      if (const YAML::Node hosts = t["hosts"]; hosts && hosts.IsSequence())
        for (const auto& h : hosts) in.tls_hosts.push_back(str(h));
  return in;
}

void add_object(const YAML::Node& o, const std::string& file, ObjectStore& store) {
  std::string kind = str(o["kind"]);
  if (kind == "Pod")
    store.pods.push_back(parse_pod(o, file));
  else if (kind == "Service")
    store.services.push_back(parse_service(o, file));
  else if (kind == "EndpointSlice")
    store.endpoint_slices.push_back(parse_slice(o, file));
  else if (kind == "Endpoints")
    store.endpoints.push_back(parse_endpoints(o, file));
  else if (kind == "Namespace")
    store.namespaces.push_back({parse_meta(o, file)});
  else if (kind == "Node")
    store.nodes.push_back(parse_node(o, file));
  else if (kind == "Ingress")
    store.ingresses.push_back(parse_ingress(o, file));
  else
    store.others.emplace_back(o, file);
}

}  // namespace

ObjectMeta parse_meta(const YAML::Node& o, const std::string& file) {
  ObjectMeta m;
  m.position = promconfig::position_of(o, file);
  const YAML::Node md = o["metadata"];
  if (!md) return m;
  m.name = str(md["name"]);
  m.namespace_ = str(md["namespace"]);
  m.uid = str(md["uid"]);
  m.labels = string_map(md["labels"]);
  m.annotations = string_map(md["annotations"]);
  m.deleting = md["deletionTimestamp"] && !md["deletionTimestamp"].IsNull();
  if (md["ownerReferences"])
    for (const auto& r : md["ownerReferences"])
      m.owners.push_back({str(r["kind"]), str(r["name"]), str(r["controller"]) == "true"});
  return m;
}

Pod parse_pod(const YAML::Node& o, const std::string& file) {
  Pod p;
  p.meta = parse_meta(o, file);
  if (const YAML::Node spec = o["spec"]) {
    p.node_name = str(spec["nodeName"]);
    for (const char* key : {"containers", "initContainers"}) {
      if (!spec[key]) continue;
      for (const auto& c : spec[key]) {
        Container ct;
        ct.name = str(c["name"]);
        ct.image = str(c["image"]);
        ct.init = std::string_view(key) == "initContainers";
        if (c["ports"])
          for (const auto& port : c["ports"]) {
            ContainerPort cp;
            cp.name = str(port["name"]);
            cp.port = num(port["containerPort"], file);
            if (port["protocol"]) cp.protocol = str(port["protocol"]);
            ct.ports.push_back(std::move(cp));
          }
        p.containers.push_back(std::move(ct));
      }
    }
  }
  if (const YAML::Node status = o["status"]) {
    p.pod_ip = str(status["podIP"]);
    p.host_ip = str(status["hostIP"]);
    p.phase = str(status["phase"]);
    p.start_time = str(status["startTime"]);
    if (status["conditions"])
      for (const auto& c : status["conditions"])
        if (str(c["type"]) == "Ready") {
          p.ready = str(c["status"]);
          p.ready_transition_time = str(c["lastTransitionTime"]);
        }
  }
  return p;
}

std::vector<YAML::Node> flatten_objects(std::string_view text, const std::string& file) {
  std::vector<YAML::Node> out;
  for (const auto& doc : promconfig::parse_yaml_documents(text, file)) {
    if (!doc || doc.IsNull()) continue;
    if (!doc.IsMap()) throw Error(promconfig::position_of(doc, file), "a Kubernetes object must be a mapping");
    std::string kind = str(doc["kind"]);
    if (kind.size() >= 4 && kind.ends_with("List") && doc["items"]) {
      for (const auto& item : doc["items"]) out.push_back(item);
    } else {
      out.push_back(doc);
    }
  }
  return out;
}

void load_objects(std::string_view text, const std::string& file, ObjectStore& store) {
  promconfig::with_yaml_positions(file, [&] {
    for (const auto& o : flatten_objects(text, file)) add_object(o, file, store);
  });
}

void load_object_file(const std::string& path, ObjectStore& store) {
  Input in(path);
  std::string text = in.read_all();
  load_objects(text, in.name(), store);
}

const Pod* ObjectStore::find_pod(const std::string& ns, const std::string& name) const {
  for (const auto& p : pods)
    if (p.meta.namespace_ == ns && p.meta.name == name) return &p;
  return nullptr;
}

const Service* ObjectStore::find_service(const std::string& ns, const std::string& name) const {
  for (const auto& s : services)
    if (s.meta.namespace_ == ns && s.meta.name == name) return &s;
  return nullptr;
}

const Namespace* ObjectStore::find_namespace(const std::string& name) const {
  for (const auto& n : namespaces)
    if (n.meta.name == name) return &n;
  return nullptr;
}

bool ObjectStore::has_namespace(const std::string& name) const {
  auto all = namespace_names();
  return std::find(all.begin(), all.end(), name) != all.end();
}

std::vector<std::string> ObjectStore::namespace_names() const {
  std::set<std::string> names;
  for (const auto& n : namespaces) names.insert(n.meta.name);
  for (const auto& p : pods) names.insert(p.meta.namespace_);
  for (const auto& s : services) names.insert(s.meta.namespace_);
  for (const auto& s : endpoint_slices) names.insert(s.meta.namespace_);
  for (const auto& e : endpoints) names.insert(e.meta.namespace_);
  names.erase("");
  return {names.begin(), names.end()};
}

}  // namespace promotel::k8s

#include <gtest/gtest.h>

#include "k8s/discovery.h"
#include "k8s/objects.h"
#include "k8s/selector.h"
#include "promconfig/config.h"

namespace promotel::k8s {
namespace {

using relabel::find_label;

TEST(Selector, MatchLabelsAndExpressions) {
  auto s = parse_label_selector(YAML::Load(R"(
matchLabels: {app: web}
matchExpressions:
  - {key: tier, operator: In, values: [a, b]}
  - {key: legacy, operator: DoesNotExist}
  - {key: env, operator: NotIn, values: [dev]}
  - {key: team, operator: Exists}
)"), "s.yml");
  EXPECT_TRUE(s.matches({{"app", "web"}, {"tier", "a"}, {"team", "x"}}));
  EXPECT_FALSE(s.matches({{"app", "web"}, {"tier", "c"}, {"team", "x"}}));
  EXPECT_FALSE(s.matches({{"app", "web"}, {"tier", "a"}, {"team", "x"}, {"legacy", ""}}));
  EXPECT_FALSE(s.matches({{"app", "web"}, {"tier", "a"}, {"team", "x"}, {"env", "dev"}}));
  EXPECT_FALSE(s.matches({{"app", "web"}, {"tier", "a"}}));
  EXPECT_TRUE(LabelSelector{}.matches({}));
  EXPECT_THROW(parse_label_selector(YAML::Load("matchExpressions: [{key: a, operator: Like}]"), "s.yml"), Error);
  EXPECT_THROW(parse_label_selector(YAML::Load("matchExpressions: [{key: a, operator: In}]"), "s.yml"), Error);
}

TEST(Selector, CommandLineForm) {
  auto s = parse_selector_string("app=web,tier!=db,team,!legacy");
  EXPECT_TRUE(s.matches({{"app", "web"}, {"team", "t"}}));
  EXPECT_FALSE(s.matches({{"app", "web"}, {"team", "t"}, {"tier", "db"}}));
  EXPECT_FALSE(s.matches({{"app", "web"}, {"team", "t"}, {"legacy", "1"}}));
  EXPECT_EQ(s.to_string(), "app=web,tier notin (db),team,!legacy");
}

// Kubernetes' whole string syntax, as kubernetes_sd_configs selectors are written.
TEST(Selector, SetBasedStringForm) {
  auto s = parse_selector_string(" app.kubernetes.io/name == web , tier in (front, back),env notin (dev),!legacy");
  EXPECT_TRUE(s.matches({{"app.kubernetes.io/name", "web"}, {"tier", "front"}}));
  EXPECT_FALSE(s.matches({{"app.kubernetes.io/name", "web"}, {"tier", "db"}}));
  EXPECT_FALSE(s.matches({{"app.kubernetes.io/name", "web"}, {"tier", "back"}, {"env", "dev"}}));
  EXPECT_FALSE(s.matches({{"app.kubernetes.io/name", "web"}, {"tier", "back"}, {"legacy", ""}}));
  EXPECT_EQ(s.to_string(), "app.kubernetes.io/name=web,tier in (front,back),env notin (dev),!legacy");
  EXPECT_FALSE(parse_selector_string("a=1,a=2").matches({{"a", "1"}}));  // both must hold
  EXPECT_TRUE(parse_selector_string("").empty());
  auto gt = parse_selector_string("replicas>2,weight < 10");
  EXPECT_TRUE(gt.matches({{"replicas", "3"}, {"weight", "9"}}));
  EXPECT_FALSE(gt.matches({{"replicas", "2"}, {"weight", "9"}}));
  EXPECT_FALSE(gt.matches({{"replicas", "x"}, {"weight", "9"}}));
  EXPECT_FALSE(gt.matches({{"weight", "9"}}));
  EXPECT_EQ(gt.to_string(), "replicas>2,weight<10");
  for (const char* bad : {"a in (x", "=b", "a=b/c", "a >= 3", "a > x", "a,,b", "a in x"})
    EXPECT_THROW(parse_selector_string(bad), Error) << bad;
  auto f = parse_field_selector("metadata.name=web, spec.nodeName!=n1,status.phase==Running");
  ASSERT_EQ(f.requirements.size(), 3u);
  EXPECT_EQ(f.requirements[1].field, "spec.nodeName");
  EXPECT_TRUE(f.requirements[1].negated);
  EXPECT_EQ(f.requirements[2].value, "Running");
  EXPECT_THROW(parse_field_selector("metadata.name"), Error);
  EXPECT_THROW(parse_field_selector("a!b"), Error);
}

const char* kObjects = R"(
apiVersion: v1
kind: List
items:
- kind: Service
  metadata: {name: dual, namespace: ns}
  spec: {ipFamilyPolicy: PreferDualStack, ipFamilies: [IPv6, IPv4], ports: [{name: m, port: 80}]}
- kind: EndpointSlice
  metadata: {name: dual-v4, namespace: ns, labels: {kubernetes.io/service-name: dual}}
  addressType: IPv4
  ports: [{name: m, port: 80}]
  endpoints: [{addresses: [10.0.0.1]}]
- kind: EndpointSlice
  metadata: {name: dual-v6, namespace: ns, labels: {kubernetes.io/service-name: dual}}
  addressType: IPv6
  ports: [{name: m, port: 80}]
  endpoints:
  - addresses: ["fd00::1"]
    targetRef: {kind: Node, name: node-1}
- kind: EndpointSlice
  metadata: {name: noport, namespace: other}
  addressType: IPv4
  ports: [{name: x}]
  endpoints: [{addresses: [10.9.9.9], conditions: {ready: false}}]
- kind: Pod
  metadata: {name: p, namespace: ns, labels: {app.kubernetes.io/name: x}}
  spec:
    nodeName: n1
    containers:
    - {name: c, image: i, ports: [{name: web, containerPort: 8080}, {containerPort: 9090, protocol: UDP}]}
    - {name: sidecar, image: s}
    initContainers:
    - {name: init, image: i0, ports: [{containerPort: 7000}]}
  status: {podIP: 10.1.1.1, phase: Running}
)";

TEST(Discovery, EndpointSlicesDualStackIpv6AndPortless) {
  ObjectStore store;
  load_objects(kObjects, "o.yml", store);
  auto groups = discover_endpointslices(store, {});
  // The IPv4 slice of a dual-stack service whose primary family is IPv6 is skipped.
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(*find_label(groups[0].labels, "__meta_kubernetes_endpointslice_name"), "dual-v6");
  EXPECT_EQ(*find_label(groups[0].labels, "__meta_kubernetes_service_name"), "dual");
  const auto& t = groups[0].targets.at(0);
  EXPECT_EQ(*find_label(t, "__address__"), "[fd00::1]:80");
  EXPECT_EQ(*find_label(t, "__meta_kubernetes_endpointslice_address_target_kind"), "Node");
  const auto& u = groups[1].targets.at(0);
  EXPECT_EQ(*find_label(u, "__address__"), "10.9.9.9");
  EXPECT_EQ(*find_label(u, "__meta_kubernetes_endpointslice_endpoint_conditions_ready"), "false");
  EXPECT_EQ(find_label(u, "__meta_kubernetes_endpointslice_port"), nullptr);
  EXPECT_TRUE(discover_endpointslices(store, {"elsewhere"}).empty());
}

TEST(Discovery, PodRole) {
  ObjectStore store;
  load_objects(kObjects, "o.yml", store);
  auto groups = discover_pods(store, {"ns"});
  ASSERT_EQ(groups.size(), 1u);
  const auto& g = groups[0];
  EXPECT_EQ(*find_label(g.labels, "__meta_kubernetes_pod_label_app_kubernetes_io_name"), "x");
  EXPECT_EQ(*find_label(g.labels, "__meta_kubernetes_pod_labelpresent_app_kubernetes_io_name"), "true");
  EXPECT_EQ(*find_label(g.labels, "__meta_kubernetes_pod_ready"), "unknown");
  EXPECT_EQ(*find_label(g.labels, "__meta_kubernetes_pod_node_name"), "n1");
  std::vector<std::string> addrs;
  for (const auto& t : g.targets) addrs.push_back(*find_label(t, "__address__"));
  EXPECT_EQ(addrs, (std::vector<std::string>{"10.1.1.1:8080", "10.1.1.1:9090", "10.1.1.1", "10.1.1.1:7000"}));
  EXPECT_EQ(*find_label(g.targets[1], "__meta_kubernetes_pod_container_port_protocol"), "UDP");
  EXPECT_EQ(*find_label(g.targets[3], "__meta_kubernetes_pod_container_init"), "true");
  EXPECT_EQ(sanitize_label_name("app.kubernetes.io/name"), "app_kubernetes_io_name");
}

const char* kLegacy = R"(
kind: List
items:
- kind: Service
  metadata: {name: web, namespace: ns, labels: {team: a}}
  spec: {type: LoadBalancer, clusterIP: 10.96.0.5, loadBalancerIP: 1.2.3.4,
         ports: [{name: http, port: 80}, {name: dns, port: 53, protocol: UDP}]}
- kind: Service
  metadata: {name: ext, namespace: ns}
  spec: {type: ExternalName, externalName: db.example.com, ports: [{port: 5432}]}
- kind: Endpoints
  metadata: {name: web, namespace: ns, labels: {ep: "yes"}}
  subsets:
  - addresses:
    - {ip: 10.1.1.1, nodeName: n1, targetRef: {kind: Pod, name: p, namespace: ns}}
    notReadyAddresses:
    - {ip: "fd00::2", hostname: h2}
    ports: [{name: web, port: 8080, protocol: SCTP}]
)";

std::vector<std::string> addresses(const promconfig::TargetGroup& g) {
  std::vector<std::string> out;
  for (const auto& t : g.targets) out.push_back(*find_label(t, "__address__"));
  return out;
}

TEST(Discovery, EndpointsRole) {
  ObjectStore store;
  load_objects(kObjects, "o.yml", store);
  load_objects(kLegacy, "legacy.yml", store);
  ASSERT_EQ(store.endpoints.size(), 1u);
  auto groups = discover_endpoints(store, {});
  ASSERT_EQ(groups.size(), 1u);
  const auto& g = groups[0];
  EXPECT_EQ(g.source, "endpoints/ns/web");
  EXPECT_EQ(*find_label(g.labels, "__meta_kubernetes_endpoints_name"), "web");
  EXPECT_EQ(*find_label(g.labels, "__meta_kubernetes_endpoints_label_ep"), "yes");
  EXPECT_EQ(*find_label(g.labels, "__meta_kubernetes_service_name"), "web");
  EXPECT_EQ(*find_label(g.labels, "__meta_kubernetes_service_label_team"), "a");
  // Ready then not-ready addresses per port, then the pod's container ports no Endpoints
  // port covered (the port-less sidecar gives none).
  EXPECT_EQ(addresses(g), (std::vector<std::string>{"10.1.1.1:8080", "[fd00::2]:8080", "10.1.1.1:9090", "10.1.1.1:7000"}));
  const auto& ready = g.targets[0];
  EXPECT_EQ(*find_label(ready, "__meta_kubernetes_endpoint_ready"), "true");
  EXPECT_EQ(*find_label(ready, "__meta_kubernetes_endpoint_port_name"), "web");
  EXPECT_EQ(*find_label(ready, "__meta_kubernetes_endpoint_node_name"), "n1");
  EXPECT_EQ(*find_label(ready, "__meta_kubernetes_endpoint_address_target_kind"), "Pod");
  EXPECT_EQ(*find_label(ready, "__meta_kubernetes_pod_name"), "p");
  EXPECT_EQ(*find_label(ready, "__meta_kubernetes_pod_container_name"), "c");
  EXPECT_EQ(*find_label(ready, "__meta_kubernetes_pod_container_port_name"), "web");
  // The matched container's protocol label is the Endpoints port's, as Prometheus does it.
  EXPECT_EQ(*find_label(ready, "__meta_kubernetes_pod_container_port_protocol"), "SCTP");
  EXPECT_EQ(*find_label(ready, "__meta_kubernetes_endpoint_port_protocol"), "SCTP");
  const auto& not_ready = g.targets[1];
  EXPECT_EQ(*find_label(not_ready, "__meta_kubernetes_endpoint_ready"), "false");
  EXPECT_EQ(*find_label(not_ready, "__meta_kubernetes_endpoint_hostname"), "h2");
  EXPECT_EQ(find_label(not_ready, "__meta_kubernetes_endpoint_address_target_kind"), nullptr);
  EXPECT_EQ(find_label(not_ready, "__meta_kubernetes_pod_name"), nullptr);
  EXPECT_EQ(*find_label(g.targets[2], "__meta_kubernetes_pod_container_port_protocol"), "UDP");
  EXPECT_EQ(*find_label(g.targets[3], "__meta_kubernetes_pod_container_init"), "true");
  EXPECT_TRUE(discover_endpoints(store, {"elsewhere"}).empty());
}

// Prometheus looks the pod up by the namespace the targetRef gives, not the object's own: a
// reference without one finds no pod, in both roles.
TEST(Discovery, TargetRefWithoutNamespaceFindsNoPod) {
  ObjectStore store;
  load_objects(kObjects, "o.yml", store);
  load_objects(R"(
kind: List
items:
- kind: Endpoints
  metadata: {name: web, namespace: ns}
  subsets:
  - addresses:
    - {ip: 10.1.1.1, targetRef: {kind: Pod, name: p}}
    ports: [{port: 8080}]
- kind: EndpointSlice
  metadata: {name: web-x, namespace: ns}
  addressType: IPv4
  ports: [{port: 8080}]
  endpoints:
  - addresses: [10.1.1.1]
    targetRef: {kind: Pod, name: p}
)",
               "refs.yml", store);
  for (const auto& groups : {discover_endpoints(store, {}), discover_endpointslices(store, {"ns"})}) {
    const auto& g = groups.back();
    SCOPED_TRACE(g.source);
    ASSERT_EQ(addresses(g), std::vector<std::string>{"10.1.1.1:8080"});
    EXPECT_EQ(find_label(g.targets[0], "__meta_kubernetes_pod_name"), nullptr);
  }
}

TEST(Discovery, ServiceRole) {
  ObjectStore store;
  load_objects(kLegacy, "legacy.yml", store);
  auto groups = discover_services(store, {"ns"});
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].source, "svc/ns/web");
  EXPECT_EQ(*find_label(groups[0].labels, "__meta_kubernetes_service_label_team"), "a");
  EXPECT_EQ(addresses(groups[0]), (std::vector<std::string>{"web.ns.svc:80", "web.ns.svc:53"}));
  const auto& dns = groups[0].targets[1];
  EXPECT_EQ(*find_label(dns, "__meta_kubernetes_service_port_name"), "dns");
  EXPECT_EQ(*find_label(dns, "__meta_kubernetes_service_port_number"), "53");
  EXPECT_EQ(*find_label(dns, "__meta_kubernetes_service_port_protocol"), "UDP");
  EXPECT_EQ(*find_label(dns, "__meta_kubernetes_service_cluster_ip"), "10.96.0.5");
  EXPECT_EQ(*find_label(dns, "__meta_kubernetes_service_loadbalancer_ip"), "1.2.3.4");
  EXPECT_EQ(*find_label(dns, "__meta_kubernetes_service_type"), "LoadBalancer");
  const auto& ext = groups[1].targets.at(0);
  EXPECT_EQ(*find_label(ext, "__address__"), "ext.ns.svc:5432");
  EXPECT_EQ(*find_label(ext, "__meta_kubernetes_service_external_name"), "db.example.com");
  EXPECT_EQ(find_label(ext, "__meta_kubernetes_service_cluster_ip"), nullptr);
}

// As Prometheus' node role: the kubelet port on the first address of the preferred type, the
// node's name as instance, the first address of each type, the provider ID and the metadata.
TEST(Discovery, NodeRole) {
  ObjectStore store;
  load_objects(R"(
kind: NodeList
items:
- kind: Node
  metadata: {name: n1, labels: {kubernetes.io/hostname: n1}, annotations: {a.b/c: x}}
  spec: {providerID: "aws:///us-east-1a/i-1"}
  status:
    addresses:
    - {type: Hostname, address: n1.local}
    - {type: ExternalIP, address: 3.4.5.6}
    - {type: InternalIP, address: "fd00::5"}
    - {type: InternalIP, address: 10.0.0.5}
    daemonEndpoints: {kubeletEndpoint: {Port: 10250}}
- kind: Node
  metadata: {name: n2}
  status:
    addresses: [{type: Hostname, address: n2.local}]
    daemonEndpoints: {kubeletEndpoint: {Port: 10255}}
- kind: Node
  metadata: {name: gone}
  status: {daemonEndpoints: {kubeletEndpoint: {Port: 10250}}}
)",
               "nodes.yml", store);
  ASSERT_EQ(store.nodes.size(), 3u);
  auto groups = discover_nodes(store);
  ASSERT_EQ(groups.size(), 2u);  // a node without an address is left out
  const auto& g = groups[0];
  EXPECT_EQ(g.source, "node/n1");
  EXPECT_EQ(*find_label(g.labels, "__meta_kubernetes_node_name"), "n1");
  EXPECT_EQ(*find_label(g.labels, "__meta_kubernetes_node_provider_id"), "aws:///us-east-1a/i-1");
  EXPECT_EQ(*find_label(g.labels, "__meta_kubernetes_node_label_kubernetes_io_hostname"), "n1");
  EXPECT_EQ(*find_label(g.labels, "__meta_kubernetes_node_labelpresent_kubernetes_io_hostname"), "true");
  EXPECT_EQ(*find_label(g.labels, "__meta_kubernetes_node_annotation_a_b_c"), "x");
  EXPECT_EQ(find_label(g.labels, "__meta_kubernetes_namespace"), nullptr);
  ASSERT_EQ(g.targets.size(), 1u);
  const auto& t = g.targets[0];
  EXPECT_EQ(*find_label(t, "__address__"), "[fd00::5]:10250");
  EXPECT_EQ(*find_label(t, "instance"), "n1");
  EXPECT_EQ(*find_label(t, "__meta_kubernetes_node_address_InternalIP"), "fd00::5");
  EXPECT_EQ(*find_label(t, "__meta_kubernetes_node_address_ExternalIP"), "3.4.5.6");
  EXPECT_EQ(*find_label(t, "__meta_kubernetes_node_address_Hostname"), "n1.local");
  EXPECT_EQ(addresses(groups[1]), std::vector<std::string>{"n2.local:10255"});
  EXPECT_EQ(find_label(groups[1].labels, "__meta_kubernetes_node_provider_id"), nullptr);
}

// As Prometheus' ingress role: a target per rule and path (a rule without http serves "/"),
// https when a TLS host or wildcard pattern covers the rule's host.
TEST(Discovery, IngressRole) {
  ObjectStore store;
  load_objects(R"(
kind: List
items:
- apiVersion: networking.k8s.io/v1
  kind: Ingress
  metadata: {name: shop, namespace: ns, labels: {app: shop}}
  spec:
    ingressClassName: nginx
    tls:
    - hosts: [shop.example.com]
    - hosts: ["*.api.example.com", "*"]
    rules:
    - host: shop.example.com
      http:
        paths:
        - {path: /cart, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}
        - {pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
    - host: v1.api.example.com
      http: {paths: [{path: /v1, pathType: Exact}]}
    - host: a.b.api.example.com
    - host: intranet
    - host: other.example.com
      http: {paths: []}
- kind: Ingress
  metadata: {name: bare, namespace: other}
  spec:
    rules: [{host: plain.example.com}]
)",
               "ingresses.yml", store);
  auto groups = discover_ingresses(store, {"ns"});
  ASSERT_EQ(groups.size(), 1u);
  const auto& g = groups[0];
  EXPECT_EQ(g.source, "ingress/ns/shop");
  EXPECT_EQ(*find_label(g.labels, "__meta_kubernetes_ingress_name"), "shop");
  EXPECT_EQ(*find_label(g.labels, "__meta_kubernetes_ingress_class_name"), "nginx");
  EXPECT_EQ(*find_label(g.labels, "__meta_kubernetes_ingress_label_app"), "shop");
  EXPECT_EQ(*find_label(g.labels, "__meta_kubernetes_namespace"), "ns");
  std::vector<std::string> got;
  for (const auto& t : g.targets)
    got.push_back(*find_label(t, "__meta_kubernetes_ingress_scheme") + "://" + *find_label(t, "__address__") +
                  *find_label(t, "__meta_kubernetes_ingress_path"));
  EXPECT_EQ(got, (std::vector<std::string>{"https://shop.example.com/cart", "https://shop.example.com/",
                                           "https://v1.api.example.com/v1", "http://a.b.api.example.com/",
                                           "https://intranet/"}));
  EXPECT_EQ(*find_label(g.targets[0], "__meta_kubernetes_ingress_host"), "shop.example.com");
  const auto all = discover_ingresses(store, {});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(find_label(all[1].labels, "__meta_kubernetes_ingress_class_name"), nullptr);
  EXPECT_EQ(addresses(all[1]), std::vector<std::string>{"plain.example.com"});
}

// Each selector narrows the objects of its role: the endpointslice selector the slices, the
// pod selector the pods the slices' addresses are looked up among (as Prometheus' informers
// see them); unmodelled field-selector fields are reported and ignored.
TEST(Discovery, SelectorsFilterEachRolesObjects) {
  ObjectStore store;
  load_objects(kObjects, "o.yml", store);
  load_objects(kLegacy, "legacy.yml", store);
  auto job_with = [](const std::string& role, const std::string& selectors) {
    return promconfig::parse_config_text("scrape_configs:\n- job_name: j\n  kubernetes_sd_configs:\n  - role: " +
                                         role + "\n    selectors: " + selectors + "\n")
        .scrape_configs[0];
  };
  auto sources = [&](const std::string& role, const std::string& selectors) {
    std::vector<std::string> out;
    for (const auto& g : discover_kubernetes(job_with(role, selectors), store)) out.push_back(g.source);
    return out;
  };
  EXPECT_EQ(sources("endpointslice", "[]"),
            (std::vector<std::string>{"endpointslice/ns/dual-v6", "endpointslice/other/noport"}));
  EXPECT_EQ(sources("endpointslice", "[{role: endpointslice, field: metadata.name=dual-v6}]"),
            std::vector<std::string>{"endpointslice/ns/dual-v6"});
  EXPECT_EQ(sources("endpointslice", "[{role: endpointslice, field: 'metadata.namespace!=ns'}]"),
            std::vector<std::string>{"endpointslice/other/noport"});
  EXPECT_EQ(sources("pod", "[{role: pod, label: 'app.kubernetes.io/name in (x, y)'}]"),
            std::vector<std::string>{"pod/ns/p"});
  EXPECT_TRUE(sources("pod", "[{role: pod, label: 'app.kubernetes.io/name notin (x)'}]").empty());
  EXPECT_TRUE(sources("pod", "[{role: pod, field: status.phase=Pending}]").empty());

  // The endpoints role looks pods and services up among the selected ones only: the targets
  // stay, without the labels of what was filtered out.
  auto endpoints = [&](const std::string& selectors) {
    auto groups = discover_kubernetes(job_with("endpoints", selectors), store);
    EXPECT_EQ(groups.size(), 1u);
    return groups.at(0);
  };
  const auto plain = endpoints("[]");
  EXPECT_EQ(*find_label(plain.targets.at(0), "__meta_kubernetes_pod_name"), "p");
  EXPECT_EQ(*find_label(plain.labels, "__meta_kubernetes_service_name"), "web");
  const auto filtered = endpoints("[{role: pod, field: metadata.name=none}, {role: service, label: team=b}]");
  // ... nor the targets for the pod's container ports the Endpoints object does not list.
  EXPECT_EQ(addresses(filtered), (std::vector<std::string>{"10.1.1.1:8080", "[fd00::2]:8080"}));
  EXPECT_EQ(find_label(filtered.targets.at(0), "__meta_kubernetes_pod_name"), nullptr);
  EXPECT_EQ(find_label(filtered.labels, "__meta_kubernetes_service_name"), nullptr);
  EXPECT_TRUE(discover_kubernetes(job_with("endpoints", "[{role: endpoints, label: ep=no}]"), store).empty());

  const auto job = job_with("pod", "[{role: pod, field: 'spec.schedulerName=x,spec.nodeName=n1'}]");
  EXPECT_EQ(check_selectors(job.kubernetes_sd_configs.at(0)),
            std::vector<std::string>{"field \"spec.schedulerName\" of the pod selector"});
  EXPECT_THROW(check_selectors(job_with("pod", "[{role: pod, label: 'a in (b'}]").kubernetes_sd_configs[0]), Error);
}

// namespaces.own_namespace: the discoverer's namespace joins the names; unknown, it adds none
// (and with no names, nothing is watched).
TEST(Discovery, OwnNamespace) {
  ObjectStore store;
  load_objects(kObjects, "o.yml", store);
  load_objects("kind: Pod\nmetadata: {name: q, namespace: other}\nstatus: {podIP: 10.2.2.2}\n", "q.yml", store);
  auto pods = [&](const std::string& namespaces, const std::string& own) {
    auto job = promconfig::parse_config_text("scrape_configs:\n- job_name: j\n  kubernetes_sd_configs:\n  - role: pod\n"
                                             "    namespaces: " + namespaces + "\n").scrape_configs[0];
    std::vector<std::string> out;
    for (const auto& g : discover_kubernetes(job, store, own)) out.push_back(g.source);
    return out;
  };
  EXPECT_EQ(pods("{own_namespace: true}", "ns"), std::vector<std::string>{"pod/ns/p"});
  EXPECT_TRUE(pods("{own_namespace: true}", "").empty());
  EXPECT_EQ(pods("{own_namespace: true, names: [other]}", ""), std::vector<std::string>{"pod/other/q"});
  EXPECT_EQ(pods("{own_namespace: true, names: [other]}", "ns"), (std::vector<std::string>{"pod/ns/p", "pod/other/q"}));
  EXPECT_EQ(pods("{names: []}", "ns"), (std::vector<std::string>{"pod/ns/p", "pod/other/q"}));
}

TEST(Objects, ListsMultiDocAndNamespaces) {
  ObjectStore store;
  load_objects("kind: Namespace\nmetadata: {name: a}\n---\nkind: PodList\nitems:\n- kind: Pod\n  metadata: {name: p, namespace: b}\n",
               "o.yml", store);
  EXPECT_EQ(store.pods.size(), 1u);
  EXPECT_EQ(store.namespace_names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_THROW(load_objects("- a\n- b\n", "o.yml", store), Error);
}

}  // namespace
}  // namespace promotel::k8s

// Fuzzes taplan's other YAML inputs: the Target Allocator's own config (or a plain Prometheus
// config, whichever the document looks like) and `kubectl get -o yaml` dumps (single objects,
// multi-document streams, kind: List) loaded into the object store, then Kubernetes discovery
// with every role (and some selectors) over what was loaded; and the input as a label and a
// field selector string.

#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_input.h"
#include "k8s/discovery.h"
#include "k8s/objects.h"
#include "k8s/selector.h"
#include "promconfig/config.h"
#include "targetalloc/ta_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace promotel;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz::expect_only_promotel_errors("ta_config", [&] {
    auto root = promconfig::parse_yaml(input, "<fuzz>");
    if (targetalloc::is_ta_config(root))
      targetalloc::parse_ta_config(root, "<fuzz>", "/nonexistent");
  });
  fuzz::expect_only_promotel_errors("k8s objects", [&] {
    k8s::ObjectStore store;
    k8s::load_objects(input, "<fuzz>", store);
    store.namespace_names();
    static const auto jobs = promconfig::parse_config_text(
        "scrape_configs:\n"
        "  - job_name: pods\n    kubernetes_sd_configs: [{role: pod}]\n"
        "  - job_name: slices\n    kubernetes_sd_configs: [{role: endpointslice}]\n"
        "  - job_name: endpoints\n    kubernetes_sd_configs: [{role: endpoints, selectors: "
        "[{role: pod, label: 'a in (b,c),!d', field: 'status.phase!=Failed'}, {role: service, label: e}]}]\n"
        "  - job_name: services\n    kubernetes_sd_configs: [{role: service}]\n"
        "  - job_name: nodes\n    kubernetes_sd_configs: [{role: node, selectors: [{role: node, label: 'f>1'}]}]\n"
        "  - job_name: ingresses\n    kubernetes_sd_configs: [{role: ingress, namespaces: {own_namespace: true}}]\n");
    for (const auto& job : jobs.scrape_configs) k8s::discover_kubernetes(job, store, "default");
  });
  fuzz::expect_only_promotel_errors("selectors", [&] {
    k8s::parse_selector_string(input).matches({{"a", "1"}, {"b", ""}});
    k8s::parse_field_selector(input);
  });
  return 0;
}

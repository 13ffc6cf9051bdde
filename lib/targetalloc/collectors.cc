#include "targetalloc/collectors.h"

#include <algorithm>

namespace promotel::targetalloc {

CollectorSelection select_collectors(const k8s::ObjectStore& objects, const k8s::LabelSelector& selector,
                                     const std::string& namespace_) {
  CollectorSelection out;
  for (const auto& pod : objects.pods) {
    if (!namespace_.empty() && pod.meta.namespace_ != namespace_) continue;
    if (!selector.matches(pod.meta.labels)) continue;
    const std::string& name = pod.meta.name;
    if (pod.node_name.empty())
      out.excluded.push_back({name, "not scheduled (no spec.nodeName)"});
    else if (pod.meta.deleting)
      out.excluded.push_back({name, "being deleted (deletionTimestamp set)"});
    else if (pod.phase != "Running")
      out.excluded.push_back({name, "phase " + (pod.phase.empty() ? std::string("unknown") : pod.phase)});
    else if (pod.ready != "True")
      out.excluded.push_back({name, "not Ready"});
    else
      out.collectors.push_back({name, pod.node_name});
  }
  std::sort(out.collectors.begin(), out.collectors.end(),
            [](const Collector& a, const Collector& b) { return a.name < b.name; });
  return out;
}

}  // namespace promotel::targetalloc

#pragma once

#include <optional>
#include <string>
#include <vector>

#include "k8s/objects.h"
#include "k8s/selector.h"
#include "targetalloc/allocator.h"

namespace promotel::targetalloc {

// A collector pod the TA would not use, and why.
struct ExcludedCollector {
  std::string name;
  std::string reason;
};

struct CollectorSelection {
  std::vector<Collector> collectors;  // sorted by name
  std::vector<ExcludedCollector> excluded;
};

// The collector pods of a dump as the TA's watcher sees them: pods matching the selector
// (in namespace, when given) that are scheduled (spec.nodeName), not being deleted, Running
// and Ready (a dump is older than the 30 s grace period, so not-ready means excluded).
CollectorSelection select_collectors(const k8s::ObjectStore& objects, const k8s::LabelSelector& selector,
                                     const std::string& namespace_);

}  // namespace promotel::targetalloc

#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "targetalloc/hash_ring.h"
#include "targetalloc/target_item.h"

namespace promotel::targetalloc {

enum class Strategy { kConsistentHashing, kLeastWeighted, kPerNode };

std::optional<Strategy> parse_strategy(std::string_view name);  // the TA's names
std::string_view strategy_name(Strategy s);

struct Collector {
  std::string name;  // the pod name
  std::string node;  // spec.nodeName (per-node)
};

struct AllocationOptions {
  Strategy strategy = Strategy::kConsistentHashing;
  std::optional<Strategy> fallback;  // per-node only
  RingVersion ring = RingVersion::kV0_10;
};

// Where every item went.
struct Allocation {
  std::vector<int> owner;           // per item: index into the collectors, -1 = unassigned
  std::vector<std::string> reason;  // per item: why it is unassigned (empty when assigned)
  std::vector<size_t> load;         // per collector: number of items
};

// The node a target lives on for per-node: first non-empty of __meta_kubernetes_pod_node_name,
// __meta_kubernetes_node_name, __meta_kubernetes_endpoint_node_name, else the endpointslice
// address target name when its kind is Node. Empty when none.
std::string target_node(const relabel::LabelSet& discovered);

// Allocates items from scratch, as a freshly started TA would. Items are taken in order
// (least-weighted is order-dependent; the TA's order is Go map order, i.e. unspecified).
Allocation allocate(const std::vector<TargetItem>& items, const std::vector<Collector>& collectors,
                    const AllocationOptions& options);

// Collector names collector-0 ... collector-(n-1) with another prefix if wanted.
std::vector<Collector> numbered_collectors(size_t n, const std::string& prefix = "collector");

}  // namespace promotel::targetalloc

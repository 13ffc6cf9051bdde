#include "targetalloc/allocator.h"

#include <map>
#include <unordered_map>

#include "common/error.h"

namespace promotel::targetalloc {

std::optional<Strategy> parse_strategy(std::string_view name) {
  if (name == "consistent-hashing") return Strategy::kConsistentHashing;
  if (name == "least-weighted") return Strategy::kLeastWeighted;
  if (name == "per-node") return Strategy::kPerNode;
  return std::nullopt;
}

std::string_view strategy_name(Strategy s) {
  switch (s) {
    case Strategy::kConsistentHashing:
      return "consistent-hashing";
    case Strategy::kLeastWeighted:
      return "least-weighted";
    case Strategy::kPerNode:
      return "per-node";
  }
  return "?";
}

std::string target_node(const relabel::LabelSet& l) {
  for (const char* name : {"__meta_kubernetes_pod_node_name", "__meta_kubernetes_node_name",
                           "__meta_kubernetes_endpoint_node_name"}) {
    const std::string* v = relabel::find_label(l, name);
    if (v && !v->empty()) return *v;
  }
  const std::string* kind = relabel::find_label(l, "__meta_kubernetes_endpointslice_address_target_kind");
  if (kind && *kind == "Node") {
    const std::string* v = relabel::find_label(l, "__meta_kubernetes_endpointslice_address_target_name");
    if (v) return *v;
  }
  return {};
}

std::vector<Collector> numbered_collectors(size_t n, const std::string& prefix) {
  std::vector<Collector> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back({prefix + "-" + std::to_string(i), ""});
  return out;
}

namespace {

class LeastWeighted {
 public:
  LeastWeighted(const std::vector<Collector>& collectors, std::vector<size_t>& load)
      : collectors_(collectors), load_(load) {}

  int pick(const std::string& job) {
    auto& per_job = job_load_[job];
    if (per_job.empty()) per_job.assign(collectors_.size(), 0);
    int best = -1;
    for (size_t c = 0; c < collectors_.size(); ++c) {
      if (best < 0) {
        best = static_cast<int>(c);
        continue;
      }
      auto b = static_cast<size_t>(best);
      if (load_[c] != load_[b]) {
        if (load_[c] < load_[b]) best = static_cast<int>(c);
      } else if (per_job[c] != per_job[b]) {
        if (per_job[c] < per_job[b]) best = static_cast<int>(c);
      } else if (collectors_[c].name < collectors_[b].name) {
        best = static_cast<int>(c);
      }
    }
    return best;
  }

  // Bookkeeping for any assignment (also those made by another strategy).
  void count(const std::string& job, int c) {
    auto& per_job = job_load_[job];
    if (per_job.empty()) per_job.assign(collectors_.size(), 0);
    ++per_job[c];
  }

 private:
  const std::vector<Collector>& collectors_;
  std::vector<size_t>& load_;
  std::unordered_map<std::string, std::vector<size_t>> job_load_;
};

}  // namespace

Allocation allocate(const std::vector<TargetItem>& items, const std::vector<Collector>& collectors,
                    const AllocationOptions& options) {
  Allocation a;
  a.owner.assign(items.size(), -1);
  a.reason.assign(items.size(), "");
  a.load.assign(collectors.size(), 0);
  if (collectors.empty()) {
    for (auto& r : a.reason) r = "no collectors";
    return a;
  }
  if (options.fallback && options.strategy != Strategy::kPerNode)
    throw Error("a fallback strategy is only used with per-node");
  if (options.fallback == Strategy::kPerNode)
    throw Error("per-node cannot be its own fallback strategy");

  std::optional<HashRing> ring;
  auto need_ring = [&] {
    if (!ring) {
      std::vector<std::string> names;
      names.reserve(collectors.size());
      for (const auto& c : collectors) names.push_back(c.name);
      ring.emplace(std::move(names), options.ring);
    }
    return &*ring;
  };
  LeastWeighted lw(collectors, a.load);
  std::unordered_map<std::string, int> by_node;
  if (options.strategy == Strategy::kPerNode) {
    for (size_t c = 0; c < collectors.size(); ++c)
      if (!collectors[c].node.empty()) by_node.try_emplace(collectors[c].node, static_cast<int>(c));
  }

  auto place = [&](Strategy s, const TargetItem& item) -> int {
    if (s == Strategy::kConsistentHashing) return need_ring()->locate(item.target_url);
    return lw.pick(item.job);
  };

  for (size_t i = 0; i < items.size(); ++i) {
    const TargetItem& item = items[i];
    int c = -1;
    if (options.strategy == Strategy::kPerNode) {
      std::string node = target_node(item.labels);
      if (!node.empty()) {
        auto it = by_node.find(node);
        if (it == by_node.end())
          a.reason[i] = "no collector runs on node \"" + node + "\"";
        else
          c = it->second;
      } else if (options.fallback) {
        c = place(*options.fallback, item);
      } else {
        a.reason[i] = "no node name in the target's labels and no fallback strategy";
      }
    } else {
      c = place(options.strategy, item);
    }
    if (c >= 0) {
      a.owner[i] = c;
      ++a.load[c];
      lw.count(item.job, c);
    }
  }
  return a;
}

}  // namespace promotel::targetalloc

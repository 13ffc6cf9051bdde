// taplan's speed targets (issue 7): consistent hashing of 100 000 targets onto 100 collectors
// within 0.5 s and of 1 000 000 onto 1 000 within 5 s. Each case runs the TA pipeline from
// discovered targets: the relabel-config filter and identity hash (ItemSet), then the ring
// build and the placement (allocate). BM_RingOnly separates the allocation itself.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "promconfig/config.h"
#include "targetalloc/allocator.h"
#include "targetalloc/target_item.h"

namespace {

using namespace promotel;
using namespace promotel::targetalloc;

const promconfig::ScrapeConfig& bench_job() {
  static const promconfig::ScrapeConfig job =
      promconfig::parse_config_text("scrape_configs:\n  - job_name: bench\n").scrape_configs[0];
  return job;
}

// Discovered targets as kubernetes SD would give them (address plus a few meta labels).
std::vector<relabel::LabelSet> discovered(size_t n) {
  std::vector<relabel::LabelSet> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    std::string ip = "10." + std::to_string(i >> 16 & 255) + "." + std::to_string(i >> 8 & 255) + "." +
                     std::to_string(i & 255);
    out.push_back({{"__address__", ip + ":9100"},
                   {"__meta_kubernetes_namespace", "ns-" + std::to_string(i % 50)},
                   {"__meta_kubernetes_pod_name", "pod-" + std::to_string(i)}});
  }
  return out;
}

void BM_PlanConsistentHashing(benchmark::State& state) {
  const size_t targets = static_cast<size_t>(state.range(0));
  const size_t collectors = static_cast<size_t>(state.range(1));
  const auto ring = state.range(2) ? RingVersion::kV1_0 : RingVersion::kV0_10;
  auto input = discovered(targets);
  auto members = numbered_collectors(collectors);
  size_t assigned = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto copy = input;  // the item set takes ownership of the labels
    state.ResumeTiming();
    ItemSet items;
    for (auto& labels : copy) items.add(bench_job(), std::move(labels), FilterStrategy::kRelabelConfig);
    auto a = allocate(items.items(), members, {Strategy::kConsistentHashing, std::nullopt, ring});
    assigned = a.owner.size();
    benchmark::DoNotOptimize(a.owner.data());
  }
  state.counters["targets"] = static_cast<double>(assigned);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * targets));
}

void BM_RingOnly(benchmark::State& state) {
  const size_t targets = static_cast<size_t>(state.range(0));
  const size_t collectors = static_cast<size_t>(state.range(1));
  ItemSet items;
  for (auto& labels : discovered(targets)) items.add(bench_job(), std::move(labels), FilterStrategy::kNone);
  auto members = numbered_collectors(collectors);
  for (auto _ : state) {
    auto a = allocate(items.items(), members, {Strategy::kConsistentHashing, std::nullopt, RingVersion::kV0_10});
    benchmark::DoNotOptimize(a.owner.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * targets));
}

BENCHMARK(BM_PlanConsistentHashing)
    ->ArgNames({"targets", "collectors", "ring_v1"})
    ->Args({100000, 100, 0})
    ->Args({100000, 100, 1})
    ->Args({1000000, 1000, 0})
    ->Args({1000000, 1000, 1})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(BM_RingOnly)->ArgNames({"targets", "collectors"})->Args({100000, 100})->Args({1000000, 1000})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

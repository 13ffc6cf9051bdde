#include "targetalloc/allocator.h"

#include <gtest/gtest.h>

#include "promconfig/config.h"
#include "targetalloc/target_item.h"

namespace promotel::targetalloc {
namespace {

using relabel::LabelSet;

promconfig::ScrapeConfig job(const std::string& name, const std::string& relabel = "") {
  auto c = promconfig::parse_config_text("scrape_configs:\n  - job_name: " + name + "\n" + relabel);
  return c.scrape_configs[0];
}

TEST(IdentityHash, OperatorGoldenPlainForm) {
  // cmd/otel-allocator/internal/server/testdata: {test_label="test-value"} in test-job.
  EXPECT_EQ(identity_hash({{"test_label", "test-value"}}, "test-job"), 11170662653441480747ULL);
}

TEST(IdentityHash, SeededFormBytes) {
  // Spec 2.1: static target 10.0.0.1:9100 in job-a with default intervals.
  ItemSet items;
  items.add(job("job-a"), {{"__address__", "10.0.0.1:9100"}}, FilterStrategy::kRelabelConfig);
  std::string bytes =
      "__address__\xff" "10.0.0.1:9100\xff" "job\xff" "job-a\xff" "__scrape_interval__\xff" "1m\xff"
      "__scrape_timeout__\xff" "10s\xff" "__metrics_path__\xff" "/metrics\xff" "__scheme__\xff"
      "http\xff" "job-a";
  ASSERT_EQ(items.items().size(), 1u);
  EXPECT_EQ(items.items()[0].hash, xxh64(bytes));
  EXPECT_EQ(items.items()[0].target_url, "10.0.0.1:9100");

  ItemSet plain;
  plain.add(job("job-a"), {{"__address__", "10.0.0.1:9100"}}, FilterStrategy::kNone);
  EXPECT_EQ(plain.items()[0].hash, xxh64("__address__\xff" "10.0.0.1:9100\xff" "job-a"));
}

TEST(IdentityHash, MetaLabelsSkippedAndDuplicatesCollapse) {
  auto j = job("j", "    relabel_configs:\n      - action: labeldrop\n        regex: zone\n");
  ItemSet items;
  items.add(j, {{"__address__", "a:1"}, {"__meta_x", "1"}, {"zone", "a"}}, FilterStrategy::kRelabelConfig);
  items.add(j, {{"__address__", "a:1"}, {"__meta_x", "2"}, {"zone", "b"}}, FilterStrategy::kRelabelConfig);
  items.add(j, {{"__address__", "b:1"}}, FilterStrategy::kRelabelConfig);
  ASSERT_EQ(items.items().size(), 2u);
  EXPECT_EQ(items.duplicates(), 1u);
  // The later one wins, in the first one's place.
  EXPECT_EQ(*relabel::find_label(items.items()[0].labels, "__meta_x"), "2");
  // The same address in another job is another item.
  items.add(job("k"), {{"__address__", "a:1"}}, FilterStrategy::kRelabelConfig);
  EXPECT_EQ(items.items().size(), 3u);
}

TEST(IdentityHash, RelabelFilterDropsAndShardingRulesPass) {
  auto j = job("j", R"(    relabel_configs:
      - source_labels: [__address__]
        regex: 'skip.*'
        action: drop
      - source_labels: [__address__]
        target_label: __tmp_hash
        action: hashmod
        modulus: 1
      - source_labels: [__tmp_hash, __tmp_disable_sharding]
        regex: '$(SHARD);|.+;.+'
        action: keep
)");
  ItemSet items(true);
  items.add(j, {{"__address__", "skip:1"}}, FilterStrategy::kRelabelConfig);
  items.add(j, {{"__address__", "keep:1"}}, FilterStrategy::kRelabelConfig);
  ASSERT_EQ(items.items().size(), 1u);
  ASSERT_EQ(items.dropped().size(), 1u);
  EXPECT_EQ(items.dropped()[0].target_url, "skip:1");
  const auto& scrape = items.items()[0].scrape_labels;
  EXPECT_EQ(*relabel::find_label(scrape, "instance"), "keep:1");
  EXPECT_EQ(relabel::find_label(scrape, "__tmp_disable_sharding"), nullptr);
}

std::vector<TargetItem> section9_items(size_t n = 20, const std::string& j = "job-a") {
  ItemSet items;
  auto sc = job(j);
  for (size_t i = 1; i <= n; ++i)
    items.add(sc, {{"__address__", "10.0.0." + std::to_string(i) + ":9100"}}, FilterStrategy::kRelabelConfig);
  return items.items();
}

std::vector<std::string> owners(const Allocation& a, const std::vector<Collector>& c) {
  std::vector<std::string> out;
  for (int o : a.owner) out.push_back(o < 0 ? "-" : c[o].name);
  return out;
}

TEST(Allocate, ConsistentHashingMatchesSection9) {
  auto items = section9_items();
  auto collectors = numbered_collectors(3);
  auto a = allocate(items, collectors, {Strategy::kConsistentHashing, std::nullopt, RingVersion::kV0_10});
  EXPECT_EQ(a.load, (std::vector<size_t>{1, 8, 11}));
  auto b = allocate(items, collectors, {Strategy::kConsistentHashing, std::nullopt, RingVersion::kV1_0});
  EXPECT_EQ(b.load, (std::vector<size_t>{12, 4, 4}));
}

TEST(Allocate, LeastWeightedListedOrder) {
  auto items = section9_items();
  auto collectors = numbered_collectors(3);
  auto a = allocate(items, collectors, {Strategy::kLeastWeighted});
  EXPECT_EQ(a.load, (std::vector<size_t>{7, 7, 6}));
  auto o = owners(a, collectors);
  EXPECT_EQ(o[0], "collector-0");
  EXPECT_EQ(o[1], "collector-1");
  EXPECT_EQ(o[2], "collector-2");
  EXPECT_EQ(o[19], "collector-1");
}

TEST(Allocate, LeastWeightedTieBreaksOnJobCountThenName) {
  // Totals tie at 1/1 after a (job x) -> c0 and b (job y) -> c1. Then a job-x target: c1
  // has fewer job-x targets, so it wins over the smaller name.
  ItemSet items;
  items.add(job("x"), {{"__address__", "a:1"}}, FilterStrategy::kNone);
  items.add(job("y"), {{"__address__", "b:1"}}, FilterStrategy::kNone);
  items.add(job("x"), {{"__address__", "c:1"}}, FilterStrategy::kNone);
  std::vector<Collector> collectors = {{"c1", ""}, {"c0", ""}};
  auto a = allocate(items.items(), collectors, {Strategy::kLeastWeighted});
  EXPECT_EQ(owners(a, collectors), (std::vector<std::string>{"c0", "c1", "c1"}));
}

TEST(Allocate, PerNodeWithAndWithoutFallback) {
  ItemSet items;
  auto j = job("j");
  items.add(j, {{"__address__", "10.0.0.1:1"}, {"__meta_kubernetes_pod_node_name", "n1"}}, FilterStrategy::kNone);
  items.add(j, {{"__address__", "10.0.0.2:1"}, {"__meta_kubernetes_endpointslice_address_target_kind", "Node"},
                {"__meta_kubernetes_endpointslice_address_target_name", "n2"}}, FilterStrategy::kNone);
  items.add(j, {{"__address__", "10.0.0.3:1"}, {"__meta_kubernetes_pod_node_name", "n9"}}, FilterStrategy::kNone);
  items.add(j, {{"__address__", "10.0.0.4:9100"}}, FilterStrategy::kNone);
  std::vector<Collector> collectors = {{"collector-0", "n1"}, {"collector-1", "n2"}, {"collector-2", "n3"}};
  auto a = allocate(items.items(), collectors, {Strategy::kPerNode});
  EXPECT_EQ(owners(a, collectors), (std::vector<std::string>{"collector-0", "collector-1", "-", "-"}));
  EXPECT_EQ(a.reason[2], "no collector runs on node \"n9\"");
  EXPECT_EQ(a.reason[3], "no node name in the target's labels and no fallback strategy");
  auto f = allocate(items.items(), collectors,
                    {Strategy::kPerNode, Strategy::kConsistentHashing, RingVersion::kV0_10});
  // Node found but no collector there: the fallback is not used.
  EXPECT_EQ(f.owner[2], -1);
  // 10.0.0.4:9100 goes where the 3-collector v0.10 ring puts it (section 9: collector-0).
  EXPECT_EQ(owners(f, collectors)[3], "collector-0");
}

TEST(Allocate, NoCollectors) {
  auto a = allocate(section9_items(2), {}, {});
  EXPECT_EQ(a.owner, (std::vector<int>{-1, -1}));
  EXPECT_EQ(a.reason[0], "no collectors");
}

TEST(Allocate, SameAddressSameCollectorAcrossJobs) {
  auto one = section9_items(20, "a");
  auto two = section9_items(20, "b");
  one.insert(one.end(), two.begin(), two.end());
  auto a = allocate(one, numbered_collectors(4), {});
  for (size_t i = 0; i < 20; ++i) EXPECT_EQ(a.owner[i], a.owner[i + 20]);
}

}  // namespace
}  // namespace promotel::targetalloc

#include "targetalloc/diff.h"

#include <gtest/gtest.h>

namespace promotel::targetalloc {
namespace {

Plan section9_plan(size_t collectors, RingVersion ring, size_t targets = 20) {
  PlanRequest r;
  auto config = promconfig::parse_config_text("scrape_configs:\n  - job_name: job-a\n");
  auto job = config.scrape_configs[0];
  promconfig::StaticConfig sc;
  for (size_t i = 1; i <= targets; ++i) sc.targets.push_back("10.0.0." + std::to_string(i) + ":9100");
  job.static_configs.push_back(sc);
  r.jobs.push_back({job, ".", "test"});
  r.collectors = numbered_collectors(collectors);
  r.allocation.ring = ring;
  r.with_scrape_labels = false;
  return make_plan(std::move(r));
}

TEST(Diff, Section9ScaleOut) {
  // Spec section 9 (iv): adding collector-3 moves 4 targets (v0.10) / 7 (v1.0), some between
  // collectors that existed before.
  for (auto [ring, moves] : {std::pair{RingVersion::kV0_10, 4u}, std::pair{RingVersion::kV1_0, 7u}}) {
    auto d = diff_plans(placed(section9_plan(3, ring)), placed(section9_plan(4, ring)));
    EXPECT_EQ(d.common, 20u);
    EXPECT_EQ(d.moved, moves);
    EXPECT_EQ(d.added + d.removed, 0u);
    size_t into_new = 0;
    for (const auto& [k, n] : d.flows) into_new += k.second == "collector-3" ? n : 0;
    EXPECT_EQ(d.moved_between_kept, moves - into_new);
    EXPECT_EQ(d.load_after.at("collector-3"), into_new);
  }
}

TEST(Diff, IdealMovesForBalancedScaleOut) {
  PlacedPlan before, after;
  before.collectors = {"a", "b"};
  after.collectors = {"a", "b", "c"};
  for (int i = 0; i < 6; ++i) {
    std::string t = "t" + std::to_string(i);
    before.targets.push_back({"j", t, i < 3 ? "a" : "b"});
    after.targets.push_back({"j", t, i < 3 ? "a" : "b"});
  }
  // 6 targets over 3 collectors: 2 each, so 2 must move to c.
  EXPECT_EQ(diff_plans(before, after).ideal_moves, 2u);
  EXPECT_EQ(diff_plans(before, after).moved, 0u);
}

TEST(Diff, AddedRemovedAndJsonRoundTrip) {
  Plan p = section9_plan(3, RingVersion::kV0_10, 5);
  Plan q = section9_plan(3, RingVersion::kV0_10, 7);
  auto before = placed_from_json(nlohmann::json::parse(plan_json(p).dump()), "p.json");
  auto d = diff_plans(before, placed(q));
  EXPECT_EQ(d.common, 5u);
  EXPECT_EQ(d.added, 2u);
  EXPECT_EQ(d.moved, 0u);
  EXPECT_THROW(placed_from_json(nlohmann::json::parse("{}"), "x"), Error);
}

}  // namespace
}  // namespace promotel::targetalloc

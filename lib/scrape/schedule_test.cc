#include "scrape/schedule.h"

#include <gtest/gtest.h>

namespace promotel::scrape {
namespace {

using Due = std::vector<size_t>;

TEST(Schedule, EachTargetOnItsOwnIntervalUntilItsCount) {
  Schedule s({1, 2, 1}, 3);
  EXPECT_EQ(s.take_due(0), (Due{0, 1, 2}));
  EXPECT_EQ(s.next_due(), 1);
  EXPECT_EQ(s.take_due(0.5), Due{});
  EXPECT_EQ(s.take_due(1.01), (Due{0, 2}));
  EXPECT_EQ(s.take_due(2.0), (Due{0, 1, 2}));
  EXPECT_EQ(s.next_due(), 4);  // 0 and 2 have had their 3 scrapes
  EXPECT_EQ(s.take_due(3), Due{});
  EXPECT_EQ(s.take_due(4.2), Due{1});
  EXPECT_EQ(s.next_due(), std::nullopt);
}

TEST(Schedule, MissedTicksAreSkippedNotCaughtUp) {
  Schedule s({1}, 0);
  EXPECT_EQ(s.take_due(0), Due{0});
  EXPECT_EQ(s.take_due(3.5), Due{0});  // ticks 1, 2 and 3 were missed: one scrape now
  EXPECT_EQ(s.next_due(), 4);
  EXPECT_EQ(s.take_due(3.9), Due{});
}

TEST(Schedule, CountZeroNeverEndsAndOneScrapesOnce) {
  Schedule forever({2}, 0);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(forever.take_due(2.0 * i), Due{0});
  EXPECT_EQ(forever.next_due(), 200);
  Schedule once({0, 0}, 1);
  EXPECT_EQ(once.take_due(0), (Due{0, 1}));
  EXPECT_EQ(once.next_due(), std::nullopt);
}

}  // namespace
}  // namespace promotel::scrape

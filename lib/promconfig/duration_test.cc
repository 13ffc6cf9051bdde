#include "promconfig/duration.h"

#include <gtest/gtest.h>

namespace promotel::promconfig {
namespace {

TEST(Duration, Parses) {
  EXPECT_EQ(parse_duration("0"), 0);
  EXPECT_EQ(parse_duration("15s"), 15000);
  EXPECT_EQ(parse_duration("1m30s"), 90000);
  EXPECT_EQ(parse_duration("100ms"), 100);
  EXPECT_EQ(parse_duration("1h"), 3600000);
  EXPECT_EQ(parse_duration("2w1d"), 15LL * 24 * 3600 * 1000);
  EXPECT_EQ(parse_duration("1y"), 365LL * 24 * 3600 * 1000);
}

TEST(Duration, RejectsMalformed) {
  for (const char* bad : {"", "s", "10", "1.5s", "30s1m", "1s1s", "-1s", "1 s", "10x", "1m30"})
    EXPECT_FALSE(parse_duration(bad)) << bad;
}

TEST(Duration, FormatsLikePrometheus) {
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(60000), "1m");
  EXPECT_EQ(format_duration(90000), "1m30s");
  EXPECT_EQ(format_duration(10000), "10s");
  EXPECT_EQ(format_duration(1500), "1s500ms");
  EXPECT_EQ(format_duration(86400000), "1d");
  EXPECT_EQ(format_duration(7 * 86400000LL), "1w");
}

}  // namespace
}  // namespace promotel::promconfig

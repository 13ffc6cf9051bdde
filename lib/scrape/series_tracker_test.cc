#include "scrape/series_tracker.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace promotel::scrape {
namespace {

struct Stale {
  std::vector<std::string> lines;
  SeriesTracker::StaleSink sink() {
    return [this](const FamilyMeta& family, const model::Sample& sample) {
      EXPECT_TRUE(model::is_stale_nan(sample.value));
      std::string line = family.name + "/" + std::string(sample.name);
      for (const auto& l : sample.labels) line += "," + std::string(l.name) + "=" + std::string(l.value);
      lines.push_back(line);
    };
  }
};

TEST(SeriesTrackerTest, AddedAndStale) {
  SeriesTracker tracker;
  std::vector<model::Label> a{{"x", "1"}}, b{{"x", "2"}};
  Stale stale;

  tracker.begin_scrape();
  tracker.begin_family("f", model::MetricType::kGauge, "", "");
  EXPECT_TRUE(tracker.add("f", a));
  EXPECT_TRUE(tracker.add("f", b));
  tracker.end_family(stale.sink());
  tracker.begin_family("g", model::MetricType::kCounter, "", "");
  EXPECT_TRUE(tracker.add("g_total", a));
  tracker.end_family(stale.sink());
  tracker.end_scrape(stale.sink());
  EXPECT_EQ(tracker.series_added(), 3u);
  EXPECT_TRUE(stale.lines.empty());

  tracker.begin_scrape();
  tracker.begin_family("f", model::MetricType::kGauge, "", "");
  EXPECT_FALSE(tracker.add("f", a));
  tracker.end_family(stale.sink());
  EXPECT_EQ(stale.lines, (std::vector<std::string>{"f/f,x=2"}));
  tracker.end_scrape(stale.sink());
  EXPECT_EQ(stale.lines, (std::vector<std::string>{"f/f,x=2", "g/g_total,x=1"}));
  EXPECT_EQ(tracker.series_added(), 0u);

  // The target is down: everything left goes stale once.
  stale.lines.clear();
  tracker.begin_scrape();
  tracker.end_scrape(stale.sink());
  EXPECT_EQ(stale.lines, (std::vector<std::string>{"f/f,x=1"}));
  tracker.begin_scrape();
  tracker.end_scrape(stale.sink());
  EXPECT_EQ(stale.lines.size(), 1u);
}

}  // namespace
}  // namespace promotel::scrape

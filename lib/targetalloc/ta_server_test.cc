#include "targetalloc/ta_server.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace promotel::targetalloc {
namespace {

Plan small_plan() {
  auto config = promconfig::parse_config_text(R"(
scrape_configs:
  - job_name: 'serviceMonitor/default/app/0'
    static_configs:
      - targets: ['10.0.0.1:9100', '10.0.0.2:9100']
        labels: {team: "a<b"}
  - job_name: plain
    static_configs:
      - targets: ['10.0.0.3:9100']
)");
  PlanRequest r;
  for (const auto& j : config.scrape_configs) r.jobs.push_back({j, ".", "test"});
  r.collectors = numbered_collectors(2);
  return make_plan(std::move(r));
}

TEST(TaServer, Jobs) {
  Plan plan = small_plan();
  auto r = handle_ta_request(plan, "GET", "/jobs");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body,
            "{\"plain\":{\"_link\":\"/jobs/plain/targets\"},\"serviceMonitor/default/app/0\":{\"_link\":"
            "\"/jobs/serviceMonitor%2Fdefault%2Fapp%2F0/targets\"}}\n");
}

TEST(TaServer, JobTargetsAllCollectorsAndOne) {
  Plan plan = small_plan();
  auto all = handle_ta_request(plan, "GET", "/jobs/serviceMonitor%2Fdefault%2Fapp%2F0/targets");
  ASSERT_EQ(all.status, 200);
  auto j = nlohmann::json::parse(all.body);
  ASSERT_EQ(j.size(), 2u);
  size_t total = j["collector-0"]["targets"].size() + j["collector-1"]["targets"].size();
  EXPECT_EQ(total, 2u);
  EXPECT_EQ(j["collector-1"]["_link"],
            "/debug/jobs/serviceMonitor%2Fdefault%2Fapp%2F0/targets?collector_id=collector-1");
  // Go escapes HTML characters in strings.
  EXPECT_NE(all.body.find("\"team\":\"a\\u003cb\""), std::string::npos) << all.body;

  for (const char* c : {"collector-0", "collector-1"}) {
    auto one = handle_ta_request(plan, "GET", std::string("/jobs/serviceMonitor%2Fdefault%2Fapp%2F0/targets?collector_id=") + c);
    auto arr = nlohmann::json::parse(one.body);
    ASSERT_TRUE(arr.is_array());
    EXPECT_EQ(arr.size(), j[c]["targets"].size());
    for (const auto& t : arr) {
      EXPECT_EQ(t["targets"].size(), 1u);
      EXPECT_EQ(t["labels"]["__address__"], t["targets"][0]);
    }
  }
  EXPECT_EQ(handle_ta_request(plan, "GET", "/jobs/plain/targets?collector_id=nobody").body, "[]\n");
  EXPECT_EQ(handle_ta_request(plan, "GET", "/jobs/unknown/targets?collector_id=collector-0").body, "[]\n");
}

TEST(TaServer, HealthScrapeConfigsAndErrors) {
  Plan plan = small_plan();
  EXPECT_EQ(handle_ta_request(plan, "GET", "/livez").status, 200);
  EXPECT_EQ(handle_ta_request(plan, "GET", "/readyz").status, 200);
  auto sc = nlohmann::json::parse(handle_ta_request(plan, "GET", "/scrape_configs").body);
  EXPECT_EQ(sc["plain"]["job_name"], "plain");
  EXPECT_EQ(sc["plain"]["scrape_interval"], "1m");
  EXPECT_EQ(handle_ta_request(plan, "GET", "/nope").status, 404);
  EXPECT_EQ(handle_ta_request(plan, "DELETE", "/jobs").status, 405);
  EXPECT_NE(handle_ta_request(plan, "GET", "/metrics").body.find("opentelemetry_allocator_collectors_discovered 2"),
            std::string::npos);
}

TEST(TaServer, JobSegmentAndCollectorIdAreQueryUnescaped) {
  Plan plan = small_plan();
  for (const char* c : {"collector-0", "collector-1"}) {
    std::string plain = handle_ta_request(plan, "GET", std::string("/jobs/plain/targets?collector_id=") + c).body;
    std::string escaped = std::string("/jobs/pl%61in/targets?collector_id=collector%2D") + c[10];
    EXPECT_EQ(handle_ta_request(plan, "GET", escaped).body, plain) << escaped;
  }
  auto all = nlohmann::json::parse(handle_ta_request(plan, "GET", "/jobs/plain/targets").body);
  EXPECT_EQ(all["collector-0"]["targets"].size() + all["collector-1"]["targets"].size(), 1u);
  // An invalid escape is taken as it stands: no collector has that name.
  EXPECT_EQ(handle_ta_request(plan, "GET", "/jobs/plain/targets?collector_id=collector%2").body, "[]\n");
}

}  // namespace
}  // namespace promotel::targetalloc

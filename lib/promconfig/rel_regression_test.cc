// Regression tests for faults found by the reliability work (fuzz/, tests/e2e).

#include <gtest/gtest.h>

#include "promconfig/config.h"

namespace promotel::promconfig {
namespace {

// fuzz_promconfig: `const YAML::Node& v = it->second` bound to a member of yaml-cpp's
// temporary iterator proxy, a stack-use-after-scope on every scrape config and relabel config
// key (AddressSanitizer reports it; without it the values were read from a dead object).
TEST(ConfigRegression, ScrapeAndRelabelValuesSurviveTheIteration) {
  auto config = parse_config_text(
      "scrape_configs:\n"
      "  - job_name: node\n"
      "    scrape_interval: 15s\n"
      "    scrape_timeout: 5s\n"
      "    metrics_path: /m\n"
      "    scheme: https\n"
      "    honor_labels: true\n"
      "    relabel_configs:\n"
      "      - source_labels: [__address__]\n"
      "        separator: '-'\n"
      "        regex: '(.*):(\\d+)'\n"
      "        target_label: port\n"
      "        replacement: '${2}'\n");
  ASSERT_EQ(config.scrape_configs.size(), 1u);
  const auto& job = config.scrape_configs[0];
  EXPECT_EQ(job.scrape_interval_ms, 15000);
  EXPECT_EQ(job.scrape_timeout_ms, 5000);
  EXPECT_EQ(job.metrics_path, "/m");
  EXPECT_EQ(job.scheme, "https");
  EXPECT_TRUE(job.honor_labels);
  ASSERT_EQ(job.relabel_configs.size(), 1u);
  EXPECT_EQ(job.relabel_configs[0].separator, "-");
  EXPECT_EQ(job.relabel_configs[0].target_label, "port");
  EXPECT_EQ(job.relabel_configs[0].replacement, "${2}");
}

}  // namespace
}  // namespace promotel::promconfig

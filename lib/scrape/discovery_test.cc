#include "scrape/discovery.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "promconfig/config.h"

namespace promotel::scrape {
namespace {

TEST(DiscoveryTest, UrlsGetDefaultsLabelsAndParams) {
  TargetDefaults defaults;
  defaults.job = "node";
  defaults.labels.set("env", "prod");
  defaults.params = {{"collect[]", {"cpu"}}};
  Job job = job_from_urls({"http://h:9100/metrics?collect[]=meminfo", "https://h2/x"}, defaults, ScrapeOptions{});
  ASSERT_EQ(job.targets.size(), 2u);
  EXPECT_EQ(job.targets[0].url, "http://h:9100/metrics?collect%5B%5D=meminfo&collect%5B%5D=cpu");
  EXPECT_EQ(job.targets[0].labels.labels(),
            (std::vector<OwnedLabel>{{"env", "prod"}, {"instance", "h:9100"}, {"job", "node"}}));
  EXPECT_EQ(job.targets[1].url, "https://h2/x?collect%5B%5D=cpu");
}

TEST(DiscoveryTest, ConfigRelabelsTargetsAndKeepsJobSettings) {
  promconfig::Config config = promconfig::parse_config_text(R"(
global: {scrape_interval: 30s}
scrape_configs:
  - job_name: a
    scrape_interval: 5s
    honor_labels: true
    metrics_path: /probe
    params: {module: [http_2xx]}
    static_configs:
      - targets: ['h1:1', 'h2:2']
        labels: {team: x}
    relabel_configs:
      - source_labels: [__address__]
        regex: 'h2:.*'
        action: drop
      - source_labels: [__address__]
        target_label: __param_target
  - job_name: b
    static_configs: [{targets: ['h3:3']}]
)");
  auto jobs = jobs_from_config(config, "", TargetDefaults{}, ScrapeOptions{});
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_TRUE(jobs[0].options.honor_labels);
  EXPECT_EQ(jobs[0].interval_seconds, 5);
  EXPECT_EQ(jobs[1].interval_seconds, 30);  // the global one
  ASSERT_EQ(jobs[0].targets.size(), 1u);
  EXPECT_EQ(jobs[0].targets[0].url, "http://h1:1/probe?module=http_2xx&target=h1%3A1");
  EXPECT_EQ(jobs[0].targets[0].labels.labels(),
            (std::vector<OwnedLabel>{{"instance", "h1:1"}, {"job", "a"}, {"team", "x"}}));
  EXPECT_EQ(jobs_from_config(config, "b", TargetDefaults{}, ScrapeOptions{}).size(), 1u);
  EXPECT_THROW(jobs_from_config(config, "nope", TargetDefaults{}, ScrapeOptions{}), Error);
}

TEST(DiscoveryTest, MetricRelabelDropsRenamesAndRelabels) {
  promconfig::Config config = promconfig::parse_config_text(R"(
scrape_configs:
  - job_name: a
    static_configs: [{targets: ['h:1']}]
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: 'drop_me'
        action: drop
      - source_labels: [__name__]
        regex: 'old_(.*)'
        target_label: __name__
        replacement: 'new_$1'
      - regex: secret
        action: labeldrop
)");
  auto jobs = jobs_from_config(config, "", TargetDefaults{}, ScrapeOptions{});
  const MetricRelabel& relabel = jobs[0].options.metric_relabel;
  ASSERT_TRUE(relabel);
  std::vector<model::Label> labels{{"instance", "h:1"}, {"secret", "s"}};
  std::vector<model::Label> out;
  std::string_view name = "drop_me";
  EXPECT_FALSE(relabel(name, labels, out));
  name = "old_thing";
  ASSERT_TRUE(relabel(name, labels, out));
  EXPECT_EQ(name, "new_thing");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].name, "instance");
}

TEST(DiscoveryTest, FileSd) {
  std::string path = testing::TempDir() + "/promscrape_file_sd.json";
  std::ofstream(path) << R"([{"targets": ["a:1", "b:2"], "labels": {"team": "t"}}])";
  TargetDefaults defaults;
  defaults.job = "files";
  defaults.scheme = "https";
  defaults.metrics_path = "/m";
  Job job = job_from_file_sd(path, defaults, ScrapeOptions{});
  ASSERT_EQ(job.targets.size(), 2u);
  EXPECT_EQ(job.targets[1].url, "https://b:2/m");
  EXPECT_EQ(job.targets[1].labels.labels(),
            (std::vector<OwnedLabel>{{"instance", "b:2"}, {"job", "files"}, {"team", "t"}}));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace promotel::scrape

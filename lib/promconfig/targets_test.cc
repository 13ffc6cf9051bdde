#include "promconfig/targets.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace promotel::promconfig {
namespace {

using relabel::find_label;
using relabel::LabelSet;

std::string temp_dir() {
  std::string tmpl = std::filesystem::temp_directory_path().string() + "/promconfig_XXXXXX";
  return mkdtemp(tmpl.data());
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST(Targets, StaticAndFileSd) {
  std::string dir = temp_dir();
  std::filesystem::create_directory(dir + "/sd");
  write(dir + "/sd/a.json", R"([{"targets": ["10.0.0.1:80", "10.0.0.2:80"], "labels": {"zone": "a"}}])");
  write(dir + "/sd/b.json", R"([{"targets": ["10.0.0.3:80"]}])");
  write(dir + "/c.yml", "- targets: ['10.0.0.4:80']\n  labels:\n    zone: c\n");
  auto config = parse_config_text(R"(
scrape_configs:
  - job_name: j
    static_configs:
      - targets: ['s:1']
        labels: {k: v}
    file_sd_configs:
      - files: ['sd/*.json', c.yml]
)", "p.yml", dir);
  auto groups = discover_static_and_files(config.scrape_configs[0], dir);
  ASSERT_EQ(groups.size(), 4u);
  EXPECT_EQ(groups[0].source, "0");
  EXPECT_EQ(*find_label(groups[0].labels, "k"), "v");
  EXPECT_EQ(*find_label(groups[0].targets[0], "__address__"), "s:1");
  EXPECT_EQ(groups[1].targets.size(), 2u);
  EXPECT_EQ(*find_label(groups[1].labels, "__meta_filepath"), dir + "/sd/a.json");
  EXPECT_EQ(*find_label(groups[1].labels, "zone"), "a");
  EXPECT_EQ(*find_label(groups[2].targets[0], "__address__"), "10.0.0.3:80");
  EXPECT_EQ(*find_label(groups[3].labels, "zone"), "c");
  std::filesystem::remove_all(dir);
}

TEST(Targets, FileSdErrorsHavePositions) {
  try {
    parse_file_sd("- targets: [a]\n  labelz: {}\n", "f.yml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "f.yml:2:3: unknown field \"labelz\" in target group");
  }
  EXPECT_THROW(parse_file_sd("[{\"targets\": [\"a\"]", "f.json"), Error);
}

TEST(Targets, MergeTargetWins) {
  LabelSet g = {{"a", "g"}, {"b", "g"}};
  LabelSet t = {{"__address__", "x"}, {"b", "t"}};
  EXPECT_EQ(merge_labels(g, t), (LabelSet{{"__address__", "x"}, {"a", "g"}, {"b", "t"}}));
}

TEST(Targets, PopulateLabels) {
  auto config = parse_config_text(R"(
scrape_configs:
  - job_name: node
    scrape_interval: 15s
    params: {module: [m1]}
    relabel_configs:
      - source_labels: [__meta_zone]
        target_label: zone
      - source_labels: [__address__]
        regex: 'drop.*'
        action: drop
)", "p.yml");
  const auto& sc = config.scrape_configs[0];
  auto t = populate_labels(sc, {{"__address__", "h:9100"}, {"__meta_zone", "eu"}});
  ASSERT_FALSE(t.dropped);
  ASSERT_EQ(t.error, "");
  EXPECT_EQ(t.labels, (LabelSet{{"__address__", "h:9100"},
                                {"__metrics_path__", "/metrics"},
                                {"__param_module", "m1"},
                                {"__scheme__", "http"},
                                {"__scrape_interval__", "15s"},
                                {"__scrape_timeout__", "10s"},
                                {"instance", "h:9100"},
                                {"job", "node"},
                                {"zone", "eu"}}));
  EXPECT_EQ(target_url(sc, t.labels), "http://h:9100/metrics?module=m1");
  EXPECT_TRUE(populate_labels(sc, {{"__address__", "drop-me:1"}}).dropped);
  EXPECT_EQ(populate_labels(sc, {{"__meta_zone", "x"}}).error, "no address");
  auto own = populate_labels(sc, {{"__address__", "h:1"}, {"instance", "mine"}, {"job", "other"}});
  EXPECT_EQ(*find_label(own.labels, "instance"), "mine");
  EXPECT_EQ(*find_label(own.labels, "job"), "other");
}

TEST(Targets, QueryEscape) {
  EXPECT_EQ(query_escape("serviceMonitor/default/app/0"), "serviceMonitor%2Fdefault%2Fapp%2F0");
  EXPECT_EQ(query_escape("a b:c"), "a+b%3Ac");
}

}  // namespace
}  // namespace promotel::promconfig

#include "scrape/target.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace promotel::scrape {
namespace {

TEST(TargetTest, UrlBecomesDiscoveryLabels) {
  Params params;
  LabelSet labels = labels_from_url("http://127.0.0.1:9100/metrics?collect[]=cpu&collect[]=meminfo&x=a+b",
                                    "node", params);
  EXPECT_EQ(labels.get("__address__"), "127.0.0.1:9100");
  EXPECT_EQ(labels.get("__scheme__"), "http");
  EXPECT_EQ(labels.get("__metrics_path__"), "/metrics");
  EXPECT_EQ(labels.get("__param_collect[]"), "cpu");
  EXPECT_EQ(labels.get("__param_x"), "a b");
  EXPECT_EQ(labels.get("job"), "node");
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].second, (std::vector<std::string>{"cpu", "meminfo"}));

  Target target = target_from_labels(labels, params);
  EXPECT_EQ(target.url, "http://127.0.0.1:9100/metrics?collect%5B%5D=cpu&collect%5B%5D=meminfo&x=a+b");
  EXPECT_EQ(target.labels.labels(),
            (std::vector<OwnedLabel>{{"instance", "127.0.0.1:9100"}, {"job", "node"}}));
}

TEST(TargetTest, InstanceIsTheAddressAsWritten) {
  Params params;
  Target target = target_from_labels(labels_from_url("https://example.test", "j", params), params);
  EXPECT_EQ(target.url, "https://example.test/");
  EXPECT_EQ(target.instance(), "example.test");
}

TEST(TargetTest, DefaultsAndExplicitInstance) {
  LabelSet labels{{"__address__", "h:1"}, {"instance", "mine"}, {"team", "a"}, {"__meta_x", "y"}};
  Target target = target_from_labels(labels);
  EXPECT_EQ(target.url, "http://h:1/metrics");
  EXPECT_EQ(target.labels.labels(), (std::vector<OwnedLabel>{{"instance", "mine"}, {"team", "a"}}));
}

TEST(TargetTest, ParamLabelOverridesFirstValue) {
  LabelSet labels{{"__address__", "h:1"}, {"__param_module", "icmp"}};
  Params params{{"module", {"http", "tcp"}}, {"target", {"x"}}};
  EXPECT_EQ(target_from_labels(labels, params).url, "http://h:1/metrics?module=icmp&module=tcp&target=x");
}

TEST(TargetTest, BadTargets) {
  Params params;
  EXPECT_THROW(labels_from_url("ftp://x/", "j", params), Error);
  EXPECT_THROW(labels_from_url("http://user:pw@x/", "j", params), Error);
  EXPECT_THROW(labels_from_url("http:///metrics", "j", params), Error);
  EXPECT_THROW(labels_from_url("http://x/?a=%zz", "j", params), Error);
  try {
    labels_from_url("http://x/?a=%41%4g", "j", params);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "invalid URL escape \"%4g\"");  // Go's message
  }
  EXPECT_EQ(labels_from_url("http://x/?a=%41+b", "j", params).get("__param_a"), "A b");
  EXPECT_THROW(target_from_labels(LabelSet{{"job", "x"}}), Error);
  EXPECT_THROW(target_from_labels(LabelSet{{"__address__", "a/b"}}), Error);
}

TEST(LabelSetTest, EmptyValueRemoves) {
  LabelSet labels{{"b", "2"}, {"a", "1"}};
  EXPECT_EQ(labels.labels().front().name, "a");
  labels.set("a", "");
  EXPECT_FALSE(labels.has("a"));
  EXPECT_EQ(labels.labels().size(), 1u);
}

}  // namespace
}  // namespace promotel::scrape

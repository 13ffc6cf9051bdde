#include "scrape/sample_labels.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace promotel::scrape {
namespace {

std::string render(model::Labels labels) {
  std::string out;
  for (const auto& l : labels) out += std::string(l.name) + "=" + std::string(l.value) + ",";
  return out;
}

TEST(SampleLabelerTest, AddsTargetLabelsSorted) {
  LabelSet target{{"job", "node"}, {"instance", "h:1"}};
  SampleLabeler labeler(target, false);
  std::vector<model::Label> sample{{"mode", "idle"}, {"cpu", "0"}};
  EXPECT_EQ(render(labeler.apply(sample)), "cpu=0,instance=h:1,job=node,mode=idle,");
}

TEST(SampleLabelerTest, ClashesAreExported) {
  LabelSet target{{"job", "pushgateway"}, {"instance", "h:1"}};
  SampleLabeler labeler(target, false);
  std::vector<model::Label> sample{{"job", "batch"}, {"instance", ""}, {"exported_job", "taken"}};
  EXPECT_EQ(render(labeler.apply(sample)),
            "exported_exported_job=batch,exported_job=taken,instance=h:1,job=pushgateway,");
}

TEST(SampleLabelerTest, HonorLabelsKeepsTheSamples) {
  LabelSet target{{"job", "pushgateway"}, {"instance", "h:1"}};
  SampleLabeler labeler(target, true);
  std::vector<model::Label> sample{{"job", "batch"}, {"instance", ""}};
  EXPECT_EQ(render(labeler.apply(sample)), "instance=h:1,job=batch,");
}

TEST(SampleLabelerTest, ViewsSurviveRepeatedConflicts) {
  LabelSet target{{"job", "a"}};
  SampleLabeler labeler(target, false);
  std::vector<model::Label> sample{{"job", "b"}};
  for (int i = 0; i < 3; ++i) EXPECT_EQ(render(labeler.apply(sample)), "exported_job=b,job=a,");
}

}  // namespace
}  // namespace promotel::scrape

#include "model/metric.h"

#include <cmath>

#include <gtest/gtest.h>

namespace promotel::model {
namespace {

TEST(MetricType, RoundTripsEveryOpenMetricsWord) {
  for (auto t : {MetricType::kUnknown, MetricType::kCounter, MetricType::kGauge,
                 MetricType::kHistogram, MetricType::kGaugeHistogram, MetricType::kSummary,
                 MetricType::kInfo, MetricType::kStateSet}) {
    EXPECT_EQ(metric_type_from_string(to_string(t)), t);
  }
  EXPECT_EQ(metric_type_from_string("untyped"), MetricType::kUnknown);
  EXPECT_EQ(metric_type_from_string("Counter"), std::nullopt);
}

TEST(StaleNaN, IsASpecificNaN) {
  EXPECT_TRUE(std::isnan(stale_nan()));
  EXPECT_TRUE(is_stale_nan(stale_nan()));
  EXPECT_FALSE(is_stale_nan(std::nan("")));
  EXPECT_FALSE(is_stale_nan(1.0));
}

}  // namespace
}  // namespace promotel::model

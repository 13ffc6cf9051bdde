#include "promreceiver/naming.h"

#include <gtest/gtest.h>

namespace promotel::promreceiver {
namespace {

TEST(NormalizeMetricName, RemovesTheFirstMatchingSuffixOnce) {
  EXPECT_EQ(normalize_metric_name("foo_bucket"), "foo");
  EXPECT_EQ(normalize_metric_name("foo_count"), "foo");
  EXPECT_EQ(normalize_metric_name("foo_sum"), "foo");
  EXPECT_EQ(normalize_metric_name("foo_total"), "foo");
  EXPECT_EQ(normalize_metric_name("foo_info"), "foo");
  EXPECT_EQ(normalize_metric_name("foo_created"), "foo");
  EXPECT_EQ(normalize_metric_name("foo_total_count"), "foo_total");
  EXPECT_EQ(normalize_metric_name("foo_created_total"), "foo_created");
}

TEST(NormalizeMetricName, KeepsBareSuffixesAndOtherNames) {
  EXPECT_EQ(normalize_metric_name("_total"), "_total");
  EXPECT_EQ(normalize_metric_name("foo"), "foo");
  EXPECT_EQ(normalize_metric_name("foo_gcount"), "foo_gcount");
  EXPECT_EQ(normalize_metric_name("foo_gsum"), "foo_gsum");
}

TEST(TrimMetricSuffixes, DropsTotalOfSumsThenTheUnit) {
  EXPECT_EQ(trim_metric_suffixes("sent_bytes_total", true, "bytes"), "sent");
  EXPECT_EQ(trim_metric_suffixes("sent_bytes_total", false, "bytes"), "sent_bytes_total");
  EXPECT_EQ(trim_metric_suffixes("scrape_duration_seconds", false, "seconds"), "scrape_duration");
  EXPECT_EQ(trim_metric_suffixes("io_bytes_per_second", false, "bytes_per_second"), "io");
  EXPECT_EQ(trim_metric_suffixes("seconds", false, "seconds"), "seconds");  // one token
  EXPECT_EQ(trim_metric_suffixes("a_seconds", false, "a_seconds"), "a_seconds");  // not longer
  EXPECT_EQ(trim_metric_suffixes("requests_total", true, ""), "requests");
  EXPECT_EQ(trim_metric_suffixes("foo_", false, ""), "foo");  // "" splits into one empty token
}

TEST(UnitWordToUcum, MapsTheTableAndPerUnits) {
  EXPECT_EQ(unit_word_to_ucum(""), "");
  EXPECT_EQ(unit_word_to_ucum("seconds"), "s");
  EXPECT_EQ(unit_word_to_ucum("bytes"), "By");
  EXPECT_EQ(unit_word_to_ucum("kibibytes"), "KiBy");
  EXPECT_EQ(unit_word_to_ucum("celsius"), "Cel");
  EXPECT_EQ(unit_word_to_ucum("ratio"), "1");
  EXPECT_EQ(unit_word_to_ucum("percent"), "%");
  EXPECT_EQ(unit_word_to_ucum("bytes_per_second"), "By/s");
  EXPECT_EQ(unit_word_to_ucum("meters_per_hour"), "m/h");
  EXPECT_EQ(unit_word_to_ucum("requests_per_month"), "requests/mo");
  EXPECT_EQ(unit_word_to_ucum("joules_per_"), "J");
  EXPECT_EQ(unit_word_to_ucum("furlongs"), "furlongs");
}

}  // namespace
}  // namespace promotel::promreceiver

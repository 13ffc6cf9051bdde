#include "exposition/number.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace promotel::exposition {
namespace {

TEST(ParseValue, DecimalAndSpecialWords) {
  EXPECT_EQ(parse_value("0"), 0.0);
  EXPECT_EQ(parse_value("-12.25"), -12.25);
  EXPECT_EQ(parse_value("+3"), 3.0);
  EXPECT_EQ(parse_value("1e-05"), 1e-05);
  EXPECT_EQ(parse_value("1.7976931348623157e308"), std::numeric_limits<double>::max());
  EXPECT_EQ(parse_value("0.1"), 0.1);
  EXPECT_EQ(parse_value("0.3"), 0.3);
  EXPECT_EQ(parse_value("123456789.123456789"), 123456789.123456789);
  EXPECT_EQ(parse_value("9223372036854775808"), 9223372036854775808.0);
  EXPECT_EQ(parse_value("Inf"), INFINITY);
  EXPECT_EQ(parse_value("-Infinity"), -INFINITY);
  EXPECT_EQ(parse_value("+inf"), INFINITY);
  EXPECT_TRUE(std::isnan(*parse_value("NaN")));
  EXPECT_TRUE(std::isnan(*parse_value("nan")));
}

TEST(ParseValue, RejectsNonDecimal) {
  for (const char* bad : {"", "-", "+", ".", "0x10", "0x1p-3", "1_000", "0b1", "0o1", "+NaN", "-nan", "1e",
                          "1.1.1", "1 ", "z", "in", "--1", "1e5x"})
    EXPECT_FALSE(parse_value(bad).has_value()) << bad;
}

TEST(ParseTimestampMs, Int64Only) {
  EXPECT_EQ(parse_timestamp_ms("1395066363000"), 1395066363000);
  EXPECT_EQ(parse_timestamp_ms("-1000"), -1000);
  EXPECT_EQ(parse_timestamp_ms("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(parse_timestamp_ms("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  for (const char* bad : {"", "-", "1.5", "1e3", "9223372036854775808", "99999999999999999999", "+1", "0x1"})
    EXPECT_FALSE(parse_timestamp_ms(bad).has_value()) << bad;
}

TEST(ParseTimestampSeconds, ExactDecimalToMilliseconds) {
  EXPECT_EQ(parse_timestamp_seconds("1520879607.789"), 1520879607789);
  EXPECT_EQ(parse_timestamp_seconds("1.5e3"), 1500000);
  EXPECT_EQ(parse_timestamp_seconds("000"), 0);
  EXPECT_EQ(parse_timestamp_seconds("0.0000000001"), 0);
  EXPECT_EQ(parse_timestamp_seconds("-1.1"), -1100);
  EXPECT_EQ(parse_timestamp_seconds("1.2345"), 1234);  // truncated
  EXPECT_EQ(parse_timestamp_seconds("1700000000.123456789"), 1700000000123);
  EXPECT_EQ(parse_timestamp_seconds("12345678901234567890.1234567890"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(parse_timestamp_seconds("1e-3"), 1);
  for (const char* bad : {"", "NaN", "Inf", "-Inf", "1_2", "1.1.1", "0x1p-3", "z", "1z", "e3", "."})
    EXPECT_FALSE(parse_timestamp_seconds(bad).has_value()) << bad;
}

}  // namespace
}  // namespace promotel::exposition

#include "exposition/number.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

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

namespace promotel::exposition {
namespace {

TEST(ParsePlainDecimal, SameAsParseValueOnItsForm) {
  for (const char* text : {"0", "1", "-7", "12345678", "123456789", "1234567890123456", "123456789012345",
                           "0.5", "12345678.12345", "-0.00000001", "1.", "99999999999999.9", "00000000000000000001",
                           "123 ", "12345678 9", "5e3", "1x", "2.633891e+11", "8.565345e+10", "1E-5",
                           "-4.5e-22", "1e22", "1e23", "1.5e-23", "123456789012345e22", "1e", "1e+", "1e-0",
                           "7e0005", "3e21 ", "-0e5", "0.000000000000001e-7"}) {
    std::string_view s(text);
    double v = -1;
    const char* end = parse_plain_decimal(s.data(), s.data() + s.size(), v);
    if (!end) continue;  // not the plain form (too many digits): parse_value's business
    std::string_view token(s.data(), static_cast<size_t>(end - s.data()));
    ASSERT_TRUE(parse_value(token).has_value()) << text;
    EXPECT_EQ(v, *parse_value(token)) << text;
  }
  double v = 0;
  std::string_view big = "12345678901234567";  // 17 digits: not the fast form
  EXPECT_EQ(parse_plain_decimal(big.data(), big.data() + big.size(), v), nullptr);
  std::string_view eight = "87654321 ";
  EXPECT_EQ(parse_plain_decimal(eight.data(), eight.data() + eight.size(), v), eight.data() + 8);
  EXPECT_EQ(v, 87654321);
  std::string_view exponent = "2.633891e+11 ";
  EXPECT_EQ(parse_plain_decimal(exponent.data(), exponent.data() + exponent.size(), v), exponent.data() + 12);
  EXPECT_EQ(v, 2.633891e+11);
  std::string_view frac = "1.23456789";
  EXPECT_NE(parse_plain_decimal(frac.data(), frac.data() + frac.size(), v), nullptr);
  EXPECT_EQ(v, 1.23456789);
}

// Every number the fast form accepts converts exactly as parse_value (fast_float) does.
TEST(ParsePlainDecimal, MatchesParseValueOnRandomNumbers) {
  uint64_t state = 88172645463325252ULL;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int fast = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string text = (next() & 1) ? "-" : "";
    text += std::to_string(next() % 1000000000000000ULL >> (next() % 50));
    if (next() & 1) {
      size_t at = text.size() - next() % (text.size() - (text[0] == '-'));
      text = text.substr(0, at) + "." + text.substr(at);
    }
    if (next() & 1) text += std::string(next() & 1 ? "e" : "E") + (next() & 1 ? "-" : "+") + std::to_string(next() % 30);
    double v = 0;
    const char* end = parse_plain_decimal(text.data(), text.data() + text.size(), v);
    if (!end) continue;
    ASSERT_EQ(end, text.data() + text.size()) << text;
    auto expected = parse_value(text);
    ASSERT_TRUE(expected.has_value()) << text;
    ASSERT_EQ(std::signbit(v), std::signbit(*expected)) << text;
    ASSERT_EQ(v, *expected) << text;
    ++fast;
  }
  EXPECT_GT(fast, 100000);
}

}  // namespace
}  // namespace promotel::exposition

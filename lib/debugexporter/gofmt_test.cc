#include "debugexporter/gofmt.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <limits>

namespace promotel::debugexporter {
namespace {

template <typename F, typename T>
std::string fmt(F f, T v) {
  std::string out;
  f(out, v);
  return out;
}

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(GoF, SixDecimalsNoExponentGoSpecials) {
  EXPECT_EQ(fmt(append_go_f, 1.23), "1.230000");
  EXPECT_EQ(fmt(append_go_f, 0.0000005), "0.000000");  // the double 5e-7 is just below the tie
  EXPECT_EQ(fmt(append_go_f, 0.125e-5), "0.000001");
  EXPECT_EQ(fmt(append_go_f, -0.0), "-0.000000");
  EXPECT_EQ(fmt(append_go_f, 1e21), "1000000000000000000000.000000");
  EXPECT_EQ(fmt(append_go_f, std::nan("")), "NaN");
  EXPECT_EQ(fmt(append_go_f, kInf), "+Inf");
  EXPECT_EQ(fmt(append_go_f, -kInf), "-Inf");
}

// Whole numbers take a shortcut; it must agree with the general correctly rounded path.
TEST(GoF, WholeNumbersLikeTheGeneralPath) {
  for (double v : {0.0, 1.0, 7.0, 686579303.0, 123456789012345.0, 999999999999999.0, 1e15,
                   9007199254740992.0, 4e15 + 1, 1e16, 2.5e20}) {
    for (double signed_v : {v, -v}) {
      char buffer[400];
      auto end = std::to_chars(buffer, buffer + sizeof buffer, signed_v, std::chars_format::fixed, 6).ptr;
      EXPECT_EQ(fmt(append_go_f, signed_v), std::string(buffer, end)) << signed_v;
    }
  }
}

TEST(JsonNumber, PlainBetweenOneMillionthAnd1e21) {
  EXPECT_EQ(fmt(append_json_number, 34.22), "34.22");
  EXPECT_EQ(fmt(append_json_number, 1e20), "100000000000000000000");
  EXPECT_EQ(fmt(append_json_number, 1.5e21), "1.5e+21");
  EXPECT_EQ(fmt(append_json_number, 1e-7), "1e-7");
  EXPECT_EQ(fmt(append_json_number, 0.000001), "0.000001");
  EXPECT_EQ(fmt(append_json_number, 0.0), "0");
  EXPECT_EQ(fmt(append_json_number, kInf), "Infinity");
  EXPECT_EQ(fmt(append_json_number, -kInf), "-Infinity");
}

TEST(Timestamp, GoTimeStringInUtc) {
  EXPECT_EQ(fmt(append_timestamp, uint64_t{0}), "1970-01-01 00:00:00 +0000 UTC");
  EXPECT_EQ(fmt(append_timestamp, uint64_t{1581452772000000321}),
            "2020-02-11 20:26:12.000000321 +0000 UTC");
  EXPECT_EQ(fmt(append_timestamp, uint64_t{1581452773500000000}), "2020-02-11 20:26:13.5 +0000 UTC");
  EXPECT_EQ(fmt(append_timestamp, ~uint64_t{0}), "1969-12-31 23:59:59.999999999 +0000 UTC");
  EXPECT_EQ(fmt(append_timestamp, uint64_t{951782400} * 1000000000), "2000-02-29 00:00:00 +0000 UTC");
}

// The date text is cached for the last two seconds seen: any order must give the same text.
TEST(Timestamp, AlternatingSecondsKeepTheirOwnDates) {
  const std::pair<uint64_t, const char*> known[] = {
      {0, "1970-01-01 00:00:00 +0000 UTC"},
      {1581452772000000321, "2020-02-11 20:26:12.000000321 +0000 UTC"},
      {uint64_t{951782400} * 1000000000, "2000-02-29 00:00:00 +0000 UTC"}};
  for (int i : {0, 1, 0, 1, 2, 0, 2, 1, 1, 2, 2, 0}) {
    EXPECT_EQ(fmt(append_timestamp, known[i].first), known[i].second) << i;
  }
}

TEST(Integers, Decimal) {
  EXPECT_EQ(fmt(append_int, int64_t{-9223372036854775807} - 1), "-9223372036854775808");
  EXPECT_EQ(fmt(append_uint, ~uint64_t{0}), "18446744073709551615");
}

}  // namespace
}  // namespace promotel::debugexporter

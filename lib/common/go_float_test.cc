#include "common/go_float.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>

namespace promotel {
namespace {

std::string go_g(double v) {
  std::string s;
  append_go_g(s, v);
  return s;
}

// What Go prints (strconv.FormatFloat(v, 'g', -1, 64)) for these.
TEST(GoFloat, FormatsLikeStrconvG) {
  EXPECT_EQ(go_g(0), "0");
  EXPECT_EQ(go_g(-0.0), "-0");
  EXPECT_EQ(go_g(1), "1");
  EXPECT_EQ(go_g(-1), "-1");
  EXPECT_EQ(go_g(0.25), "0.25");
  EXPECT_EQ(go_g(999999), "999999");
  EXPECT_EQ(go_g(123456.7), "123456.7");
  EXPECT_EQ(go_g(1e6), "1e+06");
  EXPECT_EQ(go_g(-1234567), "-1.234567e+06");
  EXPECT_EQ(go_g(686579303), "6.86579303e+08");
  EXPECT_EQ(go_g(0.0001), "0.0001");
  EXPECT_EQ(go_g(0.00012345), "0.00012345");
  EXPECT_EQ(go_g(0.00001), "1e-05");
  EXPECT_EQ(go_g(1.5e-7), "1.5e-07");
  EXPECT_EQ(go_g(1e100), "1e+100");
  EXPECT_EQ(go_g(0.1), "0.1");
  EXPECT_EQ(go_g(99.573), "99.573");
  EXPECT_EQ(go_g(-2.5e-300), "-2.5e-300");
  EXPECT_EQ(go_g(-123.456), "-123.456");
  EXPECT_EQ(go_g(5e-324), "5e-324");
  EXPECT_EQ(go_g(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(go_g(-2.2250738585072014e-308), "-2.2250738585072014e-308");
  EXPECT_EQ(go_g(NAN), "NaN");
  EXPECT_EQ(go_g(INFINITY), "+Inf");
  EXPECT_EQ(go_g(-INFINITY), "-Inf");
}

// An independent reference: the fewest significant digits (printf %.*e, correctly rounded)
// that read back as the same double, laid out by Go's rule.
std::string reference_g(double v) {
  char e[64];
  int precision = 0;
  for (; precision < 17; ++precision) {
    std::snprintf(e, sizeof e, "%.*e", precision, v);
    if (std::strtod(e, nullptr) == v) break;
  }
  std::string s(e);
  bool negative = s[0] == '-';
  if (negative) s.erase(0, 1);
  size_t at = s.find('e');
  int exponent = std::atoi(s.c_str() + at + 1);
  std::string digits;
  for (size_t i = 0; i < at; ++i)
    if (s[i] != '.') digits += s[i];
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out = negative ? "-" : "";
  if (exponent < -4 || exponent >= 6) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char x[16];
    std::snprintf(x, sizeof x, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    return out + x;
  }
  int point = exponent + 1;
  int count = static_cast<int>(digits.size());
  if (point <= 0) return out + "0." + std::string(static_cast<size_t>(-point), '0') + digits;
  if (point >= count) return out + digits + std::string(static_cast<size_t>(point - count), '0');
  return out + digits.substr(0, static_cast<size_t>(point)) + "." + digits.substr(static_cast<size_t>(point));
}

TEST(GoFloat, AgreesWithTheShortestRoundTripOnRandomValues) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> exponent(-12, 12), mantissa(1, 10);
  size_t compared = 0;
  for (int i = 0; i < 50000; ++i) {
    double v;
    switch (i % 4) {
      case 0: {  // any bit pattern
        uint64_t bits = rng();
        std::memcpy(&v, &bits, 8);
        if (!std::isfinite(v)) continue;
        break;
      }
      case 1: v = mantissa(rng) * std::pow(10.0, std::floor(exponent(rng))); break;  // every range
      case 2: v = std::round(mantissa(rng) * 1e5) / 1e3 * (rng() % 2 ? 1 : -1); break;  // few decimals
      default: v = static_cast<double>(rng() % 2000000) / ((rng() % 4) ? 1 : 8); break;  // near 1e6
    }
    ASSERT_EQ(go_g(v), reference_g(v)) << std::hexfloat << v;
    ++compared;
  }
  EXPECT_GT(compared, 47000u);
}

TEST(GoFloat, ShortestDecimalDigitsAndPoint) {
  ShortestDecimal d = shortest_decimal(-123.45);
  EXPECT_EQ(std::string(d.digits, static_cast<size_t>(d.count)), "12345");
  EXPECT_EQ(d.point, 3);
  d = shortest_decimal(0.00012);
  EXPECT_EQ(std::string(d.digits, static_cast<size_t>(d.count)), "12");
  EXPECT_EQ(d.point, -3);
  d = shortest_decimal(1e21);
  EXPECT_EQ(std::string(d.digits, static_cast<size_t>(d.count)), "1");
  EXPECT_EQ(d.point, 22);
}

}  // namespace
}  // namespace promotel

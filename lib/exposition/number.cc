#include "exposition/number.h"

#include <fast_float/fast_float.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "common/text.h"

namespace promotel::exposition {
namespace {

constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                             1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                             1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

}  // namespace

std::optional<double> parse_value(std::string_view s) {
  const char* p = s.data();
  const char* end = p + s.size();
  if (p == end) return std::nullopt;
  bool negative = false;
  const char* body = p;
  if (*body == '-' || *body == '+') {
    negative = *body == '-';
    ++body;
  }
  // Fast path: [-]digits[.digits] with at most 15 significant digits is exact as
  // mantissa / 10^k (both exactly representable, one correctly rounded division).
  {
    const char* q = body;
    uint64_t mantissa = 0;
    int digits = 0;
    while (q < end && static_cast<unsigned>(*q - '0') < 10) {
      mantissa = mantissa * 10 + static_cast<unsigned>(*q - '0');
      ++digits;
      ++q;
    }
    int fraction = 0;
    bool ok = digits > 0;
    if (q < end && *q == '.') {
      ++q;
      while (q < end && static_cast<unsigned>(*q - '0') < 10) {
        mantissa = mantissa * 10 + static_cast<unsigned>(*q - '0');
        ++digits;
        ++fraction;
        ++q;
      }
    }
    if (ok && q == end && digits <= 15) {
      double v = static_cast<double>(mantissa);
      if (fraction) v /= kPow10[fraction];
      return negative ? -v : v;
    }
  }
  if (body == end) return std::nullopt;
  char first = *body;
  if (!((first >= '0' && first <= '9') || first == '.')) {
    if (equals_ignore_case({body, size_t(end - body)}, "inf") || equals_ignore_case({body, size_t(end - body)}, "infinity"))
      return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    if (body == p && equals_ignore_case(s, "nan")) return std::numeric_limits<double>::quiet_NaN();
    return std::nullopt;
  }
  // Decimal only: no hex/binary/octal prefixes, no digit separators.
  for (const char* q = body; q < end; ++q) {
    char c = *q;
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'))
      return std::nullopt;
  }
  double v = 0;
  auto result = fast_float::from_chars(body, end, v, fast_float::chars_format::general);
  if (result.ec != std::errc() && result.ec != std::errc::result_out_of_range) return std::nullopt;
  if (result.ptr != end) return std::nullopt;
  return negative ? -v : v;
}

std::optional<model::TimestampMs> parse_timestamp_ms(std::string_view s) {
  const char* p = s.data();
  const char* end = p + s.size();
  bool negative = false;
  if (p < end && *p == '-') {
    negative = true;
    ++p;
  }
  if (p == end) return std::nullopt;
  uint64_t v = 0;
  const uint64_t limit = negative ? uint64_t(1) << 63 : (uint64_t(1) << 63) - 1;
  for (; p < end; ++p) {
    unsigned d = static_cast<unsigned>(*p - '0');
    if (d >= 10) return std::nullopt;
    if (v > (limit - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
}

std::optional<model::TimestampMs> parse_timestamp_seconds(std::string_view s) {
  const char* p = s.data();
  const char* end = p + s.size();
  bool negative = false;
  if (p < end && (*p == '-' || *p == '+')) {
    negative = *p == '-';
    ++p;
  }
  // Collect the significant digits (integer part then fraction) and the decimal exponent.
  const char* int_begin = p;
  while (p < end && static_cast<unsigned>(*p - '0') < 10) ++p;
  const char* int_end = p;
  const char* frac_begin = p;
  const char* frac_end = p;
  if (p < end && *p == '.') {
    frac_begin = ++p;
    while (p < end && static_cast<unsigned>(*p - '0') < 10) ++p;
    frac_end = p;
  }
  if (int_begin == int_end && frac_begin == frac_end) return std::nullopt;
  int64_t exponent = 0;
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    bool exp_negative = false;
    if (p < end && (*p == '-' || *p == '+')) {
      exp_negative = *p == '-';
      ++p;
    }
    if (p == end) return std::nullopt;
    for (; p < end; ++p) {
      unsigned d = static_cast<unsigned>(*p - '0');
      if (d >= 10) return std::nullopt;
      if (exponent < 100000) exponent = exponent * 10 + d;
    }
    if (exp_negative) exponent = -exponent;
  }
  if (p != end) return std::nullopt;
  // value_ms = digits * 10^(exponent - fraction_digits + 3), truncated toward zero.
  int64_t shift = exponent - (frac_end - frac_begin) + 3;
  int64_t total_digits = (int_end - int_begin) + (frac_end - frac_begin);
  int64_t keep = total_digits + (shift < 0 ? shift : 0);  // digits before the decimal point
  const uint64_t limit = negative ? uint64_t(1) << 63 : (uint64_t(1) << 63) - 1;
  uint64_t v = 0;
  bool saturated = false;
  auto digit_at = [&](int64_t i) {
    int64_t n_int = int_end - int_begin;
    return static_cast<unsigned>((i < n_int ? int_begin[i] : frac_begin[i - n_int]) - '0');
  };
  for (int64_t i = 0; i < keep && !saturated; ++i) {
    unsigned d = digit_at(i);
    if (v > (limit - d) / 10) saturated = true;
    else v = v * 10 + d;
  }
  for (int64_t i = 0; shift > 0 && i < shift && !saturated && v != 0; ++i) {
    if (v > limit / 10) saturated = true;
    else v *= 10;
  }
  if (saturated) v = limit;
  return negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
}

}  // namespace promotel::exposition

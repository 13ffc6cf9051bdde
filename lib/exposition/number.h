#pragma once

// Number syntax of the text expositions. All functions take the whole token and return
// nullopt unless all of it is valid.

#include <cstdint>
#include <optional>
#include <string_view>

#include "model/metric.h"

namespace promotel::exposition {

// A sample value. text 0.0.4 (Go ParseFloat minus hex and '_', as Prometheus): decimal with
// optional sign/exponent, "Inf"/"Infinity" with optional sign, "NaN" unsigned; any case.
// OpenMetrics: the same words, decimal only. Integers beyond int64 parse as doubles.
std::optional<double> parse_value(std::string_view token);

// The hot-path number form: [-]digits[.digits] with at most 15 digits, which converts exactly
// as mantissa / 10^k. Returns the end of the number, or nullptr if the text at p is not of
// that form (then use parse_value on the whole token).
inline const char* parse_plain_decimal(const char* p, const char* end, double& out) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  bool negative = p < end && *p == '-';
  const char* q = p + negative;
  uint64_t mantissa = 0;
  int digits = 0, fraction = 0;
  while (q < end && static_cast<unsigned>(*q - '0') < 10) {
    mantissa = mantissa * 10 + static_cast<unsigned>(*q - '0');
    ++digits;
    ++q;
  }
  if (digits == 0) return nullptr;
  if (q < end && *q == '.') {
    ++q;
    while (q < end && static_cast<unsigned>(*q - '0') < 10) {
      mantissa = mantissa * 10 + static_cast<unsigned>(*q - '0');
      ++digits;
      ++fraction;
      ++q;
    }
  }
  if (digits > 15) return nullptr;
  double v = static_cast<double>(mantissa);
  if (fraction) v /= kPow10[fraction];
  out = negative ? -v : v;
  return q;
}

// text 0.0.4 timestamp: base-10 int64 milliseconds (a leading '-' is accepted).
std::optional<model::TimestampMs> parse_timestamp_ms(std::string_view token);

// OpenMetrics timestamp: decimal seconds (fraction and exponent allowed, no Inf/NaN),
// converted exactly from the digits to milliseconds, truncated toward zero. Values beyond
// the int64 range of milliseconds saturate at INT64_MIN/INT64_MAX.
std::optional<model::TimestampMs> parse_timestamp_seconds(std::string_view token);

}  // namespace promotel::exposition

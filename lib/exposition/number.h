#pragma once

// Number syntax of the text expositions. All functions take the whole token and return
// nullopt unless all of it is valid.

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "model/metric.h"

namespace promotel::exposition {

// A sample value. text 0.0.4 (Go ParseFloat minus hex and '_', as Prometheus): decimal with
// optional sign/exponent, "Inf"/"Infinity" with optional sign, "NaN" unsigned; any case.
// OpenMetrics: the same words, decimal only. Integers beyond int64 parse as doubles.
std::optional<double> parse_value(std::string_view token);

namespace detail {

// 8 ASCII digits at p? (SWAR: every byte in '0'..'9')
inline bool is_eight_digits(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return ((w & 0xF0F0F0F0F0F0F0F0ULL) == 0x3030303030303030ULL) &&
         (((w + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) == 0x3030303030303030ULL);
}

// The value of 8 ASCII digits (little-endian load), with three multiplications.
inline uint32_t eight_digits(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  w -= 0x3030303030303030ULL;
  w = (w * 10) + (w >> 8);
  w = (((w & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
       (((w >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
      32;
  return static_cast<uint32_t>(w);
}

// Appends the digits at p to mantissa; returns the end of the digits.
inline const char* accumulate_digits(const char* p, const char* end, uint64_t& mantissa, int& digits) {
  while (end - p >= 8 && is_eight_digits(p)) {
    mantissa = mantissa * 100000000ULL + eight_digits(p);
    digits += 8;
    p += 8;
  }
  while (p < end && static_cast<unsigned>(*p - '0') < 10) {
    mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
    ++digits;
    ++p;
  }
  return p;
}

}  // namespace detail

// The hot-path number form: [-]digits[.digits][(e|E)[+|-]digits] with at most 15 significant
// digits and a resulting power of ten within ±22: mantissa and 10^k are then exact doubles and
// one multiplication or division rounds correctly (Clinger's fast path), so the result is the
// same as parse_value's. Returns the end of the number, or nullptr if the text at p is not of
// that form (then use parse_value on the whole token).
inline const char* parse_plain_decimal(const char* p, const char* end, double& out) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  bool negative = p < end && *p == '-';
  const char* q = p + negative;
  uint64_t mantissa = 0;
  int digits = 0;
  q = detail::accumulate_digits(q, end, mantissa, digits);
  if (digits == 0) return nullptr;
  int power = 0;
  if (q < end && *q == '.') {
    int before = digits;
    q = detail::accumulate_digits(q + 1, end, mantissa, digits);
    power = before - digits;
  }
  if (digits > 15) return nullptr;
  if (q < end && (*q | 0x20) == 'e') {
    const char* e = q + 1;
    bool exponent_negative = e < end && *e == '-';
    e += (e < end && (*e == '-' || *e == '+'));
    int exponent = 0;
    const char* exponent_begin = e;
    while (e < end && static_cast<unsigned>(*e - '0') < 10 && e - exponent_begin < 3) {
      exponent = exponent * 10 + (*e - '0');
      ++e;
    }
    if (e == exponent_begin || (e < end && static_cast<unsigned>(*e - '0') < 10)) return nullptr;
    power += exponent_negative ? -exponent : exponent;
    q = e;
  }
  double v = static_cast<double>(mantissa);
  if (power < 0) {
    if (power < -22) return nullptr;
    v /= kPow10[-power];
  } else if (power > 0) {
    if (power > 22) return nullptr;
    v *= kPow10[power];
  }
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

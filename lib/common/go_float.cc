#include "common/go_float.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace promotel {

namespace {

char* copy(const char* text, char* out) {
  size_t n = std::strlen(text);
  std::memcpy(out, text, n);
  return out + n;
}

// The decimal exponent of to_chars' scientific output "d[.ddd]e±XX[X]": [e, end) is "e±XX[X]".
int exponent_after(const char* e, const char* end) {
  int magnitude = 0;
  for (const char* p = e + 2; p < end; ++p) magnitude = magnitude * 10 + (*p - '0');
  return e[1] == '-' ? -magnitude : magnitude;
}

}  // namespace

ShortestDecimal shortest_decimal(double value) {
  char buffer[kGoFloatMaxChars];
  auto result = std::to_chars(buffer, buffer + kGoFloatMaxChars, std::fabs(value), std::chars_format::scientific);
  ShortestDecimal d;
  const char* p = buffer;
  for (; *p != 'e'; ++p) {
    if (*p != '.') d.digits[d.count++] = *p;
  }
  while (d.count > 1 && d.digits[d.count - 1] == '0') --d.count;
  d.point = exponent_after(p, result.ptr) + 1;
  return d;
}

char* format_go_g(double value, char* out) {
  if (std::isnan(value)) return copy("NaN", out);
  if (std::isinf(value)) return copy(value > 0 ? "+Inf" : "-Inf", out);
  double magnitude = std::fabs(value);
  // Whole numbers below 1e6 (counts, codes, most gauges) are their integer digits.
  if (magnitude < 1e6 && magnitude == std::trunc(magnitude)) {
    if (std::signbit(value)) *out++ = '-';
    return std::to_chars(out, out + 8, static_cast<uint32_t>(magnitude)).ptr;
  }
  // to_chars' shortest scientific form is Go's %e form already: "d.ddde±XX".
  char* begin = out;
  char* end = std::to_chars(out, out + kGoFloatMaxChars, value, std::chars_format::scientific).ptr;
  if (*begin == '-') ++begin;
  const char* e = static_cast<const char*>(std::memchr(begin, 'e', static_cast<size_t>(end - begin)));
  int exponent = exponent_after(e, end);
  if (exponent < -4 || exponent >= 6) return end;
  // Plain form with the same digits: the exponent is in [-4, 5], so at most 5 leading zeros
  // or 5 digits move before the point.
  char digits[24];
  int count = 0;
  for (const char* p = begin; p < e; ++p) {
    if (*p != '.') digits[count++] = *p;
  }
  char* p = begin;
  int point = exponent + 1;
  if (point <= 0) {
    *p++ = '0';
    *p++ = '.';
    for (int i = point; i < 0; ++i) *p++ = '0';
    std::memcpy(p, digits, static_cast<size_t>(count));
    return p + count;
  }
  if (point >= count) {  // not reached for whole numbers below 1e6, kept for completeness
    std::memcpy(p, digits, static_cast<size_t>(count));
    p += count;
    for (int i = count; i < point; ++i) *p++ = '0';
    return p;
  }
  std::memcpy(p, digits, static_cast<size_t>(point));
  p += point;
  *p++ = '.';
  std::memcpy(p, digits + point, static_cast<size_t>(count - point));
  return p + (count - point);
}

void append_go_g(std::string& out, double value) {
  char buffer[kGoFloatMaxChars];
  out.append(buffer, static_cast<size_t>(format_go_g(value, buffer) - buffer));
}

}  // namespace promotel

#pragma once

// Floats printed the way Go's strconv prints them: the exposition formats (expfmt) and the
// Collector's debug exporter are Go code, and their output is what ours must equal.

#include <cstddef>
#include <string>

namespace promotel {

// The shortest decimal digits that round-trip a finite, non-zero |value|:
// |value| = 0.DIGITS × 10^point, without trailing zeros.
struct ShortestDecimal {
  char digits[24];
  int count = 0;
  int point = 0;
};
ShortestDecimal shortest_decimal(double value);

// Room for any result of format_go_g.
inline constexpr size_t kGoFloatMaxChars = 32;

// strconv.FormatFloat(value, 'g', -1, 64), which is also fmt's %v: the shortest digits that
// round-trip, in %e form ("1.5e-07", at least two exponent digits) when the decimal exponent is
// < -4 or >= 6, else plain ("0.0001", "123456.7"); "NaN", "+Inf", "-Inf". Writes at most
// kGoFloatMaxChars bytes at `out` and returns the end.
char* format_go_g(double value, char* out);
void append_go_g(std::string& out, double value);

}  // namespace promotel

#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace promotel::debugexporter {

// Number and time formatting exactly as Go prints them (the debug exporter is Go code).

// fmt "%f": fixed, 6 decimals, correctly rounded, never an exponent; NaN, +Inf, -Inf.
// format_go_f writes at most kGoFMaxChars bytes (-1.8e308 has 309 digits) and returns the end.
inline constexpr size_t kGoFMaxChars = 330;
char* format_go_f(double value, char* out);
void append_go_f(std::string& out, double value);
// fmt "%v" of a float64 is append_go_g (common/go_float.h).
// pdata's float-to-string (encoding/json style): shortest digits, plain notation unless
// |x| < 1e-6 or |x| >= 1e21, exponent without leading zeros ("1e-7", "1.5e+21");
// NaN, Infinity, -Infinity.
void append_json_number(std::string& out, double value);
// strconv decimal of integers.
void append_int(std::string& out, int64_t value);
void append_uint(std::string& out, uint64_t value);
// time.Time.String() in UTC of nanoseconds since the epoch (pcommon.Timestamp):
// "2020-02-11 20:26:12.000000321 +0000 UTC", trailing fraction zeros trimmed; values >= 2^63
// are negative times, as in Go.
inline constexpr size_t kTimestampMaxChars = 40;
char* format_timestamp(uint64_t unix_nanos, char* out);
void append_timestamp(std::string& out, uint64_t unix_nanos);

}  // namespace promotel::debugexporter

#include "debugexporter/gofmt.h"

#include <charconv>
#include <cmath>
#include <climits>
#include <cstdint>
#include <cstring>

#include "common/go_float.h"

namespace promotel::debugexporter {

namespace {

void append_fixed(std::string& out, const ShortestDecimal& d) {
  if (d.point <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-d.point), '0');
    out.append(d.digits, d.count);
  } else if (d.point >= d.count) {
    out.append(d.digits, d.count);
    out.append(static_cast<size_t>(d.point - d.count), '0');
  } else {
    out.append(d.digits, d.point);
    out += '.';
    out.append(d.digits + d.point, d.count - d.point);
  }
}

void append_exponent_form(std::string& out, const ShortestDecimal& d) {
  out += d.digits[0];
  if (d.count > 1) {
    out += '.';
    out.append(d.digits + 1, d.count - 1);
  }
  int exponent = d.point - 1;
  out += 'e';
  out += exponent < 0 ? '-' : '+';
  unsigned magnitude = static_cast<unsigned>(exponent < 0 ? -exponent : exponent);
  char digits[8];
  auto end = std::to_chars(digits, digits + sizeof digits, magnitude).ptr;
  out.append(digits, static_cast<size_t>(end - digits));
}

}  // namespace

char* format_go_f(double value, char* out) {
  if (std::isnan(value)) {
    std::memcpy(out, "NaN", 3);
    return out + 3;
  }
  if (std::isinf(value)) {
    std::memcpy(out, value > 0 ? "+Inf" : "-Inf", 4);
    return out + 4;
  }
  // Whole numbers (counters, gauges of counts) are exact as integers: digits and ".000000".
  double magnitude = std::fabs(value);
  if (magnitude < 1e15 && magnitude == std::floor(magnitude)) {
    if (std::signbit(value)) *out++ = '-';
    out = std::to_chars(out, out + 16, static_cast<uint64_t>(magnitude)).ptr;
    std::memcpy(out, ".000000", 7);
    return out + 7;
  }
  return std::to_chars(out, out + kGoFMaxChars, value, std::chars_format::fixed, 6).ptr;
}

void append_go_f(std::string& out, double value) {
  char buffer[kGoFMaxChars];
  out.append(buffer, static_cast<size_t>(format_go_f(value, buffer) - buffer));
}

void append_json_number(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "Infinity" : "-Infinity";
    return;
  }
  if (std::signbit(value)) out += '-';
  if (value == 0) {
    out += '0';
    return;
  }
  double magnitude = std::fabs(value);
  ShortestDecimal d = shortest_decimal(value);
  if (magnitude < 1e-6 || magnitude >= 1e21) {
    append_exponent_form(out, d);
  } else {
    append_fixed(out, d);
  }
}

void append_int(std::string& out, int64_t value) {
  char buffer[24];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, static_cast<size_t>(result.ptr - buffer));
}

void append_uint(std::string& out, uint64_t value) {
  char buffer[24];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, static_cast<size_t>(result.ptr - buffer));
}

namespace {

// "YYYY-MM-DD HH:MM:SS" of seconds since the epoch (proleptic Gregorian, UTC).
void format_date_time(char* p, int64_t seconds) {
  int64_t days = seconds / 86400;
  int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t year = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t day = doy - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  if (month <= 2) ++year;
  auto two = [&p](int64_t v) {
    *p++ = static_cast<char>('0' + v / 10);
    *p++ = static_cast<char>('0' + v % 10);
  };
  // int64 nanoseconds span the years 1677..2262: always four digits.
  two(year / 100);
  two(year % 100);
  *p++ = '-';
  two(month);
  *p++ = '-';
  two(day);
  *p++ = ' ';
  two(rest / 3600);
  *p++ = ':';
  two(rest / 60 % 60);
  *p++ = ':';
  two(rest % 60);
}

}  // namespace

char* format_timestamp(uint64_t unix_nanos, char* out) {
  int64_t nanos = static_cast<int64_t>(unix_nanos);
  int64_t seconds = nanos / 1000000000;
  int64_t fraction = nanos % 1000000000;
  if (fraction < 0) {
    fraction += 1000000000;
    --seconds;
  }
  // Timestamps in a batch mostly share their second: keep the last two date texts (data
  // points alternate between a start time and a time).
  struct CachedDate {
    int64_t seconds = INT64_MIN;
    char text[19];
  };
  thread_local CachedDate cache[2];
  thread_local int replace_next = 0;
  const CachedDate* date = cache[0].seconds == seconds ? &cache[0]
                           : cache[1].seconds == seconds ? &cache[1]
                                                         : nullptr;
  if (!date) {
    CachedDate& slot = cache[replace_next];
    replace_next ^= 1;
    format_date_time(slot.text, seconds);
    slot.seconds = seconds;
    date = &slot;
  }
  std::memcpy(out, date->text, 19);
  char* p = out + 19;
  if (fraction != 0) {
    *p++ = '.';
    char digits[9];
    for (int i = 8; i >= 0; --i) {
      digits[i] = static_cast<char>('0' + fraction % 10);
      fraction /= 10;
    }
    int n = 9;
    while (digits[n - 1] == '0') --n;
    std::memcpy(p, digits, n);
    p += n;
  }
  std::memcpy(p, " +0000 UTC", 10);
  return p + 10;
}

void append_timestamp(std::string& out, uint64_t unix_nanos) {
  char buffer[kTimestampMaxChars];
  out.append(buffer, static_cast<size_t>(format_timestamp(unix_nanos, buffer) - buffer));
}

}  // namespace promotel::debugexporter

#include "promconfig/duration.h"

#include <array>
#include <cctype>

namespace promotel::promconfig {

namespace {

struct Unit {
  std::string_view name;
  int64_t ms;
};

constexpr std::array<Unit, 7> kUnits{{{"y", 365LL * 24 * 3600 * 1000},
                                      {"w", 7LL * 24 * 3600 * 1000},
                                      {"d", 24LL * 3600 * 1000},
                                      {"h", 3600LL * 1000},
                                      {"m", 60LL * 1000},
                                      {"s", 1000},
                                      {"ms", 1}}};

}  // namespace

std::optional<int64_t> parse_duration(std::string_view s) {
  if (s == "0") return 0;
  if (s.empty()) return std::nullopt;
  int64_t total = 0;
  size_t next_unit = 0;  // units must come in decreasing order
  while (!s.empty()) {
    size_t digits = 0;
    while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) ++digits;
    if (digits == 0 || digits > 18) return std::nullopt;
    int64_t n = std::stoll(std::string(s.substr(0, digits)));
    s.remove_prefix(digits);
    size_t letters = 0;
    while (letters < s.size() && std::isalpha(static_cast<unsigned char>(s[letters]))) ++letters;
    std::string_view unit = s.substr(0, letters);
    s.remove_prefix(letters);
    size_t i = next_unit;
    while (i < kUnits.size() && kUnits[i].name != unit) ++i;
    if (i == kUnits.size()) return std::nullopt;
    if (n > INT64_MAX / kUnits[i].ms || total > INT64_MAX - n * kUnits[i].ms) return std::nullopt;
    total += n * kUnits[i].ms;
    next_unit = i + 1;
  }
  return total;
}

std::string format_duration(int64_t ms) {
  if (ms == 0) return "0s";
  std::string out;
  for (const auto& u : kUnits) {
    if (ms >= u.ms) {
      out += std::to_string(ms / u.ms);
      out += u.name;
      ms %= u.ms;
    }
  }
  return out;
}

}  // namespace promotel::promconfig

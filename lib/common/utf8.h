#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace promotel {

// UTF-8 checks shared by the parsers, remote write and relabelling.

// True when no byte has the high bit set (the common case, eight bytes at a time).
inline bool is_ascii(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t acc = 0;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    acc |= w;
  }
  for (; n > 0; ++p, --n) acc |= static_cast<unsigned char>(*p);
  return (acc & 0x8080808080808080ULL) == 0;
}

// Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);

// Number of Unicode code points of valid UTF-8 text.
size_t count_code_points(std::string_view s);

}  // namespace promotel

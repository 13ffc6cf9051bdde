#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace promotel {

// UTF-8 checks shared by the parsers, remote write and relabelling.

// True when no byte has the high bit set (the common case): eight bytes at a time, the last
// word overlapping the previous one, and short strings by two overlapping 4-byte loads or
// their first, middle and last bytes, so no byte-by-byte tail loop.
inline bool is_ascii(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  if (n >= 8) {
    uint64_t acc = 0, w;
    for (; n > 8; p += 8, n -= 8) {
      std::memcpy(&w, p, 8);
      acc |= w;
    }
    std::memcpy(&w, p + n - 8, 8);
    return ((acc | w) & 0x8080808080808080ULL) == 0;
  }
  if (n >= 4) {
    uint32_t head, tail;
    std::memcpy(&head, p, 4);
    std::memcpy(&tail, p + n - 4, 4);
    return ((head | tail) & 0x80808080u) == 0;
  }
  if (n == 0) return true;
  return ((static_cast<unsigned char>(p[0]) | static_cast<unsigned char>(p[n / 2]) |
           static_cast<unsigned char>(p[n - 1])) & 0x80) == 0;
}

// Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);

// Number of Unicode code points of valid UTF-8 text.
size_t count_code_points(std::string_view s);

}  // namespace promotel

#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace promotel {

// a[0..n) == b[0..n) for the short strings of label names and values, inline: word compares,
// the last word overlapping the one before, instead of a call to memcmp.
[[gnu::always_inline]] inline bool same_bytes(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    uint64_t x, y;
    for (; n > 8; a += 8, b += 8, n -= 8) {
      std::memcpy(&x, a, 8);
      std::memcpy(&y, b, 8);
      if (x != y) return false;
    }
    std::memcpy(&x, a + n - 8, 8);
    std::memcpy(&y, b + n - 8, 8);
    return x == y;
  }
  if (n >= 4) {
    uint32_t x0, y0, x1, y1;
    std::memcpy(&x0, a, 4);
    std::memcpy(&y0, b, 4);
    std::memcpy(&x1, a + n - 4, 4);
    std::memcpy(&y1, b + n - 4, 4);
    return ((x0 ^ y0) | (x1 ^ y1)) == 0;
  }
  // First, middle and last byte: all of them for n <= 3.
  return n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1]);
}

[[gnu::always_inline]] inline bool same_bytes(std::string_view a, std::string_view b) {
  return a.size() == b.size() && same_bytes(a.data(), b.data(), a.size());
}

// memcpy for the short names and values copied on every sample, inline: overlapping word
// loads and stores instead of a call.
[[gnu::always_inline]] inline void copy_short(char* to, const char* from, size_t n) {
  if (n > 16) {
    std::memcpy(to, from, n);
  } else if (n >= 8) {
    uint64_t a, b;
    std::memcpy(&a, from, 8);
    std::memcpy(&b, from + n - 8, 8);
    std::memcpy(to, &a, 8);
    std::memcpy(to + n - 8, &b, 8);
  } else if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, from, 4);
    std::memcpy(&b, from + n - 4, 4);
    std::memcpy(to, &a, 4);
    std::memcpy(to + n - 4, &b, 4);
  } else {
    for (size_t i = 0; i < n; ++i) to[i] = from[i];
  }
}

// A hash of a string of at most 16 bytes for in-memory tables (not stable across versions):
// the bytes as two overlapping words, one 64x64->128-bit multiply folded, a final mix.
inline uint64_t short_hash(const char* p, size_t n) {
  uint64_t lo, hi;
  if (n >= 8) {
    std::memcpy(&lo, p, 8);
    std::memcpy(&hi, p + n - 8, 8);
  } else if (n >= 4) {
    uint32_t head, tail;
    std::memcpy(&head, p, 4);
    std::memcpy(&tail, p + n - 4, 4);
    lo = head;
    hi = tail;
  } else {
    lo = n == 0 ? 0 : uint64_t(uint8_t(p[0])) | uint64_t(uint8_t(p[n / 2])) << 8 | uint64_t(uint8_t(p[n - 1])) << 16;
    hi = 0;
  }
  unsigned __int128 m = (unsigned __int128)(lo ^ 0x9e3779b97f4a7c15ULL) * (hi ^ 0xc2b2ae3d27d4eb4fULL ^ n);
  uint64_t h = uint64_t(m) ^ uint64_t(m >> 64);
  h ^= h >> 37;
  h *= 0x165667919e3779f9ULL;
  return h ^ (h >> 32);
}

}  // namespace promotel

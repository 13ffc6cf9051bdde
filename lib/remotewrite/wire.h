#pragma once

// Protocol-buffers wire primitives for the hand-written Remote-Write encoder. Every message is
// sized first and then written into a buffer that is already large enough, so the writers below
// take and return raw pointers and never check bounds.

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace promotel::remotewrite::wire {

enum WireType : uint8_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2 };

constexpr uint8_t tag(uint32_t field, WireType type) { return uint8_t(field << 3 | type); }

// Most of ours (symbol references, lengths of labels) are below 128.
inline size_t varint_size(uint64_t v) { return v < 0x80 ? 1 : (std::bit_width(v) + 6) / 7; }

inline uint64_t zigzag(int64_t v) { return (uint64_t(v) << 1) ^ uint64_t(v >> 63); }

inline char* put_varint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = char(v | 0x80);
    v >>= 7;
  }
  *p++ = char(v);
  return p;
}

inline char* put_byte(char* p, uint8_t b) {
  *p++ = char(b);
  return p;
}

inline char* put_fixed64(char* p, uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(p, &v, 8);
  } else {
    for (int i = 0; i < 8; ++i) p[i] = char(v >> (8 * i));
  }
  return p + 8;
}

inline char* put_double(char* p, double d) { return put_fixed64(p, std::bit_cast<uint64_t>(d)); }

inline char* put_bytes(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// put_bytes for the short strings of label names and values: fixed-size copies of the first and
// last bytes (which may overlap) instead of a call to memcpy; never reads outside `s`.
inline char* put_short_bytes(char* p, std::string_view s) {
  size_t n = s.size();
  const char* q = s.data();
  if (n >= 8 && n <= 16) {
    uint64_t head, tail;
    std::memcpy(&head, q, 8);
    std::memcpy(&tail, q + n - 8, 8);
    std::memcpy(p, &head, 8);
    std::memcpy(p + n - 8, &tail, 8);
  } else if (n >= 4 && n < 8) {
    uint32_t head, tail;
    std::memcpy(&head, q, 4);
    std::memcpy(&tail, q + n - 4, 4);
    std::memcpy(p, &head, 4);
    std::memcpy(p + n - 4, &tail, 4);
  } else if (n < 4) {
    if (n > 0) {  // first, middle and last byte: all of them for n <= 3
      p[0] = q[0];
      p[n / 2] = q[n / 2];
      p[n - 1] = q[n - 1];
    }
  } else if (n <= 32) {  // 17..32: metric names and longer values, two 16-byte moves
    char head[16], tail[16];
    std::memcpy(head, q, 16);
    std::memcpy(tail, q + n - 16, 16);
    std::memcpy(p, head, 16);
    std::memcpy(p + n - 16, tail, 16);
  } else if (n <= 64) {  // 33..64: long metric names (a histogram's `_bucket`), two 32-byte moves
    char head[32], tail[32];
    std::memcpy(head, q, 32);
    std::memcpy(tail, q + n - 32, 32);
    std::memcpy(p, head, 32);
    std::memcpy(p + n - 32, tail, 32);
  } else {
    std::memcpy(p, q, n);
  }
  return p + n;
}

// Field sizes (tag byte included; all our field numbers are < 16 so a tag is one byte, except
// field 16/17 of Histogram, which take two).
inline size_t field_size_varint(uint64_t v) { return 1 + varint_size(v); }
inline size_t field_size_double() { return 9; }
inline size_t field_size_bytes(size_t n) { return 1 + varint_size(n) + n; }

inline char* put_field_varint(char* p, uint32_t field, uint64_t v) {
  return put_varint(put_byte(p, tag(field, kVarint)), v);
}
inline char* put_field_double(char* p, uint32_t field, double d) {
  return put_double(put_byte(p, tag(field, kFixed64)), d);
}
inline char* put_field_header(char* p, uint32_t field, size_t length) {
  return put_varint(put_byte(p, tag(field, kLengthDelimited)), length);
}
inline char* put_field_bytes(char* p, uint32_t field, std::string_view s) {
  return put_bytes(put_field_header(p, field, s.size()), s);
}

// A minimal reader for decoding (dry-run of stored bodies and tests).
struct Reader {
  const char* p;
  const char* end;

  bool done() const { return p >= end; }
  bool varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64 && p < end; shift += 7) {
      uint8_t b = uint8_t(*p++);
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool fixed64(uint64_t& v) {
    if (end - p < 8) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t(uint8_t(p[i])) << (8 * i);
    p += 8;
    return true;
  }
  bool bytes(std::string_view& s) {
    uint64_t n;
    if (!varint(n) || n > uint64_t(end - p)) return false;
    s = std::string_view(p, n);
    p += n;
    return true;
  }
  // Skips a field of the given wire type; false on malformed input or unsupported types.
  bool skip(uint32_t type) {
    uint64_t v;
    std::string_view s;
    switch (type) {
      case kVarint: return varint(v);
      case kFixed64: return fixed64(v);
      case kLengthDelimited: return bytes(s);
      case 5:
        if (end - p < 4) return false;
        p += 4;
        return true;
      default: return false;
    }
  }
};

}  // namespace promotel::remotewrite::wire

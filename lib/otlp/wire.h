#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace promotel::otlp::wire {

// Protobuf wire types this reader accepts (groups, 3 and 4, are refused).
enum WireType : uint8_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };

// One field as it appears on the wire: the value of varint/fixed fields, the bytes of
// length-delimited ones.
struct Field {
  uint32_t number = 0;
  WireType type = kVarint;
  uint64_t value = 0;
  std::string_view bytes;

  double as_double() const {
    double d;
    std::memcpy(&d, &value, sizeof d);
    return d;
  }
};

// A strict, bounds-checked cursor over the fields of one protobuf message. It refuses more
// than the generated parser does (10-byte varints with stray high bits, groups, field 0), never
// less: a caller that gives up on !ok() can always fall back to the generated parser.
class Cursor {
 public:
  explicit Cursor(std::string_view bytes)
      : p_(reinterpret_cast<const uint8_t*>(bytes.data())), end_(p_ + bytes.size()) {}

  // The next field; false at the end of the message or on malformed bytes (then ok() is false).
  bool next(Field& field) {
    if (p_ == end_) return false;
    uint64_t tag;
    if (*p_ < 0x80) {  // one-byte tags: field numbers up to 15
      tag = *p_++;
    } else if (!varint_slow(tag) || tag > UINT32_MAX) {
      return fail();
    }
    field.number = static_cast<uint32_t>(tag >> 3);
    if (field.number == 0) return fail();
    switch (tag & 7) {
      case kVarint:
        field.type = kVarint;
        return varint(field.value) || fail();
      case kFixed64:
        if (end_ - p_ < 8) return fail();
        field.type = kFixed64;
        std::memcpy(&field.value, p_, 8);  // little-endian hosts only (x86-64, arm64)
        p_ += 8;
        return true;
      case kLen: {
        uint64_t length;
        if (!varint(length) || length > static_cast<uint64_t>(end_ - p_)) return fail();
        field.type = kLen;
        field.bytes = std::string_view(reinterpret_cast<const char*>(p_), length);
        p_ += length;
        return true;
      }
      case kFixed32: {
        if (end_ - p_ < 4) return fail();
        uint32_t v;
        std::memcpy(&v, p_, 4);
        field.type = kFixed32;
        field.value = v;
        p_ += 4;
        return true;
      }
      default: return fail();
    }
  }

  bool ok() const { return ok_; }

  // The elements of a packed repeated varint field (after next() gave its bytes).
  static bool next_packed_varint(std::string_view& packed, uint64_t& value) {
    Cursor c(packed);
    if (!c.varint(value)) return false;
    packed.remove_prefix(static_cast<size_t>(c.p_ - reinterpret_cast<const uint8_t*>(packed.data())));
    return true;
  }

 private:
  bool fail() {
    ok_ = false;
    p_ = end_;
    return false;
  }

  bool varint(uint64_t& out) {
    if (p_ != end_ && *p_ < 0x80) {
      out = *p_++;
      return true;
    }
    return varint_slow(out);
  }

  bool varint_slow(uint64_t& out) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return false;
      uint8_t byte = *p_++;
      if (shift == 63 && byte > 1) return false;
      result |= uint64_t{byte & 0x7fu} << shift;
      if (byte < 0x80) {
        out = result;
        return true;
      }
    }
    return false;
  }

  const uint8_t* p_;
  const uint8_t* end_;
  bool ok_ = true;
};

}  // namespace promotel::otlp::wire

#pragma once

// A protobuf wire-format writer producing exactly the bytes the generated messages serialise to,
// without building them: fields are written in field-number order by the caller; a nested
// message's length is not known until it ends, so its body is written first and its length
// prefix is spliced in by finish() (one copy of the whole request instead of one allocation
// per message).

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace promotel::promreceiver {

class WireWriter {
 public:
  enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLength = 2 };

  // Where the writer stands, to drop what was written after it (rewind).
  struct Mark {
    size_t bytes;
    size_t patches;
    size_t inserted;
  };

  void clear() {
    used_ = 0;
    patches_.clear();
    inserted_ = 0;
  }

  void tag(uint32_t field, WireType type) { varint((field << 3) | type); }

  void varint(uint64_t v) { advance_to(put_varint(reserve(10), v)); }

  static char* put_varint(char* p, uint64_t v) {
    while (v >= 0x80) {
      *p++ = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    *p++ = static_cast<char>(v);
    return p;
  }

  // Raw writing: room for n more bytes at the end (valid until the next write), then where the
  // written bytes end.
  char* reserve(size_t n) {
    if (used_ + n > buf_.size()) buf_.resize(std::max(buf_.size() * 2, used_ + n + 4096));
    return buf_.data() + used_;
  }
  void advance_to(char* end) { used_ = static_cast<size_t>(end - buf_.data()); }

  static char* put_fixed64(char* p, uint64_t v) {
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(p, &v, 8);
    } else {
      for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(v >> (8 * i));
    }
    return p + 8;
  }

  void fixed64(uint64_t v) {
    char* p = reserve(8);
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(p, &v, 8);
    } else {
      for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(v >> (8 * i));
    }
    used_ += 8;
  }

  void double_bits(double d) {
    uint64_t v;
    std::memcpy(&v, &d, 8);
    fixed64(v);
  }

  // Always written (oneof members, optional fields).
  void double_field(uint32_t field, double d) {
    tag(field, kFixed64);
    double_bits(d);
  }
  // Written unless it is the proto3 default (bit pattern zero, so -0.0 is written).
  void double_if_set(uint32_t field, double d) {
    uint64_t v;
    std::memcpy(&v, &d, 8);
    if (v != 0) double_field(field, d);
  }
  void fixed64_if_set(uint32_t field, uint64_t v) {
    if (v == 0) return;
    tag(field, kFixed64);
    fixed64(v);
  }
  void varint_if_set(uint32_t field, uint64_t v) {
    if (v == 0) return;
    tag(field, kVarint);
    varint(v);
  }
  void sint32_if_set(uint32_t field, int32_t v) {
    varint_if_set(field, (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31));
  }
  // Always written (oneof members).
  void string_field(uint32_t field, std::string_view s) {
    tag(field, kLength);
    varint(s.size());
    std::memcpy(reserve(s.size()), s.data(), s.size());
    used_ += s.size();
  }
  void string_if_set(uint32_t field, std::string_view s) {
    if (!s.empty()) string_field(field, s);
  }

  // Starts a length-delimited field whose length comes at end(); returns its handle.
  size_t begin(uint32_t field) {
    tag(field, kLength);
    patches_.push_back({used_, inserted_, 0});
    return patches_.size() - 1;
  }
  void end(size_t handle) {
    Patch& p = patches_[handle];
    p.length = (used_ - p.position) + (inserted_ - p.inserted_at_begin);
    inserted_ += varint_size(p.length);
  }

  Mark mark() const { return {used_, patches_.size(), inserted_}; }
  void rewind(const Mark& m) {
    used_ = m.bytes;
    patches_.resize(m.patches);
    inserted_ = m.inserted;
  }

  size_t size() const { return used_ + inserted_; }

  // The message handed over in consecutive pieces, in order, without assembling it:
  // write(std::span<const std::string_view>) gets the long stretches between length prefixes as
  // views of the writer's bytes, and the prefixes and short stretches gathered in a staging
  // buffer (a message of many small parts is not handed over a few bytes at a time). The views
  // are valid during the call; the staging buffer stays small (each call hands over at most
  // about kStagedLimit staged bytes).
  template <typename Write>
  void finish_gathered(Write&& write) {
    constexpr size_t kLong = 1024;
    constexpr size_t kStagedLimit = 64 * 1024;
    // Staged bytes stay below kStagedLimit + kLong + 10: the limit is checked after each
    // prefix, and at most one short stretch and one prefix are staged between checks.
    if (staging_.empty()) staging_.resize(kStagedLimit + kLong + 16);
    runs_.clear();
    size_t staged = 0;
    auto hand_over = [&] {
      views_.clear();
      for (const Run& r : runs_) {
        views_.emplace_back((r.staged ? staging_.data() : buf_.data()) + r.offset, r.size);
      }
      write(std::span<const std::string_view>(views_));
      runs_.clear();
      staged = 0;
    };
    auto stage = [&](const char* p, size_t size) {
      if (runs_.empty() || !runs_.back().staged) runs_.push_back({staged, 0, true});
      std::memcpy(staging_.data() + staged, p, size);
      staged += size;
      runs_.back().size += size;
    };
    auto put = [&](size_t from, size_t size) {
      if (size >= kLong) {
        runs_.push_back({from, size, false});
      } else {
        stage(buf_.data() + from, size);
      }
    };
    size_t from = 0;
    for (const Patch& p : patches_) {
      if (p.position != from) put(from, p.position - from);
      // The prefix is written straight into the staging buffer.
      if (runs_.empty() || !runs_.back().staged) runs_.push_back({staged, 0, true});
      size_t prefix = static_cast<size_t>(put_varint(staging_.data() + staged, p.length) -
                                          (staging_.data() + staged));
      staged += prefix;
      runs_.back().size += prefix;
      from = p.position;
      if (staged >= kStagedLimit) hand_over();
    }
    if (used_ != from) put(from, used_ - from);
    if (!runs_.empty()) hand_over();
  }

  // The message: the bytes with every length prefix in place.
  void finish(std::string* out) const {
    out->resize(size());
    char* d = out->data();
    size_t from = 0;
    for (const Patch& p : patches_) {
      std::memcpy(d, buf_.data() + from, p.position - from);
      d += p.position - from;
      uint64_t v = p.length;
      while (v >= 0x80) {
        *d++ = static_cast<char>(v | 0x80);
        v >>= 7;
      }
      *d++ = static_cast<char>(v);
      from = p.position;
    }
    std::memcpy(d, buf_.data() + from, used_ - from);
  }

  static size_t varint_size(uint64_t v) {
    size_t n = 1;
    while (v >= 0x80) {
      v >>= 7;
      ++n;
    }
    return n;
  }

 private:
  struct Patch {
    size_t position;           // in buf_, where the length prefix goes
    size_t inserted_at_begin;  // inserted_ when the field began
    uint64_t length;
  };
  std::string buf_;  // bytes [0, used_) are written; the rest is room
  size_t used_ = 0;
  std::vector<Patch> patches_;
  size_t inserted_ = 0;  // length-prefix bytes of the fields ended so far

  // finish_gathered's: the pieces as places in buf_ or staging_, then as views.
  struct Run {
    size_t offset;
    size_t size;
    bool staged;
  };
  std::vector<Run> runs_;
  std::vector<std::string_view> views_;
  std::string staging_;
};

}  // namespace promotel::promreceiver

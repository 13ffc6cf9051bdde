#pragma once

// One-line pieces of the detailed layout, shared by the renderer of parsed messages
// (detailed.cc) and the one that reads the wire bytes (wire_metrics.cc).

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "debugexporter/gofmt.h"
#include "otlp/base64.h"

namespace promotel::debugexporter::lines {

// Values for a Line, printed as Go prints them.
struct Int {
  int64_t value;
};
struct Uint {
  uint64_t value;
};
struct GoF {  // fmt "%f"
  double value;
};
struct Timestamp {  // time.Time.String() in UTC
  uint64_t unix_nanos;
};

// One line of output composed in a stack buffer and appended to `out` in one call when the
// Line goes out of scope. The detailed layout is many short pieces, and a std::string::append
// per piece took a third of otlpdump's instructions. A piece that does not fit sends what is
// composed so far on ahead, so any length works.
class Line {
 public:
  explicit Line(std::string& out) : out_(out) {}
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;
  ~Line() { out_.append(buffer_, size_); }

  [[gnu::always_inline]] Line& operator<<(std::string_view text) {
    if (text.size() > kCapacity - size_) [[unlikely]] {
      send();
      if (text.size() > kCapacity) {
        out_.append(text);
        return *this;
      }
    }
    copy_short(buffer_ + size_, text.data(), text.size());  // (empty views may have no data)
    size_ += text.size();
    return *this;
  }
  [[gnu::always_inline]] Line& operator<<(char c) {
    if (size_ == kCapacity) [[unlikely]] send();
    buffer_[size_++] = c;
    return *this;
  }
  Line& operator<<(Int v) {
    return format(20, [v](char* p) { return std::to_chars(p, p + 20, v.value).ptr; });
  }
  Line& operator<<(Uint v) {
    return format(20, [v](char* p) { return std::to_chars(p, p + 20, v.value).ptr; });
  }
  Line& operator<<(GoF v) {
    return format(kGoFMaxChars, [v](char* p) { return format_go_f(v.value, p); });
  }
  Line& operator<<(Timestamp v) {
    return format(kTimestampMaxChars, [v](char* p) { return format_timestamp(v.unix_nanos, p); });
  }

 private:
  static constexpr size_t kCapacity = 512;

  // `write` puts at most `max` (<= kCapacity) bytes at its argument and returns their end.
  template <typename Write>
  Line& format(size_t max, Write write) {
    if (max > kCapacity - size_) [[unlikely]] send();
    size_ = static_cast<size_t>(write(buffer_ + size_) - buffer_);
    return *this;
  }
  [[gnu::noinline, gnu::cold]] void send() {
    out_.append(buffer_, size_);
    size_ = 0;
  }

  std::string& out_;
  size_t size_ = 0;
  char buffer_[kCapacity];
};

inline void timestamp_line(std::string& out, std::string_view label, uint64_t nanos) {
  Line(out) << label << Timestamp{nanos} << '\n';
}

inline void double_line(std::string& out, std::string_view label, double value) {
  Line(out) << label << GoF{value} << '\n';
}

inline void uint_line(std::string& out, std::string_view label, uint64_t value) {
  Line(out) << label << Uint{value} << '\n';
}

// A trace or span id in hex; an all-zero id is pdata's "empty" id and prints as nothing.
inline void id_line(std::string& out, std::string_view label, std::string_view id) {
  out += label;
  if (id.find_first_not_of('\0') != std::string_view::npos) otlp::append_hex(out, id);
  out += '\n';
}

}  // namespace promotel::debugexporter::lines

#pragma once

// One-line pieces of the detailed layout, shared by the renderer of parsed messages
// (detailed.cc) and the one that reads the wire bytes (wire_metrics.cc).

#include <cstdint>
#include <string>
#include <string_view>

#include "debugexporter/gofmt.h"
#include "otlp/base64.h"

namespace promotel::debugexporter::lines {

inline void timestamp_line(std::string& out, std::string_view label, uint64_t nanos) {
  out += label;
  append_timestamp(out, nanos);
  out += '\n';
}

inline void double_line(std::string& out, std::string_view label, double value) {
  out += label;
  append_go_f(out, value);
  out += '\n';
}

inline void uint_line(std::string& out, std::string_view label, uint64_t value) {
  out += label;
  append_uint(out, value);
  out += '\n';
}

// A trace or span id in hex; an all-zero id is pdata's "empty" id and prints as nothing.
inline void id_line(std::string& out, std::string_view label, std::string_view id) {
  out += label;
  if (id.find_first_not_of('\0') != std::string_view::npos) otlp::append_hex(out, id);
  out += '\n';
}

}  // namespace promotel::debugexporter::lines

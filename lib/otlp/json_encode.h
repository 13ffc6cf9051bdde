#pragma once

#include <string>
#include <string_view>

#include <google/protobuf/message.h>

namespace promotel::otlp {

// OTLP/JSON of an Export*ServiceRequest (or any OTLP message), following pdata's conventions:
// camelCase names, 64-bit integers as strings, enums as integers, trace/span ids as lowercase
// hex, bytes as base64, NaN/Infinity as strings, default values left out, optional
// sum/min/max written when present. One line, no trailing newline.
std::string encode_json(const google::protobuf::Message& message);

// The pieces, for writers producing the same JSON without building messages: a string value
// (quoted, escaped, invalid UTF-8 as U+FFFD) and a double (shortest form; NaN/Infinity quoted).
void append_json_string(std::string& out, std::string_view text);
void append_json_double(std::string& out, double value);

namespace internal {
// The same JSON written by reflection alone (for tests of the direct writers).
std::string encode_json_reflective(const google::protobuf::Message& message);
}  // namespace internal

}  // namespace promotel::otlp

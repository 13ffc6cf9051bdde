#pragma once

#include <string>

#include <google/protobuf/message.h>

namespace promotel::otlp {

// OTLP/JSON of an Export*ServiceRequest (or any OTLP message), following pdata's conventions:
// camelCase names, 64-bit integers as strings, enums as integers, trace/span ids as lowercase
// hex, bytes as base64, NaN/Infinity as strings, default values left out, optional
// sum/min/max written when present. One line, no trailing newline.
std::string encode_json(const google::protobuf::Message& message);

namespace internal {
// The same JSON written by reflection alone (for tests of the direct writers).
std::string encode_json_reflective(const google::protobuf::Message& message);
}  // namespace internal

}  // namespace promotel::otlp

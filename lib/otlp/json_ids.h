#pragma once

#include <google/protobuf/message.h>

namespace promotel::otlp::internal {

// OTLP/JSON writes trace and span ids as hex, where the protobuf JSON mapping writes bytes as
// base64. Both codecs use the protobuf JSON mapping and convert the id fields around it:
// every 4 hex digits are also 4 valid base64 characters (3 bytes), so an id in hex survives
// the base64 step unchanged when its bytes are swapped for the base64-decoding of its hex.

// Before printing: replace each id's bytes by the bytes whose base64 is the id's hex.
void ids_to_base64_disguise(google::protobuf::Message& message);
// After parsing: turn each id back (base64 of the parsed bytes is the hex that was in the
// JSON). Throws promotel::Error for ids that are not 16/8 bytes of hex.
void ids_from_base64_disguise(google::protobuf::Message& message);

}  // namespace promotel::otlp::internal

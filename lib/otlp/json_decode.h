#pragma once

#include <optional>
#include <string_view>

#include <google/protobuf/message.h>

#include "otlp/signal.h"

namespace promotel::otlp {

// Parses OTLP/JSON into an Export*ServiceRequest (or any OTLP message), accepting what pdata
// accepts: camelCase or snake_case names, 64-bit integers as strings or numbers, enums as
// integers or names, hex trace/span ids, base64 bytes, "NaN"/"Infinity"/"-Infinity"; unknown
// fields are ignored. Throws promotel::Error (message without position) on bad input.
void decode_json(std::string_view json, google::protobuf::Message& message);

// The signal an OTLP/JSON request carries, from its first top-level key
// (resourceMetrics/resource_metrics, resourceSpans, resourceLogs); nullopt if none is found.
std::optional<Signal> detect_json_signal(std::string_view json);

}  // namespace promotel::otlp

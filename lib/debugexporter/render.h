#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <google/protobuf/message.h>

namespace promotel::debugexporter {

// The exporter's `verbosity` setting.
enum class Verbosity { kBasic, kNormal, kDetailed };
std::optional<Verbosity> parse_verbosity(std::string_view name);  // basic|normal|detailed

// The line the exporter logs for every batch, as zap's console encoder writes it without
// time and level: `Metrics\t{"resource metrics": 1, "metrics": 9, "data points": 10}\n`,
// `Traces\t{"resource spans": 1, "spans": 2}\n`, `Logs\t{"resource logs": 1, "log records": 2}\n`.
void append_envelope(std::string& out, const google::protobuf::Message& request);

// The normal or detailed text of an Export*ServiceRequest (nothing for basic).
void append_text(std::string& out, const google::protobuf::Message& request, Verbosity verbosity);

// What the exporter writes to stdout with `use_internal_logger: false`: the envelope line and,
// for normal/detailed, the text as a second log entry (so followed by one more newline).
void append_batch(std::string& out, const google::protobuf::Message& request, Verbosity verbosity);

}  // namespace promotel::debugexporter

#include "otlp/json_decode.h"

#include <google/protobuf/util/json_util.h>

#include <string>

#include "common/error.h"
#include "otlp/json_ids.h"

namespace promotel::otlp {

void decode_json(std::string_view json, google::protobuf::Message& message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  message.Clear();
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &message, options);
  if (!status.ok()) {
    // protobuf appends the offending input and a caret on further lines; a tool's error is
    // one line, and the input may be binary.
    std::string_view what(status.message().data(), status.message().size());
    throw Error("invalid OTLP/JSON: " + std::string(what.substr(0, what.find('\n'))));
  }
  internal::ids_from_base64_disguise(message);
}

std::optional<Signal> detect_json_signal(std::string_view json) {
  struct Key {
    std::string_view name;
    Signal signal;
  };
  static constexpr Key kKeys[] = {
      {"\"resourceMetrics\"", Signal::kMetrics}, {"\"resource_metrics\"", Signal::kMetrics},
      {"\"resourceSpans\"", Signal::kTraces},    {"\"resource_spans\"", Signal::kTraces},
      {"\"resourceLogs\"", Signal::kLogs},       {"\"resource_logs\"", Signal::kLogs},
  };
  // The top-level key comes first in every request; look only at the object's start so that
  // a huge request is not scanned (a key of a nested object cannot come before it).
  size_t start = json.find('{');
  if (start == std::string_view::npos) return std::nullopt;
  size_t key = json.find_first_not_of(" \t\r\n", start + 1);
  if (key == std::string_view::npos) return std::nullopt;
  for (const Key& k : kKeys) {
    if (json.substr(key, k.name.size()) == k.name) return k.signal;
  }
  return std::nullopt;
}

}  // namespace promotel::otlp

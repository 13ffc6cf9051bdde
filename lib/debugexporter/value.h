#pragma once

#include <string>
#include <string_view>

#include "opentelemetry/proto/common/v1/common.pb.h"

namespace promotel::debugexporter {

using AnyValue = ::opentelemetry::proto::common::v1::AnyValue;

// pcommon.Value.Type().String(): Empty, Str, Int, Double, Bool, Map, Slice, Bytes.
std::string_view value_type_name(const AnyValue& value);
// pcommon.Value.AsString(): Str raw, Int decimal, Double JSON-number style, Bool true/false,
// Bytes base64, Empty "", Map/Slice compact JSON with map keys sorted (a map holding NaN or
// Inf cannot be JSON and gives "").
void append_value_string(std::string& out, const AnyValue& value);
// "<Type>(<AsString>)", as the detailed text prints attribute values and log bodies.
void append_typed_value(std::string& out, const AnyValue& value);
// A JSON string literal as Go's encoding/json writes it with HTML escaping off.
void append_json_string(std::string& out, std::string_view text);

}  // namespace promotel::debugexporter

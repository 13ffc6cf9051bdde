#include "debugexporter/value.h"

#include <cmath>
#include <map>

#include "debugexporter/gofmt.h"
#include "otlp/base64.h"

namespace promotel::debugexporter {

namespace {

using ::opentelemetry::proto::common::v1::ArrayValue;
using ::opentelemetry::proto::common::v1::KeyValueList;

// Decodes one UTF-8 sequence at text[i]; returns its length, or 0 when invalid.
size_t utf8_length(std::string_view text, size_t i, uint32_t& code_point) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  size_t n;
  if (c < 0x80) {
    code_point = c;
    return 1;
  } else if ((c & 0xe0) == 0xc0) {
    n = 2;
    code_point = c & 0x1f;
  } else if ((c & 0xf0) == 0xe0) {
    n = 3;
    code_point = c & 0x0f;
  } else if ((c & 0xf8) == 0xf0) {
    n = 4;
    code_point = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    unsigned char cc = static_cast<unsigned char>(text[i + k]);
    if ((cc & 0xc0) != 0x80) return 0;
    code_point = code_point << 6 | (cc & 0x3f);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < kMin[n] || code_point > 0x10ffff || (code_point >= 0xd800 && code_point < 0xe000))
    return 0;
  return n;
}

bool json_encodable(const AnyValue& value) {
  switch (value.value_case()) {
    case AnyValue::kDoubleValue: return std::isfinite(value.double_value());
    case AnyValue::kArrayValue:
      for (const auto& v : value.array_value().values())
        if (!json_encodable(v)) return false;
      return true;
    case AnyValue::kKvlistValue:
      for (const auto& kv : value.kvlist_value().values())
        if (!json_encodable(kv.value())) return false;
      return true;
    default: return true;
  }
}

void append_json(std::string& out, const AnyValue& value);

void append_json_map(std::string& out, const KeyValueList& list) {
  // pcommon.Map.AsRaw() builds a Go map (a later duplicate key wins), and encoding/json
  // writes map keys sorted.
  std::map<std::string_view, const AnyValue*> sorted;
  for (const auto& kv : list.values()) sorted[kv.key()] = &kv.value();
  out += '{';
  bool first = true;
  for (const auto& [key, value] : sorted) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, key);
    out += ':';
    append_json(out, *value);
  }
  out += '}';
}

void append_json(std::string& out, const AnyValue& value) {
  switch (value.value_case()) {
    case AnyValue::kStringValue: append_json_string(out, value.string_value()); break;
    case AnyValue::kBoolValue: out += value.bool_value() ? "true" : "false"; break;
    case AnyValue::kIntValue: append_int(out, value.int_value()); break;
    case AnyValue::kDoubleValue: append_json_number(out, value.double_value()); break;
    case AnyValue::kBytesValue:
      out += '"';
      otlp::append_base64(out, value.bytes_value());
      out += '"';
      break;
    case AnyValue::kArrayValue: {
      out += '[';
      bool first = true;
      for (const auto& v : value.array_value().values()) {
        if (!first) out += ',';
        first = false;
        append_json(out, v);
      }
      out += ']';
      break;
    }
    case AnyValue::kKvlistValue: append_json_map(out, value.kvlist_value()); break;
    case AnyValue::VALUE_NOT_SET: out += "null"; break;
  }
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    if (c < 0x80) {
      out += '\\';
      switch (c) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '\n': out += 'n'; break;
        case '\r': out += 'r'; break;
        case '\t': out += 't'; break;
        default:
          out += "u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
      }
      ++i;
      continue;
    }
    uint32_t code_point = 0;
    size_t n = utf8_length(text, i, code_point);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
    } else if (code_point == 0x2028 || code_point == 0x2029) {
      out += code_point == 0x2028 ? "\\u2028" : "\\u2029";
      i += n;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  out += '"';
}

std::string_view value_type_name(const AnyValue& value) {
  switch (value.value_case()) {
    case AnyValue::kStringValue: return "Str";
    case AnyValue::kBoolValue: return "Bool";
    case AnyValue::kIntValue: return "Int";
    case AnyValue::kDoubleValue: return "Double";
    case AnyValue::kArrayValue: return "Slice";
    case AnyValue::kKvlistValue: return "Map";
    case AnyValue::kBytesValue: return "Bytes";
    case AnyValue::VALUE_NOT_SET: return "Empty";
  }
  return "Empty";
}

void append_value_string(std::string& out, const AnyValue& value) {
  switch (value.value_case()) {
    case AnyValue::kStringValue: out += value.string_value(); break;
    case AnyValue::kBoolValue: out += value.bool_value() ? "true" : "false"; break;
    case AnyValue::kIntValue: append_int(out, value.int_value()); break;
    case AnyValue::kDoubleValue: append_json_number(out, value.double_value()); break;
    case AnyValue::kBytesValue: otlp::append_base64(out, value.bytes_value()); break;
    case AnyValue::kArrayValue:
    case AnyValue::kKvlistValue:
      if (json_encodable(value)) append_json(out, value);
      break;
    case AnyValue::VALUE_NOT_SET: break;
  }
}

void append_typed_value(std::string& out, const AnyValue& value) {
  out += value_type_name(value);
  out += '(';
  append_value_string(out, value);
  out += ')';
}

}  // namespace promotel::debugexporter

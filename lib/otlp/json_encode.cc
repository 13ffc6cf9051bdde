#include "otlp/json_encode.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <deque>
#include <vector>

#include "common/error.h"
#include "opentelemetry/proto/common/v1/common.pb.h"
#include "opentelemetry/proto/metrics/v1/metrics.pb.h"
#include "otlp/base64.h"

namespace promotel::otlp {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
namespace common = ::opentelemetry::proto::common::v1;
namespace metrics = ::opentelemetry::proto::metrics::v1;

// Trace and span ids are hex in OTLP/JSON; every other bytes field is base64.
bool is_id(const FieldDescriptor* field) {
  const std::string& name = field->name();
  return name == "trace_id" || name == "span_id" || name == "parent_span_id";
}

// Length of the valid UTF-8 sequence starting at text[i], 0 if invalid.
size_t utf8_sequence(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = byte(i);
  size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
  if (n == 0 || c > 0xf4 || i + n > text.size()) return 0;
  uint32_t cp = c & (0x7f >> n);
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
    cp = cp << 6 | (byte(i + k) & 0x3f);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return 0;
  return n;
}

// True when none of the 8 bytes at p needs escaping or UTF-8 checking (a control character,
// '"', '\\' or a byte >= 0x80), tested on the whole word at once.
bool plain_word(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  uint64_t w;
  std::memcpy(&w, p, 8);
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  uint64_t special = (w & kHigh) | ((w - 0x20 * kOnes) & ~w & kHigh) |
                     has_zero(w ^ ('"' * kOnes)) | has_zero(w ^ ('\\' * kOnes));
  return special == 0;
}

// A JSON string; invalid UTF-8 becomes U+FFFD (as Go's encoding/json does), so the output
// is always valid JSON.
void append_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (size_t i = 0; i < text.size(); ++i) {
    // Runs of plain printable ASCII (nearly all text) are copied at once.
    size_t plain = i;
    while (plain + 8 <= text.size() && plain_word(text.data() + plain)) plain += 8;
    while (plain < text.size()) {
      unsigned char b = static_cast<unsigned char>(text[plain]);
      if (b < 0x20 || b >= 0x80 || b == '"' || b == '\\') break;
      ++plain;
    }
    if (plain != i) {
      out.append(text.data() + i, plain - i);
      i = plain;
      if (i == text.size()) break;
    }
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      size_t n = utf8_sequence(text, i);
      if (n == 0) {
        out += "\\ufffd";
      } else {
        out.append(text.data() + i, n);
        i += n - 1;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

template <typename T>
void append_number(std::string& out, T value) {
  char buffer[32];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, static_cast<size_t>(result.ptr - buffer));
}

void append_double(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "\"NaN\"";
  } else if (std::isinf(value)) {
    out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else {
    append_number(out, value);
  }
}

// Field lists, one per nesting level, reused from message to message.
struct FieldStack : std::deque<std::vector<const FieldDescriptor*>> {
  bool reflective_only = false;  // tests compare the direct writers with the reflective one
};

void append_message(std::string& out, const Message& message, FieldStack& stack, size_t depth);

// One value of a field (an element, for repeated fields: index >= 0).
void append_value(std::string& out, const Message& m, const Reflection* r, const FieldDescriptor* f,
                  int index, FieldStack& stack, size_t depth) {
  bool repeated = index >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      append_number(out, repeated ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      append_number(out, repeated ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
      break;
    case FieldDescriptor::CPPTYPE_INT64:  // 64-bit integers are strings in OTLP/JSON
      out += '"';
      append_number(out, repeated ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f));
      out += '"';
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      out += '"';
      append_number(out, repeated ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f));
      out += '"';
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      append_double(out, repeated ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f));
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      append_double(out, repeated ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f));
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      out += (repeated ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "true" : "false";
      break;
    case FieldDescriptor::CPPTYPE_ENUM:  // enums are integers in OTLP/JSON
      append_number(out, repeated ? r->GetRepeatedEnumValue(m, f, index) : r->GetEnumValue(m, f));
      break;
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& value = repeated ? r->GetRepeatedStringReference(m, f, index, &scratch)
                                          : r->GetStringReference(m, f, &scratch);
      if (f->type() == FieldDescriptor::TYPE_BYTES) {
        out += '"';
        if (is_id(f)) {
          append_hex(out, value);
        } else {
          append_base64(out, value);
        }
        out += '"';
      } else {
        append_string(out, value);
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      append_message(out, repeated ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f), stack,
                     depth + 1);
      break;
  }
}

// Attributes are most of an OTLP request: KeyValue and AnyValue are written directly rather
// than through reflection (complete: every field of both messages).
void append_any_value(std::string& out, const common::AnyValue& v);

void append_key_value(std::string& out, const common::KeyValue& kv) {
  out += '{';
  bool first = true;
  if (!kv.key().empty()) {
    out += "\"key\":";
    append_string(out, kv.key());
    first = false;
  }
  if (kv.has_value()) {
    if (!first) out += ',';
    out += "\"value\":";
    append_any_value(out, kv.value());
  }
  out += '}';
}

void append_any_value(std::string& out, const common::AnyValue& v) {
  switch (v.value_case()) {
    case common::AnyValue::kStringValue:
      out += "{\"stringValue\":";
      append_string(out, v.string_value());
      break;
    case common::AnyValue::kBoolValue:
      out += v.bool_value() ? "{\"boolValue\":true" : "{\"boolValue\":false";
      break;
    case common::AnyValue::kIntValue:
      out += "{\"intValue\":\"";
      append_number(out, v.int_value());
      out += '"';
      break;
    case common::AnyValue::kDoubleValue:
      out += "{\"doubleValue\":";
      append_double(out, v.double_value());
      break;
    case common::AnyValue::kBytesValue:
      out += "{\"bytesValue\":\"";
      append_base64(out, v.bytes_value());
      out += '"';
      break;
    case common::AnyValue::kArrayValue: {
      out += "{\"arrayValue\":{";
      if (!v.array_value().values().empty()) {
        out += "\"values\":[";
        bool first = true;
        for (const auto& element : v.array_value().values()) {
          if (!first) out += ',';
          first = false;
          append_any_value(out, element);
        }
        out += ']';
      }
      out += '}';
      break;
    }
    case common::AnyValue::kKvlistValue: {
      out += "{\"kvlistValue\":{";
      if (!v.kvlist_value().values().empty()) {
        out += "\"values\":[";
        bool first = true;
        for (const auto& kv : v.kvlist_value().values()) {
          if (!first) out += ',';
          first = false;
          append_key_value(out, kv);
        }
        out += ']';
      }
      out += '}';
      break;
    }
    case common::AnyValue::VALUE_NOT_SET:
      out += '{';
      break;
  }
  out += '}';
}

// Writes `{"k":v,...}` with the commas in the right places.
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string& out) : out_(out) {}
  std::string& key(const char* name) {
    out_ += first_ ? "{\"" : ",\"";
    first_ = false;
    out_ += name;
    out_ += "\":";
    return out_;
  }
  void close() { out_ += first_ ? "{}" : "}"; }

 private:
  std::string& out_;
  bool first_ = true;
};

void append_quoted_u64(std::string& out, uint64_t v) {
  out += '"';
  append_number(out, v);
  out += '"';
}

void append_key_values(std::string& out, const google::protobuf::RepeatedPtrField<common::KeyValue>& list) {
  out += '[';
  bool first = true;
  for (const auto& kv : list) {
    if (!first) out += ',';
    first = false;
    append_key_value(out, kv);
  }
  out += ']';
}

// Data points and exemplars, the bulk of a metrics request, are also written directly; the
// field order is the field-number order the reflective writer uses, and a unit test checks
// that both writers agree on every reference input.
void append_exemplar(std::string& out, const metrics::Exemplar& e) {
  ObjectWriter w(out);
  if (e.time_unix_nano() != 0) append_quoted_u64(w.key("timeUnixNano"), e.time_unix_nano());
  if (e.value_case() == metrics::Exemplar::kAsDouble) append_double(w.key("asDouble"), e.as_double());
  if (!e.span_id().empty()) {
    w.key("spanId") += '"';
    append_hex(out, e.span_id());
    out += '"';
  }
  if (!e.trace_id().empty()) {
    w.key("traceId") += '"';
    append_hex(out, e.trace_id());
    out += '"';
  }
  if (e.value_case() == metrics::Exemplar::kAsInt) {
    w.key("asInt") += '"';
    append_number(out, e.as_int());
    out += '"';
  }
  if (!e.filtered_attributes().empty()) append_key_values(w.key("filteredAttributes"), e.filtered_attributes());
  w.close();
}

void append_exemplars(std::string& out, const google::protobuf::RepeatedPtrField<metrics::Exemplar>& list) {
  out += '[';
  bool first = true;
  for (const auto& e : list) {
    if (!first) out += ',';
    first = false;
    append_exemplar(out, e);
  }
  out += ']';
}

void append_number_point(std::string& out, const metrics::NumberDataPoint& p) {
  ObjectWriter w(out);
  if (p.start_time_unix_nano() != 0) append_quoted_u64(w.key("startTimeUnixNano"), p.start_time_unix_nano());
  if (p.time_unix_nano() != 0) append_quoted_u64(w.key("timeUnixNano"), p.time_unix_nano());
  if (p.value_case() == metrics::NumberDataPoint::kAsDouble) append_double(w.key("asDouble"), p.as_double());
  if (!p.exemplars().empty()) append_exemplars(w.key("exemplars"), p.exemplars());
  if (p.value_case() == metrics::NumberDataPoint::kAsInt) {
    w.key("asInt") += '"';
    append_number(out, p.as_int());
    out += '"';
  }
  if (!p.attributes().empty()) append_key_values(w.key("attributes"), p.attributes());
  if (p.flags() != 0) append_number(w.key("flags"), p.flags());
  w.close();
}

void append_histogram_point(std::string& out, const metrics::HistogramDataPoint& p) {
  ObjectWriter w(out);
  if (p.start_time_unix_nano() != 0) append_quoted_u64(w.key("startTimeUnixNano"), p.start_time_unix_nano());
  if (p.time_unix_nano() != 0) append_quoted_u64(w.key("timeUnixNano"), p.time_unix_nano());
  if (p.count() != 0) append_quoted_u64(w.key("count"), p.count());
  if (p.has_sum()) append_double(w.key("sum"), p.sum());
  if (!p.bucket_counts().empty()) {
    w.key("bucketCounts") += '[';
    for (int i = 0; i < p.bucket_counts_size(); ++i) {
      if (i > 0) out += ',';
      append_quoted_u64(out, p.bucket_counts(i));
    }
    out += ']';
  }
  if (!p.explicit_bounds().empty()) {
    w.key("explicitBounds") += '[';
    for (int i = 0; i < p.explicit_bounds_size(); ++i) {
      if (i > 0) out += ',';
      append_double(out, p.explicit_bounds(i));
    }
    out += ']';
  }
  if (!p.exemplars().empty()) append_exemplars(w.key("exemplars"), p.exemplars());
  if (!p.attributes().empty()) append_key_values(w.key("attributes"), p.attributes());
  if (p.flags() != 0) append_number(w.key("flags"), p.flags());
  if (p.has_min()) append_double(w.key("min"), p.min());
  if (p.has_max()) append_double(w.key("max"), p.max());
  w.close();
}

void append_message(std::string& out, const Message& message, FieldStack& stack, size_t depth) {
  if (message.GetDescriptor() == common::KeyValue::descriptor()) {
    append_key_value(out, static_cast<const common::KeyValue&>(message));
    return;
  }
  if (!stack.reflective_only) {
    const auto* type = message.GetDescriptor();
    if (type == metrics::NumberDataPoint::descriptor()) {
      append_number_point(out, static_cast<const metrics::NumberDataPoint&>(message));
      return;
    }
    if (type == metrics::HistogramDataPoint::descriptor()) {
      append_histogram_point(out, static_cast<const metrics::HistogramDataPoint&>(message));
      return;
    }
    if (type == metrics::Exemplar::descriptor()) {
      append_exemplar(out, static_cast<const metrics::Exemplar&>(message));
      return;
    }
  }
  const Reflection* r = message.GetReflection();
  while (stack.size() <= depth) stack.emplace_back();
  std::vector<const FieldDescriptor*>& fields = stack[depth];
  fields.clear();
  r->ListFields(message, &fields);  // set fields (present optionals, non-default scalars)
  out += '{';
  bool first = true;
  for (const FieldDescriptor* f : fields) {
    if (!first) out += ',';
    first = false;
    out += '"';
    out += f->json_name();
    out += "\":";
    if (f->is_repeated()) {
      out += '[';
      int n = r->FieldSize(message, f);
      for (int i = 0; i < n; ++i) {
        if (i > 0) out += ',';
        append_value(out, message, r, f, i, stack, depth);
      }
      out += ']';
    } else {
      append_value(out, message, r, f, -1, stack, depth);
    }
  }
  out += '}';
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) { append_string(out, text); }

void append_json_double(std::string& out, double value) { append_double(out, value); }

namespace internal {
std::string encode_json_reflective(const google::protobuf::Message& message) {
  std::string out;
  FieldStack stack;
  stack.reflective_only = true;
  append_message(out, message, stack, 0);
  return out;
}
}  // namespace internal

std::string encode_json(const google::protobuf::Message& message) {
  std::string out;
  out.reserve(message.ByteSizeLong() * 2 + 64);  // JSON is roughly twice the protobuf size
  FieldStack stack;
  append_message(out, message, stack, 0);
  return out;
}

}  // namespace promotel::otlp

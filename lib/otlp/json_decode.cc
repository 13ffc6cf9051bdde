#include "otlp/json_decode.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "common/error.h"
#include "otlp/base64.h"

namespace promotel::otlp {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using Json = nlohmann::json;

[[noreturn]] void fail(const FieldDescriptor* f, const std::string& what) {
  throw Error("invalid OTLP/JSON: field \"" + f->json_name() + "\": " + what);
}

bool is_id(const FieldDescriptor* field) {
  const std::string& name = field->name();
  return name == "trace_id" || name == "span_id" || name == "parent_span_id";
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;  // standard and URL-safe alphabets
  if (c == '/' || c == '_') return 63;
  return -1;
}

std::string base64_decode(const FieldDescriptor* f, const std::string& text) {
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    int v = base64_value(c);
    if (v < 0) fail(f, "invalid base64");
    bits = bits << 6 | static_cast<uint32_t>(v);
    if (++count == 4) {
      out += static_cast<char>(bits >> 16);
      out += static_cast<char>((bits >> 8) & 255);
      out += static_cast<char>(bits & 255);
      bits = 0;
      count = 0;
    }
  }
  if (count == 1) fail(f, "invalid base64 length");
  if (count == 2) out += static_cast<char>(bits >> 4);
  if (count == 3) {
    out += static_cast<char>(bits >> 10);
    out += static_cast<char>((bits >> 2) & 255);
  }
  return out;
}

// An integer from a JSON number or a decimal string (how OTLP/JSON writes 64-bit values).
template <typename T>
T integer(const FieldDescriptor* f, const Json& j) {
  if (j.is_number_unsigned()) {
    auto v = j.get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<T>::max())) fail(f, "integer out of range");
    return static_cast<T>(v);
  }
  if (j.is_number_integer()) {
    auto v = j.get<int64_t>();
    if constexpr (std::is_unsigned_v<T>) {
      if (v < 0) fail(f, "negative value for an unsigned field");
      if (static_cast<uint64_t>(v) > static_cast<uint64_t>(std::numeric_limits<T>::max()))
        fail(f, "integer out of range");
    } else if (v < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
               v > static_cast<int64_t>(std::numeric_limits<T>::max())) {
      fail(f, "integer out of range");
    }
    return static_cast<T>(v);
  }
  if (j.is_number_float()) {
    double d = j.get<double>();
    if (d != std::floor(d) || d < static_cast<double>(std::numeric_limits<T>::min()) ||
        d >= std::ldexp(1.0, std::numeric_limits<T>::digits + std::is_signed_v<T>))
      fail(f, "not an integer");
    return static_cast<T>(d);
  }
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    T v{};
    auto result = std::from_chars(s.data(), s.data() + s.size(), v);
    if (result.ec != std::errc() || result.ptr != s.data() + s.size())
      fail(f, "not an integer: \"" + s + "\"");
    return v;
  }
  fail(f, "want an integer");
}

double floating(const FieldDescriptor* f, const Json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
    double v = 0;
    auto result = std::from_chars(s.data(), s.data() + s.size(), v);
    if (result.ec == std::errc() && result.ptr == s.data() + s.size()) return v;
    fail(f, "not a number: \"" + s + "\"");
  }
  fail(f, "want a number");
}

int enum_value(const FieldDescriptor* f, const Json& j) {
  if (j.is_string()) {
    const auto* value = f->enum_type()->FindValueByName(j.get_ref<const std::string&>());
    if (!value) fail(f, "unknown enum value \"" + j.get<std::string>() + "\"");
    return value->number();
  }
  return integer<int32_t>(f, j);
}

// Sets (or adds, for repeated fields) one value.
void read_value(const Json& j, Message& m, const Reflection* r, const FieldDescriptor* f) {
  bool add = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: {
      auto v = integer<int32_t>(f, j);
      add ? r->AddInt32(&m, f, v) : r->SetInt32(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      auto v = integer<uint32_t>(f, j);
      add ? r->AddUInt32(&m, f, v) : r->SetUInt32(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      auto v = integer<int64_t>(f, j);
      add ? r->AddInt64(&m, f, v) : r->SetInt64(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      auto v = integer<uint64_t>(f, j);
      add ? r->AddUInt64(&m, f, v) : r->SetUInt64(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double v = floating(f, j);
      add ? r->AddDouble(&m, f, v) : r->SetDouble(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_FLOAT: {
      auto v = static_cast<float>(floating(f, j));
      add ? r->AddFloat(&m, f, v) : r->SetFloat(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      if (!j.is_boolean()) fail(f, "want true or false");
      bool v = j.get<bool>();
      add ? r->AddBool(&m, f, v) : r->SetBool(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      int v = enum_value(f, j);
      add ? r->AddEnumValue(&m, f, v) : r->SetEnumValue(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      if (!j.is_string()) fail(f, "want a string");
      std::string v = j.get<std::string>();
      if (f->type() == FieldDescriptor::TYPE_BYTES) {
        if (is_id(f)) {
          size_t want = f->name() == "trace_id" ? 32 : 16;
          std::optional<std::string> bytes = hex_decode(v);
          if (!v.empty() && (!bytes || v.size() != want))
            fail(f, "want " + std::to_string(want) + " hex digits, got \"" + v + "\"");
          v = bytes.value_or(std::string());
        } else {
          v = base64_decode(f, v);
        }
      }
      add ? r->AddString(&m, f, std::move(v)) : r->SetString(&m, f, std::move(v));
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:  // objects are built by MessageBuilder
      fail(f, "want an object");
  }
}

const FieldDescriptor* find_field(const Descriptor* type, const std::string& key) {
  if (const auto* f = type->FindFieldByCamelcaseName(key)) return f;
  return type->FindFieldByName(key);  // snake_case
}

// Builds the message while the JSON is parsed (no document tree in between).
class MessageBuilder : public nlohmann::json_sax<Json> {
 public:
  explicit MessageBuilder(Message& root) : root_(root) {}

  bool null() override { return true; }  // null means "not set"
  bool boolean(bool v) override { return scalar(Json(v)); }
  bool number_integer(number_integer_t v) override { return scalar(Json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return scalar(Json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return scalar(Json(v)); }
  bool string(string_t& v) override { return scalar(Json(std::move(v))); }
  bool binary(binary_t&) override { return true; }

  bool start_object(std::size_t) override {
    if (skip_ > 0 || (!stack_.empty() && !stack_.back().field)) {
      ++skip_;
      return true;
    }
    if (stack_.empty()) {
      stack_.push_back({&root_, root_.GetReflection(), nullptr, false});
      return true;
    }
    Frame& top = stack_.back();
    const FieldDescriptor* f = top.field;
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) fail(f, "want a value, not an object");
    if (f->is_repeated() && !top.in_array) fail(f, "want an array");
    Message* child = f->is_repeated() ? top.reflection->AddMessage(top.message, f)
                                      : top.reflection->MutableMessage(top.message, f);
    stack_.push_back({child, child->GetReflection(), nullptr, false});
    return true;
  }

  bool key(string_t& name) override {
    if (skip_ == 0) stack_.back().field = find_field(stack_.back().message->GetDescriptor(), name);
    return true;
  }

  bool end_object() override {
    if (skip_ > 0) {
      --skip_;
    } else {
      stack_.pop_back();
    }
    return true;
  }

  bool start_array(std::size_t) override {
    if (skip_ > 0 || stack_.empty() || !stack_.back().field) {
      if (stack_.empty()) throw Error("invalid OTLP/JSON: the request is not an object");
      ++skip_;
      return true;
    }
    Frame& top = stack_.back();
    if (!top.field->is_repeated()) fail(top.field, "want a single value, not an array");
    if (top.in_array) fail(top.field, "nested arrays");
    top.in_array = true;
    return true;
  }

  bool end_array() override {
    if (skip_ > 0) {
      --skip_;
    } else {
      stack_.back().in_array = false;
    }
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." → keep the tail.
    if (size_t bracket = what.find("] "); bracket != std::string::npos) what = what.substr(bracket + 2);
    throw Error("invalid OTLP/JSON: " + what);
  }

 private:
  struct Frame {
    Message* message;
    const Reflection* reflection;
    const FieldDescriptor* field;  // of the last key; nullptr when unknown (skipped)
    bool in_array;
  };

  bool scalar(const Json& value) {
    if (stack_.empty()) throw Error("invalid OTLP/JSON: the request is not an object");
    if (skip_ > 0) return true;
    Frame& top = stack_.back();
    if (!top.field) return true;  // unknown field
    if (value.is_null()) return true;
    if (top.field->is_repeated() && !top.in_array) fail(top.field, "want an array");
    if (top.field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) fail(top.field, "want an object");
    read_value(value, *top.message, top.reflection, top.field);
    return true;
  }

  Message& root_;
  std::vector<Frame> stack_;
  int skip_ = 0;
};

}  // namespace

void decode_json(std::string_view json, google::protobuf::Message& message) {
  message.Clear();
  MessageBuilder builder(message);
  Json::sax_parse(json.begin(), json.end(), &builder);
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

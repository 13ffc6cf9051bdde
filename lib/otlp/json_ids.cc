#include "otlp/json_ids.h"

#include <string>

#include "common/error.h"
#include "otlp/base64.h"

namespace promotel::otlp::internal {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// The id fields of OTLP and their size in bytes.
size_t id_size(const FieldDescriptor* field) {
  if (field->type() != FieldDescriptor::TYPE_BYTES || field->is_repeated()) return 0;
  const std::string& name = field->name();
  if (name == "trace_id") return 16;
  if (name == "span_id" || name == "parent_span_id") return 8;
  return 0;
}

std::string base64_decode_exact(const std::string& text) {
  // text is hex (validated by the caller), so every character is a base64 digit.
  auto value = [](char c) -> unsigned {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return 0;
  };
  std::string out;
  for (size_t i = 0; i + 4 <= text.size(); i += 4) {
    unsigned v = value(text[i]) << 18 | value(text[i + 1]) << 12 | value(text[i + 2]) << 6 |
                 value(text[i + 3]);
    out += static_cast<char>(v >> 16);
    out += static_cast<char>((v >> 8) & 255);
    out += static_cast<char>(v & 255);
  }
  return out;
}

template <typename Fix>
void walk(Message& message, const Fix& fix) {
  const Reflection* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (field->is_repeated()) {
        int n = reflection->FieldSize(message, field);
        for (int i = 0; i < n; ++i) walk(*reflection->MutableRepeatedMessage(&message, field, i), fix);
      } else {
        walk(*reflection->MutableMessage(&message, field), fix);
      }
    } else if (size_t size = id_size(field)) {
      fix(message, reflection, field, size);
    }
  }
}

}  // namespace

void ids_to_base64_disguise(Message& message) {
  walk(message, [](Message& m, const Reflection* r, const FieldDescriptor* f, size_t) {
    std::string hex = hex_encode(r->GetString(m, f));
    if (hex.size() % 4 != 0) hex += std::string(4 - hex.size() % 4, '0');  // malformed id
    r->SetString(&m, f, base64_decode_exact(hex));
  });
}

void ids_from_base64_disguise(Message& message) {
  walk(message, [](Message& m, const Reflection* r, const FieldDescriptor* f, size_t size) {
    std::string text = base64_encode(r->GetString(m, f));
    std::optional<std::string> bytes = hex_decode(text);
    if (!bytes || bytes->size() != size) {
      throw Error("invalid " + f->json_name() + ": want " + std::to_string(size * 2) +
                  " hex digits");
    }
    r->SetString(&m, f, std::move(*bytes));
  });
}

}  // namespace promotel::otlp::internal

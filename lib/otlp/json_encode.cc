#include "otlp/json_encode.h"

#include <google/protobuf/util/json_util.h>

#include <memory>

#include "common/error.h"
#include "otlp/json_ids.h"

namespace promotel::otlp {

std::string encode_json(const google::protobuf::Message& message) {
  std::unique_ptr<google::protobuf::Message> copy(message.New());
  copy->CopyFrom(message);
  internal::ids_to_base64_disguise(*copy);
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.always_print_enums_as_ints = true;
  options.preserve_proto_field_names = false;
  std::string out;
  auto status = google::protobuf::util::MessageToJsonString(*copy, &out, options);
  if (!status.ok()) throw Error("cannot encode OTLP/JSON: " + std::string(status.message()));
  return out;
}

}  // namespace promotel::otlp

#pragma once

// What the tools do with a decoded OTLP request: otlpdump renders it as the debug exporter
// (every verbosity) and prom2otlp/otlpdump write it as OTLP/JSON.

#include <string>

#include <google/protobuf/message.h>

#include "debugexporter/render.h"
#include "otlp/json_encode.h"

namespace promotel::fuzz {

inline size_t render_everything(const google::protobuf::Message& request) {
  using debugexporter::Verbosity;
  std::string out;
  for (Verbosity v : {Verbosity::kBasic, Verbosity::kNormal, Verbosity::kDetailed})
    debugexporter::append_batch(out, request, v);
  out += otlp::encode_json(request);
  return out.size();
}

}  // namespace promotel::fuzz

#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <google/protobuf/message.h>

#include "otlp/signal.h"

namespace promotel::otlphttp {

// What an OTLP/HTTP export request gets back.
struct HttpReply {
  int status = 200;
  std::string content_type;
  std::string body;
};

// Called with every decoded request; an exception it throws becomes a 500.
using RequestSink = std::function<void(otlp::Signal, const google::protobuf::Message&)>;

struct ExportLimits {
  size_t max_body_size = size_t{20} << 20;  // after decompression too
};

// Handles one POST of an OTLP/HTTP export (the HTTP server has already read the body):
// Content-Type application/x-protobuf (or application/protobuf) or application/json, optional
// Content-Encoding gzip not yet undone (body starting with the gzip magic is inflated).
// Replies: 200 + the empty Export*ServiceResponse in the request's encoding; 400 + a
// google.rpc.Status when the body does not decode; 413 above the size limit; 415 for other
// content types (and content encodings).
HttpReply handle_export(otlp::Signal signal, std::string_view content_type,
                        std::string_view content_encoding, std::string_view body,
                        const ExportLimits& limits, const RequestSink& sink);

}  // namespace promotel::otlphttp

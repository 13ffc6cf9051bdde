#include "otlphttp/export_handler.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>

#include "common/error.h"
#include "common/text.h"
#include "google/rpc/status.pb.h"
#include "otlp/gzip.h"
#include "otlp/json_decode.h"
#include "otlp/json_encode.h"

namespace promotel::otlphttp {

namespace {

enum class BodyType { kProto, kJson, kOther };

std::string lower_trimmed(std::string_view text) {
  size_t semicolon = text.find(';');
  if (semicolon != std::string_view::npos) text = text.substr(0, semicolon);
  std::string out(trim_space(text));
  std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
  return out;
}

BodyType body_type(std::string_view content_type) {
  std::string type = lower_trimmed(content_type);
  if (type == "application/x-protobuf" || type == "application/protobuf") return BodyType::kProto;
  if (type == "application/json") return BodyType::kJson;
  return BodyType::kOther;
}

HttpReply status_reply(int http_status, int rpc_code, const std::string& message, BodyType type) {
  google::rpc::Status status;
  status.set_code(rpc_code);
  status.set_message(message);
  HttpReply reply;
  reply.status = http_status;
  if (type == BodyType::kJson) {
    reply.content_type = "application/json";
    google::protobuf::util::MessageToJsonString(status, &reply.body);
  } else {
    reply.content_type = "application/x-protobuf";
    reply.body = status.SerializeAsString();
  }
  return reply;
}

}  // namespace

HttpReply handle_export(otlp::Signal signal, std::string_view content_type,
                        std::string_view content_encoding, std::string_view body,
                        const ExportLimits& limits, const RequestSink& sink) {
  BodyType type = body_type(content_type);
  if (type == BodyType::kOther) {
    return {415, "text/plain",
            "415 unsupported media type, supported: [application/json, application/x-protobuf]"};
  }
  std::string encoding = lower_trimmed(content_encoding);
  if (!encoding.empty() && encoding != "gzip" && encoding != "identity") {
    return status_reply(415, 3, "unsupported Content-Encoding: " + encoding, type);
  }
  if (body.size() > limits.max_body_size) {
    return status_reply(413, 8, "request body larger than " +
                                    std::to_string(limits.max_body_size) + " bytes", type);
  }
  std::string inflated;
  if (otlp::is_gzip(body)) {
    try {
      inflated = otlp::gunzip(body, limits.max_body_size);
    } catch (const Error& e) {
      bool too_big = std::string_view(e.what()).find("larger than") != std::string_view::npos;
      return status_reply(too_big ? 413 : 400, too_big ? 8 : 3, e.what(), type);
    }
    body = inflated;
  }
  auto request = otlp::new_request(signal);
  if (type == BodyType::kJson) {
    try {
      otlp::decode_json(body, *request);
    } catch (const Error& e) {
      return status_reply(400, 3, e.what(), type);
    }
    std::optional<otlp::Signal> said = otlp::detect_json_signal(body);
    if (said && *said != signal) {
      return status_reply(400, 3, "wrong signal: the body holds " + std::string(otlp::signal_name(*said)) +
                                      ", this endpoint takes " + std::string(otlp::signal_name(signal)),
                          type);
    }
  } else if (!request->ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return status_reply(400, 3, "cannot decode the body as an OTLP " +
                                    std::string(otlp::signal_name(signal)) + " protobuf request",
                        type);
  }
  try {
    sink(signal, *request);
  } catch (const std::exception& e) {
    return status_reply(500, 13, e.what(), type);
  }
  auto response = otlp::new_response(signal);
  HttpReply reply;
  if (type == BodyType::kJson) {
    reply.content_type = "application/json";
    reply.body = otlp::encode_json(*response);
  } else {
    reply.content_type = "application/x-protobuf";
    reply.body = response->SerializeAsString();
  }
  return reply;
}

}  // namespace promotel::otlphttp

#pragma once

#include <functional>
#include <memory>
#include <string>

#include <google/protobuf/message.h>

#include "otlp/signal.h"

namespace promotel::otlpgrpc {

using RequestSink = std::function<void(otlp::Signal, const google::protobuf::Message&)>;

struct GrpcReceiverOptions {
  std::string host = "127.0.0.1";
  int port = 4317;  // 0: any free port
  size_t max_message_size = size_t{20} << 20;
  std::string tls_cert_file;  // TLS when set (PEM), with tls_key_file
  std::string tls_key_file;
  std::string bearer_token;   // when set, calls need metadata "authorization: Bearer <token>"
};

// An OTLP/gRPC receiver: the unary Export methods of MetricsService, TraceService and
// LogsService (gzip message compression is handled by gRPC). Replies OK with the empty
// Export*ServiceResponse, INVALID_ARGUMENT for undecodable messages, RESOURCE_EXHAUSTED above
// the size limit, UNIMPLEMENTED for other methods, UNAUTHENTICATED without the bearer token
// (when one is required; the token is never part of a reply). Sink calls are serialized.
class GrpcReceiver {
 public:
  GrpcReceiver(GrpcReceiverOptions options, RequestSink sink);
  ~GrpcReceiver();
  void start();  // binds and starts serving in gRPC's threads; throws Error (also bad TLS files)
  int port() const { return port_; }
  void stop();  // stops accepting and cancels what is pending

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace promotel::otlpgrpc

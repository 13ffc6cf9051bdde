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
};

// An OTLP/gRPC receiver: the unary Export methods of MetricsService, TraceService and
// LogsService (gzip message compression is handled by gRPC). Replies OK with the empty
// Export*ServiceResponse, INVALID_ARGUMENT for undecodable messages, RESOURCE_EXHAUSTED above
// the size limit, UNIMPLEMENTED for other methods. Sink calls are serialized.
class GrpcReceiver {
 public:
  GrpcReceiver(GrpcReceiverOptions options, RequestSink sink);
  ~GrpcReceiver();
  void start();  // binds and starts serving in gRPC's threads; throws Error
  int port() const { return port_; }
  void stop();  // stops accepting and cancels what is pending

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace promotel::otlpgrpc

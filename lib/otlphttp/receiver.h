#pragma once

#include <memory>
#include <string>

#include "listener/listener_options.h"
#include "otlphttp/export_handler.h"

namespace promotel::otlphttp {

// Address, TLS, bearer token, body limit (after decompression), timeouts, connection bound.
using ReceiverOptions = listener::ListenerOptions;

// An OTLP/HTTP receiver: POST /v1/metrics, /v1/traces, /v1/logs (see handle_export). The sink
// is called by one request at a time (calls are serialized), in arrival order. Request
// headers are never logged (Authorization stays private).
class Receiver {
 public:
  // Throws promotel::Error when the TLS certificate/key or the token file cannot be used.
  Receiver(ReceiverOptions options, RequestSink sink);
  ~Receiver();
  // Binds the socket; throws promotel::Error when the address is taken or invalid.
  void bind();
  int port() const;
  std::string url() const;  // http(s)://host:port, after bind()
  // Serves until stop() (callable from any thread). Returns false if serving failed.
  bool run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace promotel::otlphttp

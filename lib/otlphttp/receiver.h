#pragma once

#include <memory>
#include <string>

#include "otlphttp/export_handler.h"

namespace promotel::otlphttp {

struct ReceiverOptions {
  std::string host = "127.0.0.1";  // loopback unless told otherwise
  int port = 4318;                 // 0: any free port (see Receiver::port)
  ExportLimits limits;
  int read_timeout_seconds = 10;
  int max_connections = 8;  // connections served at once (worker threads)
};

// An OTLP/HTTP receiver: POST /v1/metrics, /v1/traces, /v1/logs (see handle_export). The sink
// is called by one request at a time (calls are serialized), in arrival order. Request
// headers are never logged (Authorization stays private).
class Receiver {
 public:
  Receiver(ReceiverOptions options, RequestSink sink);
  ~Receiver();
  // Binds the socket; throws promotel::Error when the address is taken or invalid.
  void bind();
  int port() const { return port_; }
  // Serves until stop() (callable from any thread). Returns false if serving failed.
  bool run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

// Splits "host:port", ":port" or "port" (host defaults to 127.0.0.1); throws Error.
void parse_listen_address(const std::string& text, std::string& host, int& port);

}  // namespace promotel::otlphttp

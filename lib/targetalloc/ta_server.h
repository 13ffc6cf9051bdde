#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "listener/listener_options.h"
#include "targetalloc/plan.h"

namespace promotel::targetalloc {

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// The TA's HTTP API over a fixed plan: /jobs, /jobs/<job>/targets[?collector_id=],
// /scrape_configs, /livez, /readyz, /metrics. target is the raw request target (path and
// query, still percent-encoded): the job segment is query-unescaped as the TA does.
HttpReply handle_ta_request(const Plan& plan, std::string_view method, std::string_view target);

// Serves a plan on options.host:port until stop() (from another thread) or the process ends,
// with the listener's TLS, bearer token, body limit, timeouts and connection bound.
class TaServer {
 public:
  // Throws promotel::Error when the TLS certificate/key or the token file cannot be used.
  TaServer(const Plan& plan, const listener::ListenerOptions& options);
  ~TaServer();
  // Binds; returns the bound port (port 0 = any free port). Throws promotel::Error.
  int bind();
  std::string url() const;  // http(s)://host:port, after bind()
  void serve();  // blocks
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace promotel::targetalloc

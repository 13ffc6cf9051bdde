#pragma once

#include <memory>
#include <string>

#include "listener/listener_options.h"

namespace httplib {
class Server;
}

namespace promotel::listener {

// A cpp-httplib server set up from ListenerOptions: HTTPS when a certificate is given, the
// read/write timeouts, at most max_connections served at once (the accept loop waits when as
// many more are queued, so the rest stay in the kernel's backlog), no SO_REUSEPORT, and the
// bearer-token check before any handler runs (401 with WWW-Authenticate: Bearer, the request
// body left unread and the connection closed). Register handlers on server(), then bind() and
// run(). The body limit is the handlers' to apply (see ListenerOptions::max_body_size): a
// handler that reads the body itself must count the (inflated) bytes; one that lets httplib
// read it sets server().set_payload_max_length.
class HttpListener {
 public:
  // Throws promotel::Error when the certificate, key or token file cannot be used.
  explicit HttpListener(const ListenerOptions& options);
  ~HttpListener();
  httplib::Server& server();
  // Binds host:port; returns the bound port. Throws promotel::Error.
  int bind();
  int port() const { return port_; }
  // "http://host:port" or "https://host:port" (after bind).
  std::string url() const;
  // Serves until stop() (callable from any thread). Returns false if serving failed.
  bool run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace promotel::listener

#pragma once

#include <cstddef>
#include <string>

#include <CLI/CLI.hpp>

namespace promotel::listener {

// What a listener is told on the command line; both otlpdump --listen and taplan serve take
// the same flags (see add_listener_options).
struct ListenerOptions {
  std::string host = "127.0.0.1";  // loopback unless told otherwise
  int port = 0;                    // 0: any free port
  std::string tls_cert_file;       // TLS (HTTPS) when set, with tls_key_file
  std::string tls_key_file;
  std::string bearer_token;        // requests must carry "Authorization: Bearer <token>"
  std::string bearer_token_file;   // the same, read from a file (keeps it out of `ps`)
  size_t max_body_size = size_t{20} << 20;
  int read_timeout_seconds = 10;   // for the request head and body, and idle keep-alive
  int write_timeout_seconds = 10;
  int max_connections = 8;         // connections served at once

  bool tls() const { return !tls_cert_file.empty(); }
};

// Registers --tls-cert-file, --tls-key-file, --bearer-token, --bearer-token-file,
// --max-body-size, --read-timeout, --write-timeout and --max-connections (defaults: the
// values already in options).
void add_listener_options(CLI::App& app, ListenerOptions& options, const std::string& group = "Listener");

// Checks the combination of flags: a certificate needs its key and the other way round; at
// most one of the token flags; the token file is readable and not empty. Returns the bearer
// token to expect ("" for none). Throws promotel::Error (a usage error for the tools).
std::string resolve_bearer_token(const ListenerOptions& options);

}  // namespace promotel::listener

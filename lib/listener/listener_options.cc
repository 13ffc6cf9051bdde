#include "listener/listener_options.h"

#include "common/error.h"
#include "listener/bearer_auth.h"

namespace promotel::listener {

void add_listener_options(CLI::App& app, ListenerOptions& o, const std::string& group) {
  app.add_option("--tls-cert-file", o.tls_cert_file, "serve HTTPS with this PEM certificate (chain)")
      ->group(group);
  app.add_option("--tls-key-file", o.tls_key_file, "the PEM private key of --tls-cert-file")->group(group);
  app.add_option("--bearer-token-file", o.bearer_token_file,
                 "accept only requests with 'Authorization: Bearer <token>', the token read from "
                 "this file")
      ->group(group);
  app.add_option("--bearer-token", o.bearer_token,
                 "as --bearer-token-file, the token given here (visible in ps; prefer the file)")
      ->group(group);
  app.add_option("--max-body-size", o.max_body_size,
                 "largest request body in bytes (after decompression); larger gets 413")
      ->capture_default_str()
      ->group(group);
  app.add_option("--read-timeout", o.read_timeout_seconds,
                 "seconds to wait for request data (also the idle time of a kept-alive connection, "
                 "at most 5)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->group(group);
  app.add_option("--write-timeout", o.write_timeout_seconds, "seconds to wait for a client to take the reply")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->group(group);
  app.add_option("--max-connections", o.max_connections,
                 "connections served at the same time (as many more wait; the rest stay in the "
                 "kernel's backlog)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->group(group);
}

std::string resolve_bearer_token(const ListenerOptions& o) {
  if (o.tls_cert_file.empty() != o.tls_key_file.empty())
    throw Error("--tls-cert-file and --tls-key-file go together");
  if (!o.bearer_token.empty() && !o.bearer_token_file.empty())
    throw Error("give --bearer-token or --bearer-token-file, not both");
  if (!o.bearer_token_file.empty()) return read_token_file(o.bearer_token_file);
  return o.bearer_token;
}

}  // namespace promotel::listener

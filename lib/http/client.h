#pragma once

// The HTTP client every tool shares (libcurl): one set of transport options (headers, auth, TLS,
// timeout, proxy from libcurl's usual environment variables) registered on the command line the
// same way by promscrape, prom2otlp --endpoint and rwpush.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

namespace promotel::http {

struct ClientOptions {
  std::vector<std::string> headers;  // "Name: value", as given with -H/--header
  std::string bearer_token;
  std::string bearer_token_file;     // read at request time (rotated tokens work)
  std::string basic_auth;            // "user:password" or "user" (then password_file)
  std::string basic_auth_password_file;
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name;           // TLS SNI / certificate name to expect
  bool insecure = false;             // skip TLS certificate verification
  double timeout_seconds = 10;
  std::string user_agent;            // default "promotel/<version>"
};

// Registers -H/--header, --bearer-token, --bearer-token-file, --basic-auth,
// --basic-auth-password-file, --cacert, --cert, --key, --server-name, --insecure, --timeout
// (seconds, or a Prometheus duration such as 10s / 500ms) on the app, into options.
void add_client_options(CLI::App& app, ClientOptions& options, const std::string& group = "HTTP");

// Whether a "Name: value" header line has this name (compared without regard to case, as HTTP
// does); name without the colon.
bool header_is(std::string_view header, std::string_view name);

struct Request {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // extra "Name: value" headers for this request
  std::string body;
  bool accept_gzip = true;           // send Accept-Encoding: gzip and decode the response
  size_t max_body_bytes = 0;         // 0 = unlimited; larger bodies fail with an error
  // This request's own client settings (a scrape job's timeout, auth, TLS) instead of the
  // ones given to perform() or the MultiRunner; null uses those.
  std::shared_ptr<const ClientOptions> options;

  const ClientOptions& options_or(const ClientOptions& fallback) const { return options ? *options : fallback; }
};

struct Response {
  long status = 0;              // HTTP status; 0 when the request did not complete
  std::string error;            // transport error ("connection refused", "timeout", TLS...), "" if none
  std::string body;             // decoded (gunzipped) body
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in order
  size_t body_wire_bytes = 0;   // bytes on the wire (compressed size when gzip)
  std::chrono::duration<double> elapsed{};

  bool ok() const { return error.empty() && status >= 200 && status < 300; }
  // First header with that (lower-case) name, or "" when absent.
  std::string header(const std::string& lower_name) const;
};

// Performs one request synchronously. Never throws for HTTP or transport failures (they are in
// Response); throws promotel::Error only for bad options (e.g. an unreadable token file).
Response perform(const Request& request, const ClientOptions& options);

// Parses a Prometheus duration ("15s", "1m30s", "500ms", "2h") or plain seconds ("2.5").
// Throws promotel::Error on anything else.
std::chrono::duration<double> parse_duration(const std::string& text);

// Parses a Retry-After header value (delta seconds or an HTTP date) into a wait from now;
// nullopt when empty or unparsable.
std::optional<std::chrono::duration<double>> parse_retry_after(const std::string& value);

// Exponential backoff for senders that retry (prom2otlp --endpoint, rwpush): the wait before
// retry number `attempt` (0-based) is initial * 2^attempt, capped at max.
struct Backoff {
  std::chrono::duration<double> initial{0.03};
  std::chrono::duration<double> max{5};
  std::chrono::duration<double> wait_before(int attempt) const;
};

}  // namespace promotel::http

#include "http/client.h"

#include "http/transfer.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>

#include "common/error.h"
#include "common/text.h"

namespace promotel::http {

bool header_is(std::string_view header, std::string_view name) {
  return header.size() > name.size() && header[name.size()] == ':' &&
         equals_ignore_case(header.substr(0, name.size()), name);
}

void add_client_options(CLI::App& app, ClientOptions& o, const std::string& group) {
  // One value per -H, so a positional argument after it is not taken as another header.
  app.add_option("-H,--header", o.headers, "Extra request header 'Name: value' (repeatable)")
      ->allow_extra_args(false)
      ->group(group);
  app.add_option("--bearer-token", o.bearer_token, "Send 'Authorization: Bearer TOKEN'")->group(group);
  app.add_option("--bearer-token-file", o.bearer_token_file,
                 "Read the bearer token from FILE (at each request)")
      ->group(group);
  app.add_option("--basic-auth", o.basic_auth, "HTTP basic auth 'user:password' (or 'user')")
      ->group(group);
  app.add_option("--basic-auth-password-file", o.basic_auth_password_file,
                 "Read the basic-auth password from FILE")
      ->group(group);
  app.add_option("--cacert", o.ca_file, "CA certificate bundle (PEM) to verify the server")
      ->group(group);
  app.add_option("--cert", o.cert_file, "Client certificate (PEM) for mutual TLS")->group(group);
  app.add_option("--key", o.key_file, "Client private key (PEM) for mutual TLS")->group(group);
  app.add_option("--server-name", o.server_name,
                 "Name to expect in the server's TLS certificate (and send as SNI)")
      ->group(group);
  app.add_flag("--insecure", o.insecure, "Do not verify the server's TLS certificate")->group(group);
  app.add_option_function<std::string>(
         "--timeout",
         [&o](const std::string& v) { o.timeout_seconds = parse_duration(v).count(); },
         "Request timeout: seconds or a duration like 10s, 500ms (default 10s)")
      ->group(group);
}

std::string Response::header(const std::string& lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return "";
}

Response perform(const Request& request, const ClientOptions& fallback) {
  const ClientOptions& options = request.options_or(fallback);
  global_init();
  CURL* curl = curl_easy_init();
  if (curl == nullptr) throw Error("cannot initialise libcurl");
  Transfer transfer;
  try {
    transfer.configure(curl, request, options);
  } catch (...) {
    curl_easy_cleanup(curl);
    throw;
  }
  CURLcode rc = curl_easy_perform(curl);
  transfer.finish(rc, options.timeout_seconds);
  curl_easy_cleanup(curl);
  return std::move(transfer.response);
}

std::chrono::duration<double> parse_duration(const std::string& text) {
  if (text.empty()) throw Error("empty duration");
  // Plain seconds: "2", "2.5".
  {
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() + text.size() && std::isfinite(v) && v >= 0 &&
        std::all_of(text.begin(), text.end(),
                    [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)) || ch == '.'; }))
      return std::chrono::duration<double>(v);
  }
  // Prometheus duration: units y w d h m s ms in that order, each at most once.
  static const std::pair<const char*, double> kUnits[] = {
      {"y", 365 * 86400.0}, {"w", 7 * 86400.0}, {"d", 86400.0}, {"h", 3600.0},
      {"ms", 0.001},         {"m", 60.0},        {"s", 1.0}};
  static const char* kOrder[] = {"y", "w", "d", "h", "m", "s", "ms"};
  double total = 0;
  size_t pos = 0;
  int last_rank = -1;
  while (pos < text.size()) {
    size_t start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
    if (pos == start) throw Error("invalid duration \"" + text + "\" (want e.g. 15s, 1m30s, 500ms)");
    double number = std::stod(text.substr(start, pos - start));
    std::string unit;
    for (const auto& [name, seconds] : kUnits) {
      if (text.compare(pos, std::string(name).size(), name) == 0) {
        unit = name;
        total += number * seconds;
        break;
      }
    }
    if (unit.empty()) throw Error("invalid duration \"" + text + "\" (want e.g. 15s, 1m30s, 500ms)");
    int rank = static_cast<int>(std::find(std::begin(kOrder), std::end(kOrder), unit) - std::begin(kOrder));
    if (rank <= last_rank) throw Error("invalid duration \"" + text + "\" (units out of order)");
    last_rank = rank;
    pos += unit.size();
  }
  return std::chrono::duration<double>(total);
}

std::optional<std::chrono::duration<double>> parse_retry_after(const std::string& value) {
  std::string v(trim_space(value));
  if (v.empty()) return std::nullopt;
  if (std::all_of(v.begin(), v.end(), [](unsigned char ch) { return std::isdigit(ch); }))
    return std::chrono::duration<double>(std::stod(v));
  time_t when = curl_getdate(v.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  double wait = std::difftime(when, std::time(nullptr));
  return std::chrono::duration<double>(wait > 0 ? wait : 0);
}

std::chrono::duration<double> Backoff::wait_before(int attempt) const {
  double w = initial.count() * std::pow(2.0, attempt);
  return std::chrono::duration<double>(std::min(w, max.count()));
}

}  // namespace promotel::http

#include "http/client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include "common/error.h"
#include "common/input.h"
#include "common/version.h"

namespace promotel::http {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

std::string read_secret_file(const std::string& path) {
  return trim(read_file(path));
}

struct Transfer {
  Response* response;
  size_t max_body_bytes;
  bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  if (t->max_body_bytes != 0 && t->response->body.size() + n > t->max_body_bytes) {
    t->too_large = true;
    return 0;  // aborts the transfer
  }
  t->response->body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->response->headers.clear();  // a new response (after a redirect or 100 Continue)
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos) return n;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  t->response->headers.emplace_back(name, trim(line.substr(colon + 1)));
  return n;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

// With --server-name the request goes to the URL's host and port, but TLS (SNI and certificate
// verification) and the Host header use server_name: rewrite the URL's host and tell libcurl to
// connect to the original address.
std::string apply_server_name(CURL* curl, const std::string& url, const std::string& server_name,
                              std::unique_ptr<curl_slist, CurlDeleter>& connect_to) {
  std::unique_ptr<CURLU, CurlDeleter> u(curl_url());
  if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return url;
  char* host = nullptr;
  char* port = nullptr;
  curl_url_get(u.get(), CURLUPART_HOST, &host, 0);
  curl_url_get(u.get(), CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
  std::string rule = server_name + ":" + (port ? port : "") + ":" + (host ? host : "") + ":" +
                     (port ? port : "");
  curl_free(host);
  curl_free(port);
  connect_to.reset(curl_slist_append(nullptr, rule.c_str()));
  curl_easy_setopt(curl, CURLOPT_CONNECT_TO, connect_to.get());
  curl_url_set(u.get(), CURLUPART_HOST, server_name.c_str(), 0);
  char* rewritten = nullptr;
  curl_url_get(u.get(), CURLUPART_URL, &rewritten, 0);
  std::string out = rewritten ? rewritten : url;
  curl_free(rewritten);
  return out;
}

}  // namespace

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

Response perform(const Request& request, const ClientOptions& options) {
  global_init();
  Response response;
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) throw Error("cannot initialise libcurl");
  CURL* c = curl.get();

  std::unique_ptr<curl_slist, CurlDeleter> headers;
  auto add_header = [&headers](const std::string& h) {
    headers.reset(curl_slist_append(headers.release(), h.c_str()));
  };
  for (const auto& h : options.headers) add_header(h);
  for (const auto& h : request.headers) add_header(h);
  if (!options.bearer_token.empty() || !options.bearer_token_file.empty()) {
    std::string token = options.bearer_token_file.empty() ? options.bearer_token
                                                          : read_secret_file(options.bearer_token_file);
    add_header("Authorization: Bearer " + token);
  }
  std::string user, password;
  if (!options.basic_auth.empty()) {
    auto colon = options.basic_auth.find(':');
    user = options.basic_auth.substr(0, colon);
    if (colon != std::string::npos) password = options.basic_auth.substr(colon + 1);
    if (!options.basic_auth_password_file.empty())
      password = read_secret_file(options.basic_auth_password_file);
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, password.c_str());
  }
  if (request.method != "GET") add_header("Expect:");  // no 100-continue round trip

  std::unique_ptr<curl_slist, CurlDeleter> connect_to;
  std::string url = request.url;
  if (!options.server_name.empty()) url = apply_server_name(c, url, options.server_name, connect_to);

  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(std::llround(options.timeout_seconds * 1000)));
  std::string agent = options.user_agent.empty() ? std::string("promotel/") + kVersion : options.user_agent;
  curl_easy_setopt(c, CURLOPT_USERAGENT, agent.c_str());
  if (request.accept_gzip) curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
  if (!options.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options.ca_file.c_str());
  if (!options.cert_file.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, options.cert_file.c_str());
  if (!options.key_file.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, options.key_file.c_str());
  if (options.insecure) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (request.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (request.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (!request.body.empty()) {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
  }
  if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

  Transfer transfer{&response, request.max_body_bytes};
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &transfer);
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);

  CURLcode rc = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  double total = 0;
  curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &total);
  response.elapsed = std::chrono::duration<double>(total);
  curl_off_t wire = 0;
  curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &wire);
  response.body_wire_bytes = static_cast<size_t>(wire);
  if (transfer.too_large) {
    response.error = "body larger than " + std::to_string(request.max_body_bytes) + " bytes";
  } else if (rc != CURLE_OK) {
    response.error = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      std::ostringstream msg;
      msg << "timeout after " << options.timeout_seconds << "s (" << response.error << ")";
      response.error = msg.str();
    }
  }
  return response;
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
  std::string v = trim(value);
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

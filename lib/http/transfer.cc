#include "http/transfer.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <mutex>
#include <sstream>

#include "common/input.h"
#include "common/text.h"
#include "common/version.h"

namespace promotel::http {
namespace {

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  if (t->max_body_bytes != 0 && t->response.body.size() + n > t->max_body_bytes) {
    t->too_large = true;
    return 0;  // aborts the transfer
  }
  t->response.body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->response.headers.clear();  // a new response (after a redirect or 100 Continue)
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos) return n;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  t->response.headers.emplace_back(name, trim_space(std::string_view(line).substr(colon + 1)));
  return n;
}

}  // namespace

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Transfer::~Transfer() {
  curl_slist_free_all(headers);
  curl_slist_free_all(connect_to);
}

void Transfer::configure(CURL* c, const Request& request, const ClientOptions& options) {
  curl = c;
  curl_easy_reset(c);
  curl_slist_free_all(headers);
  headers = nullptr;
  curl_slist_free_all(connect_to);
  connect_to = nullptr;
  response = Response();
  too_large = false;
  max_body_bytes = request.max_body_bytes;
  error[0] = '\0';

  auto add_header = [this](const std::string& h) { headers = curl_slist_append(headers, h.c_str()); };
  for (const auto& h : options.headers) add_header(h);
  for (const auto& h : request.headers) add_header(h);
  if (!options.bearer_token.empty() || !options.bearer_token_file.empty()) {
    std::string token = options.bearer_token_file.empty() ? options.bearer_token
                                                          : read_secret_file(options.bearer_token_file);
    add_header("Authorization: Bearer " + token);
  }
  if (!options.basic_auth.empty()) {
    auto colon = options.basic_auth.find(':');
    user = options.basic_auth.substr(0, colon);
    password = colon == std::string::npos ? "" : options.basic_auth.substr(colon + 1);
    if (!options.basic_auth_password_file.empty())
      password = read_secret_file(options.basic_auth_password_file);
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, password.c_str());
  }
  if (request.method != "GET") add_header("Expect:");  // no 100-continue round trip

  url = request.url;
  if (!options.server_name.empty()) {
    // TLS (SNI, certificate name) and the Host header use server_name; the connection goes to
    // the URL's own address.
    CURLU* u = curl_url();
    if (curl_url_set(u, CURLUPART_URL, request.url.c_str(), 0) == CURLUE_OK) {
      char* host = nullptr;
      char* port = nullptr;
      curl_url_get(u, CURLUPART_HOST, &host, 0);
      curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
      std::string rule = options.server_name + ":" + (port ? port : "") + ":" + (host ? host : "") +
                         ":" + (port ? port : "");
      curl_free(host);
      curl_free(port);
      connect_to = curl_slist_append(nullptr, rule.c_str());
      curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect_to);
      curl_url_set(u, CURLUPART_HOST, options.server_name.c_str(), 0);
      char* rewritten = nullptr;
      curl_url_get(u, CURLUPART_URL, &rewritten, 0);
      if (rewritten) url = rewritten;
      curl_free(rewritten);
    }
    curl_url_cleanup(u);
  }

  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(std::llround(options.timeout_seconds * 1000)));
  agent = options.user_agent.empty() ? std::string("promotel/") + kVersion : options.user_agent;
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
  } else if (request.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (request.method == "POST" || !request.body.empty()) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
}

void Transfer::finish(CURLcode rc, double timeout_seconds) {
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  double total = 0;
  curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME, &total);
  response.elapsed = std::chrono::duration<double>(total);
  curl_off_t wire = 0;
  curl_easy_getinfo(curl, CURLINFO_SIZE_DOWNLOAD_T, &wire);
  response.body_wire_bytes = static_cast<size_t>(wire);
  if (too_large) {
    response.error = "body larger than " + std::to_string(max_body_bytes) + " bytes";
  } else if (rc != CURLE_OK) {
    response.error = error[0] != '\0' ? error : curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      std::ostringstream msg;
      msg << "timeout after " << timeout_seconds << "s (" << response.error << ")";
      response.error = msg.str();
    } else if (rc == CURLE_BAD_CONTENT_ENCODING) {
      response.error = "the body does not decode as its Content-Encoding says (" + response.error + ")";
    }
  }
}

}  // namespace promotel::http

#include "http/multi.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <deque>
#include <mutex>
#include <sstream>
#include <string>

#include "common/error.h"
#include "common/input.h"
#include "common/version.h"

namespace promotel::http {
namespace {

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

// One transfer slot: an easy handle (kept for connection reuse) and its request's state.
struct Slot {
  CURL* curl = nullptr;
  curl_slist* headers = nullptr;
  curl_slist* connect_to = nullptr;
  size_t index = 0;
  Response response;
  size_t max_body_bytes = 0;
  bool too_large = false;
  std::string url, user, password, agent;
  std::chrono::system_clock::time_point started;
  char error[CURL_ERROR_SIZE] = {0};
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* slot = static_cast<Slot*>(user);
  size_t n = size * count;
  if (slot->max_body_bytes != 0 && slot->response.body.size() + n > slot->max_body_bytes) {
    slot->too_large = true;
    return 0;
  }
  slot->response.body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* slot = static_cast<Slot*>(user);
  size_t n = size * count;
  std::string line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    slot->response.headers.clear();
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos) return n;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  slot->response.headers.emplace_back(name, trim(line.substr(colon + 1)));
  return n;
}

}  // namespace

struct MultiRunner::Impl {
  const ClientOptions& options;
  size_t parallel;
  CURLM* multi = nullptr;
  std::vector<std::unique_ptr<Slot>> slots;

  void configure(Slot& slot, const Request& request);
  void finish(Slot& slot, CURLcode rc);
};

MultiRunner::MultiRunner(const ClientOptions& options, size_t parallel)
    : impl_(new Impl{options, std::max<size_t>(parallel, 1)}) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  impl_->multi = curl_multi_init();
  if (!impl_->multi) throw Error("cannot initialise libcurl");
  curl_multi_setopt(impl_->multi, CURLMOPT_MAXCONNECTS, static_cast<long>(impl_->parallel * 2));
  for (size_t i = 0; i < impl_->parallel; ++i) {
    auto slot = std::make_unique<Slot>();
    slot->curl = curl_easy_init();
    if (!slot->curl) throw Error("cannot initialise libcurl");
    impl_->slots.push_back(std::move(slot));
  }
}

MultiRunner::~MultiRunner() {
  for (auto& slot : impl_->slots) {
    curl_multi_remove_handle(impl_->multi, slot->curl);  // in case on_done threw mid-run
    curl_easy_cleanup(slot->curl);
    curl_slist_free_all(slot->headers);
    curl_slist_free_all(slot->connect_to);
  }
  curl_multi_cleanup(impl_->multi);
}

void MultiRunner::Impl::configure(Slot& slot, const Request& request) {
  CURL* c = slot.curl;
  curl_easy_reset(c);
  curl_slist_free_all(slot.headers);
  slot.headers = nullptr;
  curl_slist_free_all(slot.connect_to);
  slot.connect_to = nullptr;
  slot.response = Response();
  slot.too_large = false;
  slot.max_body_bytes = request.max_body_bytes;
  slot.error[0] = '\0';

  auto add_header = [&slot](const std::string& h) { slot.headers = curl_slist_append(slot.headers, h.c_str()); };
  for (const auto& h : options.headers) add_header(h);
  for (const auto& h : request.headers) add_header(h);
  if (!options.bearer_token.empty() || !options.bearer_token_file.empty()) {
    std::string token = options.bearer_token_file.empty() ? options.bearer_token : trim(read_file(options.bearer_token_file));
    add_header("Authorization: Bearer " + token);
  }
  if (!options.basic_auth.empty()) {
    auto colon = options.basic_auth.find(':');
    slot.user = options.basic_auth.substr(0, colon);
    slot.password = colon == std::string::npos ? "" : options.basic_auth.substr(colon + 1);
    if (!options.basic_auth_password_file.empty()) slot.password = trim(read_file(options.basic_auth_password_file));
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, slot.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, slot.password.c_str());
  }
  slot.url = request.url;
  if (!options.server_name.empty()) {
    // As perform(): TLS name and Host from server_name, the connection to the URL's address.
    CURLU* u = curl_url();
    if (curl_url_set(u, CURLUPART_URL, request.url.c_str(), 0) == CURLUE_OK) {
      char* host = nullptr;
      char* port = nullptr;
      curl_url_get(u, CURLUPART_HOST, &host, 0);
      curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
      std::string rule = options.server_name + ":" + (port ? port : "") + ":" + (host ? host : "") + ":" + (port ? port : "");
      curl_free(host);
      curl_free(port);
      slot.connect_to = curl_slist_append(nullptr, rule.c_str());
      curl_easy_setopt(c, CURLOPT_CONNECT_TO, slot.connect_to);
      curl_url_set(u, CURLUPART_HOST, options.server_name.c_str(), 0);
      char* rewritten = nullptr;
      curl_url_get(u, CURLUPART_URL, &rewritten, 0);
      if (rewritten) slot.url = rewritten;
      curl_free(rewritten);
    }
    curl_url_cleanup(u);
  }
  curl_easy_setopt(c, CURLOPT_URL, slot.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(std::llround(options.timeout_seconds * 1000)));
  slot.agent = options.user_agent.empty() ? std::string("promotel/") + kVersion : options.user_agent;
  curl_easy_setopt(c, CURLOPT_USERAGENT, slot.agent.c_str());
  if (request.accept_gzip) curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
  if (!options.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options.ca_file.c_str());
  if (!options.cert_file.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, options.cert_file.c_str());
  if (!options.key_file.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, options.key_file.c_str());
  if (options.insecure) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (request.method != "GET") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (slot.headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, slot.headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &slot);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &slot);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, slot.error);
  curl_easy_setopt(c, CURLOPT_PRIVATE, &slot);
  slot.started = std::chrono::system_clock::now();
}

void MultiRunner::Impl::finish(Slot& slot, CURLcode rc) {
  Response& response = slot.response;
  curl_easy_getinfo(slot.curl, CURLINFO_RESPONSE_CODE, &response.status);
  double total = 0;
  curl_easy_getinfo(slot.curl, CURLINFO_TOTAL_TIME, &total);
  response.elapsed = std::chrono::duration<double>(total);
  curl_off_t wire = 0;
  curl_easy_getinfo(slot.curl, CURLINFO_SIZE_DOWNLOAD_T, &wire);
  response.body_wire_bytes = static_cast<size_t>(wire);
  if (slot.too_large) {
    response.error = "body larger than " + std::to_string(slot.max_body_bytes) + " bytes";
  } else if (rc != CURLE_OK) {
    response.error = slot.error[0] != '\0' ? slot.error : curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      std::ostringstream msg;
      msg << "timeout after " << options.timeout_seconds << "s (" << response.error << ")";
      response.error = msg.str();
    }
  }
}

void MultiRunner::run(const std::vector<Request>& requests, const Done& on_done) {
  Impl& m = *impl_;
  std::deque<Slot*> idle;
  for (auto& slot : m.slots) idle.push_back(slot.get());
  size_t next = 0;
  size_t running = 0;
  auto start_more = [&] {
    while (next < requests.size() && !idle.empty()) {
      Slot* slot = idle.front();
      idle.pop_front();
      slot->index = next;
      m.configure(*slot, requests[next]);
      ++next;
      curl_multi_add_handle(m.multi, slot->curl);
      ++running;
    }
  };
  start_more();
  while (running > 0) {
    int still_running = 0;
    CURLMcode mc = curl_multi_perform(m.multi, &still_running);
    if (mc != CURLM_OK) throw Error(std::string("libcurl: ") + curl_multi_strerror(mc));
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(m.multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Slot* slot = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &slot);
      CURLcode rc = msg->data.result;
      curl_multi_remove_handle(m.multi, slot->curl);
      --running;
      m.finish(*slot, rc);
      idle.push_back(slot);
      on_done(slot->index, slot->response, slot->started);
      slot->response.body.clear();
      slot->response.body.shrink_to_fit();
    }
    start_more();
    if (running > 0) curl_multi_poll(m.multi, nullptr, 0, 100, nullptr);
  }
}

}  // namespace promotel::http

#pragma once

// One request on a libcurl easy handle: the options every promotel HTTP request gets (headers,
// auth, TLS, server name, timeout, body) and the response it collects. Shared by perform()
// (one handle) and MultiRunner (many handles on one event loop); not part of the public API.

#include <curl/curl.h>

#include <string>

#include "http/client.h"

namespace promotel::http {

void global_init();  // curl_global_init, once per process

struct Transfer {
  Transfer() = default;
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  ~Transfer();

  // Resets the handle and sets every option for the request. The request must outlive the
  // transfer (libcurl does not copy the body). Throws Error for an unreadable secret file.
  void configure(CURL* curl, const Request& request, const ClientOptions& options);
  // Fills status, elapsed time, wire bytes and the error text once the transfer ended with rc.
  void finish(CURLcode rc, double timeout_seconds);

  CURL* curl = nullptr;  // not owned
  Response response;
  size_t max_body_bytes = 0;
  bool too_large = false;
  curl_slist* headers = nullptr;
  curl_slist* connect_to = nullptr;
  std::string url, user, password, agent;  // libcurl keeps pointers to these
  char error[CURL_ERROR_SIZE] = {0};
};

}  // namespace promotel::http

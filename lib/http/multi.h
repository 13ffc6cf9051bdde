#pragma once

// Many HTTP requests at once on one libcurl multi handle: one thread and one event loop
// however many targets, at most `parallel` transfers in flight (promscrape --parallel N).
// Requests are configured from the same ClientOptions as perform() (headers, auth, TLS,
// timeout), and connections are reused across runs.

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "http/client.h"

namespace promotel::http {

class MultiRunner {
 public:
  MultiRunner(const ClientOptions& options, size_t parallel);
  ~MultiRunner();
  MultiRunner(const MultiRunner&) = delete;
  MultiRunner& operator=(const MultiRunner&) = delete;

  using Done = std::function<void(size_t index, Response& response,
                                  std::chrono::system_clock::time_point started)>;
  // Performs every request; on_done runs on this thread as each one completes (completion
  // order), with the wall-clock time its transfer started. Transport failures are in the
  // Response as with perform(); throws Error only for bad options (unreadable token file).
  void run(const std::vector<Request>& requests, const Done& on_done);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace promotel::http

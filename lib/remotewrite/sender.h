#pragma once

// Sends Remote-Write requests, one batch at a time and in order, following the spec's rules
// (section 1.7/1.8 of ../shared/specs/remote-write.md):
//  - 2xx is success; a 2.0 request answered 2xx without any X-Prometheus-Remote-Write-*-Written
//    header came from a 1.x receiver that stored nothing, so it counts as 415;
//  - 415 with --protocol auto: the same batch is re-encoded as 1.0 and sent again, and 1.0 is
//    kept for the rest of the run; otherwise 415 is a rejection;
//  - 5xx, network errors and (by option) 429 are retried with exponential backoff, honouring
//    Retry-After, until the retry budget (max_retry_time) is spent;
//  - any other status is a rejection and is never retried.
// Every failure is reported with the receiver's message (at most 1 KiB of it).

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "http/client.h"
#include "remotewrite/batch.h"
#include "remotewrite/encode.h"

namespace promotel::remotewrite {

struct SendOptions {
  std::string url;
  Protocol protocol = Protocol::kV1;
  bool fallback_to_v1 = false;  // --protocol auto
  bool retry_on_429 = true;
  http::Backoff backoff;  // 30 ms doubling to 5 s
  std::chrono::duration<double> max_retry_time{60};
  http::ClientOptions client;
  // Warnings and failure reports ("request 3: HTTP 500: ...; retrying in 60ms").
  std::function<void(const std::string&)> report;
};

struct SendStats {
  uint64_t requests = 0;  // HTTP requests made (attempts)
  uint64_t retries = 0;
  uint64_t batches_written = 0;
  uint64_t batches_rejected = 0;  // answered with a permanent error
  uint64_t series_written = 0, samples_written = 0, histograms_written = 0, exemplars_written = 0;
  uint64_t series_rejected = 0, samples_rejected = 0, histograms_rejected = 0, exemplars_rejected = 0;
  uint64_t bytes_sent = 0;  // compressed request bodies that were accepted
  bool fell_back = false;
};

class Sender {
 public:
  enum class Outcome { kWritten, kRejected, kGaveUp };

  explicit Sender(SendOptions options);

  // Sends one finalized batch (retrying as needed). Never throws for HTTP failures.
  Outcome send(const Batch& batch);

  const SendStats& stats() const { return stats_; }
  Protocol protocol() const { return protocol_; }

 private:
  void count(const Batch& batch, bool written);

  SendOptions options_;
  Protocol protocol_;
  SendStats stats_;
  uint64_t batch_number_ = 0;
  RequestEncoder encoder_;
  std::string_view body_;  // the request's snappy body, in encoder_
};

// The first `limit` bytes of a receiver's message, on one line.
std::string receiver_message(const std::string& body, size_t limit = 1024);

}  // namespace promotel::remotewrite

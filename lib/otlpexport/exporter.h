#pragma once

// Sends ExportMetricsServiceRequests to an OTLP/HTTP receiver (POST <endpoint>/v1/metrics) the
// way the OTLP specification asks an exporter to:
//  * protobuf (application/x-protobuf) or JSON (application/json) body, optionally gzip;
//  * retried: HTTP 429, 502, 503, 504 and transport failures (connection refused, timeouts),
//    waiting Retry-After when the server sends one, else exponential backoff, up to
//    max_attempts tries; every other status fails at once;
//  * a 2xx response's partial_success (rejected data points, error message) is reported;
//  * a failure's google.rpc.Status message is reported.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "http/client.h"

namespace opentelemetry::proto::collector::metrics::v1 {
class ExportMetricsServiceRequest;
}

namespace promotel::otlpexport {

struct ExporterOptions {
  std::string endpoint;  // http(s)://host:port[/path]; no path (or "/") → /v1/metrics
  bool json = false;
  bool gzip = false;
  http::ClientOptions client;
  int max_attempts = 5;
  http::Backoff backoff{std::chrono::duration<double>(0.5), std::chrono::duration<double>(30)};
};

struct ExportResult {
  bool ok = false;            // the receiver accepted the request (2xx), maybe partially
  long status = 0;            // last HTTP status (0: transport failure)
  int attempts = 0;
  int64_t rejected_points = 0;  // partial success
  std::string message;        // partial-success or failure message from the receiver, or the
                              // transport error
};

// The URL a metrics export goes to for an --endpoint value.
std::string metrics_url(const std::string& endpoint);

class Exporter {
 public:
  using Sleep = std::function<void(std::chrono::duration<double>)>;
  // sleep defaults to std::this_thread::sleep_for (tests pass a recorder).
  explicit Exporter(ExporterOptions options, Sleep sleep = {});

  ExportResult send(
      const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request);

 private:
  ExporterOptions options_;
  std::string url_;
  Sleep sleep_;
};

}  // namespace promotel::otlpexport

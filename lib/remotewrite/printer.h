#pragma once

// --dry-run: what a request would carry, readable. By default only the summary line of each
// request; with --verbose one block per request:
//
//   # request 1: protocol 1.0, 2 series, 2 samples, 0 histograms, 1 exemplars, 1 metadata,
//   #   150 bytes protobuf, 120 bytes snappy
//   # TYPE http_requests counter
//   # HELP http_requests Requests served.
//   http_requests_total{code="200",job="api"} 1027 1700000000000 # {trace_id="abc"} 1 1700000000000
//   latency{job="api"} histogram{count:3,sum:1.5,schema:0,zero_threshold:0,zero_count:0,...} 1700000000000
//   requests_total{job="api"} 42 1700000000000 start=1699999940000      (2.0 start timestamp)
//
// Labels are printed sorted, exactly as sent (without __name__, which leads); values in the
// shortest form that reads back to the same double, NaN / +Inf / -Inf / StaleNaN; timestamps
// in milliseconds.

#include <string>

#include "common/output.h"
#include "remotewrite/batch.h"
#include "remotewrite/encode.h"

namespace promotel::remotewrite {

struct RequestSizes {
  size_t protobuf = 0;
  size_t snappy = 0;
};

// "# request N: protocol 1.0, ... bytes snappy\n"
std::string summary_line(uint64_t request, const Batch& batch, Protocol protocol, RequestSizes sizes);

class BatchPrinter {
 public:
  explicit BatchPrinter(Output& out) : out_(out) {}
  // The summary line, then every metadata entry, series and sample of the request.
  void print(const Batch& batch, Protocol protocol, RequestSizes sizes);
  // Only the summary line ("# request N: ...").
  void summary(const Batch& batch, Protocol protocol, RequestSizes sizes);

 private:
  void series_name(std::string_view labels);
  void value(double v);
  void number(int64_t v);
  void escaped(std::string_view s);
  void histogram(std::string_view body);

  Output& out_;
  uint64_t request_ = 0;
  std::vector<model::Label> labels_;
  char buffer_[64];
};

}  // namespace promotel::remotewrite

#pragma once

// An exposition stream → OTLP requests, the way one scrape goes through the receiver: a parser
// (lib/exposition) feeds a Transaction; a request is emitted per input, or per batch_size data
// points (cut only where a new family starts, so no data point is ever split).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/input.h"
#include "exposition/parser.h"
#include "promreceiver/transaction.h"

namespace opentelemetry::proto::collector::metrics::v1 {
class ExportMetricsServiceRequest;
}

namespace promotel::promreceiver {

struct ConvertOptions {
  Options receiver;
  exposition::ParseOptions parse;
  size_t batch_size = 0;  // 0: one request for the whole input
  // Skip what does not parse (lenient formats only), dropping the family it was in, instead of
  // failing the whole input.
  bool keep_going = false;
  // Protobuf: also convert the classic buckets a native histogram carries (Prometheus'
  // always_scrape_classic_histograms); by default only the native histogram is used.
  bool classic_histograms = false;
  // Append the synthetic scrape series (up, scrape_duration_seconds, ...) at the end.
  std::optional<ScrapeReport> scrape_metrics;
};

struct ConvertResult {
  size_t requests = 0;
  size_t data_points = 0;
  size_t samples = 0;
  std::vector<std::string> skipped;  // keep_going: "<position>: <what> (family <name> dropped)"
};

using RequestSink = std::function<void(
    const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest&)>;

// Throws promotel::Error for input that does not parse (unless keep_going); requests completed
// before the error have been handed to the sink, the one in progress is discarded.
ConvertResult convert(Reader& input, const ConvertOptions& options, const RequestSink& sink,
                      const Transaction::Warn& warn = {});

}  // namespace promotel::promreceiver

#pragma once

// An exposition stream → OTLP requests, the way one scrape goes through the receiver: a parser
// (lib/exposition) feeds a Transaction; a request is emitted per input, or per batch_size data
// points (each pending metric weighing 4 more), cut only where a new family or target starts,
// so no data point is ever split.

#include <functional>
#include <optional>
#include <span>
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
  // OpenMetrics input that is a stream of documents, each ending with "# EOF" (promscrape's
  // output for several targets or repeated scrapes): each document is its own scrape, with
  // its own requests. Without it, anything after "# EOF" is an error.
  bool documents = false;
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

// A request as its serialised protobuf bytes (valid during the call).
using SerializedSink = std::function<void(std::string_view)>;

// A request as its serialised protobuf bytes handed over in pieces, never assembled: first its
// size, then its bytes as consecutive pieces in one or more calls of `pieces` (the views valid
// during the call; long stretches are views of the serialiser's buffer, so a vectored write
// sends them without copying them).
struct SerializedPiecesSink {
  std::function<void(size_t)> size;
  std::function<void(std::span<const std::string_view>)> pieces;
};

// Throws promotel::Error for input that does not parse (unless keep_going); requests completed
// before the error have been handed to the sink, the one in progress is discarded — with
// scrape_metrics, replaced by the scrape series with up = 0, as the receiver reports a failed
// scrape.
ConvertResult convert(Reader& input, const ConvertOptions& options, const RequestSink& sink,
                      const Transaction::Warn& warn = {});

// The same, handing over each request serialised: the bytes equal those of the request convert()
// builds, written without building it (the fast path for protobuf output).
ConvertResult convert_serialized(Reader& input, const ConvertOptions& options,
                                 const SerializedSink& sink, const Transaction::Warn& warn = {});

// The same in pieces: the bytes equal convert_serialized()'s without one more copy of the whole
// request (the protobuf output path of prom2otlp).
ConvertResult convert_serialized_pieces(Reader& input, const ConvertOptions& options,
                                        const SerializedPiecesSink& sink,
                                        const Transaction::Warn& warn = {});

// The same, handing over each request as its OTLP/JSON text (one line, no newline; valid during
// the call): the text equals otlp::encode_json of the request convert() builds.
ConvertResult convert_json(Reader& input, const ConvertOptions& options,
                           const SerializedSink& sink, const Transaction::Warn& warn = {});

}  // namespace promotel::promreceiver

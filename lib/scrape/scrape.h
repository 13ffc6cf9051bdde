#pragma once

// Scraping one target the way Prometheus' scrape loop does: the request (Accept header,
// gzip, timeout), the body decoded by its Content-Type, target labels and the scrape
// timestamp attached to every sample, the synthetic series (up, scrape_duration_seconds, ...)
// appended, and stale markers for series that disappeared since the previous scrape.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exposition/format.h"
#include "http/client.h"
#include "model/metric.h"
#include "scrape/series_tracker.h"
#include "scrape/sink.h"
#include "scrape/target.h"

namespace promotel::scrape {

// Prometheus' scrape protocols (config.ScrapeProtocol), in a preference order.
enum class Protocol { kOpenMetrics1, kOpenMetrics0, kPromText1, kPromText0, kPromProto };
// "OpenMetricsText1.0.0", "OpenMetricsText0.0.1", "PrometheusText1.0.0", "PrometheusText0.0.4",
// "PrometheusProto" (the spellings of scrape_protocols), or the shorthands "openmetrics",
// "text", "protobuf" meaning Prometheus' default order with that format first. Throws Error.
std::vector<Protocol> protocols_from_string(const std::string& spec);
// The Accept header Prometheus 3 sends for these protocols (weights descending by 0.1, the
// text 1.0.0 / OpenMetrics 1.0.0 entries with escaping=allow-utf-8, then */*).
std::string accept_header(const std::vector<Protocol>& protocols);

// A rewrite of each sample's labels after target labelling (metric_relabel_configs): gets the
// sample name and labels, returns false to drop the sample, or true with the (possibly
// changed) labels in `out` and the (possibly changed) name in `name`.
using MetricRelabel = std::function<bool(std::string_view& name, model::Labels labels,
                                         std::vector<model::Label>& out)>;

struct ScrapeOptions {
  std::vector<Protocol> protocols{Protocol::kOpenMetrics1, Protocol::kOpenMetrics0, Protocol::kPromText1,
                                  Protocol::kPromText0};
  // For a response without a usable Content-Type (Prometheus' fallback_scrape_protocol);
  // nullopt fails the scrape like Prometheus 3 without a fallback.
  std::optional<exposition::Format> fallback_format = exposition::Format::kPrometheusText;
  bool honor_labels = false;
  bool honor_timestamps = true;
  bool strict = false;        // OpenMetrics bodies validated against the whole spec
  bool synthetic = true;      // append up, scrape_duration_seconds, ...
  bool track_series = false;  // repeated scrapes: stale markers and exact scrape_series_added
  size_t max_body_bytes = 0;  // 0 = no limit
  std::function<bool(std::string_view family)> match;  // keep families it accepts (all if empty)
  MetricRelabel metric_relabel;
  // The job's HTTP settings (timeout, auth, TLS); null: the runner's. Its timeout is also
  // sent as X-Prometheus-Scrape-Timeout-Seconds, as Prometheus does.
  std::shared_ptr<const http::ClientOptions> client;
};

struct ScrapeStats {
  bool up = false;
  std::string error;                // why the scrape failed ("" when up)
  model::TimestampMs timestamp = 0;  // the scrape's timestamp (its start)
  double duration_seconds = 0;
  std::string content_type;
  std::optional<exposition::Format> format;
  size_t body_bytes = 0;   // decoded
  size_t wire_bytes = 0;   // as transferred (gzip)
  size_t families = 0;
  size_t samples_scraped = 0;
  size_t samples_post_relabel = 0;
  size_t series_added = 0;
  size_t stale_markers = 0;
};

// One target with the state that lives from scrape to scrape (the series it had).
class TargetScraper {
 public:
  TargetScraper(Target target, const ScrapeOptions& options);
  ~TargetScraper();

  const Target& target() const { return target_; }
  // The HTTP request of one scrape.
  http::Request request() const;
  // Turns the response of a scrape that started at `timestamp` into families and samples on
  // the sink (nothing of an invalid body: only the synthetic series with up 0, as Prometheus).
  ScrapeStats process(const http::Response& response, model::TimestampMs timestamp, Sink& sink);

 private:
  void emit_body(const std::string& body, exposition::Format format, ScrapeStats& stats, Sink& sink);
  void emit_synthetic(const ScrapeStats& stats, Sink& sink);

  Target target_;
  const ScrapeOptions& options_;
  std::string accept_;
  SeriesTracker tracker_;
};

// Milliseconds since the epoch, now.
model::TimestampMs now_ms();

}  // namespace promotel::scrape

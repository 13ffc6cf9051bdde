#pragma once

// The Collector Prometheus receiver's "transaction", offline (spec A3–A14): exposition
// metadata and samples go in, in the order a parser yields them; commit() builds the
// ExportMetricsServiceRequest the receiver would send downstream for them.
//
// Deterministic order (the receiver's is Go map order, i.e. random): resources in first-seen
// order; inside a resource the default receiver scope first, then other scopes first-seen;
// metrics in first-seen order (synthetic scrape metrics appended last by add_scrape_metrics);
// data points first-seen; attributes sorted by name.
//
// Target labels (the receiver attaches job/instance from its scrape config): when
// Options::job / Options::instance are set they are the target labels and an exposed
// job/instance label is renamed exported_job/exported_instance (honor_labels: false, the
// receiver's default) unless honor_labels is set; when they are empty, the input's own
// job/instance labels are the target labels (promscrape writes them that way).
//
// Memory: the data of pending points is held until commit(); metadata (TYPE/HELP/UNIT) is kept
// like Prometheus' metadata cache, but bounded: that of at least the last 4096 families set or
// used (a family reappearing after more others than that is treated as having none); targets
// and scopes (with the target_info / otel_scope_info attributes seen so far) are kept across
// commits for up to 1000 targets, beyond that forgotten at every commit.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "model/metric.h"

namespace opentelemetry::proto::collector::metrics::v1 {
class ExportMetricsServiceRequest;
}

namespace promotel::promreceiver {

inline constexpr std::string_view kDefaultScopeName =
    "github.com/open-telemetry/opentelemetry-collector-contrib/receiver/prometheusreceiver";
inline constexpr std::string_view kDefaultScopeVersion = "0.148.0";

struct Options {
  std::string job;             // target job; "" = from the input's job label
  std::string instance;        // target instance; "" = from the input's instance label
  bool honor_labels = false;   // with job/instance set: exposed labels win instead
  std::string scheme = "http"; // url.scheme
  model::TimestampMs scrape_time_ms = 0;  // T: timestamp of samples without one
  std::string scope_version = std::string(kDefaultScopeVersion);
  bool trim_metric_suffixes = false;
};

// What a scrape's synthetic series say (A13).
struct ScrapeReport {
  bool up = true;
  double duration_seconds = 0;
};

class Transaction {
 public:
  using Warn = std::function<void(const std::string&)>;

  explicit Transaction(Options options, Warn warn = {});
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Metadata of a family as written in its # TYPE / # HELP / # UNIT line.
  void set_type(std::string_view family, model::MetricType type);
  void set_help(std::string_view family, std::string_view help);
  void set_unit(std::string_view family, std::string_view unit);

  // Throws promotel::Error (without a position) for a series Prometheus would reject the whole
  // scrape for: duplicate label names.
  // sample.repeats_label_names is taken to mean "the names of the last append()'s sample": a
  // caller that leaves out some of a producer's samples clears it on the next one appended.
  void append(const model::Sample& sample);
  // The same, told that the sample's name is that of the last sample given to append() (the
  // name is then not compared again).
  void append(const model::Sample& sample, bool repeats_name);
  // A native histogram of the family named family_name (protobuf exposition only).
  void append_native_histogram(std::string_view family_name, const model::NativeHistogram& h);

  // Appends up, scrape_duration_seconds, scrape_samples_scraped,
  // scrape_samples_post_metric_relabeling and scrape_series_added for every target seen (or
  // for the configured one when nothing was seen), as Prometheus does after a scrape.
  void add_scrape_metrics(const ScrapeReport& report);

  // Drops what is pending of the family (sample names that normalise to `family`) and
  // ignores its further samples in this request (--keep-going after a bad line).
  void drop_family(std::string_view family);

  // Data points pending (an upper bound of what commit() will emit).
  size_t pending_points() const;
  // Metrics (families per resource and scope) pending.
  size_t pending_metrics() const;
  // Samples appended since construction (scrape_samples_scraped).
  size_t samples_seen() const;

  // Moves everything pending into *request (cleared first) and forgets it; metadata stays.
  // Returns the number of data points written.
  size_t commit(opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest* request);
  // The same, as the request's serialised bytes (byte-identical to commit()'s message
  // serialised), written directly without building the message.
  size_t commit_serialized(std::string* out);
  // The same, handed over without assembling the request: `size` gets its size, then `pieces`
  // its bytes as consecutive pieces, in one or more calls (valid during each call). Neither is
  // called when no data point is written (returns 0).
  size_t commit_serialized(const std::function<void(size_t)>& size,
                           const std::function<void(std::span<const std::string_view>)>& pieces);
  // The same as the request's OTLP/JSON (byte-identical to otlp::encode_json of commit()'s
  // message), written directly without building the message.
  size_t commit_json(std::string* out);
  // Forgets everything pending without building it (a failed scrape).
  void rollback();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace promotel::promreceiver

#pragma once

// Where promscrape's targets come from: URLs on the command line, a file_sd file, a
// Prometheus configuration (scrape_configs with static_configs / file_sd_configs and
// relabel_configs), or a Target Allocator's HTTP API. Each source yields jobs: targets plus
// the scrape settings they share.

#include <memory>
#include <string>
#include <vector>

#include "http/client.h"
#include "promconfig/config.h"
#include "scrape/scrape.h"
#include "scrape/target.h"

namespace promotel::scrape {

// What the command line says about targets that do not come with their own settings.
struct TargetDefaults {
  std::string job = "promscrape";
  std::string scheme = "http";
  std::string metrics_path = "/metrics";
  LabelSet labels;  // --label: added to every target's discovered labels
  Params params;    // --param: added to every target's query
};

struct Job {
  std::string name;
  ScrapeOptions options;  // per job (honor_labels, honor_timestamps, metric relabeling)
  double interval_seconds = 0;  // a config job's scrape_interval; 0: none of its own (URLs, file_sd)
  std::vector<Target> targets;
  std::vector<std::string> warnings;  // targets that were invalid (Prometheus skips them too)
};

// One job from URLs ("http(s)://host[:port]/path?query").
Job job_from_urls(const std::vector<std::string>& urls, const TargetDefaults& defaults, const ScrapeOptions& base);

// One job from a file_sd file (JSON or YAML list of {targets: [host:port...], labels: {...}}).
Job job_from_file_sd(const std::string& path, const TargetDefaults& defaults, const ScrapeOptions& base);

// The jobs of a Prometheus configuration file (all, or only job_name == only_job), each
// target through relabel_configs, and metric_relabel_configs applied to its samples.
std::vector<Job> jobs_from_config(const promconfig::Config& config, const std::string& only_job,
                                  const TargetDefaults& defaults, const ScrapeOptions& base);

// The jobs a Target Allocator assigns to collector_id: GET <url>/scrape_configs, GET
// <url>/jobs, then GET <url>/jobs/<job>/targets?collector_id=<id> for each job.
std::vector<Job> jobs_from_target_allocator(const std::string& url, const std::string& collector_id,
                                            const std::string& only_job, const http::ClientOptions& client,
                                            const TargetDefaults& defaults, const ScrapeOptions& base);

// A MetricRelabel running Prometheus' metric_relabel_configs on __name__ + labels.
MetricRelabel make_metric_relabel(std::vector<relabel::RelabelConfig> configs);

}  // namespace promotel::scrape

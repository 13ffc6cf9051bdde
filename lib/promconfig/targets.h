#pragma once

#include <optional>
#include <string>
#include <vector>

#include "promconfig/config.h"
#include "relabel/label_set.h"

namespace promotel::promconfig {

// What service discovery yields: labels shared by a group plus per-target labels (each
// with at least __address__).
struct TargetGroup {
  std::string source;  // e.g. "0" for the first static config, "<path>:<index>" for file_sd
  relabel::LabelSet labels;
  std::vector<relabel::LabelSet> targets;
};

// The groups of a job's static_configs and file_sd_configs (files are read now; relative
// paths resolve against base_dir; a glob in the last path element is expanded). Other SD
// mechanisms are not handled here. Throws promotel::Error on unreadable/bad files.
std::vector<TargetGroup> discover_static_and_files(const ScrapeConfig& config,
                                                   const std::string& base_dir);

// Reads one file_sd file (JSON or YAML: a list of {targets, labels}); every group gets
// __meta_filepath = path.
std::vector<TargetGroup> read_file_sd(const std::string& path);
std::vector<TargetGroup> parse_file_sd(std::string_view text, const std::string& path);

// Group labels merged with one target's labels (the target wins on a name clash), sorted.
relabel::LabelSet merge_labels(const relabel::LabelSet& group, const relabel::LabelSet& target);

// Prometheus' scrape target label processing (PopulateLabels): seeds job, __scrape_interval__,
// __scrape_timeout__, __metrics_path__, __scheme__ and __param_<k> when absent, runs
// relabel_configs, checks address/interval/timeout, removes __meta_* labels and defaults
// instance to __address__.
struct PopulatedTarget {
  bool dropped = false;           // a relabel rule dropped it (not an error)
  std::string error;              // non-empty: the target is invalid (e.g. "no address")
  relabel::LabelSet labels;       // valid when !dropped && error.empty()
};
PopulatedTarget populate_labels(const ScrapeConfig& config, const relabel::LabelSet& discovered);

// The two halves of populate_labels, for callers that run extra rules in between:
// the seeds (set only when absent) ...
void seed_scrape_labels(const ScrapeConfig& config, relabel::LabelBuilder& labels);
// ... and, after relabeling kept the target, the checks and the final label set.
PopulatedTarget finish_scrape_labels(relabel::LabelBuilder& labels);

// The scrape URL of populated labels: <__scheme__>://<__address__><__metrics_path__>?<params>,
// where params are the config's params overridden by __param_<k> labels.
std::string target_url(const ScrapeConfig& config, const relabel::LabelSet& labels);

// Go's url.QueryEscape.
std::string query_escape(std::string_view s);

// Go's url.QueryUnescape ("%2F" -> "/", "+" -> " "); nullopt where Go reports an invalid escape.
std::optional<std::string> query_unescape(std::string_view s);

}  // namespace promotel::promconfig

#pragma once

// A scrape target the way Prometheus sees one: a label set whose reserved labels
// (__address__, __scheme__, __metrics_path__, __param_<name>) say where to scrape, and whose
// other labels (job, instance, ...) are attached to every scraped sample.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace promotel::scrape {

struct OwnedLabel {
  std::string name;
  std::string value;
  friend bool operator==(const OwnedLabel&, const OwnedLabel&) = default;
};

// A label set as discovery/relabeling sees it: names unique, kept sorted by name.
class LabelSet {
 public:
  LabelSet() = default;
  LabelSet(std::initializer_list<OwnedLabel> labels);

  // "" when absent (Prometheus treats an empty value as absent).
  const std::string& get(std::string_view name) const;
  bool has(std::string_view name) const;
  // Sets (replaces) a label; an empty value removes it.
  void set(std::string_view name, std::string_view value);
  void remove(std::string_view name);

  const std::vector<OwnedLabel>& labels() const { return labels_; }
  friend bool operator==(const LabelSet&, const LabelSet&) = default;

 private:
  std::vector<OwnedLabel> labels_;
};

// Query parameters to send, by name, each with all its values (node_exporter's collect[] is
// commonly repeated); sorted by name.
using Params = std::vector<std::pair<std::string, std::vector<std::string>>>;

struct Target {
  std::string url;            // what to GET: scheme://address/path?params
  LabelSet labels;            // attached to samples: job, instance, ...; no "__" labels
  LabelSet discovered;        // the label set before the "__" labels were dropped (for messages)
  std::string job() const { return labels.get("job"); }
  std::string instance() const { return labels.get("instance"); }
};

// The discovery label set of a URL given on the command line: __address__ (host[:port], as
// written), __scheme__, __metrics_path__ and one __param_<name> per query parameter, plus job.
// The query parameters also go to params (all values; the label holds the first).
// Throws promotel::Error for a URL that is not http(s)://host[:port][/path][?query].
LabelSet labels_from_url(std::string_view url, std::string_view job, Params& params);

// Prometheus' last step of target creation (scrape/target.go PopulateLabels): fills in
// defaults for a label set that has at least __address__ (scheme http, path /metrics,
// instance = __address__), builds the URL, and drops every label starting with "__".
// The query is params with each __param_<name> label replacing the first value of <name>.
// Throws promotel::Error when __address__ is missing or invalid.
Target target_from_labels(const LabelSet& discovered, const Params& params = {});

}  // namespace promotel::scrape

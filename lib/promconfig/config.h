#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/error.h"
#include "relabel/label_set.h"
#include "relabel/relabel.h"

namespace promotel::promconfig {

struct StaticConfig {
  std::vector<std::string> targets;
  relabel::LabelSet labels;
  SourcePosition position;
};

struct FileSdConfig {
  std::vector<std::string> files;  // as written (globs allowed in the last path element)
  int64_t refresh_interval_ms = 5 * 60 * 1000;
  SourcePosition position;
};

// The parts of kubernetes_sd_configs that decide which objects are discovered.
struct KubernetesSdConfig {
  std::string role;                     // endpointslice, endpoints, pod, service, node, ingress
  std::vector<std::string> namespaces;  // empty = all
  bool own_namespace = false;
  struct Selector {
    std::string role, label, field;
  };
  std::vector<Selector> selectors;
  SourcePosition position;
};

struct ScrapeConfig {
  std::string job_name;
  int64_t scrape_interval_ms = 0;  // filled from global when absent
  int64_t scrape_timeout_ms = 0;
  std::string metrics_path = "/metrics";
  std::string scheme = "http";
  std::map<std::string, std::vector<std::string>> params;
  bool honor_labels = false;
  bool honor_timestamps = true;
  std::vector<StaticConfig> static_configs;
  std::vector<FileSdConfig> file_sd_configs;
  std::vector<KubernetesSdConfig> kubernetes_sd_configs;
  std::vector<relabel::RelabelConfig> relabel_configs;
  std::vector<relabel::RelabelConfig> metric_relabel_configs;
  std::vector<SourcePosition> relabel_positions;  // one per relabel_configs entry
  YAML::Node source;        // the YAML as written (other fields: auth, TLS, limits, ...)
  SourcePosition position;  // of the job_name key's mapping
};

struct GlobalConfig {
  int64_t scrape_interval_ms = 60 * 1000;
  int64_t scrape_timeout_ms = 10 * 1000;
  relabel::LabelSet external_labels;
};

struct Config {
  GlobalConfig global;
  std::vector<ScrapeConfig> scrape_configs;
  std::string file;      // where it came from ("<stdin>", a path)
  std::string base_dir;  // relative file_sd paths resolve against this
};

// Parses a Prometheus configuration (global + scrape_configs; other sections are accepted and
// ignored) from a YAML node, applying Prometheus' defaults and checks. Throws promotel::Error
// with "file:line:col: message".
Config parse_config(const YAML::Node& root, const std::string& file,
                    const std::string& base_dir = ".");
Config parse_config_text(std::string_view text, const std::string& file = "<input>",
                         const std::string& base_dir = ".");
// Reads and parses a file ("-" = stdin).
Config load_config(const std::string& path);

// Parses one scrape config (global supplies the defaults); exposed for generated configs.
ScrapeConfig parse_scrape_config(const YAML::Node& node, const GlobalConfig& global,
                                 const std::string& file);
// Parses a relabel_configs list.
std::vector<relabel::RelabelConfig> parse_relabel_configs(const YAML::Node& node,
                                                          const std::string& file,
                                                          std::vector<SourcePosition>* positions = nullptr);

// "file:line:col" of a YAML node (1-based).
SourcePosition position_of(const YAML::Node& node, const std::string& file);

// Parses YAML text, turning yaml-cpp's parse errors into promotel::Error with the position.
YAML::Node parse_yaml(std::string_view text, const std::string& file);
std::vector<YAML::Node> parse_yaml_documents(std::string_view text, const std::string& file);

}  // namespace promotel::promconfig

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

// A scrape config's HTTP client settings (Prometheus' common HTTPClientConfig), for a scraper
// that performs the requests. Files are resolved against the config's directory but read later.
struct HttpClientConfig {
  bool has_auth = false;  // basic_auth, authorization or bearer_token(_file) was set
  std::string basic_username;
  std::string basic_password;
  std::string basic_password_file;
  std::string authorization_type;  // "Bearer" unless set
  std::string credentials;
  std::string credentials_file;
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string server_name;
  bool insecure_skip_verify = false;
};

// Reads basic_auth, authorization, bearer_token(_file) and tls_config of a scrape config,
// with Prometheus' checks (at most one kind of auth, password or password_file, ...).
// Throws promotel::Error at the offending key for settings it cannot honour (oauth2, inline
// certificates), so nothing is silently scraped without the credentials the job asks for.
HttpClientConfig parse_http_client_config(const ScrapeConfig& config, const std::string& base_dir);

// A file named in the configuration: relative paths are relative to base_dir (the config
// file's directory), as in Prometheus.
std::string resolve_path(const std::string& base_dir, const std::string& path);

// Parses one scrape config (global supplies the defaults); exposed for generated configs.
ScrapeConfig parse_scrape_config(const YAML::Node& node, const GlobalConfig& global,
                                 const std::string& file);
// Parses a relabel_configs list.
std::vector<relabel::RelabelConfig> parse_relabel_configs(const YAML::Node& node,
                                                          const std::string& file,
                                                          std::vector<SourcePosition>* positions = nullptr);

// Runs f, turning yaml-cpp exceptions (wrong node types deep in a document) into
// promotel::Error with file:line:col.
template <class F>
auto with_yaml_positions(const std::string& file, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const YAML::Exception& e) {
    throw Error(SourcePosition{file, static_cast<size_t>(e.mark.line + 1), static_cast<size_t>(e.mark.column + 1)},
                e.msg);
  }
}

// "file:line:col" of a YAML node (1-based).
SourcePosition position_of(const YAML::Node& node, const std::string& file);

// Parses YAML text, turning yaml-cpp's parse errors into promotel::Error with the position.
YAML::Node parse_yaml(std::string_view text, const std::string& file);
std::vector<YAML::Node> parse_yaml_documents(std::string_view text, const std::string& file);

}  // namespace promotel::promconfig

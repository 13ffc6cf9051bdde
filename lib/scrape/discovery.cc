#include "scrape/discovery.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/input.h"
#include "http/client.h"
#include "promconfig/targets.h"
#include "relabel/relabel.h"

namespace promotel::scrape {
namespace {

LabelSet to_label_set(const relabel::LabelSet& labels) {
  LabelSet out;
  for (const auto& l : labels) out.set(l.name, l.value);
  return out;
}

// A scrape config standing for the command line's settings (file_sd targets and defaults).
promconfig::ScrapeConfig config_from_defaults(const TargetDefaults& defaults) {
  promconfig::ScrapeConfig config;
  config.job_name = defaults.job;
  config.scheme = defaults.scheme;
  config.metrics_path = defaults.metrics_path;
  config.scrape_interval_ms = 60000;
  config.scrape_timeout_ms = 10000;
  for (const auto& [name, values] : defaults.params) config.params[name] = values;
  return config;
}

Params params_of(const promconfig::ScrapeConfig& config) {
  Params params;
  for (const auto& [name, values] : config.params) params.emplace_back(name, values);
  return params;
}

// Adds the targets of discovered groups to a job, as Prometheus' scrape pool does.
void add_groups(Job& job, const promconfig::ScrapeConfig& config, const std::vector<promconfig::TargetGroup>& groups,
                const TargetDefaults& defaults) {
  Params params = params_of(config);
  for (const auto& group : groups) {
    for (const auto& target_labels : group.targets) {
      relabel::LabelSet discovered = promconfig::merge_labels(group.labels, target_labels);
      for (const auto& l : defaults.labels.labels()) {
        if (!relabel::find_label(discovered, l.name)) discovered = promconfig::merge_labels(discovered, {{l.name, l.value}});
      }
      promconfig::PopulatedTarget populated = promconfig::populate_labels(config, discovered);
      if (populated.dropped) continue;
      if (!populated.error.empty()) {
        job.warnings.push_back("job " + config.job_name + ": target " + relabel::to_string(discovered) + ": " +
                               populated.error);
        continue;
      }
      try {
        Target target = target_from_labels(to_label_set(populated.labels), params);
        target.url = promconfig::target_url(config, populated.labels);
        job.targets.push_back(std::move(target));
      } catch (const Error& e) {
        job.warnings.push_back("job " + config.job_name + ": " + e.what());
      }
    }
  }
}

Job job_for_config(const promconfig::ScrapeConfig& config, const ScrapeOptions& base) {
  Job job;
  job.name = config.job_name;
  job.interval_seconds = config.scrape_interval_ms / 1000.0;
  job.options = base;
  job.options.honor_labels = config.honor_labels;
  job.options.honor_timestamps = config.honor_timestamps;
  if (!config.metric_relabel_configs.empty()) job.options.metric_relabel = make_metric_relabel(config.metric_relabel_configs);
  if (config.source && config.source["scrape_protocols"]) {
    std::string list;
    for (const auto& p : config.source["scrape_protocols"]) list += (list.empty() ? "" : ",") + p.as<std::string>();
    job.options.protocols = protocols_from_string(list);
  }
  return job;
}

// A config job's HTTP settings: its scrape_timeout, and its auth and TLS where it sets them,
// over the command line's (which stay the defaults).
std::shared_ptr<const http::ClientOptions> client_for_config(const promconfig::ScrapeConfig& config,
                                                             const std::string& base_dir,
                                                             const http::ClientOptions& command_line) {
  promconfig::HttpClientConfig job = promconfig::parse_http_client_config(config, base_dir);
  auto client = std::make_shared<http::ClientOptions>(command_line);
  if (config.scrape_timeout_ms > 0) client->timeout_seconds = config.scrape_timeout_ms / 1000.0;
  if (job.has_auth) {
    client->bearer_token.clear();
    client->bearer_token_file.clear();
    client->basic_auth.clear();
    client->basic_auth_password_file.clear();
    std::erase_if(client->headers, [](const std::string& h) { return http::header_is(h, "Authorization"); });
    if (job.authorization_type.empty()) {
      client->basic_auth = job.basic_username + (job.basic_password_file.empty() ? ":" + job.basic_password : "");
      client->basic_auth_password_file = job.basic_password_file;
    } else if (job.authorization_type == "Bearer") {
      client->bearer_token = job.credentials;
      client->bearer_token_file = job.credentials_file;
    } else {
      std::string credentials = job.credentials;
      if (!job.credentials_file.empty()) {
        credentials = read_secret_file(job.credentials_file);
      }
      client->headers.push_back("Authorization: " + job.authorization_type + " " + credentials);
    }
  }
  if (!job.ca_file.empty()) client->ca_file = job.ca_file;
  if (!job.cert_file.empty()) client->cert_file = job.cert_file;
  if (!job.key_file.empty()) client->key_file = job.key_file;
  if (!job.server_name.empty()) client->server_name = job.server_name;
  if (job.insecure_skip_verify) client->insecure = true;
  return client;
}

nlohmann::json get_json(const std::string& url, const http::ClientOptions& client) {
  http::Request request;
  request.url = url;
  request.headers.push_back("Accept: application/json");
  http::Response response = http::perform(request, client);
  if (!response.error.empty()) throw Error("target allocator " + url + ": " + response.error);
  if (!response.ok()) throw Error("target allocator " + url + ": HTTP status " + std::to_string(response.status));
  try {
    return nlohmann::json::parse(response.body);
  } catch (const nlohmann::json::exception& e) {
    throw Error("target allocator " + url + ": invalid JSON: " + e.what());
  }
}

}  // namespace

Job job_from_urls(const std::vector<std::string>& urls, const TargetDefaults& defaults, const ScrapeOptions& base) {
  Job job;
  job.name = defaults.job;
  job.options = base;
  for (const auto& url : urls) {
    Params params;
    LabelSet labels = labels_from_url(url, defaults.job, params);
    for (const auto& [name, values] : defaults.params) {
      for (const auto& v : values) {
        auto it = std::find_if(params.begin(), params.end(), [&name = name](const auto& p) { return p.first == name; });
        if (it == params.end()) {
          params.emplace_back(name, std::vector<std::string>{v});
          labels.set("__param_" + name, v);
        } else {
          it->second.push_back(v);
        }
      }
    }
    std::sort(params.begin(), params.end());
    for (const auto& l : defaults.labels.labels()) labels.set(l.name, l.value);
    job.targets.push_back(target_from_labels(labels, params));
  }
  return job;
}

Job job_from_file_sd(const std::string& path, const TargetDefaults& defaults, const ScrapeOptions& base) {
  promconfig::ScrapeConfig config = config_from_defaults(defaults);
  Job job;
  job.name = defaults.job;
  job.options = base;
  add_groups(job, config, promconfig::read_file_sd(path), defaults);
  return job;
}

std::vector<Job> jobs_from_config(const promconfig::Config& config, const std::string& only_job,
                                  const TargetDefaults& defaults, const ScrapeOptions& base) {
  std::vector<Job> jobs;
  for (const auto& scrape_config : config.scrape_configs) {
    if (!only_job.empty() && scrape_config.job_name != only_job) continue;
    Job job = job_for_config(scrape_config, base);
    job.options.client = client_for_config(scrape_config, config.base_dir, base.client ? *base.client : http::ClientOptions{});
    add_groups(job, scrape_config, promconfig::discover_static_and_files(scrape_config, config.base_dir), defaults);
    jobs.push_back(std::move(job));
  }
  if (!only_job.empty() && jobs.empty()) throw Error("no scrape config with job_name \"" + only_job + "\" in " + config.file);
  return jobs;
}

std::vector<Job> jobs_from_target_allocator(const std::string& url, const std::string& collector_id,
                                            const std::string& only_job, const http::ClientOptions& client,
                                            const TargetDefaults& defaults, const ScrapeOptions& base) {
  std::string root = url;
  while (!root.empty() && root.back() == '/') root.pop_back();
  nlohmann::json configs = get_json(root + "/scrape_configs", client);
  nlohmann::json job_links = get_json(root + "/jobs", client);
  if (!job_links.is_object()) throw Error("target allocator " + root + "/jobs: want a JSON object");

  std::vector<Job> jobs;
  for (const auto& [job_name, link] : job_links.items()) {
    if (!only_job.empty() && job_name != only_job) continue;
    promconfig::ScrapeConfig scrape_config;
    if (configs.is_object() && configs.contains(job_name)) {
      // JSON is YAML: the TA re-encodes the Prometheus config model with the same keys.
      promconfig::GlobalConfig global;
      YAML::Node node = promconfig::parse_yaml(configs[job_name].dump(), root + "/scrape_configs");
      scrape_config = promconfig::parse_scrape_config(node, global, root + "/scrape_configs#" + job_name);
    } else {
      scrape_config = config_from_defaults(defaults);
      scrape_config.job_name = job_name;
    }
    Job job = job_for_config(scrape_config, base);
    nlohmann::json items = get_json(root + "/jobs/" + promconfig::query_escape(job_name) + "/targets?collector_id=" +
                                        promconfig::query_escape(collector_id),
                                    client);
    if (!items.is_array()) throw Error("target allocator: targets of job " + job_name + ": want a JSON array");
    std::vector<promconfig::TargetGroup> groups;
    for (const auto& item : items) {
      promconfig::TargetGroup group;
      group.source = root;
      if (item.contains("labels") && item["labels"].is_object()) {
        std::vector<relabel::LabelPair> pairs;
        for (const auto& [name, value] : item["labels"].items()) {
          if (value.is_string()) pairs.push_back({name, value.get<std::string>()});
        }
        group.labels = relabel::make_label_set(std::move(pairs));
      }
      if (item.contains("targets") && item["targets"].is_array()) {
        for (const auto& address : item["targets"]) {
          if (address.is_string()) group.targets.push_back({{"__address__", address.get<std::string>()}});
        }
      }
      groups.push_back(std::move(group));
    }
    // The TA hands out discovered labels; like the Collector, we run relabel_configs.
    add_groups(job, scrape_config, groups, defaults);
    jobs.push_back(std::move(job));
  }
  return jobs;
}

MetricRelabel make_metric_relabel(std::vector<relabel::RelabelConfig> configs) {
  struct State {
    std::vector<relabel::RelabelConfig> configs;
    relabel::LabelSet result;
    relabel::LabelBuilder builder;
  };
  auto state = std::make_shared<State>();
  state->configs = std::move(configs);
  return [state](std::string_view& name, model::Labels labels, std::vector<model::Label>& out) {
    relabel::LabelSet base;
    base.reserve(labels.size() + 1);
    base.push_back({"__name__", std::string(name)});
    for (const auto& l : labels) base.push_back({std::string(l.name), std::string(l.value)});
    state->builder.reset(relabel::make_label_set(std::move(base)));
    if (!relabel::process(state->configs, state->builder)) return false;
    state->result = state->builder.labels();
    out.clear();
    name = {};
    for (const auto& l : state->result) {
      if (l.name == "__name__") {
        name = l.value;
      } else if (l.name.rfind("__", 0) != 0) {
        out.push_back({l.name, l.value});
      }
    }
    return !name.empty();
  };
}

}  // namespace promotel::scrape

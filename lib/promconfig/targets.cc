#include "promconfig/targets.h"

#include <glob.h>

#include <algorithm>
#include <map>

#include "common/error.h"
#include "common/input.h"
#include "promconfig/duration.h"
#include "relabel/relabel.h"

namespace promotel::promconfig {

namespace {

std::vector<std::string> expand_glob(const std::string& pattern) {
  std::vector<std::string> out;
  if (pattern.find_first_of("*?[") == std::string::npos) {
    out.push_back(pattern);
    return out;
  }
  glob_t g{};
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0)
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  ::globfree(&g);
  return out;
}

}  // namespace

std::vector<TargetGroup> parse_file_sd(std::string_view text, const std::string& path) {
  YAML::Node root = parse_yaml(text, path);
  std::vector<TargetGroup> groups;
  if (!root.IsDefined() || root.IsNull()) return groups;
  if (!root.IsSequence()) throw Error(position_of(root, path), "file_sd content must be a list of target groups");
  size_t index = 0;
  for (const auto& g : root) {
    if (!g.IsMap()) throw Error(position_of(g, path), "a target group must be a mapping");
    TargetGroup group;
    group.source = path + ":" + std::to_string(index++);
    std::vector<relabel::LabelPair> labels;
    for (auto it = g.begin(); it != g.end(); ++it) {
      const std::string k = it->first.Scalar();
      const YAML::Node value = it->second;
      if (k == "labels") {
        if (value.IsNull()) continue;
        if (!value.IsMap()) throw Error(position_of(value, path), "labels must be a mapping");
        for (auto l = value.begin(); l != value.end(); ++l) {
          if (!l->second.IsScalar() && !l->second.IsNull())
            throw Error(position_of(l->second, path), "a label value must be a string");
          const std::string& name = l->first.Scalar();
          if (name.empty()) throw Error(position_of(l->first, path), "invalid label name \"\"");
          labels.push_back({name, l->second.IsNull() ? "" : l->second.Scalar()});
        }
      } else if (k == "targets") {
        if (value.IsNull()) continue;
        if (!value.IsSequence()) throw Error(position_of(value, path), "targets must be a list");
        for (const auto& t : value) {
          if (!t.IsScalar()) throw Error(position_of(t, path), "a target must be a string");
          group.targets.push_back({{"__address__", t.Scalar()}});
        }
      } else {
        throw Error(position_of(it->first, path), "unknown field \"" + k + "\" in target group");
      }
    }
    labels.push_back({"__meta_filepath", path});
    group.labels = relabel::make_label_set(std::move(labels));
    groups.push_back(std::move(group));
  }
  return groups;
}

std::vector<TargetGroup> read_file_sd(const std::string& path) {
  return parse_file_sd(read_file(path), path);
}

std::vector<TargetGroup> discover_static_and_files(const ScrapeConfig& config,
                                                   const std::string& base_dir) {
  std::vector<TargetGroup> groups;
  size_t index = 0;
  for (const auto& sc : config.static_configs) {
    TargetGroup g;
    g.source = std::to_string(index++);
    g.labels = sc.labels;
    for (const auto& t : sc.targets) g.targets.push_back({{"__address__", t}});
    groups.push_back(std::move(g));
  }
  for (const auto& fsd : config.file_sd_configs) {
    for (const auto& pattern : fsd.files) {
      for (const auto& file : expand_glob(resolve_path(base_dir, pattern))) {
        auto more = read_file_sd(file);
        std::move(more.begin(), more.end(), std::back_inserter(groups));
      }
    }
  }
  return groups;
}

relabel::LabelSet merge_labels(const relabel::LabelSet& group, const relabel::LabelSet& target) {
  relabel::LabelSet out;
  out.reserve(group.size() + target.size());
  auto g = group.begin();
  auto t = target.begin();
  while (g != group.end() || t != target.end()) {
    if (t == target.end() || (g != group.end() && g->name < t->name)) {
      out.push_back(*g++);
    } else if (g == group.end() || t->name < g->name) {
      out.push_back(*t++);
    } else {
      out.push_back(*t++);
      ++g;
    }
  }
  return out;
}

void seed_scrape_labels(const ScrapeConfig& config, relabel::LabelBuilder& lb) {
  auto seed = [&](const std::string& name, const std::string& value) {
    if (lb.get(name).empty()) lb.set(name, value);
  };
  seed("job", config.job_name);
  seed("__scrape_interval__", format_duration(config.scrape_interval_ms));
  seed("__scrape_timeout__", format_duration(config.scrape_timeout_ms));
  seed("__metrics_path__", config.metrics_path);
  seed("__scheme__", config.scheme);
  for (const auto& [k, v] : config.params)
    if (!v.empty()) seed("__param_" + k, v[0]);
}

PopulatedTarget finish_scrape_labels(relabel::LabelBuilder& lb) {
  PopulatedTarget result;
  std::string addr(lb.get("__address__"));
  if (addr.empty()) {
    result.error = "no address";
    return result;
  }
  if (addr.find('/') != std::string::npos) {
    result.error = "\"" + addr + "\" is not a valid hostname";
    return result;
  }
  std::string interval(lb.get("__scrape_interval__"));
  std::string timeout(lb.get("__scrape_timeout__"));
  auto iv = parse_duration(interval);
  if (!iv) {
    result.error = "error parsing scrape interval: not a valid duration string: \"" + interval + "\"";
    return result;
  }
  if (*iv == 0) {
    result.error = "scrape interval cannot be 0";
    return result;
  }
  auto to = parse_duration(timeout);
  if (!to) {
    result.error = "error parsing scrape timeout: not a valid duration string: \"" + timeout + "\"";
    return result;
  }
  if (*to == 0) {
    result.error = "scrape timeout cannot be 0";
    return result;
  }
  if (*to > *iv) {
    result.error = "scrape timeout cannot be greater than scrape interval (\"" + timeout +
                   "\" > \"" + interval + "\")";
    return result;
  }
  for (const auto& l : lb.snapshot())
    if (l.name.starts_with("__meta_")) lb.del(l.name);
  if (lb.get("instance").empty()) lb.set("instance", addr);
  result.labels = lb.labels();
  return result;
}

PopulatedTarget populate_labels(const ScrapeConfig& config, const relabel::LabelSet& discovered) {
  relabel::LabelBuilder lb(discovered);
  seed_scrape_labels(config, lb);
  if (!relabel::process(config.relabel_configs, lb)) {
    PopulatedTarget dropped;
    dropped.dropped = true;
    return dropped;
  }
  return finish_scrape_labels(lb);
}

std::string query_escape(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::optional<std::string> query_unescape(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size() || hex(s[i + 1]) < 0 || hex(s[i + 2]) < 0) return std::nullopt;
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string target_url(const ScrapeConfig& config, const relabel::LabelSet& labels) {
  std::map<std::string, std::vector<std::string>> params = config.params;
  for (const auto& l : labels) {
    if (!l.name.starts_with("__param_")) continue;
    auto& values = params[l.name.substr(8)];
    if (values.empty())
      values.push_back(l.value);
    else
      values[0] = l.value;
  }
  auto get = [&](const char* name) -> std::string {
    const std::string* v = relabel::find_label(labels, name);
    return v ? *v : "";
  };
  std::string url = get("__scheme__") + "://" + get("__address__") + get("__metrics_path__");
  char sep = '?';
  for (const auto& [k, values] : params) {
    for (const auto& v : values) {
      url += sep;
      url += query_escape(k) + "=" + query_escape(v);
      sep = '&';
    }
  }
  return url;
}

}  // namespace promotel::promconfig

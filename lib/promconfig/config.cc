#include "promconfig/config.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include "common/input.h"
#include "promconfig/duration.h"

namespace promotel::promconfig {

namespace {

[[noreturn]] void fail(const YAML::Node& node, const std::string& file, const std::string& what) {
  throw Error(position_of(node, file), what);
}

std::string scalar(const YAML::Node& node, const std::string& file, std::string_view what) {
  if (!node.IsScalar()) fail(node, file, std::string(what) + " must be a string");
  return node.Scalar();
}

// The value of an optional key inside a mapping (a null node when absent).
YAML::Node child(const YAML::Node& map, std::string_view key) {
  for (auto it = map.begin(); it != map.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  return YAML::Node(YAML::NodeType::Undefined);
}

void require_map(const YAML::Node& node, const std::string& file, std::string_view what) {
  if (!node.IsMap()) fail(node, file, std::string(what) + " must be a mapping");
}

void require_seq(const YAML::Node& node, const std::string& file, std::string_view what) {
  if (!node.IsSequence()) fail(node, file, std::string(what) + " must be a list");
}

void check_keys(const YAML::Node& map, const std::string& file, std::string_view type,
                const std::set<std::string_view>& known) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string& k = it->first.Scalar();
    if (!known.contains(k))
      fail(it->first, file, "field " + k + " not found in type " + std::string(type));
  }
}

int64_t duration_of(const YAML::Node& node, const std::string& file) {
  std::string text = scalar(node, file, "a duration");
  auto d = parse_duration(text);
  if (!d) fail(node, file, "not a valid duration string: \"" + text + "\"");
  return *d;
}

bool bool_of(const YAML::Node& node, const std::string& file) {
  std::string text = scalar(node, file, "a boolean");
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  fail(node, file, "cannot unmarshal \"" + text + "\" into a boolean");
}

std::vector<std::string> strings_of(const YAML::Node& node, const std::string& file,
                                    std::string_view what) {
  std::vector<std::string> out;
  if (!node.IsDefined() || node.IsNull()) return out;
  require_seq(node, file, what);
  for (const auto& item : node) out.push_back(scalar(item, file, "each entry of " + std::string(what)));
  return out;
}

relabel::LabelSet labels_of(const YAML::Node& node, const std::string& file) {
  std::vector<relabel::LabelPair> pairs;
  if (!node.IsDefined() || node.IsNull()) return {};
  require_map(node, file, "labels");
  for (auto it = node.begin(); it != node.end(); ++it)
    pairs.push_back({scalar(it->first, file, "a label name"),
                     it->second.IsNull() ? "" : scalar(it->second, file, "a label value")});
  return relabel::make_label_set(std::move(pairs));
}

relabel::RelabelConfig relabel_of(const YAML::Node& node, const std::string& file) {
  require_map(node, file, "a relabel config");
  check_keys(node, file, "relabel.plain",
             {"source_labels", "separator", "regex", "modulus", "target_label", "replacement",
              "action"});
  relabel::RelabelConfig c;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string& k = it->first.Scalar();
    const YAML::Node v = it->second;  // a copy: it->second lives in a temporary proxy
    if (k == "source_labels") {
      c.source_labels = strings_of(v, file, "source_labels");
      c.source_labels_set = !v.IsNull();
    } else if (k == "separator") {
      c.separator = v.IsNull() ? "" : scalar(v, file, "separator");
    } else if (k == "regex") {
      try {
        c.regex = relabel::Regex(v.IsNull() ? "" : scalar(v, file, "regex"));
      } catch (const Error& e) {
        fail(v, file, e.what());
      }
      c.regex_set = true;
    } else if (k == "modulus") {
      std::string text = scalar(v, file, "modulus");
      if (text.empty() || !std::all_of(text.begin(), text.end(), ::isdigit))
        fail(v, file, "modulus must be a non-negative integer, got \"" + text + "\"");
      c.modulus = std::stoull(text);
    } else if (k == "target_label") {
      c.target_label = v.IsNull() ? "" : scalar(v, file, "target_label");
    } else if (k == "replacement") {
      c.replacement = v.IsNull() ? "" : scalar(v, file, "replacement");
    } else if (k == "action") {
      std::string text = scalar(v, file, "action");
      if (text.empty()) fail(v, file, "relabel action cannot be empty");
      auto a = relabel::parse_action(text);
      if (!a) fail(v, file, "unknown relabel action \"" + text + "\"");
      c.action = *a;
    }
  }
  if (std::string problem = relabel::validate(c); !problem.empty()) fail(node, file, problem);
  return c;
}

StaticConfig static_config_of(const YAML::Node& node, const std::string& file) {
  require_map(node, file, "a static config");
  check_keys(node, file, "targetgroup.Group", {"targets", "labels"});
  StaticConfig sc;
  sc.position = position_of(node, file);
  sc.targets = strings_of(child(node, "targets"), file, "targets");
  sc.labels = labels_of(child(node, "labels"), file);
  return sc;
}

FileSdConfig file_sd_of(const YAML::Node& node, const std::string& file) {
  require_map(node, file, "a file_sd config");
  check_keys(node, file, "file.SDConfig", {"files", "refresh_interval"});
  FileSdConfig f;
  f.position = position_of(node, file);
  f.files = strings_of(child(node, "files"), file, "files");
  if (auto r = child(node, "refresh_interval"); r.IsDefined() && !r.IsNull())
    f.refresh_interval_ms = duration_of(r, file);
  for (size_t i = 0; i < f.files.size(); ++i) {
    const std::string& p = f.files[i];
    auto slash = p.rfind('/');
    std::string dir = slash == std::string::npos ? "" : p.substr(0, slash);
    if (dir.find_first_of("*?[") != std::string::npos)
      fail(child(node, "files")[i], file,
           "path name \"" + p + "\" is not valid for file discovery (only the last path element may hold a pattern)");
    std::string_view ext = p;
    if (!(ext.ends_with(".json") || ext.ends_with(".yml") || ext.ends_with(".yaml")))
      fail(child(node, "files")[i], file,
           "invalid file extension in \"" + p + "\": file SD files must end in .json, .yml or .yaml");
  }
  return f;
}

KubernetesSdConfig kubernetes_sd_of(const YAML::Node& node, const std::string& file) {
  require_map(node, file, "a kubernetes_sd config");
  KubernetesSdConfig k;
  k.position = position_of(node, file);
  auto role = child(node, "role");
  if (!role.IsDefined()) fail(node, file, "role missing (one of: pod, service, endpoints, endpointslice, node, ingress)");
  k.role = scalar(role, file, "role");
  static const std::set<std::string> roles = {"pod", "service", "endpoints", "endpointslice",
                                              "node", "ingress"};
  if (!roles.contains(k.role)) fail(role, file, "unknown Kubernetes SD role \"" + k.role + "\"");
  if (auto ns = child(node, "namespaces"); ns.IsDefined() && !ns.IsNull()) {
    require_map(ns, file, "namespaces");
    k.namespaces = strings_of(child(ns, "names"), file, "names");
    if (auto own = child(ns, "own_namespace"); own.IsDefined()) k.own_namespace = bool_of(own, file);
  }
  if (auto sel = child(node, "selectors"); sel.IsDefined() && !sel.IsNull()) {
    require_seq(sel, file, "selectors");
    for (const auto& s : sel) {
      KubernetesSdConfig::Selector out;
      if (auto r = child(s, "role"); r.IsDefined()) out.role = scalar(r, file, "role");
      if (auto l = child(s, "label"); l.IsDefined()) out.label = scalar(l, file, "label");
      if (auto f = child(s, "field"); f.IsDefined()) out.field = scalar(f, file, "field");
      // As Prometheus: each role once, and only the roles whose objects this role watches.
      static const std::map<std::string, std::vector<std::string>> allowed = {
          {"pod", {"pod"}},
          {"service", {"service"}},
          {"endpointslice", {"pod", "service", "endpointslice"}},
          {"endpoints", {"pod", "service", "endpoints"}},
          {"node", {"node"}},
          {"ingress", {"ingress"}}};
      for (const auto& before : k.selectors)
        if (before.role == out.role) fail(s, file, "duplicated selector role: " + out.role);
      const auto& roles = allowed.at(k.role);
      if (std::find(roles.begin(), roles.end(), out.role) == roles.end()) {
        std::string list;
        for (const auto& r : roles) list += (list.empty() ? "" : ", ") + r;
        fail(s, file, k.role + " role supports only " + list + " selectors");
      }
      k.selectors.push_back(std::move(out));
    }
  }
  return k;
}

const std::set<std::string_view> kScrapeKeys = {
    "job_name", "honor_labels", "honor_timestamps", "track_timestamps_staleness",
    "scrape_interval", "scrape_timeout", "scrape_protocols", "fallback_scrape_protocol",
    "scrape_classic_histograms", "always_scrape_classic_histograms",
    "convert_classic_histograms_to_nhcb", "scrape_native_histograms", "metrics_path", "scheme",
    "params", "enable_compression", "enable_http2", "follow_redirects", "proxy_url", "no_proxy",
    "proxy_from_environment", "proxy_connect_header", "basic_auth", "authorization", "oauth2",
    "bearer_token", "bearer_token_file", "tls_config", "sample_limit", "target_limit",
    "label_limit", "label_name_length_limit", "label_value_length_limit",
    "native_histogram_bucket_limit", "native_histogram_min_bucket_factor",
    "keep_dropped_targets", "metric_name_validation_scheme", "metric_name_escaping_scheme",
    "body_size_limit", "relabel_configs", "metric_relabel_configs", "static_configs",
    "http_headers", "scrape_failure_log_file", "extra_scrape_metrics", "scrape_class"};

}  // namespace

SourcePosition position_of(const YAML::Node& node, const std::string& file) {
  SourcePosition p{file, 0, 0};
  if (node.IsDefined()) {
    auto m = node.Mark();
    if (m.line >= 0) {
      p.line = m.line + 1;
      p.column = m.column + 1;
    }
  }
  return p;
}

namespace {

// yaml-cpp 0.7 loops for ever (allocating a null document per turn) on a stray top-level flow
// indicator such as a lone ",": the parser yields a document without consuming the token
// (jbeder/yaml-cpp#1040, fixed upstream after 0.7). A first pass over the events only notices a
// document that starts where the previous one started and turns it into an error.
class StuckDocumentCheck : public YAML::EventHandler {
 public:
  explicit StuckDocumentCheck(const std::string& file) : file_(file) {}
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (has_previous_ && mark.pos == previous_.pos)
      throw Error(SourcePosition{file_, static_cast<size_t>(mark.line + 1),
                                 static_cast<size_t>(mark.column + 1)},
                  "did not find expected node content");
    previous_ = mark;
    has_previous_ = true;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  const std::string& file_;
  YAML::Mark previous_;
  bool has_previous_ = false;
};

void check_yaml_terminates(const std::string& text, const std::string& file) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  StuckDocumentCheck check(file);
  while (parser.HandleNextDocument(check)) {
  }
}

}  // namespace

HttpClientConfig parse_http_client_config(const ScrapeConfig& config, const std::string& base_dir) {
  HttpClientConfig out;
  const YAML::Node& node = config.source;
  const std::string& file = config.position.file;
  if (!node || !node.IsMap()) return out;
  auto set = [](const YAML::Node& n) { return n.IsDefined() && !n.IsNull(); };
  auto path = [&](const YAML::Node& n, std::string_view what) {
    return resolve_path(base_dir, scalar(n, file, what));
  };
  YAML::Node oauth2 = child(node, "oauth2");
  if (set(oauth2)) fail(oauth2, file, "oauth2 is not supported by promscrape");
  YAML::Node basic = child(node, "basic_auth");
  YAML::Node authorization = child(node, "authorization");
  YAML::Node bearer = child(node, "bearer_token");
  YAML::Node bearer_file = child(node, "bearer_token_file");
  if (set(basic) && (set(authorization) || set(bearer) || set(bearer_file)))
    fail(basic, file, "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
  if (set(authorization) && (set(bearer) || set(bearer_file)))
    fail(authorization, file, "authorization is not compatible with bearer_token & bearer_token_file");
  if (set(bearer) && set(bearer_file))
    fail(bearer, file, "at most one of bearer_token & bearer_token_file must be configured");
  if (set(basic)) {
    require_map(basic, file, "basic_auth");
    check_keys(basic, file, "config.BasicAuth", {"username", "username_file", "password", "password_file"});
    YAML::Node username = child(basic, "username");
    YAML::Node username_file = child(basic, "username_file");
    YAML::Node password = child(basic, "password");
    YAML::Node password_file = child(basic, "password_file");
    if (set(username) && set(username_file))
      fail(basic, file, "at most one of basic_auth username & username_file must be configured");
    if (set(password) && set(password_file))
      fail(basic, file, "at most one of basic_auth password & password_file must be configured");
    if (set(username)) out.basic_username = scalar(username, file, "username");
    if (set(username_file)) {
      out.basic_username = read_secret_file(path(username_file, "username_file"));
    }
    if (set(password)) out.basic_password = scalar(password, file, "password");
    if (set(password_file)) out.basic_password_file = path(password_file, "password_file");
    out.has_auth = true;
  }
  if (set(authorization)) {
    require_map(authorization, file, "authorization");
    check_keys(authorization, file, "config.Authorization", {"type", "credentials", "credentials_file"});
    YAML::Node type = child(authorization, "type");
    out.authorization_type = set(type) ? scalar(type, file, "type") : "Bearer";
    std::string lower = out.authorization_type;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "basic")
      fail(type, file, "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
    YAML::Node credentials = child(authorization, "credentials");
    YAML::Node credentials_file = child(authorization, "credentials_file");
    if (set(credentials) && set(credentials_file))
      fail(authorization, file, "at most one of authorization credentials & credentials_file must be configured");
    if (set(credentials)) out.credentials = scalar(credentials, file, "credentials");
    if (set(credentials_file)) out.credentials_file = path(credentials_file, "credentials_file");
    out.has_auth = true;
  }
  if (set(bearer) || set(bearer_file)) {
    out.authorization_type = "Bearer";
    if (set(bearer)) out.credentials = scalar(bearer, file, "bearer_token");
    if (set(bearer_file)) out.credentials_file = path(bearer_file, "bearer_token_file");
    out.has_auth = true;
  }
  YAML::Node tls = child(node, "tls_config");
  if (set(tls)) {
    require_map(tls, file, "tls_config");
    for (const char* inline_pem : {"ca", "cert", "key"}) {
      YAML::Node n = child(tls, inline_pem);
      if (set(n))
        fail(n, file, std::string("tls_config ") + inline_pem + " (inline PEM) is not supported by promscrape; use " +
                          inline_pem + "_file");
    }
    check_keys(tls, file, "config.TLSConfig",
               {"ca", "ca_file", "cert", "cert_file", "key", "key_file", "server_name", "insecure_skip_verify",
                "min_version", "max_version", "ca_ref", "cert_ref", "key_ref"});
    if (YAML::Node n = child(tls, "ca_file"); set(n)) out.ca_file = path(n, "ca_file");
    if (YAML::Node n = child(tls, "cert_file"); set(n)) out.cert_file = path(n, "cert_file");
    if (YAML::Node n = child(tls, "key_file"); set(n)) out.key_file = path(n, "key_file");
    if (YAML::Node n = child(tls, "server_name"); set(n)) out.server_name = scalar(n, file, "server_name");
    if (YAML::Node n = child(tls, "insecure_skip_verify"); set(n)) out.insecure_skip_verify = bool_of(n, file);
    if (!out.cert_file.empty() && out.key_file.empty())
      fail(tls, file, "client cert file \"" + out.cert_file + "\" specified without client key file");
    if (out.cert_file.empty() && !out.key_file.empty())
      fail(tls, file, "client key file \"" + out.key_file + "\" specified without client cert file");
  }
  return out;
}

std::string resolve_path(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || base_dir.empty() || base_dir == ".") return path;
  return base_dir + "/" + path;
}

YAML::Node parse_yaml(std::string_view text, const std::string& file) {
  try {
    std::string owned(text);
    check_yaml_terminates(owned, file);
    return YAML::Load(owned);
  } catch (const YAML::ParserException& e) {
    throw Error(SourcePosition{file, static_cast<size_t>(e.mark.line + 1),
                               static_cast<size_t>(e.mark.column + 1)},
                e.msg);
  }
}

std::vector<YAML::Node> parse_yaml_documents(std::string_view text, const std::string& file) {
  try {
    std::string owned(text);
    check_yaml_terminates(owned, file);
    return YAML::LoadAll(owned);
  } catch (const YAML::ParserException& e) {
    throw Error(SourcePosition{file, static_cast<size_t>(e.mark.line + 1),
                               static_cast<size_t>(e.mark.column + 1)},
                e.msg);
  }
}

std::vector<relabel::RelabelConfig> parse_relabel_configs(const YAML::Node& node,
                                                          const std::string& file,
                                                          std::vector<SourcePosition>* positions) {
  std::vector<relabel::RelabelConfig> out;
  if (!node.IsDefined() || node.IsNull()) return out;
  require_seq(node, file, "relabel_configs");
  for (const auto& item : node) {
    out.push_back(relabel_of(item, file));
    if (positions) positions->push_back(position_of(item, file));
  }
  return out;
}

ScrapeConfig parse_scrape_config(const YAML::Node& node, const GlobalConfig& global,
                                 const std::string& file) {
  require_map(node, file, "a scrape config");
  ScrapeConfig sc;
  sc.source = node;
  sc.position = position_of(node, file);
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string& k = it->first.Scalar();
    if (!kScrapeKeys.contains(k) && !std::string_view(k).ends_with("_sd_configs"))
      fail(it->first, file, "field " + k + " not found in type config.ScrapeConfig");
  }
  auto job = child(node, "job_name");
  if (!job.IsDefined() || job.IsNull() || scalar(job, file, "job_name").empty())
    fail(node, file, "job_name is empty");
  sc.job_name = job.Scalar();
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string& k = it->first.Scalar();
    const YAML::Node v = it->second;  // a copy: it->second lives in a temporary proxy
    if (v.IsNull()) continue;
    if (k == "scrape_interval") {
      sc.scrape_interval_ms = duration_of(v, file);
    } else if (k == "scrape_timeout") {
      sc.scrape_timeout_ms = duration_of(v, file);
    } else if (k == "metrics_path") {
      sc.metrics_path = scalar(v, file, "metrics_path");
    } else if (k == "scheme") {
      sc.scheme = scalar(v, file, "scheme");
      if (sc.scheme != "http" && sc.scheme != "https")
        fail(v, file, "unsupported scheme \"" + sc.scheme + "\"");
    } else if (k == "honor_labels") {
      sc.honor_labels = bool_of(v, file);
    } else if (k == "honor_timestamps") {
      sc.honor_timestamps = bool_of(v, file);
    } else if (k == "params") {
      require_map(v, file, "params");
      for (auto p = v.begin(); p != v.end(); ++p)
        sc.params[scalar(p->first, file, "a parameter name")] =
            strings_of(p->second, file, "parameter values");
    } else if (k == "static_configs") {
      require_seq(v, file, "static_configs");
      for (const auto& s : v) sc.static_configs.push_back(static_config_of(s, file));
    } else if (k == "file_sd_configs") {
      require_seq(v, file, "file_sd_configs");
      for (const auto& s : v) sc.file_sd_configs.push_back(file_sd_of(s, file));
    } else if (k == "kubernetes_sd_configs") {
      require_seq(v, file, "kubernetes_sd_configs");
      for (const auto& s : v) sc.kubernetes_sd_configs.push_back(kubernetes_sd_of(s, file));
    } else if (k == "relabel_configs") {
      sc.relabel_configs = parse_relabel_configs(v, file, &sc.relabel_positions);
    } else if (k == "metric_relabel_configs") {
      sc.metric_relabel_configs = parse_relabel_configs(v, file);
    }
  }
  if (sc.scrape_interval_ms == 0) sc.scrape_interval_ms = global.scrape_interval_ms;
  if (sc.scrape_timeout_ms > sc.scrape_interval_ms)
    fail(node, file,
         "scrape timeout greater than scrape interval for scrape config with job name \"" +
             sc.job_name + "\"");
  if (sc.scrape_timeout_ms == 0)
    sc.scrape_timeout_ms = std::min(global.scrape_timeout_ms, sc.scrape_interval_ms);
  return sc;
}

Config parse_config(const YAML::Node& root, const std::string& file, const std::string& base_dir) {
  Config config;
  config.file = file;
  config.base_dir = base_dir;
  if (!root.IsDefined() || root.IsNull()) return config;
  require_map(root, file, "the configuration");
  if (auto g = child(root, "global"); g.IsDefined() && !g.IsNull()) {
    require_map(g, file, "global");
    bool timeout_set = false;
    for (auto it = g.begin(); it != g.end(); ++it) {
      const std::string& k = it->first.Scalar();
      if (k == "scrape_interval") {
        config.global.scrape_interval_ms = duration_of(it->second, file);
      } else if (k == "scrape_timeout") {
        config.global.scrape_timeout_ms = duration_of(it->second, file);
        timeout_set = true;
      } else if (k == "external_labels") {
        config.global.external_labels = labels_of(it->second, file);
      }
    }
    auto& gl = config.global;
    if (gl.scrape_interval_ms == 0) gl.scrape_interval_ms = 60 * 1000;
    if (!timeout_set || gl.scrape_timeout_ms == 0)
      gl.scrape_timeout_ms = std::min<int64_t>(10 * 1000, gl.scrape_interval_ms);
    if (gl.scrape_timeout_ms > gl.scrape_interval_ms)
      fail(g, file, "global scrape timeout greater than scrape interval");
  }
  if (auto sc = child(root, "scrape_configs"); sc.IsDefined() && !sc.IsNull()) {
    require_seq(sc, file, "scrape_configs");
    std::set<std::string> jobs;
    for (const auto& item : sc) {
      ScrapeConfig s = parse_scrape_config(item, config.global, file);
      if (!jobs.insert(s.job_name).second)
        fail(item, file, "found multiple scrape configs with job name \"" + s.job_name + "\"");
      config.scrape_configs.push_back(std::move(s));
    }
  }
  return config;
}

Config parse_config_text(std::string_view text, const std::string& file,
                         const std::string& base_dir) {
  return with_yaml_positions(file, [&] { return parse_config(parse_yaml(text, file), file, base_dir); });
}

Config load_config(const std::string& path) {
  Input in(path);
  std::string text = in.read_all();
  std::string dir = ".";
  if (path != "-" && !path.empty()) {
    auto slash = path.rfind('/');
    if (slash != std::string::npos) dir = slash == 0 ? "/" : path.substr(0, slash);
  }
  return parse_config_text(text, in.name(), dir);
}

}  // namespace promotel::promconfig

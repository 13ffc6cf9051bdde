#include "promconfig/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace promotel::promconfig {
namespace {

std::string error_of(const std::string& yaml) {
  try {
    parse_config_text(yaml, "p.yml");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Config, DefaultsFromGlobal) {
  auto c = parse_config_text(R"(
global:
  scrape_interval: 30s
scrape_configs:
  - job_name: a
    static_configs:
      - targets: ['h:1', 'h:2']
        labels: {env: prod}
  - job_name: b
    scrape_interval: 5s
    scrape_timeout: 2s
    metrics_path: /m
    scheme: https
    honor_labels: true
    honor_timestamps: false
    params: {module: [http_2xx, x]}
  - job_name: c
    scrape_interval: 5s
)");
  ASSERT_EQ(c.scrape_configs.size(), 3u);
  const auto& a = c.scrape_configs[0];
  EXPECT_EQ(a.job_name, "a");
  EXPECT_EQ(a.scrape_interval_ms, 30000);
  EXPECT_EQ(a.scrape_timeout_ms, 10000);
  EXPECT_EQ(a.metrics_path, "/metrics");
  EXPECT_EQ(a.scheme, "http");
  EXPECT_TRUE(a.honor_timestamps);
  ASSERT_EQ(a.static_configs.size(), 1u);
  EXPECT_EQ(a.static_configs[0].targets, (std::vector<std::string>{"h:1", "h:2"}));
  EXPECT_EQ(*relabel::find_label(a.static_configs[0].labels, "env"), "prod");
  EXPECT_EQ(a.static_configs[0].position.line, 7u);
  const auto& b = c.scrape_configs[1];
  EXPECT_EQ(b.scrape_interval_ms, 5000);
  EXPECT_EQ(b.scrape_timeout_ms, 2000);
  EXPECT_EQ(b.metrics_path, "/m");
  EXPECT_EQ(b.scheme, "https");
  EXPECT_TRUE(b.honor_labels);
  EXPECT_FALSE(b.honor_timestamps);
  EXPECT_EQ(b.params.at("module"), (std::vector<std::string>{"http_2xx", "x"}));
  // The global 10s timeout exceeds c's 5s interval: the timeout becomes the interval.
  EXPECT_EQ(c.scrape_configs[2].scrape_timeout_ms, 5000);
}

TEST(Config, RelabelConfigs) {
  auto c = parse_config_text(R"(
scrape_configs:
  - job_name: a
    relabel_configs:
      - source_labels: [__address__]
        regex: '(.*):\d+'
        target_label: host
      - action: LabelDrop
        regex: tmp_.*
      - action: hashmod
        source_labels: [__address__]
        modulus: 4
        target_label: shard
    metric_relabel_configs:
      - action: drop
        source_labels: [__name__]
        regex: go_.*
)");
  const auto& s = c.scrape_configs[0];
  ASSERT_EQ(s.relabel_configs.size(), 3u);
  EXPECT_EQ(s.relabel_configs[0].action, relabel::Action::kReplace);
  EXPECT_EQ(s.relabel_configs[0].regex.source(), "(.*):\\d+");
  EXPECT_EQ(s.relabel_configs[1].action, relabel::Action::kLabelDrop);
  EXPECT_EQ(s.relabel_configs[2].modulus, 4u);
  EXPECT_EQ(s.relabel_positions[1].line, 8u);
  ASSERT_EQ(s.metric_relabel_configs.size(), 1u);
  EXPECT_EQ(s.metric_relabel_configs[0].action, relabel::Action::kDrop);
}

TEST(Config, FileSdAndKubernetes) {
  auto c = parse_config_text(R"(
scrape_configs:
  - job_name: a
    file_sd_configs:
      - files: [targets/*.json, more.yml]
        refresh_interval: 1m
    kubernetes_sd_configs:
      - role: endpointslice
        namespaces: {names: [default, web]}
)");
  const auto& s = c.scrape_configs[0];
  ASSERT_EQ(s.file_sd_configs.size(), 1u);
  EXPECT_EQ(s.file_sd_configs[0].files.size(), 2u);
  EXPECT_EQ(s.file_sd_configs[0].refresh_interval_ms, 60000);
  ASSERT_EQ(s.kubernetes_sd_configs.size(), 1u);
  EXPECT_EQ(s.kubernetes_sd_configs[0].role, "endpointslice");
  EXPECT_EQ(s.kubernetes_sd_configs[0].namespaces, (std::vector<std::string>{"default", "web"}));
}

// Selectors as Prometheus allows them: each role once, and only roles the SD role watches.
TEST(Config, KubernetesSelectorRoles) {
  auto c = parse_config_text(R"(
scrape_configs:
  - job_name: a
    kubernetes_sd_configs:
      - role: endpoints
        selectors:
          - {role: pod, label: "app=web"}
          - {role: endpoints, field: "metadata.name=web"}
)");
  const auto& sd = c.scrape_configs[0].kubernetes_sd_configs[0];
  ASSERT_EQ(sd.selectors.size(), 2u);
  EXPECT_EQ(sd.selectors[0].label, "app=web");
  EXPECT_EQ(sd.selectors[1].field, "metadata.name=web");
  EXPECT_EQ(error_of("scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs:\n"
                     "      - role: pod\n        selectors: [{role: service, label: a=b}]\n"),
            "p.yml:5:21: pod role supports only pod selectors");
  EXPECT_EQ(error_of("scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs:\n"
                     "      - role: endpointslice\n        selectors: [{role: endpoints}]\n"),
            "p.yml:5:21: endpointslice role supports only pod, service, endpointslice selectors");
  EXPECT_EQ(error_of("scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs:\n"
                     "      - role: pod\n        selectors: [{role: pod}, {role: pod}]\n"),
            "p.yml:5:34: duplicated selector role: pod");
}

TEST(Config, ErrorsCarryFileLineColumn) {
  EXPECT_EQ(error_of("scrape_configs:\n  - job_name: a\n  - job_name: a\n"),
            "p.yml:3:5: found multiple scrape configs with job name \"a\"");
  EXPECT_EQ(error_of("scrape_configs:\n  - job_name: a\n    scrape_interval: 5x\n"),
            "p.yml:3:22: not a valid duration string: \"5x\"");
  EXPECT_EQ(error_of("scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 6s\n"),
            "p.yml:2:5: scrape timeout greater than scrape interval for scrape config with job name \"a\"");
  EXPECT_EQ(error_of("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: explode\n"),
            "p.yml:4:17: unknown relabel action \"explode\"");
  EXPECT_EQ(error_of("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - regex: 'a(b'\n        target_label: x\n"),
            "p.yml:4:16: error parsing regexp: missing ): `a(b`");
  EXPECT_EQ(error_of("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: hashmod\n        target_label: x\n"),
            "p.yml:4:9: relabel configuration for hashmod requires non-zero modulus");
  EXPECT_EQ(error_of("scrape_configs:\n  - job_name: a\n    bogus: 1\n"),
            "p.yml:3:5: field bogus not found in type config.ScrapeConfig");
  EXPECT_EQ(error_of("scrape_configs:\n  - scrape_interval: 1m\n"), "p.yml:2:5: job_name is empty");
  EXPECT_EQ(error_of("global:\n  scrape_interval: 5s\n  scrape_timeout: 6s\n"),
            "p.yml:2:3: global scrape timeout greater than scrape interval");
  EXPECT_NE(error_of("scrape_configs: [\n"), "");
  EXPECT_EQ(error_of("scrape_configs:\n  - job_name: a\n    file_sd_configs:\n      - files: [x.txt]\n"),
            "p.yml:4:17: invalid file extension in \"x.txt\": file SD files must end in .json, .yml or .yaml");
}

// A fuzz finding: yaml-cpp 0.7 never returns from LoadAll on a stray top-level ",".
TEST(Config, StrayFlowIndicatorIsAnErrorNotAHang) {
  for (const char* text : {",", ", \n", "\n,\n", "a: 1\n---\n,\n"}) {
    EXPECT_THROW(parse_yaml_documents(text, "d.yml"), Error) << text;
    EXPECT_THROW(parse_yaml(text, "d.yml"), Error) << text;
  }
  try {
    parse_yaml_documents("\n,\n", "d.yml");
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "d.yml:2:1: did not find expected node content");
  }
  EXPECT_EQ(parse_yaml_documents("---\n---\na: 1\n", "d.yml").size(), 2u);
  EXPECT_EQ(parse_yaml_documents("a: [1, 2]\n---\nb: {c: d}\n", "d.yml").size(), 2u);
}

HttpClientConfig client_of(const std::string& job_yaml) {
  auto c = parse_config_text("scrape_configs:\n  - job_name: j\n" + job_yaml, "p.yml", "/etc/prom");
  return parse_http_client_config(c.scrape_configs.at(0), "/etc/prom");
}

std::string client_error_of(const std::string& job_yaml) {
  try {
    client_of(job_yaml);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Config, HttpClientConfigOfAJob) {
  auto none = client_of("");
  EXPECT_FALSE(none.has_auth);
  EXPECT_TRUE(none.ca_file.empty());

  auto basic = client_of("    basic_auth: {username: u, password_file: secrets/pw}\n"
                         "    tls_config: {ca_file: ca.pem, cert_file: /abs/c.pem, key_file: k.pem,\n"
                         "                 server_name: metrics.test, insecure_skip_verify: true}\n");
  EXPECT_TRUE(basic.has_auth);
  EXPECT_EQ(basic.basic_username, "u");
  EXPECT_EQ(basic.basic_password_file, "/etc/prom/secrets/pw");
  EXPECT_TRUE(basic.authorization_type.empty());
  EXPECT_EQ(basic.ca_file, "/etc/prom/ca.pem");
  EXPECT_EQ(basic.cert_file, "/abs/c.pem");
  EXPECT_EQ(basic.key_file, "/etc/prom/k.pem");
  EXPECT_EQ(basic.server_name, "metrics.test");
  EXPECT_TRUE(basic.insecure_skip_verify);

  auto authorization = client_of("    authorization: {credentials_file: token}\n");
  EXPECT_EQ(authorization.authorization_type, "Bearer");
  EXPECT_EQ(authorization.credentials_file, "/etc/prom/token");
  auto custom = client_of("    authorization: {type: Token, credentials: abc}\n");
  EXPECT_EQ(custom.authorization_type, "Token");
  EXPECT_EQ(custom.credentials, "abc");
  auto legacy = client_of("    bearer_token: xyz\n");
  EXPECT_EQ(legacy.authorization_type, "Bearer");
  EXPECT_EQ(legacy.credentials, "xyz");
}

TEST(Config, HttpClientConfigUsernameFileIsTrimmedLikePrometheus) {
  auto dir = std::filesystem::temp_directory_path() / "promotel_config_test_username";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "user") << "  alice \r\n";
  auto c = parse_config_text("scrape_configs:\n  - job_name: j\n    basic_auth: {username_file: user, password: p}\n",
                             "p.yml", dir.string());
  EXPECT_EQ(parse_http_client_config(c.scrape_configs.at(0), dir.string()).basic_username, "alice");
  std::filesystem::remove_all(dir);
}

TEST(Config, HttpClientConfigErrors) {
  EXPECT_EQ(client_error_of("    basic_auth: {username: u}\n    bearer_token: t\n"),
            "p.yml:3:17: at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
  EXPECT_EQ(client_error_of("    basic_auth: {username: u, password: p, password_file: f}\n"),
            "p.yml:3:17: at most one of basic_auth password & password_file must be configured");
  EXPECT_EQ(client_error_of("    authorization: {type: basic, credentials: c}\n"),
            "p.yml:3:27: authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
  EXPECT_EQ(client_error_of("    authorization: {credentials: c}\n    bearer_token_file: f\n"),
            "p.yml:3:20: authorization is not compatible with bearer_token & bearer_token_file");
  EXPECT_EQ(client_error_of("    oauth2: {client_id: a}\n"), "p.yml:3:13: oauth2 is not supported by promscrape");
  EXPECT_EQ(client_error_of("    tls_config: {ca: PEM}\n"),
            "p.yml:3:22: tls_config ca (inline PEM) is not supported by promscrape; use ca_file");
  EXPECT_EQ(client_error_of("    tls_config: {cert_file: c.pem}\n"),
            "p.yml:3:17: client cert file \"/etc/prom/c.pem\" specified without client key file");
  EXPECT_EQ(client_error_of("    basic_auth: {user: u}\n"), "p.yml:3:18: field user not found in type config.BasicAuth");
}

TEST(Config, EmptyIsValid) {
  EXPECT_TRUE(parse_config_text("", "e.yml").scrape_configs.empty());
  EXPECT_TRUE(parse_config_text("global: {scrape_interval: 15s}\n", "e.yml").scrape_configs.empty());
}

}  // namespace
}  // namespace promotel::promconfig

namespace promotel::promconfig {
namespace {

TEST(Config, StaticConfigWithoutLabels) {
  auto c = parse_config_text("scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: [x:1]\n");
  EXPECT_TRUE(c.scrape_configs[0].static_configs[0].labels.empty());
  auto d = parse_config_text("scrape_configs:\n  - job_name: a\n    static_configs:\n      - labels: {a: b}\n");
  EXPECT_TRUE(d.scrape_configs[0].static_configs[0].targets.empty());
}

}  // namespace
}  // namespace promotel::promconfig

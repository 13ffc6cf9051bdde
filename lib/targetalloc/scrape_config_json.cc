#include "targetalloc/scrape_config_json.h"

#include "promconfig/duration.h"
#include "targetalloc/go_json.h"

namespace promotel::targetalloc {

nlohmann::json relabel_config_json(const relabel::RelabelConfig& r) {
  nlohmann::json j = nlohmann::json::object();
  if (!r.source_labels.empty()) j["source_labels"] = r.source_labels;
  if (!r.separator.empty()) j["separator"] = r.separator;
  if (r.action != relabel::Action::kKeepEqual && r.action != relabel::Action::kDropEqual)
    j["regex"] = r.regex.source();
  if (r.modulus) j["modulus"] = r.modulus;
  if (!r.target_label.empty()) j["target_label"] = r.target_label;
  if (!r.replacement.empty()) j["replacement"] = r.replacement;
  j["action"] = std::string(relabel::action_name(r.action));
  return j;
}

nlohmann::json scrape_config_json(const promconfig::ScrapeConfig& c) {
  nlohmann::json j = c.source.IsDefined() && c.source.IsMap() ? yaml_to_json(c.source) : nlohmann::json::object();
  j["job_name"] = c.job_name;
  j["scrape_interval"] = promconfig::format_duration(c.scrape_interval_ms);
  j["scrape_timeout"] = promconfig::format_duration(c.scrape_timeout_ms);
  j["metrics_path"] = c.metrics_path;
  j["scheme"] = c.scheme;
  j["honor_labels"] = c.honor_labels;
  j["honor_timestamps"] = c.honor_timestamps;
  if (!c.params.empty()) j["params"] = c.params;
  auto rules = [](const std::vector<relabel::RelabelConfig>& in) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& r : in) arr.push_back(relabel_config_json(r));
    return arr;
  };
  if (!c.relabel_configs.empty()) j["relabel_configs"] = rules(c.relabel_configs);
  if (!c.metric_relabel_configs.empty()) j["metric_relabel_configs"] = rules(c.metric_relabel_configs);
  if (!c.kubernetes_sd_configs.empty()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& k : c.kubernetes_sd_configs) {
      nlohmann::json sd = {{"role", k.role}};
      if (!k.namespaces.empty() || k.own_namespace) {
        sd["namespaces"] = {{"names", k.namespaces}};
        if (k.own_namespace) sd["namespaces"]["own_namespace"] = true;
      }
      if (!k.selectors.empty()) {
        nlohmann::json sels = nlohmann::json::array();
        for (const auto& s : k.selectors) {
          nlohmann::json o = {{"role", s.role}};
          if (!s.label.empty()) o["label"] = s.label;
          if (!s.field.empty()) o["field"] = s.field;
          sels.push_back(o);
        }
        sd["selectors"] = sels;
      }
      arr.push_back(sd);
    }
    j["kubernetes_sd_configs"] = arr;
  }
  return j;
}

}  // namespace promotel::targetalloc

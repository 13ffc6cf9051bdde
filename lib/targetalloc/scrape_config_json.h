#pragma once

#include <nlohmann/json.hpp>

#include "promconfig/config.h"

namespace promotel::targetalloc {

// A scrape config as the TA's /scrape_configs serves it: the Prometheus YAML model as JSON
// (snake_case keys), defaults filled in, relabel rules normalised (keepequal/dropequal
// without regex).
nlohmann::json scrape_config_json(const promconfig::ScrapeConfig& config);
nlohmann::json relabel_config_json(const relabel::RelabelConfig& rule);

}  // namespace promotel::targetalloc

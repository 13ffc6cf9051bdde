#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace promotel::targetalloc {

// Compact JSON exactly as Go's encoding/json writes it: object keys sorted, no spaces,
// '<' '>' '&' U+2028 U+2029 escaped as \u003c etc., invalid UTF-8 replaced by U+FFFD.
std::string go_json(const nlohmann::json& value);
void append_go_string(std::string& out, std::string_view s);

// YAML (as yaml-cpp parsed it) to JSON: plain scalars that read as integers, floats, booleans
// or null become those; quoted scalars stay strings.
nlohmann::json yaml_to_json(const YAML::Node& node);

}  // namespace promotel::targetalloc

#include "k8s/selector.h"

#include <algorithm>

#include "promconfig/config.h"

namespace promotel::k8s {

bool LabelSelector::matches(const StringMap& labels) const {
  for (const auto& [k, v] : match_labels) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  for (const auto& r : match_expressions) {
    auto it = labels.find(r.key);
    bool has = it != labels.end();
    bool in = has && std::find(r.values.begin(), r.values.end(), it->second) != r.values.end();
    if (r.op == "In" && !in) return false;
    if (r.op == "NotIn" && in) return false;
    if (r.op == "Exists" && !has) return false;
    if (r.op == "DoesNotExist" && has) return false;
  }
  return true;
}

std::string LabelSelector::to_string() const {
  std::string out;
  auto add = [&](const std::string& s) {
    if (!out.empty()) out += ',';
    out += s;
  };
  for (const auto& [k, v] : match_labels) add(k + "=" + v);
  for (const auto& r : match_expressions) {
    std::string vals;
    for (const auto& v : r.values) vals += (vals.empty() ? "" : ",") + v;
    if (r.op == "In") add(r.key + " in (" + vals + ")");
    if (r.op == "NotIn") add(r.key + " notin (" + vals + ")");
    if (r.op == "Exists") add(r.key);
    if (r.op == "DoesNotExist") add("!" + r.key);
  }
  return out;
}

LabelSelector parse_label_selector(const YAML::Node& node, const std::string& file) {
  LabelSelector s;
  s.position = promconfig::position_of(node, file);
  if (!node.IsDefined() || node.IsNull()) return s;
  if (!node.IsMap()) throw Error(s.position, "a label selector must be a mapping");
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.Scalar();
    const YAML::Node v = it->second;
    if (key == "matchLabels") {
      if (v.IsNull()) continue;
      if (!v.IsMap()) throw Error(promconfig::position_of(v, file), "matchLabels must be a mapping");
      for (auto l = v.begin(); l != v.end(); ++l)
        s.match_labels[l->first.Scalar()] = l->second.IsNull() ? "" : l->second.Scalar();
    } else if (key == "matchExpressions") {
      if (v.IsNull()) continue;
      if (!v.IsSequence())
        throw Error(promconfig::position_of(v, file), "matchExpressions must be a list");
      for (const auto& e : v) {
        LabelSelector::Requirement r;
        r.key = e["key"] ? e["key"].Scalar() : "";
        r.op = e["operator"] ? e["operator"].Scalar() : "";
        if (e["values"] && e["values"].IsSequence())
          for (const auto& x : e["values"]) r.values.push_back(x.Scalar());
        auto where = promconfig::position_of(e, file);
        if (r.key.empty()) throw Error(where, "a match expression needs a key");
        if (r.op != "In" && r.op != "NotIn" && r.op != "Exists" && r.op != "DoesNotExist")
          throw Error(where, "\"" + r.op + "\" is not a valid label selector operator");
        bool needs_values = r.op == "In" || r.op == "NotIn";
        if (needs_values && r.values.empty())
          throw Error(where, "values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
        if (!needs_values && !r.values.empty())
          throw Error(where, "values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
        s.match_expressions.push_back(std::move(r));
      }
    }
  }
  return s;
}

LabelSelector parse_selector_string(std::string_view text) {
  LabelSelector s;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (part.empty()) continue;
    if (auto ne = part.find("!="); ne != std::string_view::npos) {
      s.match_expressions.push_back({std::string(part.substr(0, ne)), "NotIn", {std::string(part.substr(ne + 2))}});
    } else if (auto eq = part.find('='); eq != std::string_view::npos) {
      size_t vstart = eq + 1 + (eq + 1 < part.size() && part[eq + 1] == '=' ? 1 : 0);
      s.match_labels[std::string(part.substr(0, eq))] = std::string(part.substr(vstart));
    } else if (part[0] == '!') {
      s.match_expressions.push_back({std::string(part.substr(1)), "DoesNotExist", {}});
    } else {
      s.match_expressions.push_back({std::string(part), "Exists", {}});
    }
  }
  return s;
}

}  // namespace promotel::k8s

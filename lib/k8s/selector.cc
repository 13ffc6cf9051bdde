#include "k8s/selector.h"

#include <algorithm>
#include <cctype>
#include <charconv>

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
    if (r.op == "Gt" || r.op == "Lt") {  // the string form's > and <: integers
      if (!has) return false;
      long long label_value = 0, bound = 0;
      const std::string& v = it->second;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), label_value);
      if (ec != std::errc() || end != v.data() + v.size()) return false;
      std::from_chars(r.values[0].data(), r.values[0].data() + r.values[0].size(), bound);
      if (r.op == "Gt" ? !(label_value > bound) : !(label_value < bound)) return false;
    }
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
    if (r.op == "Gt") add(r.key + ">" + r.values.at(0));
    if (r.op == "Lt") add(r.key + "<" + r.values.at(0));
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

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The requirements of a selector string, split at the commas outside parentheses.
std::vector<std::string_view> requirements(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  int depth = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || (text[i] == ',' && depth == 0)) {
      out.push_back(trim(text.substr(start, i - start)));
      start = i + 1;
    } else if (text[i] == '(') {
      ++depth;
    } else if (text[i] == ')') {
      --depth;
    }
  }
  return out;
}

bool is_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/';
}

// A label value: the key characters but '/' (empty is allowed).
bool is_value(std::string_view v) {
  return std::all_of(v.begin(), v.end(), [](char c) { return c != '/' && is_key_char(c); });
}

}  // namespace

LabelSelector parse_selector_string(std::string_view text) {
  LabelSelector s;
  if (trim(text).empty()) return s;
  auto fail = [&](std::string_view part, const std::string& why) {
    throw Error("label selector \"" + std::string(text) + "\": " + why + " in \"" + std::string(part) + "\"");
  };
  for (std::string_view part : requirements(text)) {
    if (part.empty()) fail(part, "an empty requirement");
    if (part[0] == '!') {
      std::string_view key = trim(part.substr(1));
      if (key.empty() || !std::all_of(key.begin(), key.end(), is_key_char)) fail(part, "a bad key");
      s.match_expressions.push_back({std::string(key), "DoesNotExist", {}});
      continue;
    }
    size_t k = 0;
    while (k < part.size() && is_key_char(part[k])) ++k;
    std::string key(part.substr(0, k));
    if (key.empty()) fail(part, "no key");
    std::string_view rest = trim(part.substr(k));
    if (rest.empty()) {
      s.match_expressions.push_back({key, "Exists", {}});
    } else if (rest.starts_with("!=") || rest.starts_with("==") || rest[0] == '=') {
      const bool negated = rest[0] == '!';
      std::string_view value = trim(rest.substr(rest.size() > 1 && rest[1] == '=' ? 2 : 1));
      if (!is_value(value)) fail(part, "a bad value");
      if (negated) {
        s.match_expressions.push_back({key, "NotIn", {std::string(value)}});
      } else if (s.match_labels.contains(key)) {
        s.match_expressions.push_back({key, "In", {std::string(value)}});  // both must hold
      } else {
        s.match_labels[key] = std::string(value);
      }
    } else if (rest[0] == '>' || rest[0] == '<') {
      std::string_view value = trim(rest.substr(1));
      long long bound = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), bound);
      if (value.empty() || ec != std::errc() || end != value.data() + value.size()) fail(part, "a bound that is not an integer");
      s.match_expressions.push_back({key, rest[0] == '>' ? "Gt" : "Lt", {std::string(value)}});
    } else if (rest.starts_with("in") || rest.starts_with("notin")) {
      const bool in = rest.starts_with("in");
      std::string_view list = trim(rest.substr(in ? 2 : 5));
      if (list.size() < 2 || list.front() != '(' || list.back() != ')') fail(part, "a value list not in parentheses");
      LabelSelector::Requirement r{key, in ? "In" : "NotIn", {}};
      for (std::string_view v : requirements(list.substr(1, list.size() - 2))) {
        if (!is_value(v)) fail(part, "a bad value");
        r.values.emplace_back(v);
      }
      s.match_expressions.push_back(std::move(r));
    } else {
      fail(part, "an unknown operator");
    }
  }
  return s;
}

FieldSelector parse_field_selector(std::string_view text) {
  FieldSelector s;
  if (trim(text).empty()) return s;
  for (std::string_view part : requirements(text)) {
    const size_t op = part.find_first_of("!=");
    const std::string_view rest = op == std::string_view::npos ? std::string_view() : part.substr(op);
    FieldSelector::Requirement r;
    r.negated = rest.starts_with("!=");
    if (op == 0 || rest.empty() || (rest[0] == '!' && !r.negated))
      throw Error("field selector \"" + std::string(text) + "\": \"" + std::string(part) + "\" is not field=value or field!=value");
    r.field = std::string(trim(part.substr(0, op)));
    r.value = std::string(trim(rest.substr(r.negated || rest.starts_with("==") ? 2 : 1)));
    s.requirements.push_back(std::move(r));
  }
  return s;
}

}  // namespace promotel::k8s

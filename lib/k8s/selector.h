#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "common/error.h"

namespace promotel::k8s {

using StringMap = std::map<std::string, std::string>;

// A Kubernetes LabelSelector: matchLabels AND matchExpressions. An empty selector matches
// everything (callers model "no selector" with std::optional).
struct LabelSelector {
  struct Requirement {
    std::string key;
    std::string op;  // In, NotIn, Exists, DoesNotExist; Gt, Lt (string form only: one integer)
    std::vector<std::string> values;
  };
  StringMap match_labels;
  std::vector<Requirement> match_expressions;
  SourcePosition position;

  bool empty() const { return match_labels.empty() && match_expressions.empty(); }
  bool matches(const StringMap& labels) const;
  std::string to_string() const;  // "k=v,k2 in (a,b)"
};

// Parses {matchLabels, matchExpressions}; throws promotel::Error (file:line:col) on bad
// operators or shapes.
LabelSelector parse_label_selector(const YAML::Node& node, const std::string& file);

// Parses Kubernetes' string form "k=v,k2!=v2,k3 in (a,b),k4 notin (c),k5,!k6,k7>3" (= and ==
// are equality; != and notin also match objects without the label; > and < compare integers);
// throws promotel::Error.
LabelSelector parse_selector_string(std::string_view text);

// A field selector "metadata.name=x,spec.nodeName!=y" (= and == alike): each requirement on
// one field of the object. Which fields an object has is the caller's business.
struct FieldSelector {
  struct Requirement {
    std::string field, value;
    bool negated = false;  // !=
  };
  std::vector<Requirement> requirements;
};
FieldSelector parse_field_selector(std::string_view text);

}  // namespace promotel::k8s

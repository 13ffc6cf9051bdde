#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/message.h>

namespace re2 {
class RE2;
}

namespace promotel::otlp {

// What a debugging user narrows a stream down to.
struct FilterSpec {
  std::string metric_name_regex;  // RE2, unanchored search in the metric name; "" = all
  std::vector<std::pair<std::string, std::string>> resource_attributes;  // all must match
};

// Removes from requests what the spec excludes: resources lacking one of the attributes
// (compared with the value's plain string form), metrics whose name does not match (metrics
// requests only), and scopes/resources left empty by that.
class RequestFilter {
 public:
  explicit RequestFilter(const FilterSpec& spec);  // throws Error for a bad regex
  ~RequestFilter();
  bool active() const { return active_; }
  // Filters in place; returns false when nothing is left (the request need not be shown).
  bool apply(google::protobuf::Message& request) const;

 private:
  FilterSpec spec_;
  std::unique_ptr<re2::RE2> metric_name_;
  bool active_ = false;
};

// Parses "key=value" (the value may contain '='); throws Error.
std::pair<std::string, std::string> parse_key_value(const std::string& text);

}  // namespace promotel::otlp

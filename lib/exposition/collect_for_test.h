#pragma once

// Test helper (header only, used by *_test.cc): drains a Parser into owning values so that
// whole parses can be compared.

#include <cmath>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "exposition/parser.h"

namespace promotel::exposition::testing {

using OwnedLabels = std::vector<std::pair<std::string, std::string>>;

inline OwnedLabels own(model::Labels labels) {
  OwnedLabels out;
  for (const auto& l : labels) out.emplace_back(std::string(l.name), std::string(l.value));
  return out;
}

inline bool same_double(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

struct OwnedEntry {
  Entry kind = Entry::kEnd;
  std::string name;
  model::MetricType type = model::MetricType::kUnknown;
  std::string text;
  OwnedLabels labels;
  double value = 0;
  std::optional<model::TimestampMs> timestamp;
  bool has_exemplar = false;
  OwnedLabels exemplar_labels;
  double exemplar_value = 0;
  std::optional<model::TimestampMs> exemplar_timestamp;

  bool operator==(const OwnedEntry& o) const {
    return kind == o.kind && name == o.name && type == o.type && text == o.text && labels == o.labels &&
           same_double(value, o.value) && timestamp == o.timestamp && has_exemplar == o.has_exemplar &&
           exemplar_labels == o.exemplar_labels && same_double(exemplar_value, o.exemplar_value) &&
           exemplar_timestamp == o.exemplar_timestamp;
  }
};

inline std::ostream& operator<<(std::ostream& os, const OwnedEntry& e) {
  os << "{kind=" << static_cast<int>(e.kind) << " name=" << e.name << " type=" << model::to_string(e.type)
     << " text=" << e.text << " labels={";
  for (const auto& [k, v] : e.labels) os << k << "=" << v << ",";
  os << "} value=" << e.value;
  if (e.timestamp) os << " ts=" << *e.timestamp;
  if (e.has_exemplar) {
    os << " exemplar={";
    for (const auto& [k, v] : e.exemplar_labels) os << k << "=" << v << ",";
    os << "} " << e.exemplar_value;
    if (e.exemplar_timestamp) os << " ts=" << *e.exemplar_timestamp;
  }
  return os << "}";
}

inline OwnedEntry own_current(const Parser& parser, Entry kind) {
  OwnedEntry e;
  e.kind = kind;
  e.name = std::string(parser.metric_name());
  switch (kind) {
    case Entry::kType: e.type = parser.type(); break;
    case Entry::kHelp: e.text = std::string(parser.help()); break;
    case Entry::kUnit: e.text = std::string(parser.unit()); break;
    case Entry::kSample: {
      const auto& s = parser.sample();
      e.name = std::string(s.name);
      e.labels = own(s.labels);
      e.value = s.value;
      e.timestamp = s.timestamp;
      if (s.exemplar) {
        e.has_exemplar = true;
        e.exemplar_labels = own(s.exemplar->labels);
        e.exemplar_value = s.exemplar->value;
        e.exemplar_timestamp = s.exemplar->timestamp;
      }
      break;
    }
    default: break;
  }
  return e;
}

inline std::vector<OwnedEntry> collect(Parser& parser) {
  std::vector<OwnedEntry> out;
  for (Entry e; (e = parser.next()) != Entry::kEnd;) out.push_back(own_current(parser, e));
  return out;
}

}  // namespace promotel::exposition::testing

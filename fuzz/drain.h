#pragma once

// Pulls every entry out of an exposition parser and reads every byte of every view it hands
// out, so that a view into a freed or overwritten buffer is seen by AddressSanitizer.

#include <cstdint>
#include <string_view>

#include "exposition/parser.h"

namespace promotel::fuzz {

inline uint64_t touch(std::string_view s) {
  uint64_t h = s.size();
  for (unsigned char c : s) h = h * 31 + c;
  return h;
}

inline uint64_t touch(model::Labels labels) {
  uint64_t h = 0;
  for (const auto& l : labels) h += touch(l.name) ^ touch(l.value);
  return h;
}

inline uint64_t drain(exposition::Parser& parser) {
  using exposition::Entry;
  uint64_t h = 0;
  for (Entry e; (e = parser.next()) != Entry::kEnd;) {
    h += parser.position().line;
    switch (e) {
      case Entry::kType: h += touch(parser.metric_name()) + uint64_t(parser.type()); break;
      case Entry::kHelp: h += touch(parser.metric_name()) + touch(parser.help()); break;
      case Entry::kUnit: h += touch(parser.metric_name()) + touch(parser.unit()); break;
      case Entry::kSample: {
        const auto& s = parser.sample();
        h += touch(s.name) + touch(s.labels) + uint64_t(s.value != s.value) + s.timestamp.value_or(0);
        if (s.exemplar) h += touch(s.exemplar->labels) + s.exemplar->timestamp.value_or(0);
        break;
      }
      case Entry::kNativeHistogram: {
        const auto& n = parser.native_histogram();
        h += touch(parser.metric_name()) + touch(n.labels) + n.positive_spans.size() +
             n.negative_spans.size() + n.positive_deltas.size() + n.negative_deltas.size() +
             n.positive_counts.size() + n.negative_counts.size();
        for (const auto& s : n.positive_spans) h += s.length;
        for (const auto& s : n.negative_spans) h += s.length;
        for (auto d : n.positive_deltas) h += uint64_t(d);
        for (auto d : n.negative_deltas) h += uint64_t(d);
        for (const auto& x : n.exemplars) h += touch(x.labels);
        break;
      }
      case Entry::kEnd: break;
    }
  }
  return h;
}

}  // namespace promotel::fuzz

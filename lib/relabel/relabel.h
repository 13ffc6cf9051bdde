#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "relabel/label_set.h"

namespace promotel::relabel {

enum class Action {
  kReplace,
  kKeep,
  kDrop,
  kKeepEqual,
  kDropEqual,
  kHashMod,
  kLabelMap,
  kLabelDrop,
  kLabelKeep,
  kLowercase,
  kUppercase,
};

// Case-insensitive, as Prometheus reads it ("Replace" == "replace"); nullopt if unknown.
std::optional<Action> parse_action(std::string_view name);
std::string_view action_name(Action action);

// A relabel regex as Prometheus compiles it: anchored on both ends, "." matching newlines
// ("^(?s:<source>)$"), RE2 semantics.
class Regex {
 public:
  Regex() : Regex("(.*)") {}
  // Throws promotel::Error with RE2's message when the expression does not compile.
  explicit Regex(std::string source);

  const std::string& source() const { return source_; }
  const RE2& re2() const { return *re_; }
  bool matches(std::string_view text) const;

 private:
  std::string source_;
  std::shared_ptr<const RE2> re_;  // shared: configs are copied, the compiled program is not
};

// One entry of relabel_configs / metric_relabel_configs, with Prometheus' defaults.
struct RelabelConfig {
  std::vector<std::string> source_labels;
  std::string separator = ";";
  Regex regex;
  uint64_t modulus = 0;
  std::string target_label;
  std::string replacement = "$1";
  Action action = Action::kReplace;

  // Which optional fields the input spelled out (validation rejects some per action).
  bool source_labels_set = false;
  bool regex_set = false;
};

// Prometheus' per-action rules (target_label required, fields not allowed, ...). Returns an
// empty string when valid, else the message Prometheus gives.
std::string validate(const RelabelConfig& config);

// Applies one rule to the builder; false when the rule drops the label set.
bool apply(const RelabelConfig& config, LabelBuilder& labels);

// Applies rules in order, stopping at the first drop; false when dropped.
bool process(std::span<const RelabelConfig> configs, LabelBuilder& labels);

// Convenience over a label set: the relabeled, sorted labels, or nullopt when dropped.
std::optional<LabelSet> process(std::span<const RelabelConfig> configs, LabelSet labels);

// Go's regexp.Expand: $1, ${1}, $name, ${name}, $$; unknown or unmatched groups expand to "".
// groups[0] is the whole match; an absent group has data() == nullptr.
std::string expand(std::string_view tmpl, const RE2& re, std::span<const std::string_view> groups);

// The hashmod value: the last 8 bytes of MD5(text), big-endian, modulo modulus.
uint64_t hash_mod(std::string_view text, uint64_t modulus);

}  // namespace promotel::relabel

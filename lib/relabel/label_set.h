#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace promotel::relabel {

// An owned label; relabeling creates and renames labels, so it cannot work on views.
struct LabelPair {
  std::string name;
  std::string value;
  bool operator==(const LabelPair&) const = default;
};

// Labels sorted by name, names unique.
using LabelSet = std::vector<LabelPair>;

// Sorts by name; on a duplicate name the later pair wins.
LabelSet make_label_set(std::vector<LabelPair> pairs);

// The value of name, or nullptr.
const std::string* find_label(const LabelSet& labels, std::string_view name);

// "{a=\"1\", b=\"2\"}" for messages and tests.
std::string to_string(const LabelSet& labels);

// Prometheus' labels.Builder: a base label set plus deletions and additions. Setting an
// empty value deletes. Iteration (range/snapshot) visits the base labels that were neither
// deleted nor overwritten, in name order, then the added labels in the order they were first
// set -- the order the Target Allocator hashes in, so it is kept exactly.
class LabelBuilder {
 public:
  LabelBuilder() = default;
  explicit LabelBuilder(LabelSet base) { reset(std::move(base)); }

  void reset(LabelSet base);
  std::string_view get(std::string_view name) const;  // "" when absent
  void set(std::string_view name, std::string_view value);
  void del(std::string_view name);

  // The current labels in iteration order (a copy, so callers may set/del while walking it).
  std::vector<LabelPair> snapshot() const;
  // The current labels sorted by name.
  LabelSet labels() const;

 private:
  bool deleted(std::string_view name) const;
  const LabelPair* added(std::string_view name) const;

  LabelSet base_;
  std::vector<LabelPair> add_;
  std::vector<std::string> del_;
};

}  // namespace promotel::relabel

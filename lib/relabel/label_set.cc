#include "relabel/label_set.h"

#include <algorithm>

namespace promotel::relabel {

LabelSet make_label_set(std::vector<LabelPair> pairs) {
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const LabelPair& a, const LabelPair& b) { return a.name < b.name; });
  LabelSet out;
  out.reserve(pairs.size());
  for (auto& p : pairs) {
    if (!out.empty() && out.back().name == p.name)
      out.back().value = std::move(p.value);
    else
      out.push_back(std::move(p));
  }
  return out;
}

const std::string* find_label(const LabelSet& labels, std::string_view name) {
  auto it = std::lower_bound(labels.begin(), labels.end(), name,
                             [](const LabelPair& l, std::string_view n) { return l.name < n; });
  if (it == labels.end() || it->name != name) return nullptr;
  return &it->value;
}

std::string to_string(const LabelSet& labels) {
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ", ";
    out += labels[i].name + "=\"" + labels[i].value + "\"";
  }
  return out + "}";
}

void LabelBuilder::reset(LabelSet base) {
  base_ = std::move(base);
  add_.clear();
  del_.clear();
}

bool LabelBuilder::deleted(std::string_view name) const {
  return std::find(del_.begin(), del_.end(), name) != del_.end();
}

const LabelPair* LabelBuilder::added(std::string_view name) const {
  for (const auto& l : add_)
    if (l.name == name) return &l;
  return nullptr;
}

std::string_view LabelBuilder::get(std::string_view name) const {
  if (const LabelPair* a = added(name)) return a->value;
  if (deleted(name)) return {};
  if (const std::string* v = find_label(base_, name)) return *v;
  return {};
}

void LabelBuilder::set(std::string_view name, std::string_view value) {
  if (value.empty()) {
    del(name);
    return;
  }
  for (auto& a : add_) {
    if (a.name == name) {
      a.value = value;
      return;
    }
  }
  add_.push_back({std::string(name), std::string(value)});
}

void LabelBuilder::del(std::string_view name) {
  std::erase_if(add_, [&](const LabelPair& l) { return l.name == name; });
  del_.emplace_back(name);
}

std::vector<LabelPair> LabelBuilder::snapshot() const {
  std::vector<LabelPair> out;
  out.reserve(base_.size() + add_.size());
  for (const auto& l : base_)
    if (!deleted(l.name) && !added(l.name)) out.push_back(l);
  out.insert(out.end(), add_.begin(), add_.end());
  return out;
}

LabelSet LabelBuilder::labels() const { return make_label_set(snapshot()); }

}  // namespace promotel::relabel

#include "scrape/sample_labels.h"

#include <algorithm>

namespace promotel::scrape {

SampleLabeler::SampleLabeler(const LabelSet& target_labels, bool honor_labels)
    : target_labels_(target_labels), honor_labels_(honor_labels) {}

bool SampleLabeler::has(std::string_view name) const {
  return std::any_of(out_.begin(), out_.end(),
                     [&](const model::Label& l) { return l.name == name && !l.value.empty(); });
}

std::string_view SampleLabeler::intern(std::string name) { return *interned_.insert(std::move(name)).first; }

model::Labels SampleLabeler::apply(model::Labels sample_labels) {
  out_.assign(sample_labels.begin(), sample_labels.end());
  conflicts_.clear();
  for (const auto& target : target_labels_.labels()) {
    auto existing = std::find_if(out_.begin(), out_.end(),
                                 [&](const model::Label& l) { return l.name == target.name; });
    bool exposed = existing != out_.end() && !existing->value.empty();
    if (honor_labels_) {
      if (!exposed) {
        if (existing != out_.end()) existing->value = target.value;
        else out_.push_back({target.name, target.value});
      }
      continue;
    }
    if (exposed) conflicts_.push_back(*existing);
    if (existing != out_.end()) existing->value = target.value;
    else out_.push_back({target.name, target.value});
  }
  if (!conflicts_.empty()) {
    std::stable_sort(conflicts_.begin(), conflicts_.end(),
                     [](const model::Label& a, const model::Label& b) { return a.name.size() < b.name.size(); });
    for (const auto& conflict : conflicts_) {
      std::string name = "exported_" + std::string(conflict.name);
      while (has(name)) name = "exported_" + name;
      std::string_view interned = intern(std::move(name));
      auto slot = std::find_if(out_.begin(), out_.end(), [&](const model::Label& l) { return l.name == interned; });
      if (slot != out_.end()) slot->value = conflict.value;
      else out_.push_back({interned, conflict.value});
    }
  }
  std::erase_if(out_, [](const model::Label& l) { return l.value.empty(); });
  std::sort(out_.begin(), out_.end(), [](const model::Label& a, const model::Label& b) { return a.name < b.name; });
  return out_;
}

}  // namespace promotel::scrape

#pragma once

// Attaching a target's labels to the samples scraped from it, as Prometheus does
// (scrape/scrape.go mutateSampleLabels).

#include <string>
#include <unordered_set>
#include <vector>

#include "model/metric.h"
#include "scrape/target.h"

namespace promotel::scrape {

class SampleLabeler {
 public:
  // target_labels: job, instance, ... (no "__" labels). The set must outlive the labeler.
  SampleLabeler(const LabelSet& target_labels, bool honor_labels);

  // The sample's labels merged with the target's, sorted by name, empty values dropped.
  // honor_labels: a label the sample already has wins over the target's. Otherwise the
  // target's wins and the sample's is kept as exported_<name> (exported_exported_<name> if
  // that is taken too, ...). The views stay valid until the next call.
  model::Labels apply(model::Labels sample_labels);

 private:
  bool has(std::string_view name) const;
  std::string_view intern(std::string name);

  const LabelSet& target_labels_;
  bool honor_labels_;
  std::vector<model::Label> out_;
  std::vector<model::Label> conflicts_;
  std::unordered_set<std::string> interned_;  // exported_* names; node storage keeps views valid
};

}  // namespace promotel::scrape

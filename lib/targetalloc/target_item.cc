#include "targetalloc/target_item.h"

#include <xxhash.h>

#include "relabel/relabel.h"

namespace promotel::targetalloc {

uint64_t identity_hash(const std::vector<relabel::LabelPair>& ordered, std::string_view job) {
  XXH64_state_t* state = XXH64_createState();
  XXH64_reset(state, 0);
  const char sep = '\xff';
  for (const auto& l : ordered) {
    if (l.name.starts_with("__meta_")) continue;
    XXH64_update(state, l.name.data(), l.name.size());
    XXH64_update(state, &sep, 1);
    XXH64_update(state, l.value.data(), l.value.size());
    XXH64_update(state, &sep, 1);
  }
  XXH64_update(state, job.data(), job.size());
  uint64_t h = XXH64_digest(state);
  XXH64_freeState(state);
  return h;
}

namespace {

const std::vector<relabel::RelabelConfig>& sharding_guard_head() {
  static const std::vector<relabel::RelabelConfig> rules = [] {
    relabel::RelabelConfig set;
    set.target_label = "__tmp_disable_sharding";
    set.replacement = "true";
    return std::vector<relabel::RelabelConfig>{set};
  }();
  return rules;
}

const relabel::RelabelConfig& sharding_guard_tail() {
  static const relabel::RelabelConfig drop = [] {
    relabel::RelabelConfig c;
    c.action = relabel::Action::kLabelDrop;
    c.regex = relabel::Regex("__tmp_disable_sharding");
    return c;
  }();
  return drop;
}

}  // namespace

void ItemSet::add(const promconfig::ScrapeConfig& job, relabel::LabelSet discovered,
                  FilterStrategy filter) {
  const std::string* addr = relabel::find_label(discovered, "__address__");
  std::string target_url = addr ? *addr : "";
  uint64_t hash;
  relabel::LabelSet scrape_labels;
  std::string scrape_error;
  if (filter == FilterStrategy::kRelabelConfig) {
    relabel::LabelBuilder lb(discovered);
    promconfig::seed_scrape_labels(job, lb);
    bool keep = relabel::process(sharding_guard_head(), lb) &&
                relabel::process(job.relabel_configs, lb) &&
                relabel::apply(sharding_guard_tail(), lb);
    if (!keep) {
      dropped_.push_back({job.job_name, target_url, "dropped by relabel_configs"});
      return;
    }
    hash = identity_hash(lb.snapshot(), job.job_name);
    if (with_scrape_labels_) {
      auto populated = promconfig::finish_scrape_labels(lb);
      scrape_labels = std::move(populated.labels);
      scrape_error = std::move(populated.error);
    }
  } else {
    hash = identity_hash(discovered, job.job_name);
    if (with_scrape_labels_) {
      // The collector still applies the job's rules (with the sharding guard, as the TA's
      // filter would); only the allocation ignores them.
      relabel::LabelBuilder lb(discovered);
      promconfig::seed_scrape_labels(job, lb);
      bool keep = relabel::process(sharding_guard_head(), lb) &&
                  relabel::process(job.relabel_configs, lb) &&
                  relabel::apply(sharding_guard_tail(), lb);
      if (!keep) {
        scrape_error = "dropped by relabel_configs";
      } else {
        auto populated = promconfig::finish_scrape_labels(lb);
        scrape_labels = std::move(populated.labels);
        scrape_error = std::move(populated.error);
      }
    }
  }
  TargetItem item{job.job_name, std::move(target_url), std::move(discovered), hash,
                  std::move(scrape_labels), std::move(scrape_error)};
  auto [it, inserted] = index_.try_emplace(hash, items_.size());
  if (inserted) {
    items_.push_back(std::move(item));
  } else {
    ++duplicates_;
    items_[it->second] = std::move(item);
  }
}

void ItemSet::add_job(const promconfig::ScrapeConfig& job,
                      const std::vector<promconfig::TargetGroup>& groups, FilterStrategy filter) {
  for (const auto& g : groups)
    for (const auto& t : g.targets) add(job, promconfig::merge_labels(g.labels, t), filter);
}

}  // namespace promotel::targetalloc

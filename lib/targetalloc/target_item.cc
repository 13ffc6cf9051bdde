#include "targetalloc/target_item.h"

#define XXH_STATIC_LINKING_ONLY  // XXH64_state_t on the stack
#include <xxhash.h>

#include "relabel/relabel.h"

namespace promotel::targetalloc {

namespace {

class IdentityHasher {
 public:
  IdentityHasher() { XXH64_reset(&state_, 0); }
  void add(const relabel::LabelPair& l) {
    if (l.name.starts_with("__meta_")) return;
    const char sep = '\xff';
    XXH64_update(&state_, l.name.data(), l.name.size());
    XXH64_update(&state_, &sep, 1);
    XXH64_update(&state_, l.value.data(), l.value.size());
    XXH64_update(&state_, &sep, 1);
  }
  uint64_t finish(std::string_view job) {
    XXH64_update(&state_, job.data(), job.size());
    return XXH64_digest(&state_);
  }

 private:
  XXH64_state_t state_;
};

}  // namespace

uint64_t identity_hash(const std::vector<relabel::LabelPair>& ordered, std::string_view job) {
  IdentityHasher h;
  for (const auto& l : ordered) h.add(l);
  return h.finish(job);
}

uint64_t identity_hash(const relabel::LabelBuilder& labels, std::string_view job) {
  IdentityHasher h;
  labels.for_each([&](const relabel::LabelPair& l) { h.add(l); });
  return h.finish(job);
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

bool ItemSet::seeds_match(const promconfig::ScrapeConfig& job) const {
  const auto& k = seeds_job_;
  return k.job_name == job.job_name && k.scrape_interval_ms == job.scrape_interval_ms &&
         k.scrape_timeout_ms == job.scrape_timeout_ms && k.metrics_path == job.metrics_path &&
         k.scheme == job.scheme && k.params == job.params;
}

void ItemSet::add(const promconfig::ScrapeConfig& job, relabel::LabelSet discovered,
                  FilterStrategy filter) {
  const std::string* addr = relabel::find_label(discovered, "__address__");
  std::string target_url = addr ? *addr : "";
  uint64_t hash;
  relabel::LabelSet scrape_labels;
  std::string scrape_error;
  if (filter == FilterStrategy::kRelabelConfig) {
    if (seeds_.empty() || !seeds_match(job)) {
      relabel::LabelBuilder seeds;
      promconfig::seed_scrape_labels(job, seeds);
      seeds_ = seeds.snapshot();
      seeds_job_.job_name = job.job_name;
      seeds_job_.scrape_interval_ms = job.scrape_interval_ms;
      seeds_job_.scrape_timeout_ms = job.scrape_timeout_ms;
      seeds_job_.metrics_path = job.metrics_path;
      seeds_job_.scheme = job.scheme;
      seeds_job_.params = job.params;
    }
    relabel::LabelBuilder lb;
    lb.borrow(discovered);
    for (const auto& s : seeds_)
      if (lb.get(s.name).empty()) lb.set(s.name, s.value);
    // The TA's guard around the job's rules: [set __tmp_disable_sharding=true] + rules +
    // [labeldrop __tmp_disable_sharding], written out directly.
    lb.set("__tmp_disable_sharding", "true");
    bool keep = relabel::process(job.relabel_configs, lb);
    if (!keep) {
      dropped_.push_back({job.job_name, target_url, "dropped by relabel_configs"});
      return;
    }
    lb.del("__tmp_disable_sharding");
    hash = identity_hash(lb, job.job_name);
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

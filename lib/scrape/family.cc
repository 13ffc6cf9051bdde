#include "scrape/family.h"

#include <initializer_list>

namespace promotel::scrape {
namespace {

bool has_suffix_of(std::string_view name, std::string_view family, std::initializer_list<std::string_view> suffixes) {
  if (name.size() <= family.size() || name.substr(0, family.size()) != family) return false;
  std::string_view suffix = name.substr(family.size());
  for (auto s : suffixes) {
    if (suffix == s) return true;
  }
  return false;
}

}  // namespace

bool sample_belongs_to_family(std::string_view sample_name, std::string_view family, model::MetricType type) {
  if (sample_name == family) return true;
  using model::MetricType;
  switch (type) {
    case MetricType::kCounter: return has_suffix_of(sample_name, family, {"_total", "_created"});
    case MetricType::kHistogram: return has_suffix_of(sample_name, family, {"_bucket", "_count", "_sum", "_created"});
    case MetricType::kGaugeHistogram: return has_suffix_of(sample_name, family, {"_bucket", "_gcount", "_gsum"});
    case MetricType::kSummary: return has_suffix_of(sample_name, family, {"_count", "_sum", "_created"});
    case MetricType::kInfo: return has_suffix_of(sample_name, family, {"_info"});
    default: return false;
  }
}

bool is_created_sample(std::string_view sample_name, std::string_view family, model::MetricType type) {
  using model::MetricType;
  if (type != MetricType::kCounter && type != MetricType::kHistogram && type != MetricType::kSummary) return false;
  return has_suffix_of(sample_name, family, {"_created"});
}

}  // namespace promotel::scrape

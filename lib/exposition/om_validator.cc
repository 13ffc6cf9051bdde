#include "exposition/om_validator.h"

#include <algorithm>
#include <cmath>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <functional>

#include "exposition/number.h"
#include "common/utf8.h"

namespace promotel::exposition {
namespace {

using model::MetricType;

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

uint64_t hash(std::string_view s) { return XXH3_64bits(s.data(), s.size()); }

uint64_t label_hash(const model::Label& label) { return mix(hash(label.name) * 31 + hash(label.value)); }

std::string format_number(double v) {
  char buf[64];
  snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

bool HashSet::insert(uint64_t key) {
  if (key == 0) key = 1;
  if ((size_ + 1) * 2 > slots_.size()) grow();
  size_t mask = slots_.size() - 1;
  for (size_t i = mix(key) & mask;; i = (i + 1) & mask) {
    if (slots_[i] == key) return false;
    if (slots_[i] == 0) {
      slots_[i] = key;
      ++size_;
      return true;
    }
  }
}

void HashSet::clear() {
  if (size_ == 0) return;
  if (slots_.size() > 4096) slots_.assign(64, 0);  // don't keep a huge family's table forever
  else std::fill(slots_.begin(), slots_.end(), 0);
  size_ = 0;
}

void HashSet::grow() {
  std::vector<uint64_t> old = std::move(slots_);
  slots_.assign(old.empty() ? 64 : old.size() * 2, 0);
  size_ = 0;
  for (uint64_t k : old)
    if (k) insert(k);
}

std::vector<std::string> OpenMetricsValidator::sample_names() const {
  const std::string& n = family_;
  switch (type_) {
    case MetricType::kCounter: return {n, n + "_total", n + "_created"};
    case MetricType::kInfo: return {n, n + "_info"};
    case MetricType::kHistogram: return {n, n + "_bucket", n + "_count", n + "_sum", n + "_created"};
    case MetricType::kGaugeHistogram: return {n, n + "_bucket", n + "_gcount", n + "_gsum"};
    case MetricType::kSummary: return {n, n + "_count", n + "_sum", n + "_created"};
    default: return {n};
  }
}

bool OpenMetricsValidator::belongs(std::string_view name) const {
  if (!active_ || !name.starts_with(family_)) return false;
  std::string_view suffix = name.substr(family_.size());
  switch (type_) {
    case MetricType::kCounter: return suffix == "_total" || suffix == "_created";
    case MetricType::kInfo: return suffix == "_info";
    case MetricType::kHistogram:
      return suffix == "_bucket" || suffix == "_count" || suffix == "_sum" || suffix == "_created";
    case MetricType::kGaugeHistogram: return suffix == "_bucket" || suffix == "_gcount" || suffix == "_gsum";
    case MetricType::kSummary: return suffix.empty() || suffix == "_count" || suffix == "_sum" || suffix == "_created";
    default: return suffix.empty();
  }
}

std::optional<std::string> OpenMetricsValidator::start_family(std::string_view name) {
  if (taken_.contains(std::string(name)))
    return "metric family " + quoted(name) +
           " appears again or clashes with a sample name of an earlier family (families must not be "
           "interleaved or repeated)";
  active_ = true;
  family_.assign(name);
  type_ = MetricType::kUnknown;
  has_type_ = has_help_ = has_unit_ = has_samples_ = false;
  unit_.clear();
  seen_groups_.clear();
  has_group_ = false;
  series_.clear();
  point_ = Point{};
  return std::nullopt;
}

std::optional<std::string> OpenMetricsValidator::finish_family() {
  if (!active_) return std::nullopt;
  if (auto e = finish_point()) return e;
  for (auto& n : sample_names()) taken_.insert(std::move(n));
  active_ = false;
  return std::nullopt;
}

std::optional<std::string> OpenMetricsValidator::check_sample_names_free() {
  for (const auto& n : sample_names())
    if (n != family_ && taken_.contains(n))
      return "metric family " + quoted(family_) + " of type " + std::string(model::to_string(type_)) +
             " has sample name " + quoted(n) + ", which clashes with an earlier family";
  return std::nullopt;
}

std::optional<std::string> OpenMetricsValidator::descriptor(std::string_view family, const char* what) {
  if (!active_ || family != family_) {
    if (auto e = finish_family()) return e;
    return start_family(family);
  }
  if (has_samples_)
    return std::string("# ") + what + " for " + quoted(family) + " after its samples (metadata must come first)";
  return std::nullopt;
}

std::optional<std::string> OpenMetricsValidator::type(std::string_view family, MetricType type) {
  if (auto e = descriptor(family, "TYPE")) return e;
  if (has_type_) return "second # TYPE line for " + quoted(family);
  has_type_ = true;
  type_ = type;
  if (has_unit_ && !unit_.empty() && (type == MetricType::kInfo || type == MetricType::kStateSet))
    return std::string(model::to_string(type)) + " metric " + quoted(family) + " must not have a UNIT";
  return check_sample_names_free();
}

std::optional<std::string> OpenMetricsValidator::help(std::string_view family) {
  if (auto e = descriptor(family, "HELP")) return e;
  if (has_help_) return "second # HELP line for " + quoted(family);
  has_help_ = true;
  return std::nullopt;
}

std::optional<std::string> OpenMetricsValidator::unit(std::string_view family, std::string_view unit) {
  if (auto e = descriptor(family, "UNIT")) return e;
  if (has_unit_) return "second # UNIT line for " + quoted(family);
  has_unit_ = true;
  unit_.assign(unit);
  if (unit.empty()) return std::nullopt;
  if (type_ == MetricType::kInfo || type_ == MetricType::kStateSet)
    return std::string(model::to_string(type_)) + " metric " + quoted(family) + " must not have a UNIT";
  if (!(family.size() > unit.size() && family.ends_with(unit) && family[family.size() - unit.size() - 1] == '_'))
    return "unit " + quoted(unit) + " must be the suffix of the metric name " + quoted(family) +
           " (e.g. foo_" + std::string(unit) + ")";
  return std::nullopt;
}

std::optional<std::string> OpenMetricsValidator::finish_point() {
  Point p = point_;
  point_ = Point{};
  if (!p.any) return std::nullopt;
  if (type_ != MetricType::kHistogram && type_ != MetricType::kGaugeHistogram) return std::nullopt;
  bool gauge = type_ == MetricType::kGaugeHistogram;
  const char* count = gauge ? "_gcount" : "_count";
  const char* sum = gauge ? "_gsum" : "_sum";
  if (!p.has_inf) return "histogram " + quoted(family_) + " has no bucket with le=\"+Inf\"";
  if (p.has_count != p.has_sum)
    return "histogram " + quoted(family_) + " has " + (p.has_count ? count : sum) + " without " +
           (p.has_count ? sum : count);
  if (p.has_count && p.count != p.inf_value)
    return "histogram " + quoted(family_) + ": " + count + " " + format_number(p.count) +
           " differs from the +Inf bucket " + format_number(p.inf_value);
  if (!gauge && p.has_sum && p.has_negative)
    return "histogram " + quoted(family_) + " has buckets with negative le and must not have _sum";
  if (!gauge && p.has_sum && p.sum < 0)
    return "histogram " + quoted(family_) + ": _sum must not be negative";
  if (gauge && p.has_sum && p.sum < 0 && !p.has_negative)
    return "gauge histogram " + quoted(family_) + ": _gsum is negative without negative buckets";
  return std::nullopt;
}

std::optional<std::string> OpenMetricsValidator::sample(const model::Sample& s) {
  if (!belongs(s.name)) {
    if (auto e = finish_family()) return e;
    if (auto e = start_family(s.name)) return e;
  }
  has_samples_ = true;
  const model::Labels& labels = s.labels;
  for (size_t i = 0; i < labels.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (labels[i].name == labels[j].name) return "duplicate label name " + quoted(labels[i].name);

  std::string_view suffix = s.name.substr(family_.size());
  bool histogram = type_ == MetricType::kHistogram || type_ == MetricType::kGaugeHistogram;
  const model::Label* special = nullptr;  // le / quantile
  std::string_view special_name = histogram && suffix == "_bucket" ? "le"
                                  : type_ == MetricType::kSummary && suffix.empty() ? "quantile"
                                  : type_ == MetricType::kStateSet ? std::string_view(family_)
                                                                   : std::string_view();
  uint64_t group = 0, series = hash(s.name);
  for (const auto& l : labels) {
    uint64_t h = label_hash(l);
    series += h;
    if (!special_name.empty() && l.name == special_name) {
      special = &l;
    } else {
      group += h;
    }
  }

  // Exemplars.
  if (s.exemplar) {
    bool allowed = (type_ == MetricType::kCounter && suffix == "_total") || (histogram && suffix == "_bucket");
    if (!allowed)
      return "exemplars are only allowed on counter _total and histogram _bucket samples, not on " + quoted(s.name);
    size_t length = 0;
    for (const auto& l : s.exemplar->labels) length += count_code_points(l.name) + count_code_points(l.value);
    if (length > 128)
      return "exemplar label set is " + std::to_string(length) + " code points long (at most 128 allowed)";
    for (size_t i = 0; i < s.exemplar->labels.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (s.exemplar->labels[i].name == s.exemplar->labels[j].name)
          return "duplicate exemplar label name " + quoted(s.exemplar->labels[i].name);
  }

  // Grouping: the label sets of one family must not interleave.
  if (!has_group_ || group != group_) {
    if (auto e = finish_point()) return e;
    if (has_group_ && !seen_groups_.insert(group))
      return "label set of " + quoted(s.name) + " appears again after other label sets of family " +
             quoted(family_) + " (metrics must not be interleaved)";
    if (!has_group_) seen_groups_.insert(group);
    has_group_ = true;
    group_ = group;
    series_.clear();
  }
  // Timestamps within a series.
  bool repeated = false;
  for (auto& prev : series_) {
    if (prev.hash != series) continue;
    if (!prev.timestamp || !s.timestamp)
      return quoted(s.name) + " appears more than once, which needs a timestamp on every point";
    if (*s.timestamp < *prev.timestamp) return "timestamps of " + quoted(s.name) + " go backwards";
    prev.timestamp = s.timestamp;
    repeated = true;
    break;
  }
  if (repeated) {
    if (auto e = finish_point()) return e;
  } else {
    series_.push_back({series, s.timestamp});
  }

  double v = s.value;
  auto counter_like = [&](const char* what) -> std::optional<std::string> {
    if (std::isnan(v)) return std::string(what) + " " + quoted(s.name) + " must not be NaN";
    if (v < 0) return std::string(what) + " " + quoted(s.name) + " must not be negative";
    return std::nullopt;
  };
  switch (type_) {
    case MetricType::kCounter:
      if (suffix == "_total") return counter_like("counter value");
      return std::nullopt;
    case MetricType::kStateSet:
      if (!special) return "stateset sample " + quoted(s.name) + " needs a label named " + quoted(family_);
      if (v != 0 && v != 1) return "stateset value must be 0 or 1, got " + format_number(v);
      return std::nullopt;
    case MetricType::kInfo:
      if (v != 1) return "info value must be 1, got " + format_number(v);
      return std::nullopt;
    case MetricType::kSummary:
      if (suffix.empty()) {
        if (!special) return "summary sample " + quoted(s.name) + " needs a quantile label";
        auto q = parse_value(special->value);
        if (!q || std::isnan(*q) || *q < 0 || *q > 1)
          return "quantile " + quoted(special->value) + " must be a number between 0 and 1";
        if (v < 0) return "summary quantile value must not be negative";
        return std::nullopt;
      }
      if (suffix == "_count" || suffix == "_sum") return counter_like("summary");
      return std::nullopt;
    case MetricType::kHistogram:
    case MetricType::kGaugeHistogram: {
      point_.any = true;
      if (suffix == "_bucket") {
        if (!special) return "histogram bucket " + quoted(s.name) + " needs an le label";
        auto le = parse_value(special->value);
        if (!le || std::isnan(*le)) return "le " + quoted(special->value) + " is not a number";
        if (auto e = counter_like("bucket")) return e;
        if (point_.has_bucket) {
          if (!(*le > point_.last_le)) return "histogram buckets must be in increasing le order";
          if (v < point_.last_bucket) return "histogram bucket counts must be cumulative (non-decreasing)";
        }
        point_.has_bucket = true;
        point_.last_le = *le;
        point_.last_bucket = v;
        if (*le < 0) point_.has_negative = true;
        if (std::isinf(*le) && *le > 0) {
          if (special->value != "+Inf") return "the +Inf bucket must be written le=\"+Inf\", not " + quoted(special->value);
          point_.has_inf = true;
          point_.inf_value = v;
        }
        return std::nullopt;
      }
      if (suffix == "_count" || suffix == "_gcount") {
        if (auto e = counter_like("histogram count")) return e;
        point_.has_count = true;
        point_.count = v;
        return std::nullopt;
      }
      if (suffix == "_sum" || suffix == "_gsum") {
        if (std::isnan(v)) return "histogram sum " + quoted(s.name) + " must not be NaN";
        point_.has_sum = true;
        point_.sum = v;
        return std::nullopt;
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

std::optional<std::string> OpenMetricsValidator::end() { return finish_family(); }

}  // namespace promotel::exposition

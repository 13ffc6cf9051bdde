#include "promreceiver/transaction.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/error.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "promreceiver/naming.h"
#include "promreceiver/resource.h"

namespace promotel::promreceiver {

namespace pb_collector = opentelemetry::proto::collector::metrics::v1;
namespace pb_metrics = opentelemetry::proto::metrics::v1;
namespace pb_common = opentelemetry::proto::common::v1;

using model::MetricType;
using model::TimestampMs;

namespace {

constexpr uint32_t kNone = UINT32_MAX;

// Heterogeneous lookup so string_view keys find std::string entries without a copy.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return XXH3_64bits(s.data(), s.size()); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

struct Metadata {
  MetricType type = MetricType::kUnknown;
  std::string help;
  std::string unit;
};

// The OTLP shape a family becomes (A5). kEmpty is the receiver's type for gauge histograms:
// their samples become Gauge points.
enum class Kind { kGauge, kSum, kHistogram, kSummary, kExponentialHistogram, kEmpty };

Kind kind_of(MetricType type, bool native) {
  switch (type) {
    case MetricType::kCounter:
    case MetricType::kInfo:
    case MetricType::kStateSet:
      return Kind::kSum;
    case MetricType::kHistogram:
      return native ? Kind::kExponentialHistogram : Kind::kHistogram;
    case MetricType::kGaugeHistogram:
      return native ? Kind::kExponentialHistogram : Kind::kEmpty;
    case MetricType::kSummary:
      return Kind::kSummary;
    case MetricType::kGauge:
    case MetricType::kUnknown:
      return Kind::kGauge;
  }
  return Kind::kGauge;
}

struct SyntheticMetric {
  std::string_view name;
  std::string_view help;
  std::string_view unit;  // raw Prometheus unit word
};

// The receiver's fixed metadata for Prometheus' scrape series (A13).
constexpr SyntheticMetric kSyntheticMetrics[] = {
    {"up", "The scraping was successful", ""},
    {"scrape_duration_seconds", "Duration of the scrape", "seconds"},
    {"scrape_samples_scraped", "The number of samples the target exposed", ""},
    {"scrape_samples_post_metric_relabeling",
     "The number of samples remaining after metric relabeling was applied", ""},
    {"scrape_series_added", "The approximate number of new series in this scrape", ""},
    {"scrape_timeout_seconds", "Timeout of the scrape", ""},
    {"scrape_sample_limit", "Sample limit of the scrape", ""},
    {"scrape_body_size_bytes", "Length of the scrape response in bytes", ""},
};

const SyntheticMetric* find_synthetic(std::string_view name) {
  for (const auto& m : kSyntheticMetrics) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

struct OwnedExemplar {
  std::vector<Attribute> labels;  // sorted, non-empty values
  double value = 0;
  TimestampMs timestamp = 0;
};

struct NativeBuckets {
  int32_t offset = 0;
  std::vector<uint64_t> counts;
};

struct NativePoint {
  int32_t scale = 0;
  double count = 0;
  double sum = 0;
  double zero_threshold = 0;
  double zero_count = 0;
  NativeBuckets positive;
  NativeBuckets negative;
};

// One OTLP data point in the making (the receiver's "metric group").
struct Group {
  std::vector<Attribute> attributes;
  TimestampMs timestamp = 0;
  bool has_timestamp = false;
  double value = 0;
  bool has_value = false;
  double created = 0;
  bool has_created = false;
  double count = 0;
  bool has_count = false;
  double sum = 0;
  bool has_sum = false;
  std::vector<std::pair<double, double>> buckets;    // (le, cumulative count)
  std::vector<std::pair<double, double>> quantiles;  // (quantile, value)
  std::vector<OwnedExemplar> exemplars;
  std::unique_ptr<NativePoint> native;
};

struct Family {
  std::string name;           // the OTLP metric name before suffix trimming
  std::string metadata_name;  // the name its metadata is registered under
  MetricType prom_type = MetricType::kUnknown;
  Kind kind = Kind::kGauge;
  std::string help;
  std::string unit;  // raw Prometheus unit
  std::vector<Group> groups;
  std::unordered_map<uint64_t, uint32_t> group_index;
  bool dropped = false;
};

struct ScopeInfo {
  std::vector<Attribute> attributes;
};

struct Scope {
  bool is_default = false;
  std::string name;
  std::string version;
  std::string schema_url;
  std::vector<Attribute> attributes;  // from otel_scope_<x> labels, sorted
  std::vector<uint32_t> families;     // pending, first-seen order
};

struct Resource {
  std::string job;
  std::string instance;
  std::vector<Attribute> attributes;
  std::vector<uint32_t> scopes;  // first-seen order
  uint32_t default_scope = kNone;
  // otel_scope_info attributes by (name, version, schema URL) key.
  StringMap<std::vector<Attribute>> scope_info;
};

struct LabelRef {
  std::string_view name;
  std::string_view value;
};

bool is_hex(std::string_view s) {
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string hex_to_bytes(std::string_view hex) {
  std::string out(hex.size() / 2, '\0');
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10;
  };
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<char>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  }
  return out;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

// Go's strconv.ParseFloat for le/quantile label values: decimal, hex, Inf/NaN spellings.
bool parse_label_float(std::string_view text, double* out) {
  if (text.empty()) return false;
  std::string s(text);
  if (s.find('_') != std::string::npos) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

// _created seconds → ns, in the receiver's double arithmetic (A8).
uint64_t created_to_nanos(double seconds) {
  double secs = std::trunc(seconds);
  double nanos = std::trunc((seconds - secs) * 1e9);
  return static_cast<uint64_t>(static_cast<int64_t>(secs) * 1000000000LL +
                               static_cast<int64_t>(nanos));
}

uint64_t ms_to_nanos(TimestampMs ms) { return static_cast<uint64_t>(ms) * 1000000ULL; }

// Go's uint64(float64) for the values the receiver converts (already validated non-negative).
uint64_t to_uint64(double v) {
  if (!(v > 0)) return 0;
  if (v >= 18446744073709551616.0) return UINT64_MAX;
  return static_cast<uint64_t>(v);
}

void add_attributes(const std::vector<Attribute>& attrs,
                    google::protobuf::RepeatedPtrField<pb_common::KeyValue>* out) {
  out->Reserve(out->size() + static_cast<int>(attrs.size()));
  for (const auto& [key, value] : attrs) {
    pb_common::KeyValue* kv = out->Add();
    kv->set_key(key);
    kv->mutable_value()->set_string_value(value);
  }
}

}  // namespace

struct Transaction::State {
  Options options;
  Warn warn;
  StringMap<Metadata> metadata;

  std::vector<Resource> resources;
  StringMap<uint32_t> resource_index;  // job '\0' instance
  std::vector<Scope> scopes;
  StringMap<uint32_t> scope_index;     // resource, name, version, schema, attributes
  std::vector<Family> families;
  StringMap<uint32_t> family_index;    // scope, native flag, name (and aliases)
  size_t pending_points = 0;
  size_t samples_seen = 0;
  std::vector<std::string> dropped_families;  // drop_family() names, until commit

  // Scratch reused for every sample.
  std::vector<LabelRef> labels;
  std::string key;
  uint32_t last_resource = kNone;

  void warning(const std::string& message) {
    if (warn) warn(message);
  }

  // --- metadata lookup (A4) ---

  // The metadata and family name for a sample name; nullptr metadata = unknown.
  struct Lookup {
    MetricType type = MetricType::kUnknown;
    std::string_view help;
    std::string_view unit;
    std::string family_name;
    std::string metadata_name;
  };

  Lookup lookup_metadata(std::string_view name) const {
    Lookup out;
    if (const SyntheticMetric* s = find_synthetic(name)) {
      out.type = MetricType::kGauge;
      out.help = s->help;
      out.unit = s->unit;
      out.family_name = std::string(name);
      out.metadata_name = out.family_name;
      return out;
    }
    if (auto it = metadata.find(name); it != metadata.end()) {
      out.type = it->second.type;
      out.help = it->second.help;
      out.unit = it->second.unit;
      out.family_name = std::string(name);
      out.metadata_name = out.family_name;
      return out;
    }
    std::string_view base = normalize_metric_name(name);
    if (auto it = metadata.find(base); it != metadata.end()) {
      out.type = it->second.type;
      out.help = it->second.help;
      out.unit = it->second.unit;
      out.metadata_name = std::string(base);
      if (it->second.type == MetricType::kCounter) {
        out.family_name =
            has_suffix(name, "_created") ? std::string(base) + "_total" : std::string(name);
      } else {
        out.family_name = std::string(base);
      }
      return out;
    }
    out.family_name = std::string(name);
    out.metadata_name = out.family_name;
    return out;
  }

  bool has_metadata(std::string_view name) const {
    return find_synthetic(name) != nullptr || metadata.count(name) != 0;
  }

  // --- resources and scopes ---

  uint32_t resource_for(std::string_view job, std::string_view instance) {
    if (last_resource != kNone && resources[last_resource].job == job &&
        resources[last_resource].instance == instance) {
      return last_resource;
    }
    key.assign(job);
    key.push_back('\0');
    key.append(instance);
    auto it = resource_index.find(std::string_view(key));
    if (it == resource_index.end()) {
      Resource r;
      r.job = std::string(job);
      r.instance = std::string(instance);
      r.attributes = target_resource_attributes(job, instance, options.scheme);
      resources.push_back(std::move(r));
      it = resource_index.emplace(key, static_cast<uint32_t>(resources.size() - 1)).first;
    }
    last_resource = it->second;
    return last_resource;
  }

  uint32_t default_scope(uint32_t resource) {
    Resource& r = resources[resource];
    if (r.default_scope == kNone) {
      Scope s;
      s.is_default = true;
      s.name = std::string(kDefaultScopeName);
      s.version = options.scope_version;
      scopes.push_back(std::move(s));
      r.default_scope = static_cast<uint32_t>(scopes.size() - 1);
    }
    return r.default_scope;
  }

  static void scope_key(std::string& key, uint32_t resource, std::string_view name,
                        std::string_view version, std::string_view schema_url) {
    key.assign(reinterpret_cast<const char*>(&resource), sizeof resource);
    key.append(name);
    key.push_back('\0');
    key.append(version);
    key.push_back('\0');
    key.append(schema_url);
    key.push_back('\0');
  }

  // The scope of a series with otel_scope_* labels (labels sorted).
  uint32_t scope_for(uint32_t resource) {
    std::string_view name, version, schema_url;
    bool any = false;
    for (const LabelRef& l : labels) {
      if (!l.name.starts_with("otel_scope_")) continue;
      any = true;
      if (l.name == "otel_scope_name") name = l.value;
      else if (l.name == "otel_scope_version") version = l.value;
      else if (l.name == "otel_scope_schema_url") schema_url = l.value;
    }
    if (!any) return default_scope(resource);
    scope_key(key, resource, name, version, schema_url);
    for (const LabelRef& l : labels) {
      if (!l.name.starts_with("otel_scope_") || l.name == "otel_scope_name" ||
          l.name == "otel_scope_version" || l.name == "otel_scope_schema_url") {
        continue;
      }
      key.append(l.name.substr(11));
      key.push_back('\0');
      key.append(l.value);
      key.push_back('\0');
    }
    auto it = scope_index.find(std::string_view(key));
    if (it != scope_index.end()) return it->second;
    Scope s;
    s.name = std::string(name);
    s.version = std::string(version);
    s.schema_url = std::string(schema_url);
    for (const LabelRef& l : labels) {
      if (!l.name.starts_with("otel_scope_") || l.name == "otel_scope_name" ||
          l.name == "otel_scope_version" || l.name == "otel_scope_schema_url") {
        continue;
      }
      s.attributes.emplace_back(std::string(l.name.substr(11)), std::string(l.value));
    }
    scopes.push_back(std::move(s));
    uint32_t index = static_cast<uint32_t>(scopes.size() - 1);
    resources[resource].scopes.push_back(index);
    scope_index.emplace(key, index);
    return index;
  }

  // --- families (A4 getOrCreateMetricFamily) ---

  void family_key(uint32_t scope, bool native, std::string_view name) {
    key.assign(reinterpret_cast<const char*>(&scope), sizeof scope);
    key.push_back(native ? '\1' : '\0');
    key.append(name);
  }

  bool is_dropped(const Family& f) const {
    for (const std::string& d : dropped_families) {
      if (f.name == d || f.metadata_name == d || normalize_metric_name(f.name) == d) return true;
    }
    return false;
  }

  static bool includes(const Family& f, std::string_view name) {
    switch (f.kind) {
      case Kind::kSum:
        return normalize_metric_name(name) == f.metadata_name;
      case Kind::kGauge:
        return name == f.name;
      default:
        return normalize_metric_name(name) == f.name;
    }
  }

  uint32_t family_for(uint32_t scope, bool native, std::string_view name) {
    family_key(scope, native, name);
    if (auto it = family_index.find(std::string_view(key)); it != family_index.end()) {
      return it->second;
    }
    std::string candidate;
    std::string_view base = normalize_metric_name(name);
    if (has_metadata(name)) {
      candidate = std::string(name);
    } else {
      candidate = std::string(base);
    }
    if (has_suffix(name, "_created")) {
      if (auto it = metadata.find(base);
          it != metadata.end() && it->second.type == MetricType::kCounter) {
        candidate = std::string(base) + "_total";
      }
    }
    family_key(scope, native, candidate);
    if (auto it = family_index.find(std::string_view(key)); it != family_index.end()) {
      if (includes(families[it->second], name)) {
        uint32_t index = it->second;
        family_key(scope, native, name);
        family_index.emplace(key, index);
        return index;
      }
    }
    Lookup found = lookup_metadata(name);
    Family f;
    f.name = found.family_name;
    f.metadata_name = found.metadata_name;
    f.prom_type = found.type;
    f.kind = kind_of(found.type, native);
    f.help = std::string(found.help);
    f.unit = std::string(found.unit);
    f.dropped = is_dropped(f);
    families.push_back(std::move(f));
    uint32_t index = static_cast<uint32_t>(families.size() - 1);
    scopes[scope].families.push_back(index);
    family_key(scope, native, families[index].name);
    family_index.insert_or_assign(key, index);
    if (families[index].name != name) {
      family_key(scope, native, name);
      family_index.insert_or_assign(key, index);
    }
    return index;
  }

  // --- series labels ---

  // Fills `labels` with the sample's labels after target-label handling, sorted by name, and
  // returns the target job/instance.
  void prepare_labels(model::Labels input, std::string_view* job, std::string_view* instance) {
    labels.clear();
    *job = options.job;
    *instance = options.instance;
    for (const model::Label& l : input) {
      if (l.value.empty()) continue;
      if (l.name == "job") {
        if (options.job.empty() || options.honor_labels) {
          *job = l.value;
        } else {
          labels.push_back({"exported_job", l.value});
        }
        continue;
      }
      if (l.name == "instance") {
        if (options.instance.empty() || options.honor_labels) {
          *instance = l.value;
        } else {
          labels.push_back({"exported_instance", l.value});
        }
        continue;
      }
      labels.push_back({l.name, l.value});
    }
    if (labels.size() > 1) {
      std::sort(labels.begin(), labels.end(),
                [](const LabelRef& a, const LabelRef& b) { return a.name < b.name; });
      // Prometheus (and the receiver) reject the whole scrape for a series like this.
      for (size_t i = 1; i < labels.size(); ++i) {
        if (labels[i].name == labels[i - 1].name) {
          throw Error("invalid sample: non-unique label names: \"" + std::string(labels[i].name) +
                      "\"");
        }
      }
    }
  }

  static bool is_point_attribute(std::string_view name, Kind kind) {
    if (name == "__name__" || name == "__scheme__" || name == "__metrics_path__") return false;
    if (name.starts_with("otel_scope_")) return false;
    if (kind == Kind::kHistogram && name == "le") return false;
    if (kind == Kind::kSummary && name == "quantile") return false;
    return true;
  }

  uint64_t identity_hash(Kind kind) const {
    XXH64_hash_t h = 0;
    for (const LabelRef& l : labels) {
      if (!is_point_attribute(l.name, kind)) continue;
      h = XXH3_64bits_withSeed(l.name.data(), l.name.size(), h);
      h = XXH3_64bits_withSeed(l.value.data(), l.value.size(), h ^ 0x9e3779b97f4a7c15ULL);
    }
    return h;
  }

  Group& group_for(Family& f) {
    uint64_t h = identity_hash(f.kind);
    auto [it, inserted] = f.group_index.try_emplace(h, static_cast<uint32_t>(f.groups.size()));
    if (!inserted) return f.groups[it->second];
    Group& g = f.groups.emplace_back();
    for (const LabelRef& l : labels) {
      if (is_point_attribute(l.name, f.kind)) g.attributes.emplace_back(l.name, l.value);
    }
    ++pending_points;
    return g;
  }

  std::string_view label(std::string_view name) const {
    for (const LabelRef& l : labels) {
      if (l.name == name) return l.value;
    }
    return {};
  }

  static std::vector<Attribute> owned_sorted(model::Labels input) {
    std::vector<Attribute> out;
    out.reserve(input.size());
    for (const model::Label& l : input) {
      if (!l.value.empty()) out.emplace_back(l.name, l.value);
    }
    std::sort(out.begin(), out.end(),
              [](const Attribute& a, const Attribute& b) { return a.first < b.first; });
    return out;
  }

  void add_exemplar(Group& g, const model::Exemplar& e, TimestampMs sample_ts) {
    OwnedExemplar x;
    x.labels = owned_sorted(e.labels);
    x.value = e.value;
    x.timestamp = e.timestamp.value_or(sample_ts);
    g.exemplars.push_back(std::move(x));
  }

  void merge_target_info(Resource& r) {
    for (const LabelRef& l : labels) {
      if (l.name == "__name__") continue;
      auto it = std::find_if(r.attributes.begin(), r.attributes.end(),
                             [&](const Attribute& a) { return a.first == l.name; });
      if (it != r.attributes.end()) {
        it->second = std::string(l.value);
      } else {
        r.attributes.emplace_back(l.name, l.value);
      }
    }
  }

  void record_scope_info(uint32_t resource) {
    std::string_view name = label("otel_scope_name");
    std::string_view version = label("otel_scope_version");
    std::string_view schema_url = label("otel_scope_schema_url");
    std::string k;
    scope_key(k, 0, name, version, schema_url);
    std::vector<Attribute>& attrs = resources[resource].scope_info[k];
    for (const LabelRef& l : labels) {
      if (l.name == "__name__" || l.name == "otel_scope_name" || l.name == "otel_scope_version" ||
          l.name == "otel_scope_schema_url") {
        continue;
      }
      attrs.emplace_back(l.name, l.value);
    }
  }

  // --- appending ---

  void append(const model::Sample& sample) {
    ++samples_seen;
    std::string_view job, instance;
    prepare_labels(sample.labels, &job, &instance);
    uint32_t resource = resource_for(job, instance);
    if (sample.name == "target_info") {
      merge_target_info(resources[resource]);
      return;
    }
    if (sample.name == "otel_scope_info") {
      record_scope_info(resource);
      return;
    }
    uint32_t scope = scope_for(resource);
    uint32_t family_index = family_for(scope, false, sample.name);
    Family& f = families[family_index];
    if (f.dropped) return;
    Group& g = group_for(f);
    TimestampMs ts = sample.timestamp.value_or(options.scrape_time_ms);
    if (g.has_timestamp && g.timestamp != ts) {
      warning("dropped " + std::string(sample.name) +
              ": its timestamp differs from the other samples of the data point");
      return;
    }
    g.timestamp = ts;
    g.has_timestamp = true;
    std::string_view name = sample.name;
    switch (f.kind) {
      case Kind::kHistogram:
      case Kind::kSummary:
        if (has_suffix(name, "_sum")) {
          g.sum = sample.value;
          g.has_sum = true;
        } else if (has_suffix(name, "_count")) {
          g.count = sample.value;
          g.has_count = true;
        } else if (name.size() == f.metadata_name.size() + 8 && name.starts_with(f.metadata_name) &&
                   has_suffix(name, "_created")) {
          g.created = sample.value;
          g.has_created = true;
        } else {
          std::string_view bound_label = f.kind == Kind::kHistogram ? "le" : "quantile";
          double bound = 0;
          if (!parse_label_float(label(bound_label), &bound)) {
            warning("dropped " + std::string(name) + ": no valid " + std::string(bound_label) +
                    " label");
            return;
          }
          (f.kind == Kind::kHistogram ? g.buckets : g.quantiles).emplace_back(bound, sample.value);
        }
        break;
      case Kind::kSum:
        if (name.size() == f.metadata_name.size() + 8 && name.starts_with(f.metadata_name) &&
            has_suffix(name, "_created")) {
          g.created = sample.value;
          g.has_created = true;
          return;  // exemplars belong to the value line
        }
        g.value = sample.value;
        g.has_value = true;
        break;
      default:
        g.value = sample.value;
        g.has_value = true;
        break;
    }
    if (sample.exemplar != nullptr && f.kind != Kind::kSummary) {
      add_exemplar(g, *sample.exemplar, ts);
    }
  }

  static NativeBuckets expand(std::span<const model::BucketSpan> spans,
                              std::span<const int64_t> deltas, std::span<const double> counts,
                              bool is_float) {
    NativeBuckets out;
    if (spans.empty()) return out;
    out.offset = spans[0].offset - 1;
    size_t next = 0;
    int64_t running = 0;
    for (size_t s = 0; s < spans.size(); ++s) {
      if (s > 0) out.counts.insert(out.counts.end(), static_cast<size_t>(std::max(0, spans[s].offset)), 0);
      for (uint32_t i = 0; i < spans[s].length; ++i, ++next) {
        if (is_float) {
          out.counts.push_back(next < counts.size() ? to_uint64(counts[next]) : 0);
        } else {
          running += next < deltas.size() ? deltas[next] : 0;
          out.counts.push_back(running > 0 ? static_cast<uint64_t>(running) : 0);
        }
      }
    }
    return out;
  }

  void append_native(std::string_view family_name, const model::NativeHistogram& h) {
    ++samples_seen;
    std::string_view job, instance;
    prepare_labels(h.labels, &job, &instance);
    uint32_t resource = resource_for(job, instance);
    uint32_t scope = scope_for(resource);
    Family& f = families[family_for(scope, true, family_name)];
    if (f.kind != Kind::kExponentialHistogram) {
      warning("dropped native histogram " + std::string(family_name) +
              ": the family is not a histogram");
      return;
    }
    Group& g = group_for(f);
    g.timestamp = h.timestamp.value_or(options.scrape_time_ms);
    g.has_timestamp = true;
    g.has_count = true;
    auto n = std::make_unique<NativePoint>();
    n->scale = h.schema;
    n->count = h.count;
    n->sum = h.sum;
    n->zero_threshold = h.zero_threshold;
    n->zero_count = h.zero_count;
    n->positive = expand(h.positive_spans, h.positive_deltas, h.positive_counts, h.is_float);
    n->negative = expand(h.negative_spans, h.negative_deltas, h.negative_counts, h.is_float);
    g.native = std::move(n);
    if (h.created_seconds) {
      g.created = *h.created_seconds;
      g.has_created = true;
    }
    for (const model::Exemplar& e : h.exemplars) {
      if (e.timestamp) add_exemplar(g, e, *e.timestamp);  // no timestamp: dropped (A3)
    }
  }

  // --- building OTLP (commit) ---

  static void fill_exemplars(const Group& g,
                             google::protobuf::RepeatedPtrField<pb_metrics::Exemplar>* out) {
    for (const OwnedExemplar& x : g.exemplars) {
      pb_metrics::Exemplar* e = out->Add();
      e->set_time_unix_nano(ms_to_nanos(x.timestamp));
      e->set_as_double(x.value);
      for (const auto& [key, value] : x.labels) {
        if (equals_ignore_case(key, "trace_id") && value.size() == 32 && is_hex(value) &&
            value.find_first_not_of('0') != std::string::npos) {
          e->set_trace_id(hex_to_bytes(value));
        } else if (equals_ignore_case(key, "span_id") && value.size() == 16 && is_hex(value) &&
                   value.find_first_not_of('0') != std::string::npos) {
          e->set_span_id(hex_to_bytes(value));
        } else {
          pb_common::KeyValue* kv = e->add_filtered_attributes();
          kv->set_key(key);
          kv->mutable_value()->set_string_value(value);
        }
      }
    }
  }

  void build_number_points(const Family& f,
                           google::protobuf::RepeatedPtrField<pb_metrics::NumberDataPoint>* out) {
    for (const Group& g : f.groups) {
      if (!g.has_value) continue;
      pb_metrics::NumberDataPoint* p = out->Add();
      add_attributes(g.attributes, p->mutable_attributes());
      if (f.kind == Kind::kSum && g.has_created) p->set_start_time_unix_nano(created_to_nanos(g.created));
      p->set_time_unix_nano(ms_to_nanos(g.timestamp));
      if (model::is_stale_nan(g.value)) {
        p->set_flags(pb_metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
      } else {
        p->set_as_double(g.value);
      }
      fill_exemplars(g, p->mutable_exemplars());
    }
  }

  void build_histogram_points(const Family& f,
                              google::protobuf::RepeatedPtrField<pb_metrics::HistogramDataPoint>* out) {
    for (const Group& g : f.groups) {
      if (!g.has_count) continue;
      std::vector<std::pair<double, double>> buckets = g.buckets;
      std::stable_sort(buckets.begin(), buckets.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      if (!buckets.empty() && std::isinf(buckets.back().first) && buckets.back().first > 0) {
        buckets.pop_back();
      }
      bool stale = model::is_stale_nan(g.count) || (g.has_sum && model::is_stale_nan(g.sum));
      if (!stale) {
        bool valid = !std::isnan(g.count);
        double previous = 0;
        for (size_t i = 0; valid && i < buckets.size(); ++i) {
          if (std::isnan(buckets[i].second) || (i > 0 && buckets[i].second < previous)) valid = false;
          previous = buckets[i].second;
        }
        if (valid && !buckets.empty() && g.count < buckets.back().second) valid = false;
        if (!valid) {
          warning("dropped a data point of histogram " + f.name +
                  ": bucket counts decrease or exceed _count");
          continue;
        }
      }
      pb_metrics::HistogramDataPoint* p = out->Add();
      add_attributes(g.attributes, p->mutable_attributes());
      if (g.has_created) p->set_start_time_unix_nano(created_to_nanos(g.created));
      p->set_time_unix_nano(ms_to_nanos(g.timestamp));
      for (const auto& b : buckets) p->add_explicit_bounds(b.first);
      if (stale) {
        p->set_flags(pb_metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
        for (size_t i = 0; i <= buckets.size(); ++i) p->add_bucket_counts(0);
      } else {
        double previous = 0;
        for (const auto& b : buckets) {
          p->add_bucket_counts(to_uint64(b.second - previous));
          previous = b.second;
        }
        p->add_bucket_counts(to_uint64(g.count - previous));
        p->set_count(to_uint64(g.count));
        if (g.has_sum) p->set_sum(g.sum);
      }
      fill_exemplars(g, p->mutable_exemplars());
    }
  }

  void build_summary_points(const Family& f,
                            google::protobuf::RepeatedPtrField<pb_metrics::SummaryDataPoint>* out) {
    for (const Group& g : f.groups) {
      if (!g.has_count) continue;
      std::vector<std::pair<double, double>> quantiles = g.quantiles;
      std::stable_sort(quantiles.begin(), quantiles.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      bool stale = model::is_stale_nan(g.count) || (g.has_sum && model::is_stale_nan(g.sum));
      pb_metrics::SummaryDataPoint* p = out->Add();
      add_attributes(g.attributes, p->mutable_attributes());
      if (g.has_created) p->set_start_time_unix_nano(created_to_nanos(g.created));
      p->set_time_unix_nano(ms_to_nanos(g.timestamp));
      if (stale) p->set_flags(pb_metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
      for (const auto& q : quantiles) {
        auto* v = p->add_quantile_values();
        v->set_quantile(q.first);
        v->set_value(stale ? 0 : q.second);
      }
      if (!stale) {
        p->set_count(to_uint64(g.count));
        if (g.has_sum) p->set_sum(g.sum);
      }
    }
  }

  void build_exponential_points(
      const Family& f,
      google::protobuf::RepeatedPtrField<pb_metrics::ExponentialHistogramDataPoint>* out) {
    for (const Group& g : f.groups) {
      if (!g.native) continue;
      const NativePoint& n = *g.native;
      pb_metrics::ExponentialHistogramDataPoint* p = out->Add();
      add_attributes(g.attributes, p->mutable_attributes());
      if (g.has_created) p->set_start_time_unix_nano(created_to_nanos(g.created));
      p->set_time_unix_nano(ms_to_nanos(g.timestamp));
      // pdata always carries both bucket messages (non-nullable), even when empty or stale.
      p->mutable_positive();
      p->mutable_negative();
      if (model::is_stale_nan(n.sum)) {
        p->set_flags(pb_metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);
      } else {
        p->set_scale(n.scale);
        p->set_zero_threshold(n.zero_threshold);
        p->set_count(to_uint64(n.count));
        p->set_sum(n.sum);
        p->set_zero_count(to_uint64(n.zero_count));
        p->mutable_positive()->set_offset(n.positive.offset);
        for (uint64_t c : n.positive.counts) p->mutable_positive()->add_bucket_counts(c);
        p->mutable_negative()->set_offset(n.negative.offset);
        for (uint64_t c : n.negative.counts) p->mutable_negative()->add_bucket_counts(c);
      }
      fill_exemplars(g, p->mutable_exemplars());
    }
  }

  // Fills *m from the family; returns the number of data points.
  size_t build_metric(const Family& f, pb_metrics::Metric* m) {
    std::string name = f.name;
    if (options.trim_metric_suffixes) name = trim_metric_suffixes(f.name, f.kind == Kind::kSum, f.unit);
    m->set_name(name);
    m->set_description(f.help);
    m->set_unit(unit_word_to_ucum(f.unit));
    pb_common::KeyValue* type = m->add_metadata();
    type->set_key("prometheus.type");
    type->mutable_value()->set_string_value(std::string(model::to_string(f.prom_type)));
    switch (f.kind) {
      case Kind::kGauge:
      case Kind::kEmpty:
        build_number_points(f, m->mutable_gauge()->mutable_data_points());
        return m->gauge().data_points_size();
      case Kind::kSum: {
        auto* sum = m->mutable_sum();
        sum->set_aggregation_temporality(pb_metrics::AGGREGATION_TEMPORALITY_CUMULATIVE);
        sum->set_is_monotonic(f.prom_type == MetricType::kCounter);
        build_number_points(f, sum->mutable_data_points());
        return sum->data_points_size();
      }
      case Kind::kHistogram: {
        auto* h = m->mutable_histogram();
        h->set_aggregation_temporality(pb_metrics::AGGREGATION_TEMPORALITY_CUMULATIVE);
        build_histogram_points(f, h->mutable_data_points());
        return h->data_points_size();
      }
      case Kind::kSummary:
        build_summary_points(f, m->mutable_summary()->mutable_data_points());
        return m->summary().data_points_size();
      case Kind::kExponentialHistogram: {
        auto* h = m->mutable_exponential_histogram();
        h->set_aggregation_temporality(pb_metrics::AGGREGATION_TEMPORALITY_CUMULATIVE);
        build_exponential_points(f, h->mutable_data_points());
        return h->data_points_size();
      }
    }
    return 0;
  }

  // Label-derived scope attributes, then otel_scope_info ones for keys not already set.
  std::vector<Attribute> scope_attributes(const Resource& r, const Scope& s) {
    std::vector<Attribute> attrs = s.attributes;
    if (s.is_default) return attrs;
    std::string k;
    scope_key(k, 0, s.name, s.version, s.schema_url);
    if (auto it = r.scope_info.find(std::string_view(k)); it != r.scope_info.end()) {
      for (const Attribute& a : it->second) {
        if (std::none_of(attrs.begin(), attrs.end(),
                         [&](const Attribute& b) { return b.first == a.first; })) {
          attrs.push_back(a);
        }
      }
    }
    return attrs;
  }

  size_t commit(pb_collector::ExportMetricsServiceRequest* request) {
    request->Clear();
    size_t points = 0;
    for (Resource& r : resources) {
      pb_metrics::ResourceMetrics* rm = nullptr;
      std::vector<uint32_t> order;
      if (r.default_scope != kNone) order.push_back(r.default_scope);
      order.insert(order.end(), r.scopes.begin(), r.scopes.end());
      for (uint32_t scope_index : order) {
        Scope& s = scopes[scope_index];
        pb_metrics::ScopeMetrics* sm = nullptr;
        for (uint32_t family_index : s.families) {
          if (families[family_index].dropped) continue;
          if (sm == nullptr) {
            if (rm == nullptr) {
              rm = request->add_resource_metrics();
              add_attributes(r.attributes, rm->mutable_resource()->mutable_attributes());
            }
            sm = rm->add_scope_metrics();
            sm->mutable_scope()->set_name(s.name);
            sm->mutable_scope()->set_version(s.version);
            add_attributes(scope_attributes(r, s), sm->mutable_scope()->mutable_attributes());
            sm->set_schema_url(s.schema_url);
          }
          size_t n = build_metric(families[family_index], sm->add_metrics());
          if (n == 0) {
            sm->mutable_metrics()->RemoveLast();
          }
          points += n;
        }
        if (sm != nullptr && sm->metrics_size() == 0) rm->mutable_scope_metrics()->RemoveLast();
        s.families.clear();
      }
      if (rm != nullptr && rm->scope_metrics_size() == 0) {
        request->mutable_resource_metrics()->RemoveLast();
      }
    }
    forget_pending();
    return points;
  }

  void forget_pending() {
    for (Scope& s : scopes) s.families.clear();
    families.clear();
    family_index.clear();
    dropped_families.clear();
    pending_points = 0;
  }

  void add_scrape_metrics(const ScrapeReport& report) {
    double scraped = static_cast<double>(samples_seen);
    std::vector<std::pair<std::string, std::string>> targets;
    for (const Resource& r : resources) targets.emplace_back(r.job, r.instance);
    if (targets.empty()) targets.emplace_back(options.job, options.instance);
    const std::pair<std::string_view, double> series[] = {
        {"up", report.up ? 1.0 : 0.0},
        {"scrape_duration_seconds", report.duration_seconds},
        {"scrape_samples_scraped", scraped},
        {"scrape_samples_post_metric_relabeling", scraped},
        {"scrape_series_added", scraped},
    };
    for (const auto& [job, instance] : targets) {
      model::Label target[] = {{"job", job}, {"instance", instance}};
      Options saved_targets = options;
      // The synthetic series carry the target labels themselves, never exported_*.
      options.job.clear();
      options.instance.clear();
      for (const auto& [name, value] : series) {
        model::Sample s;
        s.name = name;
        s.labels = model::Labels(target, 2);
        s.value = value;
        append(s);
        --samples_seen;
      }
      options = std::move(saved_targets);
    }
  }
};

Transaction::Transaction(Options options, Warn warn) : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
  state_->warn = std::move(warn);
}

Transaction::~Transaction() = default;

void Transaction::set_type(std::string_view family, model::MetricType type) {
  state_->metadata[std::string(family)].type = type;
}

void Transaction::set_help(std::string_view family, std::string_view help) {
  state_->metadata[std::string(family)].help = std::string(help);
}

void Transaction::set_unit(std::string_view family, std::string_view unit) {
  state_->metadata[std::string(family)].unit = std::string(unit);
}

void Transaction::append(const model::Sample& sample) { state_->append(sample); }

void Transaction::append_native_histogram(std::string_view family_name,
                                          const model::NativeHistogram& h) {
  state_->append_native(family_name, h);
}

void Transaction::drop_family(std::string_view family) {
  state_->dropped_families.emplace_back(family);
  for (Family& f : state_->families) f.dropped = f.dropped || state_->is_dropped(f);
}

void Transaction::add_scrape_metrics(const ScrapeReport& report) {
  state_->add_scrape_metrics(report);
}

size_t Transaction::pending_points() const { return state_->pending_points; }

size_t Transaction::samples_seen() const { return state_->samples_seen; }

size_t Transaction::commit(pb_collector::ExportMetricsServiceRequest* request) {
  return state_->commit(request);
}

void Transaction::rollback() { state_->forget_pending(); }

}  // namespace promotel::promreceiver

#include "otlp/filter.h"

#include <re2/re2.h>

#include "common/error.h"
#include "otlp/signal.h"

namespace promotel::otlp {

namespace {

std::string plain_string(const pb::common::v1::AnyValue& v) {
  switch (v.value_case()) {
    case pb::common::v1::AnyValue::kStringValue: return v.string_value();
    case pb::common::v1::AnyValue::kBoolValue: return v.bool_value() ? "true" : "false";
    case pb::common::v1::AnyValue::kIntValue: return std::to_string(v.int_value());
    default: return std::string();
  }
}

bool resource_matches(const pb::resource::v1::Resource& resource,
                      const std::vector<std::pair<std::string, std::string>>& wanted) {
  for (const auto& [key, value] : wanted) {
    bool found = false;
    for (const auto& kv : resource.attributes()) {
      if (kv.key() == key && plain_string(kv.value()) == value) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

template <typename Resources, typename Keep>
void erase_if(Resources* list, const Keep& keep) {
  int out = 0;
  for (int i = 0; i < list->size(); ++i) {
    if (keep(list->Get(i))) {
      if (out != i) list->SwapElements(out, i);
      ++out;
    }
  }
  while (list->size() > out) list->RemoveLast();
}

}  // namespace

RequestFilter::RequestFilter(const FilterSpec& spec) : spec_(spec) {
  if (!spec.metric_name_regex.empty()) {
    metric_name_ = std::make_unique<re2::RE2>(spec.metric_name_regex, re2::RE2::Quiet);
    if (!metric_name_->ok())
      throw Error("invalid --metric regex '" + spec.metric_name_regex + "': " + metric_name_->error());
  }
  active_ = metric_name_ != nullptr || !spec.resource_attributes.empty();
}

RequestFilter::~RequestFilter() = default;

bool RequestFilter::apply(google::protobuf::Message& request) const {
  if (!active_) return true;
  const auto& attrs = spec_.resource_attributes;
  switch (signal_of(request)) {
    case Signal::kMetrics: {
      auto& r = static_cast<MetricsRequest&>(request);
      erase_if(r.mutable_resource_metrics(), [&](const auto& rm) { return resource_matches(rm.resource(), attrs); });
      if (metric_name_) {
        for (auto& rm : *r.mutable_resource_metrics()) {
          for (auto& sm : *rm.mutable_scope_metrics())
            erase_if(sm.mutable_metrics(), [&](const auto& m) { return RE2::PartialMatch(m.name(), *metric_name_); });
          erase_if(rm.mutable_scope_metrics(), [](const auto& sm) { return sm.metrics_size() > 0; });
        }
        erase_if(r.mutable_resource_metrics(), [](const auto& rm) { return rm.scope_metrics_size() > 0; });
      }
      return r.resource_metrics_size() > 0;
    }
    case Signal::kTraces: {
      auto& r = static_cast<TracesRequest&>(request);
      erase_if(r.mutable_resource_spans(), [&](const auto& rs) { return resource_matches(rs.resource(), attrs); });
      return r.resource_spans_size() > 0;
    }
    case Signal::kLogs: {
      auto& r = static_cast<LogsRequest&>(request);
      erase_if(r.mutable_resource_logs(), [&](const auto& rl) { return resource_matches(rl.resource(), attrs); });
      return r.resource_logs_size() > 0;
    }
  }
  return true;
}

std::pair<std::string, std::string> parse_key_value(const std::string& text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) throw Error("want key=value, got '" + text + "'");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

}  // namespace promotel::otlp

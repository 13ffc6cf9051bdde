#include "model/metric.h"

#include <bit>
#include <cmath>

namespace promotel::model {

std::string_view to_string(MetricType type) {
  switch (type) {
    case MetricType::kUnknown: return "unknown";
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
    case MetricType::kGaugeHistogram: return "gaugehistogram";
    case MetricType::kSummary: return "summary";
    case MetricType::kInfo: return "info";
    case MetricType::kStateSet: return "stateset";
  }
  return "unknown";
}

std::optional<MetricType> metric_type_from_string(std::string_view word) {
  if (word == "counter") return MetricType::kCounter;
  if (word == "gauge") return MetricType::kGauge;
  if (word == "histogram") return MetricType::kHistogram;
  if (word == "gaugehistogram") return MetricType::kGaugeHistogram;
  if (word == "summary") return MetricType::kSummary;
  if (word == "info") return MetricType::kInfo;
  if (word == "stateset") return MetricType::kStateSet;
  if (word == "unknown" || word == "untyped") return MetricType::kUnknown;
  return std::nullopt;
}

bool is_stale_nan(double value) { return std::bit_cast<uint64_t>(value) == kStaleNaNBits; }

double stale_nan() { return std::bit_cast<double>(kStaleNaNBits); }

}  // namespace promotel::model

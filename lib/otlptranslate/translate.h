#pragma once

// OTLP metrics → Prometheus series, as Prometheus' OTLP receiver and the Collector's
// prometheusremotewrite exporter build them (spec section 4.4/4.5):
//  - gauge and non-monotonic sum → one gauge series per data point; monotonic cumulative sum →
//    a counter "<name>_total"; delta temporality is refused (a problem, nothing emitted);
//  - explicit-bucket histogram → <name>_bucket{le} (cumulative), <name>_sum (if set),
//    <name>_count; exponential histogram → a native histogram (scale > 8 merged down to 8,
//    scale < -4 refused); summary → <name>{quantile}, <name>_sum, <name>_count;
//  - data point flag NoRecordedValue → stale markers;
//  - job = service.namespace/service.name, instance = service.instance.id on every series;
//    target_info{other resource attributes, job, instance} = 1 per resource (optional);
//  - exemplars with trace_id/span_id (hex) and their filtered attributes.
// Scope attributes are not promoted (the receivers' default).

#include <cstdint>
#include <string>
#include <string_view>

#include "model/metric.h"
#include "otlp/signal.h"
#include "otlptranslate/naming.h"

namespace promotel::otlptranslate {

struct TranslateOptions {
  Translation translation = Translation::kUnderscoreEscapingWithSuffixes;
  bool target_info = true;
};

// Receives the translated series. Views are valid only during the call.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void metadata(std::string_view family, model::MetricType type, std::string_view help,
                        std::string_view unit) = 0;
  // start_ms: the data point's start time (0 = none); stale: a deliberate stale marker.
  virtual void sample(const model::Sample& sample, int64_t start_ms, bool stale) = 0;
  virtual void histogram(std::string_view family, const model::NativeHistogram& histogram, bool stale) = 0;
  // Something that could not be translated ("metric \"x\": delta temporality ...").
  virtual void problem(const std::string& what) = 0;
};

void translate(const otlp::MetricsRequest& request, const TranslateOptions& options, Sink& sink);

}  // namespace promotel::otlptranslate

#pragma once

// Where a scrape's families and samples go (the exposition writer in the tool, a recorder in
// tests). Calls come family by family: family() announces the metadata of the samples that
// follow; end_target() closes one target's scrape (an OpenMetrics document: "# EOF").

#include <string_view>

#include "model/metric.h"

namespace promotel::scrape {

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void family(std::string_view name, model::MetricType type, std::string_view help,
                      std::string_view unit) = 0;
  virtual void sample(const model::Sample& sample) = 0;
  virtual void native_histogram(std::string_view family, const model::NativeHistogram& histogram) = 0;
  virtual void end_target() = 0;
};

}  // namespace promotel::scrape

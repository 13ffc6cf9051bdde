#pragma once

#include <string_view>

#include "model/metric.h"

namespace promotel::scrape {

// Whether a sample named sample_name belongs to the family announced by metadata as
// (family, type): the exact name, or the name plus one of the suffixes OpenMetrics allows for
// the type (_total/_created for counters, _bucket/_count/_sum/_created for histograms, ...).
bool sample_belongs_to_family(std::string_view sample_name, std::string_view family, model::MetricType type);

// Whether a sample is the _created sample of a counter, histogram or summary family
// (Prometheus does not ingest those as series).
bool is_created_sample(std::string_view sample_name, std::string_view family, model::MetricType type);

}  // namespace promotel::scrape

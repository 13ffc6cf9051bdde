#pragma once

// Names and units as the Collector's Prometheus receiver derives them (spec A4, A6, A13).

#include <string>
#include <string_view>

namespace promotel::promreceiver {

// Removes the first of _bucket, _count, _sum, _total, _info, _created (in that order) that ends
// the name without being all of it; otherwise returns the name unchanged.
std::string_view normalize_metric_name(std::string_view name);

bool has_suffix(std::string_view name, std::string_view suffix);

// The receiver's trim_metric_suffixes: drops a trailing "total" token of Sum metrics, then the
// raw Prometheus unit's tokens when they end the name (and the name has more tokens than that).
std::string trim_metric_suffixes(std::string_view name, bool is_sum, std::string_view unit);

// An OpenMetrics UNIT word ("seconds", "bytes_per_second") as UCUM ("s", "By/s"); unknown
// words pass through.
std::string unit_word_to_ucum(std::string_view unit);

}  // namespace promotel::promreceiver

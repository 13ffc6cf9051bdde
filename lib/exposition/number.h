#pragma once

// Number syntax of the text expositions. All functions take the whole token and return
// nullopt unless all of it is valid.

#include <cstdint>
#include <optional>
#include <string_view>

#include "model/metric.h"

namespace promotel::exposition {

// A sample value. text 0.0.4 (Go ParseFloat minus hex and '_', as Prometheus): decimal with
// optional sign/exponent, "Inf"/"Infinity" with optional sign, "NaN" unsigned; any case.
// OpenMetrics: the same words, decimal only. Integers beyond int64 parse as doubles.
std::optional<double> parse_value(std::string_view token);

// text 0.0.4 timestamp: base-10 int64 milliseconds (a leading '-' is accepted).
std::optional<model::TimestampMs> parse_timestamp_ms(std::string_view token);

// OpenMetrics timestamp: decimal seconds (fraction and exponent allowed, no Inf/NaN),
// converted exactly from the digits to milliseconds, truncated toward zero. Values beyond
// the int64 range of milliseconds saturate at INT64_MIN/INT64_MAX.
std::optional<model::TimestampMs> parse_timestamp_seconds(std::string_view token);

}  // namespace promotel::exposition

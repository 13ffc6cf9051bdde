#pragma once

// The Prometheus names of OTLP metrics and attributes (spec section 4.2/4.3, after
// prometheus/otlptranslator): metric names split into tokens and joined with "_", unit and
// type suffixes ("_seconds", "_per_second", "_total", "_ratio"), label names with every
// character outside [A-Za-z0-9] turned into "_".

#include <optional>
#include <string>
#include <string_view>

namespace promotel::otlptranslate {

enum class Translation {
  kUnderscoreEscapingWithSuffixes,     // the default of Prometheus and the Collector
  kUnderscoreEscapingWithoutSuffixes,
};

enum class MetricKind { kGauge, kCounter, kOther };  // counter: monotonic cumulative sum

// The unit as Prometheus writes it ("s" → "seconds", "By/s" → "bytes_per_second", "1" → "",
// annotations such as "{requests}" dropped).
std::string unit_word(std::string_view unit);

// The metric name, or nullopt when nothing valid is left (the metric is dropped).
std::optional<std::string> metric_name(std::string_view name, std::string_view unit, MetricKind kind,
                                       Translation translation);

// The label name of an attribute key, or nullopt when nothing valid is left.
std::optional<std::string> label_name(std::string_view key);

// Bucket bounds and quantiles as label values: the shortest decimal without exponent
// ("0.1", "1", "1000000"), "+Inf"/"-Inf"/"NaN".
std::string format_bound(double value);

}  // namespace promotel::otlptranslate

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace promotel::debugexporter {

// What the exporter's envelope line counts in a metrics batch.
struct MetricsCounts {
  uint64_t resource_metrics = 0;
  uint64_t metrics = 0;
  uint64_t data_points = 0;
};

// `Metrics\t{"resource metrics": 1, "metrics": 9, "data points": 10}\n`
void append_metrics_envelope(std::string& out, const MetricsCounts& counts);

// The detailed text of a protobuf ExportMetricsServiceRequest rendered straight from its
// bytes, without building messages: the same text append_detailed gives for the parsed
// request. It handles the common shape only and returns false (out then holds partial text
// the caller must drop) for anything else: malformed bytes, unknown fields or wire types, a
// singular message field given twice (the parser would merge), attribute values other than
// strings, strings that are not valid UTF-8, entity refs, nesting. The caller then parses
// the message and renders it the ordinary way, which also reports malformed input.
// Accepting means the generated parser accepts the bytes with no unknown fields.
bool append_detailed_from_proto(std::string& out, std::string_view request, MetricsCounts& counts);

}  // namespace promotel::debugexporter

#pragma once

#include <string>

#include "otlp/signal.h"

namespace promotel::debugexporter {

// The debug exporter's "detailed" text (otlptext marshalers), appended to out. Every line
// ends in '\n'; an empty request gives no text.
void append_detailed(std::string& out, const otlp::MetricsRequest& request);
void append_detailed(std::string& out, const otlp::TracesRequest& request);
void append_detailed(std::string& out, const otlp::LogsRequest& request);

}  // namespace promotel::debugexporter

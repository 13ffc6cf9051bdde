#pragma once

#include <string>

#include "otlp/signal.h"

namespace promotel::debugexporter {

// The debug exporter's "normal" text: a line per resource and scope, then one line per data
// point, span or log record. Appended to out; an empty request gives no text.
void append_normal(std::string& out, const otlp::MetricsRequest& request);
void append_normal(std::string& out, const otlp::TracesRequest& request);
void append_normal(std::string& out, const otlp::LogsRequest& request);

}  // namespace promotel::debugexporter

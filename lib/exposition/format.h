#pragma once

// Which exposition format a byte stream is in, from an HTTP Content-Type or by sniffing.

#include <optional>
#include <string_view>

namespace promotel::exposition {

enum class Format { kPrometheusText, kOpenMetrics, kProtobuf };

// "text", "openmetrics", "protobuf" (the spellings of --input-format/--output-format).
std::string_view to_string(Format format);
std::optional<Format> format_from_string(std::string_view name);

// The format a response with this Content-Type is in (spec §0):
//   application/openmetrics-text (any version)                          → kOpenMetrics
//   application/vnd.google.protobuf with proto=io.prometheus.client.MetricFamily and
//     encoding=delimited (or no encoding parameter)                       → kProtobuf
//   text/plain (any version, bare or with parameters)                   → kPrometheusText
// Anything else, including empty, a protobuf with encoding=text/compact-text, or another
// protobuf message type → nullopt (the caller picks its configured fallback).
std::optional<Format> format_from_content_type(std::string_view content_type);

// The Content-Type we write for a format (what a server would send).
std::string_view content_type(Format format);

// Guesses the format of a stream from its first bytes (stdin without --input-format). The rule:
//  1. a stream that does not start like text (with '#', '{', a metric-name character or blank
//     space), or that starts like a delimited MetricFamily (a varint length, 0x0A — the tag of
//     MetricFamily.name — and a name without spaces or control bytes), and has a byte that
//     cannot occur in text (a control byte other than TAB/LF/CR, or any byte of a non-UTF-8
//     sequence in the first line) → kProtobuf. Text with bad bytes stays text, so that the
//     text parser reports them with their line and column;
//  2. OpenMetrics if the data ends with "# EOF" (optionally followed by one LF) or contains a
//     "# TYPE <name> info|stateset|gaugehistogram|unknown" line or a "# UNIT " line;
//  3. otherwise kPrometheusText.
// `head` is the start of the stream; `tail` its end if known (e.g. the whole of a small input
// can be passed as both).
Format sniff_format(std::string_view head, std::string_view tail = {});

}  // namespace promotel::exposition

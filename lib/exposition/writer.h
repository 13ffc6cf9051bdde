#pragma once

// Prints the metric model as canonical exposition text, text 0.0.4 or OpenMetrics 1.0:
//
//   TextWriter w(output, Format::kOpenMetrics);
//   w.help("http_requests", "Requests."); w.type("http_requests", MetricType::kCounter);
//   w.sample(sample); ...; w.finish();   // OpenMetrics: writes "# EOF"
//
// Canonical means: metadata in the order HELP, TYPE, UNIT; exactly one space between tokens;
// values as Go's strconv 'g' shortest (what client_golang/expfmt print: 1, 0.25, 1e+06, NaN,
// +Inf, -Inf), in OpenMetrics with ".0" added to integral values (as expfmt's OpenMetrics
// writer); timestamps as integer ms (0.0.4) or exact decimal seconds (OpenMetrics); names that
// are not legacy names quoted ({"my.metric"} form); escapes \\ \" \n in label values, \\ \n
// (and \" in OpenMetrics) in HELP.
//
// Conversions between the formats, so that the output is valid for its format:
//  * OpenMetrics: a counter family named "x_total" is announced as "x"; a counter sample that
//    carries just the family name gets "_total". Exemplars are written.
//  * text 0.0.4: UNIT lines and exemplars are dropped; info, stateset and gaugehistogram
//    are announced as "untyped" (0.0.4 has no such types), unknown as "untyped".
//
// Metadata is held back until the family's first sample (or the next family), so HELP and TYPE
// may be given in any order. The writer keeps only that pending metadata: memory is bounded.

#include <string>
#include <string_view>

#include "common/output.h"
#include "exposition/format.h"
#include "model/metric.h"

namespace promotel::exposition {

class TextWriter {
 public:
  TextWriter(Output& out, Format format);      // streams to out (flushes in 64 KiB pieces)
  TextWriter(std::string& out, Format format); // appends to a string
  ~TextWriter();

  void help(std::string_view family, std::string_view text);
  void type(std::string_view family, model::MetricType type);
  void unit(std::string_view family, std::string_view unit);
  void sample(const model::Sample& sample);
  // Writes pending metadata, "# EOF" for OpenMetrics, and flushes to the Output.
  void finish();

 private:
  void flush_metadata();
  void begin_metadata(std::string_view family);
  void write_name(std::string_view name);
  void write_labels(std::string_view quoted_name, model::Labels labels);
  void write_timestamp(model::TimestampMs ms);
  void maybe_drain();

  Output* output_ = nullptr;
  std::string own_;
  std::string& buf_;
  Format format_;

  // Pending metadata of the family being announced.
  bool pending_ = false;
  std::string pending_family_;
  bool has_help_ = false, has_type_ = false, has_unit_ = false;
  std::string help_, unit_;
  model::MetricType type_ = model::MetricType::kUnknown;
  // The family whose samples are being written (its announced name and type).
  std::string family_;
  model::MetricType family_type_ = model::MetricType::kUnknown;
};

// Appends a value the way the writer prints it.
void append_value(std::string& out, double value, Format format);
// Appends an escaped label value (without quotes).
void append_escaped(std::string& out, std::string_view value, bool escape_quotes);
// True for [a-zA-Z_:][a-zA-Z0-9_:]*.
bool is_legacy_metric_name(std::string_view name);
bool is_legacy_label_name(std::string_view name);

}  // namespace promotel::exposition

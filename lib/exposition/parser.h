#pragma once

// The pull-parser interface shared by the text (0.0.4 / OpenMetrics) and protobuf decoders,
// modelled on Prometheus' model/textparse:
//
//   auto parser = make_parser(input, {.format = Format::kOpenMetrics, .strict = true});
//   for (Entry e; (e = parser->next()) != Entry::kEnd;) {
//     switch (e) {
//       case Entry::kType:   use(parser->metric_name(), parser->type()); break;
//       case Entry::kHelp:   use(parser->metric_name(), parser->help()); break;
//       case Entry::kUnit:   use(parser->metric_name(), parser->unit()); break;
//       case Entry::kSample: use(parser->sample()); break;
//       case Entry::kNativeHistogram: use(parser->metric_name(), parser->native_histogram()); break;
//     }
//   }
//
// Every view returned (names, label spans, the sample) points into the parser's buffers and is
// valid until the next call to next(). next() throws promotel::Error whose position names the
// input, line and column (protobuf: the record number as "line" and the byte offset as
// "column") and says what was expected.
//
// Entries come in input order. Metadata (kType/kHelp/kUnit) names the *family*; samples carry
// their full sample name (with _total/_bucket/... suffixes). Which family a sample belongs to
// is the consumer's business; in OpenMetrics it is the last family announced by metadata if the
// sample name is one of its sample names.

#include <memory>
#include <string_view>

#include "common/error.h"
#include "common/input.h"
#include "exposition/format.h"
#include "model/metric.h"

namespace promotel::exposition {

struct ParseOptions {
  Format format = Format::kPrometheusText;
  // OpenMetrics only: full semantic validation of the OpenMetrics 1.0 spec (metadata rules,
  // grouping and ordering, histogram/summary/stateset/info consistency, counter values,
  // exemplar placement and size, duplicate label names, UTF-8). Lenient (the default) checks the
  // syntax only, like Prometheus' scrape parser. For text 0.0.4, strict additionally rejects
  // duplicate label names.
  bool strict = false;
};

enum class Entry { kType, kHelp, kUnit, kSample, kNativeHistogram, kEnd };

class Parser {
 public:
  virtual ~Parser() = default;
  // Advances to the next entry. Throws promotel::Error on bad input.
  virtual Entry next() = 0;
  // kType/kHelp/kUnit: the family name; kSample: the sample name; kNativeHistogram: the family.
  virtual std::string_view metric_name() const = 0;
  virtual model::MetricType type() const = 0;   // kType
  virtual std::string_view help() const = 0;    // kHelp (unescaped)
  virtual std::string_view unit() const = 0;    // kUnit
  virtual const model::Sample& sample() const = 0;  // kSample
  // kNativeHistogram (protobuf only); the type of its family is the last kType.
  virtual const model::NativeHistogram& native_histogram() const = 0;
  // Where the current entry starts.
  virtual SourcePosition position() const = 0;
};

// A text parser for kPrometheusText/kOpenMetrics, a protobuf decoder for kProtobuf.
std::unique_ptr<Parser> make_parser(Reader& input, ParseOptions options);

}  // namespace promotel::exposition

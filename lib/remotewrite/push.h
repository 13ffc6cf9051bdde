#pragma once

// The whole of rwpush between the command line and the network: read exposition inputs,
// build batches, and send them (or print them with --dry-run, or store them with --output).
//
// All or nothing: unless keep_going is set (or --dry-run prints only request summaries, which
// it holds back until the end of the input, so one pass does), every input is read twice. The first pass parses
// and validates everything (parser errors, label rules of SeriesBuilder) and sends nothing; only
// if the whole input is valid does the second pass build and send the requests. Streams are
// spooled to an unlinked temporary file for that, so memory stays bounded by one batch whatever
// the input size. With keep_going the input is read once: invalid samples are reported and
// skipped, a syntax error ends that input (what came before it is sent), and the run fails.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/output.h"
#include "exposition/format.h"
#include "otlptranslate/translate.h"
#include "remotewrite/sender.h"
#include "remotewrite/series_builder.h"

namespace promotel::remotewrite {

struct PushOptions {
  std::vector<std::string> inputs{"-"};
  std::optional<exposition::Format> format;  // nullopt: sniffed per input (unless otlp)
  // OTLP metrics (what prom2otlp writes: file-exporter protobuf framing or JSON lines, gzip
  // too) instead of exposition. Without `format` and `otlp`, input starting with '{', a zero
  // byte (a framed length) or the gzip magic is taken as OTLP.
  bool otlp = false;
  otlptranslate::TranslateOptions translate;
  bool strict = false;                      // strict OpenMetrics validation
  bool keep_going = false;
  BuilderOptions builder;

  bool send = true;  // a URL was given
  SendOptions sender;
  Protocol protocol = Protocol::kV1;  // for --dry-run / --output without sending
  bool dry_run = false;
  // --dry-run --verbose: print every series and sample, not only each request's summary line.
  bool dry_run_samples = false;
  std::string output_path;  // request N's snappy body goes to PATH (N = 1) or PATH.N

  std::function<void(const std::string&)> warn;
  std::function<void(const std::string&)> error;  // invalid input, with file:line:col
  size_t max_reported_errors = 20;
};

struct PushResult {
  BuilderStats built;
  SendStats sent;
  uint64_t requests = 0;          // requests built
  uint64_t input_errors = 0;      // invalid samples / syntax errors (keep_going)
  bool gave_up = false;           // the receiver stayed unreachable; the rest was not sent
  bool interrupted = false;       // SIGINT/SIGTERM: the requests in flight finished, no more began
  bool ok() const {
    return input_errors == 0 && !gave_up && !interrupted && sent.batches_rejected == 0;
  }
};

// Throws promotel::Error for invalid input (nothing sent) and unreadable files.
PushResult push(const PushOptions& options, Output& out);

}  // namespace promotel::remotewrite

// prom2otlp: exposition text (or delimited protobuf) → OTLP metrics, as the OpenTelemetry
// Collector's Prometheus receiver would produce them for one scrape.

#include <chrono>
#include <iostream>
#include <optional>
#include <string>

#include "common/error.h"
#include "common/exit_code.h"
#include "common/input.h"
#include "common/output.h"
#include "common/stop.h"
#include "common/tool.h"
#include "exposition/format.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "http/client.h"
#include "otlp/framing.h"
#include "otlpexport/exporter.h"
#include "promreceiver/convert.h"
#include "sniffing_reader.h"

namespace {

using namespace promotel;

struct Flags {
  std::string input = "-";
  std::string output = "-";
  std::string input_format = "auto";
  std::string output_format = "proto";
  bool strict = false;
  bool keep_going = false;
  size_t batch_size = 10000;
  std::optional<int64_t> timestamp_ms;
  bool scrape_metrics = false;
  double scrape_duration = 0;
  bool quiet = false;
  int max_attempts = 5;
};

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Converts Prometheus exposition (text 0.0.4, OpenMetrics 1.0 or delimited protobuf) into "
      "OTLP metrics exactly as the OpenTelemetry Collector's Prometheus receiver does, and writes "
      "ExportMetricsServiceRequests framed like the Collector's file exporter.",
      "prom2otlp"};
  setup_app(app);
  Flags flags;
  promreceiver::ConvertOptions options;
  promreceiver::Options& rx = options.receiver;

  app.add_option("file", flags.input, "Exposition input ('-' or none: stdin)");
  app.add_option("-o,--output", flags.output, "Where to write the requests ('-': stdout)");
  app.add_option("--input-format", flags.input_format,
                 "auto (sniffed), openmetrics, text (0.0.4) or protobuf")
      ->check(CLI::IsMember({"auto", "openmetrics", "text", "protobuf"}))
      ->capture_default_str();
  app.add_option("--output-format", flags.output_format,
                 "proto (4-byte big-endian length + message) or json (OTLP/JSON, one request a line)")
      ->check(CLI::IsMember({"proto", "json"}))
      ->capture_default_str();
  app.add_flag("--strict", flags.strict,
               "Reject (exit 1) any input the OpenMetrics specification forbids");
  app.add_flag("--keep-going", flags.keep_going,
               "Text 0.0.4: skip lines that do not parse, drop their family and report it "
               "(exit 1 at the end) instead of stopping");
  app.add_option("--job", rx.job,
                 "Target job (service.name); exposed job labels become exported_job. "
                 "Default: the input's job label");
  app.add_option("--instance", rx.instance,
                 "Target instance (service.instance.id); exposed instance labels become "
                 "exported_instance. Default: the input's instance label");
  app.add_flag("--honor-labels", rx.honor_labels,
               "With --job/--instance: the exposed job/instance labels win");
  app.add_option("--scheme", rx.scheme, "Target scheme (url.scheme)")->capture_default_str();
  app.add_option("--timestamp", flags.timestamp_ms,
                 "Scrape time in ms since the epoch, for samples without a timestamp (default: now)");
  app.add_option("--scope-version", rx.scope_version,
                 "Version of the receiver's instrumentation scope")
      ->capture_default_str();
  app.add_flag("--trim-metric-suffixes", rx.trim_metric_suffixes,
               "Trim _total and unit suffixes from metric names (the receiver's option)");
  app.add_flag("--scrape-metrics", flags.scrape_metrics,
               "Append the scrape series Prometheus adds (up, scrape_duration_seconds, "
               "scrape_samples_scraped, scrape_samples_post_metric_relabeling, "
               "scrape_series_added)");
  app.add_option("--scrape-duration", flags.scrape_duration,
                 "Seconds reported by scrape_duration_seconds with --scrape-metrics")
      ->capture_default_str();
  app.add_option("--batch-size", flags.batch_size,
                 "Start a new request once this many data points are pending, at the next "
                 "family, so memory stays bounded (0: one request for the whole input)")
      ->capture_default_str();
  app.add_flag("--stream", options.documents,
               "OpenMetrics input is a stream of documents each ending with # EOF (promscrape "
               "with several targets or --interval): one scrape, and its own requests, per document");
  app.add_flag("--classic-histograms", options.classic_histograms,
               "Protobuf input: also convert the classic buckets of native histograms "
               "(Prometheus' always_scrape_classic_histograms)");
  app.add_flag("-q,--quiet", flags.quiet, "Do not print warnings about dropped samples");

  otlpexport::ExporterOptions exporter;
  app.add_option("--endpoint", exporter.endpoint,
                 "POST the requests to this OTLP/HTTP receiver instead of writing them "
                 "(http://host:4318 → http://host:4318/v1/metrics)")
      ->group("Export");
  app.add_flag("--gzip", exporter.gzip, "--endpoint: gzip the request bodies")->group("Export");
  app.add_option("--max-attempts", flags.max_attempts,
                 "--endpoint: tries per request on 429/502/503/504 or a transport failure")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->group("Export");
  http::add_client_options(app, exporter.client, "Export");

  if (int rc = parse_args(app, argc, argv); rc >= 0) return rc;

  install_stop_handler();
  return run_tool("prom2otlp", [&] {
    rx.scrape_time_ms = flags.timestamp_ms.value_or(now_ms());
    options.batch_size = flags.batch_size;
    options.keep_going = flags.keep_going;
    options.parse.strict = flags.strict;
    if (flags.scrape_metrics) {
      options.scrape_metrics = promreceiver::ScrapeReport{true, flags.scrape_duration};
    }

    Input input(flags.input);
    prom2otlp::SniffingReader reader(input, flags.input);
    options.parse.format = flags.input_format == "auto"
                               ? reader.format()
                               : *exposition::format_from_string(flags.input_format);
    // --strict judges text by the OpenMetrics specification unless the user says it is 0.0.4.
    if (flags.strict && flags.input_format == "auto" &&
        options.parse.format == exposition::Format::kPrometheusText) {
      options.parse.format = exposition::Format::kOpenMetrics;
    }

    auto warn = [&](const std::string& message) {
      if (!flags.quiet) print_warning("prom2otlp", message);
    };
    bool failed = false;
    promreceiver::ConvertResult result;
    if (!exporter.endpoint.empty()) {
      exporter.json = flags.output_format == "json";
      exporter.max_attempts = flags.max_attempts;
      otlpexport::Exporter sender(exporter);
      result = promreceiver::convert(reader, options, [&](const auto& request) {
        otlpexport::ExportResult sent = sender.send(request);
        if (!sent.ok) {
          throw Error("export to " + otlpexport::metrics_url(exporter.endpoint) + " failed after " +
                      std::to_string(sent.attempts) + " attempt(s): " + sent.message);
        }
        if (sent.rejected_points > 0 || !sent.message.empty()) {
          print_error("prom2otlp", "the receiver rejected " + std::to_string(sent.rejected_points) +
                                       " data point(s)" +
                                       (sent.message.empty() ? "" : ": " + sent.message));
          failed = failed || sent.rejected_points > 0;
        }
      }, warn);
    } else {
      Output out = Output::open(flags.output);
      otlp::Format format = *otlp::parse_format(flags.output_format);
      if (format == otlp::Format::kProto) {
        // The fast path: requests serialised directly, same bytes as the built messages,
        // written out in pieces (never assembled in memory; long pieces are not even copied
        // into the output's buffer).
        promreceiver::SerializedPiecesSink sink{
            [&](size_t size) {
              // The file exporter's framing: a 4-byte big-endian length, then the message.
              uint32_t n = static_cast<uint32_t>(size);
              const char header[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                                      static_cast<char>(n >> 8), static_cast<char>(n)};
              out.write(std::string_view(header, 4));
            },
            [&](std::span<const std::string_view> pieces) { out.write_gathered(pieces); }};
        result = promreceiver::convert_serialized_pieces(reader, options, sink, warn);
        out.flush();
      } else {
        // OTLP/JSON written directly, the same text as otlp::encode_json of the built request.
        result = promreceiver::convert_json(
            reader, options,
            [&](std::string_view request) {
              out.write(request);
              out.write("\n");
            },
            warn);
        out.flush();
      }
    }
    for (const std::string& skipped : result.skipped) print_error("prom2otlp", skipped);
    return result.skipped.empty() && !failed ? kExitOk : kExitFailed;
  });
}

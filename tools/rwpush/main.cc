// rwpush: exposition text, OpenMetrics or delimited protobuf in, Prometheus Remote-Write 1.0 or
// 2.0 requests out. A thin driver over lib/remotewrite (push.h has the pipeline).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/error.h"
#include "common/exit_code.h"
#include "common/output.h"
#include "common/stop.h"
#include "common/tool.h"
#include "common/version.h"
#include "http/client.h"
#include "remotewrite/push.h"

namespace rw = promotel::remotewrite;

namespace {

const char* kTool = "rwpush";

bool is_reserved_header(const std::string& header) {
  std::string name = header.substr(0, header.find(':'));
  while (!name.empty() && name.back() == ' ') name.pop_back();
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  return name == "content-encoding" || name == "content-type" ||
         name == "x-prometheus-remote-write-version" || name == "user-agent";
}

// "1 sample", "2 samples"; `many` for irregular plurals.
std::string plural(uint64_t n, const std::string& one, const std::string& many = "") {
  return std::to_string(n) + " " + (n == 1 ? one : many.empty() ? one + "s" : many);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Sends Prometheus exposition (text 0.0.4, OpenMetrics, delimited protobuf) or OTLP metrics from files or stdin "
      "to a Prometheus Remote-Write receiver (1.0 or 2.0). Invalid input sends nothing.",
      kTool};
  promotel::setup_app(app);

  std::vector<std::string> positionals;
  std::string protocol = "1.0", input_format = "auto", timestamp_mode = "keep";
  std::vector<std::string> labels;
  rw::PushOptions options;
  rw::SendOptions& send = options.sender;
  std::string min_backoff = "30ms", max_backoff = "5s", max_retry_time = "1m";
  bool quiet = false;

  app.add_option("URL FILE", positionals,
                 "Receiver URL (e.g. http://127.0.0.1:9090/api/v1/write), then input files "
                 "(- or none: stdin). The URL may be left out with --dry-run or --output.");
  std::vector<std::string> input_files;
  app.add_option("-i,--input", input_files, "Input file (repeatable; - is stdin), as well as or instead of FILE")
      ->allow_extra_args(false);
  app.add_option("--protocol", protocol,
                 "Remote-Write version: 1.0, 2.0, or auto (2.0, falling back to 1.0 for good when "
                 "the receiver does not speak it)")
      ->check(CLI::IsMember({"1.0", "2.0", "auto"}))
      ->capture_default_str();
  app.add_option("--input-format", input_format,
                 "auto (sniffed), text, openmetrics, protobuf (exposition), or otlp (OTLP metrics as "
                 "prom2otlp writes them: framed protobuf or JSON lines, gzip too)")
      ->check(CLI::IsMember({"auto", "text", "openmetrics", "protobuf", "otlp"}))
      ->capture_default_str();
  std::string translation = "underscore-escaping-with-suffixes";
  app.add_option("--translation", translation,
                 "OTLP names: underscore-escaping-with-suffixes (units, _total, _ratio) or "
                 "underscore-escaping-without-suffixes")
      ->check(CLI::IsMember({"underscore-escaping-with-suffixes", "underscore-escaping-without-suffixes"}))
      ->capture_default_str();
  app.add_flag("--target-info,!--no-target-info", options.translate.target_info,
               "OTLP: send target_info with each resource's attributes (default on)");
  app.add_flag("--strict", options.strict, "Validate OpenMetrics input strictly (the whole OpenMetrics 1.0 spec)");
  app.add_option("--label", labels, "Add label NAME=VALUE to every series (repeatable); a clashing input "
                                    "label is renamed exported_NAME")
      ->allow_extra_args(false);
  app.add_flag("--honor-labels", options.builder.honor_labels,
               "On a clash with --label, keep the input's label instead of renaming it");
  app.add_option("--timestamp", timestamp_mode,
                 "keep: the input's timestamps, \"now\" for samples without; now: one \"now\" for all")
      ->check(CLI::IsMember({"keep", "now"}))
      ->capture_default_str();
  app.add_flag("--stale", options.builder.stale,
               "Send a stale marker instead of each value (ends the input's series)");
  app.add_option("--batch-size", options.builder.max_series, "Series per request")
      ->check(CLI::Range(size_t(1), size_t(1) << 30))
      ->capture_default_str();
  app.add_option("--max-bytes", options.builder.max_bytes, "Approximate uncompressed bytes per request")
      ->check(CLI::Range(size_t(1), size_t(1) << 31))
      ->capture_default_str();
  app.add_flag("--retry-on-429,!--no-retry-on-429", send.retry_on_429,
               "Retry requests answered 429 Too Many Requests (default on)");
  app.add_option("--min-backoff", min_backoff, "First wait before a retry (doubles each time)")
      ->capture_default_str();
  app.add_option("--max-backoff", max_backoff, "Longest wait between retries")->capture_default_str();
  app.add_option("--max-retry-time", max_retry_time,
                 "Give up on a request (and stop) when retrying it would take longer than this")
      ->capture_default_str();
  app.add_flag("--keep-going", options.keep_going,
               "Read the input once: skip invalid samples and send the valid ones (exit 1 still)");
  app.add_flag("--dry-run", options.dry_run,
               "Print a summary line per request (with --verbose the requests, decoded and readable) instead of "
               "sending them (a URL is then ignored)");
  app.add_flag("-v,--verbose", options.dry_run_samples,
               "With --dry-run, print every metadata entry, series and sample of each request, not only "
               "its summary line");
  app.add_option("--output", options.output_path,
                 "Write each request's snappy body to FILE (request 1), FILE.2, FILE.3, ...");
  app.add_flag("-q,--quiet", quiet, "No summary on stderr");
  promotel::http::add_client_options(app, send.client);

  if (int rc = promotel::parse_args(app, argc, argv); rc >= 0) return rc;

  auto usage = [](const std::string& message) {
    promotel::print_error(kTool, message + " (see --help)");
    return promotel::kExitUsage;
  };
  std::string url;
  std::vector<std::string> files = positionals;
  if (!files.empty() && files[0].find("://") != std::string::npos) {
    url = files[0];
    files.erase(files.begin());
  }
  if (url.empty() && !options.dry_run && options.output_path.empty()) {
    return usage("a receiver URL (http:// or https://) is required, unless --dry-run or --output");
  }
  files.insert(files.end(), input_files.begin(), input_files.end());
  if (!files.empty()) options.inputs = files;
  for (const auto& h : send.client.headers) {
    if (is_reserved_header(h)) return usage("--header: \"" + h + "\" sets a header reserved by Remote-Write");
  }
  for (const auto& l : labels) {
    auto eq = l.find('=');
    if (eq == std::string::npos) return usage("--label wants NAME=VALUE, got \"" + l + "\"");
    options.builder.extra_labels.emplace_back(l.substr(0, eq), l.substr(eq + 1));
  }
  try {
    rw::validate_extra_labels(options.builder.extra_labels);
    send.backoff.initial = promotel::http::parse_duration(min_backoff);
    send.backoff.max = promotel::http::parse_duration(max_backoff);
    send.max_retry_time = promotel::http::parse_duration(max_retry_time);
  } catch (const promotel::Error& e) {
    return usage(e.what());
  }
  if (input_format == "otlp") {
    options.otlp = true;
  } else if (input_format != "auto") {
    options.format = promotel::exposition::format_from_string(input_format);
  }
  if (translation == "underscore-escaping-without-suffixes") {
    options.translate.translation = promotel::otlptranslate::Translation::kUnderscoreEscapingWithoutSuffixes;
  }

  options.send = !url.empty() && !options.dry_run;  // --dry-run: what would be sent to URL
  send.url = url;
  send.protocol = protocol == "1.0" ? rw::Protocol::kV1 : rw::Protocol::kV2;
  send.fallback_to_v1 = protocol == "auto";
  send.client.user_agent = std::string(kTool) + "/" + promotel::kVersion;
  options.protocol = send.protocol;
  options.builder.override_timestamps = timestamp_mode == "now";
  options.builder.now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  send.report = [](const std::string& m) { promotel::print_warning(kTool, m); };
  options.warn = [](const std::string& m) { promotel::print_warning(kTool, m); };
  options.error = [](const std::string& m) { promotel::print_error(kTool, m); };

  promotel::install_stop_handler();
  return promotel::run_tool(kTool, [&] {
    promotel::Output out;
    rw::PushResult r = rw::push(options, out);
    out.flush();
    const auto& b = r.built;
    if (b.future_samples > 0) {
      promotel::print_warning(kTool, plural(b.future_samples, "sample") +
                                         " stamped more than 10m in the future: receivers may reject "
                                         "them, or (Prometheus 2.x) later samples sent after them");
    }
    const auto& s = r.sent;
    if (options.send && (!quiet || !r.ok())) {
      std::string summary = plural(s.batches_written + s.batches_rejected, "request") + " (Remote-Write " +
                            std::string(rw::to_string(s.fell_back ? rw::Protocol::kV1 : send.protocol)) +
                            "): written " + plural(s.series_written, "series", "series") + ", " +
                            plural(s.samples_written, "sample") + ", " +
                            plural(s.histograms_written, "histogram") + ", " +
                            plural(s.exemplars_written, "exemplar");
      if (s.batches_rejected > 0) {
        summary += "; NOT written " + plural(s.series_rejected, "series", "series") + ", " +
                   plural(s.samples_rejected, "sample") + ", " + plural(s.histograms_rejected, "histogram") +
                   ", " + plural(s.exemplars_rejected, "exemplar");
      }
      if (s.retries > 0) summary += "; " + plural(s.retries, "retry", "retries");
      if (r.gave_up) summary += "; gave up: the rest of the input was not sent";
      if (r.interrupted) {
        summary += "; interrupted by " + promotel::stop_signal_name() + ": the rest of the input was not sent";
      }
      if (r.input_errors > 0) summary += "; " + plural(r.input_errors, "invalid input error") + " skipped";
      std::fprintf(stderr, "%s: %s\n", kTool, summary.c_str());
    }
    if (r.interrupted && !options.send) {
      promotel::print_error(kTool, "interrupted by " + promotel::stop_signal_name() +
                                       ": the rest of the input was not read");
    }
    return r.ok() ? promotel::kExitOk : promotel::kExitFailed;
  });
}

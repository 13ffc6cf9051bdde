// promscrape: scrape Prometheus targets the way Prometheus does and print what it would ingest.

#include <re2/re2.h>

#include <atomic>
#include <chrono>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "common/exit_code.h"
#include "common/output.h"
#include "common/tool.h"
#include "exposition/format.h"
#include "exposition/protobuf_writer.h"
#include "exposition/writer.h"
#include "http/client.h"
#include "http/multi.h"
#include "promconfig/config.h"
#include "scrape/discovery.h"
#include "scrape/schedule.h"
#include "scrape/scrape.h"

namespace promotel {
namespace {

const char* const kTool = "promscrape";
std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop = true; }

struct Flags {
  std::vector<std::string> urls;
  std::string targets_file;
  std::string config_file;
  std::string target_allocator;
  std::string collector_id;
  std::string job;
  std::string scheme = "http";
  std::string metrics_path = "/metrics";
  std::vector<std::string> labels;
  std::vector<std::string> params;
  std::string accept = "openmetrics";
  std::string fallback_format = "text";
  std::string output_format = "openmetrics";
  bool honor_labels = false;
  bool honor_timestamps = true;
  bool no_synthetic = false;
  bool strict = false;
  bool raw = false;
  bool summary = false;
  std::string match;
  std::string interval;
  int count = -1;
  size_t parallel = 32;
  size_t body_size_limit = 0;
  http::ClientOptions client;
};

std::pair<std::string, std::string> split_pair(const std::string& text, const char* flag) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) throw Error(std::string(flag) + " \"" + text + "\": want NAME=VALUE");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

// Writes each target's scrape through the exposition writer of the output format, buffered per
// target so that a scrape whose body turns out to be invalid can be dropped whole, and so that
// every target's output reaches stdout in one piece.
class WriterSink : public scrape::Sink {
 public:
  WriterSink(Output& out, exposition::Format format) : out_(out), format_(format) { start(); }
  void family(std::string_view name, model::MetricType type, std::string_view help, std::string_view unit) override {
    if (text_) {
      if (!help.empty()) text_->help(name, help);
      text_->type(name, type);
      if (!unit.empty()) text_->unit(name, unit);
    } else {
      if (!help.empty()) proto_->help(name, help);
      proto_->type(name, type);
      if (!unit.empty()) proto_->unit(name, unit);
    }
  }
  void sample(const model::Sample& sample) override {
    if (text_) text_->sample(sample);
    else proto_->sample(sample);
  }
  void native_histogram(std::string_view family, const model::NativeHistogram& histogram) override {
    if (proto_) proto_->native_histogram(family, histogram);
    else ++native_dropped;
  }
  void discard() override { start(); }
  void end_target() override {
    if (text_) text_->finish();
    else proto_->finish();
    out_.write(buffer_);
    start();
  }
  size_t native_dropped = 0;

 private:
  void start() {
    text_.reset();
    proto_.reset();
    buffer_.clear();  // keeps its capacity for the next target
    if (format_ == exposition::Format::kProtobuf) proto_ = std::make_unique<exposition::ProtobufWriter>(buffer_);
    else text_ = std::make_unique<exposition::TextWriter>(buffer_, format_);
  }

  Output& out_;
  exposition::Format format_;
  std::string buffer_;
  std::unique_ptr<exposition::TextWriter> text_;
  std::unique_ptr<exposition::ProtobufWriter> proto_;
};

std::string summary_line(const std::string& url, const scrape::ScrapeStats& stats, long status) {
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3fs", stats.duration_seconds);
  std::string line = url + ": ";
  if (!stats.up) return line + "down, " + duration + ": " + stats.error;
  line += "up, HTTP " + std::to_string(status) + ", " + std::to_string(stats.body_bytes) + " bytes";
  if (stats.wire_bytes != stats.body_bytes) line += " (" + std::to_string(stats.wire_bytes) + " on the wire)";
  line += ", " + std::to_string(stats.families) + " families, " + std::to_string(stats.samples_scraped) +
          " samples, " + duration + ", " + (stats.content_type.empty() ? "no Content-Type" : stats.content_type);
  return line;
}

int run(Flags& f) {
  scrape::ScrapeOptions base;
  base.protocols = scrape::protocols_from_string(f.accept);
  if (f.fallback_format == "none") {
    base.fallback_format.reset();
  } else {
    base.fallback_format = exposition::format_from_string(f.fallback_format);
    if (!base.fallback_format) throw Error("--fallback-format \"" + f.fallback_format + "\": want text, openmetrics, protobuf or none");
  }
  auto output_format = exposition::format_from_string(f.output_format);
  if (!output_format) throw Error("--output-format \"" + f.output_format + "\": want openmetrics, text or protobuf");
  base.honor_labels = f.honor_labels;
  base.honor_timestamps = f.honor_timestamps;
  base.synthetic = !f.no_synthetic;
  base.strict = f.strict;
  base.max_body_bytes = f.body_size_limit;
  base.client = std::make_shared<http::ClientOptions>(f.client);
  std::shared_ptr<RE2> match;
  if (!f.match.empty()) {
    match = std::make_shared<RE2>(f.match);
    if (!match->ok()) throw Error("--match \"" + f.match + "\": " + match->error());
    base.match = [match](std::string_view family) { return RE2::FullMatch(family, *match); };
  }
  int count = f.count >= 0 ? f.count : (f.interval.empty() ? 1 : 0);
  double interval = f.interval.empty() ? 0 : http::parse_duration(f.interval).count();
  if (!f.interval.empty() && interval <= 0) throw Error("--interval \"" + f.interval + "\": want a duration above 0");
  base.track_series = count != 1;

  scrape::TargetDefaults defaults;
  if (!f.job.empty()) defaults.job = f.job;
  defaults.scheme = f.scheme;
  defaults.metrics_path = f.metrics_path;
  for (const auto& l : f.labels) {
    auto [name, value] = split_pair(l, "--label");
    defaults.labels.set(name, value);
  }
  for (const auto& p : f.params) {
    auto [name, value] = split_pair(p, "--param");
    auto it = std::find_if(defaults.params.begin(), defaults.params.end(), [&name = name](const auto& e) { return e.first == name; });
    if (it == defaults.params.end()) defaults.params.emplace_back(name, std::vector<std::string>{value});
    else it->second.push_back(value);
  }

  std::vector<scrape::Job> jobs;
  if (!f.urls.empty()) jobs.push_back(scrape::job_from_urls(f.urls, defaults, base));
  if (!f.targets_file.empty()) jobs.push_back(scrape::job_from_file_sd(f.targets_file, defaults, base));
  if (!f.config_file.empty()) {
    for (auto& job : scrape::jobs_from_config(promconfig::load_config(f.config_file), f.job, defaults, base)) {
      jobs.push_back(std::move(job));
    }
  }
  if (!f.target_allocator.empty()) {
    for (auto& job : scrape::jobs_from_target_allocator(f.target_allocator, f.collector_id, f.job, f.client, defaults,
                                                        base)) {
      jobs.push_back(std::move(job));
    }
  }

  std::vector<std::unique_ptr<scrape::TargetScraper>> scrapers;
  std::vector<http::Request> requests;
  std::vector<double> intervals;  // --interval, else the job's scrape_interval
  for (auto& job : jobs) {
    for (const auto& w : job.warnings) print_warning(kTool, w);
    for (auto& target : job.targets) {
      scrapers.push_back(std::make_unique<scrape::TargetScraper>(std::move(target), job.options));
      requests.push_back(scrapers.back()->request());
      intervals.push_back(interval > 0 ? interval : job.interval_seconds);
    }
  }
  if (count != 1 && std::any_of(intervals.begin(), intervals.end(), [](double i) { return i <= 0; })) {
    throw Error("--count other than 1 needs --interval (only --config and --target-allocator jobs bring a "
                "scrape_interval of their own)");
  }
  // An Accept header given with -H replaces the negotiated one (libcurl would send both).
  auto is_accept = [](const std::string& h) { return http::header_is(h, "Accept"); };
  bool own_accept = std::any_of(f.client.headers.begin(), f.client.headers.end(), is_accept);
  if (own_accept) {
    for (auto& request : requests) {
      std::erase_if(request.headers, is_accept);
    }
  }
  if (scrapers.empty()) {
    // A collector the Target Allocator has nothing for yet is normal in a fleet.
    if (!f.target_allocator.empty()) {
      print_warning(kTool, "the target allocator assigns no targets to " + f.collector_id);
      return kExitOk;
    }
    throw Error("no targets to scrape");
  }

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  Output out(1);
  http::MultiRunner runner(f.client, f.parallel);
  WriterSink sink(out, *output_format);
  bool failed = false;
  size_t native_dropped = 0;
  scrape::Schedule schedule(std::move(intervals), count);
  auto start = std::chrono::steady_clock::now();
  std::vector<http::Request> due_requests;
  while (!g_stop) {
    std::optional<double> next_due = schedule.next_due();
    if (!next_due) break;
    auto next = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(*next_due));
    while (!g_stop && std::chrono::steady_clock::now() < next) {
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          next - std::chrono::steady_clock::now(), std::chrono::milliseconds(100)));
    }
    if (g_stop) break;
    std::vector<size_t> due =
        schedule.take_due(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (due.empty()) continue;  // woke a hair before the tick
    due_requests.clear();
    for (size_t index : due) due_requests.push_back(requests[index]);
    runner.run(due_requests, [&](size_t k, http::Response& response, std::chrono::system_clock::time_point started) {
      scrape::TargetScraper& scraper = *scrapers[due[k]];
      const std::string& url = scraper.target().url;
      if (f.raw) {
        if (response.ok()) {
          out.write(response.body);
        } else {
          failed = true;
          print_error(kTool, url + ": " +
                                 (response.error.empty() ? "server returned HTTP status " + std::to_string(response.status)
                                                         : response.error));
        }
        return;
      }
      auto timestamp = std::chrono::duration_cast<std::chrono::milliseconds>(started.time_since_epoch()).count();
      scrape::ScrapeStats stats = scraper.process(response, timestamp, sink);
      if (!stats.up) {
        failed = true;
        print_error(kTool, url + ": " + stats.error);
      }
      if (f.summary) std::fprintf(stderr, "%s: %s\n", kTool, summary_line(url, stats, response.status).c_str());
    });
    out.flush();
  }
  native_dropped = sink.native_dropped;
  if (native_dropped > 0) {
    print_warning(kTool, std::to_string(native_dropped) +
                             " native histogram(s) not printed: text exposition formats cannot carry them "
                             "(--output-format protobuf can)");
  }
  return failed ? kExitFailed : kExitOk;
}

}  // namespace
}  // namespace promotel

int main(int argc, char** argv) {
  using namespace promotel;
  CLI::App app{"Scrape Prometheus targets the way Prometheus does and print what it would ingest\n"
               "(target labels, scrape timestamps, synthetic series) as exposition text.",
               kTool};
  setup_app(app);
  Flags f;
  app.add_option("urls", f.urls, "Target URLs (http(s)://host[:port]/path?query)");
  auto* targets = app.add_option("--targets-file", f.targets_file,
                                 "file_sd targets file (JSON or YAML: [{targets: [host:port], labels: {...}}])")
                      ->group("Targets");
  app.add_option("--config", f.config_file, "Prometheus configuration: scrape every scrape_configs job (or --job)")
      ->group("Targets");
  app.add_option("--target-allocator", f.target_allocator,
                 "OpenTelemetry Target Allocator URL: scrape the targets it assigns to --collector-id")
      ->group("Targets");
  app.add_option("--collector-id", f.collector_id, "Collector name to ask the Target Allocator for")->group("Targets");
  app.add_option("--job", f.job,
                 "The job label (default promscrape); with --config/--target-allocator: only this job")
      ->group("Targets");
  app.add_option("--scheme", f.scheme, "Scheme of --targets-file targets (default http)")->group("Targets");
  app.add_option("--metrics-path", f.metrics_path, "Path of --targets-file targets (default /metrics)")
      ->group("Targets");
  app.add_option("-l,--label", f.labels, "Add a target label NAME=VALUE (repeatable)")->group("Targets");
  app.add_option("--param", f.params, "Add a URL query parameter NAME=VALUE (repeatable)")->group("Targets");
  (void)targets;

  app.add_option("--accept", f.accept,
                 "Preferred format: openmetrics (default), text, protobuf, or a list of Prometheus "
                 "scrape_protocols")
      ->group("Scrape");
  app.add_option("--fallback-format", f.fallback_format,
                 "Format of a body without a usable Content-Type: text (default), openmetrics, protobuf, none")
      ->group("Scrape");
  app.add_flag("--honor-labels", f.honor_labels, "On a label clash keep the target's sample label")->group("Scrape");
  app.add_option("--honor-timestamps", f.honor_timestamps,
                 "Keep timestamps the target exposes (default true; false: use the scrape time)")
      ->group("Scrape");
  app.add_flag("--strict", f.strict, "Validate OpenMetrics bodies against the whole spec (a violation fails the scrape)")
      ->group("Scrape");
  app.add_flag("--no-synthetic", f.no_synthetic, "Leave out up, scrape_duration_seconds, ...")->group("Scrape");
  app.add_option("--interval", f.interval, "Scrape repeatedly at this interval (e.g. 15s)")->group("Scrape");
  app.add_option("--count", f.count, "Number of scrapes (default 1; with --interval 0 = until interrupted); without --interval, config jobs repeat at their scrape_interval")
      ->group("Scrape");
  app.add_option("--parallel", f.parallel, "Targets scraped at once (default 32)")->group("Scrape");
  app.add_option("--body-size-limit", f.body_size_limit,
                 "Fail a scrape whose decoded body is larger than this many bytes (default: no limit)")
      ->group("Scrape");
  http::add_client_options(app, f.client);

  app.add_option("--output-format", f.output_format, "openmetrics (default), text, or protobuf (delimited)")
      ->group("Output");
  app.add_flag("--raw", f.raw, "Print the bodies exactly as received")->group("Output");
  app.add_option("--match", f.match, "Print only families whose name matches this RE2 regex (anchored)")
      ->group("Output");
  app.add_flag("--summary", f.summary,
               "One line per scrape on stderr: bytes, families, samples, duration, content type")
      ->group("Output");

  if (int rc = parse_args(app, argc, argv); rc >= 0) return rc;
  if (f.urls.empty() && f.targets_file.empty() && f.config_file.empty() && f.target_allocator.empty()) {
    print_error(kTool, "no targets: give a URL, --targets-file, --config or --target-allocator (see --help)");
    return kExitUsage;
  }
  if (!f.target_allocator.empty() && f.collector_id.empty()) {
    print_error(kTool, "--target-allocator needs --collector-id (see --help)");
    return kExitUsage;
  }
  if (f.parallel == 0) {
    print_error(kTool, "--parallel must be at least 1 (see --help)");
    return kExitUsage;
  }
  return run_tool(kTool, [&] { return run(f); });
}

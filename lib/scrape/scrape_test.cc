#include "scrape/scrape.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/error.h"

#include <cmath>
#include <string>
#include <vector>

namespace promotel::scrape {
namespace {

// Records what the scraper emits as one line per call.
struct RecordingSink : Sink {
  std::vector<std::string> lines;
  void family(std::string_view name, model::MetricType type, std::string_view help, std::string_view unit) override {
    lines.push_back("# " + std::string(name) + " " + std::string(model::to_string(type)) + " unit=" +
                    std::string(unit) + " help=" + std::string(help));
  }
  void sample(const model::Sample& s) override {
    std::string line = std::string(s.name) + "{";
    for (const auto& l : s.labels) line += std::string(l.name) + "=" + std::string(l.value) + ",";
    line += "} ";
    line += model::is_stale_nan(s.value) ? "STALE" : std::to_string(s.value);
    if (s.timestamp) line += " @" + std::to_string(*s.timestamp);
    if (s.exemplar) line += " #ex";
    lines.push_back(line);
  }
  void native_histogram(std::string_view family, const model::NativeHistogram&) override {
    lines.push_back("native " + std::string(family));
  }
  void discard() override {
    lines.resize(started);
    lines.push_back("DISCARDED");
  }
  void end_target() override {
    lines.push_back("END");
    started = lines.size();
  }
  size_t started = 0;
};

http::Response ok(std::string body, std::string content_type) {
  http::Response r;
  r.status = 200;
  r.body = std::move(body);
  r.body_wire_bytes = r.body.size();
  r.headers.emplace_back("content-type", std::move(content_type));
  r.elapsed = std::chrono::duration<double>(0.25);
  return r;
}

Target node_target() {
  Params params;
  return target_from_labels(labels_from_url("http://127.0.0.1:9100/metrics", "node", params), params);
}

const char* kOm =
    "# TYPE requests counter\n"
    "# HELP requests Requests.\n"
    "requests_total{path=\"/\"} 3 # {trace_id=\"a\"} 1\n"
    "requests_created{path=\"/\"} 1700000000.5\n"
    "# TYPE temp gauge\n"
    "# UNIT temp celsius\n"
    "temp{job=\"inner\"} 21.5 1600000000\n"
    "# EOF\n";

TEST(ScrapeTest, AcceptHeaderIsPrometheus3Default) {
  EXPECT_EQ(accept_header(protocols_from_string("openmetrics")),
            "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
            "application/openmetrics-text;version=0.0.1;q=0.5,"
            "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2");
  EXPECT_EQ(accept_header(protocols_from_string("protobuf")).substr(0, 96),
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6");
  EXPECT_EQ(protocols_from_string("PrometheusText0.0.4, PrometheusProto"),
            (std::vector<Protocol>{Protocol::kPromText0, Protocol::kPromProto}));
  EXPECT_THROW(protocols_from_string("json"), Error);
}

TEST(ScrapeTest, RequestCarriesTheJobsClientAndTimeoutHeader) {
  ScrapeOptions options;
  TargetScraper without_client(node_target(), options);
  EXPECT_EQ(without_client.request().options, nullptr);
  for (auto [seconds, header] : {std::pair<double, const char*>{10, "10"}, {2.5, "2.5"}, {0.25, "0.25"}}) {
    auto client = std::make_shared<http::ClientOptions>();
    client->timeout_seconds = seconds;
    options.client = client;
    http::Request request = TargetScraper(node_target(), options).request();
    EXPECT_EQ(request.options, client);
    EXPECT_NE(std::find(request.headers.begin(), request.headers.end(),
                        std::string("X-Prometheus-Scrape-Timeout-Seconds: ") + header),
              request.headers.end());
  }
}

TEST(ScrapeTest, OpenMetricsBodyGetsTargetLabelsTimestampsAndSyntheticSeries) {
  ScrapeOptions options;
  TargetScraper scraper(node_target(), options);
  RecordingSink sink;
  ScrapeStats stats = scraper.process(ok(kOm, "application/openmetrics-text; version=1.0.0; charset=utf-8"), 5000, sink);
  EXPECT_TRUE(stats.up) << stats.error;
  EXPECT_EQ(stats.samples_scraped, 2u);  // _created is not a series
  EXPECT_EQ(stats.families, 2u);
  std::vector<std::string> want{
      "# requests counter unit= help=Requests.",
      "requests_total{instance=127.0.0.1:9100,job=node,path=/,} 3.000000 @5000 #ex",
      "requests_created{instance=127.0.0.1:9100,job=node,path=/,} 1700000000.500000 @5000",
      "# temp gauge unit=celsius help=",
      "temp{exported_job=inner,instance=127.0.0.1:9100,job=node,} 21.500000 @1600000000000",
      "# up gauge unit= help=The scraping was successful",
      "up{instance=127.0.0.1:9100,job=node,} 1.000000 @5000",
      "# scrape_duration_seconds gauge unit=seconds help=Duration of the scrape",
      "scrape_duration_seconds{instance=127.0.0.1:9100,job=node,} 0.250000 @5000",
      "# scrape_samples_scraped gauge unit= help=The number of samples the target exposed",
      "scrape_samples_scraped{instance=127.0.0.1:9100,job=node,} 2.000000 @5000",
      "# scrape_samples_post_metric_relabeling gauge unit= help=The number of samples remaining after metric "
      "relabeling was applied",
      "scrape_samples_post_metric_relabeling{instance=127.0.0.1:9100,job=node,} 2.000000 @5000",
      "# scrape_series_added gauge unit= help=The approximate number of new series in this scrape",
      "scrape_series_added{instance=127.0.0.1:9100,job=node,} 2.000000 @5000",
      "END"};
  EXPECT_EQ(sink.lines, want);
}

TEST(ScrapeTest, HonorLabelsAndTimestampsOff) {
  ScrapeOptions options;
  options.honor_labels = true;
  options.honor_timestamps = false;
  options.synthetic = false;
  TargetScraper scraper(node_target(), options);
  RecordingSink sink;
  scraper.process(ok("temp{job=\"inner\"} 21.5 1600000000000\nuntyped_thing 1\n", "text/plain; version=0.0.4"), 7,
                  sink);
  EXPECT_EQ(sink.lines, (std::vector<std::string>{"# temp unknown unit= help=",
                                                   "temp{instance=127.0.0.1:9100,job=inner,} 21.500000 @7",
                                                   "# untyped_thing unknown unit= help=",
                                                   "untyped_thing{instance=127.0.0.1:9100,job=node,} 1.000000 @7",
                                                   "END"}));
}

TEST(ScrapeTest, FailedScrapesGiveUpZeroAndNoSamples) {
  ScrapeOptions options;
  TargetScraper scraper(node_target(), options);

  http::Response refused;
  refused.error = "Failed to connect to 127.0.0.1 port 9100: Connection refused";
  RecordingSink sink;
  ScrapeStats stats = scraper.process(refused, 1, sink);
  EXPECT_FALSE(stats.up);
  EXPECT_EQ(stats.error, refused.error);
  ASSERT_EQ(sink.lines.size(), 11u);
  EXPECT_EQ(sink.lines[1], "up{instance=127.0.0.1:9100,job=node,} 0.000000 @1");

  http::Response status = ok("boom\nmore", "text/plain");
  status.status = 500;
  EXPECT_EQ(scraper.process(status, 1, sink).error, "server returned HTTP status 500 (boom)");

  RecordingSink garbage_sink;
  stats = scraper.process(ok("good 1\nthis is { not exposition\n", "text/plain"), 1, garbage_sink);
  EXPECT_FALSE(stats.up);
  EXPECT_NE(stats.error.find(":2:"), std::string::npos) << stats.error;
  EXPECT_EQ(garbage_sink.lines[0], "DISCARDED");  // nothing of "good"
  EXPECT_EQ(garbage_sink.lines[1], "# up gauge unit= help=The scraping was successful");

  ScrapeOptions no_fallback;
  no_fallback.fallback_format.reset();
  TargetScraper strict_type(node_target(), no_fallback);
  EXPECT_NE(strict_type.process(ok("a 1\n", ""), 1, sink).error.find("Content-Type"), std::string::npos);
  EXPECT_TRUE(scraper.process(ok("a 1\n", ""), 1, sink).up);  // the default fallback is text
}

TEST(ScrapeTest, StrictRejectsWhatOpenMetricsForbids) {
  ScrapeOptions options;
  options.strict = true;
  TargetScraper scraper(node_target(), options);
  RecordingSink sink;
  // A counter with a negative value is syntactically fine but forbidden by OpenMetrics.
  auto stats = scraper.process(ok("# TYPE c counter\nc_total -1\n# EOF\n", "application/openmetrics-text"), 1, sink);
  EXPECT_FALSE(stats.up);
  ScrapeOptions lenient;
  TargetScraper lenient_scraper(node_target(), lenient);
  EXPECT_TRUE(lenient_scraper.process(ok("# TYPE c counter\nc_total -1\n# EOF\n", "application/openmetrics-text"), 1, sink).up);
}

TEST(ScrapeTest, RepeatedScrapesWriteStaleMarkers) {
  ScrapeOptions options;
  options.track_series = true;
  options.synthetic = false;
  TargetScraper scraper(node_target(), options);
  RecordingSink first, second, down;
  auto stats = scraper.process(ok("# TYPE a gauge\na{x=\"1\"} 1\na{x=\"2\"} 2\n# TYPE b gauge\nb 3\n", "text/plain"), 1000, first);
  EXPECT_EQ(stats.series_added, 3u);
  stats = scraper.process(ok("# TYPE a gauge\na{x=\"1\"} 1\na{x=\"3\"} 2\n", "text/plain"), 2000, second);
  EXPECT_EQ(stats.series_added, 1u);
  EXPECT_EQ(stats.stale_markers, 2u);
  EXPECT_EQ(second.lines, (std::vector<std::string>{
                              "# a gauge unit= help=",
                              "a{instance=127.0.0.1:9100,job=node,x=1,} 1.000000 @2000",
                              "a{instance=127.0.0.1:9100,job=node,x=3,} 2.000000 @2000",
                              "a{instance=127.0.0.1:9100,job=node,x=2,} STALE @2000",
                              "# b gauge unit= help=",
                              "b{instance=127.0.0.1:9100,job=node,} STALE @2000",
                              "END"}));
  http::Response refused;
  refused.error = "refused";
  scraper.process(refused, 3000, down);
  EXPECT_EQ(down.lines, (std::vector<std::string>{"# a gauge unit= help=",
                                                   "a{instance=127.0.0.1:9100,job=node,x=1,} STALE @3000",
                                                   "a{instance=127.0.0.1:9100,job=node,x=3,} STALE @3000", "END"}));
}

TEST(ScrapeTest, MatchKeepsFamiliesButCountsEverything) {
  ScrapeOptions options;
  options.synthetic = false;
  options.match = [](std::string_view family) { return family == "temp"; };
  TargetScraper scraper(node_target(), options);
  RecordingSink sink;
  auto stats = scraper.process(ok(kOm, "application/openmetrics-text"), 1, sink);
  EXPECT_EQ(stats.samples_scraped, 2u);
  ASSERT_EQ(sink.lines.size(), 3u);
  EXPECT_EQ(sink.lines[0], "# temp gauge unit=celsius help=");
}

}  // namespace
}  // namespace promotel::scrape

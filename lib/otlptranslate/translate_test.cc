#include "otlptranslate/translate.h"

#include <cmath>
#include <map>

#include <gtest/gtest.h>

#include "otlptranslate/naming.h"

namespace promotel::otlptranslate {
namespace {

namespace mpb = ::opentelemetry::proto::metrics::v1;

TEST(Naming, MetricNamesFromTheSpecExamples) {
  auto with = Translation::kUnderscoreEscapingWithSuffixes;
  EXPECT_EQ(metric_name("http.server.request.duration", "s", MetricKind::kOther, with),
            "http_server_request_duration_seconds");
  EXPECT_EQ(metric_name("requests.count", "1", MetricKind::kCounter, with), "requests_count_total");
  EXPECT_EQ(metric_name("memory.usage", "By", MetricKind::kGauge, with), "memory_usage_bytes");
  EXPECT_EQ(metric_name("cpu.utilization", "1", MetricKind::kGauge, with), "cpu_utilization_ratio");
  EXPECT_EQ(metric_name("throughput", "requests/s", MetricKind::kGauge, with), "throughput_requests_per_second");
  EXPECT_EQ(metric_name("bytes.sent", "By", MetricKind::kCounter, with), "bytes_sent_total");
  EXPECT_EQ(metric_name("active", "{requests}", MetricKind::kGauge, with), "active");
  EXPECT_EQ(metric_name("total.requests", "", MetricKind::kCounter, with), "requests_total");
  EXPECT_EQ(metric_name("__weird__name__", "", MetricKind::kGauge, with), "weird_name");
  EXPECT_EQ(metric_name("5xx.errors", "", MetricKind::kGauge, with), "_5xx_errors");
  EXPECT_EQ(metric_name("...", "", MetricKind::kGauge, with), std::nullopt);
  auto without = Translation::kUnderscoreEscapingWithoutSuffixes;
  EXPECT_EQ(metric_name("http.server.duration", "s", MetricKind::kCounter, without), "http_server_duration");
  EXPECT_EQ(metric_name("a..b__c", "", MetricKind::kGauge, without), "a_b__c");
}

TEST(Naming, LabelsUnitsAndBounds) {
  EXPECT_EQ(label_name("http.method"), "http_method");
  EXPECT_EQ(label_name("123invalid"), "key_123invalid");
  EXPECT_EQ(label_name("label@with$symbols"), "label_with_symbols");
  EXPECT_EQ(label_name("__meta__"), "__meta__");
  EXPECT_EQ(label_name("___"), std::nullopt);
  EXPECT_EQ(label_name(""), std::nullopt);
  EXPECT_EQ(unit_word("ms"), "milliseconds");
  EXPECT_EQ(unit_word("By/s"), "bytes_per_second");
  EXPECT_EQ(unit_word("1"), "");
  EXPECT_EQ(unit_word("{packets}/s"), "per_second");
  EXPECT_EQ(format_bound(0.1), "0.1");
  EXPECT_EQ(format_bound(1), "1");
  EXPECT_EQ(format_bound(1e6), "1000000");
  EXPECT_EQ(format_bound(0.0000001), "0.0000001");
  EXPECT_EQ(format_bound(INFINITY), "+Inf");
}

struct Recorded {
  std::string name;
  std::map<std::string, std::string> labels;
  double value;
  std::optional<int64_t> ts;
  int64_t start;
  bool stale;
  std::string exemplar;
};

class RecordingSink : public Sink {
 public:
  std::vector<std::string> metadata_lines, problems;
  std::vector<Recorded> samples;
  std::vector<std::pair<std::string, model::NativeHistogram>> histograms;
  std::vector<std::vector<model::BucketSpan>> spans;
  std::vector<std::vector<int64_t>> deltas;

  void metadata(std::string_view family, model::MetricType type, std::string_view help,
                std::string_view unit) override {
    metadata_lines.push_back(std::string(family) + " " + std::string(model::to_string(type)) + " " +
                             std::string(help) + " " + std::string(unit));
  }
  void sample(const model::Sample& s, int64_t start_ms, bool stale) override {
    Recorded r{std::string(s.name), {}, s.value, s.timestamp, start_ms, stale, ""};
    for (const auto& l : s.labels) r.labels[std::string(l.name)] = l.value;
    if (s.exemplar) {
      for (const auto& l : s.exemplar->labels) r.exemplar += std::string(l.name) + "=" + std::string(l.value) + ",";
    }
    samples.push_back(r);
  }
  void histogram(std::string_view family, const model::NativeHistogram& h, bool) override {
    histograms.emplace_back(std::string(family), h);
    spans.emplace_back(h.positive_spans.begin(), h.positive_spans.end());
    deltas.emplace_back(h.positive_deltas.begin(), h.positive_deltas.end());
  }
  void problem(const std::string& what) override { problems.push_back(what); }
};

void attr(google::protobuf::RepeatedPtrField<::opentelemetry::proto::common::v1::KeyValue>* attrs,
          const std::string& k, const std::string& v) {
  auto* kv = attrs->Add();
  kv->set_key(k);
  kv->mutable_value()->set_string_value(v);
}

TEST(Translate, SeriesResourceLabelsAndTargetInfo) {
  otlp::MetricsRequest req;
  auto* rm = req.add_resource_metrics();
  attr(rm->mutable_resource()->mutable_attributes(), "service.name", "api");
  attr(rm->mutable_resource()->mutable_attributes(), "service.namespace", "shop");
  attr(rm->mutable_resource()->mutable_attributes(), "service.instance.id", "host:1");
  attr(rm->mutable_resource()->mutable_attributes(), "host.name", "h1");
  auto* sm = rm->add_scope_metrics();

  auto* counter = sm->add_metrics();
  counter->set_name("http.requests");
  counter->set_description("Requests.");
  counter->mutable_sum()->set_is_monotonic(true);
  counter->mutable_sum()->set_aggregation_temporality(mpb::AGGREGATION_TEMPORALITY_CUMULATIVE);
  auto* p = counter->mutable_sum()->add_data_points();
  p->set_as_int(7);
  p->set_time_unix_nano(2'000'000'000'123'000'000ULL);
  p->set_start_time_unix_nano(1'000'000'000'000'000'000ULL);
  attr(p->mutable_attributes(), "http.method", "GET");
  attr(p->mutable_attributes(), "job", "overridden");
  auto* e = p->add_exemplars();
  e->set_as_double(1);
  e->set_trace_id(std::string("\x01\x02", 2));

  auto* hist = sm->add_metrics();
  hist->set_name("latency");
  hist->set_unit("s");
  hist->mutable_histogram()->set_aggregation_temporality(mpb::AGGREGATION_TEMPORALITY_CUMULATIVE);
  auto* hp = hist->mutable_histogram()->add_data_points();
  hp->set_time_unix_nano(2'000'000'000'000'000'000ULL);
  hp->set_count(6);
  hp->set_sum(3.5);
  for (double b : {0.1, 1.0}) hp->add_explicit_bounds(b);
  for (uint64_t c : {1, 2, 3}) hp->add_bucket_counts(c);
  hp->set_flags(1);  // NoRecordedValue

  auto* delta = sm->add_metrics();
  delta->set_name("d");
  delta->mutable_sum()->set_aggregation_temporality(mpb::AGGREGATION_TEMPORALITY_DELTA);
  delta->mutable_sum()->add_data_points()->set_as_int(1);

  RecordingSink sink;
  translate(req, {}, sink);
  ASSERT_EQ(sink.problems.size(), 1u);
  EXPECT_EQ(sink.problems[0], "metric \"d\": delta temporality is not supported by Prometheus");
  ASSERT_EQ(sink.samples.size(), 7u);
  const auto& c = sink.samples[0];
  EXPECT_EQ(c.name, "http_requests_total");
  EXPECT_EQ(c.labels, (std::map<std::string, std::string>{{"http_method", "GET"}, {"job", "shop/api"}, {"instance", "host:1"}}));
  EXPECT_EQ(c.value, 7);
  EXPECT_EQ(c.ts, 2'000'000'000'123);
  EXPECT_EQ(c.start, 1'000'000'000'000);
  EXPECT_EQ(c.exemplar, "trace_id=0102,");
  EXPECT_EQ(sink.metadata_lines[0], "http_requests counter Requests. ");
  EXPECT_EQ(sink.metadata_lines[1], "latency_seconds histogram  seconds");
  EXPECT_EQ(sink.samples[1].name, "latency_seconds_bucket");
  EXPECT_EQ(sink.samples[1].labels.at("le"), "0.1");
  EXPECT_EQ(sink.samples[1].value, 1);
  EXPECT_EQ(sink.samples[2].value, 3);  // cumulative
  EXPECT_EQ(sink.samples[3].labels.at("le"), "+Inf");
  EXPECT_EQ(sink.samples[3].value, 6);
  EXPECT_TRUE(sink.samples[3].stale);
  EXPECT_EQ(sink.samples[4].name, "latency_seconds_sum");
  EXPECT_EQ(sink.samples[5].name, "latency_seconds_count");
  const auto& ti = sink.samples[6];
  EXPECT_EQ(ti.name, "target_info");
  EXPECT_EQ(ti.labels, (std::map<std::string, std::string>{{"host_name", "h1"}, {"job", "shop/api"}, {"instance", "host:1"}}));
  EXPECT_EQ(ti.ts, 2'000'000'000'123);
}

TEST(Translate, ExponentialHistogramToNative) {
  otlp::MetricsRequest req;
  auto* m = req.add_resource_metrics()->add_scope_metrics()->add_metrics();
  m->set_name("rt");
  m->mutable_exponential_histogram()->set_aggregation_temporality(mpb::AGGREGATION_TEMPORALITY_CUMULATIVE);
  auto* p = m->mutable_exponential_histogram()->add_data_points();
  p->set_scale(10);  // downscaled to 8: 4 OTLP buckets per Prometheus bucket
  p->set_count(10);
  p->set_sum(5);
  p->set_zero_count(1);
  p->mutable_positive()->set_offset(-2);
  for (uint64_t c : {1, 2, 3, 3}) p->mutable_positive()->add_bucket_counts(c);
  RecordingSink sink;
  translate(req, {}, sink);
  ASSERT_EQ(sink.histograms.size(), 1u);
  const auto& h = sink.histograms[0].second;
  EXPECT_EQ(sink.histograms[0].first, "rt");
  EXPECT_EQ(h.schema, 8);
  EXPECT_EQ(h.count, 10);
  // OTLP indices -2..1 >> 2 → -1, -1, 0, 0; Prometheus index = that + 1 → 0 and 1.
  ASSERT_EQ(sink.spans[0].size(), 1u);
  EXPECT_EQ(sink.spans[0][0].offset, 0);
  EXPECT_EQ(sink.spans[0][0].length, 2u);
  EXPECT_EQ(sink.deltas[0], (std::vector<int64_t>{3, 3}));
  p->set_scale(-5);
  RecordingSink refused;
  translate(req, {}, refused);
  EXPECT_EQ(refused.problems.size(), 1u);
}

}  // namespace
}  // namespace promotel::otlptranslate

// Detailed (and normal) rendering throughput of the debug-exporter text on a large request,
// and the whole file-mode path (protobuf frames → parse → detailed text). Target: >= 1 M data
// points/s for detailed rendering. Counters: points/s and output MB/s.
#include <benchmark/benchmark.h>

#include <string>

#include "common/input.h"
#include "debugexporter/detailed.h"
#include "debugexporter/normal.h"
#include "otlp/framing.h"

namespace {

using namespace promotel;

// A Prometheus-receiver-like request: 1000 metrics (gauge, cumulative sum, histogram) × 100
// series, 4 attributes per point, timestamps with nanoseconds.
otlp::MetricsRequest make_request(int metrics, int series) {
  otlp::MetricsRequest request;
  auto* rm = request.add_resource_metrics();
  auto* attr = rm->mutable_resource()->add_attributes();
  attr->set_key("service.name");
  attr->mutable_value()->set_string_value("node-exporter");
  auto* sm = rm->add_scope_metrics();
  sm->mutable_scope()->set_name("github.com/open-telemetry/opentelemetry-collector-contrib/receiver/prometheusreceiver");
  sm->mutable_scope()->set_version("0.148.0");
  auto add_attrs = [](auto* point, int s) {
    const char* keys[] = {"instance", "job", "mode", "cpu"};
    const std::string values[] = {"127.0.0.1:9100", "node", "idle", std::to_string(s)};
    for (int k = 0; k < 4; ++k) {
      auto* kv = point->add_attributes();
      kv->set_key(keys[k]);
      kv->mutable_value()->set_string_value(values[k]);
    }
  };
  for (int m = 0; m < metrics; ++m) {
    auto* metric = sm->add_metrics();
    metric->set_name("node_metric_" + std::to_string(m) + "_total");
    metric->set_description("A synthetic metric for the benchmark");
    metric->set_unit("s");
    for (int s = 0; s < series; ++s) {
      uint64_t t = 1700000000123456789ull + s;
      if (m % 3 == 0) {
        auto* p = metric->mutable_gauge()->add_data_points();
        add_attrs(p, s);
        p->set_time_unix_nano(t);
        p->set_as_double(s * 1.25 + m);
      } else if (m % 3 == 1) {
        auto* sum = metric->mutable_sum();
        sum->set_is_monotonic(true);
        sum->set_aggregation_temporality(opentelemetry::proto::metrics::v1::AGGREGATION_TEMPORALITY_CUMULATIVE);
        auto* p = sum->add_data_points();
        add_attrs(p, s);
        p->set_start_time_unix_nano(t - 60000000000ull);
        p->set_time_unix_nano(t);
        p->set_as_double(12345.678 * s);
      } else {
        auto* h = metric->mutable_histogram();
        h->set_aggregation_temporality(opentelemetry::proto::metrics::v1::AGGREGATION_TEMPORALITY_CUMULATIVE);
        auto* p = h->add_data_points();
        add_attrs(p, s);
        p->set_start_time_unix_nano(t - 60000000000ull);
        p->set_time_unix_nano(t);
        p->set_count(100 + s);
        p->set_sum(42.5 * s);
        for (double b : {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0}) p->add_explicit_bounds(b);
        for (int b = 0; b < 12; ++b) p->add_bucket_counts(b * 3 + s);
      }
    }
  }
  return request;
}

const otlp::MetricsRequest& request() {
  static const otlp::MetricsRequest r = make_request(1000, 100);
  return r;
}
constexpr int64_t kPoints = 1000 * 100;

void BM_DetailedMetrics(benchmark::State& state) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    debugexporter::append_detailed(out, request());
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["points/s"] = benchmark::Counter(double(kPoints) * state.iterations(), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(int64_t(out.size()) * state.iterations());
}
BENCHMARK(BM_DetailedMetrics)->Unit(benchmark::kMillisecond);

void BM_NormalMetrics(benchmark::State& state) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    debugexporter::append_normal(out, request());
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["points/s"] = benchmark::Counter(double(kPoints) * state.iterations(), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(int64_t(out.size()) * state.iterations());
}
BENCHMARK(BM_NormalMetrics)->Unit(benchmark::kMillisecond);

// The file-mode path: 10 framed requests read and parsed one at a time, each rendered.
void BM_FramedProtobufToDetailed(benchmark::State& state) {
  std::string frames;
  for (int i = 0; i < 10; ++i) otlp::append_frame(frames, request(), otlp::Format::kProto);
  std::string out;
  for (auto _ : state) {
    StringReader source(frames, "bench");
    otlp::RequestReader reader(source, {});
    while (auto* r = reader.next()) {
      out.clear();
      debugexporter::append_detailed(out, static_cast<const otlp::MetricsRequest&>(*r));
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.counters["points/s"] = benchmark::Counter(10.0 * kPoints * state.iterations(), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(int64_t(frames.size()) * state.iterations());
}
BENCHMARK(BM_FramedProtobufToDetailed)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

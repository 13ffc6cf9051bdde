// Detailed (and normal) rendering throughput of the debug-exporter text on a large request,
// and the whole file-mode path (protobuf frames → parse → detailed text). Target: >= 1 M data
// points/s for detailed rendering. Counters: points/s and output MB/s.
#include <benchmark/benchmark.h>

#include <string>

#include "common/input.h"
#include "debugexporter/detailed.h"
#include "debugexporter/normal.h"
#include "debugexporter/wire_metrics.h"
#include "otlp/framing.h"
#include "otlp/json_decode.h"
#include "otlp/json_encode.h"

namespace {

using namespace promotel;

// A Prometheus-receiver-like request: 1000 metrics (gauge, cumulative sum, histogram) × 100
// series, 4 attributes per point, timestamps with nanoseconds.
otlp::MetricsRequest make_request(int metrics, int series, bool histograms = true) {
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
      if (m % 3 == 0 || (!histograms && m % 3 == 2)) {
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

// Gauges and sums only (no histogram's 23 bucket lines): the typical counter/gauge scrape.
void BM_DetailedNumberPoints(benchmark::State& state) {
  static const otlp::MetricsRequest numbers = make_request(1000, 100, false);
  std::string out;
  for (auto _ : state) {
    out.clear();
    debugexporter::append_detailed(out, numbers);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["points/s"] = benchmark::Counter(double(kPoints) * state.iterations(), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(int64_t(out.size()) * state.iterations());
}
BENCHMARK(BM_DetailedNumberPoints)->Unit(benchmark::kMillisecond);

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

// What otlpdump does with a framed protobuf metrics request by default since the direct
// renderer: the detailed text straight from the frame's bytes, no messages built.
void framed_direct(benchmark::State& state, const otlp::MetricsRequest& request, int64_t points) {
  std::string frames;
  for (int i = 0; i < 10; ++i) otlp::append_frame(frames, request, otlp::Format::kProto);
  std::string out;
  for (auto _ : state) {
    StringReader source(frames, "bench");
    otlp::RequestReader reader(source, {});
    if (!reader.framed_protobuf()) state.SkipWithError("not framed");
    while (auto frame = reader.next_frame()) {
      out.clear();
      debugexporter::MetricsCounts counts;
      if (!debugexporter::append_detailed_from_proto(out, *frame, counts))
        state.SkipWithError("direct renderer refused the request");
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.counters["points/s"] = benchmark::Counter(10.0 * points * state.iterations(), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(int64_t(frames.size()) * state.iterations());
}

void BM_FramedProtobufToDetailedDirect(benchmark::State& state) {
  framed_direct(state, request(), kPoints);
}
BENCHMARK(BM_FramedProtobufToDetailedDirect)->Unit(benchmark::kMillisecond);

void BM_FramedProtobufNumberPointsDirect(benchmark::State& state) {
  static const otlp::MetricsRequest numbers = make_request(1000, 100, false);
  framed_direct(state, numbers, kPoints);
}
BENCHMARK(BM_FramedProtobufNumberPointsDirect)->Unit(benchmark::kMillisecond);

// Mixed: the request above plus summaries, exponential histograms and exemplars on sums.
const otlp::MetricsRequest& mixed_request() {
  static const otlp::MetricsRequest r = [] {
    otlp::MetricsRequest m = make_request(600, 100);
    auto* sm = m.mutable_resource_metrics(0)->mutable_scope_metrics(0);
    for (auto& metric : *sm->mutable_metrics()) {
      if (!metric.has_sum()) continue;
      for (auto& p : *metric.mutable_sum()->mutable_data_points()) {
        auto* e = p.add_exemplars();
        e->set_time_unix_nano(p.time_unix_nano());
        e->set_as_double(0.25);
        e->set_trace_id(std::string(16, '\x5a'));
        e->set_span_id(std::string(8, '\x1b'));
      }
    }
    for (int k = 0; k < 200; ++k) {
      auto* s = sm->add_metrics();
      s->set_name("rpc_latency_" + std::to_string(k));
      auto* e = sm->add_metrics();
      e->set_name("http_duration_" + std::to_string(k));
      auto* eh = e->mutable_exponential_histogram();
      eh->set_aggregation_temporality(opentelemetry::proto::metrics::v1::AGGREGATION_TEMPORALITY_CUMULATIVE);
      for (int i = 0; i < 100; ++i) {
        auto* q = s->mutable_summary()->add_data_points();
        q->set_time_unix_nano(1700000000123456789ull + i);
        q->set_count(10 + i);
        q->set_sum(3.5 * i);
        for (double quantile : {0.5, 0.9, 0.99}) {
          auto* v = q->add_quantile_values();
          v->set_quantile(quantile);
          v->set_value(quantile * i);
        }
        auto* p = eh->add_data_points();
        p->set_time_unix_nano(1700000000123456789ull + i);
        p->set_count(20 + i);
        p->set_sum(1.5 * i);
        p->set_scale(3);
        p->set_zero_count(1);
        p->mutable_positive()->set_offset(-2);
        for (int b = 0; b < 8; ++b) p->mutable_positive()->add_bucket_counts(b + i);
      }
    }
    return m;
  }();
  return r;
}
constexpr int64_t kMixedPoints = 600 * 100 + 400 * 100;

void BM_FramedProtobufMixedDirect(benchmark::State& state) {
  framed_direct(state, mixed_request(), kMixedPoints);
}
BENCHMARK(BM_FramedProtobufMixedDirect)->Unit(benchmark::kMillisecond);

// The same mixed frames the ordinary way (parse, then render), for comparison.
void BM_FramedProtobufMixedParsed(benchmark::State& state) {
  std::string frames;
  for (int i = 0; i < 10; ++i) otlp::append_frame(frames, mixed_request(), otlp::Format::kProto);
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
  state.counters["points/s"] = benchmark::Counter(10.0 * kMixedPoints * state.iterations(), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(int64_t(frames.size()) * state.iterations());
}
BENCHMARK(BM_FramedProtobufMixedParsed)->Unit(benchmark::kMillisecond);

// The OTLP/JSON codec (file-exporter JSON lines; prom2otlp writes them, otlpdump reads them).
void BM_EncodeJson(benchmark::State& state) {
  size_t bytes = 0;
  for (auto _ : state) {
    std::string json = otlp::encode_json(request());
    bytes = json.size();
    benchmark::DoNotOptimize(json.data());
  }
  state.counters["points/s"] = benchmark::Counter(double(kPoints) * state.iterations(), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(int64_t(bytes) * state.iterations());
}
BENCHMARK(BM_EncodeJson)->Unit(benchmark::kMillisecond);

void BM_DecodeJson(benchmark::State& state) {
  std::string json = otlp::encode_json(request());
  google::protobuf::Arena arena;
  for (auto _ : state) {
    arena.Reset();
    auto* m = google::protobuf::Arena::CreateMessage<otlp::MetricsRequest>(&arena);
    otlp::decode_json(json, *m);
    benchmark::DoNotOptimize(m);
  }
  state.counters["points/s"] = benchmark::Counter(double(kPoints) * state.iterations(), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(int64_t(json.size()) * state.iterations());
}
BENCHMARK(BM_DecodeJson)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

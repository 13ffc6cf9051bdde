// Stage costs of prom2otlp on a synthetic exposition (PROMOTEL_BENCH_INPUT, default
// bench/.cache/synth_100000.prom made by ../shared/bench/gen_exposition.py --series 100000):
//   Parse           the text parser alone
//   Transaction     parse + the receiver's grouping (no OTLP built)
//   BuildRequests   + building the ExportMetricsServiceRequests (batches of 10000 points)
//   Serialize       + protobuf serialization of the built requests (prom2otlp's JSON path and
//                   --endpoint build requests this way)
//   SerializeDirect parse + transaction + the request bytes written directly, without building
//                   messages (what `prom2otlp > file` does, minus the write)
//   Json            + the built requests as OTLP/JSON by otlp::encode_json (the JSON path before
//                   JsonDirect)
//   JsonDirect      parse + transaction + the OTLP/JSON written directly (what
//                   `prom2otlp --output-format json > file` does, minus the write)
// Reports bytes/s of input and samples/s.

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "common/input.h"
#include "exposition/parser.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "otlp/json_encode.h"
#include "promreceiver/convert.h"

namespace {

using namespace promotel;

const std::string& input() {
  static const std::string data = [] {
    const char* path = std::getenv("PROMOTEL_BENCH_INPUT");
    std::string p = path ? path : "bench/.cache/synth_100000.prom";
    if (!path && std::system(("test -f " + p + " || /usr/bin/python3 ../shared/bench/gen_exposition.py "
                              "--series 100000 -o " + p + " 2>/dev/null").c_str()) != 0) {
      throw std::runtime_error("cannot generate " + p);
    }
    return read_file(p);
  }();
  return data;
}

promreceiver::ConvertOptions options() {
  promreceiver::ConvertOptions o;
  o.receiver.job = "bench";
  o.receiver.instance = "127.0.0.1:9100";
  o.receiver.scrape_time_ms = 1700000000000;
  o.parse.format = exposition::Format::kPrometheusText;
  o.batch_size = 10000;
  return o;
}

void report(benchmark::State& state, size_t samples) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * input().size()));
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(samples * state.iterations()),
                                                   benchmark::Counter::kIsRate);
}

void Parse(benchmark::State& state) {
  size_t samples = 0;
  for (auto _ : state) {
    StringReader reader(input());
    auto parser = exposition::make_parser(reader, options().parse);
    samples = 0;
    for (exposition::Entry e; (e = parser->next()) != exposition::Entry::kEnd;) {
      if (e == exposition::Entry::kSample) ++samples;
    }
  }
  report(state, samples);
}

void Transaction(benchmark::State& state) {
  size_t samples = 0;
  for (auto _ : state) {
    StringReader reader(input());
    auto parser = exposition::make_parser(reader, options().parse);
    promreceiver::Transaction tx(options().receiver);
    samples = 0;
    for (exposition::Entry e; (e = parser->next()) != exposition::Entry::kEnd;) {
      if (e == exposition::Entry::kType) tx.set_type(parser->metric_name(), parser->type());
      if (e == exposition::Entry::kSample) {
        tx.append(parser->sample());
        ++samples;
        if (tx.pending_points() >= 10000) tx.rollback();
      }
    }
  }
  report(state, samples);
}

void BuildRequests(benchmark::State& state) {
  size_t samples = 0;
  for (auto _ : state) {
    StringReader reader(input());
    auto r = promreceiver::convert(reader, options(), [](const auto& request) {
      benchmark::DoNotOptimize(request.resource_metrics_size());
    });
    samples = r.samples;
  }
  report(state, samples);
}

void Serialize(benchmark::State& state) {
  size_t samples = 0;
  std::string out;
  for (auto _ : state) {
    StringReader reader(input());
    auto r = promreceiver::convert(reader, options(), [&](const auto& request) {
      out.clear();
      request.AppendToString(&out);
      benchmark::DoNotOptimize(out.data());
    });
    samples = r.samples;
  }
  report(state, samples);
}

void SerializeDirect(benchmark::State& state) {
  size_t samples = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    StringReader reader(input());
    auto r = promreceiver::convert_serialized(reader, options(), [&](std::string_view request) {
      bytes += request.size();
      benchmark::DoNotOptimize(request.data());
    });
    samples = r.samples;
  }
  benchmark::DoNotOptimize(bytes);
  report(state, samples);
}

// What prom2otlp does for protobuf output: each request handed over in pieces, never assembled.
void SerializePieces(benchmark::State& state) {
  size_t samples = 0;
  size_t bytes = 0;
  promreceiver::SerializedPiecesSink sink{[&](size_t size) { bytes += size; },
                                          [&](std::span<const std::string_view> pieces) {
                                            benchmark::DoNotOptimize(pieces.data());
                                          }};
  for (auto _ : state) {
    StringReader reader(input());
    auto r = promreceiver::convert_serialized_pieces(reader, options(), sink);
    samples = r.samples;
  }
  benchmark::DoNotOptimize(bytes);
  report(state, samples);
}

void Json(benchmark::State& state) {
  size_t samples = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    StringReader reader(input());
    auto r = promreceiver::convert(reader, options(), [&](const auto& request) {
      std::string text = otlp::encode_json(request);
      bytes += text.size();
      benchmark::DoNotOptimize(text.data());
    });
    samples = r.samples;
  }
  benchmark::DoNotOptimize(bytes);
  report(state, samples);
}

void JsonDirect(benchmark::State& state) {
  size_t samples = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    StringReader reader(input());
    auto r = promreceiver::convert_json(reader, options(), [&](std::string_view request) {
      bytes += request.size();
      benchmark::DoNotOptimize(request.data());
    });
    samples = r.samples;
  }
  benchmark::DoNotOptimize(bytes);
  report(state, samples);
}

BENCHMARK(Parse)->Unit(benchmark::kMillisecond);
BENCHMARK(Transaction)->Unit(benchmark::kMillisecond);
BENCHMARK(BuildRequests)->Unit(benchmark::kMillisecond);
BENCHMARK(Serialize)->Unit(benchmark::kMillisecond);
BENCHMARK(SerializeDirect)->Unit(benchmark::kMillisecond);
BENCHMARK(SerializePieces)->Unit(benchmark::kMillisecond);
BENCHMARK(Json)->Unit(benchmark::kMillisecond);
BENCHMARK(JsonDirect)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

// Parse throughput of lib/exposition, reported as bytes/s (MB/s) and samples/s.
//
// Inputs (run from the source root):
//  * bench/.cache/synth_1m.prom, synth_1m.om.txt — ../shared/bench/gen_exposition.py
//    --series 1000000 (generated on first run with /usr/bin/python3; ~128 MB each),
//  * the real scrapes in ../shared/testdata/exposition/,
//  * protobuf: node_exporter.pb.delimited and the native-histogram test stream, repeated
//    in memory to ~32 MB (the decoder does not care that families repeat in lenient mode).
// The input is held in memory and fed through a StringReader in the parser's normal chunked
// way, so the numbers are the parser's ("inner" in shared/specs/perf-anchors.md).
// Peers on this machine (perf-anchors.md A.1): VictoriaMetrics 705 MB/s / 5.5 M samples/s,
// Prometheus PromParser 138 MB/s / 1.07 M samples/s, Prometheus ProtobufParser 65.6 MB/s of pb.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>

#include "common/input.h"
#include "exposition/protobuf_parser.h"
#include "exposition/text_parser.h"

namespace promotel::exposition {
namespace {

namespace fs = std::filesystem;

const std::string& cached(const std::string& name, const std::string& format) {
  static std::map<std::string, std::string> files;
  auto it = files.find(name);
  if (it != files.end()) return it->second;
  fs::path path = fs::path("bench/.cache") / name;
  if (!fs::exists(path)) {
    fs::create_directories(path.parent_path());
    std::string command = "/usr/bin/python3 ../shared/bench/gen_exposition.py --series 1000000 --format " + format +
                          " -o " + path.string();
    std::fprintf(stderr, "generating %s\n", path.c_str());
    if (std::system(command.c_str()) != 0) std::fprintf(stderr, "failed: %s\n", command.c_str());
  }
  return files[name] = read_file(path.string());
}

const std::string& testdata(const std::string& relative) {
  static std::map<std::string, std::string> files;
  auto it = files.find(relative);
  if (it != files.end()) return it->second;
  return files[relative] = read_file("../shared/testdata/exposition/" + relative);
}

const std::string& repeated(const std::string& relative, size_t target) {
  static std::map<std::string, std::string> files;
  auto it = files.find(relative);
  if (it != files.end()) return it->second;
  const std::string& one = testdata(relative);
  std::string out;
  out.reserve(target + one.size());
  while (out.size() < target) out += one;
  return files[relative] = std::move(out);
}

template <typename P>
void run(benchmark::State& state, const std::string& data, ParseOptions options) {
  int64_t samples = 0;
  for (auto _ : state) {
    StringReader reader(data, "bench");
    P parser(reader, options);
    for (Entry e; (e = parser.next()) != Entry::kEnd;) {
      if (e == Entry::kSample) {
        benchmark::DoNotOptimize(parser.sample().value);
        ++samples;
      } else if (e == Entry::kNativeHistogram) {
        benchmark::DoNotOptimize(parser.native_histogram().count);
        ++samples;
      }
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(data.size()) * state.iterations());
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(samples), benchmark::Counter::kIsRate);
}

// The floor: counting lines with memchr over the same bytes (perf-anchors.md: `wc -l` 6,550
// MB/s on a quiet machine). Its result tells how loaded the machine is during this run.
void BM_Floor_CountLines_Synth1M(benchmark::State& state) {
  const std::string& data = cached("synth_1m.prom", "prom");
  for (auto _ : state) {
    size_t lines = 0;
    for (const char* p = data.data(); (p = static_cast<const char*>(std::memchr(p, '\n', data.data() + data.size() - p)));
         ++p)
      ++lines;
    benchmark::DoNotOptimize(lines);
  }
  state.SetBytesProcessed(static_cast<int64_t>(data.size()) * state.iterations());
}

// In place over an in-memory body (no copy into the parser's buffer).
void BM_PromText_Synth1M_InMemory(benchmark::State& state) {
  const std::string& data = cached("synth_1m.prom", "prom");
  int64_t samples = 0;
  for (auto _ : state) {
    TextParser parser(std::string_view(data), "bench", {.format = Format::kPrometheusText});
    for (Entry e; (e = parser.next()) != Entry::kEnd;) {
      if (e == Entry::kSample) {
        benchmark::DoNotOptimize(parser.sample().value);
        ++samples;
      }
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(data.size()) * state.iterations());
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(samples), benchmark::Counter::kIsRate);
}

void BM_PromText_Synth1M(benchmark::State& state) {
  run<TextParser>(state, cached("synth_1m.prom", "prom"), {.format = Format::kPrometheusText});
}
void BM_OpenMetrics_Synth1M_Lenient(benchmark::State& state) {
  run<TextParser>(state, cached("synth_1m.om.txt", "om"), {.format = Format::kOpenMetrics});
}
void BM_OpenMetrics_Synth1M_Strict(benchmark::State& state) {
  run<TextParser>(state, cached("synth_1m.om.txt", "om"), {.format = Format::kOpenMetrics, .strict = true});
}
void BM_PromText_Alltypes237(benchmark::State& state) {
  run<TextParser>(state, testdata("prometheus-textparse/alltypes.237mfs.prom.txt"), {.format = Format::kPrometheusText});
}
void BM_PromText_NodeExporter(benchmark::State& state) {
  run<TextParser>(state, testdata("node_exporter.prom"), {.format = Format::kPrometheusText});
}
void BM_OpenMetrics_Alltypes5_Lenient(benchmark::State& state) {
  run<TextParser>(state, testdata("prometheus-textparse/alltypes.5mfs.om.txt"), {.format = Format::kOpenMetrics});
}
void BM_Protobuf_NodeExporter32MB(benchmark::State& state) {
  run<ProtobufParser>(state, repeated("protobuf/node_exporter.pb.delimited", 32 << 20), {.format = Format::kProtobuf});
}
void BM_Protobuf_NativeHistograms32MB(benchmark::State& state) {
  run<ProtobufParser>(state, repeated("protobuf/prometheus_textparse_testproto.pb.delimited", 32 << 20),
                      {.format = Format::kProtobuf});
}

BENCHMARK(BM_Floor_CountLines_Synth1M)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PromText_Synth1M)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_PromText_Synth1M_InMemory)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_OpenMetrics_Synth1M_Lenient)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_OpenMetrics_Synth1M_Strict)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_PromText_Alltypes237)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PromText_NodeExporter)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_OpenMetrics_Alltypes5_Lenient)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Protobuf_NodeExporter32MB)->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_Protobuf_NativeHistograms32MB)->Unit(benchmark::kMillisecond)->MinTime(2);

}  // namespace
}  // namespace promotel::exposition

BENCHMARK_MAIN();

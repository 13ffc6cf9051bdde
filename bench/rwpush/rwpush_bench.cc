// Throughput of rwpush's stages on the synthetic exposition (100k sample lines by default,
// RWPUSH_BENCH_SERIES to change): items/s are samples/s, bytes/s input bytes/s.
//
//   parse                 the exposition parser alone (the floor)
//   validate              parse + label rules (rwpush's first pass)
//   encode_v1 / encode_v2 parse + batches + Remote-Write encoding + snappy (the sending pass
//                         without the network)
//   dry_run_print         encode_v1 + the --dry-run --verbose text to /dev/null (plain --dry-run
//                         prints one summary line per request: encode_v1)

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <benchmark/benchmark.h>

#include "common/input.h"
#include "common/output.h"
#include "exposition/parser.h"
#include "remotewrite/encode.h"
#include "remotewrite/printer.h"
#include "remotewrite/series_builder.h"

namespace rw = promotel::remotewrite;
namespace ex = promotel::exposition;

namespace {

const std::string& input() {
  static const std::string data = [] {
    const char* env = std::getenv("RWPUSH_BENCH_SERIES");
    std::string series = env ? env : "100000";
    std::string path = "bench/.cache/synth_" + series + ".prom";
    if (!std::filesystem::exists(path)) {
      std::filesystem::create_directories("bench/.cache");
      std::string cmd = "/usr/bin/python3 ../shared/bench/gen_exposition.py --series " + series +
                        " --format prom -o " + path + ".tmp 2>/dev/null && mv " + path + ".tmp " + path;
      if (std::system(cmd.c_str()) != 0) return std::string();
    }
    return promotel::read_file(path);
  }();
  return data;
}

enum class Stage { kParse, kValidate, kEncodeV1, kEncodeV2, kPrint };

void run(benchmark::State& state, Stage stage) {
  const std::string& data = input();
  if (data.empty()) {
    state.SkipWithError("no input (run from the source root)");
    return;
  }
  int devnull = ::open("/dev/null", O_WRONLY);
  promotel::Output out(devnull);
  uint64_t samples = 0;
  std::string protobuf, body;
  rw::V2Encoder v2;
  rw::BatchPrinter printer(out);
  rw::BuilderOptions options;
  options.now_ms = 1'700'000'000'000;
  options.validate_only = stage == Stage::kValidate;
  for (auto _ : state) {
    promotel::StringReader reader(data, "bench");
    auto parser = ex::make_parser(reader, {ex::Format::kPrometheusText, false});
    rw::SeriesBuilder builder(options, [&](rw::Batch& batch) {
      if (stage == Stage::kEncodeV2) {
        v2.encode(batch, protobuf);
      } else {
        rw::encode_v1(batch, protobuf);
      }
      rw::snappy_compress(protobuf, body);
      if (stage == Stage::kPrint) printer.print(batch, rw::Protocol::kV1, {protobuf.size(), body.size()});
      benchmark::DoNotOptimize(body.data());
    });
    for (ex::Entry e; (e = parser->next()) != ex::Entry::kEnd;) {
      if (stage == Stage::kParse) {
        if (e == ex::Entry::kSample) ++samples;
        continue;
      }
      switch (e) {
        case ex::Entry::kType: builder.type(parser->metric_name(), parser->type()); break;
        case ex::Entry::kHelp: builder.help(parser->metric_name(), parser->help()); break;
        case ex::Entry::kSample: builder.add(parser->sample()); break;
        default: break;
      }
    }
    builder.finish();
    if (stage != Stage::kParse) samples += builder.stats().samples;
  }
  out.flush();
  state.SetItemsProcessed(int64_t(samples));
  state.SetBytesProcessed(int64_t(state.iterations() * data.size()));
}

}  // namespace

BENCHMARK_CAPTURE(run, parse, Stage::kParse)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run, validate, Stage::kValidate)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run, encode_v1, Stage::kEncodeV1)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run, encode_v2, Stage::kEncodeV2)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(run, dry_run_print, Stage::kPrint)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();

// Microbenchmarks of the shared hot paths, each next to the routine a straightforward
// implementation would call, on tokens taken from the synthetic benchmark exposition
// (../shared/bench/gen_exposition.py, cached in bench/.cache/). Run from the source root.

#include <benchmark/benchmark.h>
#include <snappy.h>
#include <xxhash.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <fast_float/fast_float.h>

#include "common/input.h"
#include "exposition/number.h"
#include "exposition/writer.h"
#include "prometheus/remote.pb.h"

namespace ex = promotel::exposition;

namespace {

const std::string& input() {
  static const std::string data = [] {
    std::string path = "bench/.cache/synth_100000.prom";
    if (!std::filesystem::exists(path)) {
      std::filesystem::create_directories("bench/.cache");
      std::string cmd = "/usr/bin/python3 ../shared/bench/gen_exposition.py --series 100000 --format prom -o " +
                        path + ".tmp 2>/dev/null && mv " + path + ".tmp " + path;
      if (std::system(cmd.c_str()) != 0) return std::string();
    }
    return promotel::read_file(path);
  }();
  return data;
}

struct SampleLine {
  std::string_view name;
  std::string_view labels;  // between the braces
  std::string_view value;
};

// The sample lines of the input (name{labels} value; the generator writes no timestamps).
const std::vector<SampleLine>& lines() {
  static const std::vector<SampleLine> out = [] {
    std::vector<SampleLine> v;
    std::string_view rest = input();
    while (!rest.empty()) {
      size_t end = rest.find('\n');
      std::string_view line = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      if (line.empty() || line[0] == '#') continue;
      size_t open = line.find('{'), close = line.rfind('}'), space = line.rfind(' ');
      if (open == std::string_view::npos || close == std::string_view::npos || space < close) continue;
      v.push_back({line.substr(0, open), line.substr(open + 1, close - open - 1), line.substr(space + 1)});
    }
    return v;
  }();
  return out;
}

std::vector<double> values() {
  std::vector<double> out;
  for (const SampleLine& l : lines()) out.push_back(*ex::parse_value(l.value));
  return out;
}

bool ready(benchmark::State& state) {
  if (lines().empty()) state.SkipWithError("no input (run from the source root)");
  return !lines().empty();
}

void count_tokens(benchmark::State& state, size_t items, size_t bytes) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * items));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

size_t value_bytes() {
  size_t n = 0;
  for (const SampleLine& l : lines()) n += l.value.size();
  return n;
}

// --- parsing sample values (Prometheus' Go ParseFloat rules) ---

void BM_ParseValue_Ours(benchmark::State& state) {
  if (!ready(state)) return;
  for (auto _ : state) {
    double sum = 0;
    for (const SampleLine& l : lines()) sum += *ex::parse_value(l.value);
    benchmark::DoNotOptimize(sum);
  }
  count_tokens(state, lines().size(), value_bytes());
}
BENCHMARK(BM_ParseValue_Ours);

void BM_ParseValue_Strtod(benchmark::State& state) {
  if (!ready(state)) return;
  std::string copy;  // strtod needs a terminated string
  for (auto _ : state) {
    double sum = 0;
    for (const SampleLine& l : lines()) {
      copy.assign(l.value);
      sum += std::strtod(copy.c_str(), nullptr);
    }
    benchmark::DoNotOptimize(sum);
  }
  count_tokens(state, lines().size(), value_bytes());
}
BENCHMARK(BM_ParseValue_Strtod);

void BM_ParseValue_FromChars(benchmark::State& state) {
  if (!ready(state)) return;
  for (auto _ : state) {
    double sum = 0;
    for (const SampleLine& l : lines()) {
      double v = 0;
      std::from_chars(l.value.data(), l.value.data() + l.value.size(), v);
      sum += v;
    }
    benchmark::DoNotOptimize(sum);
  }
  count_tokens(state, lines().size(), value_bytes());
}
BENCHMARK(BM_ParseValue_FromChars);

void BM_ParseValue_FastFloat(benchmark::State& state) {
  if (!ready(state)) return;
  for (auto _ : state) {
    double sum = 0;
    for (const SampleLine& l : lines()) {
      double v = 0;
      fast_float::from_chars(l.value.data(), l.value.data() + l.value.size(), v);
      sum += v;
    }
    benchmark::DoNotOptimize(sum);
  }
  count_tokens(state, lines().size(), value_bytes());
}
BENCHMARK(BM_ParseValue_FastFloat);

// --- printing values ---

template <typename Append>
void print_values(benchmark::State& state, Append append) {
  if (!ready(state)) return;
  static const std::vector<double> v = values();
  std::string out;
  size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    for (double d : v) {
      append(out, d);
      out += ' ';
    }
    bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  count_tokens(state, v.size(), bytes);
}

void BM_PrintValue_Exposition(benchmark::State& state) {
  print_values(state, [](std::string& out, double d) { ex::append_value(out, d, ex::Format::kPrometheusText); });
}
BENCHMARK(BM_PrintValue_Exposition);

void BM_PrintValue_ToCharsShortest(benchmark::State& state) {
  print_values(state, [](std::string& out, double d) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    out.append(buf, r.ptr);
  });
}
BENCHMARK(BM_PrintValue_ToCharsShortest);

void BM_PrintValue_Snprintf17g(benchmark::State& state) {
  print_values(state, [](std::string& out, double d) {
    char buf[32];
    int n = std::snprintf(buf, sizeof buf, "%.17g", d);
    out.append(buf, static_cast<size_t>(n));
  });
}
BENCHMARK(BM_PrintValue_Snprintf17g);

// --- hashing a label set (series identity) ---

size_t label_bytes() {
  size_t n = 0;
  for (const SampleLine& l : lines()) n += l.name.size() + l.labels.size();
  return n;
}

void BM_HashLabels_XXH3(benchmark::State& state) {
  if (!ready(state)) return;
  for (auto _ : state) {
    uint64_t h = 0;
    for (const SampleLine& l : lines()) h ^= XXH3_64bits_withSeed(l.labels.data(), l.labels.size(), XXH3_64bits(l.name.data(), l.name.size()));
    benchmark::DoNotOptimize(h);
  }
  count_tokens(state, lines().size(), label_bytes());
}
BENCHMARK(BM_HashLabels_XXH3);

void BM_HashLabels_StdHash(benchmark::State& state) {
  if (!ready(state)) return;
  std::hash<std::string_view> hash;
  for (auto _ : state) {
    size_t h = 0;
    for (const SampleLine& l : lines()) h ^= hash(l.labels) * 31 + hash(l.name);
    benchmark::DoNotOptimize(h);
  }
  count_tokens(state, lines().size(), label_bytes());
}
BENCHMARK(BM_HashLabels_StdHash);

// --- snappy on a remote-write 1.0 request of 2000 series (rwpush's default batch) ---

std::string write_request_bytes() {
  prometheus::WriteRequest request;
  size_t n = 0;
  for (const SampleLine& l : lines()) {
    if (n++ == 2000) break;
    prometheus::TimeSeries* ts = request.add_timeseries();
    prometheus::Label* name = ts->add_labels();
    name->set_name("__name__");
    name->set_value(std::string(l.name));
    std::string_view rest = l.labels;  // k="v",k="v" (the generator writes no escapes)
    while (!rest.empty()) {
      size_t eq = rest.find('=');
      size_t close = rest.find('"', eq + 2);
      prometheus::Label* label = ts->add_labels();
      label->set_name(std::string(rest.substr(0, eq)));
      label->set_value(std::string(rest.substr(eq + 2, close - eq - 2)));
      rest = close + 2 <= rest.size() ? rest.substr(close + 2) : std::string_view();
    }
    prometheus::Sample* s = ts->add_samples();
    s->set_value(*ex::parse_value(l.value));
    s->set_timestamp(1700000000000);
  }
  return request.SerializeAsString();
}

void BM_Snappy_CompressRequest(benchmark::State& state) {
  if (!ready(state)) return;
  static const std::string raw = write_request_bytes();
  std::string compressed(snappy::MaxCompressedLength(raw.size()), '\0');
  size_t size = 0;
  for (auto _ : state) {
    snappy::RawCompress(raw.data(), raw.size(), compressed.data(), &size);
    benchmark::DoNotOptimize(compressed.data());
  }
  state.counters["ratio"] = static_cast<double>(raw.size()) / static_cast<double>(size);
  count_tokens(state, 2000, raw.size());
}
BENCHMARK(BM_Snappy_CompressRequest);

void BM_Snappy_UncompressRequest(benchmark::State& state) {
  if (!ready(state)) return;
  static const std::string raw = write_request_bytes();
  std::string compressed;
  snappy::Compress(raw.data(), raw.size(), &compressed);
  std::string out(raw.size(), '\0');
  for (auto _ : state) {
    if (!snappy::RawUncompress(compressed.data(), compressed.size(), out.data())) state.SkipWithError("corrupt");
    benchmark::DoNotOptimize(out.data());
  }
  count_tokens(state, 2000, raw.size());
}
BENCHMARK(BM_Snappy_UncompressRequest);

}  // namespace

BENCHMARK_MAIN();

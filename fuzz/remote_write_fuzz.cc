// Fuzzes Remote-Write both ways.
//  Decoding: a (snappy) request body read as a 1.0 WriteRequest and a 2.0 Request (the
//    decoders the tests and --dry-run of stored bodies use), and the label-list decoder.
//  Encoding: the input as text 0.0.4 through the SeriesBuilder (the rwpush path), each batch
//    encoded as 1.0 and 2.0, which must decode again with the same series and sample counts,
//    and printed as --dry-run prints it.

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/output.h"
#include "exposition/parser.h"
#include "fuzz/drain.h"
#include "fuzz/fuzz_input.h"
#include "io/prometheus/write/v2/types.pb.h"
#include "prometheus/remote.pb.h"
#include "remotewrite/batch.h"
#include "remotewrite/encode.h"
#include "remotewrite/printer.h"
#include "remotewrite/series_builder.h"

namespace {

using namespace promotel;

[[noreturn]] void fail(const char* what, size_t got, size_t want) {
  std::fprintf(stderr, "remote_write: %s: got %zu, want %zu\n", what, got, want);
  std::abort();
}

void check_batch(remotewrite::Batch& batch, Output& dry_run) {
  std::string v1, v2, packed;
  remotewrite::encode_v1(batch, v1);
  prometheus::WriteRequest r1;
  if (!r1.ParseFromString(v1)) fail("1.0 encoding does not decode", 0, 1);
  if (size_t(r1.timeseries_size()) != batch.series_count())
    fail("1.0 series", r1.timeseries_size(), batch.series_count());
  size_t samples = 0;
  for (const auto& ts : r1.timeseries()) samples += ts.samples_size();
  if (samples != batch.sample_count()) fail("1.0 samples", samples, batch.sample_count());

  remotewrite::V2Encoder encoder;
  encoder.encode(batch, v2);
  io::prometheus::write::v2::Request r2;
  if (!r2.ParseFromString(v2)) fail("2.0 encoding does not decode", 0, 1);
  if (size_t(r2.timeseries_size()) != batch.series_count())
    fail("2.0 series", r2.timeseries_size(), batch.series_count());
  for (const auto& ts : r2.timeseries())
    for (uint32_t ref : ts.labels_refs())
      if (ref >= uint32_t(r2.symbols_size())) fail("2.0 symbol ref out of range", ref, r2.symbols_size());

  remotewrite::snappy_compress(v1, packed);
  remotewrite::BatchPrinter(dry_run).print(batch, remotewrite::Protocol::kV1, {v1.size(), packed.size()});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  fuzz::expect_only_promotel_errors("remote_write decode", [&] {
    std::string body;
    try {
      remotewrite::snappy_uncompress(input, body);
    } catch (const Error&) {
      body = input;
    }
    prometheus::WriteRequest r1;
    io::prometheus::write::v2::Request r2;
    (void)r1.ParseFromString(body);
    (void)r2.ParseFromString(body);
    std::vector<model::Label> labels;
    remotewrite::decode_labels(body, labels);
    uint64_t h = 0;
    for (const auto& l : labels) h += fuzz::touch(l.name) + fuzz::touch(l.value);
    if (h == UINT64_MAX) std::abort();
  });

  static int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  Output dry_run(devnull, 4096);
  fuzz::expect_only_promotel_errors("remote_write encode", [&] {
    remotewrite::BuilderOptions options;
    options.now_ms = 1'700'000'000'000;
    options.max_series = 7;  // several batches even from small inputs
    options.max_bytes = 2000;
    remotewrite::SeriesBuilder builder(options, [&](remotewrite::Batch& b) { check_batch(b, dry_run); });
    fuzz::ChunkedReader reader(input, fuzz::chunk_for(input));
    auto parser = exposition::make_parser(reader, {.format = exposition::Format::kPrometheusText});
    using exposition::Entry;
    for (Entry e; (e = parser->next()) != Entry::kEnd;) {
      switch (e) {
        case Entry::kType: builder.type(parser->metric_name(), parser->type()); break;
        case Entry::kHelp: builder.help(parser->metric_name(), parser->help()); break;
        case Entry::kUnit: builder.unit(parser->metric_name(), parser->unit()); break;
        case Entry::kSample: builder.add(parser->sample()); break;
        case Entry::kNativeHistogram: builder.add(parser->metric_name(), parser->native_histogram()); break;
        default: break;
      }
    }
    builder.finish();
  });
  dry_run.flush();
  return 0;
}

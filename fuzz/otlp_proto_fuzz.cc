// Fuzzes OTLP protobuf input: each signal's Export*ServiceRequest decoded from the bytes and
// rendered (debug exporter, OTLP/JSON), the signal guess for bare messages, and the
// RequestReader that otlpdump reads files and stdin with (framing, gzip and signal detection).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz/fuzz_input.h"
#include "debugexporter/detailed.h"
#include "debugexporter/wire_metrics.h"
#include "fuzz/otlp_render.h"
#include "otlp/framing.h"
#include "otlp/signal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace promotel;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz::expect_only_promotel_errors("otlp_proto", [&] {
    for (otlp::Signal signal : {otlp::Signal::kMetrics, otlp::Signal::kTraces, otlp::Signal::kLogs}) {
      auto request = otlp::new_request(signal);
      if (request->ParseFromArray(input.data(), int(input.size()))) fuzz::render_everything(*request);
    }
    otlp::detect_proto_signal(input);
  });
  // Differential: whatever the direct metrics renderer accepts, the parser must accept and
  // render to the same text (otlpdump prints frames through the direct renderer first).
  {
    std::string direct;
    debugexporter::MetricsCounts counts;
    if (debugexporter::append_detailed_from_proto(direct, input, counts)) {
      otlp::MetricsRequest request;
      std::string want;
      bool parsed = request.ParseFromArray(input.data(), int(input.size()));
      if (parsed) debugexporter::append_detailed(want, request);
      if (!parsed || want != direct) {
        std::fprintf(stderr, "direct metrics renderer disagrees with the parser\n");
        std::abort();
      }
    }
  }
  for (bool bare : {false, true}) {
    fuzz::expect_only_promotel_errors("otlp_proto RequestReader", [&] {
      fuzz::ChunkedReader reader(input, fuzz::chunk_for(input));
      otlp::RequestReader requests(reader, {.signal = std::nullopt, .bare = bare, .max_message_size = 1 << 20});
      while (const auto* request = requests.next()) fuzz::render_everything(*request);
    });
  }
  return 0;
}

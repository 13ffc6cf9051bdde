// Fuzzes the prom2otlp path: exposition (format sniffed as prom2otlp does for stdin) through
// the Prometheus receiver's transaction into OTLP requests, small batches, with and without
// --keep-going, each request rendered as otlpdump would.

#include <cstdint>
#include <string>
#include <string_view>

#include "exposition/format.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/otlp_render.h"
#include "otlp/signal.h"
#include "promreceiver/convert.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace promotel;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  exposition::Format format = exposition::sniff_format(input, input);
  for (bool keep_going : {false, true}) {
    fuzz::expect_only_promotel_errors("prom2otlp", [&] {
      fuzz::ChunkedReader reader(input, fuzz::chunk_for(input));
      promreceiver::ConvertOptions options;
      options.receiver.scrape_time_ms = 1'700'000'000'000;
      options.parse.format = format;
      options.batch_size = 5;
      options.keep_going = keep_going;
      options.scrape_metrics = promreceiver::ScrapeReport{};
      promreceiver::convert(
          reader, options, [](const auto& request) { fuzz::render_everything(request); },
          [](const std::string&) {});
    });
  }
  return 0;
}

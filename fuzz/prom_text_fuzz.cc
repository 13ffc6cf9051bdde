// Fuzzes the Prometheus text 0.0.4 decoder, lenient and strict, fed in small chunks.

#include <cstdint>
#include <string_view>

#include "exposition/parser.h"
#include "fuzz/drain.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace promotel;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (bool strict : {false, true}) {
    fuzz::expect_only_promotel_errors("prom_text", [&] {
      fuzz::ChunkedReader reader(input, fuzz::chunk_for(input));
      auto parser = exposition::make_parser(reader, {.format = exposition::Format::kPrometheusText, .strict = strict});
      fuzz::drain(*parser);
    });
  }
  return 0;
}

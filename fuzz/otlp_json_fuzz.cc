// Fuzzes OTLP/JSON input: decoded as each signal's request and rendered (debug exporter,
// OTLP/JSON again), plus the JSON side of the RequestReader (one request per line or
// pretty-printed objects in a row).

#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_input.h"
#include "fuzz/otlp_render.h"
#include "otlp/framing.h"
#include "otlp/json_decode.h"
#include "otlp/signal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace promotel;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  otlp::Signal signals[] = {otlp::Signal::kMetrics, otlp::Signal::kTraces, otlp::Signal::kLogs};
  for (otlp::Signal signal : signals) {
    fuzz::expect_only_promotel_errors("otlp_json decode_json", [&] {
      auto request = otlp::new_request(signal);
      otlp::decode_json(input, *request);
      fuzz::render_everything(*request);
    });
  }
  fuzz::expect_only_promotel_errors("otlp_json detect", [&] { otlp::detect_json_signal(input); });
  // The RequestReader sniffs JSON by a leading '{' (after whitespace); make sure it gets some.
  std::string as_json = input.empty() || input[0] == '{' ? std::string(input) : "{" + std::string(input);
  fuzz::expect_only_promotel_errors("otlp_json RequestReader", [&] {
    fuzz::ChunkedReader reader(as_json, fuzz::chunk_for(as_json));
    otlp::RequestReader requests(reader, {.signal = std::nullopt, .bare = false, .max_message_size = 1 << 20});
    while (const auto* request = requests.next()) fuzz::render_everything(*request);
  });
  return 0;
}

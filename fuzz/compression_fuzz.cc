// Fuzzes the compressed bodies we accept: gzip (whole-buffer with a size limit, and streamed,
// several members) and snappy block format (remote-write bodies).

#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_input.h"
#include "otlp/gzip.h"
#include "remotewrite/encode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace promotel;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz::expect_only_promotel_errors("gunzip", [&] { otlp::gunzip(input, 1 << 20); });
  fuzz::expect_only_promotel_errors("GzipReader", [&] {
    fuzz::ChunkedReader source(input, fuzz::chunk_for(input));
    otlp::GzipReader gz(source);
    char buffer[97];
    size_t total = 0;
    for (size_t n; (n = gz.read(buffer, sizeof buffer)) > 0 && total < (1 << 20);) total += n;
  });
  fuzz::expect_only_promotel_errors("snappy_uncompress", [&] {
    std::string out;
    remotewrite::snappy_uncompress(input, out);
    // What was decompressed must compress and come back the same.
    std::string packed, back;
    remotewrite::snappy_compress(out, packed);
    remotewrite::snappy_uncompress(packed, back);
    if (back != out) std::abort();
  });
  return 0;
}

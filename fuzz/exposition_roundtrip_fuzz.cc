// Differential: exposition text → model → canonical text → model must give the same model, in
// both text formats (the format is sniffed from the input as prom2otlp does). Metadata may be moved by
// the writer (it is held until a family's first sample, and counter families are renamed for
// OpenMetrics), so the samples are compared exactly and the canonical text must be a fixed
// point: writing the re-parsed model again gives the same bytes.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "exposition/collect_for_test.h"
#include "exposition/format.h"
#include "exposition/parser.h"
#include "exposition/writer.h"
#include "fuzz/fuzz_input.h"

namespace {

using namespace promotel;
using exposition::Entry;
using exposition::Format;
using exposition::testing::OwnedEntry;

// Parses and writes in one pass (the views are only valid until the next entry).
std::string rewrite(std::string_view text, Format format, std::vector<OwnedEntry>& samples) {
  std::string out;
  fuzz::ChunkedReader reader(text, fuzz::chunk_for(text));
  auto parser = exposition::make_parser(reader, {.format = format});
  exposition::TextWriter writer(out, format);
  for (Entry e; (e = parser->next()) != Entry::kEnd;) {
    switch (e) {
      case Entry::kType: writer.type(parser->metric_name(), parser->type()); break;
      case Entry::kHelp: writer.help(parser->metric_name(), parser->help()); break;
      case Entry::kUnit: writer.unit(parser->metric_name(), parser->unit()); break;
      case Entry::kSample:
        writer.sample(parser->sample());
        samples.push_back(exposition::testing::own_current(*parser, e));
        break;
      default: break;
    }
  }
  writer.finish();
  return out;
}

[[noreturn]] void mismatch(const char* what, const std::string& a, const std::string& b) {
  std::fprintf(stderr, "roundtrip mismatch (%s)\n--- first\n%s\n--- second\n%s\n", what, a.c_str(),
               b.c_str());
  std::abort();
}

std::string describe(const std::vector<OwnedEntry>& entries) {
  std::string s;
  for (const auto& e : entries) {
    std::ostringstream os;
    os << e << "\n";
    s += os.str();
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Format format = exposition::sniff_format(input, input);
  if (format == Format::kProtobuf) return 0;

  std::vector<OwnedEntry> first, second;
  std::string canonical;
  try {
    canonical = rewrite(input, format, first);
  } catch (const Error&) {
    return 0;  // not valid input: nothing to compare
  }
  std::string again;
  fuzz::expect_only_promotel_errors("roundtrip", [&] {
    try {
      again = rewrite(canonical, format, second);
    } catch (const Error& e) {
      mismatch(e.what(), std::string(input), canonical);
    }
  });
  if (first != second) mismatch("samples", describe(first), describe(second));
  if (again != canonical) mismatch("canonical text is not a fixed point", canonical, again);
  return 0;
}

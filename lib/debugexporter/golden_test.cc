// The debug-exporter reference suite: every case in ../shared/testdata/debug-exporter
// rendered from its OTLP/JSON input must equal the upstream text byte for byte.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "common/input.h"
#include "debugexporter/render.h"
#include "otlp/framing.h"

namespace promotel::debugexporter {
namespace {

namespace fs = std::filesystem;

struct Case {
  fs::path input, expected;
  Verbosity verbosity;
  otlp::Signal signal;
};

std::vector<Case> cases() {
  const fs::path root = "../shared/testdata/debug-exporter";
  std::vector<Case> out;
  for (auto [dir, verbosity] : {std::pair{fs::path(""), Verbosity::kDetailed},
                                std::pair{fs::path("normal"), Verbosity::kNormal}}) {
    for (const char* signal : {"metrics", "traces", "logs"}) {
      fs::path expected_dir = root / dir / "expected" / signal;
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(expected_dir)) files.push_back(e.path());
      std::sort(files.begin(), files.end());
      for (const auto& expected : files) {
        fs::path input = root / dir / "input" / signal / expected.stem();
        input += ".json";
        out.push_back({input, expected, verbosity, *otlp::parse_signal(signal)});
      }
    }
  }
  return out;
}

std::string render(const Case& c) {
  std::string text = read_file(c.input);
  StringReader source(text, c.input);
  otlp::RequestReader reader(source, {.signal = c.signal});
  std::string out;
  while (const auto* request = reader.next()) append_text(out, *request, c.verbosity);
  return out;
}

TEST(Golden, AllReferenceCasesMatchByteForByte) {
  int passed = 0, failed = 0, detailed = 0, normal = 0;
  for (const Case& c : cases()) {
    (c.verbosity == Verbosity::kDetailed ? detailed : normal)++;
    std::string got;
    try {
      got = render(c);
    } catch (const std::exception& e) {
      got = std::string("exception: ") + e.what();
    }
    std::string want = read_file(c.expected);
    if (got == want) {
      ++passed;
    } else {
      ++failed;
      ADD_FAILURE() << c.expected << "\n--- want\n" << want << "--- got\n" << got;
    }
  }
  std::cout << passed << " passed, " << failed << " failed (" << detailed << " detailed, " << normal
            << " normal)\n";
  EXPECT_EQ(detailed, 15);
  EXPECT_EQ(normal, 21);
  EXPECT_EQ(failed, 0);
}

}  // namespace
}  // namespace promotel::debugexporter

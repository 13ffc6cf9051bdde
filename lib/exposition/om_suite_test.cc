// Runs the whole OpenMetrics conformance suite (../shared/testdata/openmetrics) through the
// strict parser and compares each verdict with the case's shouldParse.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "common/input.h"
#include "exposition/text_parser.h"

namespace promotel::exposition {
namespace {

namespace fs = std::filesystem;
const fs::path kSuite = "../shared/testdata/openmetrics";

// Parses the whole input; returns the error message or "" when it was accepted.
std::string verdict(const std::string& data, bool strict) {
  StringReader reader(data, "metrics");
  TextParser parser(reader, {.format = Format::kOpenMetrics, .strict = strict});
  try {
    while (parser.next() != Entry::kEnd) {
    }
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(OpenMetricsSuite, StrictModeGivesTheExpectedVerdictOnEveryCase) {
  ASSERT_TRUE(fs::is_directory(kSuite)) << "run from the source root";
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(kSuite))
    if (fs::exists(entry.path() / "test.json")) cases.push_back(entry.path());
  std::sort(cases.begin(), cases.end());
  ASSERT_EQ(cases.size(), 211u);
  int passed = 0, failed = 0;
  for (const auto& dir : cases) {
    auto spec = nlohmann::json::parse(read_file((dir / "test.json").string()));
    bool should_parse = spec.at("shouldParse").get<bool>();
    std::string error = verdict(read_file((dir / "metrics").string()), /*strict=*/true);
    bool accepted = error.empty();
    if (accepted == should_parse) {
      ++passed;
    } else {
      ++failed;
      ADD_FAILURE() << dir.filename().string() << ": expected " << (should_parse ? "accept" : "reject")
                    << (accepted ? ", but it was accepted" : ", got: " + error);
    }
  }
  std::cout << "OpenMetrics suite (strict): " << passed << " passed, " << failed << " failed\n";
  EXPECT_EQ(failed, 0);
}

TEST(OpenMetricsSuite, LenientModeAcceptsEveryValidCase) {
  int accepted_bad = 0;
  for (const auto& entry : fs::directory_iterator(kSuite)) {
    if (!fs::exists(entry.path() / "test.json")) continue;
    auto spec = nlohmann::json::parse(read_file((entry.path() / "test.json").string()));
    std::string error = verdict(read_file((entry.path() / "metrics").string()), /*strict=*/false);
    if (spec.at("shouldParse").get<bool>())
      EXPECT_EQ(error, "") << entry.path().filename().string();
    else if (error.empty())
      ++accepted_bad;
  }
  // Lenient is a syntax check only: it lets semantic errors through, like Prometheus.
  std::cout << "OpenMetrics suite (lenient): " << accepted_bad << " bad cases accepted\n";
}

}  // namespace
}  // namespace promotel::exposition

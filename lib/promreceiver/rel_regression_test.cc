// Regression tests for faults found by the reliability work (fuzz/, tests/e2e).

#include <gtest/gtest.h>

#include <string>

#include "common/error.h"
#include "common/input.h"
#include "promreceiver/convert.h"

namespace promotel::promreceiver {
namespace {

// fuzz_prom2otlp: `a{x="\xff"} 1` is sniffed as protobuf (invalid UTF-8 in the first line);
// with --keep-going the broken record was skipped and the decoder threw the same error again,
// forever. Errors in protobuf input are final, with or without keep_going.
TEST(ConvertRegression, KeepGoingDoesNotLoopOnBrokenProtobuf) {
  for (bool keep_going : {false, true}) {
    StringReader input("a{x=\"\xff\"} 1\n", "t.prom");
    ConvertOptions options;
    options.parse.format = exposition::Format::kProtobuf;
    options.keep_going = keep_going;
    size_t requests = 0;
    EXPECT_THROW(convert(input, options, [&](const auto&) { ++requests; }), Error);
    EXPECT_EQ(requests, 0u);
  }
}

// keep_going still skips a bad line of text 0.0.4 and keeps the rest.
TEST(ConvertRegression, KeepGoingStillSkipsBadTextLines) {
  StringReader input("# TYPE a gauge\na 1\n# TYPE b gauge\nb{ 2\n# TYPE c gauge\nc 3\n", "t.prom");
  ConvertOptions options;
  options.keep_going = true;
  auto result = convert(input, options, [](const auto&) {});
  EXPECT_EQ(result.skipped.size(), 1u);
  EXPECT_EQ(result.data_points, 2u);
}

}  // namespace
}  // namespace promotel::promreceiver

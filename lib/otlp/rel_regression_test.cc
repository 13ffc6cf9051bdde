// Regression tests for faults found by the reliability work (fuzz/, tests/e2e).

#include <gtest/gtest.h>

#include <string>

#include "common/error.h"
#include "otlp/json_decode.h"
#include "otlp/signal.h"

namespace promotel::otlp {
namespace {

std::string decode_error(const std::string& json) {
  MetricsRequest request;
  try {
    decode_json(json, request);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// The bad-input matrix: protobuf's JSON parser puts the offending bytes (here invalid UTF-8)
// and a caret on extra lines, which reached the terminal as a three-line error.
TEST(JsonDecodeRegression, ErrorsAreOneLine) {
  for (std::string json : {
           std::string("{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"k\xff\xfe\"}]}}]}"),
           std::string("{\"resourceMetrics\":[{\"resource\" {}}]}"),
           std::string("{\"resourceMetrics\":"),
       }) {
    std::string what = decode_error(json);
    EXPECT_EQ(what.rfind("invalid OTLP/JSON: ", 0), 0u) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace promotel::otlp

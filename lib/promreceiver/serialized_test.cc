// convert_serialized() (requests written directly as protobuf bytes) against convert() with the
// generated messages serialised, and convert_json() (OTLP/JSON written directly) against
// otlp::encode_json of those messages, on every golden input of tests/prom2otlp/cases.json with
// its options, and again in small batches: the bytes must be identical.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/input.h"
#include "exposition/format.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "otlp/json_encode.h"
#include "promreceiver/convert.h"

namespace promotel::promreceiver {
namespace {

struct Case {
  std::string name;
  std::string input;
  std::vector<std::string> args;
};

std::vector<Case> golden_cases() {
  std::ifstream in("tests/prom2otlp/cases.json");
  nlohmann::json cases = nlohmann::json::parse(in);
  std::vector<Case> out;
  for (const auto& c : cases) {
    out.push_back({c["name"], c["input"], c["args"].get<std::vector<std::string>>()});
  }
  return out;
}

// The prom2otlp flags the goldens use, as ConvertOptions (tools/prom2otlp/main.cc's mapping).
ConvertOptions options_for(const Case& c, std::string_view data) {
  ConvertOptions o;
  o.receiver.scrape_time_ms = 1700000000000;
  o.batch_size = 10000;
  std::string input_format = "auto";
  double duration = 0;
  bool scrape_metrics = false;
  for (size_t i = 0; i < c.args.size(); ++i) {
    const std::string& a = c.args[i];
    auto value = [&] { return c.args.at(++i); };
    if (a == "--job") o.receiver.job = value();
    else if (a == "--instance") o.receiver.instance = value();
    else if (a == "--scheme") o.receiver.scheme = value();
    else if (a == "--scope-version") o.receiver.scope_version = value();
    else if (a == "--honor-labels") o.receiver.honor_labels = true;
    else if (a == "--trim-metric-suffixes") o.receiver.trim_metric_suffixes = true;
    else if (a == "--scrape-metrics") scrape_metrics = true;
    else if (a == "--scrape-duration") duration = std::stod(value());
    else if (a == "--batch-size") o.batch_size = std::stoul(value());
    else if (a == "--keep-going") o.keep_going = true;
    else if (a == "--classic-histograms") o.classic_histograms = true;
    else if (a == "--stream") o.documents = true;
    else if (a == "--strict") o.parse.strict = true;
    else if (a == "--input-format") input_format = value();
    else ADD_FAILURE() << c.name << ": flag " << a << " not known to this test";
  }
  if (scrape_metrics) o.scrape_metrics = ScrapeReport{true, duration};
  o.parse.format = input_format == "auto" ? exposition::sniff_format(data, data)
                                          : *exposition::format_from_string(input_format);
  if (o.parse.strict && input_format == "auto" &&
      o.parse.format == exposition::Format::kPrometheusText) {
    o.parse.format = exposition::Format::kOpenMetrics;
  }
  return o;
}

struct Outcome {
  std::vector<std::string> requests;
  std::vector<std::string> warnings;
  std::vector<std::string> skipped;
  std::string error;
  size_t data_points = 0;
  size_t samples = 0;
};

enum class Path { kBuilt, kDirect, kDirectPieces, kBuiltJson, kDirectJson };

Outcome run(std::string_view data, const ConvertOptions& options, Path path) {
  Outcome out;
  StringReader reader(data);
  auto warn = [&](const std::string& w) { out.warnings.push_back(w); };
  auto keep = [&](std::string_view bytes) { out.requests.emplace_back(bytes); };
  try {
    ConvertResult r;
    switch (path) {
      case Path::kDirect:
        r = convert_serialized(reader, options, keep, warn);
        break;
      case Path::kDirectPieces: {
        // The pieces of each request joined; the size announced first must be theirs.
        size_t announced = 0;
        SerializedPiecesSink sink{
            [&](size_t size) {
              EXPECT_EQ(announced, 0u) << "the request before did not reach its announced size";
              announced = size;
              out.requests.emplace_back();
            },
            [&](std::span<const std::string_view> pieces) {
              ASSERT_FALSE(out.requests.empty());
              ASSERT_NE(announced, 0u) << "pieces after the request reached its announced size";
              EXPECT_FALSE(pieces.empty());
              for (std::string_view piece : pieces) {
                EXPECT_FALSE(piece.empty());
                out.requests.back().append(piece);
              }
              if (out.requests.back().size() == announced) announced = 0;
            }};
        r = convert_serialized_pieces(reader, options, sink, warn);
        for (const std::string& request : out.requests) EXPECT_FALSE(request.empty());
        EXPECT_EQ(announced, 0u) << "a request ended before its announced size";
        break;
      }
      case Path::kDirectJson:
        r = convert_json(reader, options, keep, warn);
        break;
      case Path::kBuilt:
        r = convert(reader, options,
                    [&](const auto& request) { out.requests.push_back(request.SerializeAsString()); },
                    warn);
        break;
      case Path::kBuiltJson:
        r = convert(reader, options,
                    [&](const auto& request) { out.requests.push_back(otlp::encode_json(request)); },
                    warn);
        break;
    }
    out.skipped = r.skipped;
    out.data_points = r.data_points;
    out.samples = r.samples;
  } catch (const Error& e) {
    out.error = e.what();
  }
  return out;
}

void expect_same(const std::string& what, std::string_view data, const ConvertOptions& options,
                 Path built_path = Path::kBuilt, Path direct_path = Path::kDirect) {
  Outcome built = run(data, options, built_path);
  Outcome direct = run(data, options, direct_path);
  ASSERT_EQ(built.requests.size(), direct.requests.size()) << what;
  for (size_t i = 0; i < built.requests.size(); ++i) {
    EXPECT_EQ(built.requests[i], direct.requests[i]) << what << ": request " << i << " differs";
  }
  EXPECT_EQ(built.warnings, direct.warnings) << what;
  EXPECT_EQ(built.skipped, direct.skipped) << what;
  EXPECT_EQ(built.error, direct.error) << what;
  EXPECT_EQ(built.data_points, direct.data_points) << what;
  EXPECT_EQ(built.samples, direct.samples) << what;
}

TEST(ConvertSerialized, SameBytesAsTheBuiltMessagesOnEveryGoldenInput) {
  std::vector<Case> cases = golden_cases();
  ASSERT_GE(cases.size(), 40u);
  size_t requests = 0;
  for (const Case& c : cases) {
    std::string data = read_file(c.input);
    ConvertOptions options = options_for(c, data);
    expect_same(c.name, data, options);
    expect_same(c.name + " (pieces)", data, options, Path::kBuilt, Path::kDirectPieces);
    // Small batches: many requests, metrics and scopes cut and emptied at every boundary.
    options.batch_size = 3;
    expect_same(c.name + " (batch size 3)", data, options);
    expect_same(c.name + " (pieces, batch size 3)", data, options, Path::kBuilt,
                Path::kDirectPieces);
    requests += run(data, options, Path::kDirect).requests.size();
  }
  EXPECT_GT(requests, cases.size());
}

TEST(ConvertSerialized, SameBytesOnTheBenchmarkShape) {
  // Many series of every classic type, several targets from labels, exemplars and stale points.
  std::string data =
      "# TYPE c counter\n# HELP c A counter.\n"
      "c_total{job=\"a\",instance=\"h:1\",x=\"1\"} 1 # {trace_id=\"0123456789abcdef0123456789abcdef\",span_id=\"0123456789abcdef\",k=\"v\"} 0.5 1700000000.5\n"
      "c_total{job=\"a\",instance=\"h:2\",x=\"2\"} -0.0\n"
      "# TYPE g gauge\ng{job=\"a\",instance=\"h:1\"} NaN\ng{job=\"b\",instance=\"h:1\"} 0\n"
      "# TYPE h histogram\nh_bucket{le=\"0.5\"} 1\nh_bucket{le=\"+Inf\"} 3\nh_sum 0\nh_count 3\n"
      "h_bucket{l=\"2\",le=\"+Inf\"} 300\nh_count{l=\"2\"} 300\n"
      "# TYPE s summary\ns{quantile=\"0.5\"} 0\ns{quantile=\"0.9\"} 2\ns_sum 1e300\ns_count 200\n"
      "# EOF\n";
  ConvertOptions options;
  options.parse.format = exposition::Format::kOpenMetrics;
  options.receiver.scrape_time_ms = 1700000000000;
  expect_same("labels as targets", data, options);
  options.receiver.job = "j";
  options.receiver.instance = "i:1";
  options.scrape_metrics = ScrapeReport{true, 0.25};
  expect_same("configured target", data, options);
  options.batch_size = 1;
  expect_same("batch size 1", data, options);
}

TEST(ConvertJson, SameTextAsTheBuiltMessagesOnEveryGoldenInput) {
  std::vector<Case> cases = golden_cases();
  ASSERT_GE(cases.size(), 40u);
  size_t requests = 0;
  for (const Case& c : cases) {
    std::string data = read_file(c.input);
    ConvertOptions options = options_for(c, data);
    expect_same(c.name + " (json)", data, options, Path::kBuiltJson, Path::kDirectJson);
    options.batch_size = 3;
    expect_same(c.name + " (json, batch size 3)", data, options, Path::kBuiltJson,
                Path::kDirectJson);
    requests += run(data, options, Path::kDirectJson).requests.size();
    // Also with suffix trimming, which changes names (and so the escaping paths) everywhere.
    options.receiver.trim_metric_suffixes = true;
    expect_same(c.name + " (json, trimmed)", data, options, Path::kBuiltJson, Path::kDirectJson);
  }
  EXPECT_GT(requests, cases.size());
}

TEST(ConvertJson, SameTextOnTheBenchmarkShapeAndAwkwardValues) {
  std::string data =
      "# TYPE c counter\n# HELP c A \\\"quoted\\\" counter \xc3\xa9.\n"
      "c_total{job=\"a\",instance=\"h:1\",x=\"1\\n\\\"\"} 1 # {trace_id=\"0123456789ABCDEF0123456789abcdef\",span_id=\"0123456789abcdef\",k=\"v\"} 0.5 1700000000.5\n"
      "c_total{job=\"a\",instance=\"h:2\",x=\"2	\xe2\x82\xac\"} -0.0\n"
      "c_total{job=\"a\",instance=\"h:3\",x=\"3\"} 1e300\n"
      "# TYPE g gauge\ng{job=\"a\",instance=\"h:1\"} NaN\ng{job=\"b\",instance=\"h:1\"} 0\n"
      "g{job=\"b\",instance=\"h:2\"} +Inf\ng{job=\"b\",instance=\"h:3\"} -1.5e-7\n"
      "# TYPE h histogram\nh_bucket{le=\"0.5\"} 1\nh_bucket{le=\"+Inf\"} 3\nh_sum 0\nh_count 3\n"
      "h_bucket{l=\"2\",le=\"+Inf\"} 300\nh_count{l=\"2\"} 300\n"
      "# TYPE s summary\ns{quantile=\"0\"} 0\ns{quantile=\"0.9\"} -0.0\ns_sum 1e300\ns_count 200\n"
      "s{l=\"z\",quantile=\"0.5\"} 1\ns_sum{l=\"z\"} 0\ns_count{l=\"z\"} 0\n"
      "# EOF\n";
  ConvertOptions options;
  options.parse.format = exposition::Format::kOpenMetrics;
  options.receiver.scrape_time_ms = 1700000000000;
  Outcome direct = run(data, options, Path::kDirectJson);
  EXPECT_EQ(direct.error, "");
  ASSERT_EQ(direct.requests.size(), 1u);
  EXPECT_NE(direct.requests[0].find("\"traceId\":\"0123456789abcdef0123456789abcdef\""),
            std::string::npos);
  expect_same("labels as targets", data, options, Path::kBuiltJson, Path::kDirectJson);
  options.receiver.job = "j";
  options.receiver.instance = "i:1";
  options.scrape_metrics = ScrapeReport{true, 0.25};
  expect_same("configured target", data, options, Path::kBuiltJson, Path::kDirectJson);
  options.batch_size = 1;
  expect_same("batch size 1", data, options, Path::kBuiltJson, Path::kDirectJson);
  options.receiver.scrape_time_ms = 0;  // time fields left out
  expect_same("time zero", data, options, Path::kBuiltJson, Path::kDirectJson);
}

TEST(ConvertSerialized, SameBytesForLongLabelsNumbersAndRepeatedSeries) {
  // Label names and values past one-byte lengths (multi-byte varints in the laid-out
  // attributes), strings around the 8-byte word of the JSON check, integral values that do
  // and do not end in 0, and series that come back inside their family.
  std::string long_value(200, 'v');
  std::string long_name = "n" + std::string(130, 'x');
  std::string data = "# TYPE g gauge\n";
  data += "g{" + long_name + "=\"" + long_value + "\"} 1230\n";
  data += "g{a=\"1234567\"} 1234567\n";
  data += "g{a=\"12345678\"} 9007199254740993\n";
  data += "g{a=\"123456789\"} -9007199254740992\n";
  data += "g{a=\"1234567\\\\8\"} 100000000000000000000000\n";
  data += "g{a=\"\xc3\xa9 is not ASCII, in a value longer than a word\"} -7\n";
  data += "g{a=\"1234567\"} 5\n";  // a duplicate, not next to its first sample
  data += "# TYPE h histogram\n";
  for (int i = 0; i < 3; ++i) {
    std::string l = "b=\"" + std::to_string(i) + "\",k=\"" + long_value + "\"";
    data += "h_bucket{" + l + ",le=\"1\"} 1\nh_bucket{" + l + ",le=\"+Inf\"} 20\n";
    data += "h_sum{" + l + "} 21\nh_count{" + l + "} 20\n";
  }
  data += "h_sum{b=\"0\",k=\"" + long_value + "\"} 22\n";  // back to the first point
  ConvertOptions options;
  options.parse.format = exposition::Format::kPrometheusText;
  options.receiver.scrape_time_ms = 1700000000000;
  expect_same("proto", data, options);
  expect_same("proto pieces", data, options, Path::kBuilt, Path::kDirectPieces);
  expect_same("json", data, options, Path::kBuiltJson, Path::kDirectJson);
  options.batch_size = 2;
  expect_same("proto, batch size 2", data, options);
  expect_same("json, batch size 2", data, options, Path::kBuiltJson, Path::kDirectJson);
  Outcome direct = run(data, options, Path::kDirectJson);
  ASSERT_FALSE(direct.requests.empty()) << direct.error;
  EXPECT_NE(direct.requests[0].find("\"asDouble\":1230"), std::string::npos) << direct.requests[0];
}

TEST(ConvertSerialized, SameBytesInPiecesForLongAndShortStretches) {
  // Families of many points (stretches far longer than the gathering buffer) between families
  // and targets of one point (many short stretches and length prefixes, gathered).
  std::string data;
  for (int family = 0; family < 6; ++family) {
    std::string name = "m" + std::to_string(family);
    data += "# TYPE " + name + (family % 2 ? " counter\n" : " gauge\n");
    int points = family % 2 ? 400 : 1;
    for (int i = 0; i < points; ++i) {
      data += name + (family % 2 ? "_total" : "") + "{job=\"j" + std::to_string(i % 3) +
              "\",instance=\"h:" + std::to_string(i) + "\",path=\"/a/long/enough/path/" +
              std::to_string(i) + "\"} " + std::to_string(i) + "\n";
    }
  }
  ConvertOptions options;
  options.parse.format = exposition::Format::kPrometheusText;
  options.receiver.scrape_time_ms = 1700000000000;
  expect_same("targets from labels", data, options, Path::kBuilt, Path::kDirectPieces);
  options.receiver.job = "j";
  options.receiver.instance = "i:1";
  expect_same("one target", data, options, Path::kBuilt, Path::kDirectPieces);
  options.batch_size = 50;
  expect_same("one target, batch size 50", data, options, Path::kBuilt, Path::kDirectPieces);
  Outcome pieces = run(data, options, Path::kDirectPieces);
  EXPECT_GE(pieces.requests.size(), 3u);  // cut only where a family starts
  EXPECT_EQ(pieces.data_points, 1203u);
}

}  // namespace
}  // namespace promotel::promreceiver

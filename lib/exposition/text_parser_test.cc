#include "exposition/text_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "exposition/collect_for_test.h"

namespace promotel::exposition {
namespace {

using testing::collect;
using testing::OwnedEntry;
using testing::OwnedLabels;
using ::testing::HasSubstr;

// Hands out the input a few bytes at a time, to exercise every buffer boundary.
class TrickleReader : public Reader {
 public:
  TrickleReader(std::string data, size_t step) : data_(std::move(data)), step_(step) {}
  size_t read(char* buffer, size_t size) override {
    size_t n = std::min({size, step_, data_.size() - pos_});
    std::memcpy(buffer, data_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string data_;
  size_t step_;
  size_t pos_ = 0;
  std::string name_ = "trickle";
};

std::vector<OwnedEntry> parse(const std::string& text, Format format, bool strict = false) {
  StringReader reader(text, "test.prom");
  TextParser parser(reader, {.format = format, .strict = strict});
  return collect(parser);
}

std::string error_of(const std::string& text, Format format, bool strict = false) {
  try {
    parse(text, format, strict);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

OwnedEntry sample(std::string name, OwnedLabels labels, double value,
                  std::optional<model::TimestampMs> ts = std::nullopt) {
  OwnedEntry e;
  e.kind = Entry::kSample;
  e.name = std::move(name);
  e.labels = std::move(labels);
  e.value = value;
  e.timestamp = ts;
  return e;
}

OwnedEntry meta(Entry kind, std::string name, std::string text = "",
                model::MetricType type = model::MetricType::kUnknown) {
  OwnedEntry e;
  e.kind = kind;
  e.name = std::move(name);
  e.text = std::move(text);
  e.type = type;
  return e;
}

TEST(TextParser, PrometheusTextEntries) {
  auto got = parse(
      "# HELP http_requests_total The total.\\nSecond \\\\ line \\\"kept\\\".\n"
      "# TYPE http_requests_total counter\n"
      "# a plain comment\n"
      "\n"
      "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
      "  http_requests_total { method = \"get\" , } 3\t-1000\n"
      "x NaN\n",
      Format::kPrometheusText);
  std::vector<OwnedEntry> want = {
      meta(Entry::kHelp, "http_requests_total", "The total.\nSecond \\ line \\\"kept\\\"."),
      meta(Entry::kType, "http_requests_total", "", model::MetricType::kCounter),
      sample("http_requests_total", {{"method", "post"}, {"code", "200"}}, 1027, 1395066363000),
      sample("http_requests_total", {{"method", "get"}}, 3, -1000),
      sample("x", {}, std::nan("")),
  };
  EXPECT_EQ(got, want);
}

TEST(TextParser, LabelValueEscapes) {
  auto got = parse("a{x=\"q\\\"b\\\\s\\nl\\zu\",y=\"\"} 1\n", Format::kPrometheusText);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].labels, (OwnedLabels{{"x", "q\"b\\s\nl\\zu"}, {"y", ""}}));
}

TEST(TextParser, Values) {
  auto got = parse(
      "a 1.5\na -2\na +Inf\na -inf\na Infinity\na 1e3\na 18446744073709551616\na .5\na "
      "0.1\na 123456789012345678\n",
      Format::kPrometheusText);
  std::vector<double> want = {1.5, -2, INFINITY, -INFINITY, INFINITY, 1000, 18446744073709551616.0, 0.5, 0.1,
                              123456789012345678.0};
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(got[i].value, want[i]) << i;
}

TEST(TextParser, QuotedUtf8Names) {
  auto got = parse("# TYPE \"my.metric\" gauge\n{\"my.metric\",\"my.label\"=\"v\"} 1\n", Format::kPrometheusText);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].name, "my.metric");
  EXPECT_EQ(got[1].name, "my.metric");
  EXPECT_EQ(got[1].labels, (OwnedLabels{{"my.label", "v"}}));
}

TEST(TextParser, OpenMetricsEntries) {
  auto got = parse(
      "# TYPE foo_seconds histogram\n"
      "# UNIT foo_seconds seconds\n"
      "# HELP foo_seconds A \\\"histogram\\\".\n"
      "foo_seconds_bucket{le=\"1\"} 0 # {trace_id=\"a # b\"} 0.5 1520879607.789\n"
      "foo_seconds_bucket{le=\"+Inf\"} 2 1.5e3\n"
      "foo_seconds_count 2\n"
      "foo_seconds_sum 3\n"
      "foo_seconds_created 1520430000.123\n"
      "# EOF\n",
      Format::kOpenMetrics, /*strict=*/true);
  ASSERT_EQ(got.size(), 8u);
  EXPECT_EQ(got[0], meta(Entry::kType, "foo_seconds", "", model::MetricType::kHistogram));
  EXPECT_EQ(got[1], meta(Entry::kUnit, "foo_seconds", "seconds"));
  EXPECT_EQ(got[2], meta(Entry::kHelp, "foo_seconds", "A \"histogram\"."));
  EXPECT_TRUE(got[3].has_exemplar);
  EXPECT_EQ(got[3].exemplar_labels, (OwnedLabels{{"trace_id", "a # b"}}));
  EXPECT_EQ(got[3].exemplar_value, 0.5);
  EXPECT_EQ(got[3].exemplar_timestamp, 1520879607789);
  EXPECT_EQ(got[4].timestamp, 1500000);
  EXPECT_EQ(got[7].value, 1520430000.123);
}

TEST(TextParser, ErrorsNameFileLineColumnAndWhatWasExpected) {
  EXPECT_EQ(error_of("a 1\nb{x=\"1\" y=\"2\"} 1\n", Format::kPrometheusText),
            "test.prom:2:9: expected ',' or '}' after label value, found \"y=\"2\"}\"");
  EXPECT_EQ(error_of("a 0x10\n", Format::kPrometheusText),
            "test.prom:1:3: invalid value \"0x10\": expected a decimal number, NaN or +Inf/-Inf");
  EXPECT_EQ(error_of("a 1 1.5\n", Format::kPrometheusText),
            "test.prom:1:5: invalid timestamp \"1.5\": expected integer milliseconds (int64)");
  EXPECT_EQ(error_of("a 1\r\n", Format::kPrometheusText),
            "test.prom:1:4: carriage return at end of line (CRLF line endings are not allowed)");
  EXPECT_EQ(error_of("a 1\n", Format::kOpenMetrics),
            "test.prom:2:1: unexpected end of input: an OpenMetrics exposition must end with \"# EOF\"");
  EXPECT_EQ(error_of("a  1\n# EOF\n", Format::kOpenMetrics), "test.prom:1:3: expected a value, found space");
  EXPECT_THAT(error_of("# TYPE a counter\na_total -1\n# EOF\n", Format::kOpenMetrics, true),
              HasSubstr("test.prom:2:1: counter value \"a_total\" must not be negative"));
  EXPECT_THAT(error_of("a{x=\"\xff\"} 1\n", Format::kPrometheusText), HasSubstr("invalid UTF-8"));
}

TEST(TextParser, DuplicateLabelNamesOnlyRejectedWhenStrict) {
  EXPECT_EQ(error_of("a{x=\"1\",x=\"2\"} 1\n", Format::kPrometheusText), "");
  EXPECT_THAT(error_of("a{x=\"1\",x=\"2\"} 1\n", Format::kPrometheusText, true), HasSubstr("duplicate label name"));
}

TEST(TextParser, SameResultWhateverTheChunkSize) {
  std::string text =
      "# HELP a help with \\\\ escapes\n# TYPE a counter\n"
      "a_total{x=\"with \\\"escapes\\\"\",y=\"plain\"} 1 # {t=\"1\"} 2 3\n"
      "a_created 123.5\n# EOF\n";
  StringReader whole(text);
  TextParser reference(whole, {.format = Format::kOpenMetrics, .strict = true});
  auto want = collect(reference);
  ASSERT_EQ(want.size(), 4u);
  for (size_t step : {1, 2, 3, 7, 64}) {
    TrickleReader trickle(text, step);
    TextParser parser(trickle, {.format = Format::kOpenMetrics, .strict = true});
    EXPECT_EQ(collect(parser), want) << "step " << step;
  }
}

TEST(TextParser, LinesLongerThanTheBufferGrowIt) {
  std::string big(3 << 20, 'v');
  std::string text = "a{x=\"" + big + "\"} 1\nb 2\n";
  auto got = parse(text, Format::kPrometheusText);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].labels[0].second.size(), big.size());
  EXPECT_EQ(got[1].name, "b");
}

TEST(TextParser, OpenMetricsEndMarker) {
  EXPECT_EQ(error_of("a 1\n# EOF", Format::kOpenMetrics), "");
  EXPECT_THAT(error_of("a 1\n# EOF\n\n", Format::kOpenMetrics), HasSubstr("after \"# EOF\""));
  // In text 0.0.4 "# EOF" is just a comment.
  EXPECT_EQ(parse("a 1\n# EOF\nb 1\n", Format::kPrometheusText).size(), 2u);
}

}  // namespace
}  // namespace promotel::exposition

namespace promotel::exposition {
namespace {

TEST(TextParser, InMemoryInputGivesTheSameEntriesAsAReader) {
  for (auto [file, format] : {std::pair{"exposition/node_exporter.prom", Format::kPrometheusText},
                              std::pair{"openmetrics/roundtrip/metrics", Format::kOpenMetrics},
                              std::pair{"openmetrics/no_newline_after_eof/metrics", Format::kOpenMetrics}}) {
    std::string text = read_file(std::string("../shared/testdata/") + file);
    StringReader reader(text, "x");
    TextParser streamed(reader, {.format = format, .strict = format == Format::kOpenMetrics});
    TextParser in_place(std::string_view(text), "x", {.format = format, .strict = format == Format::kOpenMetrics});
    auto want = testing::collect(streamed);
    EXPECT_FALSE(want.empty());
    EXPECT_EQ(testing::collect(in_place), want) << file;
  }
  TextParser bad(std::string_view("a 1\n# EOF\nx"), "mem", {.format = Format::kOpenMetrics});
  EXPECT_THROW(testing::collect(bad), Error);
}

}  // namespace
}  // namespace promotel::exposition

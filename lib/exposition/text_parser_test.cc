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

namespace promotel::exposition {
namespace {

// Produces `lines` sample lines on the fly, never holding more than one chunk.
class GeneratedReader : public Reader {
 public:
  explicit GeneratedReader(size_t lines) : lines_(lines) {}
  size_t read(char* buffer, size_t size) override {
    size_t n = 0;
    while (n < size) {
      if (pending_.empty()) {
        if (produced_ == lines_) break;
        pending_ = "metric_" + std::to_string(produced_ % 1000) + "{instance=\"host-" + std::to_string(produced_) +
                   "\",job=\"generated\"} " + std::to_string(produced_) + "\n";
        ++produced_;
      }
      size_t take = std::min(size - n, pending_.size());
      std::memcpy(buffer + n, pending_.data(), take);
      pending_.erase(0, take);
      n += take;
    }
    return n;
  }
  const std::string& name() const override { return name_; }

 private:
  size_t lines_, produced_ = 0;
  std::string pending_, name_ = "generated";
};

TEST(TextParser, StreamsAnyInputSizeInBoundedMemory) {
  GeneratedReader reader(300'000);  // ~18 MB, 70× the buffer
  TextParser parser(reader, {.format = Format::kPrometheusText});
  size_t initial = parser.buffer_capacity();
  size_t samples = 0;
  double last = -1;
  for (Entry e; (e = parser.next()) != Entry::kEnd;) {
    ASSERT_EQ(e, Entry::kSample);
    last = parser.sample().value;
    ++samples;
  }
  EXPECT_EQ(samples, 300'000u);
  EXPECT_EQ(last, 299'999);
  EXPECT_GT(parser.bytes_read(), 15'000'000u);
  EXPECT_EQ(parser.buffer_capacity(), initial);
}

}  // namespace
}  // namespace promotel::exposition

namespace promotel::exposition {
namespace {

// Lenient text 0.0.4 parses common sample lines on a fast path that does not split lines first;
// strict mode (which differs only in rejecting duplicate label names) always takes the general
// path. Both must see the same entries and report the same errors, wherever lines fall in the
// buffer.
TEST(TextParser, PlainSampleFastPathAgreesWithTheGeneralPath) {
  const std::vector<std::string> lines = {
      "a 1",
      "a_b:c{x=\"1\",yy=\"two words\",z_3=\"\"} -2.5e-3",
      "a{x=\"1\",} 1",
      "a{} 7",
      "a { x = \"1\" } 2",
      "a{x=\"1\"}\t3",
      "a{x=\"1\"}  4",
      "a{x=\"1\"} 5 1700000000000",
      "a{x=\"esc \\\"q\\\" \\\\ \\n\"} 6",
      "a{x=\"caf\xc3\xa9\"} 7",
      "{\"quoted.name\",x=\"1\"} 8",
      "a{x=\"1\"} NaN",
      "a{x=\"1\"} +Inf",
      "a 12345678901234567890",
      "a 1.00000000000000000001",
      "a 1e400",
      "a_very_long_metric_name_that_is_longer_than_thirty_two_bytes{le=\"+Inf\"} 9",
      // metric names that share a prefix with the previous line's
      "hist_bucket{le=\"1\"} 1", "hist_bucket{le=\"+Inf\"} 2", "hist_sum 3", "hist_count 4", "hist_count_more 5",
      "hist 6", "hist_bucket_more_than_thirty_two_bytes_long{le=\"1\"} 7", "hist_bucket 8",
      // label names that differ from the previous line's at the same position
      "a{x=\"1\",yy=\"2\"} 1", "a{xy=\"1\",y=\"2\"} 2", "a{x=\"1\",y=\"2\",yy=\"3\"} 3",
      "a{a_label_name_of_15=\"1\",a_label_name_of_14=\"2\"} 4", "a{a_label_name_of_1=\"1\"} 5",
      "# HELP a help",
      "# TYPE a counter",
      "# a comment",
      "",
      "   ",
  };
  const std::vector<std::string> bad = {
      "a{x=\"1\" y=\"2\"} 1", "a{x=\"1} 1", "a{x=1} 1", "a{1x=\"1\"} 1", "a{x=\"1\"}1",
      "a 1 2 3", "a 0x10", "a{x=\"1\"} 1\r", "a{x=\"\xff\"} 1", "a{x=\"1\"", "a{x", "a 1 1.5",
      "a{x=\"1\"} ", "0a 1", "ok-x 1", "okx-{x=\"1\"} 1", "ok\xc3\xa9 1",
      "a{-=\"1\"} 1", "a{x-=\"1\"} 1", "a{x=1\"} 1",  // next to the previous line's `x="`
  };
  std::string text;
  size_t entries = 0;  // everything but the plain comment and the blank lines
  for (size_t i = 0; i < 3000; ++i) {
    const std::string& line = lines[i % lines.size()];
    text += line + "\n";
    entries += line.find_first_not_of(' ') != std::string::npos && line != "# a comment";
  }
  for (int copy = 0; copy < 3; ++copy) text += text;                          // past the 256 KB buffer
  auto both_agree = [](const std::string& input) {
    StringReader a(input, "t"), b(input, "t");
    TextParser lenient(a, {.format = Format::kPrometheusText});
    TextParser general(b, {.format = Format::kPrometheusText, .strict = true});
    std::vector<OwnedEntry> got, want;
    std::string got_error, want_error;
    try {
      got = collect(lenient);
    } catch (const Error& e) {
      got_error = e.what();
    }
    try {
      want = collect(general);
    } catch (const Error& e) {
      want_error = e.what();
    }
    EXPECT_EQ(got, want);
    EXPECT_EQ(got_error, want_error);
    TextParser in_place(std::string_view(input), "t", {.format = Format::kPrometheusText});
    try {
      EXPECT_EQ(collect(in_place), want);
      EXPECT_EQ("", want_error);
    } catch (const Error& e) {
      EXPECT_EQ(e.what(), want_error);
    }
    return want_error.empty() ? want.size() : 0;
  };
  EXPECT_EQ(both_agree(text), 8 * entries);
  EXPECT_EQ(both_agree(text.substr(0, text.size() - 1)), 8 * entries);  // no final LF
  std::string head = text.substr(0, text.find('\n', 5000) + 1);
  for (size_t step : {1, 5, 64}) {
    TrickleReader trickle(head, step);
    StringReader whole(head, "t");
    TextParser a(trickle, {.format = Format::kPrometheusText});
    TextParser b(whole, {.format = Format::kPrometheusText, .strict = true});
    EXPECT_EQ(collect(a), collect(b)) << "step " << step;
  }
  for (const auto& line : bad) {
    std::string input = "ok{x=\"1\"} 1\n" + line + "\nok 2\n";
    both_agree(input);
    EXPECT_THAT(error_of(input, Format::kPrometheusText), HasSubstr("test.prom:2:")) << line;
    both_agree(input.substr(0, input.size() - 5));  // the bad line last, without its LF
  }
}

// The hint is never wrong: a sample that says it repeats the label names has the previous
// sample's names, whichever path parsed either of them; and repeating lines do say so.
TEST(TextParser, RepeatsLabelNamesOnlyWhenTheyRepeat) {
  const std::vector<std::string> lines = {
      "a{x=\"1\",yy=\"2\"} 1", "a{x=\"3\",yy=\"4\"} 2", "b{x=\"1\",yy=\"2\"} 3",
      "a{x=\"1\",yy=\"2\",z=\"3\"} 4", "a{x=\"1\"} 5", "a{x=\"1\"} 5 1700000000000",
      "a{x=\"1\"} 6", "a{x=\"esc \\\\\"} 7", "a{x=\"1\"} 8", "a{xy=\"1\"} 9", "a 10", "b 11",
      "a{y=\"1\",x=\"2\"} 12", "a{x=\"1\",y=\"2\"} 13", "# TYPE a counter", "a{x=\"1\",y=\"2\"} 14",
      "a{a_label_name_of_15=\"1\"} 15", "a{a_label_name_of_15=\"1\"} 16",
      "a{l1=\"\",l2=\"\",l3=\"\",l4=\"\",l5=\"\",l6=\"\",l7=\"\",l8=\"\",l9=\"\"} 17",
      "a{l1=\"\",l2=\"\",l3=\"\",l4=\"\",l5=\"\",l6=\"\",l7=\"\",l8=\"\",l9=\"\"} 18",
      "a { x = \"1\" } 19", "a{x=\"1\"} 20", "a{x=\"caf\xc3\xa9\"} 21", "a{x=\"1\"} 22",
  };
  std::string text;
  size_t sample_lines = 0;
  for (size_t i = 0; i < 20000; ++i) {  // mostly in pairs, in a shuffled order
    const std::string& line = lines[(i / 2 * 7 + i / 5) % lines.size()];
    text += line + "\n";
    sample_lines += line[0] != '#';
  }
  auto check = [sample_lines](Parser& parser) {
    std::vector<std::string> previous;
    bool first = true;
    size_t repeats = 0, samples = 0;
    for (Entry e; (e = parser.next()) != Entry::kEnd;) {
      if (e != Entry::kSample) continue;
      const model::Sample& s = parser.sample();
      std::vector<std::string> names;
      for (const auto& l : s.labels) names.emplace_back(l.name);
      EXPECT_TRUE(s.label_values_utf8);
      if (s.repeats_label_names) {
        EXPECT_FALSE(first);
        EXPECT_EQ(names, previous) << "sample " << samples;
        ++repeats;
      }
      previous = std::move(names);
      first = false;
      ++samples;
    }
    EXPECT_EQ(samples, sample_lines);
    return repeats;
  };
  StringReader reader(text, "t");
  TextParser buffered(reader, {.format = Format::kPrometheusText});
  size_t repeats = check(buffered);
  EXPECT_GT(repeats, 5000u);
  TextParser in_place(std::string_view(text), "t", {.format = Format::kPrometheusText});
  EXPECT_GT(check(in_place), 5000u);  // a few more: no buffer end to cut a guess short
  TrickleReader trickle(text, 7);
  TextParser trickled(trickle, {.format = Format::kPrometheusText});
  check(trickled);
  StringReader again(text, "t");
  TextParser strict(again, {.format = Format::kPrometheusText, .strict = true});
  EXPECT_EQ(check(strict), 0u);  // the general path does not know
}

}  // namespace
}  // namespace promotel::exposition

namespace promotel::exposition {
namespace {

// The same for lenient OpenMetrics: on valid input strict mode (the general path plus the
// validator) sees the same entries; syntax errors in sample lines read the same.
TEST(TextParser, PlainSampleFastPathAgreesWithTheGeneralPathInOpenMetrics) {
  std::string text = "# TYPE g gauge\n# HELP g a gauge\n";
  for (size_t i = 0; i < 40000; ++i) {  // ~1.5 MB, past the buffer several times
    std::string id = std::to_string(i);
    switch (i % 5) {
      case 0: text += "g{id=\"" + id + "\"} " + id + "\n"; break;
      case 1: text += "g{id=\"" + id + "\",zone=\"eu\"} -" + id + ".5e-3\n"; break;
      case 2: text += "g{id=\"" + id + "\",x=\"esc \\\"q\\\"\"} NaN\n"; break;
      case 3: text += "g{zone=\"eu\",id=\"" + id + "\"} 1 " + id + "\n"; break;
      default: text += "g{id=\"" + id + "\",a_long_label_name=\"v\"} 123456789012345678\n"; break;
    }
  }
  text += "# EOF\n";
  StringReader a(text, "t"), b(text, "t");
  TextParser lenient(a, {.format = Format::kOpenMetrics});
  TextParser general(b, {.format = Format::kOpenMetrics, .strict = true});
  auto want = collect(general);
  EXPECT_EQ(want.size(), 40002u);
  EXPECT_EQ(collect(lenient), want);
  TextParser in_place(std::string_view(text), "t", {.format = Format::kOpenMetrics});
  EXPECT_EQ(collect(in_place), want);

  for (std::string bad : {"g{id=\"1\" zone=\"2\"} 1", "g{id=\"1\",} 1", "g{id=\"1\"}  1", "g{id=\"1\"} 1\r",
                          "g{id=\"1\"}\t1", "g{id=1} 1", "g{id=\"1\"} 0x1"}) {
    std::string input = "# TYPE g gauge\ng{id=\"0\"} 1\n" + bad + "\n# EOF\n";
    std::string lenient_error = error_of(input, Format::kOpenMetrics);
    EXPECT_THAT(lenient_error, HasSubstr("test.prom:3:")) << bad;
    EXPECT_EQ(lenient_error, error_of(input, Format::kOpenMetrics, true)) << bad;
  }
}

}  // namespace
}  // namespace promotel::exposition

namespace promotel::exposition {
namespace {

// The fast path's own number parser and its label scan against the general path: every value
// bit for bit (-0 included) and every error, in place and through a Reader, with enough lines
// around each case that the fast path takes it in both.
// The four ways the fast-path tests read an input: 0 strict (the general path, the reference),
// 1 lenient through a Reader, 2 lenient in place, 3 lenient through a 7-byte trickle.
std::unique_ptr<TextParser> parser_in_mode(int mode, const std::string& input, StringReader& reader,
                                           TrickleReader& trickle) {
  const ParseOptions lenient{.format = Format::kPrometheusText};
  switch (mode) {
    case 0: return std::make_unique<TextParser>(reader, ParseOptions{.format = Format::kPrometheusText, .strict = true});
    case 1: return std::make_unique<TextParser>(reader, lenient);
    case 2: return std::make_unique<TextParser>(std::string_view(input), "t", lenient);
    default: return std::make_unique<TextParser>(trickle, lenient);
  }
}

TEST(TextParser, FastPathValuesAndLabelsAgreeBitForBit) {
  std::vector<std::string> values = {
      "0", "-0", "00", "0.0", "-0.0", "1", "-1", "+1", "1.", ".5", "-.5", "1.5", "-1.5", "1e5", "1E5", "1e+5",
      "1e-5", "1e", "1e+", "1e-", "1e22", "1e23", "1e-22", "1e-23", "1.5e-22", "123456789012345e7",
      "123456789012345", "1234567890123456", "999999999999999", "0.00000000000001", "0.000000000000001",
      "12345678.1234567", "1234567.12345678", "1.23456789012345e5", "1.234567890123456e5", "1e0001",
      "1e001", "1x", "1.5.5", "1..5", "1e5e5", "NaN", "-Inf", "+Inf", "Inf", "1_000", "0x10", "-", ".",
      "4.9e-324", "1.7976931348623157e308", "9007199254740993", "123456789012345678901234567890",
  };
  uint64_t seed = 12345;
  auto next = [&seed]() { return (seed = seed * 6364136223846793005ULL + 1442695040888963407ULL) >> 33; };
  for (int i = 0; i < 3000; ++i) {  // random [-]digits[.digits][e[+-]digits]
    std::string v;
    if (next() % 4 == 0) v += '-';
    for (int n = next() % 18; n > 0; --n) v += static_cast<char>('0' + next() % 10);
    if (next() % 2) {
      v += '.';
      for (int n = next() % 18; n > 0; --n) v += static_cast<char>('0' + next() % 10);
    }
    if (next() % 4 == 0) {
      v += "eE"[next() % 2];
      if (next() % 2) v += "+-"[next() % 2];
      for (int n = next() % 5; n > 0; --n) v += static_cast<char>('0' + next() % 10);
    }
    values.push_back(v);
  }
  const std::vector<std::string> label_sets = {
      "", "{x=\"1\"}", "{x=\"a\\tb\"}", "{x=\"tab\tin value\"}", "{x=\"\x7f\"}", "{x=\"\x01\"}",
      "{job=\"svc\",instance=\"10.0.0.1:8080\",a_label_name_of_15=\"exactly 15 bytes\"}",
      "{l1=\"\",l2=\"\",l3=\"\",l4=\"\",l5=\"\",l6=\"\",l7=\"\",l8=\"\",l9=\"\",l10=\"\",l11=\"\",l12=\"\",l13=\"\","
      "l14=\"\",l15=\"\",l16=\"\",l17=\"\",l18=\"\"}",
      "{x=\"a value that is longer than sixteen bytes and then some more\"}",
  };
  const std::string filler = "m_bucket_filler{job=\"j\"} 1\n";  // shares a prefix with some names
  auto parse_all = [](TextParser& parser, std::vector<OwnedEntry>& out, std::vector<uint64_t>& bits) {
    for (Entry e; (e = parser.next()) != Entry::kEnd;) {
      if (e != Entry::kSample) continue;
      uint64_t b;
      std::memcpy(&b, &parser.sample().value, 8);
      bits.push_back(b);
    }
    (void)out;
  };
  size_t checked = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    static const std::vector<std::string> names = {
        "m", "a_metric_name_longer_than_thirty_two_bytes", "m", "m_bucket", "m_bucket", "m_sum", "m_count",
        "name_of_exactly_32_bytes_______x", "name_of_exactly_32_bytes_______x", "name_of_exactly_32_bytes_______xy",
        "m:colon", "m-dash", "m_bucket\xc3\xa9", "0m", "m_bucket_", "m", ":m",
        "m_bucket_with_a_name_of_more_than_32_bytes", "m_bucket_with_a_name_of_more_than_32_bytes",
        "m_bucket_with_a_name_of_more_than_32_bytes_sum", "m_bucket_with_a_name_of_more_than_32_bytes-",
        std::string(63, 'b'), std::string(63, 'b'), std::string(64, 'b'), std::string(64, 'b'), std::string(65, 'b'),
        std::string(65, 'b'), std::string(64, 'b') + "\xff", std::string(47, 'b') + "-"};
    const std::string& name = names[(i * 7 + i / 3) % names.size()];
    std::string line = name + label_sets[i % label_sets.size()] + " " + values[i] + "\n";
    std::string input = filler + filler + filler + line + filler + filler + filler;
    std::vector<std::string> errors;
    std::vector<std::vector<uint64_t>> results;
    for (int mode = 0; mode < 4; ++mode) {
      StringReader reader(input, "t");
      TrickleReader trickle(input, 7);
      auto parser = parser_in_mode(mode, input, reader, trickle);
      std::vector<OwnedEntry> entries;
      std::vector<uint64_t> bits;
      std::string error;
      try {
        parse_all(*parser, entries, bits);
      } catch (const Error& e) {
        error = e.what();
      }
      if (mode == 3 && error.starts_with("trickle:")) error = "t:" + error.substr(8);  // the reader's name
      errors.push_back(error);
      results.push_back(bits);
    }
    EXPECT_EQ(errors[1], errors[0]) << line;
    EXPECT_EQ(errors[2], errors[0]) << line;
    EXPECT_EQ(results[1], results[0]) << line;
    EXPECT_EQ(results[2], results[0]) << line;
    EXPECT_EQ(errors[3], errors[0]) << line;
    EXPECT_EQ(results[3], results[0]) << line;
    // And the entries themselves (names, labels) through the usual comparison.
    StringReader a(input, "t"), b(input, "t");
    TextParser lenient(a, {.format = Format::kPrometheusText});
    TextParser strict(b, {.format = Format::kPrometheusText, .strict = true});
    if (errors[0].empty()) {
      EXPECT_EQ(collect(lenient), collect(strict)) << line;
      ++checked;
    }
  }
  EXPECT_GT(checked, 1500u);
}

}  // namespace
}  // namespace promotel::exposition

namespace promotel::exposition {
namespace {

// The fast path finds the ends of label values in 64-byte scans that span several labels: values
// that end, escape, hold a tab or non-ASCII bytes, or break off on either side of a scan's edge,
// and lines with many labels, read the same as with the general path (in place, through a
// Reader and a 7-byte trickle).
TEST(TextParser, FastPathAgreesAcrossScanWindows) {
  auto run = [](const std::string& input, int mode, std::string& error) {
    StringReader reader(input, "t");
    TrickleReader trickle(input, 7);
    auto parser = parser_in_mode(mode, input, reader, trickle);
    std::vector<OwnedEntry> entries;
    try {
      entries = collect(*parser);
    } catch (const Error& e) {
      error = e.what();
      if (error.starts_with("trickle:")) error = "t:" + error.substr(8);  // the reader's name
    }
    return entries;
  };
  auto agree = [&run](const std::string& input, const std::string& what) {
    std::string want_error;
    auto want = run(input, 0, want_error);
    if (what == "valid lines") {
      EXPECT_EQ(want_error, "");
    }
    for (int mode = 1; mode < 4; ++mode) {
      std::string error;
      EXPECT_EQ(run(input, mode, error), want) << what << " mode " << mode;
      EXPECT_EQ(error, want_error) << what << " mode " << mode;
    }
    return want.size();
  };

  const std::vector<std::string> specials = {"", "\\\"", "\\\\", "\\n", "\t", "\xc3\xa9", "\x7f", "}", ",", "=\\\""};
  std::string text;
  size_t lines = 0;
  for (size_t first : {0, 5, 30, 45, 50, 55, 58, 59, 60, 61, 62, 63, 64, 70}) {
    for (size_t length = 0; length <= 140; ++length) {
      for (size_t s = 0; s < specials.size(); ++s) {
        for (size_t at : {size_t(0), length / 2, length}) {
          if (s == 0 && at != 0) continue;
          std::string value(length, 'v');
          value.insert(at, specials[s]);
          std::string line = "m{a=\"" + std::string(first, 'a') + "\",bb=\"" + value + "\",c=\"x\"} " +
                             std::to_string(lines) + "\n";
          text += line + line;  // the second with the label names guessed right
          lines += 2;
        }
      }
    }
  }
  for (size_t count = 1; count <= 40; ++count) {  // past the 16 labels the fast path starts with
    for (int repeat = 0; repeat < 3; ++repeat) {
      std::string line = "many{";
      for (size_t i = 0; i < count; ++i)
        line += (i ? ",l" : "l") + std::to_string(i) + "=\"" + std::string((i * 7 + repeat) % 23, 'v') + "\"";
      text += line + "} 1\n";
      ++lines;
    }
  }
  EXPECT_EQ(agree(text, "valid lines"), lines);
  EXPECT_EQ(agree(text.substr(0, text.size() - 1), "no final LF"), lines);

  // A stop that is not a quote ends no value, even where the bytes after it would parse.
  for (const char* stop : {"\t", "\\", "\xc3\xa9"}) {
    std::string line = std::string("m{x=\"a") + stop + ",y=\"} 1\n";
    agree(line + line + "} 2\n", "stop before a ','");
    agree(line + line + "m{x=\"\"} 2\n", "stop before a ','");
  }

  // Errors at either side of a scan's edge: the same message and position.
  const std::vector<std::string> bad = {"\xff", "\"", "\\", "\n", "\"x"};
  for (size_t first : {0, 50, 58, 59, 60, 61, 62, 63, 64}) {
    for (size_t length : {0, 1, 2, 3, 4, 5, 6, 10, 64, 70}) {
      for (const auto& b : bad) {
        std::string line = "m{a=\"" + std::string(first, 'a') + "\",bb=\"" + std::string(length, 'v') + b + "\"} 1\n";
        std::string ok = "m{a=\"\",bb=\"\"} 1\n";
        agree(ok + ok + line + ok, "bad line " + line);
        agree(ok + ok + line.substr(0, line.size() - 1), "bad last line " + line);
      }
    }
  }
}

}  // namespace
}  // namespace promotel::exposition

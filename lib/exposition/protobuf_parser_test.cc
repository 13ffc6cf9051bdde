#include "exposition/protobuf_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "common/input.h"
#include "exposition/collect_for_test.h"
#include "exposition/text_parser.h"
#include "exposition/writer.h"

namespace promotel::exposition {
namespace {

using testing::OwnedEntry;
using testing::OwnedLabels;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kData = "../shared/testdata/exposition/";

struct Native {
  std::string name;
  OwnedLabels labels;
  std::optional<model::TimestampMs> timestamp;
  int32_t schema = 0;
  double zero_threshold = 0, count = 0, sum = 0, zero_count = 0;
  bool is_float = false;
  std::vector<std::pair<int32_t, uint32_t>> positive_spans, negative_spans;
  std::vector<int64_t> positive_deltas, negative_deltas;
  std::vector<double> positive_counts, negative_counts;
  std::optional<double> created;
  std::vector<std::pair<OwnedLabels, double>> exemplars;
};

struct Decoded {
  std::vector<OwnedEntry> entries;  // metadata and samples
  std::vector<Native> natives;
};

Decoded decode(const std::string& bytes, bool strict = false) {
  StringReader reader(bytes, "input.pb");
  ProtobufParser parser(reader, {.format = Format::kProtobuf, .strict = strict});
  Decoded out;
  for (Entry e; (e = parser.next()) != Entry::kEnd;) {
    if (e != Entry::kNativeHistogram) {
      out.entries.push_back(testing::own_current(parser, e));
      continue;
    }
    const auto& h = parser.native_histogram();
    Native n;
    n.name = std::string(parser.metric_name());
    n.labels = testing::own(h.labels);
    n.timestamp = h.timestamp;
    n.schema = h.schema;
    n.zero_threshold = h.zero_threshold;
    n.count = h.count;
    n.sum = h.sum;
    n.zero_count = h.zero_count;
    n.is_float = h.is_float;
    for (auto s : h.positive_spans) n.positive_spans.emplace_back(s.offset, s.length);
    for (auto s : h.negative_spans) n.negative_spans.emplace_back(s.offset, s.length);
    n.positive_deltas.assign(h.positive_deltas.begin(), h.positive_deltas.end());
    n.negative_deltas.assign(h.negative_deltas.begin(), h.negative_deltas.end());
    n.positive_counts.assign(h.positive_counts.begin(), h.positive_counts.end());
    n.negative_counts.assign(h.negative_counts.begin(), h.negative_counts.end());
    n.created = h.created_seconds;
    for (const auto& x : h.exemplars) n.exemplars.emplace_back(testing::own(x.labels), x.value);
    out.natives.push_back(std::move(n));
  }
  return out;
}

const OwnedEntry* find_sample(const Decoded& d, const std::string& name, const OwnedLabels& labels = {}) {
  for (const auto& e : d.entries)
    if (e.kind == Entry::kSample && e.name == name && e.labels == labels) return &e;
  return nullptr;
}

const Native* find_native(const Decoded& d, const std::string& name) {
  for (const auto& n : d.natives)
    if (n.name == name) return &n;
  return nullptr;
}

// The text of an exposition as a sorted list of family blocks (each starts at "# HELP").
std::vector<std::string> family_blocks(const std::string& text) {
  std::vector<std::string> blocks;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t next = text.find("\n# HELP ", pos);
    size_t end = next == std::string::npos ? text.size() : next + 1;
    blocks.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  std::sort(blocks.begin(), blocks.end());
  return blocks;
}

// expfmt's testdata has the same metrics as protobuf and as text (in another family order):
// writing what we decode from the protobuf as canonical text gives exactly expfmt's text.
TEST(ProtobufParser, SameMetricsAsExpfmtTextByteForByte) {
  std::string bytes = read_file(kData + "expfmt/protobuf.pb.delimited");
  StringReader reader(bytes, "protobuf");
  ProtobufParser parser(reader, {.format = Format::kProtobuf, .strict = true});
  std::string text;
  TextWriter writer(text, Format::kPrometheusText);
  for (Entry e; (e = parser.next()) != Entry::kEnd;) {
    if (e == Entry::kHelp) writer.help(parser.metric_name(), parser.help());
    if (e == Entry::kType) writer.type(parser.metric_name(), parser.type());
    if (e == Entry::kSample) writer.sample(parser.sample());
  }
  writer.finish();
  auto ours = family_blocks(text);
  auto want = family_blocks(read_file(kData + "expfmt/text.prom"));
  EXPECT_EQ(ours.size(), want.size());
  EXPECT_EQ(ours, want);
}

// node_exporter scraped twice (text, protobuf): values differ, the series are the same.
TEST(ProtobufParser, SameSeriesAsTheTextScrapeOfNodeExporter) {
  auto pb = decode(read_file(kData + "protobuf/node_exporter.pb.delimited"), true);
  std::string prom = read_file(kData + "node_exporter.prom");
  StringReader reader(prom, "node_exporter.prom");
  TextParser text_parser(reader, {.format = Format::kPrometheusText});
  auto text = testing::collect(text_parser);
  auto series = [](const std::vector<OwnedEntry>& entries) {
    std::multiset<std::pair<std::string, OwnedLabels>> out;
    for (const auto& e : entries)
      if (e.kind == Entry::kSample) out.emplace(e.name, e.labels);
    return out;
  };
  auto metadata = [](const std::vector<OwnedEntry>& entries) {
    std::map<std::string, std::pair<std::string, model::MetricType>> out;
    for (const auto& e : entries) {
      if (e.kind == Entry::kHelp) out[e.name].first = e.text;
      if (e.kind == Entry::kType) out[e.name].second = e.type;
    }
    return out;
  };
  EXPECT_EQ(series(pb.entries).size(), 507u);
  EXPECT_EQ(series(pb.entries), series(text));
  EXPECT_EQ(metadata(pb.entries), metadata(text));
  EXPECT_TRUE(pb.natives.empty());
}

TEST(ProtobufParser, PrometheusTestFamilies) {
  auto d = decode(read_file(kData + "protobuf/prometheus_textparse_testproto.pb.delimited"), true);
  int types = 0;
  for (const auto& e : d.entries) types += e.kind == Entry::kType;
  EXPECT_EQ(types, 20);

  // Counter with exemplar; the family name already ends in _total.
  const auto* counter = find_sample(d, "go_memstats_alloc_bytes_total");
  ASSERT_NE(counter, nullptr);
  EXPECT_EQ(counter->value, 1.546544e+06);
  EXPECT_TRUE(counter->has_exemplar);
  EXPECT_EQ(counter->exemplar_labels, (OwnedLabels{{"dummyID", "42"}}));
  EXPECT_EQ(counter->exemplar_value, 12);
  EXPECT_EQ(counter->exemplar_timestamp, 1625851151233);
  // Created timestamps become _created samples (seconds).
  const auto* created = find_sample(d, "test_counter_with_createdtimestamp_created");
  ASSERT_NE(created, nullptr);
  EXPECT_DOUBLE_EQ(created->value, 1625851153.146848499);
  ASSERT_NE(find_sample(d, "test_counter_with_createdtimestamp_total"), nullptr);
  ASSERT_NE(find_sample(d, "test_summary_with_createdtimestamp_created"), nullptr);
  // Untyped with timestamp_ms.
  const auto* untyped = find_sample(d, "something_untyped");
  ASSERT_NE(untyped, nullptr);
  EXPECT_EQ(untyped->value, 42);
  EXPECT_EQ(untyped->timestamp, 1234567);

  // Native integer histogram with classic buckets too.
  const auto* h = find_native(d, "test_histogram");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->schema, 3);
  EXPECT_FALSE(h->is_float);
  EXPECT_EQ(h->count, 175);
  EXPECT_EQ(h->sum, 0.0008280461746287094);
  EXPECT_EQ(h->zero_threshold, 2.938735877055719e-39);
  EXPECT_EQ(h->zero_count, 2);
  EXPECT_EQ(h->timestamp, 1234568);
  EXPECT_THAT(h->positive_spans, ElementsAre(std::pair<int32_t, uint32_t>{-161, 1}, std::pair<int32_t, uint32_t>{8, 3}));
  EXPECT_THAT(h->positive_deltas, ElementsAre(1, 2, -1, -1));
  EXPECT_THAT(h->negative_spans, ElementsAre(std::pair<int32_t, uint32_t>{-162, 1}, std::pair<int32_t, uint32_t>{23, 4}));
  EXPECT_THAT(h->negative_deltas, ElementsAre(1, 3, -2, -1, 1));
  const auto* bucket = find_sample(d, "test_histogram_bucket", {{"le", "-0.0003899999999999998"}});
  ASSERT_NE(bucket, nullptr);
  EXPECT_EQ(bucket->value, 4);
  EXPECT_TRUE(bucket->has_exemplar);
  EXPECT_EQ(bucket->exemplar_value, -0.00039);
  const auto* inf = find_sample(d, "test_histogram_bucket", {{"le", "+Inf"}});
  ASSERT_NE(inf, nullptr);
  EXPECT_EQ(inf->value, 175);
  EXPECT_EQ(find_sample(d, "test_histogram_count")->value, 175);

  // Gauge histogram: _gcount/_gsum.
  ASSERT_NE(find_native(d, "test_gauge_histogram"), nullptr);
  ASSERT_NE(find_sample(d, "test_gauge_histogram_gcount"), nullptr);
  ASSERT_NE(find_sample(d, "test_gauge_histogram_gsum"), nullptr);

  // Float histogram.
  const auto* fh = find_native(d, "test_float_histogram");
  ASSERT_NE(fh, nullptr);
  EXPECT_TRUE(fh->is_float);
  EXPECT_EQ(fh->count, 175);
  EXPECT_EQ(fh->zero_count, 2);
  EXPECT_EQ(find_sample(d, "test_float_histogram_bucket", {{"le", "-0.0002899999999999998"}})->value, 16);
  const auto* fz = find_native(d, "test_float_histogram_with_zerothreshold_zero");
  ASSERT_NE(fz, nullptr);
  EXPECT_THAT(fz->positive_counts, ElementsAre(2.0, 3.0));
  EXPECT_EQ(fz->zero_threshold, 0);
  // A native-only histogram yields no classic samples.
  EXPECT_EQ(find_sample(d, "test_float_histogram_with_zerothreshold_zero_count"), nullptr);

  // The no-op span marks an empty native histogram.
  const auto* empty = find_native(d, "empty_histogram");
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(empty->count, 0);
  const auto* with_created = find_native(d, "test_histogram_with_createdtimestamp");
  ASSERT_NE(with_created, nullptr);
  ASSERT_TRUE(with_created->created.has_value());
  EXPECT_DOUBLE_EQ(*with_created->created, 1625851153.146848499);

  // Summary quantiles.
  const auto* q = find_sample(d, "rpc_durations_seconds", {{"service", "exponential"}, {"quantile", "0.99"}});
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->value, 4.0471608667037015e-06);
  EXPECT_EQ(find_sample(d, "without_quantiles_count")->value, 42);

  // Native histogram exemplars.
  const auto* ex = find_native(d, "test_histogram_with_native_histogram_exemplars");
  ASSERT_NE(ex, nullptr);
  EXPECT_FALSE(ex->exemplars.empty());
}

TEST(ProtobufParser, ErrorsNameTheRecord) {
  std::string data = read_file(kData + "protobuf/prometheus_textparse_testproto.pb.delimited");
  std::string truncated = data.substr(0, data.size() - 10);
  try {
    decode(truncated);
    FAIL() << "accepted a truncated stream";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("input.pb:20:"));
    EXPECT_THAT(e.what(), HasSubstr("truncated record"));
  }
  std::string garbage = std::string("\x05\xff\xff\xff\xff\xff", 6);
  EXPECT_THROW(decode(garbage), Error);
  // A fuzz finding: a 6-byte input whose length prefix says 1.8 GiB made the reader allocate
  // all of it before reading; now the buffer grows only with bytes that arrive.
  try {
    decode(std::string("\xff\xff\xff\xff\x06\n", 6));
    FAIL() << "accepted a truncated record";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("expected 1879048191 bytes of MetricFamily, found 1"));
  }
  // The same family twice is rejected in strict mode.
  std::string twice = data + data;
  EXPECT_NO_THROW(decode(twice));
  EXPECT_THROW(decode(twice, true), Error);
}

}  // namespace
}  // namespace promotel::exposition

#include "exposition/protobuf_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "common/input.h"
#include "exposition/collect_for_test.h"
#include "exposition/protobuf_parser.h"
#include "exposition/text_parser.h"

namespace promotel::exposition {
namespace {

using testing::OwnedEntry;

const std::string kData = "../shared/testdata/exposition/";

// Copies every entry of `parser` into `writer`.
void pump(Parser& parser, ProtobufWriter& writer) {
  for (Entry e; (e = parser.next()) != Entry::kEnd;) {
    switch (e) {
      case Entry::kHelp: writer.help(parser.metric_name(), parser.help()); break;
      case Entry::kType: writer.type(parser.metric_name(), parser.type()); break;
      case Entry::kUnit: writer.unit(parser.metric_name(), parser.unit()); break;
      case Entry::kSample: writer.sample(parser.sample()); break;
      case Entry::kNativeHistogram: writer.native_histogram(parser.metric_name(), parser.native_histogram()); break;
      default: break;
    }
  }
  writer.finish();
}

// Entries with native histograms rendered to text, so that whole decodes can be compared.
std::vector<std::string> describe_all(const std::string& bytes) {
  StringReader reader(bytes, "pb");
  ProtobufParser parser(reader, {.format = Format::kProtobuf});
  std::vector<std::string> out;
  for (Entry e; (e = parser.next()) != Entry::kEnd;) {
    std::ostringstream os;
    if (e != Entry::kNativeHistogram) {
      os << testing::own_current(parser, e);
    } else {
      const auto& h = parser.native_histogram();
      os << "native " << parser.metric_name() << " schema=" << h.schema << " count=" << h.count << " sum=" << h.sum
         << " zc=" << h.zero_count << " zt=" << h.zero_threshold << " float=" << h.is_float << " spans=";
      for (auto s : h.positive_spans) os << s.offset << ":" << s.length << ",";
      os << " neg=";
      for (auto s : h.negative_spans) os << s.offset << ":" << s.length << ",";
      for (auto d : h.positive_deltas) os << " pd" << d;
      for (auto d : h.negative_deltas) os << " nd" << d;
      for (auto c : h.positive_counts) os << " pc" << c;
      for (auto c : h.negative_counts) os << " nc" << c;
      os << " exemplars=" << h.exemplars.size();
      if (h.created_seconds) os << " created=" << *h.created_seconds;
      if (h.timestamp) os << " ts=" << *h.timestamp;
      for (const auto& l : h.labels) os << " " << l.name << "=" << l.value;
    }
    out.push_back(os.str());
  }
  return out;
}

TEST(ProtobufWriter, RoundTripOfTheNativeHistogramTestStream) {
  std::string original = read_file(kData + "protobuf/prometheus_textparse_testproto.pb.delimited");
  StringReader reader(original, "pb");
  ProtobufParser parser(reader, {.format = Format::kProtobuf});
  std::string written;
  ProtobufWriter writer(written);
  pump(parser, writer);
  auto want = describe_all(original);
  auto got = describe_all(written);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i]) << i;
}

// expfmt's text.prom and protobuf.pb.delimited hold the same metrics: encoding the text gives
// a stream that decodes to what expfmt's own protobuf decodes to (families in text order).
TEST(ProtobufWriter, TextToProtobufMatchesExpfmtsProtobuf) {
  std::string text = read_file(kData + "expfmt/text.prom");
  StringReader reader(text, "text.prom");
  TextParser parser(reader, {.format = Format::kPrometheusText});
  std::string written;
  ProtobufWriter writer(written);
  pump(parser, writer);
  auto got = describe_all(written);
  auto want = describe_all(read_file(kData + "expfmt/protobuf.pb.delimited"));
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
}

TEST(ProtobufWriter, OpenMetricsCountersAndHistogramsWithExemplars) {
  std::string om =
      "# TYPE a counter\n# HELP a Help.\na_total{x=\"1\"} 3 # {t=\"1\"} 1 1.5\na_created{x=\"1\"} 1700000000.25\n"
      "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2 # {t=\"2\"} 5\nh_count 2\nh_sum 6\n"
      "# TYPE i info\ni_info{v=\"1\"} 1\n# EOF\n";
  StringReader reader(om, "om");
  TextParser parser(reader, {.format = Format::kOpenMetrics, .strict = true});
  std::string written;
  ProtobufWriter writer(written);
  pump(parser, writer);
  auto got = describe_all(written);
  std::string all;
  for (const auto& line : got) all += line + "\n";
  EXPECT_NE(all.find("name=a_total type=unknown text= labels={x=1,} value=3 exemplar={t=1,} 1 ts=1500"), std::string::npos)
      << all;
  EXPECT_NE(all.find("name=a_created type=unknown text= labels={x=1,} value=1.7e+09"), std::string::npos) << all;
  EXPECT_NE(all.find("name=h_bucket type=unknown text= labels={le=+Inf,} value=2 exemplar={t=2,} 5"), std::string::npos)
      << all;
  EXPECT_NE(all.find("name=i_info type=unknown text= labels={v=1,} value=1"), std::string::npos) << all;
}

}  // namespace
}  // namespace promotel::exposition

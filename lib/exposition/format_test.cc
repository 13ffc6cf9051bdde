#include "exposition/format.h"

#include <gtest/gtest.h>

#include "common/input.h"

namespace promotel::exposition {
namespace {

TEST(FormatFromContentType, Negotiated) {
  EXPECT_EQ(format_from_content_type("text/plain; version=0.0.4; charset=utf-8"), Format::kPrometheusText);
  EXPECT_EQ(format_from_content_type("text/plain"), Format::kPrometheusText);
  EXPECT_EQ(format_from_content_type("text/plain;version=1.0.0;escaping=allow-utf-8"), Format::kPrometheusText);
  EXPECT_EQ(format_from_content_type("application/openmetrics-text; version=1.0.0; charset=utf-8"),
            Format::kOpenMetrics);
  EXPECT_EQ(format_from_content_type("Application/OpenMetrics-Text;version=0.0.1"), Format::kOpenMetrics);
  EXPECT_EQ(format_from_content_type(
                "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"),
            Format::kProtobuf);
  EXPECT_EQ(format_from_content_type(
                "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=text"),
            std::nullopt);
  EXPECT_EQ(format_from_content_type("application/vnd.google.protobuf; proto=other.Message"), std::nullopt);
  EXPECT_EQ(format_from_content_type(""), std::nullopt);
  EXPECT_EQ(format_from_content_type("application/json"), std::nullopt);
}

TEST(SniffFormat, Rules) {
  EXPECT_EQ(sniff_format("a 1\n"), Format::kPrometheusText);
  EXPECT_EQ(sniff_format("a 1\n# EOF\n"), Format::kOpenMetrics);
  EXPECT_EQ(sniff_format("a 1\n# EOF"), Format::kOpenMetrics);
  EXPECT_EQ(sniff_format("# TYPE a info\na_info 1\n"), Format::kOpenMetrics);
  EXPECT_EQ(sniff_format("# TYPE a gauge\na 1\n"), Format::kPrometheusText);
  EXPECT_EQ(sniff_format("# TYPE a counter\n", "a_total 1\n# EOF\n"), Format::kOpenMetrics);
}

// A first line that starts like text is text even with bad bytes in it, so the text parser
// can name their position (issue 9); protobuf still wins when the bytes are a MetricFamily.
TEST(SniffFormat, TextWithBadBytesStaysText) {
  EXPECT_EQ(sniff_format("m{l=\"\xff\xfe\"} 1\n"), Format::kPrometheusText);
  EXPECT_EQ(sniff_format("m\xc3\x28 1\n"), Format::kPrometheusText);
  EXPECT_EQ(sniff_format("# HELP m \xff\n"), Format::kPrometheusText);
  EXPECT_EQ(sniff_format(" m\x01 1\n"), Format::kPrometheusText);
  EXPECT_EQ(sniff_format("#\n# TYPE m gauge\nm\xff 1\n"), Format::kPrometheusText);
  EXPECT_EQ(sniff_format(std::string_view("\x83\x01\x0a\x04go_x\x12", 8)), Format::kProtobuf);
  EXPECT_EQ(sniff_format(std::string_view("\xff\xfe m 1\n", 7)), Format::kProtobuf);
  // 'A' (65) as a record length, then the name field: a MetricFamily, not a text line.
  std::string record = "A\x0a\x05go_up\x12\x04help";
  EXPECT_EQ(sniff_format(record), Format::kProtobuf);
}

TEST(SniffFormat, RealFiles) {
  const std::string root = "../shared/testdata/exposition/";
  EXPECT_EQ(sniff_format(read_file(root + "node_exporter.prom")), Format::kPrometheusText);
  EXPECT_EQ(sniff_format(read_file(root + "prometheus-textparse/alltypes.5mfs.om.txt")), Format::kOpenMetrics);
  EXPECT_EQ(sniff_format(read_file(root + "protobuf/node_exporter.pb.delimited")), Format::kProtobuf);
  EXPECT_EQ(sniff_format(read_file(root + "protobuf/prometheus_textparse_testproto.pb.delimited")),
            Format::kProtobuf);
  EXPECT_EQ(sniff_format(read_file(root + "expfmt/protobuf.pb.delimited")), Format::kProtobuf);
}

TEST(FormatNames, RoundTrip) {
  for (Format f : {Format::kPrometheusText, Format::kOpenMetrics, Format::kProtobuf})
    EXPECT_EQ(format_from_string(to_string(f)), f);
  EXPECT_EQ(format_from_string("xml"), std::nullopt);
}

}  // namespace
}  // namespace promotel::exposition

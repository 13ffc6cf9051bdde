#include "exposition/writer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "common/input.h"
#include "exposition/collect_for_test.h"
#include "exposition/text_parser.h"

namespace promotel::exposition {
namespace {

using testing::collect;
using testing::OwnedEntry;

const std::string kData = "../shared/testdata/";

// Parses `text` and writes every entry back with a TextWriter.
std::string rewrite(const std::string& text, Format in, Format out, bool strict = false) {
  StringReader reader(text, "input");
  TextParser parser(reader, {.format = in, .strict = strict});
  std::string result;
  TextWriter writer(result, out);
  for (Entry e; (e = parser.next()) != Entry::kEnd;) {
    switch (e) {
      case Entry::kHelp: writer.help(parser.metric_name(), parser.help()); break;
      case Entry::kType: writer.type(parser.metric_name(), parser.type()); break;
      case Entry::kUnit: writer.unit(parser.metric_name(), parser.unit()); break;
      case Entry::kSample: writer.sample(parser.sample()); break;
      default: break;
    }
  }
  writer.finish();
  return result;
}

std::vector<OwnedEntry> parse(const std::string& text, Format format, bool strict = false) {
  StringReader reader(text, "input");
  TextParser parser(reader, {.format = format, .strict = strict});
  return collect(parser);
}

// The writer puts a family's metadata in the order HELP, TYPE, UNIT; order runs of metadata the
// same way so that models can be compared.
std::vector<OwnedEntry> canonical(std::vector<OwnedEntry> entries) {
  auto rank = [](const OwnedEntry& e) { return e.kind == Entry::kHelp ? 0 : e.kind == Entry::kType ? 1 : 2; };
  for (size_t i = 0; i < entries.size();) {
    size_t j = i;
    while (j < entries.size() && entries[j].kind != Entry::kSample && entries[j].name == entries[i].name) ++j;
    std::stable_sort(entries.begin() + i, entries.begin() + j,
                     [&](const OwnedEntry& a, const OwnedEntry& b) { return rank(a) < rank(b); });
    i = j == i ? i + 1 : j;
  }
  return entries;
}

// "" when equal, else the first differing line of each.
std::string first_difference(const std::string& got, const std::string& want) {
  size_t line = 1, pos = 0;
  while (pos < got.size() && pos < want.size()) {
    size_t eg = got.find('\n', pos), ew = want.find('\n', pos);
    std::string lg = got.substr(pos, eg - pos), lw = want.substr(pos, ew - pos);
    if (lg != lw) return "line " + std::to_string(line) + ":\n got: " + lg + "\nwant: " + lw;
    if (eg == std::string::npos || ew == std::string::npos) break;
    pos = eg + 1;
    ++line;
  }
  return got.size() == want.size() ? "" : "lengths differ: " + std::to_string(got.size()) + " vs " + std::to_string(want.size());
}

// The digits are common/go_float's (tested there); OpenMetrics marks plain whole numbers.
TEST(AppendValue, GoDigitsAndOpenMetricsFloatMarks) {
  auto fmt = [](double v, Format f) {
    std::string s;
    append_value(s, v, f);
    return s;
  };
  for (Format f : {Format::kPrometheusText, Format::kOpenMetrics}) {
    bool om = f == Format::kOpenMetrics;
    EXPECT_EQ(fmt(1, f), om ? "1.0" : "1");
    EXPECT_EQ(fmt(-0.0, f), om ? "-0.0" : "-0");
    EXPECT_EQ(fmt(0.5, f), "0.5");
    EXPECT_EQ(fmt(1e6, f), "1e+06");
    EXPECT_EQ(fmt(2.5e-7, f), "2.5e-07");
    EXPECT_EQ(fmt(NAN, f), "NaN");
    EXPECT_EQ(fmt(-INFINITY, f), "-Inf");
  }
}

// client_golang's expfmt wrote these files; our canonical 0.0.4 output is the same bytes.
TEST(TextWriter, ReproducesExpfmtOutputByteForByte) {
  for (const char* file : {"exposition/node_exporter.prom",
                           "exposition/prometheus-textparse/alltypes.237mfs.prom.txt",
                           "exposition/prometheus-textparse/alltypes.237mfs.nometa.prom.txt"}) {
    std::string text = read_file(kData + file);
    // A final "# EOF" comment (Prometheus' test files have one) is not part of the model.
    if (text.ends_with("# EOF\n")) text.resize(text.size() - 6);
    EXPECT_EQ(first_difference(rewrite(text, Format::kPrometheusText, Format::kPrometheusText), text), "") << file;
  }
}

TEST(TextWriter, RoundTripKeepsTheModel) {
  struct Case {
    const char* file;
    Format format;
  };
  for (const Case& c : {Case{"exposition/node_exporter.prom", Format::kPrometheusText},
                        Case{"exposition/expfmt/text.prom", Format::kPrometheusText},
                        Case{"exposition/prometheus-textparse-legacy/promtestdata.txt", Format::kPrometheusText},
                        Case{"exposition/prometheus-textparse/alltypes.5mfs.om.txt", Format::kOpenMetrics},
                        Case{"exposition/prometheus-textparse/1histogram.om.txt", Format::kOpenMetrics},
                        Case{"openmetrics/roundtrip/metrics", Format::kOpenMetrics},
                        Case{"openmetrics/escaping/metrics", Format::kOpenMetrics},
                        Case{"openmetrics/label_escaping/metrics", Format::kOpenMetrics},
                        Case{"openmetrics/help_escaping/metrics", Format::kOpenMetrics},
                        Case{"openmetrics/null_byte/metrics", Format::kOpenMetrics},
                        Case{"openmetrics/exemplars_with_hash_in_label_values/metrics", Format::kOpenMetrics},
                        Case{"openmetrics/gaugehistogram_exemplars/metrics", Format::kOpenMetrics},
                        Case{"openmetrics/counter_unit/metrics", Format::kOpenMetrics},
                        Case{"openmetrics/timestamps/metrics", Format::kOpenMetrics}}) {
    std::string text = read_file(kData + c.file);
    auto original = canonical(parse(text, c.format));
    std::string written = rewrite(text, c.format, c.format);
    auto again = parse(written, c.format);
    // Exact timestamps survive except beyond the int64 ms range, which saturates.
    ASSERT_EQ(again.size(), original.size()) << c.file;
    for (size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i], original[i]) << c.file << " entry " << i;
    // Writing is idempotent.
    EXPECT_EQ(first_difference(rewrite(written, c.format, c.format), written), "") << c.file;
  }
}

TEST(TextWriter, StrictOpenMetricsOutputOfValidSuiteCasesStaysValid) {
  for (const char* name : {"roundtrip", "simple_histogram", "summary_quantiles", "simple_stateset",
                           "info_timestamps", "histogram_noncanonical", "negative_bucket_gaugehistogram",
                           "unit_gauge", "type_help_switched", "uint64_counter"}) {
    std::string text = read_file(kData + "openmetrics/" + name + "/metrics");
    std::string written = rewrite(text, Format::kOpenMetrics, Format::kOpenMetrics, true);
    EXPECT_NO_THROW(parse(written, Format::kOpenMetrics, true)) << name << "\n" << written;
  }
}

TEST(TextWriter, ConvertsPrometheusTextToValidOpenMetrics) {
  std::string text =
      "# HELP a_total Requests.\n# TYPE a_total counter\na_total{x=\"1\"} 3\n"
      "# TYPE b counter\nb 4\n"
      "# TYPE c untyped\nc 1.5 1700000000123\n";
  std::string om = rewrite(text, Format::kPrometheusText, Format::kOpenMetrics);
  EXPECT_EQ(om,
            "# HELP a Requests.\n# TYPE a counter\na_total{x=\"1\"} 3.0\n"
            "# TYPE b counter\nb_total 4.0\n"
            "# TYPE c unknown\nc 1.5 1700000000.123\n# EOF\n");
  EXPECT_NO_THROW(parse(om, Format::kOpenMetrics, true));
}

TEST(TextWriter, ConvertsOpenMetricsToPrometheusText) {
  std::string om =
      "# TYPE a counter\n# UNIT a \n# HELP a x\\\"y\na_total 1 # {t=\"1\"} 1\n"
      "# TYPE i info\ni_info{v=\"1\"} 1\n# TYPE q_seconds gauge\n# UNIT q_seconds seconds\nq_seconds 1 2.5\n# EOF\n";
  EXPECT_EQ(rewrite(om, Format::kOpenMetrics, Format::kPrometheusText),
            "# HELP a x\"y\n# TYPE a counter\na_total 1\n"
            "# TYPE i untyped\ni_info{v=\"1\"} 1\n# TYPE q_seconds gauge\nq_seconds 1 2500\n");
}

TEST(TextWriter, QuotesNamesThatAreNotLegacy) {
  std::string text = "{\"my.metric\",\"my.label\"=\"v\",ok=\"w\"} 1\n";
  EXPECT_EQ(rewrite(text, Format::kPrometheusText, Format::kPrometheusText), text);
}

}  // namespace
}  // namespace promotel::exposition

#include "remotewrite/series_builder.h"

#include <gtest/gtest.h>

#include <deque>

#include "common/error.h"

namespace promotel::remotewrite {
namespace {

using model::Label;
using model::Sample;

struct Collected {
  std::vector<std::vector<std::pair<std::string, std::string>>> series;
};

// Runs samples through a builder and returns the label sets it produced.
std::vector<std::vector<std::pair<std::string, std::string>>> series_of(
    BuilderOptions options, const std::vector<Sample>& samples, std::vector<std::string>* errors = nullptr) {
  std::vector<std::vector<std::pair<std::string, std::string>>> out;
  SeriesBuilder builder(options, [&](Batch& b) {
    for (const auto& s : b.all_series()) {
      std::vector<Label> labels;
      decode_labels(b.bytes(s.labels), labels);
      std::vector<std::pair<std::string, std::string>> pairs;
      for (const auto& l : labels) pairs.emplace_back(l.name, l.value);
      out.push_back(pairs);
    }
  });
  for (const auto& s : samples) {
    std::string why = builder.add(s);
    if (errors) errors->push_back(why);
  }
  builder.finish();
  return out;
}

Sample S(std::string_view name, model::Labels labels, double value) {
  Sample s;
  s.name = name;
  s.labels = labels;
  s.value = value;
  return s;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(SeriesBuilder, SortsLabelsWithNameFirstByByteOrder) {
  Label l[] = {{"b", "2"}, {"a", "1"}, {"Z", "0"}};
  auto s = series_of({}, {S("test", l, 1)});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0], (Pairs{{"Z", "0"}, {"__name__", "test"}, {"a", "1"}, {"b", "2"}}));
}

TEST(SeriesBuilder, SortedUnsortedAndRepeatedLabelSets) {
  Label sorted[] = {{"a", "1"}, {"b", "2"}};
  Label unsorted[] = {{"b", "2"}, {"a", "1"}};
  Label repeated_in_order[] = {{"a", "1"}, {"a", "2"}};
  Label repeated_apart[] = {{"b", "1"}, {"a", "0"}, {"b", "2"}};
  Label not_ascii[] = {{"a", "caf\xc3\xa9"}, {"b", "long value with an \xc3\xa9 after eight bytes"}};
  Label bad_utf8[] = {{"a", "long value, then a bad byte: \xff"}};
  std::vector<std::string> errors;
  auto s = series_of({}, {S("m", sorted, 1), S("m", unsorted, 2), S("m", repeated_in_order, 3), S("m", repeated_apart, 4),
                          S("m", not_ascii, 5), S("m", bad_utf8, 6)},
                     &errors);
  ASSERT_EQ(s.size(), 2u);  // the first two are one series
  EXPECT_EQ(s[0], (Pairs{{"__name__", "m"}, {"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(s[1], (Pairs{{"__name__", "m"}, {"a", "caf\xc3\xa9"}, {"b", "long value with an \xc3\xa9 after eight bytes"}}));
  EXPECT_EQ(errors, (std::vector<std::string>{"", "", "duplicate label name \"a\"", "duplicate label name \"b\"", "",
                                              "invalid UTF-8 in the value of label \"a\""}));
}

TEST(SeriesBuilder, MetricNameCheckedAfterAValidOne) {
  std::vector<std::string> errors;
  series_of({}, {S("m", {}, 1), S("", {}, 2), S("m", {}, 3), S("1m", {}, 4), S("1m", {}, 5), S("m", {}, 6)}, &errors);
  EXPECT_EQ(errors, (std::vector<std::string>{"", "invalid metric name \"\"", "", "invalid metric name \"1m\"",
                                              "invalid metric name \"1m\"", ""}));
}

TEST(SeriesBuilder, ExtraLabelsRenameClashesToExported) {
  BuilderOptions o;
  o.extra_labels = {{"job", "test"}, {"instance", "h:1"}};
  Label l[] = {{"job", "original"}, {"instance", "foo"}};
  auto s = series_of(o, {S("test", l, 1)});
  EXPECT_EQ(s[0], (Pairs{{"__name__", "test"},
                         {"exported_instance", "foo"},
                         {"exported_job", "original"},
                         {"instance", "h:1"},
                         {"job", "test"}}));
}

TEST(SeriesBuilder, ExportedPrefixRepeatsWhileItClashes) {
  BuilderOptions o;
  o.extra_labels = {{"job", "test"}};
  Label l[] = {{"job", "a"}, {"exported_job", "b"}};
  auto s = series_of(o, {S("t", l, 1)});
  EXPECT_EQ(s[0], (Pairs{{"__name__", "t"}, {"exported_exported_job", "a"}, {"exported_job", "b"}, {"job", "test"}}));
}

TEST(SeriesBuilder, HonorLabelsKeepsTheInputs) {
  BuilderOptions o;
  o.extra_labels = {{"job", "test"}, {"env", "prod"}};
  o.honor_labels = true;
  Label l[] = {{"job", "original"}};
  auto s = series_of(o, {S("t", l, 1)});
  EXPECT_EQ(s[0], (Pairs{{"__name__", "t"}, {"env", "prod"}, {"job", "original"}}));
}

TEST(SeriesBuilder, RefusesInvalidSeries) {
  Label dup[] = {{"a", "1"}, {"a", "1"}};
  Label bad_name[] = {{"1abc", "x"}};
  Label reserved[] = {{"__meta", "x"}};
  Label bad_utf8[] = {{"a", "\xff\xfe"}};
  Label ok[] = {{"a", "1"}};
  std::vector<std::string> errors;
  auto s = series_of({}, {S("test", dup, 1), S("foo.bar", ok, 1), S("t", bad_name, 1),
                          S("t", reserved, 1), S("t", bad_utf8, 1), S("", ok, 1),
                          S("good", ok, 1)},
                     &errors);
  ASSERT_EQ(errors.size(), 7u);
  EXPECT_EQ(errors[0], "duplicate label name \"a\"");
  EXPECT_EQ(errors[1], "invalid metric name \"foo.bar\"");
  EXPECT_EQ(errors[2], "invalid label name \"1abc\"");
  EXPECT_EQ(errors[3], "reserved label name \"__meta\"");
  EXPECT_EQ(errors[4], "invalid UTF-8 in the value of label \"a\"");
  EXPECT_EQ(errors[5], "invalid metric name \"\"");
  EXPECT_EQ(errors[6], "");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0], (Pairs{{"__name__", "good"}, {"a", "1"}}));
}

// Consecutive samples share a label-name layout that is worked out once; every sample must come
// out (series and errors) as it does from a builder that sees it alone. The samples' names are
// copied into fresh buffers each time, as a parser's views move on.
TEST(SeriesBuilder, LayoutCacheGivesWhatAFreshBuilderGives) {
  using Spec = std::vector<std::pair<std::string, std::string>>;
  std::vector<Spec> specs = {
      {{"job", "a"}, {"instance", "1"}},
      {{"job", "b"}, {"instance", "2"}},        // same layout
      {{"job", ""}, {"instance", "3"}},         // an empty value drops the label
      {{"job", "c"}, {"instance", ""}},
      {{"job", "d"}, {"instance", "4"}},
      {{"job", "caf\xc3\xa9"}, {"instance", "5"}},
      {{"job", "\xff"}, {"instance", "6"}},    // same layout, bad value
      {{"job", "e"}, {"instance", "7"}},
      {{"job", "e"}, {"job", "7"}},             // same count, duplicate
      {{"job", "e"}, {"job", ""}},              // the empty duplicate is dropped
      {{"job", "e"}, {"jobs", "7"}},
      {{"jobs", "e"}, {"job", "7"}},
      {{"a", "1"}, {"b", "2"}, {"c", "3"}},
      {{"a", "1"}, {"1b", "2"}, {"c", "3"}},    // invalid name
      {{"a", "1"}, {"b", "2"}, {"c", "3"}},
      {{"a", "1"}, {"__b", "2"}, {"c", "3"}},   // reserved
      {{"exported_job", "x"}, {"job", "y"}},
      {{"exported_job", "z"}, {"job", "w"}},
      {{}},
      {},
      {},
      {{"instance", "9"}},
      // Layouts that alternate (buckets with `le`, then _sum without), and more of them than
      // the builder keeps, so that one is replaced while others are still in use.
      {{"job", "f"}, {"le", "1"}},
      {{"job", "g"}},
      {{"job", "h"}, {"le", "2"}},
      {{"job", "i"}},
      {{"job", ""}, {"le", "3"}},
      {{"job", "j"}, {"le", "4"}},
      {{"exported_job", "k"}, {"job", "l"}},
      {{"job", "m"}, {"le", "5"}},
      {{"b", "1"}, {"a", "2"}},
      {{"c", "1"}},
      {{"d", "1"}, {"job", "n"}},
      {{"e", "1"}},
      {{"b", "3"}, {"a", "4"}},
      {{"exported_job", "o"}, {"job", "p"}},
      {{"job", "q"}, {"le", "6"}},
      {{"job", "r"}},
      {{"job", "s"}, {"job", "t"}},
      {{"job", "u"}},
      {{"job", "v"}, {"le", "\xff"}},
      {{"job", "w"}, {"le", "7"}},
  };
  const char* kNames[] = {"m0", "m1", "m2", "m3"};  // no label set repeats under one name
  std::vector<BuilderOptions> variants(3);
  variants[1].extra_labels = {{"job", "j"}, {"zone", "z"}};
  variants[2].extra_labels = {{"job", "j"}};
  variants[2].honor_labels = true;
  for (const auto& options : variants) {
    std::vector<std::deque<std::string>> storage;  // every sample's own copies
    std::vector<std::vector<Label>> labels;
    std::vector<Sample> samples;
    for (size_t i = 0; i < specs.size(); ++i) {
      storage.emplace_back();
      labels.emplace_back();
      for (const auto& [n, v] : specs[i]) {
        storage.back().push_back(n);
        std::string_view name = storage.back().back();
        storage.back().push_back(v);
        labels.back().push_back(Label{name, storage.back().back()});
      }
    }
    for (size_t i = 0; i < specs.size(); ++i) samples.push_back(S(kNames[i % 4], labels[i], double(i)));
    std::vector<std::string> errors;
    auto together = series_of(options, samples, &errors);
    std::vector<std::vector<std::pair<std::string, std::string>>> alone;
    std::vector<std::string> alone_errors;
    for (const auto& sample : samples) {
      auto one = series_of(options, {sample}, &alone_errors);
      alone.insert(alone.end(), one.begin(), one.end());
    }
    EXPECT_EQ(errors, alone_errors);
    EXPECT_EQ(together, alone);

    // The same with the hints a parser gives: names repeated from the previous sample (also
    // after a refused one), values checked as UTF-8 where they are.
    std::vector<Sample> hinted = samples;
    for (size_t i = 0; i < specs.size(); ++i) {
      bool same_names = i > 0 && specs[i].size() == specs[i - 1].size();
      for (size_t k = 0; same_names && k < specs[i].size(); ++k) same_names = specs[i][k].first == specs[i - 1][k].first;
      hinted[i].repeats_label_names = same_names;
      hinted[i].label_values_utf8 = true;
      for (const auto& [n, v] : specs[i]) hinted[i].label_values_utf8 &= v.find('\xff') == std::string::npos;
    }
    std::vector<std::string> hinted_errors;
    auto with_hints = series_of(options, hinted, &hinted_errors);
    EXPECT_EQ(hinted_errors, alone_errors);
    EXPECT_EQ(with_hints, alone);
  }
}

TEST(SeriesBuilder, NameHintNotTrustedAcrossHistogramsAndInputs) {
  Label a[] = {{"job", "a"}, {"instance", "1"}};
  Label b[] = {{"zone", "b"}, {"le", "2"}};
  Sample first = S("m", a, 1);
  Sample hinted = S("n", a, 2);
  hinted.repeats_label_names = true;
  model::NativeHistogram h;
  h.labels = b;
  Pairs expected = {{"__name__", "n"}, {"instance", "1"}, {"job", "a"}};
  for (int between = 0; between < 3; ++between) {
    std::vector<Pairs> out;
    SeriesBuilder builder({}, [&](Batch& batch) {
      for (const auto& s : batch.all_series()) {
        std::vector<Label> labels;
        decode_labels(batch.bytes(s.labels), labels);
        Pairs pairs;
        for (const auto& l : labels) pairs.emplace_back(l.name, l.value);
        out.push_back(pairs);
      }
    });
    if (between == 0) {  // the builder's last layout is the histogram's
      EXPECT_EQ(builder.add(first), "");
      EXPECT_EQ(builder.add("h", h), "");
    } else if (between == 1) {  // a new input's first sample cannot repeat anything
      EXPECT_EQ(builder.add(S("m", b, 3)), "");
      builder.start_input();
    } else {  // the previous sample was refused before its layout was known
      EXPECT_EQ(builder.add(S("m", b, 3)), "");
      EXPECT_NE(builder.add(S("1m", a, 3)), "");
    }
    EXPECT_EQ(builder.add(hinted), "");  // its names are not those of the builder's last layout
    builder.finish();
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.back(), expected) << between;
  }
}

TEST(SeriesBuilder, ValidatesExtraLabels) {
  EXPECT_THROW(validate_extra_labels({{"1x", "v"}}), Error);
  EXPECT_THROW(validate_extra_labels({{"__x", "v"}}), Error);
  EXPECT_THROW(validate_extra_labels({{"x", ""}}), Error);
  EXPECT_THROW(validate_extra_labels({{"x", "1"}, {"x", "2"}}), Error);
  EXPECT_NO_THROW(validate_extra_labels({{"job", "a"}, {"instance", "b"}}));
}

TEST(SeriesBuilder, Names) {
  EXPECT_TRUE(is_valid_metric_name("http:request:duration:seconds"));
  EXPECT_TRUE(is_valid_metric_name("valid_metric_name:subsystem_total"));
  EXPECT_FALSE(is_valid_metric_name("1abc"));
  EXPECT_FALSE(is_valid_label_name("a:b"));
}

TEST(SeriesBuilder, TimestampsKeepNowAndFuture) {
  BuilderOptions o;
  o.now_ms = 1'000'000;
  std::vector<int64_t> seen;
  auto run = [&](BuilderOptions opts) {
    seen.clear();
    SeriesBuilder b(opts, [&](Batch& batch) {
      for (const auto& s : batch.samples()) seen.push_back(s.timestamp);
    });
    Label x[] = {{"i", "1"}}, y[] = {{"i", "2"}}, z[] = {{"i", "3"}};
    b.add(Sample{"m", x, 1, 5});
    b.add(Sample{"m", y, 1, std::nullopt});
    b.add(Sample{"m", z, 1, 1'000'000 + 11 * 60 * 1000});
    b.finish();
    return b.stats();
  };
  auto stats = run(o);
  EXPECT_EQ(seen, (std::vector<int64_t>{5, 1'000'000, 1'000'000 + 11 * 60 * 1000}));
  EXPECT_EQ(stats.future_samples, 1u);
  o.override_timestamps = true;
  run(o);
  EXPECT_EQ(seen, (std::vector<int64_t>{1'000'000, 1'000'000, 1'000'000}));
}

TEST(SeriesBuilder, FamilyMetadataBySuffix) {
  std::vector<Metadata> metadata;
  std::vector<uint32_t> series_meta;
  SeriesBuilder b({}, [&](Batch& batch) {
    metadata = batch.metadata();
    for (const auto& s : batch.all_series()) series_meta.push_back(s.metadata);
  });
  b.type("rpc", model::MetricType::kSummary);
  b.help("rpc", "RPC latency.");
  Label q[] = {{"quantile", "0.5"}};
  b.add(S("rpc", q, 1));
  b.add(S("rpc_sum", {}, 1));
  b.add(S("rpc_count", {}, 1));
  b.add(S("rpc_total", {}, 1));  // not a summary suffix: a family of its own
  b.finish();
  ASSERT_EQ(metadata.size(), 2u);
  EXPECT_EQ(metadata[0].family, "rpc");
  EXPECT_EQ(metadata[0].type, model::MetricType::kSummary);
  EXPECT_EQ(metadata[0].help, "RPC latency.");
  EXPECT_EQ(metadata[1].family, "rpc_total");
  EXPECT_EQ(metadata[1].type, model::MetricType::kUnknown);
  EXPECT_EQ(series_meta, (std::vector<uint32_t>{0, 0, 0, 1}));
}

// metadata_for remembers its answer for the last valid metric name: a new name, even one
// whose sample is refused for its labels, or a name-hinted sample after it, must not reuse the
// answer given for another name.
TEST(SeriesBuilder, MetadataFollowsTheNameAcrossRefusedAndHintedSamples) {
  std::vector<Metadata> metadata;
  std::vector<uint32_t> series_meta;
  SeriesBuilder b({}, [&](Batch& batch) {
    metadata = batch.metadata();
    for (const auto& s : batch.all_series()) series_meta.push_back(s.metadata);
  });
  Label one[] = {{"k", "1"}}, two[] = {{"k", "2"}}, three[] = {{"k", "3"}}, bad[] = {{"__bad", "x"}};
  b.type("a", model::MetricType::kGauge);
  EXPECT_EQ(b.add(S("a", one, 1)), "");
  EXPECT_NE(b.add(S("b", bad, 1)), "");  // refused after its name was found valid
  Sample hinted = S("a", two, 1);
  hinted.repeats_label_names = true;
  hinted.label_values_utf8 = true;
  EXPECT_EQ(b.add(hinted), "");
  EXPECT_EQ(b.add(S("c", one, 1)), "");  // family-less
  Sample hinted_c = S("c", two, 1);
  hinted_c.repeats_label_names = true;
  hinted_c.label_values_utf8 = true;
  EXPECT_EQ(b.add(hinted_c), "");
  EXPECT_EQ(b.add(S("a", three, 1)), "");
  b.finish();
  ASSERT_EQ(metadata.size(), 2u);
  EXPECT_EQ(metadata[0].family, "a");
  EXPECT_EQ(metadata[0].type, model::MetricType::kGauge);
  EXPECT_EQ(metadata[1].family, "c");
  EXPECT_EQ(metadata[1].type, model::MetricType::kUnknown);
  EXPECT_EQ(series_meta, (std::vector<uint32_t>{0, 0, 1, 1, 0}));
}

TEST(SeriesBuilder, HelpAndUnitMustBeUtf8) {
  std::vector<Metadata> metadata;
  SeriesBuilder b({}, [&](Batch& batch) { metadata = batch.metadata(); });
  b.type("m", model::MetricType::kGauge);
  EXPECT_EQ(b.help("m", "bad \xff byte"), "invalid UTF-8 in the HELP text of \"m\"");
  EXPECT_EQ(b.unit("m", "\xc0\xaf"), "invalid UTF-8 in the UNIT of \"m\"");
  EXPECT_EQ(b.help("m", "Good text, café."), "");
  b.add(S("m", {}, 1));
  b.finish();
  ASSERT_EQ(metadata.size(), 1u);
  EXPECT_EQ(metadata[0].help, "Good text, café.");
  EXPECT_EQ(metadata[0].unit, "");
}

}  // namespace
}  // namespace promotel::remotewrite

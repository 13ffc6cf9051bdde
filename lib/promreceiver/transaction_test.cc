#include "promreceiver/transaction.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"

namespace promotel::promreceiver {
namespace {

using opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;
using opentelemetry::proto::metrics::v1::Metric;
using model::Label;
using model::MetricType;

constexpr int64_t kT = 1700000000000;

Options test_options() {
  Options o;
  o.job = "job";
  o.instance = "localhost:1";
  o.scrape_time_ms = kT;
  return o;
}

model::Sample sample(std::string_view name, double value, const std::vector<Label>& labels = {}) {
  model::Sample s;
  s.name = name;
  s.labels = model::Labels(labels.data(), labels.size());
  s.value = value;
  return s;
}

// All metrics of the request, in order.
std::vector<Metric> metrics_of(const ExportMetricsServiceRequest& r) {
  std::vector<Metric> out;
  for (const auto& rm : r.resource_metrics())
    for (const auto& sm : rm.scope_metrics())
      for (const auto& m : sm.metrics()) out.push_back(m);
  return out;
}

TEST(Transaction, OpenMetricsCounterKeepsTotalAndTakesCreated) {
  Transaction tx(test_options());
  tx.set_type("foo", MetricType::kCounter);
  std::vector<Label> l = {{"a", "1"}};
  tx.append(sample("foo_created", 1000.5, l));
  tx.append(sample("foo_total", 7, l));
  ExportMetricsServiceRequest r;
  ASSERT_EQ(tx.commit(&r), 1u);
  auto m = metrics_of(r);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].name(), "foo_total");
  ASSERT_TRUE(m[0].has_sum());
  EXPECT_TRUE(m[0].sum().is_monotonic());
  const auto& p = m[0].sum().data_points(0);
  EXPECT_EQ(p.as_double(), 7);
  EXPECT_EQ(p.start_time_unix_nano(), 1000500000000u);
  EXPECT_EQ(p.time_unix_nano(), uint64_t(kT) * 1000000);
}

// A fuzz finding: a _created value beyond int64 nanoseconds overflowed (undefined in C++).
// Go wraps the int64 product and maps out-of-range float→int64 to INT64_MIN (amd64).
TEST(Transaction, AbsurdCreatedWrapsLikeGo) {
  for (auto [created, want] : {std::pair<double, uint64_t>{1.55555e18, 8679032989528621056u},
                               {1e300, 0u}, {-1e300, 0u}}) {
    Transaction tx(test_options());
    tx.set_type("foo", MetricType::kCounter);
    std::vector<Label> l = {{"a", "1"}};
    tx.append(sample("foo_created", created, l));
    tx.append(sample("foo_total", 7, l));
    ExportMetricsServiceRequest r;
    ASSERT_EQ(tx.commit(&r), 1u);
    auto m = metrics_of(r);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].sum().data_points(0).start_time_unix_nano(), want) << created;
  }
}

TEST(Transaction, CounterDeclaredWithoutSuffixInTextIsStillASum) {
  Transaction tx(test_options());
  tx.set_type("bar", MetricType::kCounter);
  tx.append(sample("bar", 3));
  ExportMetricsServiceRequest r;
  tx.commit(&r);
  auto m = metrics_of(r);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].name(), "bar");
  EXPECT_TRUE(m[0].has_sum());
}

TEST(Transaction, MetadataSurvivesCommitAndFamiliesDoNot) {
  Transaction tx(test_options());
  tx.set_type("h", MetricType::kHistogram);
  tx.append(sample("h_bucket", 1, {{"le", "+Inf"}}));
  tx.append(sample("h_count", 1));
  ExportMetricsServiceRequest r;
  EXPECT_EQ(tx.commit(&r), 1u);
  EXPECT_EQ(tx.pending_points(), 0u);
  tx.append(sample("h_bucket", 2, {{"le", "+Inf"}}));
  tx.append(sample("h_count", 2));
  EXPECT_EQ(tx.commit(&r), 1u);
  auto m = metrics_of(r);
  ASSERT_EQ(m.size(), 1u);
  ASSERT_TRUE(m[0].has_histogram());
  EXPECT_EQ(m[0].histogram().data_points(0).count(), 2u);
}

TEST(Transaction, InconsistentTimestampsDropTheLaterSample) {
  Transaction tx(test_options());
  tx.set_type("s", MetricType::kSummary);
  model::Sample count = sample("s_count", 4);
  count.timestamp = 5;
  model::Sample sum = sample("s_sum", 9);
  sum.timestamp = 6;
  std::vector<std::string> warnings;
  Transaction tx2(test_options(), [&](const std::string& w) { warnings.push_back(w); });
  tx2.set_type("s", MetricType::kSummary);
  tx2.append(count);
  tx2.append(sum);
  ExportMetricsServiceRequest r;
  tx2.commit(&r);
  auto m = metrics_of(r);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].summary().data_points(0).count(), 4u);
  EXPECT_EQ(m[0].summary().data_points(0).sum(), 0);
  EXPECT_EQ(m[0].summary().data_points(0).time_unix_nano(), 5000000u);
  EXPECT_EQ(warnings.size(), 1u);
}

TEST(Transaction, StaleNaNsBecomeNoRecordedValue) {
  Transaction tx(test_options());
  tx.set_type("g", MetricType::kGauge);
  tx.set_type("h", MetricType::kHistogram);
  tx.append(sample("g", model::stale_nan()));
  tx.append(sample("h_bucket", model::stale_nan(), {{"le", "1"}}));
  tx.append(sample("h_bucket", model::stale_nan(), {{"le", "+Inf"}}));
  tx.append(sample("h_count", model::stale_nan()));
  ExportMetricsServiceRequest r;
  tx.commit(&r);
  auto m = metrics_of(r);
  ASSERT_EQ(m.size(), 2u);
  const auto& g = m[0].gauge().data_points(0);
  EXPECT_EQ(g.flags(), 1u);
  EXPECT_EQ(g.value_case(), opentelemetry::proto::metrics::v1::NumberDataPoint::VALUE_NOT_SET);
  const auto& h = m[1].histogram().data_points(0);
  EXPECT_EQ(h.flags(), 1u);
  EXPECT_EQ(h.count(), 0u);
  ASSERT_EQ(h.bucket_counts_size(), 2);
  EXPECT_EQ(h.bucket_counts(0), 0u);
  EXPECT_EQ(h.bucket_counts(1), 0u);
}

TEST(Transaction, ExemplarIdsOnlyFromWellFormedHex) {
  Transaction tx(test_options());
  tx.set_type("c", MetricType::kCounter);
  std::vector<Label> ex_labels = {{"TRACE_ID", "0123456789ABCDEF0123456789abcdef"},
                                  {"span_id", "0123456789abcde"},  // 15 chars
                                  {"z", ""}};
  model::Exemplar ex;
  ex.labels = model::Labels(ex_labels.data(), ex_labels.size());
  ex.value = 2;
  model::Sample s = sample("c_total", 1);
  s.exemplar = &ex;
  tx.append(s);
  ExportMetricsServiceRequest r;
  tx.commit(&r);
  auto m = metrics_of(r);
  const auto& e = m[0].sum().data_points(0).exemplars(0);
  EXPECT_EQ(e.trace_id().size(), 16u);
  EXPECT_EQ(static_cast<unsigned char>(e.trace_id()[1]), 0x23);
  EXPECT_TRUE(e.span_id().empty());
  ASSERT_EQ(e.filtered_attributes_size(), 1);
  EXPECT_EQ(e.filtered_attributes(0).key(), "span_id");
  EXPECT_EQ(e.time_unix_nano(), uint64_t(kT) * 1000000);  // the sample's timestamp
}

TEST(Transaction, ScopeInfoAttributesMergeWithLabelsWinning) {
  Transaction tx(test_options());
  tx.set_type("m", MetricType::kGauge);
  tx.append(sample("m", 1, {{"otel_scope_name", "s"}, {"otel_scope_color", "red"}}));
  tx.append(sample("otel_scope_info", 1,
                   {{"otel_scope_name", "s"}, {"color", "blue"}, {"animal", "cat"}}));
  ExportMetricsServiceRequest r;
  tx.commit(&r);
  const auto& scope = r.resource_metrics(0).scope_metrics(0).scope();
  EXPECT_EQ(scope.name(), "s");
  ASSERT_EQ(scope.attributes_size(), 2);
  EXPECT_EQ(scope.attributes(0).key(), "color");
  EXPECT_EQ(scope.attributes(0).value().string_value(), "red");
  EXPECT_EQ(scope.attributes(1).key(), "animal");
  EXPECT_EQ(metrics_of(r)[0].gauge().data_points(0).attributes_size(), 0);
}

TEST(Transaction, DuplicateLabelNamesFailTheScrape) {
  Transaction tx(test_options());
  EXPECT_THROW(tx.append(sample("x", 1, {{"a", "1"}, {"a", "2"}})), Error);
}

TEST(Transaction, NativeHistogramExpandsSpansAndDeltas) {
  Transaction tx(test_options());
  tx.set_type("nh", MetricType::kHistogram);
  model::BucketSpan pos[] = {{-2, 2}, {3, 1}};
  int64_t pos_deltas[] = {1, 1, -1};
  model::BucketSpan neg[] = {{1, 1}};
  int64_t neg_deltas[] = {4};
  model::Exemplar exemplars[2];
  exemplars[0].value = 1;  // no timestamp: dropped
  exemplars[1].value = 2;
  exemplars[1].timestamp = 123;
  model::NativeHistogram h;
  h.schema = 3;
  h.zero_threshold = 0.001;
  h.count = 9;
  h.sum = 4.5;
  h.zero_count = 2;
  h.positive_spans = pos;
  h.positive_deltas = pos_deltas;
  h.negative_spans = neg;
  h.negative_deltas = neg_deltas;
  h.created_seconds = 10.25;
  h.exemplars = exemplars;
  tx.append_native_histogram("nh", h);
  ExportMetricsServiceRequest r;
  ASSERT_EQ(tx.commit(&r), 1u);
  auto m = metrics_of(r);
  ASSERT_TRUE(m[0].has_exponential_histogram());
  EXPECT_EQ(m[0].exponential_histogram().aggregation_temporality(), 2);
  const auto& p = m[0].exponential_histogram().data_points(0);
  EXPECT_EQ(p.scale(), 3);
  EXPECT_EQ(p.count(), 9u);
  EXPECT_EQ(p.sum(), 4.5);
  EXPECT_EQ(p.zero_count(), 2u);
  EXPECT_EQ(p.zero_threshold(), 0.001);
  EXPECT_EQ(p.positive().offset(), -3);
  std::vector<uint64_t> counts(p.positive().bucket_counts().begin(), p.positive().bucket_counts().end());
  EXPECT_EQ(counts, (std::vector<uint64_t>{1, 2, 0, 0, 0, 1}));
  EXPECT_EQ(p.negative().offset(), 0);
  ASSERT_EQ(p.negative().bucket_counts_size(), 1);
  EXPECT_EQ(p.negative().bucket_counts(0), 4u);
  EXPECT_EQ(p.start_time_unix_nano(), 10250000000u);
  ASSERT_EQ(p.exemplars_size(), 1);
  EXPECT_EQ(p.exemplars(0).time_unix_nano(), 123000000u);
}

TEST(Transaction, FloatNativeHistogramCountsAreTruncated) {
  Transaction tx(test_options());
  tx.set_type("fh", MetricType::kHistogram);
  model::BucketSpan pos[] = {{0, 2}};
  double counts[] = {1.9, 3.2};
  model::NativeHistogram h;
  h.is_float = true;
  h.count = 5.1;
  h.positive_spans = pos;
  h.positive_counts = counts;
  tx.append_native_histogram("fh", h);
  ExportMetricsServiceRequest r;
  tx.commit(&r);
  auto m = metrics_of(r);
  const auto& p = m[0].exponential_histogram().data_points(0);
  EXPECT_EQ(p.count(), 5u);
  EXPECT_EQ(p.positive().offset(), -1);
  EXPECT_EQ(p.positive().bucket_counts(0), 1u);
  EXPECT_EQ(p.positive().bucket_counts(1), 3u);
}

TEST(Transaction, ScrapeMetricsCountSamplesPerTarget) {
  Transaction tx(test_options());
  tx.append(sample("a", 1));
  tx.append(sample("b", 2));
  tx.add_scrape_metrics({true, 0.5});
  ExportMetricsServiceRequest r;
  tx.commit(&r);
  auto m = metrics_of(r);
  ASSERT_EQ(m.size(), 7u);
  EXPECT_EQ(m[2].name(), "up");
  EXPECT_EQ(m[3].name(), "scrape_duration_seconds");
  EXPECT_EQ(m[3].unit(), "s");
  EXPECT_EQ(m[3].gauge().data_points(0).as_double(), 0.5);
  EXPECT_EQ(m[4].gauge().data_points(0).as_double(), 2);
  EXPECT_EQ(tx.samples_seen(), 2u);
}

TEST(Transaction, BucketBoundsParseLikeGoParseFloat) {
  // Plain decimals take a fast path; exponents, hex, Inf spellings and the rest go through
  // strtod; underscores and junk drop the sample.
  const std::vector<std::pair<std::string, double>> valid = {
      {"0.005", 0.005}, {"-2.5", -2.5}, {"7", 7}, {"5.", 5}, {".25", 0.25},
      {"1e-3", 1e-3}, {"0x1p-2", 0.25}, {"+Inf", INFINITY}, {"inf", INFINITY},
      {"0.1000000000000000055511151231257827", 0.1}};
  std::vector<std::string> warnings;
  Transaction tx2(test_options(), [&](const std::string& w) { warnings.push_back(w); });
  tx2.set_type("h", MetricType::kHistogram);
  for (const auto& [text, value] : valid) {
    std::vector<Label> l = {{"b", text}, {"le", text}};
    tx2.append(sample("h_bucket", 1, l));
    tx2.append(sample("h_count", 1, {{"b", text}}));
  }
  for (std::string bad : {"1_0", "1.2.3", "-", "12a", ""}) {
    tx2.append(sample("h_bucket", 1, {{"b", "bad"}, {"le", bad}}));
  }
  tx2.append(sample("h_count", 1, {{"b", "bad"}}));
  ExportMetricsServiceRequest r;
  tx2.commit(&r);
  auto m = metrics_of(r);
  ASSERT_EQ(m.size(), 1u);
  const auto& points = m[0].histogram().data_points();
  ASSERT_EQ(points.size(), static_cast<int>(valid.size()) + 1);
  for (size_t i = 0; i < valid.size(); ++i) {
    const auto& p = points[static_cast<int>(i)];
    if (std::isinf(valid[i].second)) {
      EXPECT_EQ(p.explicit_bounds_size(), 0) << valid[i].first;  // +Inf is the count
    } else {
      ASSERT_EQ(p.explicit_bounds_size(), 1) << valid[i].first;
      EXPECT_EQ(p.explicit_bounds(0), valid[i].second) << valid[i].first;
    }
  }
  EXPECT_EQ(points[static_cast<int>(valid.size())].explicit_bounds_size(), 0);
  EXPECT_EQ(warnings.size(), 5u);  // one per bad bound ("" is no le label at all)
}

// One histogram family "h" with a point per entry of `points` (the point's `le` bounds in that
// order, told apart by label b), each with a _count.
Metric histogram_with_buckets(const std::vector<std::vector<std::string>>& points) {
  Transaction tx(test_options());
  tx.set_type("h", MetricType::kHistogram);
  for (size_t p = 0; p < points.size(); ++p) {
    std::string b = std::to_string(p);
    for (const std::string& le : points[p]) tx.append(sample("h_bucket", 1, {{"b", b}, {"le", le}}));
    tx.append(sample("h_count", 1, {{"b", b}}));
  }
  ExportMetricsServiceRequest r;
  EXPECT_EQ(tx.commit(&r), points.size());
  auto m = metrics_of(r);
  EXPECT_EQ(m.size(), 1u);
  return m.empty() ? Metric() : m[0];
}

TEST(Transaction, BucketBoundsAtTheSamePlaceMayDiffer) {
  // Bounds are remembered by their place in the point (every point of a histogram nearly
  // always has the same ones): points whose bounds match, differ, share a prefix with the one
  // before, are too long to remember or lie beyond the remembered places.
  std::vector<std::vector<std::string>> points = {
      {"0.5", "1", "+Inf"}, {"0.5", "1", "+Inf"}, {"0.25", "1.0", "+Inf"}, {"0.5", "10", "+Inf"},
      {"0.50000000000000000001", "1", "+Inf"}};
  std::vector<std::string> many;
  for (int i = 0; i < 70; ++i) many.push_back(std::to_string(i) + ".5");
  many.push_back("+Inf");
  points.push_back(many);
  points.push_back({"0.5", "1", "+Inf"});
  const Metric m = histogram_with_buckets(points);
  const auto& got = m.histogram().data_points();
  ASSERT_EQ(got.size(), static_cast<int>(points.size()));
  for (size_t p = 0; p < points.size(); ++p) {
    const auto& bounds = got[static_cast<int>(p)].explicit_bounds();
    ASSERT_EQ(bounds.size() + 1, static_cast<int>(points[p].size())) << p;
    for (int i = 0; i < bounds.size(); ++i) {
      EXPECT_EQ(bounds[i], std::strtod(points[p][static_cast<size_t>(i)].c_str(), nullptr))
          << p << " " << i;
    }
  }
}

TEST(Transaction, BucketsComeOutStablySortedByBound) {
  // In order (no sort), out of order, and with NaN bounds (no order: the stable sort decides,
  // in order or not) among enough buckets for a merging sort.
  std::vector<std::vector<std::string>> points = {
      {"1", "2", "3", "+Inf"},
      {"3", "1", "2", "+Inf"},
      {"1", "NaN", "2", "+Inf"},
  };
  std::vector<std::string> many;
  for (int i = 0; i < 40; ++i) many.push_back(i == 20 ? "NaN" : std::to_string(i % 7 == 0 ? 40 - i : i));
  many.push_back("+Inf");
  points.push_back(many);
  std::vector<std::string> nan_in_order;
  for (int i = 0; i < 40; ++i) nan_in_order.push_back(i == 30 ? "NaN" : std::to_string(i));
  nan_in_order.push_back("+Inf");
  points.push_back(nan_in_order);
  const Metric m = histogram_with_buckets(points);
  const auto& got = m.histogram().data_points();
  ASSERT_EQ(got.size(), static_cast<int>(points.size()));
  for (size_t p = 0; p < points.size(); ++p) {
    std::vector<double> want;
    for (const std::string& le : points[p]) want.push_back(std::strtod(le.c_str(), nullptr));
    std::stable_sort(want.begin(), want.end(), [](double a, double b) { return a < b; });
    if (std::isinf(want.back())) want.pop_back();
    const auto& bounds = got[static_cast<int>(p)].explicit_bounds();
    ASSERT_EQ(bounds.size(), static_cast<int>(want.size())) << p;
    for (int i = 0; i < bounds.size(); ++i) {
      if (std::isnan(want[static_cast<size_t>(i)])) {
        EXPECT_TRUE(std::isnan(bounds[i])) << p << " " << i;
      } else {
        EXPECT_EQ(bounds[i], want[static_cast<size_t>(i)]) << p << " " << i;
      }
    }
  }
}

TEST(Transaction, MetadataIsRememberedForTheLastFamiliesOnly) {
  // One family per commit, as a long input with ever new families is converted: the metadata
  // of a recent family is still known, that of one 10000 families back is forgotten.
  Transaction tx(test_options());
  ExportMetricsServiceRequest r;
  auto family = [](int i) { return "fam_" + std::to_string(i); };
  for (int i = 0; i < 10000; ++i) {
    tx.set_type(family(i), MetricType::kCounter);
    tx.append(sample(family(i) + "_total", 1));
    ASSERT_EQ(tx.commit(&r), 1u);
  }
  tx.append(sample(family(9000) + "_total", 2));  // 1000 families back: still a counter
  tx.append(sample(family(0) + "_total", 3));     // 10000 back: no metadata, a gauge
  ASSERT_EQ(tx.commit(&r), 2u);
  auto m = metrics_of(r);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].name(), "fam_9000_total");
  EXPECT_TRUE(m[0].has_sum());
  EXPECT_EQ(m[1].name(), "fam_0_total");
  EXPECT_TRUE(m[1].has_gauge());
}

// What the series of a request are made of, for the hint test below.
struct Series {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};

// The request the series make, each appended with repeats_label_names telling the truth
// (hints) or left unset; a native histogram is appended before series `native_before`.
std::string serialized(const std::vector<Series>& series, bool hints, size_t native_before) {
  Transaction tx(test_options());
  tx.set_type("h", MetricType::kHistogram);
  tx.set_type("c", MetricType::kCounter);
  const Series* previous = nullptr;
  for (size_t i = 0; i < series.size(); ++i) {
    if (i == native_before) {
      // As many labels as the c_total series around it, other names.
      std::vector<Label> native_labels = {{"p", "1"}, {"q", "2"}};
      model::NativeHistogram h;
      h.labels = model::Labels(native_labels.data(), native_labels.size());
      h.count = 1;
      h.sum = 1;
      tx.append_native_histogram("n", h);
    }
    const Series& s = series[i];
    std::vector<Label> labels;
    for (const auto& [name, value] : s.labels) labels.push_back({name, value});
    model::Sample m = sample(s.name, s.value, labels);
    if (hints && previous != nullptr && previous->labels.size() == s.labels.size()) {
      m.repeats_label_names = true;
      for (size_t j = 0; j < s.labels.size(); ++j) {
        m.repeats_label_names = m.repeats_label_names && previous->labels[j].first == s.labels[j].first;
      }
    }
    tx.append(m, hints && previous != nullptr && previous->name == s.name);
    previous = &s;
  }
  std::string out;
  tx.commit_serialized(&out);
  return out;
}

TEST(Transaction, NameRepeatHintsChangeNothing) {
  // Values of every length class the identity layout copies differently (none, 1-3 bytes,
  // a word, up to 64, longer, and past a one-byte KeyValue length), a name too long for a
  // layout head, values that become empty (the same names in another layout), histograms
  // whose buckets and _sum/_count take turns, and series coming back later.
  std::string long_name(40, 'n');
  std::vector<std::string> values = {"", "1", "12", "123", "1234", "12345678", "123456789abcdefgh",
                                     std::string(64, 'v'), std::string(65, 'w'),
                                     std::string(130, 'x')};
  std::vector<Series> series;
  for (size_t i = 0; i < values.size(); ++i) {
    series.push_back({"c_total", {{"a", values[i]}, {"b", values[(i + 3) % values.size()]}}, 1.0 * i});
    series.push_back({"g", {{long_name, values[i]}, {"b", "x"}, {"instance", "exposed"}}, 2.0 * i});
  }
  for (size_t i = 0; i < values.size(); ++i) {
    series.push_back({"c_total", {{"a", values[i]}, {"b", values[(i + 3) % values.size()]}}, 3.0});
  }
  for (int i = 0; i < 4; ++i) {
    std::vector<std::pair<std::string, std::string>> l = {{"a", std::to_string(i % 2)},
                                                          {"b", values[i * 2]}};
    for (std::string le : {"0.5", "1", "+Inf"}) {
      auto with_le = l;
      with_le.emplace_back("le", le);
      series.push_back({"h_bucket", with_le, 1.0 * i});
    }
    series.push_back({"h_sum", l, 2.0});
    series.push_back({"h_count", l, 3.0});
  }
  std::string want = serialized(series, false, series.size());
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(serialized(series, true, series.size()), want);
  // Without hints a native histogram changes nothing here; with them, the series after it
  // (whose names do repeat those of the sample before) must not take its layout.
  size_t in_repeats = 2 * values.size() + 1;  // a c_total after a c_total
  for (size_t native_before : {size_t{1}, size_t{5}, in_repeats, series.size() - 3}) {
    EXPECT_EQ(serialized(series, true, native_before), serialized(series, false, native_before))
        << native_before;
  }
}

TEST(Transaction, SampleNameRepeatHintsChangeNothing) {
  // Samples of one name in other scopes (otel_scope_* labels) and as other targets (job and
  // instance labels), after target_info and otel_scope_info (which have no family), after a
  // refused sample and across commits: told or not that the name repeats, the same requests.
  using L = std::vector<std::pair<std::string, std::string>>;
  std::vector<std::pair<std::string, L>> samples = {
      {"g", {{"a", "1"}}},
      {"g", {{"a", "2"}}},
      {"g", {{"a", "1"}, {"otel_scope_name", "s1"}}},
      {"g", {{"a", "2"}, {"otel_scope_name", "s1"}}},
      {"g", {{"a", "3"}}},
      {"g", {{"a", "1"}, {"job", "other"}, {"instance", "x:1"}}},
      {"g", {{"a", "2"}, {"job", "other"}, {"instance", "x:1"}}},
      {"target_info", {{"k", "v"}}},
      {"target_info", {{"k", "w"}}},
      {"g", {{"a", "4"}}},
      {"otel_scope_info", {{"otel_scope_name", "s1"}, {"k", "v"}}},
      {"g", {{"a", "5"}}},
      {"g", {{"a", "6"}, {"a", "7"}}},  // refused: duplicate label names
      {"g", {{"a", "8"}}},
      {"commit", {}},
      {"g", {{"a", "9"}}},
      {"c_total", {{"a", "1"}}},
      {"c_total", {{"a", "2"}}},
      {"g", {{"a", "10"}}},
      {"c_total", {{"a", "3"}}},
      {"g", {{"b", "1"}, {"b", "2"}}},  // refused before its family: the next g is not told
      {"g", {{"a", "11"}}},
  };
  for (bool with_job : {false, true}) {
    std::string want;
    for (bool hints : {false, true}) {
      Options options = test_options();
      if (!with_job) options.job.clear(), options.instance.clear();
      Transaction tx(options);
      tx.set_type("g", MetricType::kGauge);
      tx.set_type("c", MetricType::kCounter);
      std::string out, all;
      std::string previous;
      for (const auto& [name, l] : samples) {
        if (name == "commit") {
          tx.commit_serialized(&out);
          all += out;
          continue;
        }
        std::vector<Label> labels;
        for (const auto& [n, v] : l) labels.push_back({n, v});
        try {
          tx.append(sample(name, 1, labels), hints && name == previous);
        } catch (const Error&) {
          all += "refused;";
        }
        previous = name;
      }
      tx.commit_serialized(&out);
      all += out;
      if (!hints) {
        want = all;
      } else {
        EXPECT_EQ(all, want) << with_job;
      }
    }
    EXPECT_NE(want.find("refused;"), std::string::npos);
  }
}

TEST(Transaction, SeriesComingBackJoinTheirPointWhateverTheirValueLengths) {
  // A point's identity hash folds its values in by length class (none, 1-3 bytes, 4-7, a word
  // or two, 16-byte chunks and a tail, a copy past 64 bytes, a KeyValue length past one
  // byte); values that share their words ("ab", "abab") must stay apart. Families below and
  // above the linear search's size; every series comes back once, in reverse order.
  std::vector<std::string> values = {"", "a", "ab", "abc", "abab", "abcde", "abcdefg", "abababab",
                                     "abcdefgh", "abcdefghi", std::string(16, 'c'),
                                     std::string(17, 'c'), std::string(33, 'd'),
                                     std::string(64, 'e'), std::string(65, 'e'),
                                     std::string(100, 'f') + "g", std::string(200, 'h')};
  for (size_t family_size : {size_t{5}, values.size()}) {
    Transaction tx(test_options());
    tx.set_type("g", MetricType::kGauge);
    auto labels_of = [&](size_t i) {
      return std::vector<Label>{{"a", values[i]}, {"b", "x"}, {"c", values[values.size() - 1 - i]}};
    };
    std::vector<std::vector<Label>> kept;  // the samples view them until commit
    for (size_t i = 0; i < family_size; ++i) {
      kept.push_back(labels_of(i));
      tx.append(sample("g", 1.0 * i, kept.back()));
    }
    for (size_t i = family_size; i-- > 0;) {
      kept.push_back(labels_of(i));
      tx.append(sample("g", 100.0 + i, kept.back()));
    }
    ExportMetricsServiceRequest r;
    ASSERT_EQ(tx.commit(&r), family_size);
    auto m = metrics_of(r);
    ASSERT_EQ(m.size(), 1u);
    ASSERT_EQ(m[0].gauge().data_points_size(), static_cast<int>(family_size));
    for (size_t i = 0; i < family_size; ++i) {
      const auto& p = m[0].gauge().data_points(static_cast<int>(i));
      EXPECT_EQ(p.as_double(), 100.0 + i) << i;
      std::string a;
      for (const auto& kv : p.attributes()) {
        if (kv.key() == "a") a = kv.value().string_value();
      }
      EXPECT_EQ(a, values[i]) << i;
    }
  }
}

}  // namespace
}  // namespace promotel::promreceiver

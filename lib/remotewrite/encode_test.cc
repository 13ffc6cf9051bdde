#include "remotewrite/encode.h"

#include <bit>
#include <set>
#include <cmath>

#include <gtest/gtest.h>

#include "io/prometheus/write/v2/types.pb.h"
#include "common/error.h"
#include "prometheus/remote.pb.h"
#include "remotewrite/series_builder.h"

namespace promotel::remotewrite {
namespace {

using model::Label;
using model::Sample;

// Builds one batch from samples through the SeriesBuilder (the path the tool takes).
struct Fixture {
  BuilderOptions options;
  std::vector<Batch> batches;

  Fixture() { options.now_ms = 1'700'000'000'000; }

  SeriesBuilder builder() {
    return SeriesBuilder(options, [this](Batch& b) { batches.push_back(b); });
  }
};

std::string v1_bytes(const Batch& b) {
  std::string out;
  encode_v1(b, out);
  return out;
}

std::string v2_bytes(const Batch& b) {
  std::string out;
  V2Encoder encoder;
  encoder.encode(b, out);
  return out;
}

// A batch laid out as its 1.0 body in place gives the bytes the encoder assembles otherwise,
// and falls back to assembling whenever the layout cannot hold (a second sample, an exemplar,
// a header of another size than guessed, metadata added after finalize()).
TEST(EncodeV1, BodyInPlaceHasTheAssembledBytes) {
  enum Twist { kNone, kMixedTimestamps, kRepeatedSeries, kExemplar, kHugeSeries, kLateMetadata };
  auto build = [](Batch& b, Twist twist) {
    uint32_t meta = b.add_metadata(Metadata{"m", model::MetricType::kGauge, "help", ""});
    std::vector<std::string> values;
    for (size_t n = 1; n <= 260; n += (n < 140 ? 1 : 7)) values.push_back(std::string(n, 'v'));
    if (twist == kHugeSeries) values.push_back(std::string(17000, 'h'));
    const int64_t timestamps[] = {0, -1, 1, 127, 1'700'000'000'000, int64_t(1) << 60};
    size_t k = 0;
    for (const auto& v : values) {
      Label labels[] = {{"__name__", "m"}, {"a", v}};
      uint32_t s = b.series(labels, meta);
      int64_t ts = twist == kMixedTimestamps ? timestamps[k % 6] : 1'700'000'000'000;
      b.add_sample(s, double(k), ts);
      if (twist == kExemplar && k == 3) b.add_exemplar(s, labels, 1.5, ts);
      if (twist == kRepeatedSeries && k == 5) {
        Label first[] = {{"__name__", "m"}, {"a", values[0]}};
        b.add_sample(b.series(first, meta), 9, ts);
      }
      ++k;
    }
    b.add_metadata(Metadata{"n", model::MetricType::kCounter, "", "seconds"});
    b.finalize();
    if (twist == kLateMetadata) b.add_metadata(Metadata{"late", model::MetricType::kCounter, "", ""});
  };
  for (Twist twist : {kNone, kMixedTimestamps, kRepeatedSeries, kExemplar, kHugeSeries, kLateMetadata}) {
    SCOPED_TRACE(int(twist));
    Batch in_place, assembled;
    assembled.set_v1_body_in_place(false);
    build(in_place, twist);
    build(assembled, twist);
    EXPECT_TRUE(assembled.v1_body().empty());
    EXPECT_EQ(in_place.v1_body().empty(), twist != kNone);
    std::string scratch;
    EXPECT_EQ(encode_v1_view(in_place, scratch), v1_bytes(assembled));
    EXPECT_EQ(v1_bytes(in_place), v1_bytes(assembled));
    prometheus::WriteRequest req;
    ASSERT_TRUE(req.ParseFromString(v1_bytes(in_place)));
    EXPECT_EQ(size_t(req.timeseries_size()), in_place.series_count());
  }
}

TEST(EncodeV1, SamplesLabelsAndMetadataDecodeWithProtobuf) {
  Fixture f;
  auto builder = f.builder();
  builder.type("http_requests", model::MetricType::kCounter);
  builder.help("http_requests", "Requests \"served\".\nTwo lines.");
  Label l1[] = {{"path", "/api/v1/users"}, {"code", "200"}, {"empty", ""}};
  ASSERT_EQ(builder.add(Sample{"http_requests_total", l1, 1027, 1'600'000'000'000}), "");
  Label l2[] = {{"emoji", "🚀"}, {"chinese", "测试"}};
  ASSERT_EQ(builder.add(Sample{"temperature", l2, -15.5, std::nullopt}), "");
  builder.finish();
  ASSERT_EQ(f.batches.size(), 1u);

  prometheus::WriteRequest req;
  ASSERT_TRUE(req.ParseFromString(v1_bytes(f.batches[0])));
  ASSERT_EQ(req.timeseries_size(), 2);
  const auto& ts0 = req.timeseries(0);
  ASSERT_EQ(ts0.labels_size(), 3);  // the empty-valued label is dropped
  EXPECT_EQ(ts0.labels(0).name(), "__name__");
  EXPECT_EQ(ts0.labels(0).value(), "http_requests_total");
  EXPECT_EQ(ts0.labels(1).name(), "code");
  EXPECT_EQ(ts0.labels(2).name(), "path");
  EXPECT_EQ(ts0.labels(2).value(), "/api/v1/users");
  ASSERT_EQ(ts0.samples_size(), 1);
  EXPECT_EQ(ts0.samples(0).value(), 1027);
  EXPECT_EQ(ts0.samples(0).timestamp(), 1'600'000'000'000);
  const auto& ts1 = req.timeseries(1);
  EXPECT_EQ(ts1.labels(1).name(), "chinese");
  EXPECT_EQ(ts1.labels(1).value(), "测试");
  EXPECT_EQ(ts1.labels(2).value(), "🚀");
  EXPECT_EQ(ts1.samples(0).value(), -15.5);
  EXPECT_EQ(ts1.samples(0).timestamp(), f.options.now_ms);

  ASSERT_EQ(req.metadata_size(), 2);
  EXPECT_EQ(req.metadata(0).metric_family_name(), "http_requests");
  EXPECT_EQ(req.metadata(0).type(), prometheus::MetricMetadata::COUNTER);
  EXPECT_EQ(req.metadata(0).help(), "Requests \"served\".\nTwo lines.");
  EXPECT_EQ(req.metadata(1).metric_family_name(), "temperature");
  EXPECT_EQ(req.metadata(1).type(), prometheus::MetricMetadata::UNKNOWN);
}

TEST(EncodeV1, SpecialValuesAreBitExactAndNaNIsNotStale) {
  Fixture f;
  auto builder = f.builder();
  const double values[] = {0, -15.5, INFINITY, -INFINITY, 1.7976931348623157e+308,
                           2.2250738585072014e-308, 1.23e-4, 0.123456789012345};
  int i = 0;
  for (double v : values) {
    std::string value = std::to_string(i++);
    Label l[] = {{"i", value}};
    ASSERT_EQ(builder.add(Sample{"m", l, v, 5}), "");
  }
  Label nan_label[] = {{"i", "nan"}};
  ASSERT_EQ(builder.add(Sample{"m", nan_label, model::stale_nan(), 5}), "");  // parsed "NaN"
  builder.finish();
  prometheus::WriteRequest req;
  ASSERT_TRUE(req.ParseFromString(v1_bytes(f.batches[0])));
  ASSERT_EQ(req.timeseries_size(), 9);
  for (int k = 0; k < 8; ++k) {
    EXPECT_EQ(std::bit_cast<uint64_t>(req.timeseries(k).samples(0).value()),
              std::bit_cast<uint64_t>(values[k]));
  }
  double nan = req.timeseries(8).samples(0).value();
  EXPECT_TRUE(std::isnan(nan));
  EXPECT_EQ(std::bit_cast<uint64_t>(nan), 0x7ff8000000000001ULL);
}

TEST(EncodeV1, StaleOptionSendsTheStaleBitPattern) {
  Fixture f;
  f.options.stale = true;
  auto builder = f.builder();
  ASSERT_EQ(builder.add(Sample{"up", {}, 1, 1000}), "");
  ASSERT_EQ(builder.add(Sample{"down", {}, 1, std::nullopt}), "");
  builder.finish();
  prometheus::WriteRequest req;
  ASSERT_TRUE(req.ParseFromString(v1_bytes(f.batches[0])));
  EXPECT_EQ(std::bit_cast<uint64_t>(req.timeseries(0).samples(0).value()), model::kStaleNaNBits);
  EXPECT_EQ(req.timeseries(0).samples(0).timestamp(), 1001);  // just after the value
  EXPECT_EQ(req.timeseries(1).samples(0).timestamp(), f.options.now_ms);
}

TEST(EncodeV1, RepeatedSeriesAreGroupedInInputOrder) {
  Fixture f;
  auto builder = f.builder();
  Label a[] = {{"k", "a"}}, b[] = {{"k", "b"}};
  builder.add(Sample{"m", a, 1, 10});
  builder.add(Sample{"m", b, 2, 10});
  builder.add(Sample{"m", a, 3, 20});
  builder.finish();
  prometheus::WriteRequest req;
  ASSERT_TRUE(req.ParseFromString(v1_bytes(f.batches[0])));
  ASSERT_EQ(req.timeseries_size(), 2);
  ASSERT_EQ(req.timeseries(0).samples_size(), 2);
  EXPECT_EQ(req.timeseries(0).samples(0).value(), 1);
  EXPECT_EQ(req.timeseries(0).samples(1).value(), 3);
  EXPECT_EQ(req.timeseries(1).samples(0).value(), 2);
}

TEST(EncodeV1, ExemplarsAndNegativeTimestamps) {
  Fixture f;
  auto builder = f.builder();
  Label el[] = {{"trace_id", "abc123"}, {"span_id", "01"}};
  model::Exemplar ex{el, 0.05, 1'234'567'890'123};
  Label l[] = {{"le", "0.1"}};
  Sample s{"h_bucket", l, 50, -5};
  s.exemplar = &ex;
  ASSERT_EQ(builder.add(s), "");
  model::Exemplar ex2{el, 7, std::nullopt};
  Sample s2{"g", {}, 1, 99};
  s2.exemplar = &ex2;
  ASSERT_EQ(builder.add(s2), "");
  builder.finish();
  prometheus::WriteRequest req;
  ASSERT_TRUE(req.ParseFromString(v1_bytes(f.batches[0])));
  EXPECT_EQ(req.timeseries(0).samples(0).timestamp(), -5);
  ASSERT_EQ(req.timeseries(0).exemplars_size(), 1);
  const auto& e = req.timeseries(0).exemplars(0);
  EXPECT_EQ(e.value(), 0.05);
  EXPECT_EQ(e.timestamp(), 1'234'567'890'123);
  ASSERT_EQ(e.labels_size(), 2);
  EXPECT_EQ(e.labels(0).name(), "span_id");  // sorted
  EXPECT_EQ(e.labels(1).value(), "abc123");
  EXPECT_EQ(req.timeseries(1).exemplars(0).timestamp(), 99);  // the sample's
}

model::NativeHistogram sample_histogram(std::span<const Label> labels) {
  static const model::BucketSpan pos[] = {{0, 2}, {1, 1}};
  static const int64_t deltas[] = {2, -1, 3};
  static const model::BucketSpan neg[] = {{-2, 1}};
  static const int64_t neg_deltas[] = {1};
  model::NativeHistogram h;
  h.labels = labels;
  h.timestamp = 1'000;
  h.schema = -3;
  h.zero_threshold = 1e-128;
  h.count = 10;
  h.sum = 42.5;
  h.zero_count = 2;
  h.positive_spans = pos;
  h.positive_deltas = deltas;
  h.negative_spans = neg;
  h.negative_deltas = neg_deltas;
  h.created_seconds = 900.5;
  return h;
}

TEST(EncodeV1, NativeHistogram) {
  Fixture f;
  auto builder = f.builder();
  builder.type("latency", model::MetricType::kHistogram);
  Label l[] = {{"job", "x"}};
  ASSERT_EQ(builder.add("latency", sample_histogram(l)), "");
  builder.finish();
  prometheus::WriteRequest req;
  ASSERT_TRUE(req.ParseFromString(v1_bytes(f.batches[0])));
  ASSERT_EQ(req.timeseries_size(), 1);
  ASSERT_EQ(req.timeseries(0).histograms_size(), 1);
  const auto& h = req.timeseries(0).histograms(0);
  EXPECT_EQ(h.count_int(), 10u);
  EXPECT_EQ(h.sum(), 42.5);
  EXPECT_EQ(h.schema(), -3);
  EXPECT_EQ(h.zero_threshold(), 1e-128);
  EXPECT_EQ(h.zero_count_int(), 2u);
  ASSERT_EQ(h.positive_spans_size(), 2);
  EXPECT_EQ(h.positive_spans(1).offset(), 1);
  EXPECT_EQ(h.positive_spans(1).length(), 1u);
  ASSERT_EQ(h.positive_deltas_size(), 3);
  EXPECT_EQ(h.positive_deltas(1), -1);
  EXPECT_EQ(h.negative_spans(0).offset(), -2);
  EXPECT_EQ(h.negative_deltas(0), 1);
  EXPECT_EQ(h.timestamp(), 1000);
  EXPECT_EQ(h.reset_hint(), prometheus::Histogram::UNKNOWN);
  EXPECT_EQ(req.metadata(0).type(), prometheus::MetricMetadata::HISTOGRAM);
}

TEST(EncodeV1, InvalidNativeHistogramsAreRefused) {
  Fixture f;
  auto builder = f.builder();
  auto h = sample_histogram({});
  h.count = 9;
  EXPECT_EQ(builder.add("x", h), "invalid native histogram: count 9 is less than the 10 observations in the buckets");
  static const int64_t negative[] = {2, -3, 3};
  h = sample_histogram({});
  h.positive_deltas = negative;
  EXPECT_EQ(builder.add("x", h), "invalid native histogram: positive bucket 2 has a negative count (-1)");
  static const model::BucketSpan short_span[] = {{0, 2}};
  h = sample_histogram({});
  h.positive_spans = short_span;
  EXPECT_EQ(builder.add("x", h), "invalid native histogram: positive spans cover 2 buckets but 3 are given");
  builder.finish();
  EXPECT_TRUE(f.batches.empty());
}

TEST(EncodeV2, SymbolsRefsMetadataAndHistograms) {
  Fixture f;
  auto builder = f.builder();
  builder.type("http_requests", model::MetricType::kCounter);
  builder.help("http_requests", "Requests served.");
  Label l1[] = {{"zzz", "1"}, {"aaa", "2"}, {"bbb", "1"}};
  ASSERT_EQ(builder.add(Sample{"http_requests_total", l1, 5, 100}), "");
  Label l2[] = {{"zzz", "2"}, {"aaa", "2"}, {"bbb", "1"}};
  ASSERT_EQ(builder.add(Sample{"http_requests_total", l2, 6, 100}), "");
  builder.type("gh", model::MetricType::kGaugeHistogram);
  builder.unit("gh", "seconds");
  ASSERT_EQ(builder.add("gh", sample_histogram({})), "");
  builder.finish();

  io::prometheus::write::v2::Request req;
  ASSERT_TRUE(req.ParseFromString(v2_bytes(f.batches[0])));
  ASSERT_GE(req.symbols_size(), 1);
  EXPECT_EQ(req.symbols(0), "");
  std::set<std::string> unique(req.symbols().begin(), req.symbols().end());
  EXPECT_EQ(unique.size(), size_t(req.symbols_size())) << "symbols must be de-duplicated";
  ASSERT_EQ(req.timeseries_size(), 3);
  auto label_names = [&](const auto& ts) {
    std::vector<std::pair<std::string, std::string>> out;
    EXPECT_EQ(ts.labels_refs_size() % 2, 0);
    for (int k = 0; k + 1 < ts.labels_refs_size(); k += 2) {
      EXPECT_LT(ts.labels_refs(k + 1), uint32_t(req.symbols_size()));
      out.emplace_back(req.symbols(ts.labels_refs(k)), req.symbols(ts.labels_refs(k + 1)));
    }
    return out;
  };
  auto l = label_names(req.timeseries(0));
  ASSERT_EQ(l.size(), 4u);
  EXPECT_EQ(l[0], (std::pair<std::string, std::string>{"__name__", "http_requests_total"}));
  EXPECT_EQ(l[1].first, "aaa");
  EXPECT_EQ(l[3], (std::pair<std::string, std::string>{"zzz", "1"}));
  EXPECT_EQ(req.timeseries(0).samples(0).value(), 5);
  EXPECT_EQ(req.timeseries(0).samples(0).timestamp(), 100);
  const auto& md = req.timeseries(1).metadata();
  EXPECT_EQ(md.type(), io::prometheus::write::v2::Metadata::METRIC_TYPE_COUNTER);
  EXPECT_EQ(req.symbols(md.help_ref()), "Requests served.");
  EXPECT_EQ(md.unit_ref(), 0u);

  const auto& hs = req.timeseries(2);
  EXPECT_EQ(hs.samples_size(), 0);
  ASSERT_EQ(hs.histograms_size(), 1);
  EXPECT_EQ(hs.histograms(0).reset_hint(), io::prometheus::write::v2::Histogram::RESET_HINT_GAUGE);
  EXPECT_EQ(hs.histograms(0).start_timestamp(), 900'500);
  EXPECT_EQ(hs.histograms(0).timestamp(), 1000);
  EXPECT_EQ(hs.metadata().type(), io::prometheus::write::v2::Metadata::METRIC_TYPE_GAUGEHISTOGRAM);
  EXPECT_EQ(req.symbols(hs.metadata().unit_ref()), "seconds");

  // The same body read as a 1.0 message is empty (fields 1..3 are reserved in 2.0).
  prometheus::WriteRequest v1;
  ASSERT_TRUE(v1.ParseFromString(v2_bytes(f.batches[0])));
  EXPECT_EQ(v1.timeseries_size(), 0);
}

TEST(Batching, SplitsBySeriesAndKeepsASeriesTogether) {
  Fixture f;
  f.options.max_series = 3;
  auto builder = f.builder();
  std::vector<std::string> values;
  for (int i = 0; i < 10; ++i) values.push_back(std::to_string(i));
  for (int i = 0; i < 10; ++i) {
    Label l[] = {{"i", values[i]}};
    ASSERT_EQ(builder.add(Sample{"m", l, double(i), 1}), "");
  }
  builder.finish();
  ASSERT_EQ(f.batches.size(), 4u);
  EXPECT_EQ(f.batches[0].series_count(), 3u);
  EXPECT_EQ(f.batches[3].series_count(), 1u);
  EXPECT_EQ(builder.stats().samples, 10u);
  for (const auto& b : f.batches) {
    prometheus::WriteRequest req;
    ASSERT_TRUE(req.ParseFromString(v1_bytes(b)));
    EXPECT_EQ(req.metadata_size(), 1) << "each request carries its families' metadata";
  }
}

TEST(Batching, SplitsByBytes) {
  Fixture f;
  f.options.max_bytes = 500;
  auto builder = f.builder();
  std::string big(100, 'x');
  std::vector<std::string> values;
  for (int i = 0; i < 20; ++i) values.push_back(big + std::to_string(i));
  for (int i = 0; i < 20; ++i) {
    Label l[] = {{"i", values[i]}};
    ASSERT_EQ(builder.add(Sample{"m", l, double(i), 1}), "");
  }
  builder.finish();
  EXPECT_GT(f.batches.size(), 3u);
  for (const auto& b : f.batches) EXPECT_LT(v1_bytes(b).size(), 700u);
}

TEST(Snappy, BlockFormatRoundTrip) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += "http_requests_total{code=\"200\"} " + std::to_string(i) + "\n";
  std::string compressed, back;
  snappy_compress(data, compressed);
  EXPECT_LT(compressed.size(), data.size() / 3);
  // Block format: starts with the varint of the uncompressed length, not the stream magic.
  EXPECT_NE(compressed.substr(0, 4), std::string("\xff\x06\x00\x00", 4));
  uint64_t length = 0;
  int shift = 0;
  for (unsigned char c : compressed) {
    length |= uint64_t(c & 0x7f) << shift;
    shift += 7;
    if (!(c & 0x80)) break;
  }
  EXPECT_EQ(length, data.size());
  snappy_uncompress(compressed, back);
  EXPECT_EQ(back, data);
  EXPECT_THROW(snappy_uncompress("\xff\x06\x00\x00sNaPpY", back), Error);
}

// One encoder serves both protocols in turn (the sender's fallback to 1.0): each request is the
// protocol's protobuf, and its body that protobuf compressed (for 1.0, straight from the body
// the batch holds in place).
TEST(RequestEncoder, BodyIsTheProtocolsProtobufCompressed) {
  Fixture f;
  f.options.max_series = 3;
  auto builder = f.builder();
  builder.type("m", model::MetricType::kGauge);
  std::vector<std::string> values;
  for (int i = 0; i < 7; ++i) values.push_back(std::to_string(i));
  for (int i = 0; i < 7; ++i) {
    Label l[] = {{"i", values[i]}};
    ASSERT_EQ(builder.add(Sample{"m", l, double(i), 1}), "");
  }
  builder.finish();
  ASSERT_EQ(f.batches.size(), 3u);
  RequestEncoder encoder;
  std::string back;
  for (const Batch& b : f.batches) {
    ASSERT_FALSE(b.v1_body().empty());
    for (Protocol protocol : {Protocol::kV2, Protocol::kV1, Protocol::kV2}) {
      const EncodedRequest request = encoder.encode(b, protocol);
      EXPECT_EQ(request.protobuf, protocol == Protocol::kV1 ? v1_bytes(b) : v2_bytes(b));
      snappy_uncompress(request.body, back);
      EXPECT_EQ(back, request.protobuf);
    }
  }
}

TEST(Headers, ExactValues) {
  EXPECT_EQ(content_type(Protocol::kV1), "application/x-protobuf");
  EXPECT_EQ(version_header(Protocol::kV1), "0.1.0");
  EXPECT_EQ(content_type(Protocol::kV2), "application/x-protobuf;proto=io.prometheus.write.v2.Request");
  EXPECT_EQ(version_header(Protocol::kV2), "2.0.0");
}

}  // namespace
}  // namespace promotel::remotewrite

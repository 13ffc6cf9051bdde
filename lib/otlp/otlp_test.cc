#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "common/error.h"
#include "common/input.h"
#include "otlp/base64.h"
#include "otlp/framing.h"
#include "otlp/gzip.h"
#include "otlp/json_decode.h"
#include "otlp/json_encode.h"

namespace promotel::otlp {
namespace {

using google::protobuf::util::MessageDifferencer;

const char* kData = "../shared/testdata/debug-exporter/input";

TEST(Base64, MatchesRfc4648) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(hex_encode("\x01\xab"), "01ab");
  EXPECT_EQ(hex_decode("01AB"), std::string("\x01\xab"));
  EXPECT_FALSE(hex_decode("0g"));
}

TEST(Json, DecodesIdsAsHexAndEncodesThemBack) {
  TracesRequest request;
  decode_json(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10",
      "spanId":"1112131415161718","parentSpanId":"","name":"x","kind":"SPAN_KIND_SERVER",
      "startTimeUnixNano":1581452772000000321}]}]}]})",
              request);
  const auto& span = request.resource_spans(0).scope_spans(0).spans(0);
  EXPECT_EQ(span.trace_id(), std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10", 16));
  EXPECT_EQ(span.span_id(), "\x11\x12\x13\x14\x15\x16\x17\x18");
  EXPECT_EQ(span.kind(), 2);
  EXPECT_EQ(span.start_time_unix_nano(), 1581452772000000321u);
  EXPECT_EQ(encode_json(request),
            R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10",)"
            R"("spanId":"1112131415161718","name":"x","kind":2,"startTimeUnixNano":"1581452772000000321"}]}]}]})");
}

TEST(Json, AcceptsSnakeCaseAndSpecialDoublesAndKeepsPresence) {
  MetricsRequest request;
  decode_json(R"({"resource_metrics":[{"scope_metrics":[{"metrics":[{"name":"h","histogram":{
      "data_points":[{"count":"3","sum":"NaN","min":0,"explicit_bounds":[1,"Infinity"]}],
      "aggregation_temporality":"AGGREGATION_TEMPORALITY_CUMULATIVE"}}]}]}],"unknown":1})",
              request);
  const auto& h = request.resource_metrics(0).scope_metrics(0).metrics(0).histogram();
  EXPECT_EQ(h.aggregation_temporality(), 2);
  const auto& p = h.data_points(0);
  EXPECT_EQ(p.count(), 3u);
  EXPECT_TRUE(p.has_sum());
  EXPECT_TRUE(std::isnan(p.sum()));
  EXPECT_TRUE(p.has_min());
  EXPECT_FALSE(p.has_max());
  EXPECT_TRUE(std::isinf(p.explicit_bounds(1)));
  std::string json = encode_json(request);
  EXPECT_NE(json.find(R"("sum":"NaN")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("min":0)"), std::string::npos) << json;
}

TEST(Json, EncodesInvalidUtf8AsReplacementCharacter) {
  LogsRequest request;
  auto* record = request.add_resource_logs()->add_scope_logs()->add_log_records();
  record->mutable_body()->set_string_value("a\xff\xc3\xa9\n\"");
  std::string json = encode_json(request);
  EXPECT_NE(json.find("\"stringValue\":\"a\\ufffd\xc3\xa9\\n\\\"\""), std::string::npos) << json;
  LogsRequest back;
  decode_json(json, back);
  EXPECT_EQ(back.resource_logs(0).scope_logs(0).log_records(0).body().string_value(),
            "a\xef\xbf\xbd\xc3\xa9\n\"");
}

TEST(Json, DirectWritersAgreeWithReflection) {
  int compared = 0;
  for (const char* dir : {"", "normal/"}) {
    for (const char* signal : {"metrics", "traces", "logs"}) {
      std::string root = std::string("../shared/testdata/debug-exporter/") + dir + "input/" + signal;
      for (const auto& entry : std::filesystem::directory_iterator(root)) {
        std::unique_ptr<google::protobuf::Message> request = new_request(*parse_signal(signal));
        decode_json(read_file(entry.path()), *request);
        EXPECT_EQ(encode_json(*request), internal::encode_json_reflective(*request)) << entry.path();
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, 36);

  // Every field of the directly written messages set at once.
  MetricsRequest all;
  auto* metric = all.add_resource_metrics()->add_scope_metrics()->add_metrics();
  auto fill_exemplar = [](opentelemetry::proto::metrics::v1::Exemplar* e, bool as_int) {
    e->set_time_unix_nano(7);
    as_int ? e->set_as_int(-3) : e->set_as_double(-0.5);
    e->set_span_id(std::string(8, '\x11'));
    e->set_trace_id(std::string(16, '\x22'));
    auto* kv = e->add_filtered_attributes();
    kv->set_key("k");
    kv->mutable_value()->set_bytes_value("\x01");
  };
  for (bool as_int : {false, true}) {
    auto* p = metric->mutable_sum()->add_data_points();
    p->set_start_time_unix_nano(1);
    p->set_time_unix_nano(~uint64_t{0});
    as_int ? p->set_as_int(INT64_MIN) : p->set_as_double(NAN);
    fill_exemplar(p->add_exemplars(), as_int);
    p->add_attributes()->set_key("empty");
    p->set_flags(1);
  }
  auto* h = all.mutable_resource_metrics(0)->mutable_scope_metrics(0)->add_metrics()->mutable_histogram();
  auto* hp = h->add_data_points();
  hp->set_start_time_unix_nano(1);
  hp->set_time_unix_nano(2);
  hp->set_count(3);
  hp->set_sum(-INFINITY);
  hp->add_bucket_counts(0);
  hp->add_bucket_counts(3);
  hp->add_explicit_bounds(1e300);
  fill_exemplar(hp->add_exemplars(), true);
  hp->add_attributes()->set_key("a");
  hp->set_flags(1);
  hp->set_min(0);
  hp->set_max(1e-300);
  h->add_data_points();  // all defaults
  EXPECT_EQ(encode_json(all), internal::encode_json_reflective(all));
  MetricsRequest back;
  decode_json(encode_json(all), back);
  EXPECT_EQ(back.SerializeAsString(), all.SerializeAsString());
}

TEST(Json, RejectsBadInputWithAMessage) {
  MetricsRequest request;
  EXPECT_THROW(decode_json("{\"resourceMetrics\": [", request), Error);
  TracesRequest traces;
  EXPECT_THROW(decode_json(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"abc"}]}]}]})", traces),
               Error);
}

TEST(Json, RejectsNestingDeeperThanProtobufAllows) {
  std::string deep = R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":)";
  std::string tail = "}]}]}]}";
  for (int i = 0; i < 200; ++i) {
    deep += R"({"kvlistValue":{"values":[{"key":"k","value":)";
    tail = "}]}}" + tail;
  }
  deep += "{}" + tail;
  LogsRequest request;
  EXPECT_THROW(decode_json(deep, request), Error);
}

TEST(Json, DetectsSignal) {
  EXPECT_EQ(detect_json_signal(R"( {"resourceLogs":[]})"), Signal::kLogs);
  EXPECT_EQ(detect_json_signal(R"({ "resource_spans":[]})"), Signal::kTraces);
  EXPECT_EQ(detect_json_signal(R"({})"), std::nullopt);
}

// Every reference input survives JSON → message → JSON → message, and protobuf framing.
TEST(Json, RoundTripsAllReferenceInputs) {
  int files = 0;
  for (const char* signal : {"metrics", "traces", "logs"}) {
    for (const auto& entry : std::filesystem::directory_iterator(std::string(kData) + "/" + signal)) {
      std::string text = read_file(entry.path());
      StringReader source(text, entry.path());
      RequestReader reader(source, {.signal = parse_signal(signal)});
      const auto* first = reader.next();
      ASSERT_NE(first, nullptr) << entry.path();
      EXPECT_EQ(std::string(signal_name(reader.signal())), signal) << entry.path();
      std::unique_ptr<google::protobuf::Message> copy(first->New());
      copy->CopyFrom(*first);
      EXPECT_EQ(reader.next(), nullptr);

      // A JSON line followed by a protobuf frame is not one encoding: read them separately.
      std::string json_line;
      append_frame(json_line, *copy, Format::kJson);
      StringReader json_source(json_line, "json");
      RequestReader json_reader(json_source, {.signal = reader.signal()});
      const auto* from_json = json_reader.next();
      ASSERT_NE(from_json, nullptr);
      EXPECT_TRUE(MessageDifferencer::Equals(*copy, *from_json)) << entry.path();

      std::string proto_frames;
      append_frame(proto_frames, *copy, Format::kProto);
      append_frame(proto_frames, *copy, Format::kProto);
      std::string compressed = gzip(proto_frames);
      StringReader proto_source(compressed, "proto");
      RequestReader proto_reader(proto_source, {.signal = reader.signal()});
      for (int i = 0; i < 2; ++i) {
        const auto* m = proto_reader.next();
        ASSERT_NE(m, nullptr);
        EXPECT_TRUE(MessageDifferencer::Equals(*copy, *m)) << entry.path();
      }
      EXPECT_EQ(proto_reader.next(), nullptr);
      ++files;
    }
  }
  EXPECT_EQ(files, 15);
}

TEST(Framing, DetectsSignalOfProtobufFrames) {
  for (const char* name : {"metrics/metrics_with_all_types", "traces/two_spans", "logs/two_records"}) {
    std::string text = read_file(std::string(kData) + "/" + name + ".json");
    StringReader source(text, name);
    RequestReader reader(source, {});
    const auto* request = reader.next();
    ASSERT_NE(request, nullptr);
    Signal expected = reader.signal();
    std::string framed;
    append_frame(framed, *request, Format::kProto);
    StringReader proto_source(framed, "p");
    RequestReader proto_reader(proto_source, {});
    ASSERT_NE(proto_reader.next(), nullptr);
    EXPECT_EQ(proto_reader.signal(), expected) << name;
    EXPECT_EQ(proto_reader.encoding(), InputEncoding::kProtoFramed);

    std::string bare = request->SerializeAsString();
    StringReader bare_source(bare, "b");
    RequestReader bare_reader(bare_source, {});
    ASSERT_NE(bare_reader.next(), nullptr);
    EXPECT_EQ(bare_reader.signal(), expected) << name;
    EXPECT_EQ(bare_reader.encoding(), InputEncoding::kProtoBare);
  }
}

TEST(Framing, ReadsPrettyAndLineJsonWithPositions) {
  std::string text = "{\"resourceMetrics\":[]}\n\n  {\n\"resourceLogs\": []\n}\n{\"resourceSpans\": [1]}\n";
  StringReader source(text, "in.json");
  RequestReader reader(source, {});
  ASSERT_NE(reader.next(), nullptr);
  EXPECT_EQ(reader.signal(), Signal::kMetrics);
  ASSERT_NE(reader.next(), nullptr);
  EXPECT_EQ(reader.signal(), Signal::kLogs);
  try {
    reader.next();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("in.json:6:1: invalid OTLP/JSON", 0), 0u) << e.what();
  }
}

TEST(Framing, ReportsTruncationAndWrongSignal) {
  MetricsRequest request;
  request.add_resource_metrics()->add_scope_metrics()->add_metrics()->set_name("m");
  std::string framed;
  append_frame(framed, request, Format::kProto);
  std::string truncated = framed.substr(0, framed.size() - 2);
  StringReader source(truncated, "t.pb");
  RequestReader reader(source, {});
  try {
    reader.next();
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("t.pb: message #1 at byte 0: truncated message"), std::string::npos)
        << e.what();
  }
  std::string json = "{\"resourceSpans\":[]}";
  StringReader json_source(json, "j");
  RequestReader wrong(json_source, {.signal = Signal::kMetrics});
  EXPECT_THROW(wrong.next(), Error);
}

TEST(Gzip, StreamsConcatenatedMembers) {
  std::string data = gzip("hello ") + gzip("world");
  StringReader source(data, "z");
  GzipReader reader(source);
  std::string out;
  char buf[3];
  while (size_t n = reader.read(buf, sizeof buf)) out.append(buf, n);
  EXPECT_EQ(out, "hello world");
  EXPECT_EQ(gunzip(data), "hello world");
  EXPECT_THROW(gunzip(data.substr(0, 10)), Error);
  EXPECT_THROW(gunzip(gzip(std::string(1000, 'a')), 100), Error);
}

}  // namespace
}  // namespace promotel::otlp

#include "otlp/filter.h"

namespace promotel::otlp {
namespace {

TEST(Filter, KeepsMatchingMetricsAndResources) {
  std::string text = read_file(std::string(kData) + "/metrics/metrics_with_all_types.json");
  MetricsRequest request;
  decode_json(text, request);
  RequestFilter by_name({.metric_name_regex = "^sum-", .resource_attributes = {}});
  ASSERT_TRUE(by_name.apply(request));
  const auto& metrics = request.resource_metrics(0).scope_metrics(0).metrics();
  ASSERT_EQ(metrics.size(), 2);
  EXPECT_EQ(metrics[0].name(), "sum-int");
  EXPECT_EQ(metrics[1].name(), "sum-double");
  RequestFilter none({.metric_name_regex = "nothing-matches", .resource_attributes = {}});
  EXPECT_FALSE(none.apply(request));

  decode_json(text, request);
  RequestFilter by_resource({.metric_name_regex = "", .resource_attributes = {{"resource-attr", "resource-attr-val-1"}}});
  EXPECT_TRUE(by_resource.apply(request));
  RequestFilter other_resource({.metric_name_regex = "", .resource_attributes = {{"resource-attr", "x"}}});
  EXPECT_FALSE(other_resource.apply(request));
  EXPECT_THROW(RequestFilter({.metric_name_regex = "(", .resource_attributes = {}}), Error);
  EXPECT_EQ(parse_key_value("a=b=c"), (std::pair<std::string, std::string>{"a", "b=c"}));
  EXPECT_THROW(parse_key_value("novalue"), Error);
}

}  // namespace
}  // namespace promotel::otlp

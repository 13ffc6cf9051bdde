#include <gtest/gtest.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "google/rpc/status.pb.h"
#include "common/error.h"
#include "otlp/gzip.h"
#include "otlp/json_encode.h"
#include "otlphttp/export_handler.h"
#include "otlphttp/receiver.h"

namespace promotel::otlphttp {
namespace {

otlp::MetricsRequest sample_metrics() {
  otlp::MetricsRequest r;
  auto* m = r.add_resource_metrics()->add_scope_metrics()->add_metrics();
  m->set_name("requests");
  m->mutable_gauge()->add_data_points()->set_as_int(7);
  return r;
}

struct Recorder {
  std::vector<std::string> names;
  RequestSink sink() {
    return [this](otlp::Signal, const google::protobuf::Message& m) {
      const auto& r = static_cast<const otlp::MetricsRequest&>(m);
      names.push_back(r.resource_metrics_size() > 0 && r.resource_metrics(0).scope_metrics_size() > 0 &&
                              r.resource_metrics(0).scope_metrics(0).metrics_size() > 0
                          ? r.resource_metrics(0).scope_metrics(0).metrics(0).name()
                          : "<empty>");
    };
  }
};

TEST(HandleExport, ProtobufAndJsonAndGzip) {
  Recorder rec;
  std::string proto = sample_metrics().SerializeAsString();
  HttpReply r = handle_export(otlp::Signal::kMetrics, "application/x-protobuf", "", proto, {}, rec.sink());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/x-protobuf");
  EXPECT_EQ(r.body, "");  // an empty ExportMetricsServiceResponse

  r = handle_export(otlp::Signal::kMetrics, "application/json; charset=utf-8", "",
                    otlp::encode_json(sample_metrics()), {}, rec.sink());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, "{}");

  r = handle_export(otlp::Signal::kMetrics, "application/x-protobuf", "gzip", otlp::gzip(proto), {}, rec.sink());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(rec.names, (std::vector<std::string>{"requests", "requests", "requests"}));
}

TEST(HandleExport, ErrorsGetTheRightStatus) {
  Recorder rec;
  HttpReply r = handle_export(otlp::Signal::kMetrics, "application/json", "", "{\"resourceMetrics\": [", {}, rec.sink());
  EXPECT_EQ(r.status, 400);
  google::rpc::Status status;
  EXPECT_NE(r.body.find("\"code\":3"), std::string::npos) << r.body;

  std::string proto = sample_metrics().SerializeAsString();
  r = handle_export(otlp::Signal::kMetrics, "application/x-protobuf", "", proto.substr(0, proto.size() - 3), {}, rec.sink());
  EXPECT_EQ(r.status, 400);
  ASSERT_TRUE(status.ParseFromString(r.body));
  EXPECT_EQ(status.code(), 3);
  EXPECT_NE(status.message().find("cannot decode"), std::string::npos);

  r = handle_export(otlp::Signal::kMetrics, "text/plain", "", proto, {}, rec.sink());
  EXPECT_EQ(r.status, 415);

  r = handle_export(otlp::Signal::kMetrics, "application/x-protobuf", "", proto, {.max_body_size = 4}, rec.sink());
  EXPECT_EQ(r.status, 413);
  r = handle_export(otlp::Signal::kMetrics, "application/x-protobuf", "", otlp::gzip(std::string(10000, '\0')),
                    {.max_body_size = 1000}, rec.sink());
  EXPECT_EQ(r.status, 413);

  r = handle_export(otlp::Signal::kTraces, "application/json", "", otlp::encode_json(sample_metrics()), {}, rec.sink());
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("wrong signal"), std::string::npos) << r.body;
  EXPECT_TRUE(rec.names.empty());
}

TEST(Receiver, ServesOverHttpOnLoopback) {
  Recorder rec;
  ReceiverOptions options;
  options.port = 0;
  options.max_body_size = 1 << 16;
  Receiver receiver(options, rec.sink());
  receiver.bind();
  std::thread server([&] { receiver.run(); });
  httplib::Client client("127.0.0.1", receiver.port());
  std::string proto = sample_metrics().SerializeAsString();
  auto res = client.Post("/v1/metrics", proto, "application/x-protobuf");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  httplib::Headers gzip_header{{"Content-Encoding", "gzip"}};
  res = client.Post("/v1/metrics", gzip_header, otlp::gzip(proto), "application/x-protobuf");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  res = client.Post("/v1/metrics", std::string(1 << 17, 'x'), "application/x-protobuf");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  res = client.Post("/v1/metrics", gzip_header, otlp::gzip(std::string(1 << 20, '\0')), "application/x-protobuf");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  res = client.Post("/v1/metrics", "garbage", "application/x-protobuf");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  res = client.Get("/v1/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  receiver.stop();
  server.join();
  EXPECT_EQ(rec.names.size(), 2u);
}

}  // namespace
}  // namespace promotel::otlphttp

namespace promotel::otlphttp {
namespace {

// With one worker, a client that holds its connection open does not stop others for ever:
// they wait and are served once the read timeout frees the worker.
TEST(Receiver, BoundedConnectionsStillServeEveryone) {
  Recorder rec;
  ReceiverOptions options;
  options.port = 0;
  options.max_connections = 1;
  options.read_timeout_seconds = 1;
  Receiver receiver(options, rec.sink());
  receiver.bind();
  std::thread server([&] { receiver.run(); });
  httplib::Client idle("127.0.0.1", receiver.port());
  // A silent connection occupying the only worker until its read timeout.
  int silent = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(receiver.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(silent, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&] {
      httplib::Client c("127.0.0.1", receiver.port());
      c.set_read_timeout(20, 0);
      auto res = c.Post("/v1/metrics", sample_metrics().SerializeAsString(), "application/x-protobuf");
      if (res && res->status == 200) ++ok;
    });
  }
  for (auto& t : clients) t.join();
  ::close(silent);
  receiver.stop();
  server.join();
  EXPECT_EQ(ok.load(), 4);
}

}  // namespace
}  // namespace promotel::otlphttp

#include "otlpgrpc/grpc_receiver.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <future>

#include "common/error.h"
#include "common/input.h"

namespace promotel::otlpgrpc {
namespace {

grpc::Status call(int port, const std::string& method, const std::string& body, std::string* reply,
                  bool gzip = false, const std::string& authorization = "",
                  const std::string& ca_pem = "") {
  std::shared_ptr<grpc::Channel> channel;
  if (ca_pem.empty()) {
    channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  } else {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ca_pem;
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("listener.test");
    channel = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port), grpc::SslCredentials(ssl), args);
  }
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  if (gzip) context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
  if (!authorization.empty()) context.AddMetadata("authorization", authorization);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  grpc::Slice slice(body);
  grpc::ByteBuffer request(&slice, 1), response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) { done.set_value(s); });
  grpc::Status status = done.get_future().get();
  std::vector<grpc::Slice> slices;
  reply->clear();
  if (status.ok() && response.Dump(&slices).ok())
    for (const auto& s : slices) reply->append(reinterpret_cast<const char*>(s.begin()), s.size());
  return status;
}

TEST(GrpcReceiver, ExportsMetricsTracesAndLogs) {
  std::vector<std::string> seen;
  GrpcReceiver receiver({.port = 0, .max_message_size = 1 << 16},
                        [&](otlp::Signal signal, const google::protobuf::Message& m) {
                          seen.push_back(std::string(otlp::signal_name(signal)) + ":" + m.GetTypeName());
                        });
  receiver.start();
  ASSERT_GT(receiver.port(), 0);
  otlp::MetricsRequest metrics;
  metrics.add_resource_metrics()->add_scope_metrics()->add_metrics()->set_name("m");
  otlp::TracesRequest traces;
  traces.add_resource_spans()->add_scope_spans()->add_spans()->set_name("s");
  std::string reply;
  EXPECT_TRUE(call(receiver.port(), "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
                   metrics.SerializeAsString(), &reply, true).ok());
  EXPECT_EQ(reply, "");
  EXPECT_TRUE(call(receiver.port(), "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
                   traces.SerializeAsString(), &reply).ok());
  EXPECT_EQ(call(receiver.port(), "/opentelemetry.proto.collector.logs.v1.LogsService/Export", "\xff\xff", &reply)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(call(receiver.port(), "/x.Y/Export", "", &reply).error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(call(receiver.port(), "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
                 std::string(1 << 17, '\0'), &reply).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  receiver.stop();
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "metrics:opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest",
                      "traces:opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest"}));
}

TEST(GrpcReceiver, BearerTokenRequiredAndNeverEchoed) {
  int delivered = 0;
  GrpcReceiver receiver({.port = 0, .bearer_token = "grpc-tok"},
                        [&](otlp::Signal, const google::protobuf::Message&) { ++delivered; });
  receiver.start();
  otlp::MetricsRequest metrics;
  metrics.add_resource_metrics()->add_scope_metrics()->add_metrics()->set_name("m");
  const std::string method = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";
  std::string reply;
  grpc::Status none = call(receiver.port(), method, metrics.SerializeAsString(), &reply);
  EXPECT_EQ(none.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  grpc::Status wrong = call(receiver.port(), method, metrics.SerializeAsString(), &reply, false, "Bearer grpc-toX");
  EXPECT_EQ(wrong.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(wrong.error_message().find("grpc-to"), std::string::npos) << wrong.error_message();
  EXPECT_TRUE(call(receiver.port(), method, metrics.SerializeAsString(), &reply, false, "Bearer grpc-tok").ok());
  receiver.stop();
  EXPECT_EQ(delivered, 1);
}

// A self-signed certificate made with the openssl CLI: TLS with the right CA and token works,
// a plaintext client gets nowhere.
TEST(GrpcReceiver, TlsWithBearerToken) {
  std::string dir = ::testing::TempDir() + "/grpc_receiver_tls";
  std::string cert = dir + "/cert.pem", key = dir + "/key.pem";
  std::string command = "mkdir -p " + dir + " && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout " + key +
                        " -out " + cert + " -subj /CN=listener.test -addext subjectAltName=DNS:listener.test " +
                        ">/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  int delivered = 0;
  GrpcReceiver receiver({.port = 0, .tls_cert_file = cert, .tls_key_file = key, .bearer_token = "grpc-tok"},
                        [&](otlp::Signal, const google::protobuf::Message&) { ++delivered; });
  receiver.start();
  otlp::MetricsRequest metrics;
  metrics.add_resource_metrics()->add_scope_metrics()->add_metrics()->set_name("m");
  const std::string method = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";
  std::string ca = read_file(cert), reply;
  EXPECT_TRUE(call(receiver.port(), method, metrics.SerializeAsString(), &reply, false, "Bearer grpc-tok", ca).ok());
  EXPECT_EQ(call(receiver.port(), method, metrics.SerializeAsString(), &reply, false, "", ca).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_FALSE(call(receiver.port(), method, metrics.SerializeAsString(), &reply, false, "Bearer grpc-tok").ok());
  receiver.stop();
  EXPECT_EQ(delivered, 1);
}

TEST(GrpcReceiver, UnreadableTlsFilesAreAnError) {
  GrpcReceiver receiver({.port = 0, .tls_cert_file = "/nonexistent/cert.pem", .tls_key_file = "/nonexistent/key.pem"},
                        [](otlp::Signal, const google::protobuf::Message&) {});
  EXPECT_THROW(receiver.start(), Error);
}

}  // namespace
}  // namespace promotel::otlpgrpc

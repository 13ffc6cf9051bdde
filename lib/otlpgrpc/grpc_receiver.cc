#include "otlpgrpc/grpc_receiver.h"

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>

#include <mutex>
#include <optional>

#include "common/error.h"
#include "common/input.h"
#include "listener/bearer_auth.h"

namespace promotel::otlpgrpc {

namespace {

std::optional<otlp::Signal> signal_of_method(const std::string& method) {
  if (method == "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export") return otlp::Signal::kMetrics;
  if (method == "/opentelemetry.proto.collector.trace.v1.TraceService/Export") return otlp::Signal::kTraces;
  if (method == "/opentelemetry.proto.collector.logs.v1.LogsService/Export") return otlp::Signal::kLogs;
  return std::nullopt;
}

// One unary Export call: read the request message, hand it over, answer.
class ExportReactor : public grpc::ServerGenericBidiReactor {
 public:
  ExportReactor(grpc::GenericCallbackServerContext* context, const RequestSink& sink,
                const listener::BearerAuth& auth)
      : signal_(signal_of_method(context->method())), sink_(sink) {
    if (auth.enabled() && !auth.allows(authorization(*context))) {
      Finish(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "missing or wrong bearer token"));
      return;
    }
    if (!signal_) {
      Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "unknown method " + context->method()));
      return;
    }
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request message"));
      return;
    }
    std::vector<grpc::Slice> slices;
    std::string bytes;
    if (request_.Dump(&slices).ok()) {
      for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    auto message = otlp::new_request(*signal_);
    if (!message->ParseFromString(bytes)) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "cannot decode the OTLP " + std::string(otlp::signal_name(*signal_)) +
                              " protobuf request"));
      return;
    }
    try {
      sink_(*signal_, *message);
    } catch (const std::exception& e) {
      Finish(grpc::Status(grpc::StatusCode::INTERNAL, e.what()));
      return;
    }
    std::string reply = otlp::new_response(*signal_)->SerializeAsString();
    grpc::Slice slice(reply);
    response_ = grpc::ByteBuffer(&slice, 1);
    StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
  }

  void OnDone() override { delete this; }

  static std::string_view authorization(const grpc::GenericCallbackServerContext& context) {
    const auto& metadata = context.client_metadata();
    auto it = metadata.find("authorization");
    return it == metadata.end() ? std::string_view() : std::string_view(it->second.data(), it->second.size());
  }

 private:
  std::optional<otlp::Signal> signal_;
  const RequestSink& sink_;
  grpc::ByteBuffer request_, response_;
};

class ExportService : public grpc::CallbackGenericService {
 public:
  ExportService(const RequestSink& sink, const listener::BearerAuth& auth) : sink_(sink), auth_(auth) {}
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* context) override {
    return new ExportReactor(context, sink_, auth_);
  }

 private:
  const RequestSink& sink_;
  const listener::BearerAuth& auth_;
};

std::shared_ptr<grpc::ServerCredentials> credentials(const GrpcReceiverOptions& o) {
  if (o.tls_cert_file.empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions ssl;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  try {
    pair.cert_chain = read_file(o.tls_cert_file);
    pair.private_key = read_file(o.tls_key_file);
  } catch (const Error&) {
    throw Error("cannot read the TLS certificate " + o.tls_cert_file + " or key " + o.tls_key_file);
  }
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  return grpc::SslServerCredentials(ssl);
}

}  // namespace

struct GrpcReceiver::Impl {
  GrpcReceiverOptions options;
  RequestSink sink;
  RequestSink serialized;
  std::mutex mutex;
  listener::BearerAuth auth;
  std::unique_ptr<ExportService> service;
  std::unique_ptr<grpc::Server> server;
};

GrpcReceiver::GrpcReceiver(GrpcReceiverOptions options, RequestSink sink)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->sink = std::move(sink);
  Impl* impl = impl_.get();
  impl_->serialized = [impl](otlp::Signal signal, const google::protobuf::Message& request) {
    std::lock_guard<std::mutex> lock(impl->mutex);
    impl->sink(signal, request);
  };
  if (!impl_->options.bearer_token.empty()) impl_->auth = listener::BearerAuth(impl_->options.bearer_token);
  impl_->service = std::make_unique<ExportService>(impl_->serialized, impl_->auth);
}

GrpcReceiver::~GrpcReceiver() { stop(); }

void GrpcReceiver::start() {
  grpc::ServerBuilder builder;
  std::string address = impl_->options.host + ":" + std::to_string(impl_->options.port);
  builder.AddListeningPort(address, credentials(impl_->options), &port_);
  builder.SetMaxReceiveMessageSize(static_cast<int>(impl_->options.max_message_size));
  builder.RegisterCallbackGenericService(impl_->service.get());
  impl_->server = builder.BuildAndStart();
  if (!impl_->server || port_ == 0) {
    impl_->server.reset();
    throw Error("cannot listen for OTLP/gRPC on " + address);
  }
}

void GrpcReceiver::stop() {
  if (impl_->server) {
    impl_->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    impl_->server->Wait();
    impl_->server.reset();
  }
}

}  // namespace promotel::otlpgrpc

#include "otlpgrpc/grpc_receiver.h"

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>

#include <mutex>
#include <optional>

#include "common/error.h"

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
  ExportReactor(grpc::GenericCallbackServerContext* context, const RequestSink& sink)
      : signal_(signal_of_method(context->method())), sink_(sink) {
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

 private:
  std::optional<otlp::Signal> signal_;
  const RequestSink& sink_;
  grpc::ByteBuffer request_, response_;
};

class ExportService : public grpc::CallbackGenericService {
 public:
  explicit ExportService(const RequestSink& sink) : sink_(sink) {}
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* context) override {
    return new ExportReactor(context, sink_);
  }

 private:
  const RequestSink& sink_;
};

}  // namespace

struct GrpcReceiver::Impl {
  GrpcReceiverOptions options;
  RequestSink sink;
  RequestSink serialized;
  std::mutex mutex;
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
  impl_->service = std::make_unique<ExportService>(impl_->serialized);
}

GrpcReceiver::~GrpcReceiver() { stop(); }

void GrpcReceiver::start() {
  grpc::ServerBuilder builder;
  std::string address = impl_->options.host + ":" + std::to_string(impl_->options.port);
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port_);
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

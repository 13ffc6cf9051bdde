#include "otlphttp/receiver.h"

#include <httplib.h>

#include <mutex>

#include "listener/http_listener.h"

namespace promotel::otlphttp {

struct Receiver::Impl {
  explicit Impl(const ReceiverOptions& options) : listener(options) {}
  listener::HttpListener listener;
  ExportLimits limits;
  RequestSink sink;
  std::mutex sink_mutex;
};

Receiver::Receiver(ReceiverOptions options, RequestSink sink) : impl_(std::make_unique<Impl>(options)) {
  impl_->limits.max_body_size = options.max_body_size;
  impl_->sink = std::move(sink);
  Impl* impl = impl_.get();
  auto& server = impl->listener.server();

  RequestSink serialized = [impl](otlp::Signal signal, const google::protobuf::Message& request) {
    std::lock_guard<std::mutex> lock(impl->sink_mutex);
    impl->sink(signal, request);
  };
  for (otlp::Signal signal : {otlp::Signal::kMetrics, otlp::Signal::kTraces, otlp::Signal::kLogs}) {
    std::string path = "/v1/" + std::string(otlp::signal_name(signal));
    server.Post(path, [impl, signal, serialized](const httplib::Request& req, httplib::Response& res,
                                                 const httplib::ContentReader& content) {
      // httplib inflates a gzip Content-Encoding while reading; the size limit is enforced on
      // the inflated bytes as they arrive (a small compressed body can expand enormously).
      size_t limit = impl->limits.max_body_size;
      std::string body;
      bool too_big = false;
      content([&](const char* data, size_t size) {
        if (body.size() + size > limit) {
          too_big = true;
          return false;
        }
        body.append(data, size);
        return true;
      });
      HttpReply reply;
      if (too_big) {
        reply = {413, "text/plain", "413 request body larger than " + std::to_string(limit) + " bytes"};
      } else {
        reply = handle_export(signal, req.get_header_value("Content-Type"), "", body,
                              impl->limits, serialized);
      }
      res.status = reply.status;
      res.set_content(reply.body, reply.content_type.c_str());
    });
  }
}

Receiver::~Receiver() = default;

void Receiver::bind() { impl_->listener.bind(); }

int Receiver::port() const { return impl_->listener.port(); }

std::string Receiver::url() const { return impl_->listener.url(); }

bool Receiver::run() { return impl_->listener.run(); }

void Receiver::stop() { impl_->listener.stop(); }

}  // namespace promotel::otlphttp

#include "otlphttp/receiver.h"

#include <httplib.h>
#include <sys/socket.h>

#include <mutex>

#include "common/error.h"

namespace promotel::otlphttp {

struct Receiver::Impl {
  ReceiverOptions options;
  RequestSink sink;
  std::mutex sink_mutex;
  httplib::Server server;
  int listen_fd = -1;
};

Receiver::Receiver(ReceiverOptions options, RequestSink sink) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->sink = std::move(sink);
  Impl* impl = impl_.get();
  auto& server = impl->server;
  server.set_read_timeout(impl->options.read_timeout_seconds, 0);
  server.set_write_timeout(impl->options.read_timeout_seconds, 0);
  server.set_keep_alive_timeout(5);
  int threads = std::max(1, impl->options.max_connections);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // Not httplib's default options: SO_REUSEPORT would let a second process bind the same port
  // and take a share of the requests. Keeping the fd lets bind() raise the backlog.
  server.set_socket_options([impl](socket_t fd) {
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    impl->listen_fd = fd;
  });

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
      size_t limit = impl->options.limits.max_body_size;
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
                              impl->options.limits, serialized);
      }
      res.status = reply.status;
      res.set_content(reply.body, reply.content_type.c_str());
    });
  }
}

Receiver::~Receiver() = default;

void Receiver::bind() {
  auto& o = impl_->options;
  if (o.port == 0) {
    port_ = impl_->server.bind_to_any_port(o.host);
    if (port_ < 0) throw Error("cannot listen on " + o.host + ": bind failed");
  } else {
    if (!impl_->server.bind_to_port(o.host, o.port))
      throw Error("cannot listen on " + o.host + ":" + std::to_string(o.port) +
                  ": address in use or not available");
    port_ = o.port;
  }
  // libcpp-httplib listens with a backlog of 5: a burst of connections beyond what the workers
  // take at once overflowed it, and the kernel reset them. Listening again raises the backlog.
  if (impl_->listen_fd >= 0) ::listen(impl_->listen_fd, SOMAXCONN);
}

bool Receiver::run() { return impl_->server.listen_after_bind(); }

void Receiver::stop() { impl_->server.stop(); }

void parse_listen_address(const std::string& text, std::string& host, int& port) {
  std::string port_text = text;
  host = "127.0.0.1";
  if (size_t colon = text.rfind(':'); colon != std::string::npos) {
    if (colon > 0) host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  try {
    size_t used = 0;
    port = std::stoi(port_text, &used);
    if (used != port_text.size() || port < 0 || port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    throw Error("invalid listen address '" + text + "': want host:port");
  }
}

}  // namespace promotel::otlphttp

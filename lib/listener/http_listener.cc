#include "listener/http_listener.h"

#include <httplib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "common/error.h"
#include "listener/bearer_auth.h"

namespace promotel::listener {

namespace {

// Serves at most `workers` connections at once and lets at most as many more wait; beyond
// that the accepting thread blocks, so further clients wait in the kernel's listen backlog
// instead of piling up file descriptors and memory here.
class BoundedPool : public httplib::TaskQueue {
 public:
  explicit BoundedPool(size_t workers) : max_waiting_(workers) {
    for (size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
  }
  ~BoundedPool() override = default;

  void enqueue(std::function<void()> job) override {
    std::unique_lock<std::mutex> lock(mutex_);
    room_.wait(lock, [&] { return jobs_.size() < max_waiting_ || shutdown_; });
    jobs_.push_back(std::move(job));
    ready_.notify_one();
  }

  void shutdown() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      shutdown_ = true;
    }
    ready_.notify_all();
    room_.notify_all();
    for (auto& t : threads_) t.join();
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [&] { return !jobs_.empty() || shutdown_; });
        if (jobs_.empty()) return;  // shut down and drained
        job = std::move(jobs_.front());
        jobs_.pop_front();
        room_.notify_one();
      }
      job();
    }
  }

  size_t max_waiting_;
  std::vector<std::thread> threads_;
  std::deque<std::function<void()>> jobs_;
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  bool shutdown_ = false;
};

void require_readable(const std::string& flag, const std::string& path) {
  if (::access(path.c_str(), R_OK) != 0) throw Error("cannot read " + flag + " " + path);
}

std::unique_ptr<httplib::Server> make_server(const ListenerOptions& o) {
  if (!o.tls()) return std::make_unique<httplib::Server>();
  require_readable("--tls-cert-file", o.tls_cert_file);
  require_readable("--tls-key-file", o.tls_key_file);
  auto server = std::make_unique<httplib::SSLServer>(o.tls_cert_file.c_str(), o.tls_key_file.c_str());
  if (!server->is_valid())
    throw Error("cannot use the TLS certificate " + o.tls_cert_file + " with the key " + o.tls_key_file +
                " (not PEM, or they do not match)");
  return server;
}

}  // namespace

struct HttpListener::Impl {
  ListenerOptions options;
  BearerAuth auth;
  std::unique_ptr<httplib::Server> server;
  int listen_fd = -1;
};

HttpListener::HttpListener(const ListenerOptions& options) : impl_(std::make_unique<Impl>()) {
  Impl* impl = impl_.get();
  impl->options = options;
  if (std::string token = resolve_bearer_token(options); !token.empty()) impl->auth = BearerAuth(token);
  impl->server = make_server(options);
  httplib::Server& server = *impl->server;
  server.set_read_timeout(options.read_timeout_seconds, 0);
  server.set_write_timeout(options.write_timeout_seconds, 0);
  // httplib waits this long for a (first or next) request on a connection: a silent client
  // must not hold a worker longer than the read timeout.
  server.set_keep_alive_timeout(std::min(5, options.read_timeout_seconds));
  int threads = std::max(1, options.max_connections);
  server.new_task_queue = [threads] { return new BoundedPool(static_cast<size_t>(threads)); };
  // Not httplib's default options: SO_REUSEPORT would let a second process bind the same port
  // and take a share of the requests. Keeping the fd lets bind() raise the backlog.
  server.set_socket_options([impl](socket_t fd) {
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    impl->listen_fd = fd;
  });
  if (impl->auth.enabled()) {
    server.set_pre_routing_handler([impl](const httplib::Request& req, httplib::Response& res) {
      if (impl->auth.allows(req.get_header_value("Authorization"))) return httplib::Server::HandlerResponse::Unhandled;
      res.status = 401;
      res.set_header("WWW-Authenticate", kWwwAuthenticate);
      // The body is not read: the connection cannot carry another request.
      res.set_header("Connection", "close");
      res.set_content(kUnauthorizedBody, "text/plain");
      return httplib::Server::HandlerResponse::Handled;
    });
  }
}

HttpListener::~HttpListener() = default;

httplib::Server& HttpListener::server() { return *impl_->server; }

int HttpListener::bind() {
  const ListenerOptions& o = impl_->options;
  if (o.port == 0) {
    port_ = impl_->server->bind_to_any_port(o.host);
    if (port_ < 0) throw Error("cannot listen on " + o.host + ": bind failed");
  } else {
    if (!impl_->server->bind_to_port(o.host, o.port))
      throw Error("cannot listen on " + o.host + ":" + std::to_string(o.port) +
                  ": address in use or not available");
    port_ = o.port;
  }
  // libcpp-httplib listens with a backlog of 5: a burst of connections beyond what the workers
  // take at once overflowed it, and the kernel reset them. Listening again raises the backlog.
  if (impl_->listen_fd >= 0) ::listen(impl_->listen_fd, SOMAXCONN);
  return port_;
}

std::string HttpListener::url() const {
  const std::string& host = impl_->options.host;
  std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return (impl_->options.tls() ? "https://" : "http://") + shown + ":" + std::to_string(port_);
}

bool HttpListener::run() { return impl_->server->listen_after_bind(); }

void HttpListener::stop() { impl_->server->stop(); }

}  // namespace promotel::listener

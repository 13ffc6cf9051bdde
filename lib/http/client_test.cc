#include "http/client.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "common/error.h"

namespace promotel::http {
namespace {

TEST(ParseDuration, PrometheusAndPlainSeconds) {
  EXPECT_DOUBLE_EQ(parse_duration("15s").count(), 15);
  EXPECT_DOUBLE_EQ(parse_duration("1m30s").count(), 90);
  EXPECT_DOUBLE_EQ(parse_duration("500ms").count(), 0.5);
  EXPECT_DOUBLE_EQ(parse_duration("2h").count(), 7200);
  EXPECT_DOUBLE_EQ(parse_duration("1d").count(), 86400);
  EXPECT_DOUBLE_EQ(parse_duration("2.5").count(), 2.5);
  EXPECT_THROW(parse_duration(""), Error);
  EXPECT_THROW(parse_duration("10x"), Error);
  EXPECT_THROW(parse_duration("30s1m"), Error);
  EXPECT_THROW(parse_duration("-1s"), Error);
}

TEST(RetryAfter, SecondsAndDates) {
  EXPECT_DOUBLE_EQ(parse_retry_after("7")->count(), 7);
  EXPECT_FALSE(parse_retry_after("").has_value());
  EXPECT_FALSE(parse_retry_after("soon").has_value());
  auto past = parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT");
  ASSERT_TRUE(past.has_value());
  EXPECT_DOUBLE_EQ(past->count(), 0);
}

TEST(Backoff, DoublesUpToTheCap) {
  Backoff b;
  EXPECT_DOUBLE_EQ(b.wait_before(0).count(), 0.03);
  EXPECT_DOUBLE_EQ(b.wait_before(1).count(), 0.06);
  EXPECT_DOUBLE_EQ(b.wait_before(20).count(), 5);
}

// A one-shot HTTP server on 127.0.0.1 that records the request and sends a canned response.
class OneShotServer {
 public:
  explicit OneShotServer(std::string response) : response_(std::move(response)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(fd_, 1);
    thread_ = std::thread([this] {
      int c = accept(fd_, nullptr, nullptr);
      char buf[65536];
      std::string req;
      while (req.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0) break;
        req.append(buf, n);
      }
      request_ = req;
      (void)!write(c, response_.data(), response_.size());
      close(c);
    });
  }
  ~OneShotServer() {
    thread_.join();
    close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/metrics"; }
  const std::string& request() const { return request_; }

 private:
  int fd_;
  int port_;
  std::string response_;
  std::string request_;
  std::thread thread_;
};

TEST(Perform, SendsAuthAndHeadersAndReadsTheResponse) {
  Response r;
  std::string seen;
  {
    OneShotServer server(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: 4\r\n"
        "Connection: close\r\n\r\na 1\n");
    ClientOptions options;
    options.headers = {"X-Test: yes"};
    options.bearer_token = "s3cret";
    Request req;
    req.url = server.url();
    r = perform(req, options);
    seen = server.request();
  }
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "a 1\n");
  EXPECT_EQ(r.header("content-type"), "text/plain; version=0.0.4");
  EXPECT_NE(seen.find("X-Test: yes"), std::string::npos);
  EXPECT_NE(seen.find("Authorization: Bearer s3cret"), std::string::npos);
  EXPECT_NE(seen.find("Accept-Encoding: gzip"), std::string::npos);
}

TEST(Perform, BodyLimitIsAnError) {
  OneShotServer server(
      "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\n0123456789");
  Request req;
  req.url = server.url();
  req.max_body_bytes = 4;
  Response r = perform(req, ClientOptions{});
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("larger than 4 bytes"), std::string::npos);
}

TEST(Perform, ConnectionRefusedIsReportedNotThrown) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);  // nothing listens there now
  Request req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  Response r = perform(req, ClientOptions{});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.error.empty());
}

}  // namespace
}  // namespace promotel::http

namespace promotel::http {
namespace {

TEST(ClientOptions, HeaderTakesOneValueSoAPositionalMayFollow) {
  CLI::App app;
  ClientOptions options;
  add_client_options(app, options);
  std::string url;
  app.add_option("url", url)->required();
  const char* argv[] = {"tool", "-H", "X-A: 1", "-H", "X-B: 2", "http://127.0.0.1:9/x"};
  app.parse(6, const_cast<char**>(argv));
  EXPECT_EQ(options.headers, (std::vector<std::string>{"X-A: 1", "X-B: 2"}));
  EXPECT_EQ(url, "http://127.0.0.1:9/x");
}

}  // namespace
}  // namespace promotel::http

namespace promotel::http {
namespace {

TEST(HeaderIs, ComparesTheNameWithoutCaseAndNeedsTheColon) {
  EXPECT_TRUE(header_is("Accept: text/plain", "Accept"));
  EXPECT_TRUE(header_is("aCCEPT:x", "Accept"));
  EXPECT_TRUE(header_is("authorization: Bearer t", "Authorization"));
  EXPECT_FALSE(header_is("Accept-Encoding: gzip", "Accept"));
  EXPECT_FALSE(header_is("Accept", "Accept"));
  EXPECT_FALSE(header_is("X-Accept: 1", "Accept"));
}

}  // namespace
}  // namespace promotel::http

#include "http/multi.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace promotel::http {
namespace {

// A minimal HTTP/1.1 server on 127.0.0.1 (one thread per connection, keep-alive):
// /n/<k> answers "body <k> <Accept>", /slow answers after 1.5 s, /fail answers 503.
class TestServer {
 public:
  TestServer() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(listener_, 64);
    socklen_t len = sizeof addr;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        int fd = accept(listener_, nullptr, nullptr);
        if (fd < 0) return;
        std::thread(serve, fd).detach();
      }
    });
  }
  ~TestServer() {
    shutdown(listener_, SHUT_RDWR);
    close(listener_);
    thread_.join();
  }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

 private:
  static void serve(int fd) {
    std::string buffer;
    char chunk[4096];
    for (;;) {
      size_t end;
      while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n <= 0) {
          close(fd);
          return;
        }
        buffer.append(chunk, n);
      }
      std::string head = buffer.substr(0, end);
      buffer.erase(0, end + 4);
      std::string path = head.substr(4, head.find(' ', 4) - 4);
      std::string accept;
      if (auto a = head.find("\r\nAccept: "); a != std::string::npos) {
        accept = head.substr(a + 10, head.find("\r\n", a + 10) - a - 10);
      }
      std::string status = "200 OK", body;
      if (path.rfind("/n/", 0) == 0) {
        body = "body " + path.substr(3) + " " + accept;
      } else if (path == "/slow") {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        body = "late";
      } else {
        status = "503 Service Unavailable";
      }
      std::string response = "HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n" + body;
      if (write(fd, response.data(), response.size()) < 0) break;
    }
    close(fd);
  }

  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
};

TEST(MultiRunnerTest, RunsEveryRequestOnce) {
  TestServer server;
  ClientOptions options;
  MultiRunner runner(options, 4);
  std::vector<Request> requests;
  for (int i = 0; i < 40; ++i) {
    Request r;
    r.url = server.url("/n/" + std::to_string(i));
    r.headers.push_back("Accept: text/x-" + std::to_string(i));
    requests.push_back(r);
  }
  for (int round = 0; round < 2; ++round) {  // the same runner again: handles are reused
    std::set<size_t> seen;
    runner.run(requests, [&](size_t index, Response& response, std::chrono::system_clock::time_point) {
      EXPECT_TRUE(response.ok()) << response.error;
      EXPECT_EQ(response.body, "body " + std::to_string(index) + " text/x-" + std::to_string(index));
      EXPECT_EQ(response.header("content-type"), "text/plain");
      seen.insert(index);
    });
    EXPECT_EQ(seen.size(), requests.size());
  }
}

TEST(MultiRunnerTest, FailuresStayPerRequest) {
  TestServer server;
  ClientOptions options;
  options.timeout_seconds = 0.5;
  MultiRunner runner(options, 8);
  std::vector<Request> requests(4);
  requests[0].url = server.url("/slow");
  requests[1].url = server.url("/fail");
  requests[2].url = "http://127.0.0.1:1/metrics";
  requests[3].url = server.url("/n/7");
  std::vector<Response> got(4);
  runner.run(requests, [&](size_t index, Response& response, std::chrono::system_clock::time_point) {
    got[index] = response;
  });
  EXPECT_NE(got[0].error.find("timeout"), std::string::npos) << got[0].error;
  EXPECT_EQ(got[1].status, 503);
  EXPECT_TRUE(got[1].error.empty());
  EXPECT_FALSE(got[2].error.empty());
  EXPECT_TRUE(got[3].ok());
}

}  // namespace
}  // namespace promotel::http

#include "listener/http_listener.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <thread>

#include "common/error.h"
#include "listener/bearer_auth.h"

namespace promotel::listener {
namespace {

// Serves GET /hello and POST /echo on a free loopback port for the test's lifetime.
struct Running {
  explicit Running(const ListenerOptions& options) : listener(options) {
    listener.server().Get("/hello", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("hello", "text/plain");
    });
    listener.server().Post("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.body, "text/plain");
    });
    listener.bind();
    thread = std::thread([this] { listener.run(); });
  }
  ~Running() {
    listener.stop();
    thread.join();
  }
  HttpListener listener;
  std::thread thread;
};

ListenerOptions loopback() {
  ListenerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  return o;
}

TEST(HttpListener, PlainByDefaultOnLoopback) {
  Running r(loopback());
  EXPECT_EQ(r.listener.url(), "http://127.0.0.1:" + std::to_string(r.listener.port()));
  httplib::Client client("127.0.0.1", r.listener.port());
  auto res = client.Get("/hello");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "hello");
}

TEST(HttpListener, BearerTokenRequired) {
  ListenerOptions o = loopback();
  o.bearer_token = "tok-abc";
  Running r(o);
  httplib::Client client("127.0.0.1", r.listener.port());

  auto none = client.Get("/hello");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(none->get_header_value("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(none->body, kUnauthorizedBody);

  auto wrong = client.Post("/echo", {{"Authorization", "Bearer tok-abd"}}, "payload", "text/plain");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(wrong->body.find("tok-ab"), std::string::npos);

  httplib::Client again("127.0.0.1", r.listener.port());
  auto right = again.Post("/echo", {{"Authorization", "Bearer tok-abc"}}, "payload", "text/plain");
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 200);
  EXPECT_EQ(right->body, "payload");
}

TEST(HttpListener, TokenFileAndFlagCombinations) {
  std::string path = ::testing::TempDir() + "/http_listener_test_token";
  std::ofstream(path) << "from-file\n";
  ListenerOptions o = loopback();
  o.bearer_token_file = path;
  EXPECT_EQ(resolve_bearer_token(o), "from-file");
  o.bearer_token = "also";
  EXPECT_THROW(resolve_bearer_token(o), Error);
  o = loopback();
  o.tls_cert_file = "cert.pem";
  EXPECT_THROW(resolve_bearer_token(o), Error);  // no key
  o = loopback();
  o.bearer_token_file = path + ".missing";
  EXPECT_THROW(HttpListener{o}, Error);
}

TEST(HttpListener, UnreadableOrInvalidCertificateIsAnError) {
  ListenerOptions o = loopback();
  o.tls_cert_file = ::testing::TempDir() + "/no-such-cert.pem";
  o.tls_key_file = ::testing::TempDir() + "/no-such-key.pem";
  EXPECT_THROW(HttpListener{o}, Error);
  std::string junk = ::testing::TempDir() + "/http_listener_test_junk.pem";
  std::ofstream(junk) << "not a certificate\n";
  o.tls_cert_file = o.tls_key_file = junk;
  EXPECT_THROW(HttpListener{o}, Error);
}

TEST(HttpListener, FlagsRegisteredWithDefaults) {
  ListenerOptions o;
  CLI::App app;
  add_listener_options(app, o);
  const char* argv[] = {"t", "--tls-cert-file", "c", "--tls-key-file", "k", "--bearer-token-file", "f",
                        "--max-body-size", "100", "--read-timeout", "3", "--write-timeout", "4",
                        "--max-connections", "2"};
  app.parse(static_cast<int>(std::size(argv)), const_cast<char**>(argv));
  EXPECT_EQ(o.tls_cert_file, "c");
  EXPECT_EQ(o.tls_key_file, "k");
  EXPECT_EQ(o.bearer_token_file, "f");
  EXPECT_EQ(o.max_body_size, 100u);
  EXPECT_EQ(o.read_timeout_seconds, 3);
  EXPECT_EQ(o.write_timeout_seconds, 4);
  EXPECT_EQ(o.max_connections, 2);
  EXPECT_TRUE(o.tls());
}

}  // namespace
}  // namespace promotel::listener

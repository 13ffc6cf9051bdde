#include "listener/listen_address.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace promotel::listener {
namespace {

void expect(const std::string& text, const std::string& host, int port) {
  ListenAddress a = parse_listen_address(text);
  EXPECT_EQ(a.host, host) << text;
  EXPECT_EQ(a.port, port) << text;
}

TEST(ListenAddress, BarePortStaysOnLoopback) {
  expect("4318", "127.0.0.1", 4318);
  expect("0", "127.0.0.1", 0);
}

TEST(ListenAddress, EmptyHostMeansAllInterfacesAsInGo) { expect(":8080", "0.0.0.0", 8080); }

TEST(ListenAddress, HostAndPort) {
  expect("127.0.0.1:0", "127.0.0.1", 0);
  expect("0.0.0.0:80", "0.0.0.0", 80);
  expect("localhost:65535", "localhost", 65535);
  expect("[::1]:4317", "::1", 4317);
}

TEST(ListenAddress, Rejects) {
  for (const char* bad : {"", ":", "x:y", "h:", "h:-1", "h:65536", "h:80x", "::1:80", "[]:80", "h: 80"})
    EXPECT_THROW(parse_listen_address(bad), Error) << bad;
}

TEST(ListenAddress, ErrorNamesTheInput) {
  try {
    parse_listen_address("nohost:port");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'nohost:port'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace promotel::listener

#include "promreceiver/resource.h"

#include <gtest/gtest.h>

namespace promotel::promreceiver {
namespace {

TEST(SplitHostPort, HandlesHostPortV6AndBareHosts) {
  EXPECT_EQ(split_host_port("localhost:8080"), std::make_pair(std::string("localhost"), std::string("8080")));
  EXPECT_EQ(split_host_port("[::1]:9090"), std::make_pair(std::string("::1"), std::string("9090")));
  EXPECT_EQ(split_host_port("example.com"), std::make_pair(std::string("example.com"), std::string("")));
  EXPECT_EQ(split_host_port("::1"), std::make_pair(std::string("::1"), std::string("")));
}

TEST(IsDiscernibleHost, LoopbackUnspecifiedAndLocalhostAreNot) {
  EXPECT_FALSE(is_discernible_host("localhost"));
  EXPECT_FALSE(is_discernible_host("127.0.0.1"));
  EXPECT_FALSE(is_discernible_host("127.1.2.3"));
  EXPECT_FALSE(is_discernible_host("0.0.0.0"));
  EXPECT_FALSE(is_discernible_host("::1"));
  EXPECT_FALSE(is_discernible_host("::"));
  EXPECT_TRUE(is_discernible_host("10.0.0.1"));
  EXPECT_TRUE(is_discernible_host("example.com"));
  EXPECT_TRUE(is_discernible_host("fe80::1"));
}

TEST(TargetResourceAttributes, OrderAndLoopbackRule) {
  auto attrs = target_resource_attributes("job1", "10.1.2.3:9100", "https");
  std::vector<Attribute> want = {{"service.name", "job1"},
                                 {"server.address", "10.1.2.3"},
                                 {"service.instance.id", "10.1.2.3:9100"},
                                 {"server.port", "9100"},
                                 {"url.scheme", "https"}};
  EXPECT_EQ(attrs, want);
  attrs = target_resource_attributes("job1", "localhost:9100", "http");
  want = {{"service.name", "job1"},
          {"service.instance.id", "localhost:9100"},
          {"server.port", "9100"},
          {"url.scheme", "http"}};
  EXPECT_EQ(attrs, want);
}

}  // namespace
}  // namespace promotel::promreceiver

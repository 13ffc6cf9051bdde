// Regression tests for listener faults found by the reliability work (fuzz/, tests/e2e).

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <vector>

#include "common/error.h"
#include "otlphttp/receiver.h"

namespace promotel::otlphttp {
namespace {

ReceiverOptions any_port() {
  ReceiverOptions o;
  o.port = 0;
  return o;
}

// httplib's own socket options set SO_REUSEPORT, which let a second receiver (any process of
// the same user) bind the port too and take a share of the requests.
TEST(ReceiverRegression, SecondReceiverOnTheSamePortFails) {
  Receiver first(any_port(), [](otlp::Signal, const google::protobuf::Message&) {});
  first.bind();
  ReceiverOptions same;
  same.port = first.port();
  Receiver second(same, [](otlp::Signal, const google::protobuf::Message&) {});
  EXPECT_THROW(second.bind(), Error);
}

// libcpp-httplib listens with a backlog of 5: under a burst (the 1 000-request load test) the
// accept queue overflowed and the kernel reset connections. Here nothing accepts, so every
// connection that completes sits in the backlog: far more than 5 must complete.
TEST(ReceiverRegression, BacklogHoldsABurstOfConnections) {
  Receiver receiver(any_port(), [](otlp::Signal, const google::protobuf::Message&) {});
  receiver.bind();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(receiver.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

  constexpr int kConnections = 100;
  std::vector<int> fds;
  for (int i = 0; i < kConnections; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ASSERT_GE(fd, 0);
    ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    fds.push_back(fd);
  }
  // A connection the backlog refused stays in SYN-SENT (the kernel drops its SYN) and is not
  // writable; give the completed ones a moment.
  std::vector<pollfd> polls;
  for (int fd : fds) polls.push_back({fd, POLLOUT, 0});
  int connected = 0;
  for (int round = 0; round < 20 && connected < kConnections; ++round) {
    ::poll(polls.data(), polls.size(), 100);
    connected = 0;
    for (auto& p : polls) {
      int err = 0;
      socklen_t len = sizeof err;
      if ((p.revents & POLLOUT) && ::getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
        ++connected;
    }
  }
  for (int fd : fds) ::close(fd);
  EXPECT_EQ(connected, kConnections);
}

}  // namespace
}  // namespace promotel::otlphttp

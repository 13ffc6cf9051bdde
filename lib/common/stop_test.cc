#include "common/stop.h"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/input.h"

namespace promotel {
namespace {

class Stop : public ::testing::Test {
 protected:
  void SetUp() override { reset_stop_for_test(); }
  void TearDown() override { reset_stop_for_test(); }

  std::string write_temp(const std::string& content) {
    char path[] = "/tmp/promotel_stop_test_XXXXXX";
    int fd = mkstemp(path);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    close(fd);
    paths_.push_back(path);
    return path;
  }

  static std::string read_some(Input& in, size_t size) {
    std::string buffer(size, '\0');
    buffer.resize(in.read(buffer.data(), size));
    return buffer;
  }

  ~Stop() override {
    for (auto& p : paths_) std::remove(p.c_str());
  }
  std::vector<std::string> paths_;
};

TEST_F(Stop, AFileEndsAtTheEndOfTheLineItWasStoppedIn) {
  std::string path = write_temp("first 1\nsecond 2\nthird 3\n");
  Input in(path);
  EXPECT_EQ(read_some(in, 10), "first 1\nse");
  simulate_stop_for_test(SIGINT);
  EXPECT_EQ(read_some(in, 100), "cond 2\n");
  EXPECT_EQ(read_some(in, 100), "");
  ASSERT_TRUE(input_cut_short().has_value());
  EXPECT_EQ(*input_cut_short(), path);
  EXPECT_EQ(stop_signal_name(), "SIGINT");
}

TEST_F(Stop, AStopDuringTheLastLineCutsNothing) {
  std::string path = write_temp("first 1\nsecond 2\n");
  Input in(path);
  EXPECT_EQ(read_some(in, 10), "first 1\nse");
  simulate_stop_for_test(SIGTERM);
  EXPECT_EQ(read_some(in, 100), "cond 2\n");
  EXPECT_EQ(read_some(in, 100), "");
  EXPECT_FALSE(input_cut_short().has_value());
}

TEST_F(Stop, APipeIsReadToItsEnd) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string data = "a 1\nb 2\nc 3\n";
  ASSERT_EQ(::write(fds[1], data.data(), data.size()), static_cast<ssize_t>(data.size()));
  close(fds[1]);
  int saved = dup(0);
  dup2(fds[0], 0);
  close(fds[0]);
  {
    Input in("-");
    EXPECT_EQ(read_some(in, 4), "a 1\n");
    simulate_stop_for_test(SIGTERM);
    EXPECT_EQ(in.read_all(), "b 2\nc 3\n");
  }
  dup2(saved, 0);
  close(saved);
  EXPECT_FALSE(input_cut_short().has_value());
}

TEST_F(Stop, TheFirstSignalIsNotedAndTheProcessGoesOn) {
  install_stop_handler();
  std::raise(SIGTERM);
  EXPECT_EQ(stop_signal(), SIGTERM);
  EXPECT_EQ(stop_signal_name(), "SIGTERM");
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

TEST_F(Stop, SleepEndsEarlyOnAStop) {
  EXPECT_TRUE(sleep_unless_stopped(std::chrono::milliseconds(1)));
  simulate_stop_for_test(SIGINT);
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(sleep_unless_stopped(std::chrono::seconds(30)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace promotel

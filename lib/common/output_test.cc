#include "common/output.h"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <string>

#include <gtest/gtest.h>

#include "common/error.h"
#include "common/input.h"

namespace promotel {
namespace {

TEST(Output, WritesEverythingInOrderAcrossBufferBoundaries) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string expected;
  {
    Output out(fds[1], 16);
    for (int i = 0; i < 100; ++i) {
      std::string piece = "line " + std::to_string(i) + "\n";
      expected += piece;
      out.write(piece);
    }
    out.write(std::string(40, 'x'));  // larger than the buffer
    expected += std::string(40, 'x');
    out.put('!');
    expected += '!';
  }
  close(fds[1]);
  std::string got;
  char buf[256];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) got.append(buf, n);
  close(fds[0]);
  EXPECT_EQ(got, expected);
}

TEST(Output, FullDiskIsAnError) {
  int fd = open("/dev/full", O_WRONLY);
  ASSERT_GE(fd, 0);
  Output out(fd, 8);
  out.write("12345");
  EXPECT_THROW(
      {
        out.write("0123456789");
        out.flush();
      },
      Error);
  close(fd);
}

TEST(Output, ClosedPipeIsBrokenPipe) {
  std::signal(SIGPIPE, SIG_IGN);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  close(fds[0]);
  Output out(fds[1], 8);
  EXPECT_THROW(
      {
        out.write("0123456789");
        out.flush();
      },
      BrokenPipe);
  close(fds[1]);
}

TEST(Input, MissingFileNamesThePath) {
  try {
    Input in("/nonexistent/file.prom");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/file.prom"), std::string::npos);
  }
}

TEST(SourcePosition, Formats) {
  EXPECT_EQ((SourcePosition{"a.prom", 3, 7}).to_string(), "a.prom:3:7");
  EXPECT_EQ((SourcePosition{"a.prom", 3, 0}).to_string(), "a.prom:3");
  EXPECT_EQ((SourcePosition{"", 0, 0}).to_string(), "<input>");
}

}  // namespace
}  // namespace promotel

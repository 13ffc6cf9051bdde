#include "common/output.h"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

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
  Output gathered(fds[1], 8);
  std::string a(10, 'a');
  std::vector<std::string_view> pieces = {a, a};
  EXPECT_THROW(gathered.write_gathered(pieces), BrokenPipe);
  close(fds[1]);
}

std::string read_back(int fd) {
  std::string got;
  char buf[4096];
  ssize_t n;
  lseek(fd, 0, SEEK_SET);
  while ((n = read(fd, buf, sizeof buf)) > 0) got.append(buf, static_cast<size_t>(n));
  return got;
}

TEST(Output, GatheredWritesKeepTheOrderOfEveryPiece) {
  FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  int fd = fileno(file);
  std::string expected;
  std::vector<std::string> storage;
  {
    Output out(fd, 64);
    for (int round = 0; round < 50; ++round) {
      // Some rounds fit in the buffer's room (copied), others do not (vectored), and the
      // last round has more pieces than one writev takes.
      size_t count = round == 49 ? 3000 : static_cast<size_t>(round % 7);
      storage.clear();
      for (size_t i = 0; i < count; ++i) {
        storage.push_back(std::string(static_cast<size_t>((round * 31 + i * 7) % 90),
                                      static_cast<char>('a' + (round + i) % 26)));
        if (i % 5 == 3) storage.push_back("");
      }
      std::vector<std::string_view> pieces(storage.begin(), storage.end());
      out.write("<" + std::to_string(round) + ">");
      expected += "<" + std::to_string(round) + ">";
      out.write_gathered(pieces);
      for (const std::string& piece : storage) expected += piece;
      out.put('.');
      expected += '.';
    }
  }
  EXPECT_EQ(read_back(fd), expected);
  std::fclose(file);
}

TEST(Output, GatheredWriteToAFullDiskIsAnError) {
  int fd = open("/dev/full", O_WRONLY);
  ASSERT_GE(fd, 0);
  Output out(fd, 8);
  out.write("12345");
  std::string a(10, 'a'), b(20, 'b');
  std::vector<std::string_view> pieces = {a, b};
  try {
    out.write_gathered(pieces);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot write <stdout>: No space left on device");
  }
  close(fd);
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

#include "remotewrite/replayable_input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "common/error.h"

namespace promotel::remotewrite {

namespace {

[[noreturn]] void fail(const std::string& what) { throw Error(what + ": " + std::strerror(errno)); }

int temporary_file() {
  const char* dir = std::getenv("TMPDIR");
  std::string path = std::string(dir && *dir ? dir : "/tmp") + "/rwpush-XXXXXX";
  std::vector<char> buf(path.begin(), path.end());
  buf.push_back('\0');
  int fd = ::mkstemp(buf.data());
  if (fd < 0) fail("cannot create a temporary file in " + std::string(dir && *dir ? dir : "/tmp"));
  ::unlink(buf.data());  // gone when closed
  return fd;
}

}  // namespace

ReplayableInput::ReplayableInput(const std::string& path, bool spool) {
  if (path.empty() || path == "-") {
    fd_ = 0;
    name_ = "<stdin>";
  } else {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) fail(path);
    owns_fd_ = true;
    name_ = path;
  }
  struct stat st{};
  if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode) && ::lseek(fd_, 0, SEEK_CUR) >= 0) {
    seekable_ = true;
    size_ = st.st_size;
    return;
  }
  if (!spool) return;
  int tmp = temporary_file();
  std::vector<char> chunk(1 << 20);
  int64_t total = 0;
  for (;;) {
    ssize_t n = ::read(fd_, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(name_);
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(tmp, chunk.data() + done, size_t(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) fail("cannot spool " + name_ + " to a temporary file");
      done += w;
    }
    total += n;
  }
  if (owns_fd_) ::close(fd_);
  fd_ = tmp;
  owns_fd_ = true;
  seekable_ = true;
  size_ = total;
  ::lseek(fd_, 0, SEEK_SET);
}

ReplayableInput::~ReplayableInput() {
  if (owns_fd_) ::close(fd_);
}

size_t ReplayableInput::read(char* buffer, size_t size) {
  for (;;) {
    ssize_t n = ::read(fd_, buffer, size);
    if (n >= 0) return size_t(n);
    if (errno == EINTR) continue;
    fail(name_);
  }
}

void ReplayableInput::rewind() {
  if (!seekable_) throw Error(name_ + ": cannot read a stream twice");
  if (::lseek(fd_, 0, SEEK_SET) < 0) fail(name_);
}

std::string ReplayableInput::peek(int64_t offset, size_t size) {
  if (!seekable_) return {};
  std::string out(size, '\0');
  size_t used = 0;
  while (used < size) {
    ssize_t n = ::pread(fd_, out.data() + used, size - used, offset + int64_t(used));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(name_);
    if (n == 0) break;
    used += size_t(n);
  }
  out.resize(used);
  return out;
}

}  // namespace promotel::remotewrite

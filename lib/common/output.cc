#include "common/output.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace promotel {

Output::Output(int fd, size_t buffer_size)
    : fd_(fd), buffer_(new char[buffer_size]), capacity_(buffer_size), path_("<stdout>") {}

Output Output::open(const std::string& path) {
  if (path.empty() || path == "-") return Output(1);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(path + ": " + std::strerror(errno));
  Output out(fd);
  out.owns_fd_ = true;
  out.path_ = path;
  return out;
}

Output::Output(Output&& other) noexcept
    : fd_(other.fd_),
      owns_fd_(other.owns_fd_),
      buffer_(other.buffer_),
      capacity_(other.capacity_),
      used_(other.used_),
      path_(std::move(other.path_)) {
  other.buffer_ = nullptr;
  other.owns_fd_ = false;
  other.used_ = 0;
}

Output::~Output() {
  if (buffer_ != nullptr) {
    try {
      flush();
    } catch (...) {
    }
    delete[] buffer_;
  }
  if (owns_fd_) ::close(fd_);
}

void Output::write(std::string_view data) {
  if (data.size() > capacity_ - used_) {
    drain();
    if (data.size() >= capacity_) {
      write_fully(data.data(), data.size());
      return;
    }
  }
  std::memcpy(buffer_ + used_, data.data(), data.size());
  used_ += data.size();
}

void Output::drain() {
  size_t n = used_;
  used_ = 0;
  write_fully(buffer_, n);
}

void Output::flush() { drain(); }

bool Output::is_terminal() const { return ::isatty(fd_) == 1; }

void Output::write_fully(const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd_, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) throw BrokenPipe();
      throw Error("cannot write " + path_ + ": " + std::strerror(errno));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

}  // namespace promotel

#include "common/output.h"

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
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
      path_(std::move(other.path_)),
      iov_(std::move(other.iov_)) {
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

void Output::write_gathered(std::span<const std::string_view> pieces) {
  size_t total = 0;
  for (std::string_view piece : pieces) total += piece.size();
  if (total < kGatherCopyBelow && total <= capacity_ - used_) {
    for (std::string_view piece : pieces) {
      if (piece.empty()) continue;  // an empty view's data() may be null
      std::memcpy(buffer_ + used_, piece.data(), piece.size());
      used_ += piece.size();
    }
    return;
  }
  iov_.clear();
  if (used_ != 0) iov_.push_back({buffer_, used_});
  for (std::string_view piece : pieces) {
    if (!piece.empty()) iov_.push_back({const_cast<char*>(piece.data()), piece.size()});
  }
  used_ = 0;
  writev_fully(iov_.data(), iov_.size());
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
      write_failed(errno);
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

// Picks up after a short write: the vectors written in full are skipped, the one written in
// part is cut to its rest.
void Output::writev_fully(struct iovec* iov, size_t count) {
  while (count > 0) {
    ssize_t n = ::writev(fd_, iov, static_cast<int>(std::min<size_t>(count, IOV_MAX)));
    if (n < 0) {
      if (errno == EINTR) continue;
      write_failed(errno);
    }
    size_t written = static_cast<size_t>(n);
    while (count > 0 && iov->iov_len <= written) {
      written -= iov->iov_len;
      ++iov;
      --count;
    }
    if (written != 0) {
      iov->iov_base = static_cast<char*>(iov->iov_base) + written;
      iov->iov_len -= written;
    }
  }
}

void Output::write_failed(int error) {
  if (error == EPIPE) throw BrokenPipe();
  throw Error("cannot write " + path_ + ": " + std::strerror(error));
}

}  // namespace promotel

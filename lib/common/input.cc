#include "common/input.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace promotel {

Input::Input(const std::string& path) {
  if (path.empty() || path == "-") {
    fd_ = 0;
    owns_fd_ = false;
    name_ = "<stdin>";
    return;
  }
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw Error(path + ": " + std::strerror(errno));
  owns_fd_ = true;
  name_ = path;
}

Input::~Input() {
  if (owns_fd_) ::close(fd_);
}

size_t Input::read(char* buffer, size_t size) {
  for (;;) {
    ssize_t n = ::read(fd_, buffer, size);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    throw Error(name_ + ": " + std::strerror(errno));
  }
}

std::string Input::read_all() {
  std::string out;
  size_t used = 0;
  out.resize(1 << 16);
  for (;;) {
    if (used == out.size()) out.resize(out.size() * 2);
    size_t n = read(out.data() + used, out.size() - used);
    if (n == 0) break;
    used += n;
  }
  out.resize(used);
  return out;
}

size_t StringReader::read(char* buffer, size_t size) {
  size_t n = std::min(size, data_.size());
  std::memcpy(buffer, data_.data(), n);
  data_.remove_prefix(n);
  return n;
}

std::string read_file(const std::string& path) { return Input(path).read_all(); }

}  // namespace promotel

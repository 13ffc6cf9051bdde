#include "sniffing_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace promotel::prom2otlp {

namespace {

// The last bytes of a regular file ("" for pipes and terminals).
std::string file_tail(const std::string& path, size_t size) {
  if (path.empty() || path == "-") return "";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string tail;
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    off_t start = std::max<off_t>(0, st.st_size - static_cast<off_t>(size));
    tail.resize(static_cast<size_t>(st.st_size - start));
    ssize_t n = ::pread(fd, tail.data(), tail.size(), start);
    tail.resize(n > 0 ? static_cast<size_t>(n) : 0);
  }
  ::close(fd);
  return tail;
}

}  // namespace

SniffingReader::SniffingReader(Input& input, const std::string& path) : input_(input) {
  head_.resize(1 << 16);
  size_t used = 0;
  while (used < head_.size()) {
    size_t n = input_.read(head_.data() + used, head_.size() - used);
    if (n == 0) break;
    used += n;
  }
  head_.resize(used);
  std::string tail = used < (1 << 16) ? head_ : file_tail(path, 64);
  format_ = exposition::sniff_format(head_, tail);
}

size_t SniffingReader::read(char* buffer, size_t size) {
  if (head_pos_ < head_.size()) {
    size_t n = std::min(size, head_.size() - head_pos_);
    std::memcpy(buffer, head_.data() + head_pos_, n);
    head_pos_ += n;
    if (head_pos_ == head_.size()) std::string().swap(head_);
    return n;
  }
  return input_.read(buffer, size);
}

}  // namespace promotel::prom2otlp

#include "common/input.h"

#include "common/text.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/error.h"
#include "common/stop.h"

namespace promotel {

Input::Input(const std::string& path) {
  if (path.empty() || path == "-") {
    fd_ = 0;
    owns_fd_ = false;
    name_ = "<stdin>";
  } else {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw Error(path + ": " + std::strerror(errno));
    owns_fd_ = true;
    name_ = path;
  }
  struct stat st;
  if (::isatty(fd_)) {
    on_stop_ = OnStop::kStopNow;
  } else if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) {
    on_stop_ = OnStop::kFinishLine;
  }
}

Input::~Input() {
  if (owns_fd_) ::close(fd_);
}

size_t Input::read(char* buffer, size_t size) {
  if (stopped_) return 0;
  for (;;) {
    if (on_stop_ != OnStop::kDrain && stop_requested()) return stop_reading(buffer, size);
    ssize_t n = ::read(fd_, buffer, size);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    throw Error(name_ + ": " + std::strerror(errno));
  }
}

// Ends the input after a stop signal. A file is read on to the end of the line it stopped in,
// so a text input ends on a line boundary and everything before it can be processed.
size_t Input::stop_reading(char* buffer, size_t size) {
  stopped_ = true;
  size_t keep = 0;
  if (on_stop_ == OnStop::kFinishLine && size > 0) {
    ssize_t n;
    do {
      n = ::read(fd_, buffer, size);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return 0;  // the file ended anyway: nothing was cut
    auto* newline = static_cast<const char*>(std::memchr(buffer, '\n', static_cast<size_t>(n)));
    if (newline) keep = static_cast<size_t>(newline - buffer) + 1;
    if (keep == static_cast<size_t>(n)) {
      char probe;
      if (::read(fd_, &probe, 1) == 0) return keep;  // that line was the last one
    }
  }
  note_input_cut_short(name_);
  return keep;
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

std::string read_secret_file(const std::string& path) {
  return std::string(trim_space(read_file(path)));
}

}  // namespace promotel

#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace promotel {

// A buffered writer on a file descriptor (stdout by default). Throws BrokenPipe when the
// reader has gone away and Error for any other write failure (e.g. ENOSPC on /dev/full),
// so nothing is ever lost silently.
class Output {
 public:
  explicit Output(int fd = 1, size_t buffer_size = 1 << 18);
  // Opens (creates/truncates) a file; "-" or "" means stdout.
  static Output open(const std::string& path);
  Output(Output&& other) noexcept;
  Output& operator=(Output&&) = delete;
  ~Output();  // flushes; errors at that point are swallowed, call flush() to see them

  void write(std::string_view data);
  // The same bytes as write() of each piece in turn. Pieces adding up to less than
  // kGatherCopyBelow that fit in the buffer's room are copied into it; larger ones are not:
  // they go to the file with what is buffered in vectored writes.
  void write_gathered(std::span<const std::string_view> pieces);
  void put(char c) {
    if (used_ == capacity_) drain();
    buffer_[used_++] = c;
  }
  void flush();
  static constexpr size_t kGatherCopyBelow = 16 * 1024;
  int fd() const { return fd_; }
  bool is_terminal() const;

 private:
  void drain();
  void write_fully(const char* data, size_t size);
  void writev_fully(struct iovec* iov, size_t count);
  [[noreturn]] void write_failed(int error);

  int fd_;
  bool owns_fd_ = false;
  char* buffer_;
  size_t capacity_;
  size_t used_ = 0;
  std::string path_;
  std::vector<struct iovec> iov_;  // write_gathered's, kept to reuse its room
};

}  // namespace promotel

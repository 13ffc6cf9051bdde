#pragma once

// An input that can be read more than once in bounded memory: a regular file is reopened at
// offset 0; standard input, a pipe or a FIFO is first copied into an unlinked temporary file
// (in $TMPDIR, default /tmp). rwpush reads its input twice — once to validate, once to send —
// so that invalid input sends nothing without holding the input in memory.

#include <string>

#include "common/input.h"

namespace promotel::remotewrite {

class ReplayableInput : public Reader {
 public:
  // spool: copy a non-seekable input to a temporary file so it can be rewound. Without it,
  // the input is read once, as a stream.
  ReplayableInput(const std::string& path, bool spool);
  ReplayableInput(const ReplayableInput&) = delete;
  ReplayableInput& operator=(const ReplayableInput&) = delete;
  ~ReplayableInput() override;

  size_t read(char* buffer, size_t size) override;
  const std::string& name() const override { return name_; }

  // Back to the start. Throws Error if the input cannot be rewound (a stream not spooled).
  void rewind();
  // Reads up to `size` bytes at `offset` without moving the read position (for sniffing);
  // "" for streams.
  std::string peek(int64_t offset, size_t size);
  // Size in bytes, or -1 for streams.
  int64_t size() const { return size_; }

 private:
  int fd_ = -1;
  bool owns_fd_ = false;
  bool seekable_ = false;
  int64_t size_ = -1;
  std::string name_;
};

}  // namespace promotel::remotewrite

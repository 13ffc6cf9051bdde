#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/input.h"

namespace promotel::otlp {

// True if data starts with the gzip magic bytes 1f 8b.
bool is_gzip(std::string_view data);

// Inflates a whole gzip (or zlib) buffer; throws Error when corrupt or when the result would
// exceed max_size bytes (a decompression bomb guard for HTTP bodies).
std::string gunzip(std::string_view data, size_t max_size = SIZE_MAX);
std::string gzip(std::string_view data);

// Streams the decompression of a gzip source (several concatenated members allowed), so
// compressed files of any size are read in bounded memory.
class GzipReader : public Reader {
 public:
  explicit GzipReader(Reader& source);
  ~GzipReader() override;
  size_t read(char* buffer, size_t size) override;
  const std::string& name() const override { return source_.name(); }

 private:
  struct State;
  Reader& source_;
  std::unique_ptr<State> state_;
};

}  // namespace promotel::otlp

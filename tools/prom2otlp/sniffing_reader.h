#pragma once

#include <string>

#include "common/input.h"
#include "exposition/format.h"

namespace promotel::prom2otlp {

// Reads the first chunk of an input to guess its exposition format (exposition::sniff_format,
// with the file's last bytes when it is a regular file), then replays that chunk before the
// rest, so the parser sees the input unchanged.
class SniffingReader : public Reader {
 public:
  SniffingReader(Input& input, const std::string& path);
  size_t read(char* buffer, size_t size) override;
  const std::string& name() const override { return input_.name(); }
  exposition::Format format() const { return format_; }

 private:
  Input& input_;
  std::string head_;
  size_t head_pos_ = 0;
  exposition::Format format_;
};

}  // namespace promotel::prom2otlp

#include "promreceiver/documents.h"

#include <algorithm>
#include <cstring>

namespace promotel::promreceiver {

namespace {
constexpr size_t kChunk = 1 << 16;
}

OpenMetricsDocuments::OpenMetricsDocuments(Reader& input) : input_(input), name_(input.name()) {}

bool OpenMetricsDocuments::fill() {
  if (input_done_) return false;
  if (pos_ > 0) {  // drop what was handed out
    buffer_.erase(0, pos_);
    scanned_ -= std::min(scanned_, pos_);
    pos_ = 0;
  }
  size_t used = buffer_.size();
  buffer_.resize(used + kChunk);
  size_t n = input_.read(buffer_.data() + used, kChunk);
  buffer_.resize(used + n);
  if (n == 0) input_done_ = true;
  return n != 0;
}

size_t OpenMetricsDocuments::read(char* out, size_t size) {
  if (document_done_) return 0;
  for (;;) {
    if (document_end_ == std::string::npos) {
      // Look for a complete "# EOF" line among the complete lines not scanned yet.
      while (scanned_ < buffer_.size()) {
        const char* begin = buffer_.data() + scanned_;
        const char* nl = static_cast<const char*>(std::memchr(begin, '\n', buffer_.size() - scanned_));
        if (nl == nullptr) break;
        size_t length = static_cast<size_t>(nl - begin);
        scanned_ += length + 1;
        if (length == 5 && std::memcmp(begin, "# EOF", 5) == 0) {
          document_end_ = scanned_;
          break;
        }
      }
    }
    // Hand out complete lines (or everything at the end of the input).
    size_t limit = document_end_ != std::string::npos ? document_end_
                   : input_done_                       ? buffer_.size()
                                                       : scanned_;
    if (pos_ < limit) {
      size_t n = std::min(size, limit - pos_);
      std::memcpy(out, buffer_.data() + pos_, n);
      pos_ += n;
      return n;
    }
    if (document_end_ != std::string::npos || (input_done_ && pos_ == buffer_.size())) {
      document_done_ = true;
      return 0;
    }
    fill();
  }
}

bool OpenMetricsDocuments::next_document() {
  if (document_end_ != std::string::npos) {
    // Continue after the "# EOF" line (read() stopped there).
    pos_ = document_end_;
  }
  document_end_ = std::string::npos;
  document_done_ = false;
  if (pos_ == buffer_.size() && !fill()) return false;
  ++documents_;
  name_ = input_.name() + " (document " + std::to_string(documents_) + ")";
  return true;
}

}  // namespace promotel::promreceiver

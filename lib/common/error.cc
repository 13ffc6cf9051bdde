#include "common/error.h"

namespace promotel {

std::string SourcePosition::to_string() const {
  std::string out = file.empty() ? "<input>" : file;
  if (line > 0) {
    out += ':' + std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  return out;
}

}  // namespace promotel

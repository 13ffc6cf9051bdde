#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace promotel {

// Where in an input something went wrong. line and column are 1-based; 0 means unknown.
struct SourcePosition {
  std::string file;  // "<stdin>" for standard input
  size_t line = 0;
  size_t column = 0;

  // "file:line:col", "file:line" or "file", depending on what is known.
  std::string to_string() const;
};

// The one error type the library throws for bad input or failed work. Tools print
// "<tool>: error: <what()>" and exit 1.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  Error(const SourcePosition& where, const std::string& message)
      : std::runtime_error(where.to_string() + ": " + message), position_(where) {}

  const SourcePosition& position() const { return position_; }

 private:
  SourcePosition position_;
};

// Thrown by Output when the reader of stdout has gone away (EPIPE): tools exit quietly.
class BrokenPipe : public std::exception {
 public:
  const char* what() const noexcept override { return "broken pipe"; }
};

}  // namespace promotel

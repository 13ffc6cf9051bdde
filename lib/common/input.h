#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace promotel {

// Anything bytes can be pulled from in chunks (a file, stdin, a string, a gzip stream).
class Reader {
 public:
  virtual ~Reader() = default;
  // Reads up to size bytes; returns 0 at end of input. Throws Error on failure.
  virtual size_t read(char* buffer, size_t size) = 0;
  // The name for messages: a path, "<stdin>", a URL.
  virtual const std::string& name() const = 0;
};

// Reads from a string owned elsewhere (tests, HTTP bodies already in memory).
class StringReader : public Reader {
 public:
  StringReader(std::string_view data, std::string name = "<input>")
      : data_(data), name_(std::move(name)) {}
  size_t read(char* buffer, size_t size) override;
  const std::string& name() const override { return name_; }

 private:
  std::string_view data_;
  std::string name_;
};

// A byte source: a file, or standard input for "-" / "". Reads in chunks so inputs of any
// size go through in bounded memory. Gzip-compressed input is not handled here (see
// common/gzip.h).
class Input : public Reader {
 public:
  explicit Input(const std::string& path);
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;
  ~Input();

  // Reads up to size bytes; returns 0 at end of input. Throws Error on failure.
  size_t read(char* buffer, size_t size) override;
  // Reads everything that is left (for inputs that are small by nature: configs, requests).
  std::string read_all();

  // The name for messages: the path, or "<stdin>".
  const std::string& name() const override { return name_; }

 private:
  // What a stop signal (common/stop.h) does to reading.
  enum class OnStop { kDrain, kFinishLine, kStopNow };
  size_t stop_reading(char* buffer, size_t size);

  int fd_;
  bool owns_fd_;
  std::string name_;
  OnStop on_stop_ = OnStop::kDrain;
  bool stopped_ = false;
};

// Reads a whole file ("-" for stdin) into a string.
std::string read_file(const std::string& path);

// Reads a file that holds one secret (a password, a token, a user name) without the white space
// around it, as Prometheus' *_file settings do.
std::string read_secret_file(const std::string& path);

}  // namespace promotel

#pragma once

// Shared by the fuzz programs: feeding the fuzzer's bytes to our decoders the way real inputs
// arrive (in chunks of awkward sizes, so buffer refills land mid-token), and the rule that a
// decoder may reject input only with promotel::Error.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/input.h"

namespace promotel::fuzz {

// A Reader over the fuzz input handing out at most `chunk` bytes per read.
class ChunkedReader : public Reader {
 public:
  ChunkedReader(std::string_view data, size_t chunk, std::string name = "<fuzz>")
      : data_(data), chunk_(std::max<size_t>(chunk, 1)), name_(std::move(name)) {}
  size_t read(char* buffer, size_t size) override {
    size_t n = std::min({size, chunk_, data_.size()});
    std::memcpy(buffer, data_.data(), n);
    data_.remove_prefix(n);
    return n;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string_view data_;
  size_t chunk_;
  std::string name_;
};

// A chunk size that varies from input to input without spending input bytes on it.
inline size_t chunk_for(std::string_view data) { return 1 + data.size() % 61; }

// Runs f; promotel::Error is the documented way to reject input. Anything else escaping a
// decoder (std::out_of_range, a library's own exception type) would reach the user as a
// message without a position, so it counts as a finding.
template <typename F>
void expect_only_promotel_errors(const char* what, F&& f) {
  try {
    f();
  } catch (const promotel::Error&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: exception other than promotel::Error: %s\n", what, e.what());
    std::abort();
  }
}

}  // namespace promotel::fuzz

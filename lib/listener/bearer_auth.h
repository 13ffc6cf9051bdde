#pragma once

#include <string>
#include <string_view>

namespace promotel::listener {

// Checks "Authorization: Bearer <token>" against the one expected token. The comparison takes
// the same time whatever the offered token is (both are hashed, then compared in constant
// time), so neither its bytes nor its length can be learnt by timing. The token is never part
// of a message.
class BearerAuth {
 public:
  BearerAuth() = default;  // disabled: every request passes
  explicit BearerAuth(std::string_view token);
  bool enabled() const { return enabled_; }
  // The value of the Authorization header ("" when absent). The scheme is case-insensitive.
  bool allows(std::string_view authorization) const;

 private:
  bool enabled_ = false;
  unsigned char expected_digest_[32] = {};
};

// The header and body of the answer to a request that fails the check.
inline constexpr const char* kWwwAuthenticate = "Bearer";
inline constexpr const char* kUnauthorizedBody = "401 unauthorized: missing or wrong bearer token\n";

// Reads a token file: its content without surrounding whitespace (a trailing newline is
// usual). Throws promotel::Error naming the file (never its content) when it cannot be read
// or is empty.
std::string read_token_file(const std::string& path);

}  // namespace promotel::listener

#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace promotel::otlp {

// Standard base64 with padding (RFC 4648 §4), as Go's base64.StdEncoding writes it.
std::string base64_encode(std::string_view bytes);
void append_base64(std::string& out, std::string_view bytes);

// Lowercase hex of bytes; and its inverse (either case accepted), nullopt when not hex.
std::string hex_encode(std::string_view bytes);
void append_hex(std::string& out, std::string_view bytes);
std::optional<std::string> hex_decode(std::string_view hex);

}  // namespace promotel::otlp

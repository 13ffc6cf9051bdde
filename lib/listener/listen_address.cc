#include "listener/listen_address.h"

#include <charconv>

#include "common/error.h"

namespace promotel::listener {

ListenAddress parse_listen_address(const std::string& text) {
  ListenAddress address;
  std::string port_text = text;
  address.host = "127.0.0.1";
  if (size_t colon = text.rfind(':'); colon != std::string::npos) {
    address.host = colon == 0 ? "0.0.0.0" : text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  std::string& host = address.host;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  // An IPv6 address must be bracketed: "::1:80" is ambiguous.
  bool bad_host = host.empty() || (host.find(':') != std::string::npos && text.front() != '[');
  int port = -1;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (bad_host || port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port < 0 || port > 65535)
    throw Error("invalid listen address '" + text + "': want host:port, :port or port");
  address.port = port;
  return address;
}

}  // namespace promotel::listener

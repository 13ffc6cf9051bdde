#pragma once

#include <string>

namespace promotel::listener {

struct ListenAddress {
  std::string host;
  int port = 0;  // 0: any free port
};

// Parses a listen address the way Go servers (Prometheus, the Collector, the Target Allocator)
// read one, except that a bare port stays on loopback:
//   "4318"           -> 127.0.0.1:4318
//   "host:4318"      -> host:4318 ("[::1]:4318" -> ::1)
//   ":4318"          -> 0.0.0.0:4318, all interfaces, as in Go
// Throws promotel::Error for anything else.
ListenAddress parse_listen_address(const std::string& text);

}  // namespace promotel::listener

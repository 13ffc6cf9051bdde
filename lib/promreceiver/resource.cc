#include "promreceiver/resource.h"

#include <arpa/inet.h>

#include <cstring>

namespace promotel::promreceiver {

std::pair<std::string, std::string> split_host_port(std::string_view instance) {
  if (!instance.empty() && instance.front() == '[') {
    size_t close = instance.find(']');
    if (close != std::string_view::npos && close + 1 < instance.size() &&
        instance[close + 1] == ':') {
      return {std::string(instance.substr(1, close - 1)), std::string(instance.substr(close + 2))};
    }
    return {std::string(instance), ""};
  }
  size_t colon = instance.rfind(':');
  // More than one colon without brackets is a bare IPv6 address, not host:port.
  if (colon == std::string_view::npos || instance.find(':') != colon) {
    return {std::string(instance), ""};
  }
  return {std::string(instance.substr(0, colon)), std::string(instance.substr(colon + 1))};
}

bool is_discernible_host(std::string_view host) {
  if (host == "localhost") return false;
  std::string text(host);
  unsigned char v4[4];
  if (inet_pton(AF_INET, text.c_str(), v4) == 1) {
    if (v4[0] == 127) return false;
    if (v4[0] == 0 && v4[1] == 0 && v4[2] == 0 && v4[3] == 0) return false;
    return true;
  }
  unsigned char v6[16];
  if (inet_pton(AF_INET6, text.c_str(), v6) == 1) {
    static const unsigned char kZero[16] = {};
    unsigned char loopback[16] = {};
    loopback[15] = 1;
    if (std::memcmp(v6, kZero, 16) == 0 || std::memcmp(v6, loopback, 16) == 0) return false;
    // IPv4-mapped loopback / unspecified (::ffff:127.x.x.x, ::ffff:0.0.0.0).
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(v6, kMapped, 12) == 0) {
      if (v6[12] == 127) return false;
      if (v6[12] == 0 && v6[13] == 0 && v6[14] == 0 && v6[15] == 0) return false;
    }
    return true;
  }
  return true;
}

std::vector<Attribute> target_resource_attributes(std::string_view job, std::string_view instance,
                                                  std::string_view scheme) {
  std::vector<Attribute> attrs;
  assign_target_resource_attributes(attrs, job, instance, scheme);
  return attrs;
}

void assign_target_resource_attributes(std::vector<Attribute>& attrs, std::string_view job,
                                       std::string_view instance, std::string_view scheme) {
  auto [host, port] = split_host_port(instance);
  size_t n = 0;
  auto put = [&](std::string_view key, std::string_view value) {
    if (n == attrs.size()) attrs.emplace_back();
    attrs[n].first.assign(key);
    attrs[n].second.assign(value);
    ++n;
  };
  put("service.name", job);
  if (is_discernible_host(host)) put("server.address", host);
  put("service.instance.id", instance);
  put("server.port", port);
  put("url.scheme", scheme);
  attrs.resize(n);
}

}  // namespace promotel::promreceiver

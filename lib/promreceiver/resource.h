#pragma once

// The OTLP resource of a scrape target as the receiver builds it (spec A9).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace promotel::promreceiver {

using Attribute = std::pair<std::string, std::string>;

// Splits "host:port", "[v6]:port" or a bare host (port "") like Go's net.SplitHostPort
// with the receiver's fallback to the whole instance.
std::pair<std::string, std::string> split_host_port(std::string_view instance);

// False for loopback IPs (127.0.0.0/8, ::1), unspecified addresses (0.0.0.0, ::) and
// "localhost": the receiver then leaves server.address out.
bool is_discernible_host(std::string_view host);

// service.name, [server.address,] service.instance.id, server.port, url.scheme — in this order.
std::vector<Attribute> target_resource_attributes(std::string_view job, std::string_view instance,
                                                  std::string_view scheme);
// The same into attrs, reusing its strings' capacity.
void assign_target_resource_attributes(std::vector<Attribute>& attrs, std::string_view job,
                                       std::string_view instance, std::string_view scheme);

}  // namespace promotel::promreceiver

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace promotel::promconfig {

// Prometheus durations ("1h30m", "15s", "100ms", "2w", "0"), in milliseconds. Units must
// appear in the order y w d h m s ms, each at most once. nullopt when malformed.
std::optional<int64_t> parse_duration(std::string_view text);

// Prometheus' canonical spelling: largest units first, zero units omitted ("1m30s", "0s").
std::string format_duration(int64_t ms);

}  // namespace promotel::promconfig

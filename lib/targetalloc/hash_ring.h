#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace promotel::targetalloc {

// The two layouts of github.com/buraksezer/consistent the Target Allocator has shipped.
enum class RingVersion {
  kV0_10,  // all released TAs up to v0.158.0: replica key "<member><i>", cap from integer division
  kV1_0,   // operator main since 2026-08-20: replica key "<i>:<member>", cap from real division
};

std::optional<RingVersion> parse_ring_version(std::string_view text);  // "0.10", "v0", "1.0", "v1"
std::string_view ring_version_name(RingVersion v);                     // "0.10" / "1.0"

// A bounded-load consistent-hashing ring with the TA's parameters: 1061 partitions, 5 points
// per member, load factor 1.1, XXH64 (seed 0). Partitions are distributed once at
// construction; locate() is then O(1).
class HashRing {
 public:
  static constexpr uint64_t kPartitionCount = 1061;
  static constexpr int kReplicationFactor = 5;
  static constexpr double kLoad = 1.1;

  // Throws promotel::Error where the library would panic (v0.10 with more than 1061 members).
  HashRing(std::vector<std::string> members, RingVersion version);

  // Index into members() of the owner of key; -1 when the ring is empty.
  int locate(std::string_view key) const;
  static uint64_t partition_of(std::string_view key);
  int partition_owner(uint64_t partition) const { return owners_.empty() ? -1 : owners_[partition]; }

  const std::vector<std::string>& members() const { return members_; }
  // The per-member partition cap.
  uint64_t load_cap() const { return cap_; }
  static uint64_t load_cap(size_t members, RingVersion version);

 private:
  std::vector<std::string> members_;
  std::vector<int> owners_;  // partition -> member index
  uint64_t cap_ = 0;
};

uint64_t xxh64(std::string_view bytes);

}  // namespace promotel::targetalloc

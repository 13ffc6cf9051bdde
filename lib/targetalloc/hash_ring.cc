#include "targetalloc/hash_ring.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>

#include "common/error.h"

namespace promotel::targetalloc {

uint64_t xxh64(std::string_view bytes) { return XXH64(bytes.data(), bytes.size(), 0); }

std::optional<RingVersion> parse_ring_version(std::string_view t) {
  if (t == "0.10" || t == "v0" || t == "0" || t == "v0.10" || t == "0.10.0" || t == "v0.10.0")
    return RingVersion::kV0_10;
  if (t == "1.0" || t == "v1" || t == "1" || t == "v1.0" || t == "1.0.0" || t == "v1.0.0")
    return RingVersion::kV1_0;
  return std::nullopt;
}

std::string_view ring_version_name(RingVersion v) {
  return v == RingVersion::kV0_10 ? "0.10" : "1.0";
}

uint64_t HashRing::load_cap(size_t n, RingVersion version) {
  if (n == 0) return 0;
  double avg = version == RingVersion::kV0_10
                   ? static_cast<double>(kPartitionCount / n) * kLoad
                   : static_cast<double>(kPartitionCount) / static_cast<double>(n) * kLoad;
  return static_cast<uint64_t>(std::ceil(avg));
}

HashRing::HashRing(std::vector<std::string> members, RingVersion version)
    : members_(std::move(members)) {
  const size_t n = members_.size();
  if (n == 0) return;
  cap_ = load_cap(n, version);
  if (cap_ == 0)
    throw Error("the consistent-hashing ring of library v0.10 cannot hold " + std::to_string(n) +
                " collectors (more than " + std::to_string(kPartitionCount) +
                " partitions; the TA would panic)");
  struct Point {
    uint64_t hash;
    int member;
  };
  std::vector<Point> points;
  points.reserve(n * kReplicationFactor);
  std::string key;
  for (size_t m = 0; m < n; ++m) {
    for (int i = 0; i < kReplicationFactor; ++i) {
      if (version == RingVersion::kV0_10)
        key = members_[m] + std::to_string(i);
      else
        key = std::to_string(i) + ":" + members_[m];
      points.push_back({xxh64(key), static_cast<int>(m)});
    }
  }
  // Equal points: the library's map keeps the member added last for both slots.
  std::stable_sort(points.begin(), points.end(),
                   [](const Point& a, const Point& b) { return a.hash < b.hash; });
  for (size_t i = points.size(); i-- > 1;)
    if (points[i - 1].hash == points[i].hash) points[i - 1].member = points[i].member;

  // v0.10 gives up after len-1 inspected points, v1.0 after len.
  const size_t max_tries = version == RingVersion::kV0_10 ? points.size() - 1 : points.size();
  std::vector<uint64_t> loads(n, 0);
  owners_.assign(kPartitionCount, -1);
  for (uint64_t p = 0; p < kPartitionCount; ++p) {
    unsigned char le[8];
    for (int b = 0; b < 8; ++b) le[b] = static_cast<unsigned char>(p >> (8 * b));
    uint64_t k = XXH64(le, 8, 0);
    size_t idx = std::lower_bound(points.begin(), points.end(), k,
                                  [](const Point& pt, uint64_t v) { return pt.hash < v; }) -
                 points.begin();
    if (idx >= points.size()) idx = 0;
    size_t tries = 0;
    for (;;) {
      if (++tries > max_tries)
        throw Error("not enough room to distribute partitions");
      int m = points[idx].member;
      if (loads[m] + 1 <= cap_) {
        owners_[p] = m;
        ++loads[m];
        break;
      }
      if (++idx >= points.size()) idx = 0;
    }
  }
}

uint64_t HashRing::partition_of(std::string_view key) { return xxh64(key) % kPartitionCount; }

int HashRing::locate(std::string_view key) const {
  if (owners_.empty()) return -1;
  return owners_[partition_of(key)];
}

}  // namespace promotel::targetalloc

#include "targetalloc/hash_ring.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/error.h"

namespace promotel::targetalloc {
namespace {

// Spec section 9, scenario (i): job-a, 10.0.0.<i>:9100, collectors collector-0..2.
struct Vector {
  const char* address;
  uint64_t xxh64;
  uint64_t partition;
  const char* v0_10;
  const char* v1_0;
};

const Vector kVectors[] = {
    {"10.0.0.1:9100", 5700600377134688589ULL, 26, "collector-1", "collector-2"},
    {"10.0.0.2:9100", 4330563042709930145ULL, 579, "collector-2", "collector-2"},
    {"10.0.0.3:9100", 8067377868619130066ULL, 187, "collector-2", "collector-2"},
    {"10.0.0.4:9100", 1113228681867315671ULL, 983, "collector-0", "collector-0"},
    {"10.0.0.5:9100", 15013122615675134949ULL, 309, "collector-1", "collector-0"},
    {"10.0.0.6:9100", 215849780480826283ULL, 45, "collector-1", "collector-1"},
    {"10.0.0.7:9100", 4981132858388053853ULL, 360, "collector-1", "collector-1"},
    {"10.0.0.8:9100", 1124874375504205931ULL, 319, "collector-1", "collector-0"},
    {"10.0.0.9:9100", 14237899869253200221ULL, 863, "collector-2", "collector-0"},
    {"10.0.0.10:9100", 12741874674735185184ULL, 622, "collector-2", "collector-0"},
    {"10.0.0.11:9100", 4097606613554060409ULL, 319, "collector-1", "collector-0"},
    {"10.0.0.12:9100", 13335012082303603073ULL, 1042, "collector-2", "collector-0"},
    {"10.0.0.13:9100", 13951017913208362228ULL, 926, "collector-2", "collector-0"},
    {"10.0.0.14:9100", 192174184438133284ULL, 189, "collector-1", "collector-1"},
    {"10.0.0.15:9100", 14403173037074434771ULL, 572, "collector-2", "collector-0"},
    {"10.0.0.16:9100", 14216158546905792982ULL, 540, "collector-1", "collector-0"},
    {"10.0.0.17:9100", 4699411334556753275ULL, 220, "collector-2", "collector-1"},
    {"10.0.0.18:9100", 13265344883487257252ULL, 992, "collector-2", "collector-0"},
    {"10.0.0.19:9100", 14782737563144865399ULL, 72, "collector-2", "collector-2"},
    {"10.0.0.20:9100", 15276934251415187087ULL, 862, "collector-2", "collector-0"},
};

std::vector<std::string> names(size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back("collector-" + std::to_string(i));
  return out;
}

std::vector<int> counts(const HashRing& ring) {
  std::vector<int> c(ring.members().size(), 0);
  for (const auto& v : kVectors) ++c[ring.locate(v.address)];
  return c;
}

std::vector<int> partitions_owned(const HashRing& ring) {
  std::vector<int> c(ring.members().size(), 0);
  for (uint64_t p = 0; p < HashRing::kPartitionCount; ++p) ++c[ring.partition_owner(p)];
  return c;
}

std::string owner(const HashRing& ring, const char* key) { return ring.members()[ring.locate(key)]; }

TEST(HashRing, Section9HashesAndPartitions) {
  for (const auto& v : kVectors) {
    EXPECT_EQ(xxh64(v.address), v.xxh64) << v.address;
    EXPECT_EQ(HashRing::partition_of(v.address), v.partition) << v.address;
  }
}

TEST(HashRing, Section9PlacementsV0_10) {
  HashRing ring(names(3), RingVersion::kV0_10);
  for (const auto& v : kVectors) EXPECT_EQ(owner(ring, v.address), v.v0_10) << v.address;
  EXPECT_EQ(counts(ring), (std::vector<int>{1, 8, 11}));
  EXPECT_EQ(partitions_owned(ring), (std::vector<int>{327, 389, 345}));
}

TEST(HashRing, Section9PlacementsV1_0) {
  HashRing ring(names(3), RingVersion::kV1_0);
  for (const auto& v : kVectors) EXPECT_EQ(owner(ring, v.address), v.v1_0) << v.address;
  EXPECT_EQ(counts(ring), (std::vector<int>{12, 4, 4}));
  EXPECT_EQ(partitions_owned(ring), (std::vector<int>{281, 390, 390}));
}

TEST(HashRing, Section9FiveCollectors) {
  EXPECT_EQ(counts(HashRing(names(5), RingVersion::kV0_10)), (std::vector<int>{0, 6, 7, 3, 4}));
  EXPECT_EQ(counts(HashRing(names(5), RingVersion::kV1_0)), (std::vector<int>{8, 3, 2, 3, 4}));
}

int moves(const HashRing& a, const HashRing& b) {
  int n = 0;
  for (const auto& v : kVectors) n += owner(a, v.address) != owner(b, v.address);
  return n;
}

TEST(HashRing, Section9ScaleOutAndIn) {
  for (auto [version, add, remove] : {std::tuple{RingVersion::kV0_10, 4, 8},
                                      std::tuple{RingVersion::kV1_0, 7, 4}}) {
    HashRing three(names(3), version);
    EXPECT_EQ(moves(three, HashRing(names(4), version)), add);
    HashRing without_1({"collector-0", "collector-2"}, version);
    EXPECT_EQ(moves(three, without_1), remove);
  }
}

TEST(HashRing, MemberOrderDoesNotMatter) {
  HashRing a(names(3), RingVersion::kV1_0);
  HashRing b({"collector-2", "collector-0", "collector-1"}, RingVersion::kV1_0);
  for (const auto& v : kVectors) EXPECT_EQ(owner(a, v.address), owner(b, v.address));
}

TEST(HashRing, LoadCaps) {
  EXPECT_EQ(HashRing::load_cap(3, RingVersion::kV0_10), 389u);
  EXPECT_EQ(HashRing::load_cap(3, RingVersion::kV1_0), 390u);
  EXPECT_EQ(HashRing::load_cap(4, RingVersion::kV0_10), 292u);
  EXPECT_EQ(HashRing::load_cap(4, RingVersion::kV1_0), 292u);
  EXPECT_EQ(HashRing::load_cap(5, RingVersion::kV0_10), 234u);
  EXPECT_EQ(HashRing::load_cap(2, RingVersion::kV0_10), 583u);
  EXPECT_EQ(HashRing::load_cap(2, RingVersion::kV1_0), 584u);
  EXPECT_EQ(HashRing::load_cap(1062, RingVersion::kV0_10), 0u);
}

TEST(HashRing, EdgeCases) {
  HashRing empty({}, RingVersion::kV0_10);
  EXPECT_EQ(empty.locate("x"), -1);
  HashRing one({"only"}, RingVersion::kV0_10);
  EXPECT_EQ(one.locate("x"), 0);
  EXPECT_THROW(HashRing(names(1062), RingVersion::kV0_10), Error);
  HashRing many(names(1062), RingVersion::kV1_0);  // v1.0 copes: cap 2
  EXPECT_GE(many.locate("x"), 0);
}

TEST(HashRing, VersionNames) {
  EXPECT_EQ(parse_ring_version("0.10"), RingVersion::kV0_10);
  EXPECT_EQ(parse_ring_version("v1"), RingVersion::kV1_0);
  EXPECT_FALSE(parse_ring_version("2.0"));
}

}  // namespace
}  // namespace promotel::targetalloc

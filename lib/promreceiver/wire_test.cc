#include "promreceiver/wire.h"

#include <gtest/gtest.h>

#include <random>
#include <span>
#include <string>
#include <string_view>

namespace promotel::promreceiver {
namespace {

// A message of nested fields, long and short strings and numbers, made from a seed.
void write_message(WireWriter& w, uint32_t seed, int fields) {
  std::mt19937 random(seed);
  std::vector<size_t> open;
  for (int i = 0; i < fields; ++i) {
    switch (random() % 5) {
      case 0:
        open.push_back(w.begin(1 + random() % 15));
        break;
      case 1:
        if (!open.empty()) {
          w.end(open.back());
          open.pop_back();
        }
        break;
      case 2: {
        // Mostly short strings, some longer than the stretches handed over as views.
        size_t size = random() % 8 == 0 ? random() % 5000 : random() % 40;
        w.string_field(2, std::string(size, static_cast<char>('a' + i % 26)));
        break;
      }
      case 3:
        w.varint_if_set(3, random());
        break;
      default:
        w.fixed64_if_set(4, random());
        break;
    }
  }
  while (!open.empty()) {
    w.end(open.back());
    open.pop_back();
  }
}

TEST(WireWriter, GatheredPiecesAreTheFinishedMessage) {
  for (uint32_t seed = 1; seed <= 30; ++seed) {
    // Small messages, and some whose prefixes and short stretches fill the staging buffer
    // more than once.
    int fields = seed % 3 == 0 ? 60000 : static_cast<int>(seed * 37);
    WireWriter w;
    write_message(w, seed, fields);
    std::string expected;
    w.finish(&expected);
    ASSERT_EQ(expected.size(), w.size());

    std::string joined;
    size_t calls = 0;
    w.finish_gathered([&](std::span<const std::string_view> pieces) {
      ++calls;
      EXPECT_FALSE(pieces.empty());
      for (std::string_view piece : pieces) {
        EXPECT_FALSE(piece.empty());
        joined.append(piece);
      }
    });
    EXPECT_EQ(joined, expected) << "seed " << seed;
    if (fields >= 60000) {
      EXPECT_GT(calls, 1u) << "seed " << seed;
    }
    // Gathered twice, the same bytes (the writer's state is left as it was).
    std::string again;
    w.finish_gathered([&](std::span<const std::string_view> pieces) {
      for (std::string_view piece : pieces) again.append(piece);
    });
    EXPECT_EQ(again, expected);
  }
}

TEST(WireWriter, EmptyMessageHandsOverNothing) {
  WireWriter w;
  size_t calls = 0;
  w.finish_gathered([&](std::span<const std::string_view>) { ++calls; });
  EXPECT_EQ(calls, 0u);
}

}  // namespace
}  // namespace promotel::promreceiver

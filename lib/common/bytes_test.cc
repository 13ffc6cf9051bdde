#include "common/bytes.h"

#include <gtest/gtest.h>

#include <string>

namespace promotel {
namespace {

// Every length up to 40, a difference at every position: the word tricks must agree with
// memcmp/memcpy exactly.
TEST(Bytes, SameBytesAndCopyShortAgreeWithTheLibrary) {
  for (size_t n = 0; n <= 40; ++n) {
    std::string a(n, 'x');
    for (size_t i = 0; i < n; ++i) a[i] = static_cast<char>('a' + (i * 7) % 26);
    std::string b = a;
    EXPECT_TRUE(same_bytes(a, b)) << n;
    for (size_t i = 0; i < n; ++i) {
      std::string c = a;
      c[i] = static_cast<char>(c[i] ^ 0x40);
      EXPECT_FALSE(same_bytes(a, c)) << n << " " << i;
      EXPECT_FALSE(same_bytes(a.data(), c.data(), n)) << n << " " << i;
    }
    EXPECT_FALSE(same_bytes(a, a + "y"));
    std::string to(n + 8, '#');
    copy_short(to.data() + 1, a.data(), n);
    EXPECT_EQ(to.substr(1, n), a) << n;
    EXPECT_EQ(to[0], '#');
    EXPECT_EQ(to.substr(n + 1), std::string(7, '#')) << n;
  }
}

TEST(Bytes, ShortHashDependsOnEveryByteAndTheLength) {
  const char text[] = "abcdefghijklmnop";
  for (size_t n = 1; n <= 16; ++n) {
    EXPECT_NE(short_hash(text, n), short_hash(text, n - 1)) << n;
    std::string changed(text, n);
    changed[n - 1] = '!';
    EXPECT_NE(short_hash(text, n), short_hash(changed.data(), n)) << n;
  }
}

}  // namespace
}  // namespace promotel

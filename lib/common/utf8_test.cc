#include "common/utf8.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace promotel {
namespace {

TEST(Utf8, AsciiEightBytesAtATimeAndTheTail) {
  EXPECT_TRUE(is_ascii(""));
  EXPECT_TRUE(is_ascii("plain ascii text, longer than eight bytes"));
  EXPECT_FALSE(is_ascii("0123456789abcde\xc3\xa9"));  // in the tail
  EXPECT_FALSE(is_ascii("\xc3\xa9" "0123456789abcdef"));  // in the first word
}

TEST(Utf8, AsciiFindsAHighByteAtEveryPositionOfEveryLength) {
  // Inside a larger buffer, so that a load outside the view would see the high bytes around it.
  std::string buffer(80, '\x80');
  for (size_t n = 0; n <= 40; ++n) {
    std::string_view text(buffer.data() + 20, n);
    std::fill(buffer.begin() + 20, buffer.begin() + 20 + n, 'a');
    EXPECT_TRUE(is_ascii(text)) << n;
    for (size_t at = 0; at < n; ++at) {
      buffer[20 + at] = '\xff';
      EXPECT_FALSE(is_ascii(text)) << n << " " << at;
      buffer[20 + at] = 'a';
    }
    std::fill(buffer.begin() + 20, buffer.begin() + 20 + n, '\x80');
  }
}

TEST(Utf8, StrictLikeGo) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("测试🚀 café"));
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));   // U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong, three bytes
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe6\xb5"));          // truncated
  EXPECT_FALSE(is_valid_utf8("a\xffz"));            // never valid
}

TEST(Utf8, CountsCodePoints) {
  EXPECT_EQ(count_code_points("abc"), 3u);
  EXPECT_EQ(count_code_points("测试🚀"), 3u);
}

}  // namespace
}  // namespace promotel

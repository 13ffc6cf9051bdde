#include "common/text.h"

#include <gtest/gtest.h>

namespace promotel {
namespace {

TEST(Text, TrimSpaceRemovesAsciiWhiteSpaceAtBothEnds) {
  EXPECT_EQ(trim_space(" \t\r\n token \v\f\n"), "token");
  EXPECT_EQ(trim_space("a b"), "a b");
  EXPECT_EQ(trim_space(" \n\t "), "");
  EXPECT_EQ(trim_space(""), "");
  EXPECT_EQ(trim_space("\xc2\xa0x"), "\xc2\xa0x");  // only ASCII white space
}

TEST(Text, EqualsIgnoreCaseFoldsAsciiLettersOnly) {
  EXPECT_TRUE(equals_ignore_case("Content-Type", "content-type"));
  EXPECT_TRUE(equals_ignore_case("", ""));
  EXPECT_FALSE(equals_ignore_case("accept", "accept-encoding"));
  EXPECT_FALSE(equals_ignore_case("[", "{"));  // '[' + 32 == '{', but neither is a letter
}

}  // namespace
}  // namespace promotel

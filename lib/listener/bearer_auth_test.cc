#include "listener/bearer_auth.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "common/error.h"

namespace promotel::listener {
namespace {

TEST(BearerAuth, DisabledAllowsEverything) {
  BearerAuth auth;
  EXPECT_FALSE(auth.enabled());
  EXPECT_TRUE(auth.allows(""));
  EXPECT_TRUE(auth.allows("Bearer x"));
}

TEST(BearerAuth, OnlyTheExactTokenWithTheBearerScheme) {
  BearerAuth auth("s3cret-token");
  EXPECT_TRUE(auth.enabled());
  EXPECT_TRUE(auth.allows("Bearer s3cret-token"));
  EXPECT_TRUE(auth.allows("bearer s3cret-token"));  // the scheme is case-insensitive
  EXPECT_TRUE(auth.allows("BEARER   s3cret-token "));
  EXPECT_FALSE(auth.allows(""));
  EXPECT_FALSE(auth.allows("Bearer"));
  EXPECT_FALSE(auth.allows("Bearer "));
  EXPECT_FALSE(auth.allows("s3cret-token"));
  EXPECT_FALSE(auth.allows("Basic s3cret-token"));
  EXPECT_FALSE(auth.allows("Bearers3cret-token"));
  EXPECT_FALSE(auth.allows("Bearer s3cret-toke"));
  EXPECT_FALSE(auth.allows("Bearer s3cret-token2"));
  EXPECT_FALSE(auth.allows("Bearer S3CRET-TOKEN"));  // the token itself is case-sensitive
}

TEST(BearerAuth, EmptyTokenIsAnError) { EXPECT_THROW(BearerAuth(""), Error); }

TEST(BearerAuth, TokenFileIsTrimmedAndNeverQuoted) {
  std::string path = ::testing::TempDir() + "/bearer_auth_test_token";
  std::ofstream(path) << "  tok-123\n";
  EXPECT_EQ(read_token_file(path), "tok-123");
  std::ofstream(path) << "\n";
  try {
    read_token_file(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
  std::remove(path.c_str());
  EXPECT_THROW(read_token_file(path), Error);
}

}  // namespace
}  // namespace promotel::listener

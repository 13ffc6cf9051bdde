// Regression tests for faults found by the reliability work (fuzz/, tests/e2e).

#include <gtest/gtest.h>

#include <string>

#include "common/error.h"
#include "remotewrite/encode.h"

namespace promotel::remotewrite {
namespace {

// fuzz_remote_write: six bytes whose length header says 4 GiB made snappy_uncompress allocate
// 4 GiB before finding the body corrupt.
TEST(SnappyRegression, CorruptBodyIsRejectedBeforeAllocating) {
  std::string out;
  EXPECT_THROW(snappy_uncompress(std::string("\xfe\xff\xff\xf9\x0f\x0a", 6), out), Error);
  EXPECT_LT(out.capacity(), size_t{1} << 20);
}

TEST(SnappyRegression, ValidBodiesStillDecode) {
  std::string packed, out;
  snappy_compress("hello hello hello hello", packed);
  snappy_uncompress(packed, out);
  EXPECT_EQ(out, "hello hello hello hello");
}

}  // namespace
}  // namespace promotel::remotewrite

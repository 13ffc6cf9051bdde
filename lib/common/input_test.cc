#include "common/input.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/error.h"

namespace promotel {
namespace {

std::string write_temp(const std::string& name, const std::string& content) {
  auto path = std::filesystem::temp_directory_path() / ("promotel_input_test_" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

TEST(ReadSecretFile, DropsWhiteSpaceAroundTheSecretLikePrometheus) {
  std::string path = write_temp("secret", " \t s3cr et\r\n\n");
  EXPECT_EQ(read_secret_file(path), "s3cr et");
  EXPECT_EQ(read_file(path), " \t s3cr et\r\n\n");
  std::filesystem::remove(path);
}

TEST(ReadSecretFile, MissingFileIsAnErrorNamingIt) {
  try {
    read_secret_file("/nonexistent/promotel/secret");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/promotel/secret"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace promotel

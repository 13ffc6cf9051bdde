#include "promreceiver/documents.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace promotel::promreceiver {
namespace {

// Hands out one byte per read, so "# EOF" lines straddle every possible chunk boundary.
class TrickleReader : public Reader {
 public:
  explicit TrickleReader(std::string data) : data_(std::move(data)) {}
  size_t read(char* buffer, size_t size) override {
    if (pos_ == data_.size() || size == 0) return 0;
    *buffer = data_[pos_++];
    return 1;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string data_;
  size_t pos_ = 0;
  std::string name_ = "<test>";
};

std::vector<std::string> split(Reader& in) {
  OpenMetricsDocuments documents(in);
  std::vector<std::string> out;
  do {
    std::string doc;
    char buffer[3];
    for (size_t n; (n = documents.read(buffer, sizeof buffer)) != 0;) doc.append(buffer, n);
    out.push_back(doc);
  } while (documents.next_document());
  return out;
}

TEST(OpenMetricsDocuments, SplitsAfterEachEofLine) {
  TrickleReader in("a 1\n# EOF\n# TYPE b gauge\nb 2\n# EOF\n");
  EXPECT_EQ(split(in), (std::vector<std::string>{"a 1\n# EOF\n", "# TYPE b gauge\nb 2\n# EOF\n"}));
}

TEST(OpenMetricsDocuments, KeepsWhatFollowsTheLastEofAsADocument) {
  StringReader in("a 1\n# EOF\nblah");
  EXPECT_EQ(split(in), (std::vector<std::string>{"a 1\n# EOF\n", "blah"}));
}

TEST(OpenMetricsDocuments, OnlyAWholeEofLineEndsADocument) {
  StringReader in("# EOFX\na 1\n# EOF");
  EXPECT_EQ(split(in), (std::vector<std::string>{"# EOFX\na 1\n# EOF"}));
}

TEST(OpenMetricsDocuments, NamesLaterDocuments) {
  StringReader in("a 1\n# EOF\nb 1\n# EOF\n", "in.txt");
  OpenMetricsDocuments documents(in);
  EXPECT_EQ(documents.name(), "in.txt");
  char buffer[64];
  while (documents.read(buffer, sizeof buffer) != 0) {
  }
  ASSERT_TRUE(documents.next_document());
  EXPECT_EQ(documents.name(), "in.txt (document 2)");
}

}  // namespace
}  // namespace promotel::promreceiver

#include "remotewrite/batch.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace promotel::remotewrite {
namespace {

// The encoded name part SeriesBuilder keeps per layout: `0a <name length> name 12`, padded.
std::string name_part(const std::string& name) {
  std::string part;
  part += char(0x0a);
  part += char(name.size() & 0x7f);
  part += name;
  part += char(0x12);
  part.append(Batch::kNamePartPadding, '\xee');  // what lies after must never be kept
  return part;
}

// Series written from pre-encoded name parts have the bytes of series written from names, for
// every name and value length around the one-byte length limit and the 16/32-byte copies.
TEST(Batch, NamePartsWriteTheSameLabelBytes) {
  std::vector<size_t> lengths;
  for (size_t n = 1; n <= 40; ++n) lengths.push_back(n);
  for (size_t n : {60, 100, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 200, 300}) lengths.push_back(n);
  for (size_t name_size : lengths) {
    for (size_t value_size : lengths) {
      std::string name = "a" + std::string(name_size - 1, 'n');
      std::string value(value_size, 'v');
      value.back() = 'z';
      std::vector<std::string> parts = {name_part("__name__"), name_part(name), name_part("zz")};
      std::vector<model::Label> labels = {{"__name__", "metric"}, {name, value}, {"zz", value}};
      std::vector<const char*> starts;
      for (const auto& p : parts) starts.push_back(p.data());

      Batch plain, with_parts;
      uint32_t a = plain.series(labels, 7);
      uint32_t b = with_parts.series(labels, starts.data(), 7);
      ASSERT_EQ(a, 0u);
      ASSERT_EQ(b, 0u);
      ASSERT_EQ(plain.bytes(plain.all_series()[0].labels), with_parts.bytes(with_parts.all_series()[0].labels))
          << "name " << name_size << " value " << value_size;
      // The same series again is found, not added.
      EXPECT_EQ(with_parts.series(labels, starts.data(), 7), 0u);
      EXPECT_EQ(with_parts.series(labels, 7), 0u);
      EXPECT_EQ(with_parts.series_count(), 1u);
    }
  }
}

}  // namespace
}  // namespace promotel::remotewrite

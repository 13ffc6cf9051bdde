#include "remotewrite/batch.h"

#include <gtest/gtest.h>

#include <set>
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
      // Written by the caller (as SeriesBuilder does for a known layout), hash folded in.
      Batch written;
      uint32_t c = written.series_written(4096, 7, [&](char* p, SeriesHash& hash) {
        for (size_t k = 0; k < labels.size(); ++k) {
          p = Batch::put_label_entry(p, labels[k].name, starts[k], labels[k].value, hash);
        }
        return p;
      });
      ASSERT_EQ(c, 0u);
      ASSERT_EQ(written.bytes(written.all_series()[0].labels), plain.bytes(plain.all_series()[0].labels));
      // The hash is the same whichever way the bytes were written.
      EXPECT_EQ(plain.all_series()[0].hash, with_parts.all_series()[0].hash);
      EXPECT_EQ(plain.all_series()[0].hash, written.all_series()[0].hash);
      // The same series again is found, not added.
      EXPECT_EQ(with_parts.series(labels, starts.data(), 7), 0u);
      EXPECT_EQ(with_parts.series(labels, 7), 0u);
      EXPECT_EQ(written.series(labels, 7), 0u);
      EXPECT_EQ(with_parts.series_count(), 1u);
      EXPECT_EQ(written.series_count(), 1u);
    }
  }
}

// The series hash tells apart label sets that differ a little, as real ones do: one character
// of one value, values swapped between places, a value moved to another label, every length.
TEST(SeriesHash, StructuredLabelSetsDoNotCollide) {
  std::set<uint64_t> seen;
  size_t sets = 0;
  auto hash_of = [](const std::vector<std::string>& values) {
    SeriesHash h;
    for (const auto& v : values) h.add(v);
    return h.finish();
  };
  const std::vector<std::string> methods = {"GET", "POST", "PUT", "DELETE", "PATCH"};
  for (int family = 0; family < 40; ++family) {
    std::string name = "http_requests_" + std::to_string(10000 + family) + "_total";
    for (int i = 0; i < 256; ++i) {
      std::vector<std::string> values = {name, std::to_string(200 + i % 5),
                                         "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ":8080",
                                         "svc-" + std::to_string(family), methods[i % 5], "us-east-1"};
      seen.insert(hash_of(values));
      std::swap(values[1], values[4]);
      seen.insert(hash_of(values));
      sets += 2;
    }
  }
  for (size_t n = 1; n <= 300; ++n) {  // (the empty value is the same for both characters)
    for (char c : {'a', 'b'}) {
      seen.insert(hash_of({std::string(n, c)}));
      seen.insert(hash_of({"x", std::string(n, c)}));
      sets += 2;
    }
  }
  for (size_t n = 1; n <= 80; ++n) {  // one byte changed, at every place (word overlaps included)
    std::string base;
    for (size_t i = 0; i < n; ++i) base += char('a' + i % 26);
    for (size_t j = 0; j < n; ++j) {
      std::string changed = base;
      changed[j] = '0' + j % 10;
      seen.insert(hash_of({"m", changed}));
      ++sets;
    }
  }
  EXPECT_EQ(seen.size(), sets);
  // The low bits pick the table slot: they spread too.
  std::set<uint64_t> slots;
  for (uint64_t h : seen) slots.insert(h & 4095);
  EXPECT_GT(slots.size(), 4096u * 9 / 10);
}

}  // namespace
}  // namespace promotel::remotewrite

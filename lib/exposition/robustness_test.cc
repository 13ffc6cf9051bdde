// Bad input must give a promotel::Error, never a crash or another exception: every parser is
// fed deterministic random mutations (byte flips, insertions, deletions, truncations) of real
// inputs. (Build with -DPROMOTEL_SANITIZE=ON to have ASan/UBSan watch this.)

#include <gtest/gtest.h>

#include <random>

#include "common/input.h"
#include "exposition/parser.h"

namespace promotel::exposition {
namespace {

std::string mutate(const std::string& in, std::mt19937& rng) {
  std::string s = in;
  static const char kInteresting[] = "\n \t{}\",=#\\\r\x80\xff" "0123456789eE+-.";
  int edits = 1 + static_cast<int>(rng() % 8);
  for (int i = 0; i < edits && !s.empty(); ++i) {
    size_t pos = rng() % s.size();
    switch (rng() % 5) {
      case 0: s[pos] = static_cast<char>(rng()); break;
      case 1: s[pos] = kInteresting[rng() % (sizeof kInteresting - 1)]; break;
      case 2: s.insert(pos, 1, kInteresting[rng() % (sizeof kInteresting - 1)]); break;
      case 3: s.erase(pos, 1 + rng() % 4); break;
      case 4: s.resize(pos); break;
    }
  }
  return s;
}

void parse_all(const std::string& data, ParseOptions options) {
  StringReader reader(data, "fuzz");
  auto parser = make_parser(reader, options);
  for (Entry e; (e = parser->next()) != Entry::kEnd;) {
    if (e == Entry::kSample) {
      const auto& s = parser->sample();
      for (const auto& l : s.labels) (void)l.value.size();
      if (s.exemplar)
        for (const auto& l : s.exemplar->labels) (void)l.value.size();
    }
  }
}

TEST(Robustness, MutatedInputsOnlyEverThrowError) {
  struct Seed {
    const char* file;
    Format format;
  };
  const std::string root = "../shared/testdata/";
  std::mt19937 rng(20261121);
  int errors = 0, accepted = 0;
  for (const Seed& seed : {Seed{"exposition/node_exporter.prom", Format::kPrometheusText},
                           Seed{"exposition/prometheus-textparse/alltypes.5mfs.om.txt", Format::kOpenMetrics},
                           Seed{"openmetrics/roundtrip/metrics", Format::kOpenMetrics},
                           Seed{"openmetrics/exemplars_with_hash_in_label_values/metrics", Format::kOpenMetrics},
                           Seed{"exposition/protobuf/prometheus_textparse_testproto.pb.delimited", Format::kProtobuf},
                           Seed{"exposition/expfmt/protobuf.pb.delimited", Format::kProtobuf}}) {
    std::string original = read_file(root + seed.file);
    for (int round = 0; round < 300; ++round) {
      std::string data = mutate(original, rng);
      for (bool strict : {false, true}) {
        try {
          parse_all(data, {.format = seed.format, .strict = strict});
          ++accepted;
        } catch (const Error&) {
          ++errors;
        } catch (const std::exception& e) {
          ADD_FAILURE() << seed.file << " round " << round << ": unexpected exception " << e.what();
        }
      }
    }
  }
  EXPECT_GT(errors, 0);
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace promotel::exposition

// Runs every text-0.0.4 probe of ../shared/testdata/prom004-probes through the lenient 0.0.4
// parser and checks our verdict against the table we commit (prom004_verdicts.tsv). Each case
// where our verdict differs from the Prometheus server's (observed.tsv) must be justified in
// PROBES.md.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "common/input.h"
#include "exposition/text_parser.h"

namespace promotel::exposition {
namespace {

namespace fs = std::filesystem;
const fs::path kProbes = "../shared/testdata/prom004-probes";
const fs::path kOurs = "lib/exposition/prom004_verdicts.tsv";
const fs::path kDoc = "lib/exposition/PROBES.md";

// case → columns, from a tab-separated file with a header line.
std::map<std::string, std::vector<std::string>> read_tsv(const fs::path& path) {
  std::map<std::string, std::vector<std::string>> rows;
  std::istringstream in(read_file(path.string()));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::istringstream fields(line);
    for (std::string f; std::getline(fields, f, '\t');) cols.push_back(f);
    rows[cols.at(0)] = cols;
  }
  return rows;
}

std::string verdict(const fs::path& file, std::string* error) {
  Input input(file.string());
  TextParser parser(input, {.format = Format::kPrometheusText});
  try {
    while (parser.next() != Entry::kEnd) {
    }
  } catch (const Error& e) {
    *error = e.what();
    return "reject";
  }
  return "accept";
}

TEST(Prom004Probes, VerdictsMatchOurTableAndDifferencesFromPrometheusAreJustified) {
  auto observed = read_tsv(kProbes / "observed.tsv");
  auto ours = read_tsv(kOurs);
  std::string doc = read_file(kDoc.string());
  ASSERT_EQ(observed.size(), 43u);
  int same = 0, differ = 0;
  for (const auto& [name, cols] : observed) {
    std::string error;
    std::string got = verdict(kProbes / (name + ".prom"), &error);
    if (!ours.contains(name) || ours[name].size() < 2)
      ADD_FAILURE() << name << " missing from " << kOurs;
    else
      EXPECT_EQ(got, ours[name][1]) << name << ": " << error;
    const std::string& prometheus = cols.at(2);
    if (got == prometheus) {
      ++same;
    } else {
      ++differ;
      EXPECT_NE(doc.find("`" + name + "`"), std::string::npos)
          << name << ": differs from Prometheus (" << prometheus << ") but PROBES.md does not justify it";
    }
    std::cout << name << "\t" << got << (error.empty() ? "" : "\t" + error) << "\n";
  }
  std::cout << "text 0.0.4 probes: " << same << " as Prometheus v2.45, " << differ << " differ (see PROBES.md)\n";
}

}  // namespace
}  // namespace promotel::exposition

// A main() for the fuzz programs when libFuzzer is not linked (any compiler): runs
// LLVMFuzzerTestOneInput once per file given, walking directories recursively. CTest uses it
// to replay the committed crash inputs (fuzz/regressions/) and the seed corpora, so a fixed
// crash stays fixed in the normal and the sanitized test suites.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

size_t replay(const std::filesystem::path& path, size_t max_size) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(1);
  }
  if (bytes.size() > max_size) return 0;
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  size_t max_size = SIZE_MAX;
  size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--max-size=", 0) == 0) {
      max_size = std::stoull(arg.substr(11));
      continue;
    }
    fs::path path(arg);
    if (!fs::exists(path)) {
      std::fprintf(stderr, "no such file or directory: %s\n", path.c_str());
      return 1;
    }
    if (fs::is_directory(path)) {
      std::vector<fs::path> files;
      for (const auto& entry : fs::recursive_directory_iterator(path))
        if (entry.is_regular_file()) files.push_back(entry.path());
      std::sort(files.begin(), files.end());
      for (const auto& f : files) count += replay(f, max_size);
    } else {
      count += replay(path, max_size);
    }
  }
  std::printf("replayed %zu inputs\n", count);
  return 0;
}

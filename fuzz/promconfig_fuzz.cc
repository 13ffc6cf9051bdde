// Fuzzes taplan's YAML inputs that exist so far: a Prometheus configuration (with target
// discovery from static configs and relabeling of every target), a file_sd file (JSON or
// YAML), and durations.

#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_input.h"
#include "promconfig/config.h"
#include "promconfig/duration.h"
#include "promconfig/targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace promotel;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz::expect_only_promotel_errors("promconfig", [&] {
    auto config = promconfig::parse_config_text(input, "<fuzz>", "/nonexistent");
    for (const auto& job : config.scrape_configs) {
      // Only static configs: file_sd would read files named by the input.
      auto static_only = job;
      static_only.file_sd_configs.clear();
      for (const auto& group : promconfig::discover_static_and_files(static_only, "/nonexistent"))
        for (const auto& target : group.targets) {
          auto populated = promconfig::populate_labels(job, promconfig::merge_labels(group.labels, target));
          if (!populated.dropped && populated.error.empty()) promconfig::target_url(job, populated.labels);
        }
    }
  });
  fuzz::expect_only_promotel_errors("file_sd", [&] { promconfig::parse_file_sd(input, "<fuzz>"); });
  if (auto ms = promconfig::parse_duration(input)) {
    if (promconfig::parse_duration(promconfig::format_duration(*ms)) != ms) std::abort();
  }
  return 0;
}

#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "k8s/objects.h"
#include "monitors/monitor.h"
#include "targetalloc/plan.h"
#include "targetalloc/ta_config.h"

namespace promotel::taplan {

// The command-line inputs shared by plan, diff, serve and validate.
struct InputOptions {
  std::vector<std::string> configs;
  std::vector<std::string> objects;
  std::vector<std::string> monitors;
  std::string monitor_selector;
  std::string namespace_selector;
  size_t collector_count = 0;
  std::vector<std::string> collector_names;
  std::string collector_prefix = "collector";
  std::string collector_selector;
  std::string collector_namespace;
  std::string strategy;
  std::string fallback_strategy;
  std::string ring = "0.10";
  std::optional<std::string> filter_strategy;
};

void add_input_options(CLI::App& app, InputOptions& options, bool with_collectors = true);

// Everything read from the inputs, before allocation.
struct LoadedInputs {
  std::vector<targetalloc::TaConfig> configs;
  k8s::ObjectStore objects;
  std::vector<monitors::Monitor> monitors;
  monitors::MonitorSelection selection;
  int64_t monitor_interval_ms = 30 * 1000;
  targetalloc::PlanRequest request;  // jobs, collectors, allocation options, filter
  std::vector<std::string> warnings;
};

// Reads every file and resolves the collectors and the strategy (flags override the TA
// config). Throws promotel::Error on bad input; usage problems too (the caller maps them).
LoadedInputs load_inputs(const InputOptions& options);

}  // namespace promotel::taplan

// taplan: the OpenTelemetry Target Allocator, offline.
#include <iostream>

#include <CLI/CLI.hpp>

#include "common/error.h"
#include "common/exit_code.h"
#include "common/output.h"
#include "common/tool.h"
#include "inputs.h"
#include "targetalloc/plan.h"

namespace {

using namespace promotel;
using namespace promotel::targetalloc;

struct PlanOptions {
  taplan::InputOptions inputs;
  std::string output = "summary";
  std::string file_sd_collector;
};

int run_plan(PlanOptions& o) {
  // With -o file-sd, the last --collector names the collector to write; the collector set
  // comes from --collectors, --collector-selector or the other --collector flags.
  std::string file_sd_for;
  if (o.output == "file-sd") {
    if (o.inputs.collector_names.empty()) throw Error("-o file-sd needs --collector NAME");
    file_sd_for = o.inputs.collector_names.back();
    o.inputs.collector_names.pop_back();
    if (o.inputs.collector_names.empty() && o.inputs.collector_count == 0 && o.inputs.collector_selector.empty() &&
        o.inputs.objects.empty())
      throw Error("-o file-sd needs the collector set too (--collectors N, --collector-selector or more --collector)");
  }
  auto in = taplan::load_inputs(o.inputs);
  for (const auto& w : in.warnings) print_warning("taplan", w);
  Plan plan = make_plan(std::move(in.request));
  Output out;
  if (o.output == "summary") {
    out.write(summary_text(plan));
  } else if (o.output == "json") {
    out.write(plan_json(plan).dump(2) + "\n");
  } else if (o.output == "ta") {
    out.write(ta_json(plan).dump(2) + "\n");
  } else if (o.output == "file-sd") {
    out.write(file_sd_json(plan, file_sd_for).dump(2) + "\n");
  }
  out.flush();
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The OpenTelemetry Target Allocator, offline: plans, what-if diffs, monitor validation, "
               "and the TA's HTTP API for a static plan.",
               "taplan"};
  promotel::setup_app(app);
  app.require_subcommand(1);

  PlanOptions plan;
  auto* plan_cmd = app.add_subcommand("plan", "Compute which collector scrapes which target");
  taplan::add_input_options(*plan_cmd, plan.inputs);
  plan_cmd->add_option("-o,--output", plan.output, "summary | json | ta | file-sd (with --collector NAME)")
      ->check(CLI::IsMember({"summary", "json", "ta", "file-sd"}))
      ->capture_default_str();

  if (int rc = promotel::parse_args(app, argc, argv); rc >= 0) return rc;
  return promotel::run_tool("taplan", [&] {
    if (plan_cmd->parsed()) return run_plan(plan);
    return static_cast<int>(promotel::kExitUsage);
  });
}

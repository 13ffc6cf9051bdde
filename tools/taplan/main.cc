// taplan: the OpenTelemetry Target Allocator, offline.
#include <iostream>
#include <set>
#include <tuple>

#include <CLI/CLI.hpp>

#include "common/error.h"
#include "common/exit_code.h"
#include "common/output.h"
#include "common/tool.h"
#include "inputs.h"
#include "targetalloc/plan.h"
#include "targetalloc/validate.h"

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

struct ValidateOptions {
  taplan::InputOptions inputs;
  std::string output = "text";
  bool warnings_as_errors = false;
};

int run_validate(ValidateOptions& o) {
  std::vector<monitors::Finding> findings;
  auto in = taplan::load_inputs(o.inputs, &findings);
  bool have_objects = !o.inputs.objects.empty();
  auto more = monitors::validate_monitors(in.monitors, in.objects, have_objects, in.monitor_interval_ms);
  std::set<std::string> reported;
  for (const auto& f : more) reported.insert(f.subject);
  findings.insert(findings.end(), more.begin(), more.end());
  for (const auto& s : in.skipped)
    if (!reported.contains(s.id))
      findings.push_back({monitors::Severity::kError, SourcePosition{}, s.id, "invalid-monitor", s.reason});
  auto dups = check_duplicate_jobs(in.request.jobs);
  findings.insert(findings.end(), dups.begin(), dups.end());
  if (have_objects || in.request.allocation.strategy == Strategy::kPerNode) {
    PlanRequest per_node = in.request;
    per_node.allocation = {Strategy::kPerNode, std::nullopt, in.request.allocation.ring};
    per_node.with_scrape_labels = false;
    // Without known collectors, put one on every node so only node-less targets show up.
    if (per_node.collectors.empty()) {
      std::set<std::string> nodes;
      for (const auto& p : in.objects.pods)
        if (!p.node_name.empty()) nodes.insert(p.node_name);
      for (const auto& n : nodes) per_node.collectors.push_back({"on-" + n, n});
      if (per_node.collectors.empty()) per_node.collectors.push_back({"nowhere", ""});
    }
    std::vector<Job> jobs = per_node.jobs;
    Plan plan = make_plan(std::move(per_node));
    auto pn = check_per_node(plan, jobs);
    findings.insert(findings.end(), pn.begin(), pn.end());
  }
  std::stable_sort(findings.begin(), findings.end(), [](const monitors::Finding& a, const monitors::Finding& b) {
    return std::tie(a.where.file, a.where.line, a.where.column) < std::tie(b.where.file, b.where.line, b.where.column);
  });
  size_t errors = 0, warnings = 0;
  for (const auto& f : findings) (f.severity == monitors::Severity::kError ? errors : warnings)++;
  Output out;
  if (o.output == "json") {
    nlohmann::ordered_json j;
    j["errors"] = errors;
    j["warnings"] = warnings;
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& f : findings) {
      nlohmann::ordered_json e;
      e["severity"] = std::string(monitors::severity_name(f.severity));
      e["file"] = f.where.file;
      e["line"] = f.where.line;
      e["column"] = f.where.column;
      e["subject"] = f.subject;
      e["check"] = f.check;
      e["message"] = f.message;
      list.push_back(e);
    }
    j["findings"] = list;
    out.write(j.dump(2) + "\n");
  } else {
    for (const auto& f : findings) {
      std::string where = f.where.file.empty() ? "" : f.where.to_string() + ": ";
      out.write(where + std::string(monitors::severity_name(f.severity)) + ": " + f.subject + ": " + f.message + " [" +
                f.check + "]\n");
    }
    out.write(std::to_string(errors) + " error(s), " + std::to_string(warnings) + " warning(s)\n");
  }
  out.flush();
  return errors > 0 || (o.warnings_as_errors && warnings > 0) ? kExitFailed : kExitOk;
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

  ValidateOptions validate;
  auto* validate_cmd = app.add_subcommand("validate", "Check monitors and configs against a cluster dump (for CI)");
  taplan::add_input_options(*validate_cmd, validate.inputs);
  validate_cmd->add_option("-o,--output", validate.output, "text | json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  validate_cmd->add_flag("--warnings-as-errors", validate.warnings_as_errors, "exit 1 on warnings too");

  if (int rc = promotel::parse_args(app, argc, argv); rc >= 0) return rc;
  return promotel::run_tool("taplan", [&] {
    if (plan_cmd->parsed()) return run_plan(plan);
    if (validate_cmd->parsed()) return run_validate(validate);
    return static_cast<int>(promotel::kExitUsage);
  });
}

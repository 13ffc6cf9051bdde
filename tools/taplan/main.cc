// taplan: the OpenTelemetry Target Allocator, offline.
#include <pthread.h>
#include <signal.h>

#include <iostream>
#include <thread>
#include <set>
#include <tuple>

#include <CLI/CLI.hpp>

#include "common/error.h"
#include "common/input.h"
#include "common/exit_code.h"
#include "common/output.h"
#include "common/tool.h"
#include "inputs.h"
#include "targetalloc/plan.h"
#include "targetalloc/diff.h"
#include "listener/listen_address.h"
#include "listener/listener_options.h"
#include "targetalloc/ta_server.h"
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

struct DiffOptions {
  taplan::InputOptions inputs;
  std::vector<std::string> plans;
  size_t to_collector_count = 0;
  std::vector<std::string> to_collector_names;
  std::string to_strategy, to_fallback_strategy, to_ring;
  std::string output = "text";
};

int run_diff(DiffOptions& o) {
  PlacedPlan before, after;
  if (!o.plans.empty()) {
    if (o.plans.size() != 2) throw Error("give two plan files (taplan plan -o json) or inputs with --to-* changes");
    before = placed_from_json(nlohmann::json::parse(read_file(o.plans[0]), nullptr, false), o.plans[0]);
    after = placed_from_json(nlohmann::json::parse(read_file(o.plans[1]), nullptr, false), o.plans[1]);
  } else {
    bool changed = o.to_collector_count || !o.to_collector_names.empty() || !o.to_strategy.empty() ||
                   !o.to_ring.empty() || !o.to_fallback_strategy.empty();
    if (!changed) throw Error("nothing to compare: give two plan files or a --to-* change");
    auto in = taplan::load_inputs(o.inputs);
    for (const auto& w : in.warnings) print_warning("taplan", w);
    PlanRequest second = in.request;
    if (o.to_collector_count) second.collectors = numbered_collectors(o.to_collector_count, o.inputs.collector_prefix);
    if (!o.to_collector_names.empty()) {
      second.collectors.clear();
      for (const auto& n : o.to_collector_names) second.collectors.push_back({n, ""});
    }
    if (!o.to_strategy.empty()) {
      auto s = parse_strategy(o.to_strategy);
      if (!s) throw Error("unknown strategy \"" + o.to_strategy + "\"");
      second.allocation.strategy = *s;
      if (*s != Strategy::kPerNode) second.allocation.fallback.reset();
    }
    if (!o.to_fallback_strategy.empty()) {
      auto s = parse_strategy(o.to_fallback_strategy);
      if (!s || *s == Strategy::kPerNode) throw Error("unknown fallback strategy \"" + o.to_fallback_strategy + "\"");
      second.allocation.fallback = *s;
    }
    if (!o.to_ring.empty()) {
      auto r = parse_ring_version(o.to_ring);
      if (!r) throw Error("unknown ring version \"" + o.to_ring + "\" (0.10 or 1.0)");
      second.allocation.ring = *r;
    }
    in.request.with_scrape_labels = second.with_scrape_labels = false;
    before = placed(make_plan(std::move(in.request)));
    after = placed(make_plan(std::move(second)));
  }
  PlanDiff d = diff_plans(before, after);
  Output out;
  out.write(o.output == "json" ? diff_json(d, before, after).dump(2) + "\n" : diff_text(d, before, after));
  out.flush();
  return kExitOk;
}

struct ServeOptions {
  taplan::InputOptions inputs;
  std::string listen = "127.0.0.1:8080";
  listener::ListenerOptions listener = [] {
    listener::ListenerOptions o;
    o.max_body_size = 1 << 20;  // the API takes no request bodies
    return o;
  }();
};

int run_serve(ServeOptions& o) {
  auto in = taplan::load_inputs(o.inputs);
  for (const auto& w : in.warnings) print_warning("taplan", w);
  Plan plan = make_plan(std::move(in.request));
  listener::ListenAddress address = listener::parse_listen_address(o.listen);
  o.listener.host = address.host;
  o.listener.port = address.port;
  // SIGTERM/SIGINT stop the server cleanly: every thread blocks them, one waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  TaServer server(plan, o.listener);
  server.bind();
  std::fprintf(stderr, "taplan: serving %zu targets of %zu jobs for %zu collectors on %s\n",
               plan.items.size(), plan.items_by_job.size(), plan.collectors.size(), server.url().c_str());
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    server.stop();
  });
  server.serve();
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
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

  ValidateOptions validate;
  auto* validate_cmd = app.add_subcommand("validate", "Check monitors and configs against a cluster dump (for CI)");
  taplan::add_input_options(*validate_cmd, validate.inputs);
  validate_cmd->add_option("-o,--output", validate.output, "text | json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  validate_cmd->add_flag("--warnings-as-errors", validate.warnings_as_errors, "exit 1 on warnings too");

  DiffOptions diff;
  auto* diff_cmd = app.add_subcommand("diff", "What moves between two plans (files, or the inputs under a --to-* change)");
  diff_cmd->add_option("plans", diff.plans, "two `taplan plan -o json` files (before, after)");
  taplan::add_input_options(*diff_cmd, diff.inputs);
  diff_cmd->add_option("--to-collectors", diff.to_collector_count, "after: N collectors");
  diff_cmd->add_option("--to-collector", diff.to_collector_names, "after: a collector by name; repeatable");
  diff_cmd->add_option("--to-strategy", diff.to_strategy, "after: another strategy");
  diff_cmd->add_option("--to-fallback-strategy", diff.to_fallback_strategy, "after: another per-node fallback");
  diff_cmd->add_option("--to-ring", diff.to_ring, "after: another ring version (0.10 | 1.0)");
  diff_cmd->add_option("-o,--output", diff.output, "text | json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  ServeOptions serve;
  auto* serve_cmd = app.add_subcommand("serve", "Serve the plan over the Target Allocator's HTTP API");
  taplan::add_input_options(*serve_cmd, serve.inputs);
  serve_cmd->add_option("--listen", serve.listen,
                        "address to listen on: host:port, port (on 127.0.0.1) or :port (all interfaces)")
      ->capture_default_str();
  listener::add_listener_options(*serve_cmd, serve.listener);

  if (int rc = promotel::parse_args(app, argc, argv); rc >= 0) return rc;
  if (serve_cmd->parsed()) {
    try {
      // Read once, here: an unreadable token file is a usage error.
      serve.listener.bearer_token = listener::resolve_bearer_token(serve.listener);
      serve.listener.bearer_token_file.clear();
    } catch (const promotel::Error& e) {
      std::cerr << "taplan: error: " << e.what() << "\n";
      return promotel::kExitUsage;
    }
  }
  return promotel::run_tool("taplan", [&] {
    if (plan_cmd->parsed()) return run_plan(plan);
    if (validate_cmd->parsed()) return run_validate(validate);
    if (diff_cmd->parsed()) return run_diff(diff);
    if (serve_cmd->parsed()) return run_serve(serve);
    return static_cast<int>(promotel::kExitUsage);
  });
}

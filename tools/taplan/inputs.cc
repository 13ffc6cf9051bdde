#include "inputs.h"

#include <algorithm>
#include <filesystem>

#include "common/error.h"
#include "k8s/discovery.h"
#include "k8s/selector.h"
#include "targetalloc/collectors.h"

namespace promotel::taplan {

using namespace promotel::targetalloc;

void add_input_options(CLI::App& app, InputOptions& o, bool with_collectors) {
  app.add_option("--config", o.configs,
                 "Prometheus config or TA config (targetallocator.yaml) file; repeatable, - = stdin");
  app.add_option("--objects", o.objects,
                 "kubectl get -o yaml dump(s) of Pods, Services, EndpointSlices, Endpoints, Nodes, Ingresses, Namespaces (files or directories); repeatable");
  app.add_option("--monitors", o.monitors, "ServiceMonitor/PodMonitor YAML (single, multi-doc, kind: List; files or directories); repeatable");
  app.add_option("--monitor-selector", o.monitor_selector,
                 "label selector k=v[,...] monitors must match (default: the TA config's, else all)");
  app.add_option("--namespace-selector", o.namespace_selector,
                 "label selector k=v[,...] the monitors' namespaces must match (default: all)");
  if (!with_collectors) return;
  app.add_option("--collectors", o.collector_count, "N collectors named <prefix>-0 ... <prefix>-(N-1)");
  app.add_option("--collector", o.collector_names, "a collector by name; repeatable");
  app.add_option("--collector-prefix", o.collector_prefix, "name prefix for --collectors")->capture_default_str();
  app.add_option("--collector-selector", o.collector_selector,
                 "collector pods in --objects: label selector k=v[,k2=v2] (default: the TA config's)");
  app.add_option("--collector-namespace", o.collector_namespace,
                 "namespace of the collector pods (default: the TA config's collector_namespace)");
  app.add_option("--strategy", o.strategy, "consistent-hashing (default) | least-weighted | per-node");
  app.add_option("--fallback-strategy", o.fallback_strategy, "for per-node: consistent-hashing | least-weighted");
  app.add_option("--ring", o.ring, "consistent-hashing ring library version: 0.10 (released TAs) | 1.0")
      ->capture_default_str();
  app.add_option("--filter-strategy", o.filter_strategy,
                 "relabel-config (default) | none: apply relabel_configs before allocation");
}

namespace {

template <class F>
void guarded(const std::string& path, std::vector<monitors::Finding>* errors, F&& load) {
  if (!errors) return load();
  try {
    load();
  } catch (const Error& e) {
    SourcePosition where = e.position();
    if (where.file.empty()) where.file = path;
    std::string what = e.what();
    std::string prefix = e.position().to_string() + ": ";
    if (!e.position().file.empty() && what.rfind(prefix, 0) == 0) what = what.substr(prefix.size());
    errors->push_back({monitors::Severity::kError, where, path, "load", what});
  }
}

// A directory stands for its *.yaml, *.yml and *.json files, in name order.
std::vector<std::string> expand(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (p != "-" && std::filesystem::is_directory(p, ec)) {
      std::vector<std::string> files;
      for (const auto& e : std::filesystem::directory_iterator(p, ec)) {
        auto ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json")) files.push_back(e.path().string());
      }
      std::sort(files.begin(), files.end());
      out.insert(out.end(), files.begin(), files.end());
    } else {
      out.push_back(p);
    }
  }
  return out;
}

}  // namespace

LoadedInputs load_inputs(const InputOptions& o, std::vector<monitors::Finding>* errors) {
  LoadedInputs in;
  for (const auto& path : o.configs) guarded(path, errors, [&] { in.configs.push_back(load_any_config(path)); });
  for (const auto& path : expand(o.objects)) guarded(path, errors, [&] { k8s::load_object_file(path, in.objects); });
  for (const auto& path : expand(o.monitors))
    guarded(path, errors, [&] {
      auto more = monitors::load_monitor_file(path);
      std::move(more.begin(), more.end(), std::back_inserter(in.monitors));
    });
  // Monitors inside the object dumps count too.
  for (const auto& object : in.objects.others)
    if (monitors::is_monitor(object.first))
      guarded(object.second, errors,
              [&] { in.monitors.push_back(monitors::parse_monitor(object.first, object.second)); });

  const TaConfig* ta = in.configs.empty() ? nullptr : &in.configs.back();
  for (const auto& c : in.configs)
    for (const auto& job : c.prometheus.scrape_configs)
      in.request.jobs.push_back({job, c.prometheus.base_dir, "from " + c.prometheus.file});

  // Monitor selection: flags, else the TA config's prometheus_cr section, else everything.
  auto& sel = in.selection;
  if (ta && ta->prometheus_cr.enabled) {
    const auto& cr = ta->prometheus_cr;
    sel.service_monitor_selector = cr.service_monitor_selector;
    sel.pod_monitor_selector = cr.pod_monitor_selector;
    sel.service_monitor_namespace_selector = cr.service_monitor_namespace_selector;
    sel.pod_monitor_namespace_selector = cr.pod_monitor_namespace_selector;
    sel.allow_namespaces = cr.allow_namespaces;
    sel.deny_namespaces = cr.deny_namespaces;
    in.monitor_interval_ms = cr.scrape_interval_ms;
  } else {
    sel.service_monitor_selector = k8s::LabelSelector{};
    sel.pod_monitor_selector = k8s::LabelSelector{};
  }
  if (!o.monitor_selector.empty()) {
    sel.service_monitor_selector = k8s::parse_selector_string(o.monitor_selector);
    sel.pod_monitor_selector = sel.service_monitor_selector;
  }
  if (!o.namespace_selector.empty()) {
    sel.service_monitor_namespace_selector = k8s::parse_selector_string(o.namespace_selector);
    sel.pod_monitor_namespace_selector = sel.service_monitor_namespace_selector;
  }
  std::vector<monitors::SkippedMonitor> skipped;
  for (auto& job : monitors::generate_all(in.monitors, sel, in.objects, in.monitor_interval_ms, &skipped))
    in.request.jobs.push_back({std::move(job), ".", "generated from a monitor"});
  for (const auto& s : skipped) in.warnings.push_back(s.id + " skipped: " + s.reason);
  in.skipped = std::move(skipped);
  // The collectors' namespace, which is also the TA's own: the one own_namespace means.
  const std::string collector_namespace = !o.collector_namespace.empty() ? o.collector_namespace
                                          : ta                            ? ta->collector_namespace
                                                                          : "";
  for (const auto& job : in.request.jobs)
    for (const auto& sd : job.config.kubernetes_sd_configs) {
      const std::string at = "job \"" + job.config.job_name + "\": kubernetes_sd_configs role " + sd.role;
      if (o.objects.empty())
        in.warnings.push_back(at + " discovers no targets without --objects");
      else if (sd.own_namespace && collector_namespace.empty())
        in.warnings.push_back(at + ": namespaces.own_namespace needs the TA's namespace (--collector-namespace or the " +
                              "TA config's collector_namespace); only namespaces.names are watched");
      for (const auto& field : k8s::check_selectors(sd))
        in.warnings.push_back(at + ": " + field + " is not modelled; discovery ignores it");
    }

  std::string strategy = !o.strategy.empty() ? o.strategy : ta ? ta->allocation_strategy : "consistent-hashing";
  auto s = parse_strategy(strategy);
  if (!s) throw Error("unknown strategy \"" + strategy + "\" (consistent-hashing, least-weighted, per-node)");
  in.request.allocation.strategy = *s;
  std::string fallback = !o.fallback_strategy.empty() ? o.fallback_strategy
                         : ta                         ? ta->allocation_fallback_strategy
                                                      : "";
  if (!fallback.empty() && *s == Strategy::kPerNode) {
    auto f = parse_strategy(fallback);
    if (!f || *f == Strategy::kPerNode)
      throw Error("unknown fallback strategy \"" + fallback + "\" (consistent-hashing, least-weighted)");
    in.request.allocation.fallback = *f;
  } else if (!o.fallback_strategy.empty()) {
    throw Error("--fallback-strategy only applies to --strategy per-node");
  }
  auto ring = parse_ring_version(o.ring);
  if (!ring) throw Error("unknown ring version \"" + o.ring + "\" (0.10 or 1.0)");
  in.request.allocation.ring = *ring;
  std::string filter = o.filter_strategy ? *o.filter_strategy : ta ? ta->filter_strategy : "relabel-config";
  if (filter == "relabel-config")
    in.request.filter = FilterStrategy::kRelabelConfig;
  else if (filter.empty() || filter == "none")
    in.request.filter = FilterStrategy::kNone;
  else
    throw Error("unknown filter strategy \"" + filter + "\" (relabel-config or none)");

  int sources = (o.collector_count > 0) + !o.collector_names.empty() + !o.collector_selector.empty();
  if (sources > 1) throw Error("use one of --collectors, --collector and --collector-selector");
  if (o.collector_count > 0) {
    in.request.collectors = numbered_collectors(o.collector_count, o.collector_prefix);
  } else if (!o.collector_names.empty()) {
    for (const auto& n : o.collector_names) in.request.collectors.push_back({n, ""});
  } else if (!o.collector_selector.empty() || (ta && ta->collector_selector && !o.objects.empty())) {
    k8s::LabelSelector sel = !o.collector_selector.empty() ? k8s::parse_selector_string(o.collector_selector)
                                                           : *ta->collector_selector;
    auto selection = select_collectors(in.objects, sel, collector_namespace);
    for (const auto& e : selection.excluded)
      in.warnings.push_back("collector pod " + e.name + " excluded: " + e.reason);
    in.request.collectors = std::move(selection.collectors);
  }
  in.request.objects = &in.objects;
  in.request.own_namespace = collector_namespace;
  return in;
}

}  // namespace promotel::taplan

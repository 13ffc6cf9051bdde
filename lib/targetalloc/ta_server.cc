#include "targetalloc/ta_server.h"

#include <httplib.h>

#include "common/error.h"
#include "listener/http_listener.h"
#include "promconfig/targets.h"
#include "targetalloc/go_json.h"

namespace promotel::targetalloc {


namespace {

// Go reports an invalid escape; the name is then taken as it stands (it matches nothing).
std::string unescape(std::string_view s) { return promconfig::query_unescape(s).value_or(std::string(s)); }

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    size_t eq = pair.find('=');
    if (unescape(pair.substr(0, eq)) == name)
      return eq == std::string_view::npos ? std::string() : unescape(pair.substr(eq + 1));
  }
  return std::nullopt;
}

std::string metrics_text(const Plan& plan) {
  std::string out;
  out += "# HELP opentelemetry_allocator_collectors_discovered Number of collectors discovered.\n";
  out += "# TYPE opentelemetry_allocator_collectors_discovered gauge\n";
  out += "opentelemetry_allocator_collectors_discovered " + std::to_string(plan.collectors.size()) + "\n";
  out += "# HELP opentelemetry_allocator_targets Number of targets discovered.\n";
  out += "# TYPE opentelemetry_allocator_targets gauge\n";
  for (const auto& [job, idx] : plan.items_by_job)
    out += "opentelemetry_allocator_targets{job_name=\"" + job + "\"} " + std::to_string(idx.size()) + "\n";
  out += "# HELP opentelemetry_allocator_targets_per_collector The number of targets for each collector.\n";
  out += "# TYPE opentelemetry_allocator_targets_per_collector gauge\n";
  for (size_t c = 0; c < plan.collectors.size(); ++c)
    out += "opentelemetry_allocator_targets_per_collector{collector_name=\"" + plan.collectors[c].name + "\"} " +
           std::to_string(plan.allocation.load[c]) + "\n";
  size_t unassigned = 0;
  for (int o : plan.allocation.owner) unassigned += o < 0;
  out += "# HELP opentelemetry_allocator_targets_unassigned Number of targets that could not be assigned.\n";
  out += "# TYPE opentelemetry_allocator_targets_unassigned gauge\n";
  out += "opentelemetry_allocator_targets_unassigned " + std::to_string(unassigned) + "\n";
  return out;
}

}  // namespace

HttpReply handle_ta_request(const Plan& plan, std::string_view method, std::string_view target) {
  HttpReply reply;
  if (method != "GET" && method != "HEAD") {
    reply.status = 405;
    reply.content_type = "text/plain";
    reply.body = "method not allowed\n";
    return reply;
  }
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  auto json = [&](std::string body) {
    reply.body = std::move(body) + "\n";
    return reply;
  };
  if (path == "/jobs") return json(jobs_body(plan));
  if (path == "/scrape_configs") return json(scrape_configs_body(plan));
  if (path == "/livez" || path == "/readyz") {
    reply.content_type = "text/plain";
    return reply;
  }
  if (path == "/metrics") {
    reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
    reply.body = metrics_text(plan);
    return reply;
  }
  constexpr std::string_view prefix = "/jobs/", suffix = "/targets";
  if (path.size() > prefix.size() + suffix.size() && path.starts_with(prefix) && path.ends_with(suffix)) {
    std::string_view segment = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    if (segment.find('/') == std::string_view::npos) {
      std::string job = unescape(segment);
      return json(*job_targets_body(plan, job, query_param(query, "collector_id")));
    }
  }
  reply.status = 404;
  reply.content_type = "text/plain";
  reply.body = "404 page not found\n";
  return reply;
}

struct TaServer::Impl {
  Impl(const Plan& p, const listener::ListenerOptions& options) : plan(p), listener(options) {}
  const Plan& plan;
  listener::HttpListener listener;
};

TaServer::TaServer(const Plan& plan, const listener::ListenerOptions& options)
    : impl_(std::make_unique<Impl>(plan, options)) {
  auto handler = [this](const httplib::Request& req, httplib::Response& res) {
    std::string target = req.target.empty() ? req.path : req.target;
    HttpReply r = handle_ta_request(impl_->plan, req.method, target);
    res.status = r.status;
    res.set_content(r.body, r.content_type.c_str());
  };
  httplib::Server& server = impl_->listener.server();
  // httplib reads request bodies itself here (the API ignores them): 413 beyond the limit.
  server.set_payload_max_length(options.max_body_size);
  server.Get(".*", handler);
  server.Post(".*", handler);
}

TaServer::~TaServer() = default;

int TaServer::bind() { return impl_->listener.bind(); }
std::string TaServer::url() const { return impl_->listener.url(); }
void TaServer::serve() { impl_->listener.run(); }
void TaServer::stop() { impl_->listener.stop(); }

}  // namespace promotel::targetalloc

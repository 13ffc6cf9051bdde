#include "otlpexport/exporter.h"

#include "common/error.h"
#include "common/stop.h"
#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "otlp/gzip.h"
#include "otlp/json_decode.h"
#include "otlp/json_encode.h"

namespace promotel::otlpexport {

namespace pb_collector = opentelemetry::proto::collector::metrics::v1;

namespace {

bool is_retryable(long status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

bool is_json(const http::Response& response) {
  return response.header("content-type").find("json") != std::string::npos;
}

// Decodes a response body of either encoding; false when it does not decode.
bool decode_body(const http::Response& response, google::protobuf::Message& message) {
  if (response.body.empty()) return true;
  try {
    if (is_json(response)) {
      otlp::decode_json(response.body, message);
      return true;
    }
    return message.ParseFromString(response.body);
  } catch (const Error&) {
    return false;
  }
}

}  // namespace

std::string metrics_url(const std::string& endpoint) {
  size_t scheme = endpoint.find("://");
  size_t path = endpoint.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (path == std::string::npos) return endpoint + "/v1/metrics";
  if (path == endpoint.size() - 1) return endpoint.substr(0, path) + "/v1/metrics";
  return endpoint;
}

Exporter::Exporter(ExporterOptions options, Sleep sleep)
    : options_(std::move(options)), url_(metrics_url(options_.endpoint)), sleep_(std::move(sleep)) {
  if (!sleep_) sleep_ = [](std::chrono::duration<double> d) { sleep_unless_stopped(d); };
}

ExportResult Exporter::send(const pb_collector::ExportMetricsServiceRequest& request) {
  http::Request post;
  post.method = "POST";
  post.url = url_;
  post.body = options_.json ? otlp::encode_json(request) : request.SerializeAsString();
  post.headers.push_back(options_.json ? "Content-Type: application/json"
                                       : "Content-Type: application/x-protobuf");
  if (options_.gzip) {
    post.body = otlp::gzip(post.body);
    post.headers.push_back("Content-Encoding: gzip");
  }

  ExportResult result;
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    http::Response response = http::perform(post, options_.client);
    result.attempts = attempt + 1;
    result.status = response.status;
    if (response.ok()) {
      pb_collector::ExportMetricsServiceResponse reply;
      result.ok = true;
      if (decode_body(response, reply) && reply.has_partial_success()) {
        result.rejected_points = reply.partial_success().rejected_data_points();
        result.message = reply.partial_success().error_message();
      }
      return result;
    }
    if (!response.error.empty()) {
      result.message = response.error;
    } else {
      google::rpc::Status status;
      if (decode_body(response, status) && !status.message().empty()) {
        result.message = status.message();
      } else {
        result.message = "HTTP " + std::to_string(response.status);
      }
    }
    bool retry = !response.error.empty() || is_retryable(response.status);
    if (!retry || attempt + 1 == options_.max_attempts) break;
    std::chrono::duration<double> wait = options_.backoff.wait_before(attempt);
    if (auto after = http::parse_retry_after(response.header("retry-after"))) wait = *after;
    sleep_(wait);
    if (stop_requested()) {  // SIGINT/SIGTERM: no more retries, this request failed
      result.message += "; not retried after " + stop_signal_name();
      break;
    }
  }
  return result;
}

}  // namespace promotel::otlpexport

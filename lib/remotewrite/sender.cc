#include "remotewrite/sender.h"

#include <sstream>

#include "common/stop.h"

namespace promotel::remotewrite {

namespace {

std::string format_seconds(std::chrono::duration<double> d) {
  std::ostringstream out;
  if (d.count() < 1) {
    out << std::llround(d.count() * 1000) << "ms";
  } else {
    out << d.count() << "s";
  }
  return out.str();
}

}  // namespace

std::string receiver_message(const std::string& body, size_t limit) {
  std::string s = body.substr(0, limit);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (body.size() > limit) s += "...";
  return s;
}

Sender::Sender(SendOptions options) : options_(std::move(options)), protocol_(options_.protocol) {}

void Sender::count(const Batch& batch, bool written) {
  if (written) {
    ++stats_.batches_written;
    stats_.series_written += batch.series_count();
    stats_.samples_written += batch.sample_count();
    stats_.histograms_written += batch.histogram_count();
    stats_.exemplars_written += batch.exemplar_count();
    stats_.bytes_sent += body_.size();
  } else {
    ++stats_.batches_rejected;
    stats_.series_rejected += batch.series_count();
    stats_.samples_rejected += batch.sample_count();
    stats_.histograms_rejected += batch.histogram_count();
    stats_.exemplars_rejected += batch.exemplar_count();
  }
}

Sender::Outcome Sender::send(const Batch& batch) {
  ++batch_number_;
  body_ = encoder_.encode(batch, protocol_).body;
  auto report = [&](const std::string& what) {
    if (options_.report) options_.report("request " + std::to_string(batch_number_) + ": " + what);
  };
  auto started = std::chrono::steady_clock::now();
  int attempt = 0;
  for (;;) {
    http::Request request;
    request.method = "POST";
    request.url = options_.url;
    request.accept_gzip = false;
    request.max_body_bytes = 64 * 1024;
    request.headers = {
        "Content-Encoding: snappy",
        "Content-Type: " + std::string(content_type(protocol_)),
        "X-Prometheus-Remote-Write-Version: " + std::string(version_header(protocol_)),
    };
    if (attempt > 0) request.headers.push_back("Retry-Attempt: " + std::to_string(attempt));
    request.body.assign(body_);
    ++stats_.requests;
    http::Response response = http::perform(request, options_.client);

    std::string failure;
    bool retryable = false;
    std::optional<std::chrono::duration<double>> retry_after;
    bool unsupported = false;
    if (!response.error.empty() && response.status != 0 && response.error.rfind("body larger than", 0) == 0) {
      response.error.clear();  // a huge answer: its status counts, its body was cut (spec 1.7)
    }
    if (!response.error.empty()) {
      failure = response.error;
      retryable = true;
    } else if (response.status >= 200 && response.status < 300) {
      if (protocol_ == Protocol::kV2) {
        std::string s = response.header("x-prometheus-remote-write-samples-written");
        std::string h = response.header("x-prometheus-remote-write-histograms-written");
        std::string e = response.header("x-prometheus-remote-write-exemplars-written");
        if (s.empty() && h.empty() && e.empty()) {
          unsupported = true;
          failure = "HTTP " + std::to_string(response.status) +
                    " without X-Prometheus-Remote-Write-*-Written headers: the receiver does not "
                    "speak Remote-Write 2.0 and stored nothing";
        } else {
          auto number = [](const std::string& v) { return v.empty() ? 0ull : std::stoull(v); };
          uint64_t samples = 0, histograms = 0, exemplars = 0;
          try {
            samples = number(s), histograms = number(h), exemplars = number(e);
          } catch (const std::exception&) {
            report("unparsable X-Prometheus-Remote-Write-*-Written header");
          }
          if (samples < batch.sample_count() || histograms < batch.histogram_count() ||
              exemplars < batch.exemplar_count()) {
            report("receiver wrote only " + std::to_string(samples) + "/" +
                   std::to_string(batch.sample_count()) + " samples, " + std::to_string(histograms) + "/" +
                   std::to_string(batch.histogram_count()) + " histograms, " + std::to_string(exemplars) +
                   "/" + std::to_string(batch.exemplar_count()) + " exemplars");
          }
        }
      }
      if (!unsupported) {
        count(batch, true);
        return Outcome::kWritten;
      }
    } else {
      failure = "HTTP " + std::to_string(response.status);
      std::string message = receiver_message(response.body);
      if (!message.empty()) failure += ": " + message;
      if (response.status == 415) {
        unsupported = true;
      } else if (response.status >= 500 || (response.status == 429 && options_.retry_on_429)) {
        retryable = true;
        retry_after = http::parse_retry_after(response.header("retry-after"));
      }
      if (protocol_ == Protocol::kV2 && !retryable && !unsupported) {
        std::string s = response.header("x-prometheus-remote-write-samples-written");
        if (!s.empty()) failure += " (receiver wrote " + s + " samples of " + std::to_string(batch.sample_count()) + ")";
      }
    }

    if (unsupported) {
      if (protocol_ == Protocol::kV2 && options_.fallback_to_v1) {
        report(failure + "; falling back to Remote-Write 1.0");
        protocol_ = Protocol::kV1;
        stats_.fell_back = true;
        body_ = encoder_.encode(batch, protocol_).body;
        continue;  // a different request, not a retry
      }
      report(failure);
      count(batch, false);
      return Outcome::kRejected;
    }
    if (!retryable) {
      report(failure + " (not retried)");
      count(batch, false);
      return Outcome::kRejected;
    }
    auto wait = retry_after ? *retry_after : options_.backoff.wait_before(attempt);
    auto spent = std::chrono::steady_clock::now() - started;
    if (spent + wait > options_.max_retry_time) {
      report(failure + "; giving up after " + std::to_string(attempt + 1) + " attempts (--max-retry-time " +
             format_seconds(options_.max_retry_time) + ")");
      count(batch, false);
      return Outcome::kGaveUp;
    }
    report(failure + "; retrying in " + format_seconds(wait));
    if (!sleep_unless_stopped(wait)) {  // SIGINT/SIGTERM: this request failed, stop sending
      report(failure + "; not retried after " + stop_signal_name());
      count(batch, false);
      return Outcome::kGaveUp;
    }
    ++attempt;
    ++stats_.retries;
  }
}

}  // namespace promotel::remotewrite

#include "scrape/scrape.h"

#include <charconv>
#include <chrono>
#include <cstdio>

#include "common/error.h"
#include "common/input.h"
#include "common/text.h"
#include "exposition/parser.h"
#include "exposition/text_parser.h"
#include "scrape/family.h"
#include "scrape/sample_labels.h"

namespace promotel::scrape {
namespace {

struct ProtocolInfo {
  Protocol protocol;
  const char* name;
  const char* media_type;
  bool escaping;  // takes the escaping=allow-utf-8 parameter
};

constexpr ProtocolInfo kProtocols[] = {
    {Protocol::kPromProto, "PrometheusProto",
     "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited", false},
    {Protocol::kPromText0, "PrometheusText0.0.4", "text/plain;version=0.0.4", false},
    {Protocol::kPromText1, "PrometheusText1.0.0", "text/plain;version=1.0.0", true},
    {Protocol::kOpenMetrics0, "OpenMetricsText0.0.1", "application/openmetrics-text;version=0.0.1", false},
    {Protocol::kOpenMetrics1, "OpenMetricsText1.0.0", "application/openmetrics-text;version=1.0.0", true},
};

const ProtocolInfo& info(Protocol p) {
  for (const auto& i : kProtocols) {
    if (i.protocol == p) return i;
  }
  return kProtocols[0];
}

// The first line of an error body, shortened, for the message of a non-2xx answer.
std::string body_excerpt(const std::string& body) {
  std::string line(trim_space(std::string_view(body).substr(0, body.find('\n'))));
  if (line.size() > 120) line = line.substr(0, 117) + "...";
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return line;
}

std::unique_ptr<exposition::Parser> parser_for(const std::string& body, exposition::Format format, bool strict,
                                               const std::string& name, std::unique_ptr<StringReader>& reader) {
  exposition::ParseOptions options{.format = format, .strict = strict};
  if (format != exposition::Format::kProtobuf) {
    return std::make_unique<exposition::TextParser>(body, name, options);  // in place, no copy
  }
  reader = std::make_unique<StringReader>(body, name);
  return exposition::make_parser(*reader, options);
}

// Parses a whole body without emitting anything: with series tracking an invalid body must not
// touch the tracker, so it is validated first (without tracking, a failed pass is discarded).
void validate(const std::string& body, exposition::Format format, bool strict, const std::string& name) {
  std::unique_ptr<StringReader> reader;
  auto parser = parser_for(body, format, strict, name, reader);
  while (parser->next() != exposition::Entry::kEnd) {
  }
}

struct Synthetic {
  const char* name;
  const char* help;
  const char* unit;
};

constexpr Synthetic kSynthetic[] = {
    {"up", "The scraping was successful", ""},
    {"scrape_duration_seconds", "Duration of the scrape", "seconds"},
    {"scrape_samples_scraped", "The number of samples the target exposed", ""},
    {"scrape_samples_post_metric_relabeling", "The number of samples remaining after metric relabeling was applied", ""},
    {"scrape_series_added", "The approximate number of new series in this scrape", ""},
};

}  // namespace

std::vector<Protocol> protocols_from_string(const std::string& spec) {
  if (spec == "openmetrics") {
    return {Protocol::kOpenMetrics1, Protocol::kOpenMetrics0, Protocol::kPromText1, Protocol::kPromText0};
  }
  if (spec == "text") {
    return {Protocol::kPromText0, Protocol::kPromText1, Protocol::kOpenMetrics1, Protocol::kOpenMetrics0};
  }
  if (spec == "protobuf") {
    return {Protocol::kPromProto, Protocol::kOpenMetrics1, Protocol::kOpenMetrics0, Protocol::kPromText1,
            Protocol::kPromText0};
  }
  std::vector<Protocol> out;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    std::string name(trim_space(std::string_view(spec).substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    bool found = false;
    for (const auto& i : kProtocols) {
      if (name == i.name) {
        out.push_back(i.protocol);
        found = true;
      }
    }
    if (!found) {
      throw Error("unknown scrape protocol \"" + name +
                  "\" (want openmetrics, text, protobuf or a list of OpenMetricsText1.0.0, "
                  "OpenMetricsText0.0.1, PrometheusText1.0.0, PrometheusText0.0.4, PrometheusProto)");
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string accept_header(const std::vector<Protocol>& protocols) {
  std::string out;
  int weight = static_cast<int>(std::size(kProtocols)) + 1;
  for (Protocol p : protocols) {
    const auto& i = info(p);
    out += i.media_type;
    if (i.escaping) out += ";escaping=allow-utf-8";
    out += ";q=0." + std::to_string(weight) + ",";
    --weight;
  }
  out += "*/*;q=0." + std::to_string(weight);
  return out;
}

model::TimestampMs now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TargetScraper::TargetScraper(Target target, const ScrapeOptions& options)
    : target_(std::move(target)), options_(options), accept_(accept_header(options.protocols)) {}

TargetScraper::~TargetScraper() = default;

http::Request TargetScraper::request() const {
  http::Request request;
  request.url = target_.url;
  request.headers.push_back("Accept: " + accept_);
  request.accept_gzip = true;
  request.max_body_bytes = options_.max_body_bytes;
  if (options_.client) {
    request.options = options_.client;
    // Go's strconv.FormatFloat(seconds, 'f', -1, 64): "10", "2.5".
    char seconds[64];
    auto [end, ec] = std::to_chars(seconds, seconds + sizeof seconds, options_.client->timeout_seconds,
                                   std::chars_format::fixed);
    if (ec == std::errc()) request.headers.push_back("X-Prometheus-Scrape-Timeout-Seconds: " + std::string(seconds, end));
  }
  return request;
}

ScrapeStats TargetScraper::process(const http::Response& response, model::TimestampMs timestamp, Sink& sink) {
  ScrapeStats stats;
  stats.timestamp = timestamp;
  stats.duration_seconds = response.elapsed.count();
  stats.content_type = response.header("content-type");
  stats.body_bytes = response.body.size();
  stats.wire_bytes = response.body_wire_bytes;

  if (!response.error.empty()) {
    stats.error = response.error;
  } else if (response.status < 200 || response.status > 299) {
    stats.error = "server returned HTTP status " + std::to_string(response.status);
    std::string excerpt = body_excerpt(response.body);
    if (!excerpt.empty()) stats.error += " (" + excerpt + ")";
  } else {
    stats.format = exposition::format_from_content_type(stats.content_type);
    if (!stats.format) stats.format = options_.fallback_format;
    if (!stats.format) {
      stats.error = "unsupported Content-Type \"" + stats.content_type + "\" and no fallback format";
    } else {
      try {
        if (options_.track_series) validate(response.body, *stats.format, options_.strict, target_.url);
      } catch (const Error& e) {
        stats.error = e.what();
      }
    }
  }

  if (options_.track_series) tracker_.begin_scrape();
  if (stats.error.empty()) {
    try {
      emit_body(response.body, *stats.format, stats, sink);
      stats.up = true;
    } catch (const Error& e) {  // only without tracking: the body was not validated first
      sink.discard();
      stats.error = e.what();
      stats.families = stats.samples_scraped = stats.samples_post_relabel = stats.series_added = 0;
      stats.stale_markers = 0;
    }
  }
  if (options_.track_series) {
    std::string last_family;
    bool first = true;
    tracker_.end_scrape([&](const FamilyMeta& family, const model::Sample& stale) {
      ++stats.stale_markers;
      if (options_.match && !options_.match(family.name)) return;
      if (first || family.name != last_family) {
        sink.family(family.name, family.type, family.help, family.unit);
        last_family = family.name;
        first = false;
      }
      model::Sample sample = stale;
      sample.timestamp = timestamp;
      sink.sample(sample);
    });
    stats.series_added = tracker_.series_added();
  }
  if (options_.synthetic) emit_synthetic(stats, sink);
  sink.end_target();
  return stats;
}

void TargetScraper::emit_body(const std::string& body, exposition::Format format, ScrapeStats& stats, Sink& sink) {
  std::unique_ptr<StringReader> reader;
  auto parser = parser_for(body, format, options_.strict, target_.url, reader);
  SampleLabeler labeler(target_.labels, options_.honor_labels);
  const model::TimestampMs timestamp = stats.timestamp;
  const bool track = options_.track_series;

  // Metadata announced but not yet matched by a sample, and the family samples go to now.
  FamilyMeta pending;
  bool has_pending = false;
  FamilyMeta current;
  bool has_current = false;
  bool current_kept = true;
  std::vector<model::Label> relabeled;

  auto stale_sink = [&](const FamilyMeta&, const model::Sample& stale) {
    model::Sample sample = stale;
    sample.timestamp = timestamp;
    if (current_kept) sink.sample(sample);
    ++stats.stale_markers;
  };
  auto close_current = [&] {
    if (has_current && track) tracker_.end_family(stale_sink);
    has_current = false;
  };
  auto open = [&](FamilyMeta meta) {
    close_current();
    current = std::move(meta);
    has_current = true;
    current_kept = !options_.match || options_.match(current.name);
    ++stats.families;
    if (current_kept) sink.family(current.name, current.type, current.help, current.unit);
    if (track) tracker_.begin_family(current.name, current.type, current.help, current.unit);
  };
  auto set_pending = [&](std::string_view name) {
    if (!has_pending || pending.name != name) {
      pending = FamilyMeta{std::string(name), model::MetricType::kUnknown, "", ""};
      has_pending = true;
    }
  };
  // Finds (or opens) the family of a sample named `name`.
  auto family_for = [&](std::string_view name) {
    if (has_pending && sample_belongs_to_family(name, pending.name, pending.type)) {
      has_pending = false;
      open(std::move(pending));
    } else if (has_current && sample_belongs_to_family(name, current.name, current.type)) {
      // same family
    } else {
      has_pending = false;  // metadata without samples: nothing to print
      open(FamilyMeta{std::string(name), model::MetricType::kUnknown, "", ""});
    }
  };
  auto final_labels = [&](std::string_view& name, model::Labels labels) -> std::optional<model::Labels> {
    model::Labels out = labeler.apply(labels);
    if (options_.metric_relabel) {
      if (!options_.metric_relabel(name, out, relabeled)) return std::nullopt;
      out = relabeled;
    }
    return out;
  };

  for (exposition::Entry entry; (entry = parser->next()) != exposition::Entry::kEnd;) {
    switch (entry) {
      case exposition::Entry::kType:
        set_pending(parser->metric_name());
        pending.type = parser->type();
        break;
      case exposition::Entry::kHelp:
        set_pending(parser->metric_name());
        pending.help = parser->help();
        break;
      case exposition::Entry::kUnit:
        set_pending(parser->metric_name());
        pending.unit = parser->unit();
        break;
      case exposition::Entry::kSample: {
        const model::Sample& in = parser->sample();
        family_for(in.name);
        if (is_created_sample(in.name, current.name, current.type)) {
          // Not a series to Prometheus, but the start time downstream consumers need.
          if (!current_kept) break;
          std::string_view name = in.name;
          auto labels = final_labels(name, in.labels);
          if (!labels) break;
          model::Sample out = in;
          out.name = name;
          out.labels = *labels;
          if (!options_.honor_timestamps || !out.timestamp) out.timestamp = timestamp;
          sink.sample(out);
          break;
        }
        ++stats.samples_scraped;
        std::string_view name = in.name;
        auto labels = final_labels(name, in.labels);
        if (!labels) break;
        ++stats.samples_post_relabel;
        model::Sample out = in;
        out.name = name;
        out.labels = *labels;
        if (!options_.honor_timestamps || !out.timestamp) out.timestamp = timestamp;
        if (track) tracker_.add(out.name, out.labels);
        if (current_kept) sink.sample(out);
        break;
      }
      case exposition::Entry::kNativeHistogram: {
        const model::NativeHistogram& in = parser->native_histogram();
        std::string_view family = parser->metric_name();
        family_for(family);
        ++stats.samples_scraped;
        std::string_view name = family;
        auto labels = final_labels(name, in.labels);
        if (!labels) break;
        ++stats.samples_post_relabel;
        model::NativeHistogram out = in;
        out.labels = *labels;
        if (!options_.honor_timestamps || !out.timestamp) out.timestamp = timestamp;
        if (track) tracker_.add(name, out.labels);
        if (current_kept) sink.native_histogram(name, out);
        break;
      }
      case exposition::Entry::kEnd:
        break;
    }
  }
  close_current();
  if (!track) stats.series_added = stats.samples_post_relabel;
}

void TargetScraper::emit_synthetic(const ScrapeStats& stats, Sink& sink) {
  const double values[] = {
      stats.up ? 1.0 : 0.0,
      stats.duration_seconds,
      static_cast<double>(stats.samples_scraped),
      static_cast<double>(stats.samples_post_relabel),
      static_cast<double>(stats.series_added),
  };
  std::vector<model::Label> labels;
  for (const auto& l : target_.labels.labels()) labels.push_back({l.name, l.value});
  for (size_t i = 0; i < std::size(kSynthetic); ++i) {
    sink.family(kSynthetic[i].name, model::MetricType::kGauge, kSynthetic[i].help, kSynthetic[i].unit);
    model::Sample sample;
    sample.name = kSynthetic[i].name;
    sample.labels = labels;
    sample.value = values[i];
    sample.timestamp = stats.timestamp;
    sink.sample(sample);
  }
}

}  // namespace promotel::scrape

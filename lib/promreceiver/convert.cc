#include "promreceiver/convert.h"

#include <google/protobuf/arena.h>

#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "promreceiver/naming.h"

namespace promotel::promreceiver {

using opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;

namespace {

// The classic series a protobuf native histogram also carries (the decoder yields them right
// after it): Prometheus ingests only the native histogram unless told to keep both.
class NativeShadow {
 public:
  void set(std::string_view family, model::Labels labels) {
    family_.assign(family);
    labels_.clear();
    for (const model::Label& l : labels) labels_.emplace_back(l.name, l.value);
    active_ = true;
  }

  // True for a classic sample of the last native histogram; anything else ends the shadow.
  bool covers(const model::Sample& s) {
    if (!active_) return false;
    std::string_view name = s.name;
    bool suffix_of_family = name.size() > family_.size() && name.starts_with(family_) &&
                            (name.substr(family_.size()) == "_bucket" ||
                             name.substr(family_.size()) == "_sum" ||
                             name.substr(family_.size()) == "_count" ||
                             name.substr(family_.size()) == "_created" ||
                             name.substr(family_.size()) == "_gsum" ||
                             name.substr(family_.size()) == "_gcount");
    if (suffix_of_family && same_labels(s.labels)) return true;
    active_ = false;
    return false;
  }

  void reset() { active_ = false; }

 private:
  bool same_labels(model::Labels labels) const {
    size_t matched = 0;
    for (const model::Label& l : labels) {
      if (l.name == "le") continue;
      bool found = false;
      for (const auto& [name, value] : labels_) {
        if (name == l.name && value == l.value) {
          found = true;
          break;
        }
      }
      if (!found) return false;
      ++matched;
    }
    return matched == labels_.size();
  }

  bool active_ = false;
  std::string family_;
  std::vector<std::pair<std::string, std::string>> labels_;
};

class Batcher {
 public:
  Batcher(Transaction& tx, const RequestSink& sink, ConvertResult& result)
      : tx_(tx), sink_(sink), result_(result) {}

  void emit() {
    if (tx_.pending_points() == 0) return;
    google::protobuf::ArenaOptions arena_options;
    arena_options.start_block_size = 1 << 16;
    arena_options.max_block_size = 1 << 22;
    google::protobuf::Arena arena(arena_options);
    auto* request = google::protobuf::Arena::CreateMessage<ExportMetricsServiceRequest>(&arena);
    size_t points = tx_.commit(request);
    if (points == 0) return;  // a batch without data points is not sent (A15)
    sink_(*request);
    ++result_.requests;
    result_.data_points += points;
  }

 private:
  Transaction& tx_;
  const RequestSink& sink_;
  ConvertResult& result_;
};

}  // namespace

ConvertResult convert(Reader& input, const ConvertOptions& options, const RequestSink& sink,
                      const Transaction::Warn& warn) {
  ConvertResult result;
  Transaction tx(options.receiver, warn);
  Batcher batcher(tx, sink, result);
  auto parser = exposition::make_parser(input, options.parse);
  std::string current_family;  // normalised name of the family being read
  NativeShadow shadow;
  // Only text 0.0.4 can go on after an error (at the next line); a broken protobuf record
  // leaves no place to resume, and its decoder would throw the same error forever.
  bool lenient = !options.parse.strict && options.parse.format == exposition::Format::kPrometheusText;

  auto at_family = [&](std::string_view family) {
    if (family == current_family) return;
    if (options.batch_size != 0 && tx.pending_points() >= options.batch_size) batcher.emit();
    current_family.assign(family);
  };

  for (;;) {
    exposition::Entry entry;
    try {
      entry = parser->next();
      if (entry == exposition::Entry::kSample) {
        if (!options.classic_histograms && shadow.covers(parser->sample())) continue;
        try {
          at_family(normalize_metric_name(parser->sample().name));
          tx.append(parser->sample());
        } catch (const Error& e) {
          throw Error(parser->position(), e.what());
        }
        continue;
      }
    } catch (const Error& e) {
      if (!options.keep_going || !lenient) throw;
      std::string dropped = current_family;
      if (!dropped.empty()) tx.drop_family(dropped);
      result.skipped.push_back(std::string(e.what()) +
                               (dropped.empty() ? "" : " (family " + dropped + " dropped)"));
      continue;
    }
    if (entry == exposition::Entry::kEnd) break;
    shadow.reset();
    switch (entry) {
      case exposition::Entry::kType:
        at_family(parser->metric_name());
        tx.set_type(parser->metric_name(), parser->type());
        break;
      case exposition::Entry::kHelp:
        at_family(parser->metric_name());
        tx.set_help(parser->metric_name(), parser->help());
        break;
      case exposition::Entry::kUnit:
        at_family(parser->metric_name());
        tx.set_unit(parser->metric_name(), parser->unit());
        break;
      case exposition::Entry::kSample:  // handled above
      case exposition::Entry::kNativeHistogram:
        at_family(parser->metric_name());
        tx.append_native_histogram(parser->metric_name(), parser->native_histogram());
        shadow.set(parser->metric_name(), parser->native_histogram().labels);
        break;
      case exposition::Entry::kEnd:
        break;
    }
  }
  result.samples = tx.samples_seen();
  if (options.scrape_metrics) tx.add_scrape_metrics(*options.scrape_metrics);
  batcher.emit();
  return result;
}

}  // namespace promotel::promreceiver

#include "promreceiver/convert.h"

#include <google/protobuf/arena.h>

#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "common/bytes.h"
#include "promreceiver/documents.h"
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

// Hands a request to whichever sink was given: a built message, or the bytes written directly.
struct Sinks {
  const RequestSink* request = nullptr;
  const SerializedSink* serialized = nullptr;
  const SerializedSink* json = nullptr;
  const SerializedPiecesSink* pieces = nullptr;
};

class Batcher {
 public:
  Batcher(Transaction& tx, const Sinks& sinks, ConvertResult& result)
      : tx_(tx), sinks_(sinks), result_(result) {}

  void emit() {
    if (tx_.pending_points() == 0) return;
    size_t points = 0;
    if (sinks_.json != nullptr) {
      points = tx_.commit_json(&bytes_);
      if (points == 0) return;  // a batch without data points is not sent (A15)
      (*sinks_.json)(bytes_);
    } else if (sinks_.pieces != nullptr) {
      points = tx_.commit_serialized(sinks_.pieces->size, sinks_.pieces->pieces);
      if (points == 0) return;  // a batch without data points is not sent (A15)
    } else if (sinks_.serialized != nullptr) {
      points = tx_.commit_serialized(&bytes_);
      if (points == 0) return;  // a batch without data points is not sent (A15)
      (*sinks_.serialized)(bytes_);
    } else {
      // Each request is built in an arena freed at once (measured ~2x faster than reusing one
      // heap-allocated request, whose oneof strings are freed by Clear()).
      google::protobuf::ArenaOptions arena_options;
      arena_options.start_block_size = 1 << 16;
      arena_options.max_block_size = 1 << 22;
      google::protobuf::Arena arena(arena_options);
      auto* request = google::protobuf::Arena::CreateMessage<ExportMetricsServiceRequest>(&arena);
      points = tx_.commit(request);
      if (points == 0) return;  // a batch without data points is not sent (A15)
      (*sinks_.request)(*request);
    }
    ++result_.requests;
    result_.data_points += points;
  }

 private:
  Transaction& tx_;
  const Sinks& sinks_;
  ConvertResult& result_;
  std::string bytes_;
};

// One scrape: one exposition document through one transaction.
void convert_scrape(Reader& input, const ConvertOptions& options, const Sinks& sinks,
                    const Transaction::Warn& warn, ConvertResult& result) {
  Transaction tx(options.receiver, warn);
  Batcher batcher(tx, sinks, result);
  auto parser = exposition::make_parser(input, options.parse);
  std::string current_family;  // normalised name of the family being read
  NativeShadow shadow;
  // Only text 0.0.4 can go on after an error (at the next line); a broken protobuf record
  // leaves no place to resume, and its decoder would throw the same error forever.
  bool lenient = !options.parse.strict && options.parse.format == exposition::Format::kPrometheusText;

  // A batch is full at batch_size data points, each pending metric counting as 4 more (its
  // resource, scope and descriptor cost memory too: an input where every series is its own
  // target has as many metrics as points).
  auto batch_full = [&] {
    return options.batch_size != 0 &&
           tx.pending_points() + 4 * tx.pending_metrics() >= options.batch_size;
  };
  auto at_family = [&](std::string_view family) {
    if (family == current_family) return;
    if (batch_full()) batcher.emit();
    current_family.assign(family);
  };

  // When targets come from the samples' own job/instance labels, a new target also starts new
  // data points, so a batch may end there too (an input where every line names another target
  // stays bounded).
  bool targets_from_labels = options.receiver.job.empty() || options.receiver.instance.empty() ||
                             options.receiver.honor_labels;
  std::string current_target, target;
  // The name of the last sample when nothing but samples came since: the same name is the
  // same family, already current.
  std::string last_sample_name;
  bool skipped_sample = false;  // the parser's last sample was not appended
  // Returns whether the sample has the name of the sample before (known for one target only).
  auto at_sample = [&](const model::Sample& sample) {
    if (!targets_from_labels && same_bytes(sample.name, last_sample_name)) {
      return !last_sample_name.empty();  // empty: no sample since the last other entry
    }
    std::string_view family = normalize_metric_name(sample.name);
    if (targets_from_labels) {
      target.clear();
      for (const model::Label& l : sample.labels) {
        if (l.name == "job" || l.name == "instance") {
          target.append(l.name);
          target.push_back('\0');
          target.append(l.value);
          target.push_back('\0');
        }
      }
      if (target != current_target) {
        current_target.swap(target);
        if (family == current_family && batch_full()) batcher.emit();
      }
    }
    at_family(family);
    if (!targets_from_labels) last_sample_name.assign(sample.name);
    return false;
  };

  for (;;) {
    exposition::Entry entry;
    try {
      entry = parser->next();
      if (entry == exposition::Entry::kSample) {
        const model::Sample& sample = parser->sample();  // one virtual call per sample
        if (!options.classic_histograms && shadow.covers(sample)) {
          skipped_sample = true;
          continue;
        }
        try {
          // last_sample_name is that of the last sample appended (skipped ones never get
          // here), or empty.
          bool repeats_name = at_sample(sample);
          if (skipped_sample && sample.repeats_label_names) {
            // Its names repeat those of a sample the transaction did not see.
            model::Sample unhinted = sample;
            unhinted.repeats_label_names = false;
            tx.append(unhinted, repeats_name);
          } else {
            tx.append(sample, repeats_name);
          }
          skipped_sample = false;
        } catch (const Error& e) {
          throw Error(parser->position(), e.what());
        }
        continue;
      }
    } catch (const Error& e) {
      if (!options.keep_going || !lenient) {
        if (options.scrape_metrics) {
          // As Prometheus after a failed scrape: the samples are discarded and only the scrape
          // series, with up = 0, are sent (A15).
          tx.rollback();
          ScrapeReport failed = *options.scrape_metrics;
          failed.up = false;
          tx.add_scrape_metrics(failed);
          batcher.emit();
        }
        throw;
      }
      last_sample_name.clear();
      std::string dropped = current_family;
      if (!dropped.empty()) tx.drop_family(dropped);
      result.skipped.push_back(std::string(e.what()) +
                               (dropped.empty() ? "" : " (family " + dropped + " dropped)"));
      continue;
    }
    if (entry == exposition::Entry::kEnd) break;
    shadow.reset();
    last_sample_name.clear();
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
  result.samples += tx.samples_seen();
  if (options.scrape_metrics) tx.add_scrape_metrics(*options.scrape_metrics);
  batcher.emit();
}


ConvertResult convert_all(Reader& input, const ConvertOptions& options, const Sinks& sinks,
                          const Transaction::Warn& warn) {
  ConvertResult result;
  if (!options.documents || options.parse.format != exposition::Format::kOpenMetrics) {
    convert_scrape(input, options, sinks, warn, result);
    return result;
  }
  OpenMetricsDocuments documents(input);
  do {
    convert_scrape(documents, options, sinks, warn, result);
  } while (documents.next_document());
  return result;
}

}  // namespace

ConvertResult convert(Reader& input, const ConvertOptions& options, const RequestSink& sink,
                      const Transaction::Warn& warn) {
  return convert_all(input, options, Sinks{&sink, nullptr, nullptr, nullptr}, warn);
}

ConvertResult convert_serialized(Reader& input, const ConvertOptions& options,
                                 const SerializedSink& sink, const Transaction::Warn& warn) {
  return convert_all(input, options, Sinks{nullptr, &sink, nullptr, nullptr}, warn);
}

ConvertResult convert_serialized_pieces(Reader& input, const ConvertOptions& options,
                                        const SerializedPiecesSink& sink,
                                        const Transaction::Warn& warn) {
  return convert_all(input, options, Sinks{nullptr, nullptr, nullptr, &sink}, warn);
}

ConvertResult convert_json(Reader& input, const ConvertOptions& options,
                           const SerializedSink& sink, const Transaction::Warn& warn) {
  return convert_all(input, options, Sinks{nullptr, nullptr, &sink, nullptr}, warn);
}

}  // namespace promotel::promreceiver

#include "remotewrite/push.h"

#include <algorithm>
#include <cstring>
#include <fstream>

#include "common/stop.h"
#include "exposition/parser.h"
#include "otlp/framing.h"
#include "remotewrite/printer.h"
#include "remotewrite/replayable_input.h"

namespace promotel::remotewrite {

namespace {

constexpr size_t kSniffBytes = 64 * 1024;

// Replays the first bytes of a stream that were read for sniffing, then the rest.
class PrefixedReader : public Reader {
 public:
  PrefixedReader(Reader& in, std::string prefix) : in_(in), prefix_(std::move(prefix)) {}
  size_t read(char* buffer, size_t size) override {
    if (used_ < prefix_.size()) {
      size_t n = std::min(size, prefix_.size() - used_);
      std::memcpy(buffer, prefix_.data() + used_, n);
      used_ += n;
      return n;
    }
    return in_.read(buffer, size);
  }
  const std::string& name() const override { return in_.name(); }

 private:
  Reader& in_;
  std::string prefix_;
  size_t used_ = 0;
};

// Signals that sending must stop (the receiver is gone); caught in push().
struct StopSending {};
struct Interrupted {};

// Feeds translated OTLP series to the builder.
class BuilderSink : public otlptranslate::Sink {
 public:
  BuilderSink(SeriesBuilder& builder, std::function<void(const std::string&)> report)
      : builder_(builder), report_(std::move(report)) {}
  void metadata(std::string_view family, model::MetricType type, std::string_view help,
                std::string_view unit) override {
    builder_.type(family, type);
    // The builder keeps only UTF-8 text; OTLP calls HELP the description.
    if (!builder_.help(family, help).empty()) {
      report_("metric " + std::string(family) + ": invalid UTF-8 in the description");
    }
    if (!builder_.unit(family, unit).empty()) {
      report_("metric " + std::string(family) + ": invalid UTF-8 in the unit");
    }
  }
  void sample(const model::Sample& sample, int64_t start_ms, bool stale) override {
    std::string why = builder_.add(sample, SeriesBuilder::Extras{start_ms, stale});
    if (!why.empty()) report_("series " + std::string(sample.name) + ": " + why);
  }
  void histogram(std::string_view family, const model::NativeHistogram& h, bool stale) override {
    std::string why = builder_.add(family, h, stale);
    if (!why.empty()) report_("native histogram " + std::string(family) + ": " + why);
  }
  void problem(const std::string& what) override { report_(what); }

 private:
  SeriesBuilder& builder_;
  std::function<void(const std::string&)> report_;
};

bool looks_like_otlp(std::string_view head) {
  size_t i = 0;
  while (i < head.size() && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) ++i;
  if (i == head.size()) return false;
  unsigned char c = static_cast<unsigned char>(head[i]);
  if (c == '{') {  // OTLP/JSON, not an exposition line such as {"my.metric"} 1
    return head.find("\"resourceMetrics\"") != std::string_view::npos ||
           head.find("\"resource_metrics\"") != std::string_view::npos;
  }
  return (i == 0 && c == 0x00) || (i == 0 && head.size() >= 2 && c == 0x1f && uint8_t(head[1]) == 0x8b);
}

}  // namespace

PushResult push(const PushOptions& options, Output& out) {
  PushResult result;
  auto error = [&](const std::string& m) {
    if (options.error) options.error(m);
  };

  Sender sender(options.sender);
  BatchPrinter printer(out);
  RequestEncoder encoder;
  // A --dry-run that prints only summaries reads its input once: nothing is sent, and the
  // summary lines (one per request) wait here until the whole input has proved valid.
  const bool one_pass = options.dry_run && !options.dry_run_samples && options.output_path.empty() &&
                        !options.send && !options.keep_going;
  std::string summaries;

  auto flush = [&](Batch& batch) {
    ++result.requests;
    if (options.dry_run || !options.output_path.empty()) {
      Protocol protocol = options.send ? sender.protocol() : options.protocol;
      const EncodedRequest request = encoder.encode(batch, protocol);
      RequestSizes sizes{request.protobuf.size(), request.body.size()};
      if (one_pass) {
        summaries += summary_line(result.requests, batch, protocol, sizes);
      } else if (options.dry_run_samples) {
        printer.print(batch, protocol, sizes);
      } else if (options.dry_run) {
        printer.summary(batch, protocol, sizes);
      }
      if (!options.output_path.empty()) {
        std::string path = options.output_path;
        if (result.requests > 1) path += "." + std::to_string(result.requests);
        Output file = Output::open(path);
        file.write(request.body);
        file.flush();
      }
    }
    if (options.send) {
      if (sender.send(batch) == Sender::Outcome::kGaveUp) throw StopSending{};
    }
    if (stop_requested()) throw Interrupted{};  // the request in hand went out whole; no more
  };

  // All or nothing: the last error is held back and thrown with the verdict, so that one
  // bad input gives one error line.
  std::string held_error;
  const std::string kMoreErrors = "more errors not shown";

  // One pass over every input. validate: build nothing. all_or_nothing: hold the last error.
  auto run = [&](std::vector<std::unique_ptr<ReplayableInput>>& inputs, bool validate, bool all_or_nothing) {
    BuilderOptions builder_options = options.builder;
    builder_options.validate_only = validate;
    builder_options.v1_body_in_place = (options.send ? sender.protocol() : options.protocol) == Protocol::kV1;
    SeriesBuilder builder(builder_options, flush);
    uint64_t errors = 0;
    auto emit = [&](const std::string& m) {
      if (!all_or_nothing) return error(m);
      if (!held_error.empty()) error(held_error);
      held_error = m;
    };
    auto report = [&](const SourcePosition& where, const std::string& what) {
      ++errors;
      if (errors <= options.max_reported_errors) {
        emit(where.to_string() + ": " + what);
      } else if (errors == options.max_reported_errors + 1) {
        emit(kMoreErrors);
      }
    };
    for (auto& input : inputs) {
      exposition::Format format = exposition::Format::kPrometheusText;
      bool otlp = options.otlp;
      std::unique_ptr<PrefixedReader> prefixed;
      Reader* reader = input.get();
      if (options.format) {
        format = *options.format;
      } else if (!otlp && input->size() >= 0) {
        std::string head = input->peek(0, kSniffBytes);
        int64_t tail_at = std::max<int64_t>(0, input->size() - int64_t(kSniffBytes));
        otlp = looks_like_otlp(head);
        format = exposition::sniff_format(head, input->peek(tail_at, kSniffBytes));
      } else if (!otlp) {
        std::string head(kSniffBytes, '\0');
        size_t used = 0;
        while (used < head.size()) {
          size_t n = input->read(head.data() + used, head.size() - used);
          if (n == 0) break;
          used += n;
        }
        head.resize(used);
        otlp = looks_like_otlp(head);
        format = exposition::sniff_format(head);
        prefixed = std::make_unique<PrefixedReader>(*input, std::move(head));
        reader = prefixed.get();
      }
      builder.start_input();
      if (otlp) {
        uint64_t request_number = 0;
        BuilderSink sink(builder, [&](const std::string& what) {
          report(SourcePosition{input->name(), 0, 0}, "request " + std::to_string(request_number) + ": " + what);
        });
        try {
          otlp::RequestReader requests(*reader, {otlp::Signal::kMetrics});
          while (auto* message = requests.next()) {
            ++request_number;
            otlptranslate::translate(static_cast<const otlp::MetricsRequest&>(*message), options.translate, sink);
          }
        } catch (const Error& e) {
          ++errors;
          emit(e.what());
        }
        continue;
      }
      auto parser = exposition::make_parser(*reader, {format, options.strict});
      try {
        for (exposition::Entry e; (e = parser->next()) != exposition::Entry::kEnd;) {
          if (e == exposition::Entry::kSample) {
            // The common case on its own: the reason is constructed in place, not moved in.
            if (std::string why = builder.add(parser->sample()); !why.empty()) report(parser->position(), why);
            continue;
          }
          std::string why;
          switch (e) {
            case exposition::Entry::kType: builder.type(parser->metric_name(), parser->type()); break;
            case exposition::Entry::kHelp: why = builder.help(parser->metric_name(), parser->help()); break;
            case exposition::Entry::kUnit: why = builder.unit(parser->metric_name(), parser->unit()); break;
            case exposition::Entry::kNativeHistogram:
              why = builder.add(parser->metric_name(), parser->native_histogram());
              break;
            case exposition::Entry::kSample:  // handled above
            case exposition::Entry::kEnd: break;
          }
          if (!why.empty()) report(parser->position(), why);
        }
      } catch (const Error& e) {
        // A syntax error ends this input: the parser cannot resume after it.
        ++errors;
        emit(e.what());
      }
    }
    builder.finish();
    result.input_errors += errors;
    return std::pair{builder.stats(), errors};
  };

  auto refuse = [&](uint64_t errors) {
    std::string verdict = (errors == 1 ? std::string("nothing was sent")
                                       : std::to_string(errors) + " errors in all, nothing was sent");
    if (held_error == kMoreErrors) {
      throw Error("invalid input (" + std::to_string(errors) + " errors, the first " +
                  std::to_string(options.max_reported_errors) + " shown): nothing was sent");
    }
    throw Error(held_error + " (" + verdict + ")");
  };

  std::vector<std::unique_ptr<ReplayableInput>> inputs;
  for (const auto& path : options.inputs) {
    inputs.push_back(std::make_unique<ReplayableInput>(path, !options.keep_going && !one_pass));
  }

  if (one_pass) {
    try {
      auto [stats, errors] = run(inputs, false, true);
      if (errors > 0) refuse(errors);
      result.built = stats;
    } catch (const Interrupted&) {
      result.interrupted = true;
    }
    out.write(summaries);
    result.sent = sender.stats();
    return result;
  }
  if (!options.keep_going) {
    // Validate everything before the first request leaves: a second pass then builds and sends.
    auto [stats, errors] = run(inputs, true, true);
    if (errors > 0) refuse(errors);
    result.input_errors = 0;
    if (stop_requested()) {
      result.interrupted = true;
      return result;
    }
    for (auto& input : inputs) input->rewind();
  }
  try {
    auto [stats, errors] = run(inputs, false, false);
    result.built = stats;
  } catch (const StopSending&) {
    result.gave_up = true;
  } catch (const Interrupted&) {
    result.interrupted = true;
  }
  result.sent = sender.stats();
  return result;
}

}  // namespace promotel::remotewrite

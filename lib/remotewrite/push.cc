#include "remotewrite/push.h"

#include <algorithm>
#include <cstring>
#include <fstream>

#include "exposition/parser.h"
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

struct StopInput {};  // too many errors

}  // namespace

PushResult push(const PushOptions& options, Output& out) {
  PushResult result;
  auto error = [&](const std::string& m) {
    if (options.error) options.error(m);
  };

  Sender sender(options.sender);
  BatchPrinter printer(out);
  V2Encoder v2;
  std::string protobuf, body;

  auto flush = [&](Batch& batch) {
    ++result.requests;
    if (options.dry_run || !options.output_path.empty()) {
      Protocol protocol = options.send ? sender.protocol() : options.protocol;
      if (protocol == Protocol::kV1) {
        encode_v1(batch, protobuf);
      } else {
        v2.encode(batch, protobuf);
      }
      snappy_compress(protobuf, body);
      if (options.dry_run) printer.print(batch, protocol, RequestSizes{protobuf.size(), body.size()});
      if (!options.output_path.empty()) {
        std::string path = options.output_path;
        if (result.requests > 1) path += "." + std::to_string(result.requests);
        Output file = Output::open(path);
        file.write(body);
        file.flush();
      }
    }
    if (options.send) {
      if (sender.send(batch) == Sender::Outcome::kGaveUp) throw StopSending{};
    }
  };

  // One pass over every input. validate: build nothing, stop at the first syntax error.
  auto run = [&](std::vector<std::unique_ptr<ReplayableInput>>& inputs, bool validate) {
    BuilderOptions builder_options = options.builder;
    builder_options.validate_only = validate;
    SeriesBuilder builder(builder_options, flush);
    uint64_t errors = 0;
    auto report = [&](const SourcePosition& where, const std::string& what) {
      ++errors;
      if (errors <= options.max_reported_errors) {
        error(where.to_string() + ": " + what);
      } else if (errors == options.max_reported_errors + 1) {
        error("more errors not shown");
      }
    };
    for (auto& input : inputs) {
      exposition::Format format;
      std::unique_ptr<PrefixedReader> prefixed;
      Reader* reader = input.get();
      if (options.format) {
        format = *options.format;
      } else if (input->size() >= 0) {
        int64_t tail_at = std::max<int64_t>(0, input->size() - int64_t(kSniffBytes));
        format = exposition::sniff_format(input->peek(0, kSniffBytes), input->peek(tail_at, kSniffBytes));
      } else {
        std::string head(kSniffBytes, '\0');
        size_t used = 0;
        while (used < head.size()) {
          size_t n = input->read(head.data() + used, head.size() - used);
          if (n == 0) break;
          used += n;
        }
        head.resize(used);
        format = exposition::sniff_format(head);
        prefixed = std::make_unique<PrefixedReader>(*input, std::move(head));
        reader = prefixed.get();
      }
      auto parser = exposition::make_parser(*reader, {format, options.strict});
      builder.start_input();
      try {
        for (exposition::Entry e; (e = parser->next()) != exposition::Entry::kEnd;) {
          std::string why;
          switch (e) {
            case exposition::Entry::kType: builder.type(parser->metric_name(), parser->type()); break;
            case exposition::Entry::kHelp: builder.help(parser->metric_name(), parser->help()); break;
            case exposition::Entry::kUnit: builder.unit(parser->metric_name(), parser->unit()); break;
            case exposition::Entry::kSample: why = builder.add(parser->sample()); break;
            case exposition::Entry::kNativeHistogram:
              why = builder.add(parser->metric_name(), parser->native_histogram());
              break;
            case exposition::Entry::kEnd: break;
          }
          if (!why.empty()) report(parser->position(), why);
        }
      } catch (const Error& e) {
        // A syntax error ends this input: the parser cannot resume after it.
        ++errors;
        error(e.what());
      }
    }
    builder.finish();
    result.input_errors += errors;
    return std::pair{builder.stats(), errors};
  };

  std::vector<std::unique_ptr<ReplayableInput>> inputs;
  for (const auto& path : options.inputs) {
    inputs.push_back(std::make_unique<ReplayableInput>(path, !options.keep_going));
  }

  if (!options.keep_going) {
    auto [stats, errors] = run(inputs, true);
    if (errors > 0) {
      throw Error("invalid input (" + std::to_string(errors) + (errors == 1 ? " error" : " errors") +
                  "): nothing was sent");
    }
    result.input_errors = 0;
    for (auto& input : inputs) input->rewind();
  }
  try {
    auto [stats, errors] = run(inputs, false);
    result.built = stats;
  } catch (const StopSending&) {
    result.gave_up = true;
  }
  result.sent = sender.stats();
  return result;
}

}  // namespace promotel::remotewrite

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <google/protobuf/message.h>

#include "common/input.h"
#include "common/output.h"
#include "otlp/signal.h"

namespace promotel::otlp {

// The two encodings of the Collector's file exporter:
//   proto: each message as a 4-byte big-endian length followed by the protobuf bytes;
//   json:  each message as one line of OTLP/JSON.
enum class Format { kProto, kJson };
std::optional<Format> parse_format(std::string_view name);  // "proto" | "json"

// Appends one framed message to out.
void append_frame(std::string& out, const google::protobuf::Message& request, Format format);
// Same for a message already serialized as protobuf bytes.
void append_proto_frame(std::string& out, std::string_view serialized);

// Writes requests to an Output in file-exporter framing.
class FrameWriter {
 public:
  FrameWriter(Output& out, Format format) : out_(out), format_(format) {}
  void write(const google::protobuf::Message& request);
  void flush() { out_.flush(); }

 private:
  Output& out_;
  Format format_;
  std::string scratch_;
};

// Heuristic signal of a protobuf request without framing or type information: the first of
// metrics, traces, logs that parses with no unknown fields (and ids of 16/8 bytes or none).
std::optional<Signal> detect_proto_signal(std::string_view serialized);

// How the RequestReader understood its input (for messages and tests).
enum class InputEncoding { kUnknown, kProtoFramed, kProtoBare, kJson };

// Reads OTLP requests one at a time from any source, detecting what it is:
//   gzip (by magic bytes, streamed), OTLP/JSON (one request per line or pretty-printed, even
//   several objects in a row), file-exporter protobuf framing, or one bare protobuf message
//   (first byte 0x0a, or bare=true). The signal comes from the JSON keys, the caller
//   (signal), or a structural guess for protobuf. Memory is bounded by the largest request.
class RequestReader {
 public:
  struct Options {
    std::optional<Signal> signal;  // force the signal; requests of another kind are errors
    bool bare = false;             // the whole input is one protobuf message
    size_t max_message_size = size_t{1} << 30;
  };
  RequestReader(Reader& source, Options options);
  ~RequestReader();

  // The next request, or nullptr at the end of the input. The message is owned by the reader
  // and valid until the next call. Throws promotel::Error ("<file>:<line>:<col>: what" for
  // JSON, "<file>: message #N at byte B: what" for protobuf).
  google::protobuf::Message* next();

  Signal signal() const { return signal_; }  // of the request last returned
  InputEncoding encoding() const { return encoding_; }

  // A two-step next() for callers that can use a frame's protobuf bytes as they are (e.g. to
  // print them without building messages). Only for file-exporter framing, which
  // framed_protobuf() tells (detecting the encoding if not yet done). next_frame() gives the
  // payload of the next frame (nullopt at the end; next()'s framing errors), valid until the
  // next call; then either accept_frame() takes the bytes as a request of that signal, or
  // parse_frame() returns the message next() would have (same errors).
  bool framed_protobuf();
  std::optional<std::string_view> next_frame();
  google::protobuf::Message* parse_frame();
  void accept_frame(Signal signal) { signal_ = signal; }
  // The signal a frame is tried as first: the forced one, else the previous request's.
  Signal expected_signal() const { return options_.signal.value_or(signal_); }

 private:
  bool fill(size_t want);  // ensures want bytes after pos_ if the input has them
  void detect();
  google::protobuf::Message* next_json();
  google::protobuf::Message* next_proto_framed();
  google::protobuf::Message* next_proto_bare();
  google::protobuf::Message& message_for(Signal signal);
  // Parses a protobuf request of a known or guessed signal into the arena; nullptr if invalid.
  google::protobuf::Message* parse_proto(std::string_view payload, std::optional<Signal> signal);
  void skip_space_counting_lines();

  Reader* source_;
  std::unique_ptr<Reader> gzip_;
  Options options_;
  std::string buffer_;
  size_t pos_ = 0;
  bool eof_ = false;
  bool detected_ = false;
  InputEncoding encoding_ = InputEncoding::kUnknown;
  Signal signal_ = Signal::kMetrics;
  uint64_t consumed_ = 0;                // bytes before buffer_[0]
  size_t line_ = 1;                      // line of buffer_[pos_] (JSON)
  size_t column_ = 1;
  uint64_t count_ = 0;
  std::string_view frame_;        // the payload next_frame() gave
  uint64_t frame_offset_ = 0;     // where its header starts in the input
  // Requests are built on an arena that is reset for each one: a large request is freed in
  // one go instead of per attribute and data point.
  google::protobuf::Arena arena_;
};

}  // namespace promotel::otlp

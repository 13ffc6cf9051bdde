#include "otlp/framing.h"

#include <google/protobuf/stubs/logging.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "common/error.h"
#include "otlp/gzip.h"
#include "otlp/json_decode.h"
#include "otlp/json_encode.h"

namespace promotel::otlp {

namespace {

using google::protobuf::Message;

// Unknown fields anywhere in the first `budget` sub-messages (depth first). A guess needs no
// more than a sample, and a full walk of a large request would cost more than parsing it.
bool has_unknown_fields(const Message& message, int& budget) {
  if (--budget < 0) return false;
  const auto* reflection = message.GetReflection();
  if (!reflection->GetUnknownFields(message).empty()) return true;
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const auto* field : fields) {
    if (field->type() != google::protobuf::FieldDescriptor::TYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      int n = reflection->FieldSize(message, field);
      for (int i = 0; i < n && budget > 0; ++i)
        if (has_unknown_fields(reflection->GetRepeatedMessage(message, field, i), budget)) return true;
    } else if (has_unknown_fields(reflection->GetMessage(message, field), budget)) {
      return true;
    }
  }
  return false;
}

bool has_unknown_fields(const Message& message) {
  int budget = 256;
  return has_unknown_fields(message, budget);
}

bool spans_have_valid_ids(const TracesRequest& request) {
  for (const auto& rs : request.resource_spans())
    for (const auto& ss : rs.scope_spans())
      for (const auto& span : ss.spans())
        if ((span.trace_id().size() | 16) != 16 || (span.span_id().size() | 8) != 8) return false;
  return true;
}

// Protobuf logs an error for invalid UTF-8 while parsing; guesses must stay quiet.
class QuietProtobufLog {
 public:
  QuietProtobufLog() { previous_ = google::protobuf::SetLogHandler(nullptr); }
  ~QuietProtobufLog() { google::protobuf::SetLogHandler(previous_); }

 private:
  google::protobuf::LogHandler* previous_;
};

}  // namespace

std::optional<Format> parse_format(std::string_view name) {
  if (name == "proto") return Format::kProto;
  if (name == "json") return Format::kJson;
  return std::nullopt;
}

void append_proto_frame(std::string& out, std::string_view serialized) {
  uint32_t n = static_cast<uint32_t>(serialized.size());
  char header[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                    static_cast<char>(n >> 8), static_cast<char>(n)};
  out.append(header, 4);
  out.append(serialized);
}

void append_frame(std::string& out, const Message& request, Format format) {
  if (format == Format::kJson) {
    out += encode_json(request);
    out += '\n';
  } else {
    append_proto_frame(out, request.SerializeAsString());
  }
}

void FrameWriter::write(const Message& request) {
  scratch_.clear();
  append_frame(scratch_, request, format_);
  out_.write(scratch_);
}

std::optional<Signal> detect_proto_signal(std::string_view serialized) {
  QuietProtobufLog quiet;
  {
    MetricsRequest m;
    if (m.ParseFromArray(serialized.data(), static_cast<int>(serialized.size())) &&
        !has_unknown_fields(m))
      return Signal::kMetrics;
  }
  {
    TracesRequest t;
    if (t.ParseFromArray(serialized.data(), static_cast<int>(serialized.size())) &&
        !has_unknown_fields(t) && spans_have_valid_ids(t))
      return Signal::kTraces;
  }
  {
    LogsRequest l;
    if (l.ParseFromArray(serialized.data(), static_cast<int>(serialized.size())) &&
        !has_unknown_fields(l))
      return Signal::kLogs;
  }
  return std::nullopt;
}

RequestReader::RequestReader(Reader& source, Options options)
    : source_(&source), options_(options) {
}

RequestReader::~RequestReader() = default;

bool RequestReader::fill(size_t want) {
  while (buffer_.size() - pos_ < want && !eof_) {
    if (pos_ > 0 && pos_ >= buffer_.size() / 2) {  // drop what was consumed
      buffer_.erase(0, pos_);
      consumed_ += pos_;
      pos_ = 0;
    }
    size_t old = buffer_.size();
    // Grow step by step so a bogus length in a frame header costs no more memory than the
    // input really has.
    size_t chunk = std::clamp<size_t>(want - (old - pos_), 1 << 16, 1 << 24);
    buffer_.resize(old + chunk);
    size_t n = source_->read(buffer_.data() + old, chunk);
    buffer_.resize(old + n);
    if (n == 0) eof_ = true;
  }
  return buffer_.size() - pos_ >= want;
}

Message& RequestReader::message_for(Signal signal) {
  arena_.Reset();
  return *new_request(signal, &arena_);
}

Message* RequestReader::parse_proto(std::string_view payload, std::optional<Signal> signal) {
  QuietProtobufLog quiet;
  auto parse = [&](Signal s) -> Message* {
    Message& m = message_for(s);
    if (!m.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) return nullptr;
    signal_ = s;
    return &m;
  };
  if (signal) return parse(*signal);
  // Guess: the first signal that parses with no unknown fields (the previous one first, as
  // streams rarely switch).
  Signal order[] = {signal_, Signal::kMetrics, Signal::kTraces, Signal::kLogs};
  for (Signal s : order) {
    Message* m = parse(s);
    if (!m || has_unknown_fields(*m)) continue;
    if (s == Signal::kTraces && !spans_have_valid_ids(static_cast<TracesRequest&>(*m))) continue;
    return m;
  }
  return parse(signal_);
}

void RequestReader::detect() {
  detected_ = true;
  fill(2);
  if (is_gzip(std::string_view(buffer_).substr(pos_))) {
    // Restart on the decompressed stream; the compressed bytes read so far are replayed.
    struct Replay : Reader {
      Replay(std::string head, Reader& rest) : head_(std::move(head)), rest_(rest) {}
      size_t read(char* out, size_t size) override {
        if (offset_ < head_.size()) {
          size_t n = std::min(size, head_.size() - offset_);
          std::memcpy(out, head_.data() + offset_, n);
          offset_ += n;
          return n;
        }
        return rest_.read(out, size);
      }
      const std::string& name() const override { return rest_.name(); }
      std::string head_;
      size_t offset_ = 0;
      Reader& rest_;
    };
    struct GzipOverReplay : Reader {
      GzipOverReplay(std::string head, Reader& rest) : replay(std::move(head), rest), gz(replay) {}
      size_t read(char* out, size_t size) override { return gz.read(out, size); }
      const std::string& name() const override { return gz.name(); }
      Replay replay;
      GzipReader gz;
    };
    gzip_ = std::make_unique<GzipOverReplay>(buffer_.substr(pos_), *source_);
    source_ = gzip_.get();
    buffer_.clear();
    pos_ = 0;
    eof_ = false;
    fill(1);
  }
  if (options_.bare) {
    encoding_ = InputEncoding::kProtoBare;
    return;
  }
  // Skip leading whitespace to find the first meaningful byte (a bare message starts with
  // 0x0a, which is also '\n', so that decision waits until no '{' follows).
  size_t i = pos_;
  for (;;) {
    while (i < buffer_.size() && std::strchr(" \t\r\n", buffer_[i]) && buffer_[i] != '\0') ++i;
    if (i < buffer_.size() || eof_) break;
    fill(buffer_.size() - pos_ + 1);
  }
  if (i >= buffer_.size()) {
    encoding_ = InputEncoding::kJson;  // empty or blank input: no requests
    return;
  }
  unsigned char first = static_cast<unsigned char>(buffer_[i]);
  if (first == '{' || first == '[') {
    encoding_ = InputEncoding::kJson;
  } else if (static_cast<unsigned char>(buffer_[pos_]) == 0x0a) {
    encoding_ = InputEncoding::kProtoBare;  // field 1, length-delimited: a request itself
  } else {
    encoding_ = InputEncoding::kProtoFramed;
  }
}

Message* RequestReader::next() {
  if (!detected_) detect();
  switch (encoding_) {
    case InputEncoding::kJson: return next_json();
    case InputEncoding::kProtoFramed: return next_proto_framed();
    case InputEncoding::kProtoBare: return next_proto_bare();
    case InputEncoding::kUnknown: break;
  }
  return nullptr;
}

void RequestReader::skip_space_counting_lines() {
  for (;;) {
    while (pos_ < buffer_.size()) {
      char c = buffer_[pos_];
      if (c == '\n') {
        ++line_;
        column_ = 1;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++column_;
      } else {
        return;
      }
      ++pos_;
    }
    if (!fill(1)) return;
  }
}

Message* RequestReader::next_json() {
  skip_space_counting_lines();
  if (!fill(1)) return nullptr;
  SourcePosition where{source_->name(), line_, column_};
  if (buffer_[pos_] != '{') {
    throw Error(where, std::string("expected an OTLP/JSON object ('{'), found '") +
                           buffer_[pos_] + "'");
  }
  // Find the end of this top-level object: track nesting outside strings.
  size_t depth = 0, scanned = 0;
  bool in_string = false, escaped = false;
  size_t lines = 0, column = column_;
  for (;;) {
    while (pos_ + scanned < buffer_.size()) {
      char c = buffer_[pos_ + scanned++];
      if (c == '\n') {
        ++lines;
        column = 1;
      } else {
        ++column;
      }
      if (in_string) {
        if (escaped) escaped = false;
        else if (c == '\\') escaped = true;
        else if (c == '"') in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) goto complete;
      }
    }
    if (scanned > options_.max_message_size)
      throw Error(where, "OTLP/JSON request larger than " +
                             std::to_string(options_.max_message_size) + " bytes");
    if (!fill(scanned + 1)) throw Error(where, "truncated OTLP/JSON: the object does not end");
  }
complete:
  std::string_view text(buffer_.data() + pos_, scanned);
  std::optional<Signal> signal = detect_json_signal(text);
  if (!signal) signal = options_.signal;
  if (!signal) {
    throw Error(where, "not an OTLP request: no resourceMetrics, resourceSpans or resourceLogs "
                       "(use --signal for an empty request)");
  }
  if (options_.signal && *signal != *options_.signal) {
    throw Error(where, "wrong signal: the input holds " + std::string(signal_name(*signal)) +
                           ", expected " + std::string(signal_name(*options_.signal)));
  }
  Message& message = message_for(*signal);
  try {
    decode_json(text, message);
  } catch (const Error& e) {
    throw Error(where, e.what());
  }
  pos_ += scanned;
  line_ += lines;
  column_ = column;
  signal_ = *signal;
  ++count_;
  return &message;
}

Message* RequestReader::next_proto_framed() {
  if (!next_frame()) return nullptr;
  return parse_frame();
}

bool RequestReader::framed_protobuf() {
  if (!detected_) detect();
  return encoding_ == InputEncoding::kProtoFramed;
}

std::optional<std::string_view> RequestReader::next_frame() {
  if (!fill(1)) return std::nullopt;
  uint64_t offset = consumed_ + pos_;
  auto where = [&] {
    return source_->name() + ": message #" + std::to_string(count_ + 1) + " at byte " +
           std::to_string(offset);
  };
  if (!fill(4)) throw Error(where() + ": truncated frame header (want 4 length bytes)");
  const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + pos_);
  size_t length = size_t{p[0]} << 24 | size_t{p[1]} << 16 | size_t{p[2]} << 8 | p[3];
  if (length > options_.max_message_size) {
    throw Error(where() + ": frame length " + std::to_string(length) + " exceeds the limit of " +
                std::to_string(options_.max_message_size) + " bytes (not file-exporter framing?)");
  }
  if (!fill(4 + length)) {
    throw Error(where() + ": truncated message: the frame says " + std::to_string(length) +
                " bytes, the input has " + std::to_string(buffer_.size() - pos_ - 4));
  }
  frame_ = std::string_view(buffer_.data() + pos_ + 4, length);
  frame_offset_ = offset;
  pos_ += 4 + length;
  ++count_;
  return frame_;
}

Message* RequestReader::parse_frame() {
  // Without --signal every frame is recognised on its own: a capture may mix signals.
  Message* message = parse_proto(frame_, options_.signal);
  if (!message) {
    throw Error(source_->name() + ": message #" + std::to_string(count_) + " at byte " +
                std::to_string(frame_offset_) + ": not a valid OTLP " +
                std::string(signal_name(signal_)) + " protobuf message");
  }
  return message;
}

Message* RequestReader::next_proto_bare() {
  if (count_ > 0) return nullptr;
  while (fill(buffer_.size() - pos_ + 1)) {
    if (buffer_.size() - pos_ > options_.max_message_size)
      throw Error(source_->name() + ": protobuf message larger than " +
                  std::to_string(options_.max_message_size) + " bytes");
  }
  std::string_view payload(buffer_.data() + pos_, buffer_.size() - pos_);
  std::optional<Signal> signal = options_.signal;
  if (!signal) signal = detect_proto_signal(payload);
  if (!signal) {
    throw Error(source_->name() + ": cannot tell which OTLP signal this protobuf message is; "
                                  "use --signal");
  }
  Message* message = parse_proto(payload, signal);
  if (!message) {
    throw Error(source_->name() + ": not a valid OTLP " + std::string(signal_name(*signal)) +
                " protobuf message");
  }
  pos_ = buffer_.size();
  ++count_;
  return message;
}

}  // namespace promotel::otlp

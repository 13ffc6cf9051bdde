#pragma once

// The streaming text parser for Prometheus text 0.0.4 and OpenMetrics 1.0 (see parser.h for
// the interface and ParseOptions for the modes).
//
// Memory: the input is read in chunks into one buffer that holds the unconsumed bytes and at
// least the current line (a longer line grows it); label values with escapes are decoded into a
// scratch buffer reused for every line. There is no allocation per sample once the buffers
// have grown to the longest line and the largest label count.
//
// Speed: in lenient mode the common sample line (`name{l="v",...} value`, ASCII values without
// escapes, no timestamp or exemplar) is parsed by one pass that does not split lines first and
// tries the previous line's label names before scanning characters; every other line, and any
// line the fast pass declines, goes through the general line-at-a-time parser, which reports
// all errors. Both give the same entries (text_parser_test checks it against strict mode).
//
// Decisions (documented in PROBES.md):
//  * Escapes: "\\" → "\", "\n" → LF, "\"" → '"' (label values in both formats, HELP in
//    OpenMetrics); any other "\x" is kept as the two characters "\x" (as Prometheus does).
//    text 0.0.4 HELP knows only "\\" and "\n".
//  * Timestamps: text 0.0.4 int64 milliseconds (negative allowed); OpenMetrics decimal seconds,
//    converted exactly to ms, truncated toward zero, saturating beyond the int64 range.
//  * Quoted UTF-8 names ({"my.metric", "my.label"="v"}, # TYPE "my.metric" gauge) are
//    accepted in both formats.
//  * OpenMetrics is checked to end with "# EOF"; the parser reports kEnd only after it has
//    verified that nothing follows. Samples before an error have already been returned: the
//    consumer must treat an OpenMetrics exposition that throws as invalid in its entirety.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "exposition/parser.h"

namespace promotel::exposition {

class OpenMetricsValidator;

class TextParser final : public Parser {
 public:
  TextParser(Reader& input, ParseOptions options);
  // Parses an input that is already in memory (e.g. an HTTP body) in place, without copying it
  // into a buffer. `data` must outlive the parser.
  TextParser(std::string_view data, std::string name, ParseOptions options);
  ~TextParser() override;

  Entry next() override;
  std::string_view metric_name() const override {
    return entry_ == Entry::kSample ? sample_.name : metric_name_;
  }
  model::MetricType type() const override { return type_; }
  std::string_view help() const override { return text_; }
  std::string_view unit() const override { return text_; }
  const model::Sample& sample() const override { return sample_; }
  const model::NativeHistogram& native_histogram() const override;
  SourcePosition position() const override { return {input_->name(), line_number_, 1}; }

  // Bytes consumed so far (for throughput reports).
  uint64_t bytes_read() const { return bytes_before_base_ + static_cast<uint64_t>(pos_ - base_); }
  // Size of the input buffer: the initial chunk size unless a longer line made it grow.
  size_t buffer_capacity() const { return capacity_; }

 private:
  bool fetch_line();
  [[gnu::noinline]] Entry next_line();  // the general path: one line at a time
  bool parse_plain_sample();
  void remember_name(size_t index, const char* b, const char* q);
  void grow_fast_labels();
  void disable_fast_path() { fast_stop_ = base_; }
  void refill();
  bool parse_prom_line();           // false: nothing to report (blank line / comment)
  bool parse_om_line();
  void parse_prom_comment(const char* p);
  void parse_om_descriptor(const char* p);
  void parse_sample(const char* p, bool openmetrics);
  const char* parse_labels(const char* p, bool openmetrics, std::vector<model::Label>& out,
                           bool allow_metric_name);
  template <bool kOpenMetrics>
  const char* parse_labels_impl(const char* p, std::vector<model::Label>& out, bool allow_metric_name);
  template <bool kOpenMetrics>
  void parse_sample_impl(const char* p);
  const char* parse_quoted(const char* p, std::string_view& out, bool openmetrics);
  const char* parse_quoted_slow(const char* p, std::string_view& out, bool openmetrics);
  std::string_view unescape_help(std::string_view raw, bool openmetrics);
  void check_eof_end(const char* p);
  [[noreturn]] void fail(const char* at, const std::string& what) const;
  [[noreturn]] void fail_validation(const std::string& what) const;

  std::unique_ptr<StringReader> own_input_;  // for the in-memory constructor
  Reader* input_;
  ParseOptions options_;
  std::unique_ptr<char[]> buffer_;
  size_t capacity_ = 0;
  char* pos_ = nullptr;   // first unconsumed byte
  char* end_ = nullptr;   // end of data read
  char* scan_from_ = nullptr;  // where the search for the next LF continues (may lag pos_)
  bool input_done_ = false;
  // parse_plain_sample takes lines that start before fast_stop_ and end in a '\n' before it,
  // and may read up to kFastPad bytes beyond any position up to that '\n' without bounds
  // checks: with a buffer, fast_stop_ is end_ (the sentinel '\n'), followed by kFastPad
  // bytes of the allocation; in memory, it is one past the last '\n' that has kFastPad bytes
  // of input after it. fast_stop_ == base_ (nothing starts before it) turns the fast path off
  // (strict mode, or the end of the input).
  static constexpr size_t kFastPad = 64;
  bool plain_fast_path_ = false;
  const char* fast_stop_ = nullptr;
  bool finished_ = false;
  // bytes_read() = bytes_before_base_ + (pos_ - base_); base_ is the buffer's start.
  const char* base_ = nullptr;
  uint64_t bytes_before_base_ = 0;

  // Every line is followed by a readable '\n' at line_end_ (the line feed itself, or a sentinel
  // after a last line without one), so hot loops can test *p without also testing p < end.
  const char* line_begin_ = nullptr;
  const char* line_end_ = nullptr;
  std::string last_line_;  // an unterminated last line of in-memory input, plus the sentinel
  bool line_has_lf_ = false;
  size_t line_number_ = 0;
  Entry entry_ = Entry::kEnd;
  bool saw_eof_marker_ = false;

  std::string_view metric_name_;
  std::string_view text_;
  model::MetricType type_ = model::MetricType::kUnknown;
  model::Sample sample_;
  model::Exemplar exemplar_;
  std::vector<model::Label> labels_;
  std::vector<model::Label> exemplar_labels_;

  // parse_plain_sample's guesses of the label names: bytes `name="` of the last line's labels,
  // one per entry of fast_labels_.
  struct alignas(16) NameGuess {
    char bytes[16] = {};
    // Bit i: byte i must match. kNoGuess (a bit no 16-byte compare sets) never matches.
    uint32_t mask = kNoGuess;
    uint32_t length = 0;  // of `name="`
  };
  static constexpr uint32_t kNoGuess = 0x10000;
  // The same for the metric name (up to 64 bytes): its bytes, which of bytes 0..31 and 32..63
  // must match, its length (0 = no guess).
  static constexpr uint64_t kNoMetricGuess = uint64_t(1) << 32;
  alignas(16) char metric_guess_[64] = {};
  uint64_t metric_guess_mask_ = kNoMetricGuess;
  uint64_t metric_guess_mask_high_ = 0;
  uint32_t metric_guess_length_ = 0;
  std::vector<NameGuess> name_guesses_;
  // The labels of a sample parsed by parse_plain_sample (its size is its capacity: a line with
  // more labels grows it and goes to the general path).
  std::vector<model::Label> fast_labels_;
  // The label count of the previous sample if parse_plain_sample returned it.
  static constexpr size_t kNoFastSample = ~size_t(0);
  size_t fast_label_count_ = kNoFastSample;
  std::string scratch_;
  size_t scratch_used_ = 0;

  std::unique_ptr<OpenMetricsValidator> validator_;
};

}  // namespace promotel::exposition

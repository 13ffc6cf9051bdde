#include "exposition/text_parser.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "exposition/number.h"
#include "exposition/om_validator.h"
#include "common/utf8.h"

namespace promotel::exposition {
namespace {

constexpr size_t kInitialBuffer = 256 * 1024;

struct CharTable {
  bool metric_start[256] = {};
  bool metric[256] = {};
  bool label_start[256] = {};
  bool label[256] = {};
  constexpr CharTable() {
    for (int c = 0; c < 256; ++c) {
      bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      bool digit = c >= '0' && c <= '9';
      metric_start[c] = alpha || c == '_' || c == ':';
      metric[c] = alpha || digit || c == '_' || c == ':';
      label_start[c] = alpha || c == '_';
      label[c] = alpha || digit || c == '_';
    }
  }
};
constexpr CharTable kChars;

inline bool is_metric_start(char c) { return kChars.metric_start[static_cast<unsigned char>(c)]; }
inline bool is_metric_char(char c) { return kChars.metric[static_cast<unsigned char>(c)]; }
inline bool is_label_start(char c) { return kChars.label_start[static_cast<unsigned char>(c)]; }
inline bool is_label_char(char c) { return kChars.label[static_cast<unsigned char>(c)]; }
inline bool is_blank(char c) { return c == ' ' || c == '\t'; }
// Only where the line's '\n' (line_end_) bounds the run.
inline void skip_blanks(const char*& p) {
  while (is_blank(*p)) [[unlikely]] ++p;
}

// The end of a run of name characters ([a-zA-Z0-9_], plus ':' for metric names) starting at p.
// The first character is checked by the caller.
template <bool kMetric>
inline const char* scan_name(const char* p, const char* end) {
#if defined(__SSE2__)
  while (end - p >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(folded, _mm_set1_epi8('a' - 1)),
                                   _mm_cmplt_epi8(folded, _mm_set1_epi8('z' + 1)));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    __m128i ok = _mm_or_si128(_mm_or_si128(letter, digit), _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
    if (kMetric) ok = _mm_or_si128(ok, _mm_cmpeq_epi8(v, _mm_set1_epi8(':')));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(ok));
    if (mask != 0xFFFF) return p + __builtin_ctz(~mask);
    p += 16;
  }
#endif
  if (kMetric)
    while (p < end && is_metric_char(*p)) ++p;
  else
    while (p < end && is_label_char(*p)) ++p;
  return p;
}

std::string describe(const char* p, const char* end) {
  if (p >= end) return "end of line";
  char c = *p;
  if (c == ' ') return "space";
  if (c == '\t') return "tab";
  if (c == '\r') return "carriage return";
  if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
    char buf[16];
    snprintf(buf, sizeof buf, "byte 0x%02x", static_cast<unsigned char>(c));
    return buf;
  }
  const char* q = p;
  while (q < end && q - p < 16 && *q != ' ' && *q != '\t') ++q;
  return "\"" + std::string(p, q) + "\"";
}

}  // namespace

TextParser::TextParser(Reader& input, ParseOptions options)
    : input_(&input), options_(options) {
  capacity_ = kInitialBuffer;
  // + the sentinel after the data, + the bytes parse_plain_sample may read beyond it
  buffer_.reset(new char[capacity_ + 1 + kFastPad]);
  std::memset(buffer_.get() + capacity_ + 1, 0, kFastPad);
  pos_ = end_ = scan_from_ = buffer_.get();
  base_ = buffer_.get();
  *end_ = '\n';
  plain_fast_path_ = !options_.strict;
  fast_stop_ = plain_fast_path_ ? end_ : base_;
  grow_fast_labels();
  labels_.reserve(16);
  exemplar_labels_.reserve(4);
  sample_.label_values_utf8 = true;  // quoted strings are checked (parse_quoted_slow)
  if (options_.format == Format::kOpenMetrics && options_.strict)
    validator_ = std::make_unique<OpenMetricsValidator>();
}

TextParser::TextParser(std::string_view data, std::string name, ParseOptions options)
    : own_input_(std::make_unique<StringReader>(std::string_view(), std::move(name))),
      input_(own_input_.get()),
      options_(options) {
  // The parser only reads its buffer: point it at the caller's bytes.
  char* begin = const_cast<char*>(data.data());
  pos_ = scan_from_ = begin;
  end_ = begin + data.size();
  base_ = begin;
  plain_fast_path_ = !options_.strict;
  fast_stop_ = base_;
  if (plain_fast_path_ && data.size() > kFastPad) {
    // Lines up to the last '\n' that has kFastPad bytes after it; the general path takes the rest.
    if (const void* stop = memrchr(begin, '\n', data.size() - kFastPad)) fast_stop_ = static_cast<const char*>(stop) + 1;
  }
  input_done_ = true;
  grow_fast_labels();
  labels_.reserve(16);
  exemplar_labels_.reserve(4);
  sample_.label_values_utf8 = true;  // quoted strings are checked (parse_quoted_slow)
  if (options_.format == Format::kOpenMetrics && options_.strict)
    validator_ = std::make_unique<OpenMetricsValidator>();
}

TextParser::~TextParser() = default;

const model::NativeHistogram& TextParser::native_histogram() const {
  static const model::NativeHistogram kNone;
  return kNone;
}

void TextParser::fail(const char* at, const std::string& what) const {
  size_t column = at && at >= line_begin_ ? static_cast<size_t>(at - line_begin_) + 1 : 1;
  throw Error(SourcePosition{input_->name(), line_number_, column}, what);
}

void TextParser::fail_validation(const std::string& what) const {
  throw Error(SourcePosition{input_->name(), line_number_, 1}, what);
}

void TextParser::refill() {
  if (scan_from_ < pos_) scan_from_ = pos_;
  size_t pending = static_cast<size_t>(end_ - pos_);
  size_t scanned = static_cast<size_t>(scan_from_ - pos_);
  bytes_before_base_ += static_cast<uint64_t>(pos_ - base_);
  if (pos_ != buffer_.get()) {
    std::memmove(buffer_.get(), pos_, pending);
  } else if (pending == capacity_) {
    // One line longer than the buffer: grow.
    size_t grown = capacity_ * 2;
    std::unique_ptr<char[]> bigger(new char[grown + 1 + kFastPad]);
    std::memset(bigger.get() + grown + 1, 0, kFastPad);
    std::memcpy(bigger.get(), buffer_.get(), pending);
    buffer_ = std::move(bigger);
    capacity_ = grown;
  }
  pos_ = buffer_.get();
  base_ = pos_;
  end_ = pos_ + pending;
  scan_from_ = pos_ + scanned;
  size_t n = input_->read(end_, capacity_ - pending);
  if (n == 0) input_done_ = true;
  end_ += n;
  *end_ = '\n';  // the sentinel (the buffer has one byte more than its capacity)
  fast_stop_ = plain_fast_path_ && !finished_ ? end_ : base_;
}

bool TextParser::fetch_line() {
  if (scan_from_ < pos_) scan_from_ = pos_;  // parse_plain_sample moves only pos_
  for (;;) {
    char* nl = static_cast<char*>(std::memchr(scan_from_, '\n', static_cast<size_t>(end_ - scan_from_)));
    if (nl) {
      line_begin_ = pos_;
      line_end_ = nl;
      line_has_lf_ = true;
      pos_ = scan_from_ = nl + 1;
      ++line_number_;
      return true;
    }
    scan_from_ = end_;
    if (input_done_) {
      if (pos_ == end_) return false;
      if (buffer_) {
        *end_ = '\n';
        line_begin_ = pos_;
        line_end_ = end_;
      } else {  // the caller's bytes: not ours to write after
        last_line_.assign(pos_, end_);
        last_line_.push_back('\n');
        line_begin_ = last_line_.data();
        line_end_ = line_begin_ + (end_ - pos_);
      }
      line_has_lf_ = false;
      pos_ = scan_from_ = end_;
      ++line_number_;
      return true;
    }
    refill();
  }
}

Entry TextParser::next_line() {
  if (finished_) return Entry::kEnd;
  bool openmetrics = options_.format == Format::kOpenMetrics;
  for (;;) {
    if (!fetch_line()) {
      if (openmetrics) {
        ++line_number_;
        line_begin_ = line_end_ = nullptr;
        fail(nullptr, "unexpected end of input: an OpenMetrics exposition must end with \"# EOF\"");
      }
      finished_ = true;
      disable_fast_path();
      return Entry::kEnd;
    }
    size_t length = static_cast<size_t>(line_end_ - line_begin_);
    if (scratch_.size() < length) scratch_.resize(length * 2);
    scratch_used_ = 0;
    if (openmetrics ? parse_om_line() : parse_prom_line()) return entry_;
    if (finished_) return Entry::kEnd;
  }
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

// p points at the opening quote; on return `out` is the unescaped content and the result points
// after the closing quote. Escapes: \\ \" \n; any other \x is kept as the two characters.
// The common case of a quoted string: plain ASCII without escapes. Returns the position after
// the closing quote, or nullptr when the general path is needed.
// kStopAtLF: `end` is not the line's end, so a '\n' must end the search too.
template <bool kStopAtLF = false>
static inline __attribute__((always_inline)) const char* quoted_fast(const char* p, const char* end,
                                                                     std::string_view& out) {
  const char* begin = p;
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  const char* q = p;
#if defined(__SSE2__)
  // Most values are shorter than 16 bytes: one unconditional step finds their end.
  while (end - q >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    __m128i stop = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
    if (kStopAtLF) stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(stop)) | static_cast<unsigned>(_mm_movemask_epi8(v));
    if (mask) {
      q += __builtin_ctz(mask);
      goto found;
    }
    q += 16;
  }
#endif
  while (q + 8 <= end) {
    uint64_t w;
    std::memcpy(&w, q, 8);
    uint64_t quote = w ^ (kOnes * '"'), backslash = w ^ (kOnes * '\\');
    uint64_t hit = (((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) | w) & kHigh;
    if (kStopAtLF) {
      uint64_t lf = w ^ (kOnes * '\n');
      hit |= (lf - kOnes) & ~lf & kHigh;
    }
    if (hit) {
      q += __builtin_ctzll(hit) / 8;
      goto found;
    }
    q += 8;
  }
  while (q < end && *q != '"' && *q != '\\' && !(static_cast<unsigned char>(*q) & 0x80) && !(kStopAtLF && *q == '\n'))
    ++q;
found:
  if (q < end && *q == '"') [[likely]] {
    out = std::string_view(begin, static_cast<size_t>(q - begin));
    return q + 1;
  }
  return nullptr;
}

const char* TextParser::parse_quoted(const char* p, std::string_view& out, bool openmetrics) {
  if (const char* after = quoted_fast(p + 1, line_end_, out)) return after;
  return parse_quoted_slow(p, out, openmetrics);
}

const char* TextParser::parse_quoted_slow(const char* p, std::string_view& out, bool openmetrics) {
  const char* begin = ++p;
  const char* end = line_end_;
  const char* quote = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end - p)));
  const char* backslash =
      quote ? static_cast<const char*>(std::memchr(p, '\\', static_cast<size_t>(quote - p))) : nullptr;
  if (quote && !backslash) {
    out = std::string_view(begin, static_cast<size_t>(quote - begin));
    if (!is_ascii(out) && !is_valid_utf8(out)) fail(begin, "invalid UTF-8 in quoted string");
    return quote + 1;
  }
  char* dst = scratch_.data() + scratch_used_;
  char* dst_begin = dst;
  for (; p < end; ++p) {
    char c = *p;
    if (c == '"') {
      out = std::string_view(dst_begin, static_cast<size_t>(dst - dst_begin));
      scratch_used_ += static_cast<size_t>(dst - dst_begin);
      if (!is_ascii(out) && !is_valid_utf8(out)) fail(begin, "invalid UTF-8 in quoted string");
      return p + 1;
    }
    if (c == '\\') {
      if (p + 1 >= end) break;
      char e = *++p;
      if (e == 'n') *dst++ = '\n';
      else if (e == '\\' || e == '"') *dst++ = e;
      else {
        *dst++ = '\\';
        *dst++ = e;
      }
      continue;
    }
    *dst++ = c;
  }
  (void)openmetrics;
  fail(begin - 1, "unterminated quoted string: expected a closing '\"' before the end of the line");
}

std::string_view TextParser::unescape_help(std::string_view raw, bool openmetrics) {
  if (std::memchr(raw.data(), '\\', raw.size()) == nullptr) return raw;
  char* dst = scratch_.data() + scratch_used_;
  char* begin = dst;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      char e = raw[i + 1];
      if (e == 'n') {
        *dst++ = '\n';
        ++i;
        continue;
      }
      if (e == '\\' || (openmetrics && e == '"')) {
        *dst++ = e;
        ++i;
        continue;
      }
      *dst++ = '\\';
      *dst++ = e;
      ++i;
      continue;
    }
    *dst++ = c;
  }
  scratch_used_ += static_cast<size_t>(dst - begin);
  return std::string_view(begin, static_cast<size_t>(dst - begin));
}

// The common sample line, parsed without splitting lines first:
//   name{label="value",...} value LF
// (ASCII label values without escapes, no blanks beyond the one before the value, no
// timestamp, no exemplar): the same syntax in text 0.0.4 and OpenMetrics. Strict mode always
// takes the general path (its checks and the OpenMetrics validator live there). Scans stop at
// the line's '\n', and read at most kFastPad bytes beyond it (see fast_stop_). Anything else
// returns false having changed nothing the general path depends on, and the general path parses
// the same line again (and reports its errors).
namespace {

// Bit i set: byte i of the 16 at p is a digit.
inline unsigned digit_bits16(const char* p) {
#if defined(__SSE2__)
  __m128i d = _mm_sub_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), _mm_set1_epi8('0'));
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d)));
#else
  unsigned bits = 0;
  for (unsigned i = 0; i < 16; ++i) bits |= unsigned(static_cast<unsigned>(p[i] - '0') < 10) << i;
  return bits;
#endif
}

// The value of the n (1..8) ASCII digits at p; reads 8 bytes.
inline uint64_t digits_upto8(const char* p, unsigned n) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  // Bytes after the digits may borrow from later bytes only, and those are shifted out.
  w = (w - 0x3030303030303030ULL) << (8 * (8 - n));  // leading zero bytes = leading zeros
  w = (w * 10) + (w >> 8);
  return (((w & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
          (((w >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
         32;
}

// The value of the n (1..15) ASCII digits at p; reads up to 16 bytes.
inline uint64_t digits_upto15(const char* p, unsigned n) {
  if (n <= 8) return digits_upto8(p, n);
  return digits_upto8(p, n - 8) * 100000000ULL + digits_upto8(p + n - 8, 8);
}

// [-]digits[.digits][(e|E)[+|-]digits] with the digits and the dot within 16 bytes and at most
// 15 of them: parse_plain_decimal's form and result (the same mantissa and power of ten, the
// same operations). Returns the end, or nullptr (then parse_plain_decimal decides).
inline const char* parse_short_decimal(const char* p, double& out) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  static constexpr uint64_t kPow10Int[] = {1ULL,         10ULL,         100ULL,         1000ULL,
                                           10000ULL,     100000ULL,     1000000ULL,     10000000ULL,
                                           100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL,
                                           1000000000000ULL, 10000000000000ULL, 100000000000000ULL,
                                           1000000000000000ULL};
  bool negative = *p == '-';
  p += negative;
  unsigned bits = digit_bits16(p);
  unsigned whole = static_cast<unsigned>(__builtin_ctz(~bits));  // ~bits has bit 16 set
  if (whole == 0 || whole > 15) return nullptr;
  uint64_t mantissa = digits_upto15(p, whole);
  p += whole;
  int power = 0;
  if (*p == '.') {
    unsigned fraction = static_cast<unsigned>(__builtin_ctz(~(bits >> (whole + 1))));
    if (fraction == 0 || whole + fraction > 15) return nullptr;
    mantissa = mantissa * kPow10Int[fraction] + digits_upto15(p + 1, fraction);
    p += 1 + fraction;
    power = -static_cast<int>(fraction);
  }
  if ((*p | 0x20) == 'e') [[unlikely]] {
    const char* e = p + 1;
    bool exponent_negative = *e == '-';
    e += (*e == '-' || *e == '+');
    int exponent = 0;
    const char* exponent_begin = e;
    while (static_cast<unsigned>(*e - '0') < 10 && e - exponent_begin < 3) {
      exponent = exponent * 10 + (*e - '0');
      ++e;
    }
    if (e == exponent_begin || static_cast<unsigned>(*e - '0') < 10) return nullptr;
    power += exponent_negative ? -exponent : exponent;
    if (power < -22 || power > 22) return nullptr;
    p = e;
  }
  double v = static_cast<double>(mantissa);
  if (power < 0) v /= kPow10[-power];
  else if (power > 0) v *= kPow10[power];
  out = negative ? -v : v;
  return p;
}

// The end of a run of metric name characters from p; the line's '\n' stops it.
inline const char* scan_metric_name_padded(const char* p) {
#if defined(__SSE2__)
  for (;;) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(folded, _mm_set1_epi8('a' - 1)),
                                   _mm_cmplt_epi8(folded, _mm_set1_epi8('z' + 1)));
    // ':' (0x3a) follows the digits: '0'..':' is one range.
    __m128i digit_colon =
        _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8(':' + 1)));
    __m128i ok = _mm_or_si128(_mm_or_si128(letter, digit_colon), _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(ok));
    if (mask != 0xFFFF) return p + static_cast<unsigned>(__builtin_ctz(~mask));
    p += 16;
  }
#else
  while (is_metric_char(*p)) ++p;
  return p;
#endif
}

// From p (after a value's opening quote), the first '"', '\\', byte <= '\n' (LF, and the rare
// tab or other control byte, which the general path then takes) or byte >= 0x80.
inline const char* scan_quoted_padded(const char* p) {
#if defined(__SSE2__)
  for (;;) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Signed: bytes >= 0x80 are negative, so one compare finds them and the control bytes.
    __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                                _mm_cmplt_epi8(v, _mm_set1_epi8('\n' + 1)));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(stop));
    if (mask) return p + static_cast<unsigned>(__builtin_ctz(mask));  // unsigned: no sign extension on the chain
    p += 16;
  }
#else
  while (*p != '"' && *p != '\\' && static_cast<signed char>(*p) > '\n') ++p;
  return p;
#endif
}

// Bit i set: byte i of the 64 at p is one where scan_quoted_padded stops ('"', '\\', a byte
// <= '\n' or >= 0x80).
inline uint64_t quote_marks64(const char* p) {
#if defined(__SSE2__)
  uint64_t plain = 0;  // the other bytes: signed > '\n' and neither '"' nor '\\'
  for (unsigned i = 0; i < 4; ++i) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    __m128i quote_or_backslash = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
    __m128i ok = _mm_andnot_si128(quote_or_backslash, _mm_cmpgt_epi8(v, _mm_set1_epi8('\n')));
    plain |= uint64_t(static_cast<unsigned>(_mm_movemask_epi8(ok))) << (16 * i);
  }
  return ~plain;
#else
  uint64_t marks = 0;
  for (unsigned i = 0; i < 64; ++i)
    marks |= uint64_t(p[i] == '"' || p[i] == '\\' || static_cast<signed char>(p[i]) <= '\n') << i;
  return marks;
#endif
}

// Bit i set: byte i of the 16 at p equals byte i of `bytes`.
inline unsigned equal_bits16(const char* p, const char* bytes) {
#if defined(__SSE2__)
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), _mm_load_si128(reinterpret_cast<const __m128i*>(bytes)))));
#else
  unsigned bits = 0;
  for (unsigned i = 0; i < 16; ++i) bits |= unsigned(p[i] == bytes[i]) << i;
  return bits;
#endif
}

}  // namespace

inline __attribute__((always_inline)) bool TextParser::parse_plain_sample() {
  const char* p = pos_;
  const char* q;
  // Metric names repeat too (a family's series are adjacent): try the previous line's.
  uint64_t name_equal = equal_bits16(p, metric_guess_) | uint64_t(equal_bits16(p + 16, metric_guess_ + 16)) << 16;
  uint64_t name_missed = ~name_equal & metric_guess_mask_;
  if (metric_guess_length_ > 32)  // bytes 32..63 (a histogram's `..._seconds_bucket` is often longer)
    name_missed |= ~(equal_bits16(p + 32, metric_guess_ + 32) | uint64_t(equal_bits16(p + 48, metric_guess_ + 48)) << 16) &
                   metric_guess_mask_high_;
  if (name_missed == 0 && !is_metric_char(p[metric_guess_length_])) [[likely]] {
    q = p + metric_guess_length_;
  } else {
    // The bytes that matched the previous name (a histogram's _bucket, _sum and _count share
    // most of theirs) are valid name characters: the scan starts after them.
    unsigned same = static_cast<unsigned>(__builtin_ctzll(~name_equal));
    if (same > metric_guess_length_) same = metric_guess_length_;
    if (same == 0) {
      if (!is_metric_start(*p)) return false;
      same = 1;
    }
    q = scan_metric_name_padded(p + same);
    size_t length = static_cast<size_t>(q - p);
    if (length <= 64) {
      std::memcpy(metric_guess_, p, 64);  // readable: p is before the line's '\n'
      auto bytes = [](size_t n) { return n >= 32 ? uint64_t(0xFFFFFFFF) : (uint64_t(1) << n) - 1; };
      metric_guess_mask_ = bytes(length);
      metric_guess_mask_high_ = length > 32 ? bytes(length - 32) : 0;
      metric_guess_length_ = static_cast<uint32_t>(length);
    } else {
      metric_guess_mask_ = kNoMetricGuess;
      metric_guess_length_ = 0;
    }
  }
  std::string_view name(p, static_cast<size_t>(q - p));
  model::Label* labels = fast_labels_.data();
  size_t count = 0;
  bool guessed_all = true;
  if (*q == '{') {
    ++q;
    const size_t capacity = fast_labels_.size();
    const NameGuess* guesses = name_guesses_.data();
    // The values' ends come from one scan of 64 bytes at a time (`window`, `marks`: the
    // marks of quote_marks64 at `window` not yet taken): each label takes the next two, so the
    // labels do not wait for each other's scans.
    const char* window = q;
    uint64_t marks = 0;
    do {
      if (count == capacity) [[unlikely]] {
        grow_fast_labels();
        return false;
      }
      const char* b = q;
      // Label names repeat from line to line (the series of a family share them): try the
      // previous line's name at this position, with its `="`, as one 16-byte compare.
      const NameGuess& guess = guesses[count];
      const char* value;  // after `name="`
      if ((~equal_bits16(q, guess.bytes) & guess.mask) == 0) [[likely]] {
        value = q + guess.length;
      } else {
        guessed_all = false;
        if (!is_label_start(*q)) return false;
        for (++q; is_label_char(*q);) ++q;
        if (q[0] != '=' || q[1] != '"') return false;
        remember_name(count, b, q);
        value = q + 2;
      }
      uint64_t rest = marks & (marks - 1);
      if (rest == 0) [[unlikely]] {
        // b is before the line's '\n' (it follows a ',' or the '{'): 64 bytes are readable.
        window = b;
        marks = quote_marks64(b);
        rest = marks & (marks - 1);
      }
      if (rest != 0) [[likely]] {
        // `marks` holds no bit before b: the window starts at b, or the previous label took
        // the marks up to its closing quote, which the ',' at b - 1 follows. A label name and
        // its `=` hold no mark, so the first is the `"` before value, and the next one is
        // where scan_quoted_padded(value) would stop.
        q = window + static_cast<unsigned>(__builtin_ctzll(rest));
        marks = rest & (rest - 1);
      } else {
        q = scan_quoted_padded(value);  // a label longer than the window
        marks = 0;                      // the next label scans again
      }
      if (*q != '"') return false;
      labels[count] = {std::string_view(b, static_cast<size_t>(value - 2 - b)),
                       std::string_view(value, static_cast<size_t>(q - value))};
      ++count;
      ++q;
    } while (*q++ == ',');
    if (q[-1] != '}') return false;
  }
  if (*q != ' ') return false;
  double value;
  const char* e = parse_short_decimal(++q, value);
  if (!e || *e != '\n') [[unlikely]] {
    e = parse_plain_decimal(q, end_, value);
    if (!e) [[unlikely]] {  // more than 15 digits, NaN, Inf, ...
      for (e = q; *e != '\n' && !is_blank(*e);) ++e;
      auto parsed = parse_value(std::string_view(q, static_cast<size_t>(e - q)));
      if (!parsed) return false;
      value = *parsed;
    }
    if (*e != '\n') return false;
  }
  if (e >= fast_stop_) return false;  // the sentinel after a partial line
  ++line_number_;
  pos_ = const_cast<char*>(e + 1);
  sample_.name = name;
  sample_.labels = model::Labels(labels, count);
  sample_.value = value;
  sample_.timestamp.reset();
  sample_.exemplar = nullptr;
  // Every guess that matched holds the previous fast-path sample's name at its index (a guess
  // that missed was replaced), so all matched and the same count mean the same names.
  sample_.repeats_label_names = guessed_all && count == fast_label_count_;
  fast_label_count_ = count;
  entry_ = Entry::kSample;
  return true;
}

// Keeps the valid label name [b, q) followed by `="` as the guess for label `index` of the next
// line, if it fits in 16 bytes.
void TextParser::remember_name(size_t index, const char* b, const char* q) {
  size_t length = static_cast<size_t>(q - b);
  size_t total = length + 2;
  NameGuess& guess = name_guesses_[index];
  if (total > 16) {
    guess.mask = kNoGuess;
    return;
  }
  std::memcpy(guess.bytes, b, 16);  // readable: b is before the line's '\n'
  guess.mask = (1u << total) - 1;
  guess.length = static_cast<uint32_t>(total);  // q moves past `name="` on a match
}

Entry TextParser::next() {
  if (pos_ < fast_stop_ && parse_plain_sample()) return Entry::kSample;
  return next_line();
}

void TextParser::grow_fast_labels() {
  size_t size = fast_labels_.empty() ? 16 : fast_labels_.size() * 2;
  fast_labels_.resize(size);
  name_guesses_.resize(size);
}

// p points at '{'. Parses label pairs into `out`. With allow_metric_name, a first element that
// is a quoted string not followed by '=' is the (UTF-8) metric name and goes to sample_.name.
const char* TextParser::parse_labels(const char* p, bool openmetrics, std::vector<model::Label>& out,
                                     bool allow_metric_name) {
  return openmetrics ? parse_labels_impl<true>(p, out, allow_metric_name)
                     : parse_labels_impl<false>(p, out, allow_metric_name);
}

// The format is a template parameter so that each dialect's loop has no format branches.
template <bool openmetrics>
const char* TextParser::parse_labels_impl(const char* p, std::vector<model::Label>& out, bool allow_metric_name) {
  // *end is always '\n' (see line_end_), which matches none of the characters tested below.
  const char* end = line_end_;
  ++p;
  out.clear();
  bool first = true;
  for (;;) {
    // text 0.0.4 allows blanks around every token; they are rare, so each test below looks for
    // the expected character first and skips blanks only when it is not there.
    if (!openmetrics && !is_label_start(*p)) skip_blanks(p);
    std::string_view name;
    const char* name_at = p;
    if (is_label_start(*p)) [[likely]] {
      const char* b = p;
      // Label names are short: a table loop (bounded by the line's \n) beats a 16-byte vector step.
      for (++p; is_label_char(*p);) ++p;
      name = std::string_view(b, static_cast<size_t>(p - b));
    } else if (*p == '}') {
      if (openmetrics && !first) fail(p, "expected a label name after ',', found '}'");
      return p + 1;
    } else if (*p == '"') {
      p = parse_quoted(p, name, openmetrics);
      if (!openmetrics) skip_blanks(p);
      if (allow_metric_name && first && sample_.name.empty() && (*p == ',' || *p == '}')) {
        if (name.empty()) fail(name_at, "empty quoted metric name");
        sample_.name = name;
        first = false;
        if (*p == ',') {
          ++p;
          if (!openmetrics) skip_blanks(p);
          if (*p == '}') {
            if (openmetrics) fail(p, "expected a label name after ',', found '}'");
            return p + 1;
          }
          continue;
        }
        return p + 1;
      }
    } else {
      fail(p, "expected a label name or '}', found " + describe(p, end));
    }
    if (*p != '=') [[unlikely]] {
      if (!openmetrics) skip_blanks(p);
      if (*p != '=') fail(p, "expected '=' after label name, found " + describe(p, end));
    }
    ++p;
    if (*p != '"') [[unlikely]] {
      if (!openmetrics) skip_blanks(p);
      if (*p != '"') fail(p, "expected '\"' to start the label value, found " + describe(p, end));
    }
    std::string_view value;
    if (const char* after = quoted_fast(p + 1, end, value)) [[likely]]
      p = after;
    else
      p = parse_quoted_slow(p, value, openmetrics);
    out.push_back({name, value});
    first = false;
    if (*p == ',') {
      ++p;
      continue;
    }
    if (*p == '}') return p + 1;
    if (!openmetrics) {
      skip_blanks(p);
      if (*p == ',') {
        ++p;
        continue;
      }
      if (*p == '}') return p + 1;
    }
    fail(p, "expected ',' or '}' after label value, found " + describe(p, end));
  }
}

// ---------------------------------------------------------------------------------------------
// text 0.0.4

bool TextParser::parse_prom_line() {
  const char* p = line_begin_;
  const char* end = line_end_;
  skip_blanks(p);
  if (p == end) return false;  // blank line
  if (end[-1] == '\r') fail(end - 1, "carriage return at end of line (CRLF line endings are not allowed)");
  if (*p == '#') {
    parse_prom_comment(p);
    return entry_ != Entry::kEnd;
  }
  parse_sample(p, false);
  return true;
}

void TextParser::parse_prom_comment(const char* p) {
  const char* end = line_end_;
  entry_ = Entry::kEnd;  // a plain comment
  ++p;
  if (p >= end || !is_blank(*p)) return;
  while (p < end && is_blank(*p)) ++p;
  const char* word = p;
  while (p < end && !is_blank(*p)) ++p;
  std::string_view keyword(word, static_cast<size_t>(p - word));
  bool is_help = keyword == "HELP";
  if (!is_help && keyword != "TYPE") return;
  while (p < end && is_blank(*p)) ++p;
  const char* name_at = p;
  if (p < end && *p == '"') {
    p = parse_quoted(p, metric_name_, false);
  } else {
    if (p >= end || !is_metric_start(*p))
      fail(p, std::string("expected a metric name after # ") + std::string(keyword) + ", found " + describe(p, end));
    while (p < end && is_metric_char(*p)) ++p;
    metric_name_ = std::string_view(name_at, static_cast<size_t>(p - name_at));
  }
  if (p < end && !is_blank(*p)) fail(p, "expected a space after the metric name, found " + describe(p, end));
  while (p < end && is_blank(*p)) ++p;
  if (is_help) {
    text_ = unescape_help(std::string_view(p, static_cast<size_t>(end - p)), false);
    entry_ = Entry::kHelp;
    return;
  }
  const char* type_at = p;
  while (p < end && !is_blank(*p)) ++p;
  std::string_view word_type(type_at, static_cast<size_t>(p - type_at));
  while (p < end && is_blank(*p)) ++p;
  if (p != end) fail(p, "unexpected text after the type: " + describe(p, end));
  if (word_type == "counter") type_ = model::MetricType::kCounter;
  else if (word_type == "gauge") type_ = model::MetricType::kGauge;
  else if (word_type == "histogram") type_ = model::MetricType::kHistogram;
  else if (word_type == "summary") type_ = model::MetricType::kSummary;
  else if (word_type == "untyped") type_ = model::MetricType::kUnknown;
  else if (word_type.empty()) fail(type_at, "expected a type after the metric name (counter, gauge, histogram, summary or untyped)");
  else
    fail(type_at, "unknown metric type \"" + std::string(word_type) +
                      "\": expected counter, gauge, histogram, summary or untyped");
  entry_ = Entry::kType;
}

// ---------------------------------------------------------------------------------------------
// Samples (both formats)

void TextParser::parse_sample(const char* p, bool om) {
  if (om) parse_sample_impl<true>(p);
  else parse_sample_impl<false>(p);
}

template <bool om>
void TextParser::parse_sample_impl(const char* p) {
  const char* end = line_end_;
  sample_.name = {};
  sample_.exemplar = nullptr;
  sample_.timestamp.reset();
  sample_.repeats_label_names = false;
  fast_label_count_ = kNoFastSample;
  labels_.clear();
  const char* name_at = p;
  if (is_metric_start(*p)) {
    p = scan_name<true>(p + 1, end);
    sample_.name = std::string_view(name_at, static_cast<size_t>(p - name_at));
    const char* after_name = p;
    if (!om) skip_blanks(p);
    if (*p == '{') p = parse_labels_impl<om>(p, labels_, false);
    else p = after_name;
  } else if (*p == '{') {
    p = parse_labels_impl<om>(p, labels_, true);
    if (sample_.name.empty()) fail(name_at, "expected a metric name (a quoted name must be first inside the braces)");
  } else {
    fail(p, "expected a metric name, found " + describe(p, end));
  }
  sample_.labels = model::Labels(labels_.data(), labels_.size());

  // value
  if (om) {
    if (p >= end || *p != ' ') fail(p, "expected a space before the value, found " + describe(p, end));
    ++p;
  } else {
    if (!is_blank(*p)) [[unlikely]] fail(p, "expected whitespace before the value, found " + describe(p, end));
    ++p;
    skip_blanks(p);
  }
  const char* value_at = p;
  const char* value_end = parse_plain_decimal(p, end, sample_.value);
  if (value_end && (value_end == end || *value_end == ' ' || (!om && *value_end == '\t'))) [[likely]] {
    p = value_end;
  } else {
    if (om) {
      while (p < end && *p != ' ') ++p;
    } else {
      while (p < end && !is_blank(*p)) ++p;
    }
    if (p == value_at) fail(p, "expected a value, found " + describe(p, end));
    auto value = parse_value(std::string_view(value_at, static_cast<size_t>(p - value_at)));
    if (!value)
      fail(value_at, "invalid value " + describe(value_at, p) + ": expected a decimal number, NaN or +Inf/-Inf");
    sample_.value = *value;
  }

  if (!om) {
    skip_blanks(p);
    if (p == end) [[likely]] {
      if (options_.strict) {
        for (size_t i = 0; i < labels_.size(); ++i)
          for (size_t j = 0; j < i; ++j)
            if (labels_[i].name == labels_[j].name)
              fail(name_at, "duplicate label name \"" + std::string(labels_[i].name) + "\"");
      }
      entry_ = Entry::kSample;
      return;
    }
    const char* ts_at = p;
    if (*p == '#') fail(p, "exemplars are not part of text 0.0.4 (only OpenMetrics has them)");
    while (p < end && !is_blank(*p)) ++p;
    auto ts = parse_timestamp_ms(std::string_view(ts_at, static_cast<size_t>(p - ts_at)));
    if (!ts) fail(ts_at, "invalid timestamp " + describe(ts_at, end) + ": expected integer milliseconds (int64)");
    sample_.timestamp = *ts;
    while (p < end && is_blank(*p)) ++p;
    if (p != end) fail(p, "expected end of line after the timestamp, found " + describe(p, end));
    if (options_.strict) {
      for (size_t i = 0; i < labels_.size(); ++i)
        for (size_t j = 0; j < i; ++j)
          if (labels_[i].name == labels_[j].name)
            fail(name_at, "duplicate label name \"" + std::string(labels_[i].name) + "\"");
    }
    entry_ = Entry::kSample;
    return;
  }

  // OpenMetrics: [SP timestamp] [SP # SP exemplar]
  if (p < end) {
    ++p;  // the single space
    if (p < end && *p == '#') {
      // exemplar follows directly
    } else {
      const char* ts_at = p;
      while (p < end && *p != ' ') ++p;
      if (p == ts_at) fail(p, "expected a timestamp after the value, found " + describe(p, end));
      auto ts = parse_timestamp_seconds(std::string_view(ts_at, static_cast<size_t>(p - ts_at)));
      if (!ts) fail(ts_at, "invalid timestamp " + describe(ts_at, end) + ": expected decimal seconds");
      sample_.timestamp = *ts;
      if (p < end) {
        ++p;
        if (p >= end || *p != '#') fail(p, "expected \"# {\" (an exemplar) or end of line, found " + describe(p, end));
      }
    }
    if (p < end) {
      // p at '#'
      if (p + 2 >= end || p[1] != ' ' || p[2] != '{')
        fail(p, "expected \"# {\" to start an exemplar, found " + describe(p, end));
      p = parse_labels(p + 2, true, exemplar_labels_, false);
      exemplar_.labels = model::Labels(exemplar_labels_.data(), exemplar_labels_.size());
      if (p >= end || *p != ' ') fail(p, "expected a space before the exemplar value, found " + describe(p, end));
      ++p;
      const char* ev_at = p;
      while (p < end && *p != ' ') ++p;
      if (p == ev_at) fail(p, "expected the exemplar value, found " + describe(p, end));
      auto ev = parse_value(std::string_view(ev_at, static_cast<size_t>(p - ev_at)));
      if (!ev) fail(ev_at, "invalid exemplar value " + describe(ev_at, end));
      exemplar_.value = *ev;
      exemplar_.timestamp.reset();
      if (p < end) {
        ++p;
        const char* ets_at = p;
        while (p < end && *p != ' ') ++p;
        if (p == ets_at) fail(p, "expected the exemplar timestamp, found " + describe(p, end));
        auto ets = parse_timestamp_seconds(std::string_view(ets_at, static_cast<size_t>(p - ets_at)));
        if (!ets) fail(ets_at, "invalid exemplar timestamp " + describe(ets_at, end) + ": expected decimal seconds");
        exemplar_.timestamp = *ets;
        if (p < end) fail(p, "expected end of line after the exemplar timestamp, found " + describe(p, end));
      }
      sample_.exemplar = &exemplar_;
    }
  }
  entry_ = Entry::kSample;
  if (validator_) {
    if (auto error = validator_->sample(sample_)) fail_validation(*error);
  }
}

// ---------------------------------------------------------------------------------------------
// OpenMetrics

bool TextParser::parse_om_line() {
  const char* p = line_begin_;
  const char* end = line_end_;
  if (saw_eof_marker_) fail(p, "unexpected text after \"# EOF\"");
  if (p == end) fail(p, "empty line (OpenMetrics does not allow blank lines)");
  if (!line_has_lf_ && !(end - p == 5 && std::memcmp(p, "# EOF", 5) == 0))
    fail(end, "unexpected end of input: expected a line feed and \"# EOF\"");
  if (end[-1] == '\r') fail(end - 1, "carriage return at end of line (line endings must be LF)");
  if (*p == '#') {
    parse_om_descriptor(p);
    return !finished_;
  }
  parse_sample(p, true);
  return true;
}

void TextParser::parse_om_descriptor(const char* p) {
  const char* end = line_end_;
  std::string_view line(p, static_cast<size_t>(end - p));
  if (line == "# EOF") {
    saw_eof_marker_ = true;
    check_eof_end(p);
    if (validator_) {
      if (auto error = validator_->end()) fail_validation(*error);
    }
    finished_ = true;
    disable_fast_path();
    entry_ = Entry::kEnd;
    return;
  }
  Entry kind;
  if (line.starts_with("# TYPE ")) kind = Entry::kType;
  else if (line.starts_with("# HELP ")) kind = Entry::kHelp;
  else if (line.starts_with("# UNIT ")) kind = Entry::kUnit;
  else
    fail(p, "expected \"# TYPE \", \"# HELP \", \"# UNIT \" or \"# EOF\" (OpenMetrics has no free comments)");
  p += 7;
  const char* name_at = p;
  if (p < end && *p == '"') {
    p = parse_quoted(p, metric_name_, true);
  } else {
    if (p >= end || !is_metric_start(*p)) fail(p, "expected a metric name, found " + describe(p, end));
    while (p < end && is_metric_char(*p)) ++p;
    metric_name_ = std::string_view(name_at, static_cast<size_t>(p - name_at));
  }
  if (p >= end || *p != ' ') fail(p, "expected a space after the metric name, found " + describe(p, end));
  ++p;
  std::string_view rest(p, static_cast<size_t>(end - p));
  entry_ = kind;
  std::optional<std::string> error;
  if (kind == Entry::kType) {
    auto type = model::metric_type_from_string(rest);
    if (!type || rest == "untyped")
      fail(p, "unknown metric type " + describe(p, end) +
                  ": expected counter, gauge, histogram, gaugehistogram, summary, info, stateset or unknown");
    type_ = *type;
    if (validator_) error = validator_->type(metric_name_, type_);
  } else if (kind == Entry::kHelp) {
    if (validator_ && !is_ascii(rest) && !is_valid_utf8(rest)) fail(p, "invalid UTF-8 in HELP text");
    text_ = unescape_help(rest, true);
    if (validator_) error = validator_->help(metric_name_);
  } else {
    for (const char* q = p; q < end; ++q)
      if (!is_metric_char(*q)) fail(q, "invalid character in unit: " + describe(q, end));
    text_ = rest;
    if (validator_) error = validator_->unit(metric_name_, text_);
  }
  if (error) fail_validation(*error);
}

void TextParser::check_eof_end(const char* p) {
  if (!line_has_lf_) return;  // "# EOF" was the last bytes
  // Anything after "# EOF\n" makes the exposition invalid.
  if (pos_ != end_) fail(line_end_ + 1, "unexpected text after \"# EOF\"");
  while (!input_done_) {
    refill();
    if (pos_ != end_) {
      ++line_number_;
      line_begin_ = pos_;
      fail(pos_, "unexpected text after \"# EOF\"");
    }
  }
  (void)p;
}

// ---------------------------------------------------------------------------------------------


}  // namespace promotel::exposition

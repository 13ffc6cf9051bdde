#include "exposition/writer.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "common/go_float.h"

namespace promotel::exposition {
namespace {

constexpr size_t kDrainAt = 64 * 1024;

}  // namespace

namespace {

struct NameChars {
  bool metric[256] = {};
  bool label[256] = {};
  constexpr NameChars() {
    for (int c = 0; c < 256; ++c) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      label[c] = ok;
      metric[c] = ok || c == ':';
    }
  }
};
constexpr NameChars kNameChars;

bool all_of(std::string_view name, const bool* table) {
  for (char c : name)
    if (!table[static_cast<unsigned char>(c)]) return false;
  return true;
}

}  // namespace

bool is_legacy_metric_name(std::string_view name) {
  return !name.empty() && !(name[0] >= '0' && name[0] <= '9') && all_of(name, kNameChars.metric);
}

bool is_legacy_label_name(std::string_view name) {
  return !name.empty() && !(name[0] >= '0' && name[0] <= '9') && all_of(name, kNameChars.label);
}

// True if `s` has a byte that needs escaping: '\\', LF, or (with quotes) '"'. 8 bytes at a time.
static bool needs_escaping(std::string_view s, bool quotes) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  const char* p = s.data();
  const char* end = p + s.size();
  for (; end - p >= 8; p += 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    uint64_t a = w ^ (kOnes * '\\'), b = w ^ (kOnes * '\n'), c = w ^ (kOnes * '"');
    uint64_t hit = ((a - kOnes) & ~a) | ((b - kOnes) & ~b);
    if (quotes) hit |= (c - kOnes) & ~c;
    if (hit & kHigh) return true;
  }
  for (; p < end; ++p)
    if (*p == '\\' || *p == '\n' || (quotes && *p == '"')) return true;
  return false;
}

void append_escaped(std::string& out, std::string_view value, bool escape_quotes) {
  if (!needs_escaping(value, escape_quotes)) {
    out.append(value);
    return;
  }
  size_t start = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    const char* rep = nullptr;
    if (c == '\\') rep = "\\\\";
    else if (c == '\n') rep = "\\n";
    else if (c == '"' && escape_quotes) rep = "\\\"";
    if (!rep) continue;
    out.append(value.data() + start, i - start);
    out.append(rep);
    start = i + 1;
  }
  out.append(value.data() + start, value.size() - start);
}

// Go's strconv.FormatFloat(v, 'g', -1, 64), as expfmt writes values; OpenMetrics marks
// whole numbers in plain form as floats ("1.0", but "1e+06").
void append_value(std::string& out, double v, Format format) {
  char buffer[kGoFloatMaxChars + 2];
  char* end = format_go_g(v, buffer);
  if (format == Format::kOpenMetrics && std::isfinite(v)) {
    std::string_view text(buffer, static_cast<size_t>(end - buffer));
    if (text.find_first_of(".e") == std::string_view::npos) {
      *end++ = '.';
      *end++ = '0';
    }
  }
  out.append(buffer, static_cast<size_t>(end - buffer));
}

TextWriter::TextWriter(Output& out, Format format) : output_(&out), buf_(own_), format_(format) {
  buf_.reserve(kDrainAt * 2);
}

TextWriter::TextWriter(std::string& out, Format format) : buf_(out), format_(format) {}

TextWriter::~TextWriter() = default;

void TextWriter::maybe_drain() {
  if (output_ && buf_.size() >= kDrainAt) {
    output_->write(buf_);
    buf_.clear();
  }
}

void TextWriter::begin_metadata(std::string_view family) {
  if (pending_ && family == pending_family_) return;
  flush_metadata();
  pending_ = true;
  pending_family_.assign(family);
  has_help_ = has_type_ = has_unit_ = false;
  type_ = model::MetricType::kUnknown;
}

void TextWriter::help(std::string_view family, std::string_view text) {
  begin_metadata(family);
  has_help_ = true;
  help_.assign(text);
}

void TextWriter::type(std::string_view family, model::MetricType type) {
  begin_metadata(family);
  has_type_ = true;
  type_ = type;
}

void TextWriter::unit(std::string_view family, std::string_view unit) {
  begin_metadata(family);
  has_unit_ = true;
  unit_.assign(unit);
}

void TextWriter::write_name(std::string_view name) {
  if (is_legacy_metric_name(name)) {
    buf_.append(name);
  } else {
    buf_.push_back('"');
    append_escaped(buf_, name, true);
    buf_.push_back('"');
  }
}

void TextWriter::flush_metadata() {
  if (!pending_) return;
  pending_ = false;
  bool om = format_ == Format::kOpenMetrics;
  std::string_view name = pending_family_;
  if (om && has_type_ && type_ == model::MetricType::kCounter && name.size() > 6 && name.ends_with("_total"))
    name.remove_suffix(6);
  family_.assign(name);
  family_type_ = has_type_ ? type_ : model::MetricType::kUnknown;
  if (has_help_) {
    buf_.append("# HELP ");
    write_name(name);
    buf_.push_back(' ');
    append_escaped(buf_, help_, om);
    buf_.push_back('\n');
  }
  if (has_type_) {
    buf_.append("# TYPE ");
    write_name(name);
    buf_.push_back(' ');
    if (om) {
      buf_.append(model::to_string(type_));
    } else {
      switch (type_) {
        case model::MetricType::kCounter: buf_.append("counter"); break;
        case model::MetricType::kGauge: buf_.append("gauge"); break;
        case model::MetricType::kHistogram: buf_.append("histogram"); break;
        case model::MetricType::kSummary: buf_.append("summary"); break;
        default: buf_.append("untyped"); break;
      }
    }
    buf_.push_back('\n');
  }
  if (has_unit_ && om && !unit_.empty()) {
    buf_.append("# UNIT ");
    write_name(name);
    buf_.push_back(' ');
    buf_.append(unit_);
    buf_.push_back('\n');
  }
  maybe_drain();
}

void TextWriter::write_labels(std::string_view quoted_name, model::Labels labels) {
  if (quoted_name.empty() && labels.empty()) return;
  buf_.push_back('{');
  bool first = true;
  if (!quoted_name.empty()) {
    buf_.push_back('"');
    append_escaped(buf_, quoted_name, true);
    buf_.push_back('"');
    first = false;
  }
  for (const auto& label : labels) {
    if (!first) buf_.push_back(',');
    first = false;
    if (is_legacy_label_name(label.name)) {
      buf_.append(label.name);
    } else {
      buf_.push_back('"');
      append_escaped(buf_, label.name, true);
      buf_.push_back('"');
    }
    buf_.append("=\"");
    append_escaped(buf_, label.value, true);
    buf_.push_back('"');
  }
  buf_.push_back('}');
}

void TextWriter::write_timestamp(model::TimestampMs ms) {
  buf_.push_back(' ');
  if (format_ != Format::kOpenMetrics) {
    buf_.append(std::to_string(ms));
    return;
  }
  // Exact decimal seconds.
  uint64_t magnitude = ms < 0 ? 0 - static_cast<uint64_t>(ms) : static_cast<uint64_t>(ms);
  if (ms < 0) buf_.push_back('-');
  buf_.append(std::to_string(magnitude / 1000));
  unsigned frac = static_cast<unsigned>(magnitude % 1000);
  if (frac) {
    char f[4] = {char('0' + frac / 100), char('0' + frac / 10 % 10), char('0' + frac % 10), 0};
    size_t n = 3;
    while (f[n - 1] == '0') --n;
    buf_.push_back('.');
    buf_.append(f, n);
  }
}

void TextWriter::sample(const model::Sample& s) {
  flush_metadata();
  bool om = format_ == Format::kOpenMetrics;
  bool add_total = om && family_type_ == model::MetricType::kCounter && s.name == family_;
  if (is_legacy_metric_name(s.name)) {
    buf_.append(s.name);
    if (add_total) buf_.append("_total");
    write_labels({}, s.labels);
  } else if (add_total) {
    std::string name(s.name);
    name.append("_total");
    write_labels(name, s.labels);
  } else {
    write_labels(s.name, s.labels);
  }
  buf_.push_back(' ');
  append_value(buf_, s.value, format_);
  if (s.timestamp) write_timestamp(*s.timestamp);
  if (om && s.exemplar) {
    buf_.append(" # ");
    const auto& e = *s.exemplar;
    buf_.push_back('{');
    bool first = true;
    for (const auto& label : e.labels) {
      if (!first) buf_.push_back(',');
      first = false;
      buf_.append(label.name);
      buf_.append("=\"");
      append_escaped(buf_, label.value, true);
      buf_.push_back('"');
    }
    buf_.append("} ");
    append_value(buf_, e.value, format_);
    if (e.timestamp) write_timestamp(*e.timestamp);
  }
  buf_.push_back('\n');
  maybe_drain();
}

void TextWriter::finish() {
  flush_metadata();
  if (format_ == Format::kOpenMetrics) buf_.append("# EOF\n");
  if (output_) {
    output_->write(buf_);
    buf_.clear();
    output_->flush();
  }
}

}  // namespace promotel::exposition

#include "exposition/writer.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace promotel::exposition {
namespace {

constexpr size_t kDrainAt = 64 * 1024;

}  // namespace

bool is_legacy_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool is_legacy_label_name(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void append_escaped(std::string& out, std::string_view value, bool escape_quotes) {
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

// Go's strconv.FormatFloat(v, 'g', -1, 64): the shortest digits that round-trip, in %e form
// (two-digit exponent at least) when the decimal exponent is < -4 or >= 6, else in %f form.
void append_value(std::string& out, double v, Format format) {
  bool om = format == Format::kOpenMetrics;
  if (std::isnan(v)) {
    out.append("NaN");
    return;
  }
  if (std::isinf(v)) {
    out.append(v > 0 ? "+Inf" : "-Inf");
    return;
  }
  // Integers that fit: the common case, printed directly.
  if (v == std::trunc(v) && std::fabs(v) < 1e6) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(v));
    if (v == 0 && std::signbit(v)) out.push_back('-');
    out.append(buf, r.ptr);
    if (om) out.append(".0");
    return;
  }
  char sci[64];
  auto r = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific);
  std::string_view s(sci, static_cast<size_t>(r.ptr - sci));
  bool negative = s.front() == '-';
  if (negative) s.remove_prefix(1);
  size_t e = s.find('e');
  std::string_view mantissa = s.substr(0, e);
  int exponent = 0;
  std::from_chars(s.data() + e + 1 + (s[e + 1] == '+'), s.data() + s.size(), exponent);
  char digits[32];
  size_t nd = 0;
  for (char c : mantissa)
    if (c != '.') digits[nd++] = c;
  if (negative) out.push_back('-');
  int dp = exponent + 1;
  if (exponent < -4 || exponent >= 6) {
    out.push_back(digits[0]);
    if (nd > 1) {
      out.push_back('.');
      out.append(digits + 1, nd - 1);
    }
    out.push_back('e');
    out.push_back(exponent < 0 ? '-' : '+');
    int ae = exponent < 0 ? -exponent : exponent;
    if (ae < 10) out.push_back('0');
    out.append(std::to_string(ae));
    return;
  }
  // %f with exactly the shortest digits.
  if (dp <= 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-dp), '0');
    out.append(digits, nd);
  } else if (static_cast<size_t>(dp) >= nd) {
    out.append(digits, nd);
    out.append(static_cast<size_t>(dp) - nd, '0');
    if (om) out.append(".0");
  } else {
    out.append(digits, static_cast<size_t>(dp));
    out.push_back('.');
    out.append(digits + dp, nd - static_cast<size_t>(dp));
  }
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

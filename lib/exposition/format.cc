#include "exposition/format.h"

#include <cstdint>
#include <optional>
#include <string>

#include "common/text.h"

namespace promotel::exposition {
namespace {

// The value of parameter `name` in "type/subtype; a=b; c=\"d\"", or nullopt.
std::optional<std::string_view> parameter(std::string_view content_type, std::string_view name) {
  size_t pos = content_type.find(';');
  while (pos != std::string_view::npos) {
    std::string_view rest = content_type.substr(pos + 1);
    size_t next = rest.find(';');
    std::string_view item = trim_space(rest.substr(0, next));
    size_t eq = item.find('=');
    if (eq != std::string_view::npos && equals_ignore_case(trim_space(item.substr(0, eq)), name)) {
      std::string_view value = trim_space(item.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      return value;
    }
    pos = next == std::string_view::npos ? next : pos + 1 + next;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Format format) {
  switch (format) {
    case Format::kPrometheusText: return "text";
    case Format::kOpenMetrics: return "openmetrics";
    case Format::kProtobuf: return "protobuf";
  }
  return "text";
}

std::optional<Format> format_from_string(std::string_view name) {
  if (name == "text" || name == "prometheus" || name == "prom") return Format::kPrometheusText;
  if (name == "openmetrics" || name == "om") return Format::kOpenMetrics;
  if (name == "protobuf" || name == "proto") return Format::kProtobuf;
  return std::nullopt;
}

std::optional<Format> format_from_content_type(std::string_view content_type) {
  std::string_view media = trim_space(content_type.substr(0, content_type.find(';')));
  if (equals_ignore_case(media, "application/openmetrics-text")) return Format::kOpenMetrics;
  if (equals_ignore_case(media, "text/plain")) return Format::kPrometheusText;
  if (equals_ignore_case(media, "application/vnd.google.protobuf")) {
    auto proto = parameter(content_type, "proto");
    if (proto && *proto != "io.prometheus.client.MetricFamily") return std::nullopt;
    auto encoding = parameter(content_type, "encoding");
    if (encoding && !equals_ignore_case(*encoding, "delimited")) return std::nullopt;
    return Format::kProtobuf;
  }
  return std::nullopt;
}

std::string_view content_type(Format format) {
  switch (format) {
    case Format::kPrometheusText: return "text/plain; version=0.0.4; charset=utf-8";
    case Format::kOpenMetrics: return "application/openmetrics-text; version=1.0.0; charset=utf-8";
    case Format::kProtobuf:
      return "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; "
             "encoding=delimited";
  }
  return "text/plain";
}

namespace {

// A base-128 varint at p (at most 5 bytes: a 32-bit length); advances p, or nullopt.
std::optional<uint32_t> read_varint(std::string_view data, size_t& p) {
  uint32_t value = 0;
  for (int shift = 0; shift < 35 && p < data.size(); shift += 7) {
    auto byte = static_cast<unsigned char>(data[p++]);
    value |= static_cast<uint32_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return value;
  }
  return std::nullopt;
}

// The start of a delimited MetricFamily: a record length, the tag 0x0A of field 1 (name), the
// name's length and a name without spaces or control bytes that fits in the record.
bool looks_like_delimited_protobuf(std::string_view head) {
  size_t p = 0;
  auto record = read_varint(head, p);
  if (!record || *record < 3 || p >= head.size() || head[p] != 0x0a) return false;
  size_t tag_at = p++;
  auto name_length = read_varint(head, p);
  if (!name_length || *name_length == 0 || p - tag_at + *name_length > *record) return false;
  std::string_view name = head.substr(p, *name_length);
  for (char c : name) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) return false;
  }
  return true;
}

// What a text exposition can start with: a comment, a metric name (bare, or quoted inside
// braces), or blank space.
bool starts_like_text(std::string_view head) {
  if (head.empty()) return false;
  char c = head.front();
  return c == '#' || c == '{' || c == '_' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
         (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

Format sniff_format(std::string_view head, std::string_view tail) {
  // 1. Binary? Text with bad bytes (control or invalid UTF-8) is left to the text parser, which
  //    names their line and column; only what does not start like text is checked for them.
  size_t first_line = head.find('\n');
  std::string_view line = head.substr(0, first_line);
  bool text = starts_like_text(head) && !looks_like_delimited_protobuf(head);
  for (size_t i = 0; !text && i < head.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(head[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && !(c == 0 && i > 0)) return Format::kProtobuf;
  }
  for (size_t i = 0; !text && i < line.size();) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > line.size()) {
      if (n != 0 && first_line == std::string_view::npos) break;  // cut mid-character
      return Format::kProtobuf;
    }
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(line[i + k]) & 0xC0) != 0x80) return Format::kProtobuf;
    i += n;
  }
  // 2. OpenMetrics markers.
  std::string_view end = tail.empty() ? head : tail;
  if (!end.empty() && end.back() == '\n') end.remove_suffix(1);
  if (end.size() >= 5 && end.substr(end.size() - 5) == "# EOF" &&
      (end.size() == 5 || end[end.size() - 6] == '\n'))
    return Format::kOpenMetrics;
  size_t pos = 0;
  while (pos < head.size()) {
    size_t eol = head.find('\n', pos);
    std::string_view l = head.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    if (l.starts_with("# UNIT ")) return Format::kOpenMetrics;
    if (l.starts_with("# TYPE ")) {
      std::string_view word = l.substr(l.rfind(' ') + 1);
      if (word == "info" || word == "stateset" || word == "gaugehistogram" || word == "unknown")
        return Format::kOpenMetrics;
    }
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
  }
  return Format::kPrometheusText;
}

}  // namespace promotel::exposition

#include "otlptranslate/naming.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

namespace promotel::otlptranslate {

namespace {

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view main_unit(std::string_view u) {
  static const std::pair<std::string_view, std::string_view> kUnits[] = {
      {"d", "days"},        {"h", "hours"},       {"min", "minutes"},   {"s", "seconds"},
      {"ms", "milliseconds"}, {"us", "microseconds"}, {"ns", "nanoseconds"}, {"By", "bytes"},
      {"KiBy", "kibibytes"}, {"MiBy", "mebibytes"}, {"GiBy", "gibibytes"}, {"TiBy", "tibibytes"},
      {"KBy", "kilobytes"}, {"MBy", "megabytes"},  {"GBy", "gigabytes"}, {"TBy", "terabytes"},
      {"m", "meters"},      {"V", "volts"},        {"A", "amperes"},     {"J", "joules"},
      {"W", "watts"},       {"g", "grams"},        {"Cel", "celsius"},   {"Hz", "hertz"},
      {"1", ""},            {"%", "percent"}};
  for (const auto& [k, v] : kUnits) {
    if (k == u) return v;
  }
  return u;
}

std::string_view per_unit(std::string_view u) {
  static const std::pair<std::string_view, std::string_view> kUnits[] = {
      {"s", "second"}, {"m", "minute"}, {"h", "hour"}, {"d", "day"},
      {"w", "week"},   {"mo", "month"}, {"y", "year"}};
  for (const auto& [k, v] : kUnits) {
    if (k == u) return v;
  }
  return u;
}

// Invalid characters become "_", runs collapsed, leading/trailing "_" trimmed.
std::string clean_word(std::string_view s) {
  std::string out;
  for (char c : s) {
    char d = is_alnum(c) ? c : '_';
    if (d == '_' && (out.empty() || out.back() == '_')) continue;
    out.push_back(d);
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

bool has_annotation(std::string_view s) {
  return s.find('{') != std::string_view::npos || s.find('}') != std::string_view::npos;
}

struct UnitParts {
  std::string main;
  std::string per;
};

UnitParts split_unit(std::string_view unit) {
  UnitParts parts;
  std::string_view main = unit, per;
  if (auto slash = unit.find('/'); slash != std::string_view::npos) {
    main = unit.substr(0, slash);
    per = unit.substr(slash + 1);
  }
  if (!main.empty() && !has_annotation(main)) parts.main = clean_word(main_unit(main));
  if (!per.empty() && !has_annotation(per)) parts.per = clean_word(per_unit(per));
  return parts;
}

}  // namespace

std::string unit_word(std::string_view unit) {
  UnitParts parts = split_unit(unit);
  if (parts.per.empty()) return parts.main;
  if (parts.main.empty()) return "per_" + parts.per;
  return parts.main + "_per_" + parts.per;
}

std::optional<std::string> metric_name(std::string_view name, std::string_view unit, MetricKind kind,
                                       Translation translation) {
  if (translation == Translation::kUnderscoreEscapingWithoutSuffixes) {
    std::string out;
    for (char c : name) {
      bool ok = is_alnum(c) || c == '_' || c == ':';
      if (!ok && !out.empty() && out.back() == '_') continue;
      out.push_back(ok ? c : '_');
    }
    if (out.empty() || std::all_of(out.begin(), out.end(), [](char c) { return c == '_'; })) return std::nullopt;
    if (is_digit(out[0])) out = "_" + out;
    return out;
  }

  std::vector<std::string> tokens;
  std::string token;
  for (char c : name) {
    if (is_alnum(c) || c == ':') {
      token.push_back(c);
    } else if (!token.empty()) {
      tokens.push_back(std::move(token));
      token.clear();
    }
  }
  if (!token.empty()) tokens.push_back(std::move(token));
  auto has = [&](std::string_view t) { return std::find(tokens.begin(), tokens.end(), t) != tokens.end(); };

  UnitParts parts = split_unit(unit);
  if (!parts.main.empty() && !has(parts.main)) tokens.push_back(parts.main);
  if (!parts.per.empty() && !has(parts.per)) {
    tokens.push_back("per");
    tokens.push_back(parts.per);
  }
  if (kind == MetricKind::kCounter) {
    std::erase(tokens, "total");
    tokens.push_back("total");
  }
  if (kind == MetricKind::kGauge && unit == "1") {
    std::erase(tokens, "ratio");
    tokens.push_back("ratio");
  }
  std::string out;
  for (const auto& t : tokens) {
    if (!out.empty()) out.push_back('_');
    out += t;
  }
  if (out.empty()) return std::nullopt;
  if (is_digit(out[0])) out = "_" + out;
  return out;
}

std::optional<std::string> label_name(std::string_view key) {
  if (key.empty()) return std::nullopt;
  bool wrapped = key.size() > 4 && key.starts_with("__") && key.ends_with("__");
  std::string_view inner = wrapped ? key.substr(2, key.size() - 4) : key;
  std::string out;
  for (char c : inner) {
    char d = is_alnum(c) ? c : '_';
    if (d == '_' && !out.empty() && out.back() == '_') continue;
    out.push_back(d);
  }
  if (wrapped) out = "__" + out + "__";
  if (std::all_of(out.begin(), out.end(), [](char c) { return c == '_'; })) return std::nullopt;
  if (is_digit(out[0])) out = "key_" + out;
  return out;
}

std::string format_bound(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

}  // namespace promotel::otlptranslate

#include "promreceiver/naming.h"

#include <array>
#include <utility>
#include <vector>

namespace promotel::promreceiver {

bool has_suffix(std::string_view name, std::string_view suffix) {
  return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
}

std::string_view normalize_metric_name(std::string_view name) {
  static constexpr std::array<std::string_view, 6> kSuffixes = {"_bucket", "_count", "_sum",
                                                                "_total",  "_info",  "_created"};
  for (std::string_view suffix : kSuffixes) {
    if (name.size() > suffix.size() && has_suffix(name, suffix)) {
      return name.substr(0, name.size() - suffix.size());
    }
  }
  return name;
}

namespace {

// strings.Split semantics: "" gives one empty token.
std::vector<std::string_view> split_underscore(std::string_view s) {
  std::vector<std::string_view> tokens;
  size_t start = 0;
  while (true) {
    size_t pos = s.find('_', start);
    if (pos == std::string_view::npos) {
      tokens.push_back(s.substr(start));
      return tokens;
    }
    tokens.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

std::string_view lookup(std::string_view word,
                        std::initializer_list<std::pair<std::string_view, std::string_view>> table) {
  for (const auto& [from, to] : table) {
    if (from == word) return to;
  }
  return word;
}

}  // namespace

std::string trim_metric_suffixes(std::string_view name, bool is_sum, std::string_view unit) {
  std::vector<std::string_view> tokens = split_underscore(name);
  if (tokens.size() == 1) return std::string(name);
  if (is_sum && tokens.back() == "total") tokens.pop_back();
  std::vector<std::string_view> unit_tokens = split_underscore(unit);
  if (tokens.size() > unit_tokens.size()) {
    bool suffixed = true;
    for (size_t i = 0; i < unit_tokens.size(); ++i) {
      if (tokens[tokens.size() - 1 - i] != unit_tokens[unit_tokens.size() - 1 - i]) {
        suffixed = false;
        break;
      }
    }
    if (suffixed) tokens.resize(tokens.size() - unit_tokens.size());
  }
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i) out += '_';
    out += tokens[i];
  }
  return out;
}

std::string unit_word_to_ucum(std::string_view unit) {
  if (unit.empty()) return "";
  std::string_view main = unit, per;
  bool has_per = false;
  if (size_t pos = unit.find("_per_"); pos != std::string_view::npos) {
    main = unit.substr(0, pos);
    per = unit.substr(pos + 5);
    has_per = true;
  }
  std::string out(lookup(main, {{"days", "d"},          {"hours", "h"},
                                {"minutes", "min"},     {"seconds", "s"},
                                {"milliseconds", "ms"}, {"microseconds", "us"},
                                {"nanoseconds", "ns"},  {"bytes", "By"},
                                {"kibibytes", "KiBy"},  {"mebibytes", "MiBy"},
                                {"gibibytes", "GiBy"},  {"tibibytes", "TiBy"},
                                {"kilobytes", "KBy"},   {"megabytes", "MBy"},
                                {"gigabytes", "GBy"},   {"terabytes", "TBy"},
                                {"meters", "m"},        {"volts", "V"},
                                {"amperes", "A"},       {"joules", "J"},
                                {"watts", "W"},         {"grams", "g"},
                                {"celsius", "Cel"},     {"hertz", "Hz"},
                                {"ratio", "1"},         {"percent", "%"}}));
  if (has_per && !per.empty()) {
    out += '/';
    out += lookup(per, {{"second", "s"},
                        {"minute", "m"},
                        {"hour", "h"},
                        {"day", "d"},
                        {"week", "w"},
                        {"month", "mo"},
                        {"year", "y"}});
  }
  return out;
}

}  // namespace promotel::promreceiver

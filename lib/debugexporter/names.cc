#include "debugexporter/names.h"

namespace promotel::debugexporter {

namespace {
template <size_t N>
std::string_view lookup(const std::string_view (&names)[N], int value) {
  return value >= 0 && static_cast<size_t>(value) < N ? names[value] : std::string_view();
}
}  // namespace

std::string_view aggregation_temporality_name(int value) {
  static constexpr std::string_view kNames[] = {"Unspecified", "Delta", "Cumulative"};
  return lookup(kNames, value);
}

std::string_view span_kind_name(int value) {
  static constexpr std::string_view kNames[] = {"Unspecified", "Internal", "Server",
                                                "Client",      "Producer", "Consumer"};
  return lookup(kNames, value);
}

std::string_view status_code_name(int value) {
  static constexpr std::string_view kNames[] = {"Unset", "Ok", "Error"};
  return lookup(kNames, value);
}

std::string_view severity_number_name(int value) {
  static constexpr std::string_view kNames[] = {
      "Unspecified", "Trace", "Trace2", "Trace3", "Trace4", "Debug", "Debug2", "Debug3", "Debug4",
      "Info",        "Info2", "Info3",  "Info4",  "Warn",   "Warn2", "Warn3",  "Warn4",  "Error",
      "Error2",      "Error3", "Error4", "Fatal", "Fatal2", "Fatal3", "Fatal4"};
  return lookup(kNames, value);
}

}  // namespace promotel::debugexporter

#pragma once

#include <cstdint>
#include <string_view>

namespace promotel::debugexporter {

// The String() names pdata gives OTLP enums; unknown numbers give "" as in Go.
std::string_view aggregation_temporality_name(int value);  // Unspecified|Delta|Cumulative
std::string_view span_kind_name(int value);                // Unspecified|Internal|Server|...
std::string_view status_code_name(int value);              // Unset|Ok|Error
std::string_view severity_number_name(int value);          // Unspecified|Trace|...|Fatal4

}  // namespace promotel::debugexporter

#pragma once

#include <string>
#include <vector>

#include "common/error.h"
#include "k8s/objects.h"
#include "monitors/monitor.h"

namespace promotel::monitors {

enum class Severity { kError, kWarning };

// One problem `taplan validate` reports.
struct Finding {
  Severity severity = Severity::kError;
  SourcePosition where;
  std::string subject;  // "ServiceMonitor shop/web", a job name, a file
  std::string check;    // a stable short name, e.g. "selector-matches-nothing"
  std::string message;
};

std::string_view severity_name(Severity s);

// Checks monitors on their own (durations, timeouts, relabelings, selector values) and,
// when objects were given, against them (selectors, ports, namespaces).
std::vector<Finding> validate_monitors(const std::vector<Monitor>& monitors, const k8s::ObjectStore& objects,
                                       bool have_objects, int64_t default_interval_ms);

}  // namespace promotel::monitors

#pragma once

#include <vector>

#include "monitors/validate.h"
#include "targetalloc/plan.h"

namespace promotel::targetalloc {

// Job names given by more than one source (the TA keeps only the last one).
std::vector<monitors::Finding> check_duplicate_jobs(const std::vector<Job>& jobs);

// Targets per-node would leave unassigned: no node in their labels, or no collector on
// their node (only when collectors are known). plan must be a per-node plan without fallback.
std::vector<monitors::Finding> check_per_node(const Plan& plan, const std::vector<Job>& jobs);

}  // namespace promotel::targetalloc

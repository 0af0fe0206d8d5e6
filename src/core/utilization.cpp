#include <vramplan/utilization.hpp>

namespace vramplan {

namespace {

/// The budget vLLM requests at `step`: the planner's rule, not a second copy of it.
Bytes budget_at(Bytes total, UtilizationStep step) { return fraction_of(total, step.value()); }

} // namespace

// Scans of the 100 steps: the budget never shrinks as the step grows (the step's double grows, and
// IEEE multiplication and ceil keep the order of non-negative values), so the first or last step
// within the bound is the answer. A closed form from need / total would have to be corrected for
// the rounding of the division and of fraction_of's product; 100 products cost nothing here.

std::optional<UtilizationStep> min_utilization_covering(Bytes total, Bytes need) {
    for (UtilizationStep step = k_min_utilization_step; step <= k_max_utilization_step; ++step.hundredths) {
        if (budget_at(total, step) >= need) {
            return step;
        }
    }
    return std::nullopt;
}

std::optional<UtilizationStep> max_utilization_within(Bytes total, SignedBytes cap) {
    if (cap < 0) {
        return std::nullopt;
    }
    for (UtilizationStep step = k_max_utilization_step; step >= k_min_utilization_step; --step.hundredths) {
        if (budget_at(total, step) <= static_cast<Bytes>(cap)) {
            return step;
        }
    }
    return std::nullopt;
}

} // namespace vramplan

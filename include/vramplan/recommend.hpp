#pragma once
/// Solving for vLLM's flags instead of guessing them: the lowest utilization that serves a target,
/// the largest context that fits, the largest safe utilization, the smallest tensor-parallel size.
///
/// Everything vLLM charges to the budget besides the KV cache (weights, activation peak,
/// non-torch, and the graph estimate from v0.21) does not depend on the utilization, so the
/// utilization a target needs has a closed form: the target fixes a number of KV blocks, a block
/// costs a fixed number of bytes on each worker, and the budget is ceil(total × u). Each answer is
/// re-planned before it is returned.

#include <vramplan/plan.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vramplan {

/// What a deployment must serve. Exactly one of the two is set.
struct ServeTarget {
    std::optional<std::uint64_t> concurrency;   ///< requests of max_model_len tokens at once
    std::optional<std::uint64_t> kv_tokens;     ///< KV-cache token capacity ("GPU KV cache size")
};

/// The smallest number of KV blocks whose capacity meets `target` under the era's rules.
std::uint64_t blocks_for_target(const Plan& plan, const ServeTarget& target);

/// An answer: a utilization (2 decimals, as people write it) and the plan at that value.
struct UtilizationAnswer {
    std::optional<double> utilization;   ///< unset: no utilization ≤ 1.0 works
    std::optional<Plan> plan;            ///< re-planned at `utilization`
    std::optional<Plan> adjacent;        ///< re-planned one step further (−0.01 for a minimum, +0.01 for a maximum): misses the goal
    Bytes kv_bytes = 0;                  ///< KV bytes per GPU the target needs (deciding worker)
    std::string why_not;                 ///< when unset: what stands in the way
};

/// The lowest utilization, in steps of 0.01, whose plan starts and meets `target`.
UtilizationAnswer min_utilization_for(const PlanRequest& request, const ServeTarget& target);

/// The largest utilization, in steps of 0.01, that starts and keeps `margin` bytes of the card
/// free after CUDA-graph capture (≤ v0.20) or after the budget and context (v0.21+).
UtilizationAnswer max_safe_utilization(const PlanRequest& request, Bytes margin);

/// The largest max_model_len that starts at the request's utilization, at most `cap` (and the
/// model's maximum): vLLM's own estimate_max_model_len, re-planned. 0 when not even a short
/// context fits.
std::uint64_t max_model_len_for(const PlanRequest& request, std::optional<std::uint64_t> cap);

/// Tensor-parallel sizes the model allows (its attention heads and KV heads divide), ascending,
/// up to `max_gpus`.
std::vector<std::uint32_t> valid_tp_sizes(const ModelSpec& model, std::uint32_t max_gpus);

} // namespace vramplan

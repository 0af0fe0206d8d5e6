#pragma once
/// From bytes back to `--gpu-memory-utilization`: the one inversion of the planner's budget rule.
///
/// The planner turns a utilization u into a budget of `fraction_of(total, u)` bytes,
/// ceil(total × u) with the product in IEEE double as vLLM takes it. Going the other way, from a
/// byte count to the utilization a user would write, must answer with the same rule, or a
/// suggested value misses its target by a byte at the edges: 100 × 0.28 is 28.000000000000004 in
/// double, so 0.28 of 100 bytes budgets 29, and 57 × 0.01 is not 0.57. Both functions here search
/// the 0.01 grid through `fraction_of` itself instead of dividing.

#include <vramplan/bytes.hpp>

#include <compare>
#include <optional>

namespace vramplan {

/// A `--gpu-memory-utilization` on the grid people write it in, 0.01 … 1.00, held as whole
/// hundredths so that stepping to a neighbour is exact.
struct UtilizationStep {
    int hundredths = 100;   ///< 1 … 100

    /// The utilization as a double: hundredths / 100.0, the same double `--gpu-memory-utilization
    /// 0.57` parses to (the nearest to the decimal), so a plan at it budgets what vLLM would.
    constexpr double value() const { return hundredths / 100.0; }

    auto operator<=>(const UtilizationStep&) const = default;
};

/// The finest and the coarsest step: 0.01 and 1.00.
inline constexpr UtilizationStep k_min_utilization_step{1};
inline constexpr UtilizationStep k_max_utilization_step{100};

/// The smallest utilization in 0.01 steps whose budget `fraction_of(total, u)` is at least `need`
/// bytes. `need` 0 gives 0.01 (vLLM takes no utilization of 0); unset when not even 1.00 covers
/// `need` (need > total). Throws OverflowError only where `fraction_of` does (total ≥ 2^64 − 2^11).
std::optional<UtilizationStep> min_utilization_covering(Bytes total, Bytes need);

/// The largest utilization in 0.01 steps whose budget `fraction_of(total, u)` is at most `cap`
/// bytes. A cap of `total` or more gives 1.00 (for totals below 2^53, which a double holds
/// exactly); unset when not even 0.01 stays within `cap` (a cap below the budget at 0.01, any
/// negative cap). Throws OverflowError only where `fraction_of` does.
std::optional<UtilizationStep> max_utilization_within(Bytes total, SignedBytes cap);

} // namespace vramplan

#pragma once
/// Plans side by side (`vramplan compare`): each metric per scenario in its own unit, and its
/// signed difference from the first scenario. The report layer labels, rounds and lays it out.

#include <vramplan/plan.hpp>

#include <optional>
#include <string>
#include <vector>

namespace vramplan {

/// A compared quantity of the deciding GPU (memory) or of the engine (capacity, verdict).
enum class CompareMetric {
    utilization, max_model_len, gpus, budget, weights, activation, non_torch, cuda_graphs, kv_cache, cuda_context, free, kv_tokens,
    max_concurrency, snapshot_image, restore_lower_s, verdict,
};

/// The unit a metric's values are in.
enum class CompareUnit { fraction, tokens, count, bytes, concurrency, seconds, verdict };

/// One scenario's value of one metric.
struct CompareCell {
    double value = 0.0;               ///< in the metric's unit (bytes as a double; exact below 2^53)
    std::optional<double> delta;      ///< value − the first scenario's (unset for the first scenario)
    std::string text;                 ///< verdict: "starts", "OOM in graphs", "fails"
};

struct CompareRow {
    CompareMetric metric = CompareMetric::utilization;
    CompareUnit unit = CompareUnit::fraction;
    std::vector<CompareCell> cells;   ///< one per scenario
};

/// A metric's stable name for JSON ("budget_bytes", "restore_seconds_lower_bound").
const char* compare_metric_name(CompareMetric metric);

/// Every metric, in report order, for `plans` (at least one). The first plan is the reference.
std::vector<CompareRow> compare_plans(const std::vector<Plan>& plans);

} // namespace vramplan

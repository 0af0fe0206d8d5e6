#pragma once
/// Rendering of plans: the text table, the JSON report (schema_version 1) and --explain.

#include <vramplan/coldstart.hpp>
#include <vramplan/plan.hpp>
#include <vramplan/units.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace vramplan {

/// JSON report schema version; independent of the tool version. Bumped only on breaking changes.
inline constexpr int k_schema_version = 1;
/// The tool's own version.
inline constexpr const char* k_tool_version = "0.1.0";

/// What the report says about where the model and GPU came from.
struct PlanContext {
    std::string model_label;   ///< "Qwen/Qwen2.5-1.5B-Instruct"
    std::string model_id;      ///< catalog id or path
    std::string model_source;  ///< profile source or file path
    std::string gpu_source;    ///< profile source
    std::string model_resolved_from;  ///< "path", "hf_cache", "hub", "catalog" ("" when not resolved: JSON null)
};

/// The breakdown table, capacity and verdict (and the GPU-snapshot section when given).
std::string render_text(const Plan& plan, const PlanContext& ctx, const SnapshotEstimate* snapshot = nullptr);
/// The GPU-snapshot section alone.
std::string render_snapshot(const SnapshotEstimate& s);
nlohmann::json snapshot_json(const SnapshotEstimate& s);
/// A one-line stacked bar of the deciding GPU, `width` characters wide, and its legend:
/// weights, activation peak, non-torch, CUDA context, CUDA graphs, KV cache, other processes, free.
std::string render_bar(const Plan& plan, std::size_t width);
/// Each formula with its numbers; with `ctx`, first where the model came from.
std::string render_explain(const Plan& plan, const PlanContext* ctx = nullptr);
/// The JSON report.
nlohmann::json plan_json(const Plan& plan, const PlanContext& ctx);

} // namespace vramplan

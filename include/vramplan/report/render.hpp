#pragma once
/// Rendering of plans: the text table, the JSON report (schema_version 1) and --explain.

#include <vramplan/coldstart.hpp>
#include <vramplan/engine_args.hpp>
#include <vramplan/plan.hpp>
#include <vramplan/units.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

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
    /// Flags of the inputs (a pasted vLLM command) that may change GPU memory and that the plan
    /// ignores: a warning line in text, `not_modelled_flags` in JSON (only when there are any).
    std::vector<NotModelledFlag> not_modelled;
    /// Other warnings about the inputs (an unknown architecture): `warning:` lines in text,
    /// `warnings` in JSON (only when there are any).
    std::vector<std::string> warnings;
};

/// One ignored flag for a report: "--enable-lora: LoRA weight stacks … (addendum 3 §20)" (the
/// row's note, its bare "§N" named as addendum 3's).
std::string not_modelled_text(const NotModelledFlag& flag);
/// The warning line(s) every text report prints for ignored flags, each ending in '\n'; "" when
/// there are none.
std::string not_modelled_warning(const std::vector<NotModelledFlag>& flags);
/// `[{"name": "--enable-lora", "note": "…"}, …]`.
nlohmann::json not_modelled_json(const std::vector<NotModelledFlag>& flags);

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

#pragma once
/// Rendering of solver answers (solve.hpp): `recommend` as text, JSON or a `vllm serve --config`
/// YAML file, and the ready `vllm serve` command other commands print.

#include <vramplan/report/render.hpp>
#include <vramplan/solve.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace vramplan {

/// vLLM's flags (name without dashes, value; "" for a switch) for a request, in the order people
/// write them; defaults are left out. `pinned`: --kv-cache-memory-bytes instead of the utilization.
using ServeFlags = std::vector<std::pair<std::string, std::string>>;
ServeFlags serve_flags(const PlanRequest& request, const ResolvedConfig& config, bool pinned);
/// `vllm serve MODEL --flag value …`.
std::string serve_command(const std::string& model, const ServeFlags& flags);

/// "lowest utilization that serves 16 requests of 4,096 tokens", "preset balanced: …".
std::string goal_text(const SolveGoal& goal);
/// "at 0.23: 16.41 requests", "at 0.22: 15.20 requests (short of the target)".
std::string check_text(const SolveCheck& check);
/// "does not fit at TP 1: the smallest tensor-parallel size that fits is 2 (…)".
std::string note_text(const SolveNote& note);

/// `recommend`'s report. `model` is the name the command line uses; `plan_notes` are added to the
/// plan's own notes (where the model came from).
std::string render_recommendation_text(const Recommendation& rec, const PlanContext& ctx, const std::string& model);
std::string render_recommendation_yaml(const Recommendation& rec, const std::string& model);
nlohmann::json recommendation_json(const Recommendation& rec, const PlanContext& ctx, const std::string& model);

} // namespace vramplan

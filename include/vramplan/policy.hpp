#pragma once
/// A VRAM budget policy and its evaluation against a plan (`vramplan check`): which rules a
/// deployment breaks, with the numbers, and the smallest fix for each (re-planned). The file
/// format is read by io/policy.hpp; the report layer renders the results.

#include <vramplan/coldstart.hpp>
#include <vramplan/engine_args.hpp>
#include <vramplan/fix.hpp>
#include <vramplan/plan.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vramplan {

/// The limits a deployment must respect; unset limits are not checked.
struct Policy {
    std::string gpu;
    std::vector<std::string> vllm_versions;
    std::optional<double> max_gpu_memory_utilization;
    std::optional<Bytes> max_vram_per_gpu;
    std::optional<Bytes> min_free;
    std::optional<std::uint64_t> min_kv_tokens;
    std::optional<double> min_concurrency;
    std::optional<Bytes> min_graph_headroom;
    std::optional<double> max_restore_seconds;   ///< GPU-snapshot restore time (calibrated with a fit, else the lower bound)
    std::string restore_fit;                     ///< fit file for calibrated restore times (relative to the working directory)
};

/// One broken rule.
struct Violation {
    enum class Rule {
        starts, max_gpu_memory_utilization, max_vram_gib_per_gpu, min_free_gib, min_kv_tokens, min_concurrency,
        min_graph_headroom_gib, max_restore_seconds,
    };
    Rule rule = Rule::starts;
    std::optional<Fix> fix;                         ///< the smallest change, when there is one
    bool fix_changes_context = false;               ///< the fix is about --max-model-len (annotations point there)
    // The numbers the message quotes (the rule decides which are set).
    double actual = 0.0;                            ///< utilization, concurrency, seconds
    double limit = 0.0;
    SignedBytes actual_bytes = 0;                   ///< vLLM's use, free, headroom
    SignedBytes limit_bytes = 0;
    SignedBytes budget = 0;                         ///< max_vram: the budget part of vLLM's use
    bool graphs_outside_budget = false;             ///< max_vram: CUDA graphs are part of the outside
    std::uint64_t tokens = 0;                       ///< min_kv_tokens: held; min_concurrency: context
    std::uint64_t limit_tokens = 0;
    bool calibrated = false;                        ///< max_restore: a calibrated time (else the lower bound)
    std::string error;                              ///< starts: vLLM's error
    std::optional<double> u_max;                    ///< the rule holds at utilizations up to this
    std::optional<double> u_min;                    ///< the rule holds at utilizations from this
};

/// The policy's name for a rule ("max_vram_gib_per_gpu").
const char* rule_name(Violation::Rule rule);

/// One utilization that satisfies every rule, when two or more rules bound it.
struct FixAll {
    bool possible = true;
    double utilization = 0.0;   ///< possible: the value
    double lower = 0.0;         ///< not possible: capacity needs at least this
    double upper = 1.0;         ///< not possible: memory allows at most this
};

/// Every rule `plan` (planned from `request`) breaks, in the policy's order, each with its fix;
/// `snapshot` is the restore estimate when the policy bounds restore time (re-estimated with
/// `restore_fit` for the fix). `fix_all` is set when several fixes bound the utilization.
struct PolicyResult {
    std::vector<Violation> violations;
    std::optional<FixAll> fix_all;
};
PolicyResult evaluate_policy(const PlanRequest& request, const Plan& plan, const Policy& policy, const std::optional<RestoreFit>& restore_fit);

/// One deployment checked against the policy for one vLLM release: plain data for the report.
struct DeploymentCheck {
    std::string source;       ///< file path, or "command line"
    std::size_t line = 0;     ///< where the deployment starts (0: argv)
    std::string entrypoint;   ///< "vllm serve", "api_server", "docker", "yaml"
    std::string model;        ///< as the deployment names it
    std::string gpu;          ///< catalog id (or "--gpu-memory X")
    std::string version;      ///< the vLLM release checked
    std::optional<Plan> plan;
    std::vector<Violation> violations;
    std::vector<std::size_t> violation_lines;   ///< per violation: the line of the flag to change
    std::optional<FixAll> fix_all;
    std::vector<std::string> notes;
    std::string error;        ///< the deployment could not be planned (bad input inside it)
    /// Flags of the deployment that may change GPU memory and that the plan ignores: a check
    /// that passes with any of them is a warning, not a silent pass.
    std::vector<NotModelledFlag> not_modelled;
    [[nodiscard]] bool passed() const { return error.empty() && violations.empty(); }
    /// Passed, but the plan ignored flags that may change GPU memory (reported as WARN).
    [[nodiscard]] bool warned() const { return passed() && !not_modelled.empty(); }
};

/// vLLM's own use of one GPU: the budget and what it takes outside it (context, graphs).
SignedBytes vllm_use(const WorkerPlan& worker);

} // namespace vramplan

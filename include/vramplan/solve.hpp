#pragma once
/// The solvers behind `recommend`, `compare --preset` and `check`'s fixes: the lowest utilization
/// for a target (escalating to a larger tensor-parallel size, then an fp8 KV cache), the largest
/// safe utilization, the longest context, and a preset filled in for a model and a card.
///
/// Every answer is plain data: the goal, the request that meets it, the plan re-planned at the
/// answer, the neighbouring probe that shows it is the edge, and why the solver escalated. The
/// report layer (report/recommend.hpp) turns it into text, JSON or YAML.

#include <vramplan/plan.hpp>
#include <vramplan/recommend.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vramplan {

/// What a solver was asked for.
struct SolveGoal {
    enum class Kind { min_for_concurrency, min_for_kv_tokens, max_safe, max_model_len };
    Kind kind = Kind::min_for_concurrency;
    std::uint64_t concurrency = 0;               ///< min_for_concurrency: requests at once
    std::uint64_t kv_tokens = 0;                 ///< min_for_kv_tokens: KV-cache tokens
    std::uint64_t max_model_len = 0;             ///< min_for_concurrency: tokens per request
    Bytes margin = 0;                            ///< max_safe: bytes that stay free
    double utilization = 0.0;                    ///< max_model_len: at this utilization
    std::optional<std::uint64_t> max_model_len_cap;  ///< max_model_len: never above
    std::string preset;                          ///< the preset that set the goal, or ""
};

/// One probe of the answer's neighbourhood: the answer itself, or the step beyond it.
struct SolveCheck {
    enum class Kind { capacity, free_memory, context };
    Kind kind = Kind::capacity;
    bool beyond = false;               ///< the step past the answer (misses the goal)
    double utilization = 0.0;          ///< capacity, free_memory: where probed
    std::uint64_t max_model_len = 0;   ///< context: where probed
    bool by_concurrency = true;        ///< capacity: concurrency (else KV tokens)
    double concurrency = 0.0;          ///< capacity: the plan's max concurrency
    std::uint64_t tokens = 0;          ///< capacity: the plan's KV tokens
    SignedBytes free = 0;              ///< free_memory: free on the deciding GPU
    SignedBytes kv_cache = 0;          ///< context: KV cache of the deciding GPU
    bool starts = true;                ///< vLLM starts at the probe
};

/// Why an answer differs from what was asked.
struct SolveNote {
    enum class Kind {
        larger_tp,                   ///< did not fit at `from_tp`; `to_tp` is the smallest that does
        preset_larger_tp,            ///< the same, found while filling in a preset
        fp8_kv_cache,                ///< did not fit on `max_gpus` with a `kv_cache_dtype` cache
        preset_target_out_of_reach,  ///< the preset's `concurrency` is out of reach on `to_tp` GPUs
        preset_context_shortened,    ///< the preset's context does not fit: shortened
    };
    Kind kind = Kind::larger_tp;
    std::uint32_t from_tp = 1;
    std::uint32_t to_tp = 1;
    std::uint32_t max_gpus = 1;
    std::string kv_cache_dtype;      ///< fp8_kv_cache: the dtype that did not fit
    std::uint64_t concurrency = 0;   ///< preset_target_out_of_reach
    std::string why;                 ///< what stood in the way ("" when nothing is said)
};

/// One answer.
struct Recommendation {
    SolveGoal goal;
    PlanRequest request;               ///< the answer's flags
    Plan plan;                         ///< re-planned at the answer
    std::vector<SolveCheck> checks;    ///< the answer, then the step beyond it
    std::vector<SolveNote> notes;
    std::optional<Bytes> pinned_kv;    ///< the same target with --kv-cache-memory-bytes (V1 >= 0.10.2)
};

/// A solver's result: an answer, or why there is none.
struct Solved {
    std::optional<Recommendation> answer;
    std::string why_not;   ///< set when there is no answer; may be set with one (the reason at the first size tried)
};

/// What a preset asks for (profiles/presets/*.json), as the solver needs it.
struct PresetGoal {
    std::string id;
    bool min_for_target = true;                ///< else max_safe
    std::optional<std::uint64_t> concurrency;  ///< min_for_target: requests of max_model_len at once
    std::uint64_t max_model_len = 0;           ///< 0: the model's maximum, capped at max_model_len_cap
    std::uint64_t max_model_len_cap = 0;       ///< 0: no cap
    std::optional<std::uint64_t> max_num_seqs;
    bool enforce_eager = false;
    double margin_gib = 0.5;                   ///< max_safe: GiB that stay free after vLLM's own use
};

/// The lowest utilization that meets `target`; with `escalate`, on failure the smallest larger
/// tensor-parallel size (up to `max_gpus`) and then an fp8 KV cache that make it possible.
Solved solve_target(const PlanRequest& base, const ServeTarget& target, unsigned max_gpus, bool escalate = true);

/// The largest utilization that starts and keeps `margin` bytes free.
Solved solve_max_safe(const PlanRequest& base, Bytes margin);

/// The largest max-model-len that fits at the request's utilization, at most `cap`.
Solved solve_max_len(const PlanRequest& base, std::optional<std::uint64_t> cap);

/// A preset filled in for the request's model and GPU: its context and batch (unless the user set
/// them: `user_len`, `user_seqs`), its goal at the request's TP size and then larger ones up to
/// `max_gpus`, falling back to the largest safe utilization and then the longest context that fits.
Solved solve_preset(const PresetGoal& preset, PlanRequest base, bool user_len, bool user_seqs, unsigned max_gpus);

} // namespace vramplan

#pragma once
/// vLLM versions and the memory rules that changed between them.
///
/// Every rule that depends on the vLLM release is a field of `EraRules`, derived from the version
/// in exactly one place (`rules_for`). The version each rule starts at comes from the pull request
/// that introduced it (reference/vllm-memory-model.md); where the spec gives only a merge date, the
/// release is the first one cut after that date (marked "≈" in the comments).

#include <cstdint>
#include <optional>
#include <string>

namespace vramplan {

struct VllmVersion {
    int major = 0;
    int minor = 0;
    int patch = 0;

    friend constexpr bool operator==(const VllmVersion&, const VllmVersion&) = default;
    friend constexpr auto operator<=>(const VllmVersion&, const VllmVersion&) = default;

    /// "0.19.0"
    [[nodiscard]] std::string str() const;
};

/// Parses "X.Y" or "X.Y.Z" (an optional leading "v", and a "+suffix"/".postN"/"rcN" tail are
/// ignored). Returns nullopt on anything else.
std::optional<VllmVersion> parse_vllm_version(const std::string& text);

/// The oldest release whose rules the planner implements (V1, per-instance budget, #18974).
inline constexpr VllmVersion k_oldest_modelled{0, 9, 1};
/// The newest release whose rules were read from vLLM's source (reference spec §1.6; code up to
/// 2026-05-14). Later versions are planned with these rules and flagged as extrapolated.
inline constexpr VllmVersion k_newest_modelled{0, 21, 0};

/// How the maximum-concurrency count and printed token capacity are derived.
enum class TokenRule {
    blocks_times_block_size, ///< v0.8.0 … v0.20: num_blocks // num_groups * block_size
    concurrency_times_len,   ///< v0.21+ (#41069): int(max_concurrency * max_model_len)
};

/// CUDA-graph capture size schedule (vllm/config/vllm.py `_set_cudagraph_sizes`).
enum class CaptureSchedule {
    fixed_512,        ///< ≤ v0.9.x: [1,2,4] + range(8, 513, 8)
    step8_to_2s,      ///< v0.10.x (#20628): [1,2,4] + range(8, min(2S,512)+1, 8)
    step8_then_16,    ///< ≥ v0.11.1 (#26016): [1,2,4] + range(8,256,8) + range(256, max+1, 16), capped at B
};

/// Rules of one vLLM era, all the planner needs to know about the version.
struct EraRules {
    VllmVersion version;
    bool extrapolated = false;            ///< newer than k_newest_modelled
    double default_utilization = 0.9;     ///< 0.92 from v0.21.0 (#38284)
    bool cuda_graph_in_budget = false;    ///< v0.21+: estimate subtracted (VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=1)
    TokenRule token_rule = TokenRule::blocks_times_block_size;
    /// Hybrid KV groups: group size = max(#layers per type) when max < ratio * min; 0 = always min
    /// (before #29303, ≈v0.12). 1.25 from #29303, 1.5 from #36684 (≈v0.18).
    double hybrid_group_ratio = 0.0;
    /// FlashAttention-MLA (block 16) first on Hopper since #27363 (≈v0.12); FlashMLA (block 64) before.
    bool fa_mla_default_on_hopper = false;
    /// FlashInfer-MLA (block 32) first on Blackwell in the 2026-05 code (≈v0.21); CUTLASS MLA (128) before.
    bool flashinfer_mla_default_on_blackwell = false;
    /// NCCL/custom-all-reduce init happens before the baseline snapshot since #25359 (v0.11.0).
    bool nccl_init_before_snapshot = false;
    /// Free-memory error names the device since #30868 (≈v0.14).
    bool free_error_names_device = false;
    CaptureSchedule capture_schedule = CaptureSchedule::step8_then_16;
    /// FULL_AND_PIECEWISE default since #25444 (v0.11.0); PIECEWISE before.
    bool full_and_piecewise = false;
};

/// The rules of `v`. Versions older than k_oldest_modelled are rejected by the caller.
EraRules rules_for(VllmVersion v);

} // namespace vramplan

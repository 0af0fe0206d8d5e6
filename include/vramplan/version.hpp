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

/// The oldest release whose rules the planner implements: the first vLLM release (V0, 2023-06).
inline constexpr VllmVersion k_oldest_modelled{0, 1, 0};
/// The first release whose default engine is V1 (#13726, 2025-03-15).
inline constexpr VllmVersion k_v1_default{0, 8, 0};
/// V1 could be opted into (VLLM_USE_V1=1) from v0.6.5; V0 was removed in v0.11.0 (#25321).
inline constexpr VllmVersion k_v1_first{0, 6, 5};
inline constexpr VllmVersion k_v0_removed{0, 11, 0};
/// From 0.8.0 the V1 oracle falls back to V0 on compute capability < 8.0 (T4, V100: "Compute
/// Capability < 8.0 is not supported by the V1 Engine. Falling back to V0",
/// vllm/engine/arg_utils.py:1244-1254 @v0.9.0, #13726); #24022 (2025-09-01, ≈0.10.2) runs V1 there.
inline constexpr VllmVersion k_v1_pre_ampere{0, 10, 2};
/// The newest release modelled: 0.22–0.28 from vLLM's source (addendum 2, upstream main up to
/// 2026-08-20), 0.29–0.32 from release notes, threads and logs (addendum 2 §14.5, §19: no
/// memory-accounting change found after 0.29). Later versions are planned with these rules and
/// flagged as extrapolated.
inline constexpr VllmVersion k_newest_modelled{0, 32, 0};
/// The newest release whose rules were read from vLLM's source (addendum 2 §12: C28 ≈ 0.28).
inline constexpr VllmVersion k_newest_source_read{0, 28, 0};

/// vLLM's two engines: the original (V0, `vllm/worker/worker.py`) and V1 (`vllm/v1/`).
enum class Engine { v0, v1 };

/// "V0" / "V1".
std::string engine_name(Engine e);

/// How the memory left for the KV cache is derived (reference spec §1.6, §2.3, §4).
enum class BudgetRule {
    torch_peak,      ///< V0 ≤ 0.2.4: T·u − torch.max_memory_allocated() (weights + activation only)
    device_peak,     ///< V0 0.2.5–0.3.0 (#2031): T·u − (T − free after profiling): everything on the card counts
    init_free_peak,  ///< V0 0.3.1–0.6.3 (#2863): T·u − (free at init − free after profiling), reserved memory included
    global,          ///< V0 0.6.4 and V1 ≤ 0.9.0: T·u − (torch peak + all non-torch use of the card)
    per_instance,    ///< V0 0.6.5–0.10 and V1 0.9.1+: T·u − (weights + activation + non-torch) [− graphs, v0.21+]
};

/// Default max_num_seqs (S) / max_num_batched_tokens (B) (spec §6.3).
enum class BatchDefaults {
    v0,                  ///< S 256; B = max(L, 2048), or the chunked-prefill budget
    v1_by_name,          ///< v0.8.0–0.8.3: B by name (h100/h200) 16384/8192 else 8192/2048; S 1024
    v1_by_name_seqs,     ///< v0.8.4 (#16158): S 1024 on H100/H200 else 256
    v1_by_size,          ///< v0.8.5 (#17073): the ≥ 70 GiB test
    v1_by_size_no_a100,  ///< v0.9.0+ (#17885): ≥ 70 GiB and not an A100
};

/// How the maximum-concurrency count and printed token capacity are derived.
enum class TokenRule {
    v0_blocks,               ///< V0 and V1 < 0.9.1: tokens = blocks * block_size, concurrency = tokens / max_model_len
    blocks_times_block_size, ///< V1 v0.9.1 … v0.20: num_blocks // num_groups * block_size, concurrency blocks / blocks per request
    concurrency_times_len,   ///< v0.21+ (#41069): int(max_concurrency * max_model_len)
};

/// CUDA-graph capture size schedule (vllm/config/vllm.py `_set_cudagraph_sizes`).
enum class CaptureSchedule {
    v0_to_seqs,       ///< V0: [1,2,4] + 8·i up to max_num_seqs padded to 8 (decode-only full graphs)
    fixed_512,        ///< ≤ v0.9.x: [1,2,4] + range(8, 513, 8)
    step8_to_2s,      ///< v0.10.x (#20628): [1,2,4] + range(8, min(2S,512)+1, 8)
    step8_then_16,    ///< ≥ v0.11.1 (#26016): [1,2,4] + range(8,256,8) + range(256, max+1, 16), capped at B
};

/// Which architectures Model Runner V2 (`vllm/v1/worker/gpu/model_runner.py`) runs by default
/// (`VllmConfig._is_default_v2_model_runner_model`, addendum 2 §14.1).
enum class Mrv2Default {
    none,                 ///< ≤ 0.21: opt-in only (VLLM_USE_V2_MODEL_RUNNER=1)
    qwen3,                ///< 0.22 (#39337): Qwen3ForCausalLM, not MoE, not quantized
    qwen3_llama_mistral,  ///< 0.23 (#43458): + LlamaForCausalLM, MistralForCausalLM
    listed,               ///< 0.24: Qwen3, Llama, Mistral, DeepseekV2, Qwen2Moe, GraniteMoe; quantized allowed
    dense,                ///< 0.25+ (#44443): every generative model not MoE, not hybrid, plus the listed MoE
};

/// Rules of one vLLM era, all the planner needs to know about the version.
struct EraRules {
    VllmVersion version;
    Engine engine = Engine::v1;
    bool extrapolated = false;            ///< newer than k_newest_modelled
    BudgetRule budget_rule = BudgetRule::per_instance;
    BatchDefaults batch_defaults = BatchDefaults::v1_by_size_no_a100;
    /// V0 chunked prefill, switched on automatically above 32K tokens since #6666 (≈v0.5.3); its
    /// token budget was 512 (v0.4.2–0.6.4) and 2048 from #10544 (≈v0.6.5). 0 = not available (< 0.4.2).
    std::uint64_t v0_chunked_prefill_tokens = 0;
    bool v0_chunked_prefill_auto = false;
    /// V1 ≥ 0.9.1 (#18974): start-up fails unless free memory ≥ T·u.
    bool free_memory_check = true;
    /// V0 MLA caches the compressed latent since ≈v0.7.1; earlier DeepSeek ran with full K/V heads.
    bool mla_latent_cache = true;
    /// CUDA graphs exist (V0 since v0.2.6, #1926).
    bool cuda_graphs_supported = true;
    /// Log wording of the KV-too-small error: "GiB" since #15807 (≈v0.8.3), the estimated
    /// max-length hint since #16168 (≈v0.8.4).
    bool kv_error_gib = true;
    bool kv_error_length_hint = true;
    /// `--kv-cache-memory-bytes` exists: V1 from #21489 (≈v0.10.2).
    bool kv_cache_memory_bytes_flag = true;
    /// vLLM 0.10.2's sampler costs more per (row x vocabulary entry) (docs/calibration.md).
    bool sampler_0_10_2 = false;
    /// The activation fit (v0.19, H100 sweep) covers this era (V1 ≥ 0.11); older eras get wider error bars.
    bool within_activation_fit = true;
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
    /// Hybrid (Mamba / linear-attention) models get prefix caching by default, hence
    /// mamba_cache_mode "align" (2 state pages per request), from #50991 (v0.28).
    bool hybrid_prefix_caching_default = false;

    // ---- vLLM 0.22–0.32 (reference/vllm-memory-model-2.md, "addendum 2") ----
    /// Which models run on Model Runner V2 by default (§14.1).
    Mrv2Default mrv2_default = Mrv2Default::none;
    /// MRv2 reserves its CUDA-graph memory in the budget (#53306, ≈0.29, not source-verified, §14.5);
    /// before, its `profile_cudagraph_memory` returns 0 and the graphs are captured outside (§13.4).
    bool mrv2_graphs_in_budget = false;
    /// Non-KV = device-wide free-memory drop + (torch peak − torch allocated after) (#49208; in the
    /// 0.27 release per the correction at the top of addendum 2, §13.3): persistent buffers such as
    /// MRv2's penalty table are charged.
    bool non_kv_total_consumed = false;
    /// Sliding-window layers reserve max_concurrent_batches × B in-flight tokens per request
    /// (#47728, 0.26, §16.2); before, B.
    bool swa_in_flight_batches = false;
    /// The KV-too-small check, its estimate and auto-fit hold back one pool block for the null
    /// block (#47272, merged 2026-08-20, in C28 = the 0.28 proxy, §16.6).
    bool null_block_reserved = false;
    /// Error texts gain "(this flag also controls CPU memory …)" and "model's" (#42479, 0.22, §16.6).
    bool error_texts_0_22 = false;
    /// `vllm serve` on GPUs of ≥ 160 GiB defaults to max_num_batched_tokens 16384 (#51726, 0.28, §15.1).
    bool large_card_serve_16k = false;
    /// Largest CUDA-graph capture size 1024 on SM100-family GPUs (#49390, 0.28, §14.3).
    bool sm100_capture_1024 = false;
    /// MRv2's sampler copies the logits to float32 before sampling (vllm/v1/worker/gpu/sample/
    /// sampler.py:158-159 @C27); #48641 removed the copy in 0.26.0 only (reverted 1134545b6f, §15.3).
    bool mrv2_sampler_fp32_copy = true;
    /// The era's rules were read from vLLM's source (≤ 0.28); 0.29+ come from threads and logs.
    bool source_verified = true;
};

/// The engine a release runs by default: V1 from v0.8.0, V0 before.
Engine default_engine(VllmVersion v);

/// Whether `v` falls back from V1 to V0 on a card of compute capability `compute_major`.x
/// (0: unknown, no fallback): 0.8.0 up to k_v1_pre_ampere on capability < 8.0.
bool v1_falls_back_to_v0(VllmVersion v, int compute_major);

/// The engine `v` runs on a card of compute capability `compute_major`.x: default_engine, but V0
/// where v1_falls_back_to_v0.
Engine default_engine(VllmVersion v, int compute_major);

/// Why `engine` cannot run under `v` ("" when it can): V1 did not exist before v0.6.5, V0 was
/// removed in v0.11.0.
std::string engine_unavailable(VllmVersion v, Engine engine);

/// The rules of `v` with `engine`. Versions older than k_oldest_modelled, and engines the release
/// does not have, are rejected by the caller (`engine_unavailable`).
EraRules rules_for(VllmVersion v, Engine engine);
EraRules rules_for(VllmVersion v);

/// A one-line name of the era: "V1 0.9.1–0.20 (per instance, free-memory check)".
std::string era_name(const EraRules& era);

} // namespace vramplan

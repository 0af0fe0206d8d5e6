#pragma once
/// The terms vLLM measures at startup rather than computes: the activation peak of the profile
/// run, non-torch memory, CUDA-graph memory and the CUDA context. They are estimated from what
/// drives them and calibrated on real startup logs (docs/calibration.md has the fit and residuals).

#include <vramplan/bytes.hpp>
#include <vramplan/model.hpp>
#include <vramplan/version.hpp>

#include <cstdint>
#include <vector>

namespace vramplan {

/// Calibration constants. Each names the records it was fitted on.
namespace calib {
/// Constant part of the profile-run peak: least-squares intercept over the 8 dense v0.19.0 H100
/// records of vllm-logs-dev.jsonl (#28 #29 #30 #32 #40 #42 #46 #56), 0.0711 GiB.
inline constexpr Bytes k_activation_base = 76'330'000;
/// Sampler peak per (request x vocabulary entry), same fit: 14.41 bytes. Logits in the model dtype,
/// their float32 copy, probabilities and the top-k/top-p sort buffers, for min(S, B) rows.
inline constexpr double k_sampler_bytes_per_row_vocab = 14.41;
/// vLLM 0.10.2's sampler costs more per (row x vocab): 37.0 bytes, fitted on vllm-logs-2#66
/// (Phi-4-mini, T4, logged peak activation 1.84 GiB); the Unsloth-patched vllm-logs-2#59 (L4,
/// 0.10.2, 1.23 GiB) implies the same extra 22 bytes, while 0.10.1 (-2#0) and 0.11.0 (-2#13)
/// sit on the v0.19 slope. Thin evidence: one unpatched record (docs/calibration.md).
inline constexpr double k_sampler_bytes_per_row_vocab_0_10_2 = 37.0;
/// Fused-MoE workspace: vLLM's Triton fused_moe keeps its intermediate caches (top_k copies of the
/// gate/up output, the activated half and the down output: top_k x (3 x I/tp + hidden) elements per
/// token) allocated after the forward pass, so the sampler's peak stacks on them. Summing them
/// instead of taking the larger fits spec §6.2's v0.19 H100 MoE sweep (Qwen3-30B-A3B 2.68 logged,
/// 2.82 predicted; DeepSeek-V2-Lite 1.93 / 2.05; Mixtral TP2 1.21 / 1.29; Kimi-VL 2.92 / 2.89) and
/// vllm-logs#55 (Qwen1.5-MoE 2.47 / 2.54) and #36 (Llama-4-Scout TP4 3.19 / 3.10), where taking
/// the larger under-estimated by 0.1–0.6 GiB. MXFP4 experts (gpt-oss) run other kernels without
/// the cached workspace (vllm-logs#41: 2.87 logged, matched without it).
inline constexpr bool k_moe_workspace_persists = true;
/// Forward-pass peak per token, in model-dtype elements: the gate/up output (2 x I), the activated
/// half (I) and about four hidden-size buffers (residual, normed input, attention output, MLP output).
/// Checked out of sample on CodeLlama-7b (vllm-logs#47: 0.77 logged, 0.82 predicted).
inline constexpr std::uint64_t k_forward_intermediate_factor = 3;
inline constexpr std::uint64_t k_forward_hidden_factor = 4;
/// Non-torch memory at TP=1 on the last (sampling) stage: 0.25 GiB on Hopper with vLLM ≥ 0.11
/// (v0.19.0 H100 sweep: #32 #38 #46 #47 #55 #56, 0.24–0.26 GiB); 0.02 GiB on pre-Hopper cards with
/// vLLM < 0.11 (#59 L4 0.02, #66 T4 0.01, v0.10.2). The two untested corners use the midpoint.
inline constexpr Bytes k_non_torch_hopper_new = 268'435'456;   // 0.25 GiB
inline constexpr Bytes k_non_torch_old = 21'474'836;           // 0.02 GiB
inline constexpr Bytes k_non_torch_mixed = 144'955'146;        // midpoint, 0.135 GiB
/// Non-torch memory with tensor parallelism (custom all-reduce / NCCL buffers):
/// 2.0 GiB + 0.05 GiB per rank fits #28 #39 #41 #42 (TP2: 2.07–2.10) and #29 #36 #40 (TP4: 2.17–2.21).
inline constexpr Bytes k_non_torch_tp_base = 2'147'483'648;    // 2.0 GiB
inline constexpr Bytes k_non_torch_tp_per_rank = 53'687'091;   // 0.05 GiB
/// Before Hopper the same term is smaller: 0.86 GiB implied by vllm-logs-2#4 (A100-40GB TP2,
/// v0.10.1) and vllm-logs-2#49 (L40S TP2, v0.16.0) after subtracting the weights (logged) and the
/// activation estimate from the logged budget.
inline constexpr Bytes k_non_torch_tp_pre_hopper = 923'417'968; // 0.86 GiB
/// Non-torch memory on a pipeline stage that does not sample: 0.07 GiB (#34, PP=2 rank 0).
inline constexpr Bytes k_non_torch_pp_stage = 75'161'928;
/// CUDA-graph memory per (capture size x graph piece): vLLM v0.19 estimates 0.84 GiB for
/// Llama-3.1-8B (51 sizes x 33 pieces), 0.54 GiB for its PP=2 stage, 0.80 GiB fp32, 1.09 GiB for
/// Llama-4-Scout TP4 (#32 #34 #51 #36): 0.51 MiB each.
inline constexpr Bytes k_graph_bytes_per_piece = 534'773;
/// CUDA-graph memory per (capture size x (layers + 1)) in V0, whose decode graphs capture the whole
/// model: median over the ten V0 records that log "Graph capturing finished … took X GiB"
/// (vllm-logs-2#7 #17 #18 #22 #28 #50 #51 #53 #57 #61 #63: 0.22–1.05 MiB), 0.66 MiB.
inline constexpr Bytes k_graph_bytes_per_piece_v0 = 692'060;
/// NCCL communicator memory on Hopper with tensor parallelism, allocated at NCCL init. Before
/// v0.11 (#25359) init ran after vLLM's baseline snapshot, so it landed in "non-torch" on top of
/// the v0.19 TP fit: the two pre-0.11 Hopper TP records (vllm-logs#3 TP4, vllm-logs-2#12 TP8, both
/// Qwen3-235B-FP8 with logged or matched weights) need 2.96 and 2.67 GiB beyond that fit and the
/// activation estimate (fused-MoE workspace included); mean 2.81 GiB. Since v0.11 init precedes the snapshot and the memory is outside the budget; the
/// v0.19 TP records that start at u = 0.95 (#28 #29 #36 #40) bound it there by 1.8 GiB (what the
/// card had left next to the logged graphs), and NCCL's lazy connection setup moves what remains
/// into the profile run's non-torch increase, so no separate outside term is charged.
inline constexpr Bytes k_nccl_init_hopper_pre_0_11 = 3'017'212'559;   // 2.81 GiB
/// CUDA context and allocator state that exist before vLLM's baseline snapshot: H100, torch
/// 2.11, driver 580: total 79.18 GiB, idle free 78.66 GiB (reference specs.md, measured).
inline constexpr Bytes k_cuda_context = 558'345'748;           // 0.52 GiB
/// Error bars (half-widths) of the estimates, from the residuals over vllm-logs-dev.jsonl
/// (docs/calibration.md, "Error bars"). Weights: the largest residual over 22 records is 1.0 %.
inline constexpr double k_err_weights = 0.01;
/// With the exact checkpoint size only vLLM's own buffers remain: 0.3 %.
inline constexpr double k_err_weights_checkpoint = 0.003;
/// Activation: 0.12 GiB (the spec §6.2 fit bound over the v0.19 dense sweep) + 5 %.
inline constexpr Bytes k_err_activation_base = 128'849'019;
inline constexpr double k_err_activation_rel = 0.05;
/// MoE and multimodal models: the residuals reach −0.3 GiB (#36 #39 #55, spec §6.2).
inline constexpr Bytes k_err_activation_moe_vision = 322'122'547;
/// Eras and cards outside the v0.19 fit (V0, V1 < 0.11, pre-Ampere): ±1.1 GiB, the largest
/// unexplained activation residual (vllm-logs-2#66 T4 +1.1, -2#63 V100 +0.8, -2#53 +0.4 GiB).
inline constexpr Bytes k_err_activation_old = 1'181'116'006;
/// Non-torch: ±0.05 GiB at TP 1 (0.24–0.27 logged), ±0.3 GiB with TP (2.07–2.21 Hopper, 0.86 fit
/// pre-Hopper, NCCL init before v0.11).
inline constexpr Bytes k_err_non_torch = 53'687'091;
inline constexpr Bytes k_err_non_torch_tp = 322'122'547;
/// CUDA graphs: logged captures range 0.7–2× the per-piece estimate (spec §7.2).
inline constexpr double k_err_graphs_rel = 0.5;
/// A term read from a log printed with two decimals in GiB: ±0.005 GiB.
inline constexpr Bytes k_err_log_rounding = 5'368'709;
/// CUDA context in the global eras: 0.1–0.5 GiB depending on torch and lazy loading.
inline constexpr Bytes k_err_cuda_context = 429'496'730;
} // namespace calib

/// What the estimates need to know about the worker.
struct WorkerShape {
    std::uint32_t tp = 1;
    std::uint32_t pp = 1;
    std::uint32_t pp_rank = 0;
    std::uint32_t dtype_bytes = 2;
    std::uint64_t max_num_seqs = 256;
    std::uint64_t max_num_batched_tokens = 2048;
    int compute_major = 8;
    bool mrv2 = false;   ///< Model Runner V2 (its own sampler, addendum 2 §15.3)
};

/// Breakdown of the activation estimate, for --explain.
struct ActivationEstimate {
    Bytes forward = 0;  ///< forward-pass peak over the profile batch
    Bytes sampler = 0;  ///< logits + sampler peak (last stage), including the kept hidden states
    Bytes moe_workspace = 0; ///< fused-MoE intermediate caches that stay allocated after the forward
    Bytes encoder = 0;       ///< multimodal encoder on the profile's dummy items (addendum 3 §23.2; set by the planner)
    Bytes encoder_cache = 0; ///< their outputs kept in the encoder cache while the LM batch runs
    Bytes total = 0;    ///< base + max(forward, sampler + moe_workspace); with an encoder max(base + encoder, that + encoder_cache)
    double sampler_slope = 0.0; ///< bytes per (row x vocabulary entry) used for the era
};

/// `torch peak memory increase` of the profile run (spec §6).
ActivationEstimate estimate_activation(const ModelSpec& model, const WorkerShape& w, const EraRules& era);

/// `non-torch forward increase memory` (spec §6.2), NCCL init excluded (see estimate_nccl_init).
Bytes estimate_non_torch(const WorkerShape& w, const EraRules& era);

/// NCCL init memory charged to non-torch before v0.11 (0 without tensor parallelism, and on
/// pre-Hopper cards, where the TP non-torch fit already holds it).
Bytes estimate_nccl_init(const WorkerShape& w, const EraRules& era);

/// CUDA-graph capture sizes for the era (spec §7.1), given S and B; `sm100` for Blackwell
/// datacenter GPUs (compute capability 10.x), whose largest size is 1024 from 0.28 (addendum 2 §14.3).
std::vector<std::uint64_t> capture_sizes(const EraRules& era, std::uint64_t max_num_seqs, std::uint64_t max_num_batched_tokens,
                                         bool sm100 = false);

/// Graph memory per (capture size x piece) of the era's engine.
Bytes graph_bytes_per_piece(const EraRules& era);

/// Estimated CUDA-graph memory of one worker holding `layers` layers (spec §7.2): V1 piecewise
/// graphs split at every attention layer, V0 full decode graphs.
Bytes estimate_cuda_graphs(const EraRules& era, std::uint64_t layers, std::uint64_t max_num_seqs,
                           std::uint64_t max_num_batched_tokens);
/// The same for a known number of capture sizes (`capture_sizes(...).size()`).
Bytes cuda_graph_bytes(const EraRules& era, std::uint64_t layers, std::uint64_t capture_sizes);

} // namespace vramplan

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
/// CUDA context and allocator state that exist before vLLM's baseline snapshot: H100, torch
/// 2.11, driver 580: total 79.18 GiB, idle free 78.66 GiB (reference specs.md, measured).
inline constexpr Bytes k_cuda_context = 558'345'748;           // 0.52 GiB
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
};

/// Breakdown of the activation estimate, for --explain.
struct ActivationEstimate {
    Bytes forward = 0;  ///< forward-pass peak over the profile batch
    Bytes sampler = 0;  ///< logits + sampler peak (last stage), including the kept hidden states
    Bytes total = 0;    ///< base + max(forward, sampler)
};

/// `torch peak memory increase` of the profile run (spec §6).
ActivationEstimate estimate_activation(const ModelSpec& model, const WorkerShape& w);

/// `non-torch forward increase memory` (spec §6.2).
Bytes estimate_non_torch(const WorkerShape& w, const EraRules& era);

/// CUDA-graph capture sizes for the era (spec §7.1), given S and B.
std::vector<std::uint64_t> capture_sizes(const EraRules& era, std::uint64_t max_num_seqs, std::uint64_t max_num_batched_tokens);

/// Estimated CUDA-graph memory of one worker holding `layers` layers (spec §7.2).
Bytes estimate_cuda_graphs(const EraRules& era, std::uint64_t layers, std::uint64_t max_num_seqs,
                           std::uint64_t max_num_batched_tokens);

} // namespace vramplan

#pragma once
/// Which of vLLM V1's two model runners a model runs on: the V1 runner
/// (`vllm/v1/worker/gpu_model_runner.py`) or Model Runner V2 (`vllm/v1/worker/gpu/model_runner.py`).
/// The choice decides whether the CUDA-graph estimate exists (addendum 2 §13.4, §14.1) and which
/// persistent buffers the budget charges (§13.3).

#include <vramplan/bytes.hpp>
#include <vramplan/estimates.hpp>
#include <vramplan/model.hpp>
#include <vramplan/version.hpp>

#include <cstdint>
#include <string>

namespace vramplan {

enum class ModelRunner {
    v1,  ///< GPUModelRunner: estimates its CUDA graphs (two-sample extrapolation, §14.2)
    v2,  ///< Model Runner V2: returns 0 for the graph estimate until ≈0.29 (§13.4, §14.5)
};

struct RunnerChoice {
    ModelRunner runner = ModelRunner::v1;
    std::string reason;   ///< why, with the pull request that decides it
};

/// `VllmConfig.use_v2_model_runner` for a generative model with VLLM_USE_V2_MODEL_RUNNER unset and
/// no feature MRv2 lacks (vllm/config/vllm.py:615-700 @main 2026-08-17).
RunnerChoice choose_model_runner(const ModelSpec& model, const EraRules& era);

/// MRv2's persistent sampler state on the GPU (vllm/v1/worker/gpu/sample/penalties.py:31-41
/// @main): `output_bin_counts` int32 [S, V] and `prompt_bin_mask` int32 [S, ceil(V/32)]:
/// S·V·4 + S·ceil(V/32)·4 bytes (addendum 2 §13.3: 0.489 GiB for S 1024 and Llama-3's vocabulary).
Bytes mrv2_penalty_buffers(std::uint64_t max_num_seqs, std::uint64_t vocab_size);

/// What Model Runner V2 keeps allocated on one pipeline stage from model load on: the sampler's
/// penalty buffers on the last stage only (`Sampler` is built `if self.is_last_pp_rank`,
/// vllm/v1/worker/gpu/model_runner.py:351-356 @C27), and on every stage but the first the
/// intermediate tensors it receives into, hidden states and residual of max_num_batched_tokens
/// rows in the model dtype (`make_empty_intermediate_tensors`, model_runner.py:390-399 @C27).
Bytes mrv2_persistent_buffers(const ModelSpec& model, const WorkerShape& stage, std::uint64_t max_num_seqs,
                              std::uint64_t max_num_batched_tokens);

} // namespace vramplan

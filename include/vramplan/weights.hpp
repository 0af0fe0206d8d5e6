#pragma once
/// Weight memory per GPU: what vLLM logs as "Model loading took X GiB".
///
/// vLLM measures the net torch allocation after `load_model` and `process_weights_after_loading`
/// (reference spec §8). We predict it as the sum, over the parameters resident on one worker, of
/// their stored bytes: tensor-parallel shards of the linears and of the vocabulary-padded embedding,
/// replicated norms and KV projections when there are fewer KV heads than ranks, quantized packing
/// and scales, the RoPE cos/sin cache, and MLA's absorbed copies of `kv_b_proj`.

#include <vramplan/bytes.hpp>
#include <vramplan/model.hpp>
#include <vramplan/parallel.hpp>

#include <cstdint>
#include <utility>
#include <vector>

namespace vramplan {

/// Layers [first, last) held by pipeline stage `rank` of `size`, as vLLM's `get_pp_indices`
/// (vllm/distributed/utils.py) splits them: equal shares, the remainder going to the stages just
/// before the last one.
std::pair<std::uint64_t, std::uint64_t> pp_layer_range(std::uint64_t num_layers, std::uint32_t rank, std::uint32_t size);

/// vLLM pads the vocabulary to a multiple of 64 (`DEFAULT_VOCAB_PADDING_SIZE`,
/// vllm/model_executor/layers/vocab_parallel_embedding.py) before splitting it over TP ranks.
inline constexpr std::uint64_t k_vocab_padding = 64;

/// Where one worker's weight bytes go.
struct WeightBreakdown {
    Bytes embedding = 0;     ///< token (and learned position) embeddings
    Bytes attention = 0;     ///< attention projections, biases, q/k norms, sinks
    Bytes mlp = 0;           ///< dense MLPs, experts, routers, shared experts
    Bytes norms = 0;         ///< layer norms and the final norm
    Bytes lm_head = 0;       ///< untied output projection
    Bytes rope_cache = 0;    ///< cos/sin caches
    Bytes mla_absorbed = 0;  ///< W_UK / W_UV copies built after loading (MLA only)
    Bytes vision = 0;        ///< vision encoder and projector
    Bytes lora = 0;          ///< LoRA adapter slots allocated at load (lora.hpp; set by the planner)
    /// Decoder-layer parameters moved to pinned host memory by --cpu-offload-gb or the prefetch
    /// offloader (offload.hpp; set by the planner): subtracted from the total (addendum 3 §24.1).
    Bytes cpu_offloaded = 0;
    Bytes prefetch_buffers = 0; ///< the prefetch offloader's static GPU pool (offload.hpp)
    Bytes draft = 0;         ///< speculative drafter's non-shared weights (speculative.hpp; set by the planner)
    Bytes eplb = 0;          ///< EPLB's expert buffer and load window (addendum 3 §22.3; set by the planner)
    [[nodiscard]] Bytes total() const;
};

/// Weight bytes held by one worker (all TP ranks of a stage hold the same amount).
/// `dtype_bytes` is the size of the model dtype (2 for bf16/fp16, 4 for fp32).
WeightBreakdown estimate_weights(const ModelSpec& model, std::uint32_t dtype_bytes, std::uint32_t tp,
                                 std::uint32_t pp, std::uint32_t pp_rank);

/// The same with the routed experts laid out as `experts` says (DP and EP, addendum 3 §22.1-22.3):
/// each expert's width split over `experts.moe_tp` ranks, `experts.local_experts` of them per GPU.
/// Attention, shared experts, dense MLPs, routers and embeddings are split over `tp` only.
WeightBreakdown estimate_weights(const ModelSpec& model, std::uint32_t dtype_bytes, std::uint32_t tp, std::uint32_t pp,
                                 std::uint32_t pp_rank, const ExpertSharding& experts);

/// Bytes of one MoE layer's routed experts on one GPU under `experts` (EPLB's expert_buffer is
/// one such layer, addendum 3 §22.3). Zero for a dense model.
Bytes routed_experts_layer_bytes(const ModelSpec& model, std::uint32_t dtype_bytes, const ExpertSharding& experts);

/// How far the weights of one worker may be from `estimate_weights` because the checkpoint's
/// quantization_config leaves the layout open (QuantSpec::unsure_ignore, unsure_zero_point): the
/// byte difference to the other reading of each missing key (attention projections in the model
/// dtype; zero points present or not). Zero when the config is complete.
Bytes quant_layout_uncertainty(const ModelSpec& model, std::uint32_t dtype_bytes, std::uint32_t tp, std::uint32_t pp,
                               std::uint32_t pp_rank);

/// Decoder layer `layer`'s parameters on one GPU in module order (attention, MLP, norms), one
/// entry per linear (with its scales and bias); MLA, linear-attention and MoE blocks are one entry
/// each. What the offloaders walk (offload.hpp); sums to the layer's share of estimate_weights
/// under the same expert layout (`experts`: DP / EP, addendum 3 §22.1).
std::vector<Bytes> layer_parameter_bytes(const ModelSpec& model, std::size_t layer, std::uint32_t dtype_bytes, std::uint32_t tp,
                                         const ExpertSharding& experts);

/// Unsharded parameter count of the language model (embeddings once when tied).
std::uint64_t count_parameters(const ModelSpec& model);

} // namespace vramplan

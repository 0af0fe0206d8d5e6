#pragma once
/// KV-cache geometry: page sizes, grouping of layer types, blocks, tokens and concurrency, exactly
/// as vLLM V1 computes them (vllm/v1/kv_cache_interface.py, vllm/v1/core/kv_cache_utils.py).

#include <vramplan/bytes.hpp>
#include <vramplan/kv_dtype.hpp>
#include <vramplan/model.hpp>
#include <vramplan/version.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vramplan {

/// One kind of KV layer (a vLLM `KVCacheSpec` shared by several layers).
struct KvLayerType {
    LayerAttention attention = LayerAttention::full;
    std::uint64_t window = 0;      ///< sliding window (sliding layers)
    std::uint64_t layers = 0;      ///< layers of this type in the whole model
    std::uint64_t page_bytes = 0;  ///< bytes of one block of one layer
    std::uint64_t token_bytes = 0; ///< bytes of one token of one layer on one GPU (before unification)
    /// Tokens per block of this type: the geometry's block size, or a multiple of it when vLLM
    /// raised it so the page matches the largest page (`unify_kv_cache_spec_page_size`).
    std::uint64_t block_size = 0;
};

/// How the KV cache of a model is laid out on each worker.
struct KvGeometry {
    std::uint64_t block_size = 16;          ///< tokens per block
    std::string block_size_reason;          ///< "default", "--block-size", "FlashMLA backend", …
    std::uint64_t element_bytes = 2;        ///< bytes per cached element (ignored for fp8_ds_mla)
    std::vector<KvLayerType> types;         ///< distinct layer specs, in model order of first use
    std::vector<std::size_t> layer_type;    ///< per model layer: index into `types` (types.size(): no KV, shared)
    bool hybrid = false;                    ///< more than one type, hybrid KV manager on
    std::uint64_t group_size = 0;           ///< layers per KV-cache group (hybrid), else all layers
    std::uint64_t num_groups = 1;           ///< KV-cache groups
    std::uint64_t bytes_per_token = 0;      ///< summed over the layers of the whole model, per GPU
};

/// Inputs that decide the geometry.
struct KvOptions {
    std::uint32_t tp = 1;
    std::uint64_t element_bytes = 2;        ///< 2 (bf16/fp16), 1 (fp8 variants), 4 (fp32)
    KvQuantMode quant_mode = KvQuantMode::none; ///< packed/scaled formats (per-token-head, nvfp4)
    bool fp8_ds_mla = false;                ///< DeepSeek-V3.2 656-byte latent format
    std::uint64_t block_size = 16;
    std::string block_size_reason = "default";
    double hybrid_group_ratio = 0.0;        ///< EraRules::hybrid_group_ratio
};

/// Builds the geometry of `model` (all layers, before splitting over pipeline stages).
KvGeometry kv_geometry(const ModelSpec& model, const KvOptions& options);

/// Tokens per block of `type` (its own block size, else the geometry's).
std::uint64_t type_block_size(const KvGeometry& g, const KvLayerType& type);

/// Bytes one layer of `type` needs for one request of `max_model_len` tokens with
/// `max_num_batched_tokens` (`KVCacheSpec.max_memory_usage_bytes`).
Bytes layer_request_bytes(const KvLayerType& type, std::uint64_t block_size, std::uint64_t max_model_len,
                          std::uint64_t max_num_batched_tokens);

/// The layers of each type held by one pipeline stage.
std::vector<std::uint64_t> stage_layer_counts(const ModelSpec& model, const KvGeometry& g, std::uint32_t pp,
                                              std::uint32_t pp_rank);

/// Blocks one worker can hold with `available` bytes (`get_num_blocks` /
/// `get_kv_cache_config_from_groups`). Zero when available ≤ 0.
std::uint64_t worker_num_blocks(const KvGeometry& g, const std::vector<std::uint64_t>& stage_counts, SignedBytes available);

/// Bytes of KV memory one block costs on one worker: `worker_num_blocks` is
/// `available // worker_block_bytes` (0 when the worker holds no KV layers).
Bytes worker_block_bytes(const KvGeometry& g, const std::vector<std::uint64_t>& stage_counts);

/// KV bytes one request of `max_model_len` needs on one worker (`max_memory_usage_bytes`, the
/// quantity `check_enough_kv_cache_memory` compares with the available memory).
Bytes worker_request_bytes(const KvGeometry& g, const std::vector<std::uint64_t>& stage_counts,
                           std::uint64_t max_model_len, std::uint64_t max_num_batched_tokens);

/// vLLM's `estimate_max_model_len`: the largest length ≤ max_model_len whose request fits in
/// `available` (binary search, as vLLM does). Zero when not even one token fits.
std::uint64_t estimate_max_model_len(const KvGeometry& g, const std::vector<std::uint64_t>& stage_counts,
                                     SignedBytes available, std::uint64_t max_model_len,
                                     std::uint64_t max_num_batched_tokens);

/// Capacity of the engine once the minimum number of blocks over workers is known.
struct KvCapacity {
    std::uint64_t num_blocks = 0;
    std::uint64_t blocks_per_request = 0;   ///< admission cost of one max-length request, in blocks
    double max_concurrency = 0.0;           ///< num_blocks / blocks_per_request (printed "%.2fx")
    std::uint64_t tokens = 0;               ///< "GPU KV cache size: N tokens"
};

/// `get_max_concurrency_for_kv_cache_config` and the token count vLLM prints.
KvCapacity kv_capacity(const KvGeometry& g, std::uint64_t num_blocks, std::uint64_t max_model_len,
                       std::uint64_t max_num_batched_tokens, TokenRule rule);

} // namespace vramplan

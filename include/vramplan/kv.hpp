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

/// How vLLM keeps the states of recurrent layers for prefix caching (`CacheConfig.mamba_cache_mode`):
/// per request, "none" holds 1 state page, "align" 2, "all" one per block of the context
/// (vllm/v1/kv_cache_interface.py MambaSpec.max_memory_usage_bytes).
enum class MambaCacheMode : std::uint8_t { none, align, all };

/// "none", "align", "all".
std::string mamba_cache_mode_name(MambaCacheMode mode);

/// One kind of KV layer (a vLLM `KVCacheSpec` shared by several layers).
struct KvLayerType {
    LayerAttention attention = LayerAttention::full;
    std::uint64_t window = 0;      ///< sliding window (sliding layers)
    std::uint64_t layers = 0;      ///< layers of this type in the whole model
    std::uint64_t page_bytes = 0;  ///< bytes of one block of one layer (a state page padded to the attention page)
    MambaCacheMode mamba_mode = MambaCacheMode::none; ///< linear layers: state pages per request
    std::uint64_t token_bytes = 0; ///< bytes of one token of one layer on one GPU (before unification)
    /// Tokens per block of this type: the geometry's block size, or a multiple of it when vLLM
    /// raised it so the page matches the largest page (`unify_kv_cache_spec_page_size`).
    std::uint64_t block_size = 0;
    /// Recurrent types with speculative decoding: k extra state pages per request
    /// (MambaSpec.num_speculative_blocks, addendum 3 §21.3).
    std::uint64_t speculative_blocks = 0;
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
    Bytes state_page_bytes = 0;             ///< one recurrent layer's state per request, unpadded (0: none)
    MambaCacheMode mamba_cache_mode = MambaCacheMode::none; ///< hybrids: how states are kept
    /// Non-hybrid with per-type pages (a draft model's layers with another head size):
    /// `UniformTypeKVCacheSpecs`, one group, a block costs the sum of the pages (addendum 3 §21.3).
    bool uniform_type = false;
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
    // Hybrid (recurrent + attention) models.
    std::uint64_t conv_state_bytes = 2;     ///< conv state element: --mamba-cache-dtype (auto: the model dtype)
    std::uint64_t ssm_state_bytes = 2;      ///< temporal state element: --mamba-ssm-cache-dtype, the config's, or conv's
    MambaCacheMode mamba_cache_mode = MambaCacheMode::none;
    /// MLA + Mamba hybrids align the block to a multiple of 128 (#50000, 2026-07-30, v0.27).
    bool mla_hybrid_align_128 = false;
};

/// Bytes of one recurrent layer's state for one request on one GPU: the conv state plus the
/// temporal (SSM) state, each split over TP as vLLM does (MambaStateShapeCalculator in
/// vllm/model_executor/layers/mamba/mamba_utils.py; MambaSpec.page_size_bytes before padding).
Bytes linear_state_page(const LinearAttentionShape& shape, std::uint32_t tp, std::uint64_t conv_bytes, std::uint64_t ssm_bytes);

/// The attention block size vLLM uses for a hybrid model (`Platform._align_hybrid_block_size`,
/// vllm/platforms/interface.py): the smallest aligned size whose attention page covers the state
/// page. `block_size` is the size before alignment (default or --block-size), `chunk_size` the
/// model's Mamba chunk ("all" mode only). Returns `block_size` when it is already large enough.
std::uint64_t hybrid_block_size(Bytes state_page, std::uint64_t attn_token_bytes, std::uint64_t block_size, MambaCacheMode mode,
                                std::uint64_t chunk_size, bool mla_align_128);

/// Builds the geometry of `model` (all layers, before splitting over pipeline stages).
KvGeometry kv_geometry(const ModelSpec& model, const KvOptions& options);

/// Recomputes bytes per token, hybrid, group size and group count after `g.types` changed
/// (get_kv_cache_groups, spec §5.4.3; `ratio` is EraRules::hybrid_group_ratio).
void group_kv_types(KvGeometry& g, double ratio);

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

#pragma once
/// Speculative decoding (`--speculative-config`): the drafter's weights, its KV layers, and the CUDA
/// graph sizes it changes (addendum 3 §21).
///
/// The drafter is loaded inside the target's memory profiler, so vLLM logs its weights as part of
/// "Model loading took" (addendum 3 §21.2); its attention layers join the KV-cache spec, so bytes per
/// token grow and tokens and concurrency drop (§21.3, §21.6). The profile run's peak is unchanged
/// for EAGLE/MTP (§21.4).

#include <vramplan/bytes.hpp>
#include <vramplan/kv.hpp>
#include <vramplan/model.hpp>
#include <vramplan/version.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vramplan {

/// The `method` of a speculative config (addendum 3 §21.1's table).
enum class SpecMethod : std::uint8_t {
    none,           ///< no speculative decoding
    draft_model,    ///< a full draft model (`model` of another family or size)
    eagle,          ///< EAGLE: one decoder layer + fc (2h -> h)
    eagle3,         ///< EAGLE-3: one decoder layer with 2h-wide QKV input + fc (3h -> h) + draft lm_head
    mtp,            ///< the target's own MTP layer(s) (mtp, deepseek_mtp, qwen3_next_mtp, ...)
    medusa,         ///< residual heads + lm_heads, no KV
    mlp_speculator, ///< a small MLP stack, no KV
    ngram,          ///< prompt lookup on the CPU: nothing on the GPU
    suffix,         ///< suffix decoding on the CPU: nothing on the GPU
};

/// The method's name as vLLM writes it ("draft_model", "eagle3", ...).
std::string_view spec_method_name(SpecMethod method);

/// The method vLLM's `SpeculativeConfig` maps `name` to (vllm/config/speculative.py @main: the
/// `*_mtp` names and "mtp" are MTP; "ngram_gpu" is n-gram). nullopt for a name it does not know.
std::optional<SpecMethod> parse_spec_method(std::string_view name);

/// A speculative config as the user wrote it, the draft model resolved by io.
struct SpeculativeConfig {
    SpecMethod method = SpecMethod::none;
    std::string method_label;                   ///< the method as written ("deepseek_mtp")
    std::uint64_t num_speculative_tokens = 0;   ///< k
    std::optional<std::uint32_t> draft_tensor_parallel_size; ///< 1 or TP (default TP)
    std::string model_label;                    ///< `model` as written (draft model, EAGLE head, ...)
    std::optional<ModelSpec> draft;             ///< draft_model: the resolved draft
    std::optional<std::uint64_t> draft_vocab;   ///< EAGLE-3: draft_vocab_size (default k_eagle3_draft_vocab)
    std::uint64_t mtp_layers = 1;               ///< MTP modules (num_nextn_predict_layers)
    [[nodiscard]] bool active() const { return method != SpecMethod::none; }
};

/// The draft vocabulary of the published EAGLE-3 Llama heads (`draft_vocab_size` 32,000), the
/// example addendum 3 §21.2 sizes; used when the config does not name another.
inline constexpr std::uint64_t k_eagle3_draft_vocab = 32000;

/// The draft's KV layers on the GPU that holds them (addendum 3 §21.3).
struct DraftKv {
    std::uint64_t layers = 0;       ///< attention layers the drafter registers
    std::uint64_t token_bytes = 0;  ///< bytes of one token of one draft layer on one GPU
    LayerAttention attention = LayerAttention::full;
};

/// What the drafter costs one worker.
struct SpeculativeCosts {
    Bytes weights = 0;           ///< non-shared draft tensors (in vLLM's weights, §21.2)
    std::uint64_t params = 0;    ///< their parameter count (whole drafter, before TP)
    DraftKv kv;                  ///< draft KV layers (§21.3)
    std::string basis;           ///< how the weights were sized, for --explain
};

/// The drafter's weights and KV layers for a target sharded over `tp`, KV sized with `kv_options`
/// (addendum 3 §21.1-§21.3). Zero for n-gram, suffix and no speculation. Throws OverflowError only
/// for absurd sizes.
SpeculativeCosts speculative_costs(const ModelSpec& target, const SpeculativeConfig& s, std::uint32_t dtype_bytes, std::uint32_t tp,
                                   const KvOptions& kv_options);

/// Adds the draft's KV layers to the target's geometry (addendum 3 §21.3): same spec → the
/// type's layer count grows; same kind with another page on a non-hybrid target →
/// `UniformTypeKVCacheSpecs` (one group, num_blocks = avail // Σ pages); recurrent types keep
/// `k` speculative blocks per request. Returns the index of the type that holds the draft layers
/// (g.types.size() when none were added).
std::size_t add_draft_kv_layers(KvGeometry& g, const DraftKv& draft, std::uint64_t num_speculative_tokens, double hybrid_group_ratio);

/// The capture sizes with speculation (addendum 3 §21.5; vllm/config/compilation.py:1475-1558
/// @main, #28315): every size rounded up to a multiple of 1 + k, deduplicated, capped at B.
std::vector<std::uint64_t> round_capture_sizes(const std::vector<std::uint64_t>& sizes, std::uint64_t num_speculative_tokens,
                                               std::uint64_t max_num_batched_tokens);

/// One line naming the problem with a speculative config vLLM would reject (missing
/// num_speculative_tokens, draft TP other than 1 or TP, a draft_model on another TP), else "".
std::string validate_speculative(const SpeculativeConfig& s, std::uint32_t tp);

} // namespace vramplan

#pragma once
/// LoRA (`--enable-lora`): the adapter slots vLLM allocates on the GPU at load, and the CUDA-graph
/// cases it captures with them (addendum 3 §20).
///
/// `LRUCacheWorkerLoRAManager.create_lora_manager` runs inside `load_model`'s memory profiler, so
/// the zero-filled A/B stacks of every `*WithLoRA` wrapper are part of the weights vLLM logs
/// ("Model loading took", addendum 3 §20.1; vllm/v1/worker/lora_model_runner_mixin.py,
/// vllm/lora/model_manager.py). The profile run's activation peak moves by < 1 % (§20.4), so it is
/// left as without LoRA.

#include <vramplan/bytes.hpp>
#include <vramplan/model.hpp>
#include <vramplan/version.hpp>

#include <cstdint>

namespace vramplan {

/// vLLM's LoRA defaults (vllm/config/lora.py:35-37 @main): one slot of rank 16.
inline constexpr std::uint64_t k_default_max_loras = 1;
inline constexpr std::uint64_t k_default_max_lora_rank = 16;

/// What one worker allocates for LoRA, in bytes.
struct LoraStacks {
    Bytes attention = 0;  ///< qkv_proj and o_proj A/B stacks of the stage's layers
    Bytes mlp = 0;        ///< gate_up/down (dense, shared experts) and FusedMoE expert stacks
    Bytes embedding = 0;  ///< embed_tokens and logits stacks (architectures with embedding_modules)
    Bytes metadata = 0;   ///< Punica's token mappings (and the TP vocab map)
    std::uint64_t skipped_layers = 0; ///< MLA or recurrent layers whose stacks are not modelled
    [[nodiscard]] Bytes total() const;
};

/// The LoRA settings of one plan, after vLLM's defaults.
struct LoraSetup {
    std::uint64_t max_loras = k_default_max_loras;   ///< m: GPU slots
    std::uint64_t rank = k_default_max_lora_rank;    ///< r: --max-lora-rank
    std::uint32_t dtype_bytes = 2;                   ///< --lora-dtype (auto: the model dtype)
    std::uint32_t tp = 1;
    bool fully_sharded = false;                      ///< --fully-sharded-loras
};

/// Whether vLLM wraps the model's `embed_tokens` and logits with LoRA in release `v`: the
/// architectures whose model class lists `embedding_modules` (addendum 3 §20.2; the Qwen3 family
/// from ≈0.16, #29816).
bool lora_wraps_embeddings(const ModelSpec& model, VllmVersion v);

/// The LoRA stacks of the worker holding layers [first_layer, end_layer) of a stage; `first`
/// and `last` say whether it holds the embedding and the logits; `batched_tokens` is B. Element
/// counts per addendum 3 §20.1's table, TP per §20.3. Throws OverflowError only for absurd sizes.
LoraStacks estimate_lora_stacks(const ModelSpec& model, const LoraSetup& setup, std::uint64_t first_layer,
                                std::uint64_t end_layer, bool first, bool last, bool embeddings,
                                std::uint64_t batched_tokens);

/// How many LoRA cases vLLM captures per CUDA-graph size (addendum 3 §20.5): 1 before 0.11.1
/// (one set, captured with LoRA active), 2 from 0.11.1 (`cudagraph_specialize_lora`: no-LoRA
/// and max_loras + 1 active).
std::uint64_t lora_graph_cases(VllmVersion v);

/// Whether `rank` is one vLLM accepts in release `v` (vllm/config/lora.py:27 @main; 1 from
/// 0.11.1, #26461).
bool valid_lora_rank(std::uint64_t rank, VllmVersion v);

} // namespace vramplan

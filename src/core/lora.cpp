#include <vramplan/lora.hpp>

#include <algorithm>
#include <array>
#include <string_view>

namespace vramplan {

namespace {

/// Model types whose vLLM model class lists `embed_tokens` and `lm_head` in `embedding_modules`
/// (addendum 3 §20.2, read at C28): these get VocabParallelEmbeddingWithLoRA and
/// LogitsProcessorWithLoRA. Qwen2/2.5, Mistral (`mistral.py:232` sets `{}`), Gemma, DeepSeek and
/// gpt-oss have none.
constexpr auto k_embedding_lora_types = std::to_array<std::string_view>({
    "apertus", "exaone", "exaone4", "exaone_moe", "falcon_h1", "granite", "granitemoe", "granitemoehybrid",
    "granitemoeshared", "hyperclovax", "jais2", "jamba", "lfm2", "lfm2_moe", "llama", "minicpm", "mixtral",
    "nemotron", "nemotron_h", "nemotron-nas", "param2moe", "phimoe", "solar",
});
/// The Qwen3 family gained embedding LoRA in #29816 (2026-02-06, ≈0.16; addendum 3 §20.2).
constexpr auto k_qwen3_embedding_lora_types = std::to_array<std::string_view>({"qwen3", "qwen3_moe", "qwen3_5", "qwen3_5_moe"});
constexpr VllmVersion k_qwen3_embedding_lora_since{0, 16, 0};

/// `max_lora_rank`'s Literal (vllm/config/lora.py:27 @main); 1 from #26461 (≈0.11.1).
constexpr auto k_lora_ranks = std::to_array<std::uint64_t>({1, 8, 16, 32, 64, 128, 256, 320, 512});
constexpr VllmVersion k_rank_one_since{0, 11, 1};

/// cudagraph_specialize_lora (default True, vllm/config/compilation.py:660 @C28) captures every
/// size with and without LoRA from #25914 (≈0.11.1; addendum 3 §20.5).
constexpr VllmVersion k_specialize_lora_since{0, 11, 1};

/// Punica metadata per batched token: 5·B int64 + 2·(2·B) int32 (PunicaWrapperBase.__init__,
/// lora/punica_wrapper/punica_base.py:131-160 @C28; LoRAKernelMeta.make, made twice in
/// punica_gpu.py:41-75 @C28); B rounded up to a multiple of 8 (model_manager.py:112 @C28).
constexpr Bytes k_punica_bytes_per_token = 5 * 8 + 2 * 2 * 4;
constexpr std::uint64_t k_punica_token_alignment = 8;
/// TP > 1: `sharded_to_full_mapping_gpu`, one int64 per vocabulary entry (addendum 3 §20.1).
constexpr Bytes k_vocab_map_bytes_per_entry = 8;

/// Elements per slot per rank unit of one layer's attention stacks (addendum 3 §20.1): merged
/// QKV (3 A slices of r_a × h; B of the local q, k and v widths × r) and o_proj (row parallel:
/// A r × in/TP, B out_b × r). `r_a`, `out_b` follow §20.3 as fractions of r and h.
std::uint64_t attention_elements(const ModelSpec& m, const LayerSpec& l, const LoraSetup& s, std::uint64_t r_a) {
    const AttentionShape& a = m.attention;
    const std::uint64_t d = l.head_dim > 0 ? l.head_dim : a.head_dim;
    const std::uint64_t d_v = l.head_dim > 0 ? l.head_dim : (a.head_dim_v > 0 ? a.head_dim_v : a.head_dim);
    const std::uint64_t kv = l.num_kv_heads > 0 ? l.num_kv_heads : a.num_kv_heads;
    const std::uint64_t heads = a.num_heads / s.tp;
    const std::uint64_t kv_local = std::max<std::uint64_t>(1, kv / s.tp); // replicated below one head per rank
    const std::uint64_t h = m.hidden_size;
    const std::uint64_t out_b = s.fully_sharded ? h / s.tp : h;
    std::uint64_t e = checked_mul(checked_mul(3, r_a), h);                                                // qkv A
    e = checked_add(e, checked_mul(s.rank, checked_add(checked_mul(heads, d), checked_mul(kv_local, checked_add(d, d_v))))); // qkv B
    e = checked_add(e, checked_mul(s.rank, checked_add(checked_mul(heads, d_v), out_b)));                   // o A + B
    return e;
}

/// Elements per slot of a gated (gate_up + down) or plain (up + down) MLP of width `width`:
/// merged column A r_a × h per slice, B (width/TP) × r per slice; down A r × width/TP, B h_b × r.
std::uint64_t mlp_elements(const ModelSpec& m, std::uint64_t width, std::uint64_t slices, const LoraSetup& s, std::uint64_t r_a) {
    if (width == 0) {
        return 0;
    }
    const std::uint64_t h = m.hidden_size;
    const std::uint64_t h_b = s.fully_sharded ? h / s.tp : h;
    const std::uint64_t local = width / s.tp;
    std::uint64_t e = checked_mul(checked_mul(slices, r_a), h);                       // gate_up A
    e = checked_add(e, checked_mul(checked_mul(slices, local), s.rank));              // gate_up B
    e = checked_add(e, checked_mul(s.rank, checked_add(local, h_b)));                  // down A + B
    return e;
}

/// Elements per slot of a MoE layer: FusedMoEWithLoRA per expert (w13: 2 A slices r_a × h and 2 B
/// slices I_loc × r; w2: A r × I_loc, B h_b × r; lora/layers/fused_moe.py:162-222 @C28), experts
/// TP-sharded on I, never split without EP; the shared experts as a dense MLP; the router
/// (ReplicatedLinear, a LinearBase, so a LoRA target: A r × h, B E × r, lora/utils.py:220-271 @C28).
std::uint64_t moe_elements(const ModelSpec& m, const LoraSetup& s, std::uint64_t r_a) {
    const MoeShape& e = m.moe;
    const std::uint64_t experts = checked_mul(e.num_experts, mlp_elements(m, e.expert_intermediate, 2, s, r_a));
    const std::uint64_t shared = mlp_elements(m, e.shared_intermediate, 2, s, r_a);
    const std::uint64_t router = checked_mul(s.rank, checked_add(m.hidden_size, e.num_experts));
    return checked_add(checked_add(experts, shared), router);
}

} // namespace

Bytes LoraStacks::total() const {
    return checked_add(checked_add(attention, mlp), checked_add(embedding, metadata));
}

bool lora_wraps_embeddings(const ModelSpec& model, VllmVersion v) {
    const std::string_view type = model.model_type;
    if (std::find(k_embedding_lora_types.begin(), k_embedding_lora_types.end(), type) != k_embedding_lora_types.end()) {
        return true;
    }
    const bool qwen3 = std::find(k_qwen3_embedding_lora_types.begin(), k_qwen3_embedding_lora_types.end(), type) !=
                       k_qwen3_embedding_lora_types.end();
    return qwen3 && v >= k_qwen3_embedding_lora_since;
}

LoraStacks estimate_lora_stacks(const ModelSpec& m, const LoraSetup& s, std::uint64_t first_layer, std::uint64_t end_layer,
                                bool first, bool last, bool embeddings, std::uint64_t batched_tokens) {
    LoraStacks out;
    // r_a = r/TP with --fully-sharded-loras, else the full rank on every rank (base_linear.py:111-125 @C28).
    const std::uint64_t r_a = s.fully_sharded ? s.rank / s.tp : s.rank;
    const Bytes per_element = checked_mul(s.max_loras, s.dtype_bytes);
    std::uint64_t attn = 0;
    std::uint64_t mlp = 0;
    for (std::uint64_t i = first_layer; i < end_layer && i < m.layers.size(); ++i) {
        const LayerSpec& l = m.layers[i];
        if (l.attention == LayerAttention::full || l.attention == LayerAttention::sliding) {
            if (!m.is_mla()) {
                attn = checked_add(attn, attention_elements(m, l, s, r_a));
            } else {
                ++out.skipped_layers;
            }
        } else if (l.attention != LayerAttention::none) {
            ++out.skipped_layers;
        }
        const std::uint64_t width = l.intermediate_size > 0 ? l.intermediate_size : m.intermediate_size;
        mlp = checked_add(mlp, l.moe ? moe_elements(m, s, r_a) : mlp_elements(m, width, m.mlp_kind == MlpKind::gated ? 2 : 1, s, r_a));
    }
    out.attention = checked_mul(attn, per_element);
    out.mlp = checked_mul(mlp, per_element);
    if (embeddings) {
        // Never sharded (§20.3): embedding A V × r and B h × r; logits A r × h and B V × r
        // (vocal_parallel_embedding.py:27-70, logits_processor.py:84-121 @C28).
        const std::uint64_t per_module = checked_mul(s.rank, checked_add(m.vocab_size, m.hidden_size));
        const std::uint64_t modules = (first ? 1U : 0U) + (last ? 1U : 0U);
        out.embedding = checked_mul(checked_mul(per_module, modules), per_element);
    }
    out.metadata = checked_mul(round_up(batched_tokens, k_punica_token_alignment), k_punica_bytes_per_token);
    if (s.tp > 1) {
        out.metadata = checked_add(out.metadata, checked_mul(m.vocab_size, k_vocab_map_bytes_per_entry));
    }
    return out;
}

std::uint64_t lora_graph_cases(VllmVersion v) { return v >= k_specialize_lora_since ? 2 : 1; }

bool valid_lora_rank(std::uint64_t rank, VllmVersion v) {
    if (rank == 1 && v < k_rank_one_since) {
        return false;
    }
    return std::find(k_lora_ranks.begin(), k_lora_ranks.end(), rank) != k_lora_ranks.end();
}

} // namespace vramplan

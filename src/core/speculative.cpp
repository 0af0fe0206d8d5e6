#include <vramplan/speculative.hpp>

#include <vramplan/weights.hpp>

#include <algorithm>

namespace vramplan {

namespace {

bool ends_with(std::string_view s, std::string_view tail) { return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail; }

/// Parameters of one EAGLE decoder layer built from the target's shape (vllm/model_executor/models/
/// llama_eagle.py, llama_eagle3.py @main): q/k/v over an input `qkv_in` wide (h, or 2h for EAGLE-3,
/// which concatenates the embedding and the hidden state), o, and the gated MLP; split over TP.
std::uint64_t eagle_layer_params(const ModelSpec& t, std::uint64_t qkv_in, std::uint32_t tp) {
    const AttentionShape& a = t.attention;
    const std::uint64_t q_width = checked_mul(a.num_heads, a.head_dim);
    const std::uint64_t kv_width = checked_mul(checked_mul(2, std::max<std::uint64_t>(a.num_kv_heads, 1)), a.head_dim);
    const std::uint64_t qkv = checked_mul(qkv_in, checked_add(q_width, kv_width));
    const std::uint64_t o = checked_mul(q_width, t.hidden_size);
    const std::uint64_t mlp = checked_mul(3, checked_mul(t.hidden_size, t.intermediate_size));
    return checked_add(checked_add(qkv, o), mlp) / tp;
}

/// EAGLE / EAGLE-3 heads (addendum 3 §21.2): one layer, `fc` (2h or 3h -> h, replicated), norms;
/// EAGLE-3 adds its own lm_head over the draft vocabulary (split over TP); embed_tokens and (EAGLE)
/// lm_head are shared with the target and freed (llm_base_proposer.py:1434-1600 @C28).
void eagle_weights(const ModelSpec& t, const SpeculativeConfig& s, std::uint32_t dtype_bytes, std::uint32_t tp, SpeculativeCosts& out) {
    const std::uint64_t h = t.hidden_size;
    const bool v3 = s.method == SpecMethod::eagle3;
    const std::uint64_t layer = eagle_layer_params(t, v3 ? checked_mul(2, h) : h, tp);
    const std::uint64_t fc = checked_mul(v3 ? 3 : 2, checked_mul(h, h));
    const std::uint64_t vocab = s.draft_vocab.value_or(k_eagle3_draft_vocab);
    const std::uint64_t head = v3 ? checked_mul(vocab, h) / tp : 0;
    const std::uint64_t norms = checked_mul(v3 ? 4 : 2, h);   // input/post-attention (+ hidden_norm, final norm)
    const std::uint64_t per_gpu = checked_add(checked_add(layer, fc), checked_add(head, norms));
    out.weights = checked_mul(per_gpu, dtype_bytes);
    out.params = checked_add(checked_add(checked_mul(layer, tp), fc), checked_add(checked_mul(head, tp), norms));
    out.basis = v3 ? "EAGLE-3: 1 layer (QKV input 2h) + fc 3h->h + draft lm_head " + std::to_string(vocab) + " x h; embed shared"
                   : "EAGLE: 1 layer + fc 2h->h; embed and lm_head shared";
}

/// MTP (addendum 3 §21.2): `mtp_layers` copies of the target's last decoder layer (MoE for
/// DeepSeek-V3) + eh_proj 2h -> h and three norms per module, in the model dtype; embed and lm_head
/// always shared (llm_base_proposer.py:1486-1490, 1553-1560 @C28).
void mtp_weights(const ModelSpec& t, const SpeculativeConfig& s, std::uint32_t dtype_bytes, std::uint32_t tp, SpeculativeCosts& out) {
    ModelSpec one = t;
    one.layers.assign(1, t.layers.empty() ? LayerSpec{} : t.layers.back());
    const WeightBreakdown w = estimate_weights(one, dtype_bytes, tp, 1, 0);
    const std::uint64_t h = t.hidden_size;
    const Bytes extra = checked_mul(checked_add(checked_mul(2, checked_mul(h, h)), checked_mul(3, h)), dtype_bytes);
    const Bytes per_module = checked_add(checked_add(w.attention, w.mlp), checked_add(w.norms, extra));
    out.weights = checked_mul(per_module, s.mtp_layers);
    out.params = out.weights / std::max<std::uint32_t>(dtype_bytes, 1);
    out.basis = std::to_string(s.mtp_layers) + " MTP module(s): the target's last decoder layer + eh_proj 2h->h + norms; embed and lm_head shared";
}

} // namespace

std::string_view spec_method_name(SpecMethod method) {
    switch (method) {
    case SpecMethod::none: return "none";
    case SpecMethod::draft_model: return "draft_model";
    case SpecMethod::eagle: return "eagle";
    case SpecMethod::eagle3: return "eagle3";
    case SpecMethod::mtp: return "mtp";
    case SpecMethod::medusa: return "medusa";
    case SpecMethod::mlp_speculator: return "mlp_speculator";
    case SpecMethod::ngram: return "ngram";
    case SpecMethod::suffix: return "suffix";
    }
    return "none";
}

std::optional<SpecMethod> parse_spec_method(std::string_view name) {
    // SpeculativeMethod, vllm/config/speculative.py:37-79 @main.
    if (name == "draft_model" || name == "dflash" || name == "dspark") {
        return SpecMethod::draft_model;
    }
    if (name == "mtp" || ends_with(name, "_mtp")) {
        return SpecMethod::mtp;
    }
    for (SpecMethod m : {SpecMethod::eagle, SpecMethod::eagle3, SpecMethod::medusa, SpecMethod::mlp_speculator, SpecMethod::ngram,
                         SpecMethod::suffix}) {
        if (name == spec_method_name(m)) {
            return m;
        }
    }
    if (name == "ngram_gpu") {
        return SpecMethod::ngram;   // small GPU token buffers only (#29184, addendum 3 §21.1)
    }
    return std::nullopt;
}

SpeculativeCosts speculative_costs(const ModelSpec& t, const SpeculativeConfig& s, std::uint32_t dtype_bytes, std::uint32_t tp,
                                   const KvOptions& kvo) {
    SpeculativeCosts out;
    const KvGeometry target = kv_geometry(t, kvo);
    const KvLayerType* attn = nullptr;
    for (const KvLayerType& type : target.types) {
        if (type.attention == LayerAttention::full || type.attention == LayerAttention::mla) {
            attn = &type;
            break;
        }
    }
    switch (s.method) {
    case SpecMethod::none:
    case SpecMethod::ngram:
    case SpecMethod::suffix:
        out.basis = "no GPU weights: the proposer runs on the CPU (addendum 3 §21.1)";
        return out;
    case SpecMethod::draft_model: {
        if (!s.draft) {
            return out;
        }
        // The full draft, own embed/lm_head, TP = target TP (v1/spec_decode/draft_model.py:63-111 @C28).
        const WeightBreakdown w = estimate_weights(*s.draft, dtype_bytes, tp, 1, 0);
        out.weights = w.total();
        out.params = count_parameters(*s.draft);
        const KvGeometry g = kv_geometry(*s.draft, kvo);
        for (const KvLayerType& type : g.types) {
            out.kv.layers = checked_add(out.kv.layers, type.layers);
        }
        out.kv.token_bytes = g.types.empty() ? 0 : g.types.front().token_bytes;
        out.kv.attention = g.types.empty() ? LayerAttention::full : g.types.front().attention;
        out.basis = "draft model: all its layers, own embed and lm_head, TP " + std::to_string(tp);
        return out;
    }
    case SpecMethod::eagle:
    case SpecMethod::eagle3: eagle_weights(t, s, dtype_bytes, tp, out); break;
    case SpecMethod::mtp: mtp_weights(t, s, dtype_bytes, tp, out); break;
    case SpecMethod::medusa: {
        // num_heads residual blocks (h x h + bias) and as many lm_heads (models/medusa.py:62-94 @C28); k heads.
        const std::uint64_t k = s.num_speculative_tokens;
        const std::uint64_t per_gpu = checked_mul(k, checked_add(checked_mul(t.hidden_size, t.hidden_size + 1), checked_mul(t.vocab_size, t.hidden_size) / tp));
        out.weights = checked_mul(per_gpu, dtype_bytes);
        out.params = per_gpu;
        out.basis = "Medusa: " + std::to_string(k) + " residual heads + " + std::to_string(k) + " lm_heads; no KV";
        return out;
    }
    case SpecMethod::mlp_speculator:
        out.basis = "MLP speculator: a small MLP stack, not sized (no KV)";
        return out;
    }
    // EAGLE / MTP layers use the target's attention spec: layer index = target layers + i (§21.3).
    if (attn != nullptr) {
        out.kv.layers = s.method == SpecMethod::mtp ? s.mtp_layers : 1;
        out.kv.token_bytes = attn->token_bytes;
        out.kv.attention = attn->attention;
    }
    return out;
}

std::size_t add_draft_kv_layers(KvGeometry& g, const DraftKv& d, std::uint64_t k, double ratio) {
    for (KvLayerType& type : g.types) {
        if (type.attention == LayerAttention::linear) {
            // MambaSpec.num_speculative_blocks = k (model_executor/layers/mamba/abstract.py:63-80 @C28).
            type.speculative_blocks = k;
        }
    }
    if (d.layers == 0 || d.token_bytes == 0) {
        return g.types.size();
    }
    std::size_t index = g.types.size();
    for (std::size_t i = 0; i < g.types.size(); ++i) {
        const KvLayerType& type = g.types[i];
        if (type.attention == d.attention && type.token_bytes == d.token_bytes) {
            index = i;
            break;
        }
    }
    if (index < g.types.size()) {
        // Same spec: one more layer of it (kv_cache_utils.py get_kv_cache_groups regrouped, with the
        // 1.5x slack written for drafters, :1261-1272 @C28).
        g.types[index].layers = checked_add(g.types[index].layers, d.layers);
        group_kv_types(g, ratio);
        return index;
    }
    KvLayerType type;
    type.attention = d.attention;
    type.layers = d.layers;
    type.token_bytes = d.token_bytes;
    type.block_size = g.block_size;
    type.page_bytes = checked_mul(g.block_size, d.token_bytes);
    g.types.push_back(type);
    if (!g.hybrid) {
        // UniformTypeKVCacheSpecs (kv_cache_interface.py:790-857 @main): one group of all layers,
        // each with its own page; a block costs Σ pages (§21.3, spec §5.4 case 2).
        g.uniform_type = true;
        g.group_size = checked_add(g.group_size, d.layers);
        g.bytes_per_token = checked_add(g.bytes_per_token, checked_mul(d.layers, d.token_bytes));
        return g.types.size() - 1;
    }
    group_kv_types(g, ratio);   // a hybrid target: the draft's own type, grouped like the others (approximate)
    return g.types.size() - 1;
}

std::vector<std::uint64_t> round_capture_sizes(const std::vector<std::uint64_t>& sizes, std::uint64_t k, std::uint64_t batched) {
    const std::uint64_t step = checked_add(k, 1);
    std::vector<std::uint64_t> out;
    for (std::uint64_t x : sizes) {
        const std::uint64_t rounded = checked_mul(cdiv(x, step), step);
        if (rounded <= batched && std::find(out.begin(), out.end(), rounded) == out.end()) {
            out.push_back(rounded);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string validate_speculative(const SpeculativeConfig& s, std::uint32_t tp) {
    if (!s.active()) {
        return {};
    }
    const bool needs_k = s.method != SpecMethod::mtp && s.method != SpecMethod::medusa && s.method != SpecMethod::mlp_speculator;
    if (needs_k && s.num_speculative_tokens == 0) {
        return "--speculative-config: num_speculative_tokens must be given and positive for method " + std::string(spec_method_name(s.method));
    }
    if (s.draft_tensor_parallel_size && *s.draft_tensor_parallel_size != 1 && *s.draft_tensor_parallel_size != tp) {
        // config/speculative.py:1270-1302 @C28.
        return "--speculative-config: draft_tensor_parallel_size must be 1 or the target's " + std::to_string(tp);
    }
    if (s.method == SpecMethod::draft_model && s.draft_tensor_parallel_size && *s.draft_tensor_parallel_size != tp) {
        return "--speculative-config: a draft_model runs on the target's tensor-parallel size (v1/spec_decode/draft_model.py:63-78)";
    }
    if ((s.method == SpecMethod::draft_model || s.method == SpecMethod::eagle || s.method == SpecMethod::eagle3 ||
         s.method == SpecMethod::medusa) && s.model_label.empty()) {
        return "--speculative-config: method " + std::string(spec_method_name(s.method)) + " needs a \"model\"";
    }
    return {};
}

} // namespace vramplan

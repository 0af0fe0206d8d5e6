// Hybrid (Mamba / linear-attention) families of config.json (hf_config_hybrid.hpp).
#include "hf_config_hybrid.hpp"

#include <vramplan/io/errors.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <optional>

namespace vramplan {

using nlohmann::json;

namespace {

/// Sizes beyond this are not real models (the parser's own bound for dimensions).
constexpr std::uint64_t k_hybrid_max_dim = std::uint64_t{1} << 24;

/// ModelConfig.get_mamba_chunk_size's fallback when the config has no chunk size (Mamba1).
constexpr std::uint64_t k_default_mamba_chunk = 2048;

} // namespace

std::string config_pointer(const json& root, const json& text, const std::string& key, const std::string& prefix) {
    if (&text != &root && root.is_object() && text.is_object() && text.contains(key.substr(0, key.find('/')))) {
        for (const char* k : {"text_config", "llm_config", "language_config"}) {
            const auto it = root.find(k);
            if (it != root.end() && &*it == &text) {
                return prefix + "/" + k + "/" + key;
            }
        }
    }
    return prefix + "/" + key;
}

namespace {

class HybridKeys {
public:
    HybridKeys(const json& root, const json& text, const std::string& where) : m_root(root), m_text(text), m_where(where) {}

    [[nodiscard]] const json* find(const char* key) const {
        for (const json* obj : {&m_text, &m_root}) {
            const auto it = obj->find(key);
            if (it != obj->end() && !it->is_null()) {
                return &*it;
            }
        }
        return nullptr;
    }

    /// A non-negative integer (an integral float such as 2.0 is accepted: mamba_expand).
    [[nodiscard]] std::optional<std::uint64_t> u64(const char* key) const {
        const json* v = find(key);
        if (v == nullptr) {
            return std::nullopt;
        }
        if (v->is_number_unsigned()) {
            return check(key, v->get<std::uint64_t>());
        }
        if (v->is_number_integer() && v->get<std::int64_t>() >= 0) {
            return check(key, static_cast<std::uint64_t>(v->get<std::int64_t>()));
        }
        if (v->is_number_float() && std::isfinite(v->get<double>()) && v->get<double>() >= 0 && v->get<double>() <= 1e9 &&
            std::floor(v->get<double>()) == v->get<double>()) {
            return check(key, static_cast<std::uint64_t>(v->get<double>()));
        }
        fail(key, "expected a non-negative integer");
    }

    [[nodiscard]] std::uint64_t need(const char* key) const {
        const std::optional<std::uint64_t> v = u64(key);
        if (!v || *v == 0) {
            fail(key, "expected a positive integer (required for the recurrent state)");
        }
        return *v;
    }

    [[nodiscard]] std::string str(const char* key) const {
        const json* v = find(key);
        return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
    }

    [[noreturn]] void fail(const std::string& key, const std::string& what) const {
        throw InputError(m_where, config_pointer(m_root, m_text, key) + ": " + what);
    }

private:
    std::uint64_t check(const char* key, std::uint64_t v) const {
        if (v > k_hybrid_max_dim) {
            fail(key, "expected at most " + std::to_string(k_hybrid_max_dim) + ", got " + std::to_string(v));
        }
        return v;
    }

    const json& m_root;
    const json& m_text;
    const std::string& m_where;
};

bool has_recurrent_layer(const ModelSpec& m) {
    return std::any_of(m.layers.begin(), m.layers.end(),
                       [](const LayerSpec& l) { return l.attention == LayerAttention::linear || l.parallel_mamba; });
}

/// Qwen3-Next / Qwen3.5 / 3.8 (qwen3_next.py, qwen3_5.py get_mamba_state_shape_from_config).
/// Without `layer_types`, every `full_attention_interval`-th layer is full attention (the
/// transformers config's default pattern). Qwen3.5 architectures take the config's
/// `mamba_ssm_dtype` for the temporal state (Qwen3_5ForConditionalGenerationConfig, #34489).
void gated_delta_net(const HybridKeys& k, const std::string& architecture, bool have_layer_types, ModelSpec& m) {
    if (!have_layer_types) {
        if (const std::optional<std::uint64_t> interval = k.u64("full_attention_interval"); interval && *interval > 0) {
            for (std::size_t i = 0; i < m.layers.size(); ++i) {
                m.layers[i].attention = (i + 1) % *interval == 0 ? LayerAttention::full : LayerAttention::linear;
            }
        }
    }
    if (!has_recurrent_layer(m)) {
        return;
    }
    LinearAttentionShape& la = m.linear_attention;
    la.kind = LinearKind::gated_delta_net;
    la.num_k_heads = k.need("linear_num_key_heads");
    la.num_v_heads = k.need("linear_num_value_heads");
    la.k_head_dim = k.need("linear_key_head_dim");
    la.v_head_dim = k.need("linear_value_head_dim");
    la.conv_kernel = std::max<std::uint64_t>(2, k.u64("linear_conv_kernel_dim").value_or(4));
    if (architecture.rfind("Qwen3_5", 0) == 0) {
        la.ssm_dtype = k.str("mamba_ssm_dtype");
    }
}

/// The keys Granite-4, Falcon-H1 and Bamba share (granitemoehybrid.py, falcon_h1.py, bamba.py):
/// d_inner = mamba_expand x hidden (Falcon-H1: mamba_d_ssm when set).
void mamba2_common(const HybridKeys& k, ModelSpec& m) {
    LinearAttentionShape& la = m.linear_attention;
    la.kind = LinearKind::mamba2;
    la.intermediate = k.u64("mamba_d_ssm").value_or(0);
    if (la.intermediate == 0) {
        la.intermediate = k.need("mamba_expand") * m.hidden_size;
    }
    la.n_groups = k.u64("mamba_n_groups").value_or(1);
    la.num_heads = k.need("mamba_n_heads");
    la.head_dim = k.need("mamba_d_head");
    la.state_size = k.need("mamba_d_state");
    la.conv_kernel = k.u64("mamba_d_conv").value_or(4);
    la.chunk_size = k.u64("mamba_chunk_size").value_or(k.u64("chunk_size").value_or(k_default_mamba_chunk));
}

/// Nemotron-H (nemotron_h.py): `hybrid_override_pattern` has one character per layer: M Mamba2,
/// * attention, - MLP, E MoE. The temporal state is float32 unless the config says otherwise
/// (NemotronHForCausalLMConfig.update_mamba_ssm_cache_dtype).
void nemotron_h(const HybridKeys& k, ModelSpec& m) {
    const std::string pattern = k.str("hybrid_override_pattern");
    if (pattern.size() != m.layers.size()) {
        k.fail("hybrid_override_pattern", "expected one character per layer (" + std::to_string(m.layers.size()) + ")");
    }
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        LayerSpec& l = m.layers[i];
        switch (pattern[i]) {
        case 'M': l.attention = LayerAttention::linear; l.moe = false; break;
        case '*': l.attention = LayerAttention::full; l.moe = false; break;
        case '-': l.attention = LayerAttention::none; l.moe = false; break;
        case 'E': l.attention = LayerAttention::none; l.moe = m.is_moe(); break;
        default: k.fail("hybrid_override_pattern", std::string("unknown layer '") + pattern[i] + "' (expected M, *, - or E)");
        }
    }
    LinearAttentionShape& la = m.linear_attention;
    la.kind = LinearKind::mamba2;
    la.num_heads = k.need("mamba_num_heads");
    la.head_dim = k.need("mamba_head_dim");
    la.intermediate = la.num_heads * la.head_dim;
    la.n_groups = k.u64("n_groups").value_or(1);
    la.state_size = k.need("ssm_state_size");
    la.conv_kernel = k.u64("conv_kernel").value_or(4);
    la.chunk_size = k.u64("chunk_size").value_or(k_default_mamba_chunk);
    la.supports_all_mode = true;
    const std::string dtype = k.str("mamba_ssm_cache_dtype");
    la.ssm_dtype = dtype.empty() || dtype == "auto" ? "float32" : dtype;
}

/// Jamba (jamba.py): attention where i % attn_layer_period == attn_layer_offset, Mamba1 elsewhere;
/// experts where i % expert_layer_period == expert_layer_offset.
void jamba(const HybridKeys& k, ModelSpec& m) {
    const std::uint64_t period = std::max<std::uint64_t>(1, k.u64("attn_layer_period").value_or(8));
    const std::uint64_t offset = k.u64("attn_layer_offset").value_or(4);
    const std::uint64_t expert_period = std::max<std::uint64_t>(1, k.u64("expert_layer_period").value_or(2));
    const std::uint64_t expert_offset = k.u64("expert_layer_offset").value_or(1);
    for (std::size_t i = 0; i < m.layers.size(); ++i) {
        m.layers[i].attention = i % period == offset ? LayerAttention::full : LayerAttention::linear;
        m.layers[i].moe = m.is_moe() && i % expert_period == expert_offset;
    }
    LinearAttentionShape& la = m.linear_attention;
    la.kind = LinearKind::mamba1;
    la.intermediate = k.need("mamba_expand") * m.hidden_size;
    la.state_size = k.need("mamba_d_state");
    la.conv_kernel = k.u64("mamba_d_conv").value_or(4);
    la.dt_rank = k.u64("mamba_dt_rank").value_or((m.hidden_size + 15) / 16);
    la.chunk_size = k_default_mamba_chunk;
    la.supports_all_mode = true;
}

/// Kimi-Linear (vllm/models/kimi_k3, kda_state_shape): `linear_attn_config` lists the KDA layers
/// (1-based `kda_layers`); the others keep their (MLA) attention.
void kimi_linear(const HybridKeys& k, ModelSpec& m) {
    const json* cfg = k.find("linear_attn_config");
    if (cfg == nullptr || !cfg->is_object()) {
        return;
    }
    const HybridKeys sub(*cfg, *cfg, "linear_attn_config");
    const json* kda = cfg->find("kda_layers") != cfg->end() ? &(*cfg)["kda_layers"] : nullptr;
    if (kda == nullptr || !kda->is_array()) {
        k.fail("linear_attn_config/kda_layers", "expected an array of 1-based layer numbers");
    }
    for (const json& n : *kda) {
        if (!n.is_number_unsigned() || n.get<std::uint64_t>() == 0 || n.get<std::uint64_t>() > m.layers.size()) {
            k.fail("linear_attn_config/kda_layers", "expected 1-based layer numbers up to num_hidden_layers");
        }
        m.layers[n.get<std::uint64_t>() - 1].attention = LayerAttention::linear;
    }
    LinearAttentionShape& la = m.linear_attention;
    la.kind = LinearKind::kda;
    la.num_heads = sub.need("num_heads");
    la.head_dim = sub.need("head_dim");
    la.conv_kernel = sub.u64("short_conv_kernel_size").value_or(4);
}

} // namespace

void parse_hybrid_layers(const json& root, const json& text, const std::string& where, ModelSpec& m, std::vector<std::string>& notes) {
    const HybridKeys k(root, text, where);
    const std::string& mt = m.model_type;
    const bool have_layer_types = k.find("layer_types") != nullptr;
    if (mt == "nemotron_h") {
        nemotron_h(k, m);
        notes.push_back("nemotron_h: each layer holds one mixer (Mamba, attention, MLP or MoE); weights estimated with an MLP in every "
                        "Mamba and attention layer (an over-estimate)");
    } else if (mt == "jamba") {
        jamba(k, m);
    } else if (mt == "kimi_linear") {
        kimi_linear(k, m);
    } else if (mt == "falcon_h1") {
        // Every decoder layer runs attention and a Mamba2 mixer side by side (falcon_h1.py
        // FalconH1ParallelHybrid): one KV page and one state page per layer.
        for (LayerSpec& l : m.layers) {
            l.attention = LayerAttention::full;
            l.parallel_mamba = true;
        }
        mamba2_common(k, m);
        m.linear_attention.supports_all_mode = true;
    } else if (mt == "granitemoehybrid" || mt == "bamba") {
        if (mt == "bamba" && !have_layer_types) {
            // BambaConfig.attn_layer_indices: attention there, Mamba2 elsewhere.
            const json* idx = k.find("attn_layer_indices");
            for (std::size_t i = 0; i < m.layers.size(); ++i) {
                bool attn = false;
                if (idx != nullptr && idx->is_array()) {
                    attn = std::any_of(idx->begin(), idx->end(), [i](const json& j) { return j.is_number_unsigned() && j.get<std::uint64_t>() == i; });
                }
                m.layers[i].attention = attn ? LayerAttention::full : LayerAttention::linear;
            }
        }
        if (has_recurrent_layer(m)) {
            mamba2_common(k, m);
            m.linear_attention.supports_all_mode = mt == "granitemoehybrid";   // SupportsMambaPrefixCaching
        }
    } else {
        gated_delta_net(k, m.architecture, have_layer_types, m);
    }
}

} // namespace vramplan

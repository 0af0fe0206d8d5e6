#include <vramplan/kv.hpp>

#include <vramplan/weights.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace vramplan {

namespace {

/// DeepSeek-V3.2's fp8_ds_mla cache stores 656 bytes per token per layer (spec §5.1).
constexpr std::uint64_t k_fp8_ds_mla_token_bytes = 656;

/// The smallest kernel block of the attention backends a hybrid model's attention layers run on
/// (FlashAttention, FlashInfer and Triton all advertise MultipleOf(16):
/// vllm/v1/attention/backends/flash_attn.py get_supported_kernel_block_sizes @af91f4b3e4).
constexpr std::uint64_t k_kernel_block_alignment = 16;

/// MLA + Mamba hybrids: TRTLLM/FlashInfer MLA decode needs the manager block to be a multiple of
/// 128 (vllm/platforms/interface.py:881-886 @main, #50000).
constexpr std::uint64_t k_mla_hybrid_alignment = 128;

bool same_type(const KvLayerType& t, LayerAttention attention, std::uint64_t window, std::uint64_t token_bytes) {
    if (t.attention != attention) {
        return false;
    }
    if (attention == LayerAttention::linear) {
        return true;
    }
    return (attention != LayerAttention::sliding || t.window == window) && t.token_bytes == token_bytes;
}

std::size_t type_index(const KvGeometry& g, LayerAttention attention, std::uint64_t window, std::uint64_t token_bytes) {
    for (std::size_t i = 0; i < g.types.size(); ++i) {
        if (same_type(g.types[i], attention, window, token_bytes)) {
            return i;
        }
    }
    return g.types.size();
}

/// Counts one KV spec in `g.types`, adding the type at its first use; returns its index.
std::size_t count_spec(KvGeometry& g, LayerAttention attention, std::uint64_t window, std::uint64_t token_bytes) {
    const std::size_t i = type_index(g, attention, window, token_bytes);
    if (i == g.types.size()) {
        KvLayerType t;
        t.attention = attention;
        t.window = attention == LayerAttention::sliding ? window : 0;
        t.token_bytes = attention == LayerAttention::linear ? 0 : token_bytes;
        g.types.push_back(t);
    }
    ++g.types[i].layers;
    return i;
}

/// Bytes of one token of one standard-attention layer on one GPU: K and V of its KV heads
/// (`AttentionSpec.state_content_size_bytes` x num_kv_heads, kv_cache_interface.py @main), with the
/// layer's own head size and KV heads where they differ (Gemma-4 full layers).
std::uint64_t attention_token_bytes(const ModelSpec& m, const LayerSpec& l, const KvOptions& o) {
    const AttentionShape& a = m.attention;
    const std::uint64_t head = l.head_dim > 0 ? l.head_dim : a.head_dim;
    const std::uint64_t head_v = l.head_dim > 0 ? l.head_dim : a.head_dim_v;
    const std::uint64_t total_kv = l.num_kv_heads > 0 ? l.num_kv_heads : a.num_kv_heads;
    // ModelConfig.get_num_kv_heads: split over TP ranks, replicated when there are fewer heads.
    const std::uint64_t kv_heads = std::max<std::uint64_t>(1, total_kv / o.tp);
    return checked_mul(kv_heads, kv_head_token_bytes(o.quant_mode, o.element_bytes, head, head_v));
}

/// The KV specs one decoder layer registers: its attention (none for MLP-only layers and for
/// layers that reuse an earlier layer's KV, Gemma-4 `kv_sharing_target_layer_name`), plus a Mamba
/// state beside it for Falcon-H1's parallel hybrid layers. Records the layer's attention type.
void count_layer(KvGeometry& g, const LayerSpec& l, std::uint64_t token_bytes) {
    std::size_t attention_type = std::numeric_limits<std::size_t>::max();
    if (l.attention != LayerAttention::none && !l.kv_shared) {
        attention_type = count_spec(g, l.attention, l.window, token_bytes);
    }
    if (l.parallel_mamba) {
        count_spec(g, LayerAttention::linear, 0, 0);
    }
    g.layer_type.push_back(attention_type);
}

/// vLLM's `unify_kv_cache_spec_page_size` (vllm/v1/core/kv_cache_utils.py:1036-1103 @main): when
/// attention pages differ (Gemma-4: 512-wide global heads next to 256-wide sliding ones), each
/// smaller page gets its block size multiplied by max_page / page; a page that does not divide the
/// largest one is padded to it (`page_size_padded`, backends indexing by block stride).
void unify_page_sizes(KvGeometry& g) {
    Bytes max_page = 0;
    for (const KvLayerType& t : g.types) {
        max_page = std::max(max_page, t.page_bytes);
    }
    for (KvLayerType& t : g.types) {
        if (t.page_bytes == 0 || t.page_bytes == max_page || t.attention == LayerAttention::linear) {
            continue;
        }
        if (max_page % t.page_bytes == 0) {
            t.block_size = checked_mul(t.block_size, max_page / t.page_bytes);
        }
        t.page_bytes = max_page;
    }
}

std::uint64_t gcd_u64(std::uint64_t a, std::uint64_t b) {
    while (b != 0) {
        const std::uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/// get_kv_cache_groups (spec §5.4.3): group size is the smallest type's layer count, or the
/// largest when the counts are close (ratio rule added by #29303, widened by #36684).
void group_types(KvGeometry& g, double ratio) {
    g.bytes_per_token = 0;
    std::uint64_t min_layers = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t max_layers = 0;
    std::uint64_t total_layers = 0;
    for (const KvLayerType& t : g.types) {
        min_layers = std::min(min_layers, t.layers);
        max_layers = std::max(max_layers, t.layers);
        total_layers += t.layers;
        if (t.attention != LayerAttention::linear) {
            g.bytes_per_token = checked_add(g.bytes_per_token, checked_mul(t.layers, t.page_bytes) / t.block_size);
        }
    }
    g.hybrid = g.types.size() > 1;
    if (!g.hybrid) {
        g.group_size = total_layers;
        g.num_groups = 1;
        return;
    }
    g.group_size = min_layers;
    if (ratio > 0.0 && static_cast<double>(max_layers) < ratio * static_cast<double>(min_layers)) {
        g.group_size = max_layers;
    }
    g.num_groups = 0;
    for (const KvLayerType& t : g.types) {
        g.num_groups += cdiv(t.layers, g.group_size);
    }
}

} // namespace

void group_kv_types(KvGeometry& g, double ratio) { group_types(g, ratio); }

std::uint64_t type_block_size(const KvGeometry& g, const KvLayerType& t) { return t.block_size > 0 ? t.block_size : g.block_size; }

std::string mamba_cache_mode_name(MambaCacheMode mode) {
    switch (mode) {
    case MambaCacheMode::none: return "none";
    case MambaCacheMode::align: return "align";
    case MambaCacheMode::all: return "all";
    }
    return "none";
}

Bytes linear_state_page(const LinearAttentionShape& la, std::uint32_t tp, std::uint64_t conv_bytes, std::uint64_t ssm_bytes) {
    // Every conv state is (d_conv - 1) rows of the TP-local conv channels (MambaStateShapeCalculator).
    const std::uint64_t conv_rows = la.conv_kernel > 0 ? la.conv_kernel - 1 : 0;
    std::uint64_t conv_dim = 0;
    Bytes ssm = 0;
    switch (la.kind) {
    case LinearKind::gated_delta_net:
        // gated_delta_net_state_shape: conv over q, k (key heads) and v; state (v_heads, v_dim, k_dim).
        conv_dim = checked_add(checked_mul(2, la.num_k_heads, la.k_head_dim), checked_mul(la.num_v_heads, la.v_head_dim));
        ssm = checked_mul(checked_mul(la.num_v_heads / tp, la.v_head_dim), checked_mul(la.k_head_dim, ssm_bytes));
        break;
    case LinearKind::mamba2: {
        // mamba2_state_shape: groups not divisible by TP are replicated up to TP
        // (extra_groups_for_head_shards); conv over x, B and C; state (heads, head_dim, d_state).
        const std::uint64_t groups = la.n_groups % tp == 0 ? la.n_groups : checked_add(la.n_groups, tp - la.n_groups);
        conv_dim = checked_add(la.intermediate, checked_mul(2, groups, la.state_size));
        ssm = checked_mul(checked_mul(la.num_heads / tp, la.head_dim), checked_mul(la.state_size, ssm_bytes));
        break;
    }
    case LinearKind::mamba1:
        // mamba1_state_shape: conv over d_inner; state (d_inner, d_state).
        conv_dim = la.intermediate;
        ssm = checked_mul(la.intermediate / tp, checked_mul(la.state_size, ssm_bytes));
        break;
    case LinearKind::kda:
        // kda_state_shape: conv over q, k, v (heads x head_dim each); state (heads, head_dim, head_dim).
        conv_dim = checked_mul(3, la.num_heads, la.head_dim);
        ssm = checked_mul(checked_mul(la.num_heads / tp, la.head_dim), checked_mul(la.head_dim, ssm_bytes));
        break;
    }
    const Bytes conv = checked_mul(conv_dim / tp, conv_rows, conv_bytes);
    return checked_add(conv, ssm);
}

std::uint64_t hybrid_block_size(Bytes state_page, std::uint64_t attn_token_bytes, std::uint64_t block_size, MambaCacheMode mode,
                                std::uint64_t chunk_size, bool mla_align_128) {
    if (state_page == 0 || attn_token_bytes == 0) {
        return block_size;
    }
    // vllm/platforms/interface.py:872-905 @main: align = max(min kernel block, block_size)
    // (128 at least for MLA hybrids); "all" aligns to lcm(mamba chunk, align) instead.
    std::uint64_t align = std::max(k_kernel_block_alignment, block_size);
    if (mla_align_128) {
        align = std::max(align, k_mla_hybrid_alignment);
    }
    std::uint64_t attn_block = 0;
    if (mode == MambaCacheMode::all) {
        const std::uint64_t base = chunk_size > 0 ? chunk_size : align;
        const std::uint64_t chunk = checked_mul(base / gcd_u64(base, align), align);
        attn_block = checked_mul(chunk, cdiv(cdiv(state_page, attn_token_bytes), chunk));
    } else {
        attn_block = checked_mul(align, cdiv(state_page, checked_mul(align, attn_token_bytes)));
    }
    return std::max(block_size, attn_block);
}

KvGeometry kv_geometry(const ModelSpec& m, const KvOptions& o) {
    KvGeometry g;
    g.block_size = o.block_size;
    g.block_size_reason = o.block_size_reason;
    g.element_bytes = o.element_bytes;
    const AttentionShape& a = m.attention;
    // MLA keeps one latent "head" on every rank; other layers split their KV heads over TP ranks.
    const std::uint64_t attn_token_bytes = attention_token_bytes(m, LayerSpec{}, o);
    const std::uint64_t mla_token_bytes =
        o.fp8_ds_mla ? k_fp8_ds_mla_token_bytes : checked_mul(checked_add(a.kv_lora_rank, a.qk_rope_head_dim), o.element_bytes);
    g.layer_type.reserve(m.layers.size());
    for (const LayerSpec& layer : m.layers) {
        count_layer(g, layer, layer.attention == LayerAttention::mla ? mla_token_bytes : attention_token_bytes(m, layer, o));
    }
    for (std::size_t& i : g.layer_type) {
        i = std::min(i, g.types.size());
    }
    const bool any_linear = std::any_of(g.types.begin(), g.types.end(), [](const KvLayerType& t) { return t.attention == LayerAttention::linear; });
    if (any_linear) {
        g.state_page_bytes = linear_state_page(m.linear_attention, o.tp, o.conv_state_bytes, o.ssm_state_bytes);
        g.mamba_cache_mode = o.mamba_cache_mode;
    }
    const std::uint64_t per_token = m.is_mla() ? mla_token_bytes : attn_token_bytes;
    const bool has_attention = std::any_of(g.types.begin(), g.types.end(), [](const KvLayerType& t) { return t.attention != LayerAttention::linear; });
    // Only hybrids are aligned (update_block_size_for_backend: `if model_config.is_hybrid`); an
    // attention-free Mamba model keeps its block and its own state page.
    const std::uint64_t aligned = !has_attention ? g.block_size
                                                 : hybrid_block_size(g.state_page_bytes, per_token, g.block_size, g.mamba_cache_mode,
                                                                     m.linear_attention.chunk_size, o.mla_hybrid_align_128 && m.is_mla());
    if (aligned > g.block_size) {
        g.block_size = aligned;
        g.block_size_reason = "raised to " + std::to_string(aligned) + " so an attention page covers the " +
                              std::to_string(g.state_page_bytes) + "-byte recurrent state page (_align_hybrid_block_size, mamba_cache_mode " +
                              mamba_cache_mode_name(g.mamba_cache_mode) + ")";
    }
    // The state page is padded to the attention page (mamba_page_size_padded); an attention-free
    // model keeps its own page.
    const Bytes attn_page = checked_mul(g.block_size, per_token);
    for (KvLayerType& t : g.types) {
        const bool linear = t.attention == LayerAttention::linear;
        t.block_size = g.block_size;
        t.page_bytes = linear ? (has_attention ? std::max(attn_page, g.state_page_bytes) : g.state_page_bytes)
                              : checked_mul(g.block_size, t.token_bytes);
        t.mamba_mode = linear ? g.mamba_cache_mode : MambaCacheMode::none;
    }
    unify_page_sizes(g);
    group_types(g, o.hybrid_group_ratio);
    return g;
}

Bytes layer_request_bytes(const KvLayerType& t, std::uint64_t block_size, std::uint64_t max_model_len, std::uint64_t batched) {
    switch (t.attention) {
    case LayerAttention::linear:
        // MambaSpec.max_memory_usage_bytes (vllm/v1/kv_cache_interface.py:687-696 @main): "none"
        // holds one state page per request, "align" two (the running state and the last
        // block-aligned checkpoint), "all" one per block of the context.
        switch (t.mamba_mode) {
        // With speculative decoding each mode holds k more pages (v1/kv_cache_interface.py:687-696 @C28).
        case MambaCacheMode::none: return checked_mul(checked_add(1, t.speculative_blocks), t.page_bytes);
        case MambaCacheMode::align: return checked_mul(checked_add(2, t.speculative_blocks), t.page_bytes);
        case MambaCacheMode::all: return checked_mul(checked_add(cdiv(max_model_len, block_size), t.speculative_blocks), t.page_bytes);
        }
        return t.page_bytes;
    case LayerAttention::none:
        return 0;
    case LayerAttention::sliding: {
        // SlidingWindowSpec.max_memory_usage_bytes: the window, plus a chunk being prefilled, plus one.
        // In 128 bits, so a window near 2^64 is still capped by max_model_len (batched ≥ 1).
        __extension__ typedef __int128 Wide;
        const auto tokens = static_cast<std::uint64_t>(std::min<Wide>(Wide{t.window} + batched - 1, max_model_len));
        return checked_mul(checked_add(cdiv(tokens, block_size), 1), t.page_bytes);
    }
    case LayerAttention::full:
    case LayerAttention::mla:
        break;
    }
    return checked_mul(cdiv(max_model_len, block_size), t.page_bytes);
}

std::vector<std::uint64_t> stage_layer_counts(const ModelSpec& m, const KvGeometry& g, std::uint32_t pp, std::uint32_t pp_rank) {
    std::vector<std::uint64_t> counts(g.types.size(), 0);
    const auto [begin, end] = pp_layer_range(m.layers.size(), pp_rank, pp);
    const std::size_t linear = type_index(g, LayerAttention::linear, 0, 0);
    for (std::uint64_t i = begin; i < end && i < g.layer_type.size(); ++i) {
        if (g.layer_type[i] < counts.size()) {
            ++counts[g.layer_type[i]];
        }
        if (m.layers[i].parallel_mamba && linear < counts.size()) {
            ++counts[linear];
        }
    }
    return counts;
}

Bytes worker_block_bytes(const KvGeometry& g, const std::vector<std::uint64_t>& counts) {
    if (g.types.empty()) {
        return 0;
    }
    std::uint64_t layers_per_pool = 0;
    if (g.hybrid) {
        // Each block id addresses one page in each of `group_size` shared pools.
        std::uint64_t stage_max = 0;
        for (std::uint64_t c : counts) {
            stage_max = std::max(stage_max, c);
        }
        layers_per_pool = std::min(g.group_size, stage_max);
    } else {
        // One group: every layer's page per block (UniformTypeKVCacheSpecs sums differing pages).
        Bytes total = 0;
        for (std::size_t i = 0; i < g.types.size() && i < counts.size(); ++i) {
            total = checked_add(total, checked_mul(g.types[i].page_bytes, counts[i]));
        }
        return total;
    }
    return checked_mul(g.types.front().page_bytes, layers_per_pool);
}

std::uint64_t worker_num_blocks(const KvGeometry& g, const std::vector<std::uint64_t>& counts, SignedBytes available) {
    const Bytes per_block = worker_block_bytes(g, counts);
    if (available <= 0 || per_block == 0) {
        return 0;
    }
    // get_num_blocks: int(available_memory // page_size // num_layers)
    return static_cast<std::uint64_t>(available) / per_block;
}

Bytes worker_request_bytes(const KvGeometry& g, const std::vector<std::uint64_t>& counts, std::uint64_t max_model_len,
                           std::uint64_t batched) {
    Bytes total = 0;
    for (std::size_t i = 0; i < g.types.size(); ++i) {
        total = checked_add(total, checked_mul(counts[i], layer_request_bytes(g.types[i], type_block_size(g, g.types[i]), max_model_len, batched)));
    }
    return total;
}

std::uint64_t estimate_max_model_len(const KvGeometry& g, const std::vector<std::uint64_t>& counts, SignedBytes available,
                                     std::uint64_t max_model_len, std::uint64_t batched) {
    if (available <= 0) {
        return 0;
    }
    const Bytes avail = static_cast<Bytes>(available);
    auto fits = [&](std::uint64_t len) { return worker_request_bytes(g, counts, len, batched) <= avail; };
    // vllm/v1/core/kv_cache_utils.py estimate_max_model_len: binary search over [1, max_model_len].
    std::uint64_t left = 1;
    std::uint64_t right = max_model_len;
    if (!fits(left)) {
        return 0;
    }
    std::uint64_t result = 1;
    while (left <= right) {
        const std::uint64_t mid = left + (right - left) / 2;
        if (fits(mid)) {
            result = mid;
            if (mid == right) {
                break;   // mid + 1 would wrap when max_model_len is 2^64 - 1
            }
            left = mid + 1;
        } else {
            right = mid - 1;
        }
    }
    return result;
}

KvCapacity kv_capacity(const KvGeometry& g, std::uint64_t num_blocks, std::uint64_t max_model_len, std::uint64_t batched,
                       TokenRule rule) {
    KvCapacity c;
    c.num_blocks = num_blocks;
    // get_max_concurrency_for_kv_cache_config: each group needs its spec's blocks per request; for
    // hybrid models a type is split into cdiv(layers, group_size) groups.
    std::uint64_t blocks = 0;
    for (const KvLayerType& t : g.types) {
        if (g.uniform_type && &t != &g.types.front()) {
            break;   // one group: Σ request bytes / Σ pages is the first layer's ratio (kv_cache_utils.py:917-939 @main)
        }
        const std::uint64_t groups = g.hybrid ? cdiv(t.layers, g.group_size) : 1;
        blocks = checked_add(blocks, checked_mul(groups, layer_request_bytes(t, type_block_size(g, t), max_model_len, batched) / t.page_bytes));
    }
    c.blocks_per_request = blocks;
    c.max_concurrency = blocks > 0 ? static_cast<double>(num_blocks) / static_cast<double>(blocks) : 0.0;
    if (rule == TokenRule::v0_blocks) {
        // V0 (executor_base.py): tokens = blocks * block_size; concurrency = tokens / max_model_len.
        c.tokens = checked_mul(num_blocks, g.block_size);
        c.max_concurrency = max_model_len > 0 ? static_cast<double>(c.tokens) / static_cast<double>(max_model_len) : 0.0;
        return c;
    }
    if (rule == TokenRule::concurrency_times_len) {
        // #41069: int(max_concurrency * max_model_len), in floating point as Python does it.
        const double tokens = std::floor(c.max_concurrency * static_cast<double>(max_model_len));
        if (!(tokens < 18446744073709551616.0)) {
            throw OverflowError("KV cache token count (max concurrency x max_model_len) does not fit 64 bits");
        }
        c.tokens = static_cast<std::uint64_t>(tokens);
    } else {
        // ≤ v0.20: num_blocks // num_groups * min_block_size (spec §5.4; the smallest block size over
        // the groups once page sizes are unified).
        std::uint64_t min_block = g.block_size;
        for (const KvLayerType& t : g.types) {
            min_block = std::min(min_block, type_block_size(g, t));
        }
        c.tokens = checked_mul(num_blocks / g.num_groups, min_block);
    }
    return c;
}

} // namespace vramplan

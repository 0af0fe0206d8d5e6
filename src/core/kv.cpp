#include <vramplan/kv.hpp>

#include <vramplan/weights.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace vramplan {

namespace {

/// DeepSeek-V3.2's fp8_ds_mla cache stores 656 bytes per token per layer (spec §5.1).
constexpr std::uint64_t k_fp8_ds_mla_token_bytes = 656;

/// vLLM aligns hybrid attention blocks to the kernel block size (16) when it raises the attention
/// block size to cover a Mamba state page (`_align_hybrid_block_size`, spec §5.3).
constexpr std::uint64_t k_kernel_block_alignment = 16;

bool same_type(const KvLayerType& t, const LayerSpec& l, std::uint64_t token_bytes) {
    if (t.attention != l.attention) {
        return false;
    }
    if (l.attention == LayerAttention::linear) {
        return true;
    }
    return (l.attention != LayerAttention::sliding || t.window == l.window) && t.token_bytes == token_bytes;
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

} // namespace

std::uint64_t type_block_size(const KvGeometry& g, const KvLayerType& t) { return t.block_size > 0 ? t.block_size : g.block_size; }

namespace {

/// Page bytes of every type: attention pages of `block_size` tokens (unified to the largest), and
/// a linear-attention (Mamba-style) state page, conv state + recurrent state per request, with the
/// attention block size raised until an attention page covers it (hybrid alignment).
void set_pages(KvGeometry& g, const ModelSpec& m, const KvOptions& o, std::uint64_t per_token) {
    Bytes state_page = 0;
    for (const KvLayerType& t : g.types) {
        if (t.attention == LayerAttention::linear) {
            const LinearAttentionShape& la = m.linear_attention;
            const std::uint64_t conv_dim =
                checked_add(checked_mul(2, la.num_k_heads, la.k_head_dim), checked_mul(la.num_v_heads, la.v_head_dim)) / o.tp;
            const Bytes conv = checked_mul(conv_dim, la.conv_kernel - 1, 2);
            const Bytes ssm = checked_mul(checked_mul(la.num_v_heads / o.tp, la.k_head_dim), checked_mul(la.v_head_dim, 2));
            state_page = checked_add(conv, ssm);
        }
    }
    if (state_page > 0 && per_token > 0) {
        // Raise the attention block size until an attention page covers the state page.
        const std::uint64_t aligned =
            checked_mul(k_kernel_block_alignment, cdiv(state_page, checked_mul(k_kernel_block_alignment, per_token)));
        if (aligned > g.block_size) {
            g.block_size = aligned;
            g.block_size_reason = "raised so an attention page covers the linear-attention state (hybrid alignment)";
        }
    }
    const Bytes attn_page = checked_mul(g.block_size, per_token);
    for (KvLayerType& t : g.types) {
        t.block_size = g.block_size;
        t.page_bytes = t.attention == LayerAttention::linear ? std::max(attn_page, state_page) : checked_mul(g.block_size, t.token_bytes);
    }
    unify_page_sizes(g);
}

/// Bytes per token over the model and vLLM's KV-cache groups.
void group_types(KvGeometry& g, const KvOptions& o) {
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
    } else {
        // get_kv_cache_groups (spec §5.4.3): group size is the smallest type's layer count, or the
        // largest when the counts are close (ratio rule added by #29303, widened by #36684).
        g.group_size = min_layers;
        if (o.hybrid_group_ratio > 0.0 && static_cast<double>(max_layers) < o.hybrid_group_ratio * static_cast<double>(min_layers)) {
            g.group_size = max_layers;
        }
        g.num_groups = 0;
        for (const KvLayerType& t : g.types) {
            g.num_groups += cdiv(t.layers, g.group_size);
        }
    }
}

} // namespace

KvGeometry kv_geometry(const ModelSpec& m, const KvOptions& o) {
    KvGeometry g;
    g.block_size = o.block_size;
    g.block_size_reason = o.block_size_reason;
    g.element_bytes = o.element_bytes;
    const AttentionShape& a = m.attention;
    const std::uint64_t attn_token_bytes = attention_token_bytes(m, LayerSpec{}, o);
    const std::uint64_t mla_token_bytes =
        o.fp8_ds_mla ? k_fp8_ds_mla_token_bytes : checked_mul(checked_add(a.kv_lora_rank, a.qk_rope_head_dim), o.element_bytes);

    g.layer_type.reserve(m.layers.size());
    for (const LayerSpec& layer : m.layers) {
        if (layer.kv_shared) {
            g.layer_type.push_back(std::numeric_limits<std::size_t>::max());
            continue;
        }
        const std::uint64_t token_bytes = layer.attention == LayerAttention::mla ? mla_token_bytes : attention_token_bytes(m, layer, o);
        std::size_t i = 0;
        while (i < g.types.size() && !same_type(g.types[i], layer, token_bytes)) {
            ++i;
        }
        if (i == g.types.size()) {
            KvLayerType t;
            t.attention = layer.attention;
            t.window = layer.attention == LayerAttention::sliding ? layer.window : 0;
            t.token_bytes = token_bytes;
            g.types.push_back(t);
        }
        ++g.types[i].layers;
        g.layer_type.push_back(i);
    }
    for (std::size_t& i : g.layer_type) {
        i = std::min(i, g.types.size());
    }
    set_pages(g, m, o, m.is_mla() ? mla_token_bytes : attn_token_bytes);
    group_types(g, o);
    return g;
}

Bytes layer_request_bytes(const KvLayerType& t, std::uint64_t block_size, std::uint64_t max_model_len, std::uint64_t batched) {
    switch (t.attention) {
    case LayerAttention::linear:
        return t.page_bytes; // one state page per request (mamba_cache_mode "none")
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
    for (std::uint64_t i = begin; i < end && i < g.layer_type.size(); ++i) {
        const std::size_t t = g.layer_type[i];
        if (t < counts.size()) {
            ++counts[t];
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
        for (std::uint64_t c : counts) {
            layers_per_pool += c;
        }
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

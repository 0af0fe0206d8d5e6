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

bool same_type(const KvLayerType& t, const LayerSpec& l) {
    return t.attention == l.attention && (l.attention != LayerAttention::sliding || t.window == l.window);
}

std::size_t type_index(const KvGeometry& g, const LayerSpec& l) {
    for (std::size_t i = 0; i < g.types.size(); ++i) {
        if (same_type(g.types[i], l)) {
            return i;
        }
    }
    return g.types.size();
}

} // namespace

KvGeometry kv_geometry(const ModelSpec& m, const KvOptions& o) {
    KvGeometry g;
    g.block_size = o.block_size;
    g.block_size_reason = o.block_size_reason;
    g.element_bytes = o.element_bytes;
    const AttentionShape& a = m.attention;
    // ModelConfig.get_num_kv_heads: MLA keeps one latent "head" on every rank; otherwise the KV heads
    // are split over TP ranks and replicated when there are fewer heads than ranks.
    const std::uint64_t kv_heads = std::max<std::uint64_t>(1, a.num_kv_heads / o.tp);
    const std::uint64_t attn_token_bytes = checked_mul(kv_heads, checked_add(a.head_dim, a.head_dim_v), o.element_bytes);
    const std::uint64_t mla_token_bytes =
        o.fp8_ds_mla ? k_fp8_ds_mla_token_bytes : checked_mul(checked_add(a.kv_lora_rank, a.qk_rope_head_dim), o.element_bytes);

    for (const LayerSpec& layer : m.layers) {
        const std::size_t i = type_index(g, layer);
        if (i == g.types.size()) {
            KvLayerType t;
            t.attention = layer.attention;
            t.window = layer.attention == LayerAttention::sliding ? layer.window : 0;
            g.types.push_back(t);
        }
        ++g.types[i].layers;
    }

    // A linear-attention (Mamba-style) state page: conv state + recurrent state per request.
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
    const std::uint64_t per_token = m.is_mla() ? mla_token_bytes : attn_token_bytes;
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
        t.page_bytes = t.attention == LayerAttention::linear ? std::max(attn_page, state_page) : attn_page;
    }

    std::uint64_t min_layers = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t max_layers = 0;
    std::uint64_t total_layers = 0;
    for (const KvLayerType& t : g.types) {
        min_layers = std::min(min_layers, t.layers);
        max_layers = std::max(max_layers, t.layers);
        total_layers += t.layers;
        if (t.attention != LayerAttention::linear) {
            g.bytes_per_token = checked_add(g.bytes_per_token, checked_mul(t.layers, t.page_bytes) / g.block_size);
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
    for (std::uint64_t i = begin; i < end; ++i) {
        const std::size_t t = type_index(g, m.layers[i]);
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
        total = checked_add(total, checked_mul(counts[i], layer_request_bytes(g.types[i], g.block_size, max_model_len, batched)));
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
        blocks = checked_add(blocks, checked_mul(groups, layer_request_bytes(t, g.block_size, max_model_len, batched) / t.page_bytes));
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
        c.tokens = checked_mul(num_blocks / g.num_groups, g.block_size);
    }
    return c;
}

} // namespace vramplan

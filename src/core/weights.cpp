#include <vramplan/weights.hpp>

#include <algorithm>

namespace vramplan {

std::pair<std::uint64_t, std::uint64_t> pp_layer_range(std::uint64_t num_layers, std::uint32_t rank, std::uint32_t size) {
    // vllm/distributed/utils.py get_pp_indices: partitions[-i] += 1 for i in 2..remaining+1.
    const std::uint64_t per = num_layers / size;
    const std::uint64_t remaining = num_layers % size;
    std::uint64_t start = 0;
    std::uint64_t count = 0;
    for (std::uint32_t r = 0; r <= rank; ++r) {
        start += count;
        count = per;
        // Stage r gets an extra layer when it is among the `remaining` stages before the last.
        const std::uint64_t from_end = static_cast<std::uint64_t>(size) - r; // last stage: 1
        if (from_end >= 2 && from_end <= remaining + 1) {
            ++count;
        }
    }
    return {start, start + count};
}

Bytes WeightBreakdown::total() const {
    Bytes t = 0;
    for (Bytes b : {embedding, attention, mlp, norms, lm_head, rope_cache, mla_absorbed, vision, lora, prefetch_buffers, draft, eplb}) {
        t = checked_add(t, b);
    }
    return t - std::min(t, cpu_offloaded);
}

namespace {

/// Bytes of one linear layer's weight on one GPU, `in` x `out` elements after TP sharding.
/// `quantizable` is false for layers every method keeps in the model dtype (routers, embeddings).
/// Layouts follow vLLM's quantization methods (vllm/model_executor/layers/quantization/).
Bytes linear_bytes(const QuantSpec& q, std::uint64_t in, std::uint64_t out, std::uint32_t dtype_bytes, bool quantizable,
                   bool is_expert) {
    const Bytes elements = checked_mul(in, out);
    QuantMethod method = quantizable ? q.method : QuantMethod::none;
    if (method == QuantMethod::mxfp4 && !is_expert) {
        method = QuantMethod::none; // gpt-oss: attention, router and embeddings stay bf16
    }
    switch (method) {
    case QuantMethod::none:
        return checked_mul(elements, dtype_bytes);
    case QuantMethod::fp8: {
        // 1 byte per weight; scales are float32: one per 128x128 block (block-quantized fp8), or
        // one per output channel (compressed-tensors "channel"), or one per tensor.
        Bytes scales = 4;
        if (q.fp8_block > 0) {
            scales = checked_mul(cdiv(out, q.fp8_block), cdiv(in, q.fp8_block), 4);
        } else if (q.group_size == 0) {
            scales = checked_mul(out, 4);
        }
        return checked_add(elements, scales);
    }
    case QuantMethod::int8:
        // 1 byte per weight, float32 per-channel scale (CompressedTensorsW8A8Int8).
        return checked_add(elements, checked_mul(out, 4));
    case QuantMethod::int4_group: {
        // Packed weights (bits/8 bytes each), fp16 scales per group of `group_size` inputs, and
        // packed zero points for asymmetric schemes (GPTQ qzeros, AWQ qzeros).
        const std::uint64_t groups = q.group_size > 0 ? cdiv(in, q.group_size) : 1;
        Bytes packed = cdiv(checked_mul(elements, q.bits), 8);
        Bytes scales = checked_mul(groups, out, 2);
        Bytes zeros = q.zero_point ? cdiv(checked_mul(groups, out, q.bits), 8) : 0;
        return checked_add(checked_add(packed, scales), zeros);
    }
    case QuantMethod::mxfp4:
        // 4-bit values plus one e8m0 scale byte per 32 elements (OCP MX spec, vLLM mxfp4.py).
        return checked_add(cdiv(elements, 2), cdiv(elements, 32));
    case QuantMethod::nvfp4: {
        // Two fp4 values per byte; one fp8 (e4m3) scale per 16 inputs, swizzled for the CUTLASS /
        // FlashInfer kernels into rows padded to 128 and scale columns padded to 4
        // (swizzle_blockscale, quantization/utils/nvfp4_utils.py:13-53 @main); fp32 weight_scale_2
        // and input_scale per tensor (ModelOptNvFp4LinearMethod / CompressedTensorsW4A4Fp4).
        const Bytes scales = checked_mul(round_up(out, 128), round_up(cdiv(in, 16), 4));
        return checked_add(checked_add(cdiv(elements, 2), scales), 8);
    }
    case QuantMethod::bitsandbytes:
        // NF4: 4-bit values plus a float32 absmax per block of 64 (bitsandbytes default blocksize).
        return checked_add(cdiv(elements, 2), checked_mul(cdiv(elements, 64), 4));
    }
    return checked_mul(elements, dtype_bytes);
}

struct LayerBytes {
    Bytes attention = 0;
    Bytes mlp = 0;
    Bytes norms = 0;
    Bytes mla_absorbed = 0;
};

/// A Mamba1 / Mamba2 / KDA mixer's weights (vllm/model_executor/layers/mamba/mamba_mixer.py,
/// mamba_mixer2.py, gdn/kimi_gdn_linear_attn.py): input projection, conv1d, the per-head or
/// per-channel vectors, output projection. TP splits the inner width.
Bytes mamba_mixer_bytes(const ModelSpec& m, std::uint32_t d, std::uint32_t tp) {
    const LinearAttentionShape& la = m.linear_attention;
    const std::uint64_t h = m.hidden_size;
    auto lin = [&](std::uint64_t in, std::uint64_t o) { return linear_bytes(m.quant, in, o, d, true, false); };
    auto vec = [&](std::uint64_t n) { return checked_mul(n, d); };
    const std::uint64_t inner = la.kind == LinearKind::kda ? checked_mul(la.num_heads, la.head_dim) : la.intermediate;
    Bytes mixer = lin(inner / tp, h);                                                   // out_proj / o_proj
    if (la.kind == LinearKind::mamba2) {
        const std::uint64_t conv_dim = checked_add(inner, checked_mul(2, la.n_groups, la.state_size));
        mixer = checked_add(mixer, lin(h, checked_add(checked_add(inner, conv_dim), la.num_heads) / tp));   // in_proj: z, xBC, dt
        mixer = checked_add(mixer, vec(checked_mul(conv_dim / tp, checked_add(la.conv_kernel, 1))));      // conv1d + bias
        mixer = checked_add(mixer, vec(checked_add(checked_mul(3, la.num_heads / tp), inner / tp)));        // A, D, dt_bias, norm
    } else if (la.kind == LinearKind::mamba1) {
        mixer = checked_add(mixer, lin(h, checked_mul(2, inner) / tp));                                     // in_proj: x, z
        mixer = checked_add(mixer, vec(checked_mul(inner / tp, checked_add(la.conv_kernel, 1))));          // conv1d + bias
        mixer = checked_add(mixer, lin(inner / tp, checked_add(la.dt_rank, checked_mul(2, la.state_size)))); // x_proj
        mixer = checked_add(mixer, lin(la.dt_rank, inner / tp));                                            // dt_proj
        mixer = checked_add(mixer, vec(checked_mul(inner / tp, checked_add(la.state_size, 2))));             // A, D, dt bias
    } else {
        mixer = checked_add(mixer, lin(h, checked_mul(3, inner) / tp));                                     // q, k, v
        mixer = checked_add(mixer, vec(checked_mul(checked_mul(3, inner) / tp, la.conv_kernel)));          // short convs
        mixer = checked_add(mixer, checked_mul(2, checked_add(lin(h, la.head_dim), lin(la.head_dim, inner / tp))));  // f and g gates
        mixer = checked_add(mixer, lin(h, la.num_heads / tp));                                              // beta
        mixer = checked_add(mixer, vec(checked_add(inner / tp, la.head_dim)));                             // dt_bias, o_norm
    }
    return mixer;
}

/// A gated delta-net layer's weights (vllm/model_executor/layers/mamba/…): in_proj_qkvz,
/// in_proj_ba, conv1d, dt_bias, A_log, gated norm, out_proj.
Bytes linear_attention_bytes(const ModelSpec& m, std::uint32_t d, std::uint32_t tp) {
    const LinearAttentionShape& la = m.linear_attention;
    if (la.kind != LinearKind::gated_delta_net) {
        return mamba_mixer_bytes(m, d, tp);
    }
    const std::uint64_t h = m.hidden_size;
    auto lin = [&](std::uint64_t in, std::uint64_t o) { return linear_bytes(m.quant, in, o, d, true, false); };
    auto vec = [&](std::uint64_t n) { return checked_mul(n, d); };
    const std::uint64_t k = checked_mul(la.num_k_heads, la.k_head_dim);
    const std::uint64_t v = checked_mul(la.num_v_heads, la.v_head_dim);
    const std::uint64_t ba = checked_mul(2, la.num_v_heads);
    Bytes attn = 0;
    attn = checked_add(attn, lin(h, checked_mul(checked_add(k, v), 2) / tp));
    attn = checked_add(attn, lin(h, ba / tp));
    attn = checked_add(attn, vec(checked_mul(checked_add(checked_mul(2, k), v) / tp, la.conv_kernel)));
    attn = checked_add(attn, vec(checked_add(ba / tp, la.v_head_dim)));
    attn = checked_add(attn, lin(v / tp, h));
    return attn;
}

/// A DeepSeek MLA layer's attention weights; `absorbed` receives the dequantized copies of
/// kv_b_proj that MLACommonImpl.process_weights_after_loading keeps (W_UV and W_UK_T, in the model
/// dtype, vllm/v1/attention/backends/mla/common.py).
Bytes mla_attention_bytes(const ModelSpec& m, std::uint32_t d, std::uint32_t tp, Bytes& absorbed) {
    const AttentionShape& a = m.attention;
    const std::uint64_t h = m.hidden_size;
    const std::uint64_t heads = a.num_heads / tp;
    auto lin = [&](std::uint64_t in, std::uint64_t o) { return linear_bytes(m.quant, in, o, d, true, false); };
    auto vec = [&](std::uint64_t n) { return checked_mul(n, d); };
    Bytes attn = 0;
    const std::uint64_t q_out = checked_mul(heads, checked_add(a.qk_nope_head_dim, a.qk_rope_head_dim));
    if (a.q_lora_rank > 0) {
        attn = checked_add(attn, lin(h, a.q_lora_rank));                 // q_a_proj (replicated)
        attn = checked_add(attn, vec(a.q_lora_rank));                    // q_a_layernorm
        attn = checked_add(attn, lin(a.q_lora_rank, q_out));             // q_b_proj
    } else {
        attn = checked_add(attn, lin(h, q_out));                         // q_proj
    }
    attn = checked_add(attn, lin(h, checked_add(a.kv_lora_rank, a.qk_rope_head_dim))); // kv_a_proj_with_mqa
    attn = checked_add(attn, vec(a.kv_lora_rank));                         // kv_a_layernorm
    const std::uint64_t kv_b_out = checked_mul(heads, checked_add(a.qk_nope_head_dim, a.v_head_dim));
    attn = checked_add(attn, lin(a.kv_lora_rank, kv_b_out));               // kv_b_proj
    attn = checked_add(attn, lin(checked_mul(heads, a.v_head_dim), h));    // o_proj
    absorbed = checked_mul(checked_mul(a.kv_lora_rank, kv_b_out), d);
    return attn;
}

/// A multi-head (or grouped-query) attention layer's weights, with the layer's own head size and
/// KV heads where they differ (Gemma-4 full layers; `attention_k_eq_v` layers still allocate the V
/// slot of qkv_proj and load K into it, vllm/model_executor/models/gemma4.py:411-420 @main).
Bytes mha_attention_bytes(const ModelSpec& m, const LayerSpec& l, std::uint32_t d, std::uint32_t tp) {
    AttentionShape a = m.attention;
    if (l.head_dim > 0) {
        a.head_dim = l.head_dim;
        a.head_dim_v = l.head_dim;
    }
    if (l.num_kv_heads > 0) {
        a.num_kv_heads = l.num_kv_heads;
    }
    const std::uint64_t h = m.hidden_size;
    const std::uint64_t heads = a.num_heads / tp;
    auto lin = [&](std::uint64_t in, std::uint64_t o) { return linear_bytes(m.quant, in, o, d, true, false); };
    auto vec = [&](std::uint64_t n) { return checked_mul(n, d); };
    // QKVParallelLinear: KV heads are split over ranks, or replicated when there are fewer
    // KV heads than ranks (num_kv_head_replicas = tp / kv_heads).
    const std::uint64_t kv_heads = std::max<std::uint64_t>(1, a.num_kv_heads / tp);
    const std::uint64_t qkv_out =
        checked_add(checked_mul(heads, a.head_dim), checked_mul(kv_heads, checked_add(a.head_dim, a.head_dim_v)));
    Bytes attn = 0;
    attn = checked_add(attn, lin(h, qkv_out));
    attn = checked_add(attn, lin(checked_mul(heads, a.head_dim_v), h));
    if (a.qkv_bias) {
        attn = checked_add(attn, vec(qkv_out));
    }
    if (a.o_bias) {
        attn = checked_add(attn, vec(h));
    }
    if (a.qk_norm) {
        attn = checked_add(attn, vec(checked_mul(2, a.head_dim)));
    }
    if (a.sinks) {
        attn = checked_add(attn, vec(heads));
    }
    return attn;
}

/// One MoE layer's routed experts on one GPU: `local_experts` experts, each split over `moe_tp`.
Bytes routed_experts_bytes(const ModelSpec& m, std::uint32_t d, const ExpertSharding& sharding) {
    const QuantSpec& q = m.quant;
    const MoeShape& e = m.moe;
    const std::uint64_t h = m.hidden_size;
    auto vec = [&](std::uint64_t n) { return checked_mul(n, d); };
    std::uint64_t inter = e.expert_intermediate / sharding.moe_tp;
    std::uint64_t hid = h;
    if (q.method == QuantMethod::mxfp4 && !q.as_stored) {
        // Mxfp4MoEMethod pads the per-rank intermediate size and the hidden size to a multiple
        // of 256 for the Hopper/Blackwell kernels (vLLM mxfp4.py; record vllm-logs#41: 7.01 GiB);
        // Marlin pads the intermediate size to 128 only (mxfp4_round_up_hidden_size_and_
        // intermediate_size, fused_moe/oracle/mxfp4.py:649-654 @main; record vllm-logs-4#18).
        inter = round_up(inter, q.mxfp4_marlin ? 128 : 256);
        hid = round_up(h, 256);
    }
    const std::uint64_t gate_up = checked_mul(2, inter);
    Bytes expert = checked_add(linear_bytes(q, hid, gate_up, d, true, true), linear_bytes(q, inter, hid, d, true, true));
    if (m.mlp_bias) {
        expert = checked_add(expert, vec(checked_add(gate_up, hid)));
    }
    return checked_mul(expert, sharding.local_experts > 0 ? sharding.local_experts : e.num_experts);
}

/// A mixture-of-experts layer's MLP: the routed experts as `sharding` lays them out, the router
/// (kept unquantized, replicated) and the shared expert (split over TP only, addendum 3 §22.2).
Bytes moe_bytes(const ModelSpec& m, std::uint32_t d, std::uint32_t tp, const ExpertSharding& sharding) {
    const QuantSpec& q = m.quant;
    const MoeShape& e = m.moe;
    const std::uint64_t h = m.hidden_size;
    auto lin = [&](std::uint64_t in, std::uint64_t o) { return linear_bytes(q, in, o, d, true, false); };
    auto vec = [&](std::uint64_t n) { return checked_mul(n, d); };
    Bytes mlp = routed_experts_bytes(m, d, sharding);
    mlp = checked_add(mlp, linear_bytes(q, h, e.num_experts, d, false, false)); // router, kept unquantized
    if (e.router_bias) {
        mlp = checked_add(mlp, vec(e.num_experts));
    }
    if (e.shared_intermediate > 0) {
        const std::uint64_t si = e.shared_intermediate / tp;
        mlp = checked_add(mlp, checked_add(lin(h, checked_mul(2, si)), lin(si, h)));
        if (e.shared_gate) {
            mlp = checked_add(mlp, linear_bytes(q, h, 1, d, false, false));
        }
    }
    return mlp;
}

/// A dense layer's MLP: gated (gate_up + down) or plain (up + down); `width` is the layer's
/// intermediate size (Gemma-4 doubles it on KV-shared layers with `use_double_wide_mlp`).
Bytes dense_mlp_bytes(const ModelSpec& m, std::uint64_t width, std::uint32_t d, std::uint32_t tp) {
    if (width == 0) {
        return 0;
    }
    const std::uint64_t h = m.hidden_size;
    auto lin = [&](std::uint64_t in, std::uint64_t o) { return linear_bytes(m.quant, in, o, d, true, false); };
    auto vec = [&](std::uint64_t n) { return checked_mul(n, d); };
    const std::uint64_t inter = width / tp;
    Bytes mlp = 0;
    if (m.mlp_kind == MlpKind::gated) {
        const std::uint64_t gate_up = checked_mul(2, inter);
        mlp = checked_add(lin(h, gate_up), lin(inter, h));
        if (m.mlp_bias) {
            mlp = checked_add(mlp, vec(checked_add(gate_up, h)));
        }
    } else {
        mlp = checked_add(lin(h, inter), lin(inter, h));
        if (m.mlp_bias) {
            mlp = checked_add(mlp, vec(checked_add(inter, h)));
        }
    }
    return mlp;
}

/// One decoder layer's weights on one GPU, by part.
LayerBytes layer_bytes(const ModelSpec& m, const LayerSpec& layer, std::uint32_t d, std::uint32_t tp, const ExpertSharding& sharding) {
    LayerBytes out;
    if (layer.attention == LayerAttention::none) {
        out.attention = 0;   // Nemotron-H MLP / MoE layer
    } else if (layer.attention == LayerAttention::linear) {
        out.attention = linear_attention_bytes(m, d, tp);
    } else if (layer.attention == LayerAttention::mla) {
        out.attention = mla_attention_bytes(m, d, tp, out.mla_absorbed);
    } else {
        out.attention = mha_attention_bytes(m, layer, d, tp);
    }
    if (layer.parallel_mamba) {
        out.attention = checked_add(out.attention, linear_attention_bytes(m, d, tp));   // Falcon-H1: Mamba beside attention
    }
    const std::uint64_t width = layer.intermediate_size > 0 ? layer.intermediate_size : m.intermediate_size;
    out.mlp = layer.moe ? moe_bytes(m, d, tp, sharding) : dense_mlp_bytes(m, width, d, tp);
    const std::uint64_t per_norm = m.norm == NormKind::layer ? checked_mul(2, m.hidden_size) : m.hidden_size;
    out.norms = checked_mul(checked_mul(per_norm, m.norms_per_layer), d);
    if (m.ple.hidden > 0) {
        // Gemma-4 PLE in each layer: per_layer_input_gate (h -> ple) and per_layer_projection
        // (ple -> h), ReplicatedLinear (not split over TP), and post_per_layer_input_norm (h)
        // (vllm/model_executor/models/gemma4.py:655-680 @main).
        const Bytes gate = linear_bytes(m.quant, m.hidden_size, m.ple.hidden, d, true, false);
        const Bytes proj = linear_bytes(m.quant, m.ple.hidden, m.hidden_size, d, true, false);
        out.mlp = checked_add(out.mlp, checked_add(gate, proj));
        out.norms = checked_add(out.norms, checked_mul(m.hidden_size, d));
    }
    return out;
}

/// Gemma-4 model-level PLE weights on one worker of the first stage: embed_tokens_per_layer
/// (VocabParallelEmbedding of vocab_size_per_layer_input x layers·ple, padded to 64 rows and split
/// over TP), per_layer_model_projection (ColumnParallelLinear h -> layers·ple) and its RMSNorm
/// (ple) (vllm/model_executor/models/gemma4.py:975-1008 @main).
Bytes ple_model_bytes(const ModelSpec& m, std::uint32_t d, std::uint32_t tp) {
    if (m.ple.hidden == 0) {
        return 0;
    }
    const std::uint64_t total = checked_mul(m.ple.hidden, m.layers.size());
    const Bytes table = checked_mul(round_up(m.ple.vocab, k_vocab_padding) / tp, total, d);
    const Bytes projection = linear_bytes(m.quant, m.hidden_size, total / tp, d, true, false);
    return checked_add(checked_add(table, projection), checked_mul(m.ple.hidden, d));
}

} // namespace

WeightBreakdown estimate_weights(const ModelSpec& m, std::uint32_t d, std::uint32_t tp, std::uint32_t pp, std::uint32_t pp_rank) {
    return estimate_weights(m, d, tp, pp, pp_rank, ExpertSharding{tp, 0, 1});
}

Bytes routed_experts_layer_bytes(const ModelSpec& m, std::uint32_t d, const ExpertSharding& sharding) {
    return m.is_moe() ? routed_experts_bytes(m, d, sharding) : 0;
}

WeightBreakdown estimate_weights(const ModelSpec& m, std::uint32_t d, std::uint32_t tp, std::uint32_t pp, std::uint32_t pp_rank,
                                 const ExpertSharding& sharding) {
    WeightBreakdown w;
    const bool first = pp_rank == 0;
    const bool last = pp_rank + 1 == pp;
    const std::uint64_t vocab_rows = round_up(m.vocab_size, k_vocab_padding) / tp;
    const Bytes vocab_matrix = checked_mul(vocab_rows, m.hidden_size, d);
    // Llama-style models create embed_tokens on the first stage, and on the last one too when the
    // embeddings are tied (the lm_head is the embedding there).
    if (first || (m.tie_word_embeddings && last)) {
        w.embedding = vocab_matrix;
    }
    if (first) {
        w.embedding = checked_add(w.embedding, ple_model_bytes(m, d, tp));
    }
    if (first && m.learned_positions > 0) {
        w.embedding = checked_add(w.embedding, checked_mul(m.learned_positions, m.hidden_size, d));
    }
    if (last) {
        if (!m.tie_word_embeddings) {
            w.lm_head = vocab_matrix;
        }
        if (m.lm_head_bias) {
            w.lm_head = checked_add(w.lm_head, checked_mul(vocab_rows, d));
        }
        const std::uint64_t final_norm = m.norm == NormKind::layer ? checked_mul(2, m.hidden_size) : m.hidden_size;
        w.norms = checked_mul(final_norm, d);
    }
    const auto [begin, end] = pp_layer_range(m.layers.size(), pp_rank, pp);
    bool has_rotary_layer = false;
    for (std::uint64_t i = begin; i < end; ++i) {
        const LayerBytes lb = layer_bytes(m, m.layers[i], d, tp, sharding);
        w.attention = checked_add(w.attention, lb.attention);
        w.mlp = checked_add(w.mlp, lb.mlp);
        w.norms = checked_add(w.norms, lb.norms);
        w.mla_absorbed = checked_add(w.mla_absorbed, lb.mla_absorbed);
        has_rotary_layer = has_rotary_layer || (m.layers[i].attention != LayerAttention::linear && m.layers[i].attention != LayerAttention::none);
    }
    if (has_rotary_layer && m.rotary_dim > 0) {
        // get_rope() caches one RotaryEmbedding per distinct configuration; its cos_sin_cache is
        // (max_position, rotary_dim) in the model dtype (Llama-3.1: 131072 x 128 x 2 B = 32 MiB).
        w.rope_cache = checked_mul(checked_mul(m.rope_max_positions, m.rotary_dim), checked_mul(d, m.rope_caches));
    }
    if (first && m.vision.params > 0) {
        w.vision = checked_mul(m.vision.params / tp, d);
    }
    return w;
}

Bytes quant_layout_uncertainty(const ModelSpec& m, std::uint32_t d, std::uint32_t tp, std::uint32_t pp, std::uint32_t pp_rank) {
    const QuantSpec& q = m.quant;
    if (q.method == QuantMethod::none || (!q.unsure_ignore && !q.unsure_zero_point)) {
        return 0;
    }
    const WeightBreakdown est = estimate_weights(m, d, tp, pp, pp_rank);
    Bytes spread = 0;
    if (q.unsure_zero_point && q.method == QuantMethod::int4_group) {
        // The other reading of the missing symmetry key: zero points present (or absent).
        ModelSpec other = m;
        other.quant.zero_point = !q.zero_point;
        const Bytes alt = estimate_weights(other, d, tp, pp, pp_rank).total();
        spread = alt > est.total() ? alt - est.total() : est.total() - alt;
    }
    if (q.unsure_ignore) {
        // Attention (and linear-attention) projections left in the model dtype.
        ModelSpec plain = m;
        plain.quant = QuantSpec{};
        const Bytes full = estimate_weights(plain, d, tp, pp, pp_rank).attention;
        spread = checked_add(spread, full > est.attention ? full - est.attention : 0);
    }
    return spread;
}

std::vector<Bytes> layer_parameter_bytes(const ModelSpec& m, std::size_t index, std::uint32_t d, std::uint32_t tp,
                                         const ExpertSharding& sharding) {
    const LayerSpec& layer = m.layers[index];
    const LayerBytes whole = layer_bytes(m, layer, d, tp, sharding);
    std::vector<Bytes> out;
    const bool plain_mha = layer.attention != LayerAttention::none && layer.attention != LayerAttention::linear &&
                           layer.attention != LayerAttention::mla && !layer.parallel_mamba;
    if (plain_mha) {
        // LlamaAttention: qkv_proj, then o_proj, then q/k norms and sinks (the rest of the block).
        AttentionShape a = m.attention;
        a.head_dim = layer.head_dim > 0 ? layer.head_dim : a.head_dim;
        a.head_dim_v = layer.head_dim > 0 ? layer.head_dim : a.head_dim_v;
        a.num_kv_heads = layer.num_kv_heads > 0 ? layer.num_kv_heads : a.num_kv_heads;
        const std::uint64_t heads = a.num_heads / tp;
        const std::uint64_t kv_heads = std::max<std::uint64_t>(1, a.num_kv_heads / tp);
        const std::uint64_t qkv_out = checked_add(checked_mul(heads, a.head_dim), checked_mul(kv_heads, checked_add(a.head_dim, a.head_dim_v)));
        const Bytes qkv = linear_bytes(m.quant, m.hidden_size, qkv_out, d, true, false);
        const Bytes o = linear_bytes(m.quant, checked_mul(heads, a.head_dim_v), m.hidden_size, d, true, false);
        out.push_back(qkv);
        out.push_back(o);
        if (whole.attention > qkv + o) {
            out.push_back(whole.attention - qkv - o);
        }
    } else if (whole.attention > 0) {
        out.push_back(whole.attention);
    }
    const std::uint64_t width = layer.intermediate_size > 0 ? layer.intermediate_size : m.intermediate_size;
    if (!layer.moe && m.mlp_kind == MlpKind::gated && m.ple.hidden == 0 && !m.mlp_bias && width > 0) {
        // LlamaMLP: gate_up_proj, then down_proj.
        const Bytes gate_up = linear_bytes(m.quant, m.hidden_size, checked_mul(2, width / tp), d, true, false);
        out.push_back(gate_up);
        out.push_back(whole.mlp - std::min(whole.mlp, gate_up));
    } else if (whole.mlp > 0) {
        out.push_back(whole.mlp);
    }
    if (whole.norms > 0) {
        out.push_back(whole.norms);
    }
    return out;
}

std::uint64_t count_parameters(const ModelSpec& m) {
    // One byte per "element" with no quantization and TP = PP = 1 gives the element count.
    ModelSpec plain = m;
    plain.quant = QuantSpec{};
    plain.rotary_dim = 0;
    WeightBreakdown w = estimate_weights(plain, 1, 1, 1, 0);
    w.mla_absorbed = 0;
    w.vision = 0;
    // Undo vocabulary padding so the count matches the checkpoint.
    const std::uint64_t padded = round_up(m.vocab_size, k_vocab_padding);
    const std::uint64_t pad_rows = padded - m.vocab_size;
    Bytes total = w.total();
    const Bytes pad = checked_mul(pad_rows, m.hidden_size) * (m.tie_word_embeddings ? 1 : 2);
    return total - std::min(total, pad);
}

} // namespace vramplan

#pragma once
/// Hand-built ModelSpecs for the unit tests (no JSON involved). The numbers are those of the
/// published Hugging Face config.json files and of reference/vllm-memory-model.md §10.

#include <vramplan/model.hpp>
#include <vramplan/plan.hpp>

#include <cstdint>

namespace vramplan::test {

/// 2^30, spelled out so the oracles below do not depend on the library's constants.
inline constexpr std::uint64_t GiB = 1073741824ULL;
inline constexpr std::uint64_t MiB = 1048576ULL;

/// A decoder with `layers` full-attention layers and standard GQA attention.
inline ModelSpec dense_model(std::uint64_t layers, std::uint64_t hidden, std::uint64_t heads, std::uint64_t kv_heads,
                             std::uint64_t head_dim, std::uint64_t intermediate, std::uint64_t vocab) {
    ModelSpec m;
    m.architecture = "LlamaForCausalLM";
    m.model_type = "llama";
    m.hidden_size = hidden;
    m.vocab_size = vocab;
    m.attention.num_heads = heads;
    m.attention.num_kv_heads = kv_heads;
    m.attention.head_dim = head_dim;
    m.attention.head_dim_v = head_dim;
    m.intermediate_size = intermediate;
    m.layers.assign(layers, LayerSpec{});
    m.torch_dtype = "bfloat16";
    m.max_model_len = 4096;
    m.max_len_source = "max_position_embeddings";
    return m;
}

/// Llama-3.1-8B-Instruct: 32 layers, hidden 4096, 32 heads, 8 KV heads, head 128, MLP 14336,
/// vocab 128256, untied, max_position_embeddings 131072 (llama3 RoPE does not scale it).
inline ModelSpec llama31_8b() {
    ModelSpec m = dense_model(32, 4096, 32, 8, 128, 14336, 128256);
    m.tie_word_embeddings = false;
    m.max_model_len = 131072;
    m.rotary_dim = 128;
    m.rope_max_positions = 131072;
    return m;
}

/// Qwen2.5-1.5B-Instruct: 28 layers, hidden 1536, 12 heads, 2 KV heads, head 128, MLP 8960,
/// vocab 151936, tied, q/k/v bias, max_position_embeddings 32768.
inline ModelSpec qwen25_1_5b() {
    ModelSpec m = dense_model(28, 1536, 12, 2, 128, 8960, 151936);
    m.architecture = "Qwen2ForCausalLM";
    m.model_type = "qwen2";
    m.tie_word_embeddings = true;
    m.attention.qkv_bias = true;
    m.max_model_len = 32768;
    m.rotary_dim = 128;
    m.rope_max_positions = 32768;
    return m;
}

/// DeepSeek-V2-Lite-Chat attention: 27 MLA layers, kv_lora_rank 512, qk_rope_head_dim 64.
inline ModelSpec deepseek_v2_lite() {
    ModelSpec m;
    m.architecture = "DeepseekV2ForCausalLM";
    m.model_type = "deepseek_v2";
    m.hidden_size = 2048;
    m.vocab_size = 102400;
    m.attention.num_heads = 16;
    m.attention.num_kv_heads = 16;
    m.attention.head_dim = 192;
    m.attention.head_dim_v = 192;
    m.attention.kv_lora_rank = 512;
    m.attention.qk_rope_head_dim = 64;
    m.attention.qk_nope_head_dim = 128;
    m.attention.v_head_dim = 128;
    m.intermediate_size = 10944;
    m.layers.assign(27, LayerSpec{LayerAttention::mla, 0, false});
    m.torch_dtype = "bfloat16";
    m.max_model_len = 163840;
    m.max_len_source = "max_position_embeddings";
    m.rotary_dim = 64;
    m.rope_max_positions = 163840;
    return m;
}

/// Gemma-3-27B language model: 62 layers, layer i is sliding (window 1024) iff (i+1) % 6 != 0,
/// i.e. 52 sliding + 10 full; 32 heads, 16 KV heads x 128.
inline ModelSpec gemma3_27b() {
    ModelSpec m = dense_model(62, 5376, 32, 16, 128, 21504, 262208);
    m.model_type = "gemma3_text";
    m.tie_word_embeddings = true;
    m.norms_per_layer = 4;
    for (std::size_t i = 0; i < m.layers.size(); ++i) {
        if ((i + 1) % 6 != 0) {
            m.layers[i].attention = LayerAttention::sliding;
            m.layers[i].window = 1024;
        }
    }
    return m;
}

/// gpt-oss-20b attention: 24 layers alternating sliding(128) / full (layer 0 sliding), 64 heads,
/// 8 KV heads x 64.
inline ModelSpec gpt_oss_20b() {
    ModelSpec m = dense_model(24, 2880, 64, 8, 64, 0, 201088);
    m.model_type = "gpt_oss";
    for (std::size_t i = 0; i < m.layers.size(); i += 2) {
        m.layers[i].attention = LayerAttention::sliding;
        m.layers[i].window = 128;
    }
    return m;
}

/// H100 SXM as torch reports it: 81079 MiB = 85,017,493,504 bytes, compute 9.0.
inline GpuSpec h100() {
    GpuSpec g;
    g.id = "h100-sxm";
    g.name = "NVIDIA H100 SXM5 80GB";
    g.device_name = "NVIDIA H100 80GB HBM3";
    g.total = 85017493504ULL; // 81079 * 1048576
    g.total_basis = "measured";
    g.compute_major = 9;
    g.compute_minor = 0;
    return g;
}

/// A10: 22712 MiB = 23,815,258,112 bytes, compute 8.6.
inline GpuSpec a10() {
    GpuSpec g;
    g.id = "a10";
    g.name = "NVIDIA A10";
    g.device_name = "NVIDIA A10";
    g.total = 22712ULL * 1048576ULL; // 23,815,258,112
    g.total_basis = "logged";
    g.compute_major = 8;
    g.compute_minor = 6;
    return g;
}

/// A request for `m` on `gpu` at vLLM `v`, everything else at vLLM's defaults.
inline PlanRequest request(const ModelSpec& m, const GpuSpec& gpu, VllmVersion v = VllmVersion{0, 19, 0}) {
    PlanRequest r;
    r.model = m;
    r.gpu = gpu;
    r.version = v;
    return r;
}

} // namespace vramplan::test

// Hugging Face config.json -> ModelSpec (include/vramplan/io/hf_config.hpp), on JSON literals
// shaped like the published configs.
#include <vramplan/io/errors.hpp>
#include <vramplan/io/hf_config.hpp>
#include <vramplan/weights.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

using namespace vramplan;
using nlohmann::json;

namespace {

ModelSpec parse(const json& j) { return parse_hf_config(j, "config.json").spec; }

std::uint64_t count(const ModelSpec& m, LayerAttention a) {
    std::uint64_t n = 0;
    for (const LayerSpec& l : m.layers) {
        n += l.attention == a ? 1 : 0;
    }
    return n;
}

/// Qwen2.5-1.5B-Instruct's config.json.
json qwen25_1_5b() {
    return json::parse(R"({
      "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2",
      "hidden_size": 1536, "intermediate_size": 8960, "max_position_embeddings": 32768,
      "max_window_layers": 21, "num_attention_heads": 12, "num_hidden_layers": 28,
      "num_key_value_heads": 2, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0,
      "sliding_window": 32768, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
      "use_sliding_window": false, "vocab_size": 151936
    })");
}

/// A minimal Llama-style config that the error tests mutate.
json llama_small() {
    return json::parse(R"({
      "architectures": ["LlamaForCausalLM"], "model_type": "llama",
      "hidden_size": 4096, "intermediate_size": 14336, "max_position_embeddings": 131072,
      "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
      "vocab_size": 128256, "torch_dtype": "bfloat16", "tie_word_embeddings": false
    })");
}

} // namespace

TEST_CASE("hf_config: Qwen2.5-1.5B (use_sliding_window false, q/k/v bias)", "[io][hf]") {
    const ModelSpec m = parse(qwen25_1_5b());
    CHECK(m.layers.size() == 28);
    CHECK(count(m, LayerAttention::full) == 28); // sliding_window is set, but use_sliding_window is false
    CHECK(m.attention.qkv_bias);
    CHECK_FALSE(m.attention.o_bias);
    CHECK(m.attention.head_dim == 128);          // 1536 / 12
    CHECK(m.attention.num_kv_heads == 2);
    CHECK(m.tie_word_embeddings);
    CHECK(m.max_model_len == 32768);
    CHECK(m.vocab_size == 151936);
    CHECK(m.torch_dtype == "bfloat16");
    CHECK(count_parameters(m) == 1543714304ULL); // spec §10 ex. 1
}

TEST_CASE("hf_config: Mistral-7B-v0.1 style sliding window on every layer", "[io][hf]") {
    const json j = json::parse(R"({
      "architectures": ["MistralForCausalLM"], "model_type": "mistral",
      "hidden_size": 4096, "intermediate_size": 14336, "max_position_embeddings": 32768,
      "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
      "sliding_window": 4096, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
      "vocab_size": 32000
    })");
    const ModelSpec m = parse(j);
    REQUIRE(m.layers.size() == 32);
    CHECK(count(m, LayerAttention::sliding) == 32);
    for (const LayerSpec& l : m.layers) {
        CHECK(l.window == 4096);
    }
    CHECK_FALSE(m.attention.qkv_bias);
}

TEST_CASE("hf_config: gemma2 alternates local and global layers", "[io][hf]") {
    const json j = json::parse(R"({
      "architectures": ["Gemma2ForCausalLM"], "model_type": "gemma2",
      "hidden_size": 4608, "intermediate_size": 36864, "max_position_embeddings": 8192,
      "num_attention_heads": 32, "num_hidden_layers": 46, "num_key_value_heads": 16,
      "head_dim": 128, "sliding_window": 4096, "vocab_size": 256000, "torch_dtype": "bfloat16"
    })");
    const ModelSpec m = parse(j);
    REQUIRE(m.layers.size() == 46);
    // Even layers are sliding: 0, 2, ..., 44 -> 23; odd layers full -> 23.
    CHECK(count(m, LayerAttention::sliding) == 23);
    CHECK(count(m, LayerAttention::full) == 23);
    CHECK(m.layers[0].attention == LayerAttention::sliding);
    CHECK(m.layers[0].window == 4096);
    CHECK(m.layers[1].attention == LayerAttention::full);
    CHECK(m.tie_word_embeddings); // Gemma2Config default
    CHECK(m.norms_per_layer == 4);
}

TEST_CASE("hf_config: gemma3_text class defaults (vocab 262208, head_dim 256)", "[io][hf]") {
    const json j = json::parse(R"({
      "architectures": ["Gemma3ForCausalLM"], "model_type": "gemma3_text",
      "hidden_size": 1152, "intermediate_size": 6912, "max_position_embeddings": 32768,
      "num_attention_heads": 4, "num_hidden_layers": 26, "num_key_value_heads": 1,
      "sliding_window": 512, "torch_dtype": "bfloat16"
    })");
    const ModelSpec m = parse(j);
    CHECK(m.vocab_size == 262208);
    CHECK(m.attention.head_dim == 256);
    CHECK(m.attention.qk_norm);
    // Pattern 6 (default): layer i is global iff (i + 1) % 6 == 0: i = 5, 11, 17, 23 -> 4 full, 22 sliding.
    CHECK(count(m, LayerAttention::full) == 4);
    CHECK(count(m, LayerAttention::sliding) == 22);
    CHECK(m.layers[5].attention == LayerAttention::full);
    CHECK(m.layers[0].window == 512);
}

TEST_CASE("hf_config: gpt-oss layer_types and mxfp4", "[io][hf]") {
    json j = json::parse(R"({
      "architectures": ["GptOssForCausalLM"], "model_type": "gpt_oss",
      "hidden_size": 2880, "intermediate_size": 2880, "max_position_embeddings": 131072,
      "num_attention_heads": 64, "num_hidden_layers": 24, "num_key_value_heads": 8, "head_dim": 64,
      "num_local_experts": 32, "experts_per_token": 4, "sliding_window": 128,
      "vocab_size": 201088, "tie_word_embeddings": false,
      "rope_scaling": {"rope_type": "yarn", "factor": 32.0, "original_max_position_embeddings": 4096,
                       "beta_fast": 32.0, "beta_slow": 1.0, "truncate": false},
      "quantization_config": {"quant_method": "mxfp4",
                              "modules_to_not_convert": ["model.layers.*.self_attn", "model.layers.*.mlp.router", "model.embed_tokens", "lm_head"]}
    })");
    json types = json::array();
    for (int i = 0; i < 24; ++i) {
        types.push_back(i % 2 == 0 ? "sliding_attention" : "full_attention");
    }
    j["layer_types"] = types;
    const ModelSpec m = parse(j);
    REQUIRE(m.layers.size() == 24);
    CHECK(count(m, LayerAttention::sliding) == 12);
    CHECK(count(m, LayerAttention::full) == 12);
    CHECK(m.layers[0].attention == LayerAttention::sliding);
    CHECK(m.layers[0].window == 128);
    CHECK(m.layers[1].attention == LayerAttention::full);
    CHECK(m.moe.num_experts == 32);
    CHECK(m.moe.top_k == 4);
    CHECK(m.layers[0].moe);
    CHECK(m.attention.sinks);
    CHECK(m.quant.method == QuantMethod::mxfp4);
    // yarn: 4096 x 32 = 131,072.
    CHECK(m.max_model_len == 131072);
}

TEST_CASE("hf_config: DeepSeek-V2-Lite MLA and first_k_dense_replace", "[io][hf]") {
    const json j = json::parse(R"({
      "architectures": ["DeepseekV2ForCausalLM"], "model_type": "deepseek_v2",
      "hidden_size": 2048, "intermediate_size": 10944, "moe_intermediate_size": 1408,
      "num_attention_heads": 16, "num_key_value_heads": 16, "num_hidden_layers": 27,
      "kv_lora_rank": 512, "q_lora_rank": null, "qk_nope_head_dim": 128, "qk_rope_head_dim": 64,
      "v_head_dim": 128, "n_routed_experts": 64, "n_shared_experts": 2, "num_experts_per_tok": 6,
      "first_k_dense_replace": 1, "moe_layer_freq": 1, "max_position_embeddings": 163840,
      "rope_scaling": {"type": "yarn", "factor": 40, "original_max_position_embeddings": 4096,
                       "beta_fast": 32, "beta_slow": 1, "mscale": 0.707, "mscale_all_dim": 0.707},
      "vocab_size": 102400, "tie_word_embeddings": false, "torch_dtype": "bfloat16"
    })");
    const ModelSpec m = parse(j);
    REQUIRE(m.layers.size() == 27);
    CHECK(m.is_mla());
    CHECK(count(m, LayerAttention::mla) == 27);
    CHECK(m.attention.kv_lora_rank == 512);
    CHECK(m.attention.qk_rope_head_dim == 64);
    CHECK(m.attention.q_lora_rank == 0);
    CHECK_FALSE(m.layers[0].moe); // first_k_dense_replace = 1
    CHECK(m.layers[1].moe);
    CHECK(m.layers[26].moe);
    CHECK(m.moe.num_experts == 64);
    // Two shared experts of 1,408 = 2,816.
    CHECK(m.moe.shared_intermediate == 2816);
    // yarn: 4096 x 40 = 163,840.
    CHECK(m.max_model_len == 163840);
}

TEST_CASE("hf_config: qwen3_moe mlp_only_layers", "[io][hf]") {
    const json j = json::parse(R"({
      "architectures": ["Qwen3MoeForCausalLM"], "model_type": "qwen3_moe",
      "hidden_size": 2048, "intermediate_size": 6144, "moe_intermediate_size": 768,
      "num_attention_heads": 32, "num_key_value_heads": 4, "head_dim": 128, "num_hidden_layers": 4,
      "num_experts": 128, "num_experts_per_tok": 8, "decoder_sparse_step": 1, "mlp_only_layers": [0],
      "max_position_embeddings": 40960, "vocab_size": 151936, "tie_word_embeddings": false
    })");
    const ModelSpec m = parse(j);
    REQUIRE(m.layers.size() == 4);
    CHECK_FALSE(m.layers[0].moe);
    CHECK(m.layers[1].moe);
    CHECK(m.layers[2].moe);
    CHECK(m.layers[3].moe);
    CHECK(m.moe.expert_intermediate == 768);
    CHECK(m.attention.qk_norm);
}

TEST_CASE("hf_config: RoPE scaling and the derived max_model_len", "[io][hf]") {
    SECTION("yarn: original 4096 x factor 32 = 131072") {
        json j = qwen25_1_5b();
        j["rope_scaling"] = json::parse(R"({"type": "yarn", "factor": 32.0, "original_max_position_embeddings": 4096})");
        CHECK(parse(j).max_model_len == 131072);
    }
    SECTION("llama3: max_position_embeddings unchanged") {
        json j = llama_small();
        j["rope_scaling"] = json::parse(
            R"({"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"})");
        const ModelSpec m = parse(j);
        CHECK(m.max_model_len == 131072);
        CHECK(m.rotary_dim == 128);
        CHECK(m.rope_max_positions == 131072);
    }
    SECTION("no rope_scaling: max_position_embeddings") {
        CHECK(parse(llama_small()).max_model_len == 131072);
    }
}

TEST_CASE("hf_config: input errors name the key", "[io][hf][errors]") {
    auto expect_error = [](const json& j, const std::string& key) {
        INFO("key " << key);
        CHECK_THROWS_AS(parse_hf_config(j, "config.json"), InputError);
        CHECK_THROWS_WITH(parse_hf_config(j, "config.json"), Catch::Contains(key));
    };
    {
        json j = llama_small();
        j["num_hidden_layers"] = -1;
        expect_error(j, "num_hidden_layers");
    }
    {
        json j = llama_small();
        j["num_hidden_layers"] = 1000000000; // must be rejected before any per-layer allocation
        expect_error(j, "num_hidden_layers");
    }
    {
        json j = llama_small();
        j["hidden_size"] = "big";
        expect_error(j, "hidden_size");
    }
    {
        json j = llama_small();
        j.erase("hidden_size");
        expect_error(j, "hidden_size");
    }
    {
        json j = llama_small();
        j["num_key_value_heads"] = 64; // > 32 attention heads
        expect_error(j, "num_key_value_heads");
    }
    {
        json j = llama_small();
        j["layer_types"] = json::array({"full_attention", "sliding_attention"}); // 2 entries, 32 layers
        expect_error(j, "layer_types");
    }
    {
        json j = llama_small();
        j["quantization_config"] = json::parse(R"({"quant_method": "unknown-method"})");
        expect_error(j, "quant_method");
    }
    // Not an object at all.
    CHECK_THROWS_AS(parse_hf_config(json::array(), "config.json"), InputError);
}

TEST_CASE("hf_config: quantization_config", "[io][hf][quant]") {
    auto with_quant = [](const char* q) {
        json j = llama_small();
        j["quantization_config"] = json::parse(q);
        return parse(j).quant;
    };
    SECTION("gptq 4-bit g128 sym") {
        const QuantSpec q = with_quant(R"({"quant_method": "gptq", "bits": 4, "group_size": 128, "sym": true, "desc_act": false})");
        CHECK(q.method == QuantMethod::int4_group);
        CHECK(q.bits == 4);
        CHECK(q.group_size == 128);
        CHECK_FALSE(q.zero_point);
        CHECK(q.name == "gptq");
    }
    SECTION("gptq asymmetric stores zero points") {
        CHECK(with_quant(R"({"quant_method": "gptq", "bits": 4, "group_size": 128, "sym": false})").zero_point);
    }
    SECTION("awq stores zero points") {
        const QuantSpec q = with_quant(R"({"quant_method": "awq", "bits": 4, "group_size": 128, "zero_point": true, "version": "gemm"})");
        CHECK(q.method == QuantMethod::int4_group);
        CHECK(q.zero_point);
        CHECK(q.group_size == 128);
    }
    SECTION("compressed-tensors float 8-bit per channel") {
        const QuantSpec q = with_quant(R"({"quant_method": "compressed-tensors", "format": "float-quantized",
            "config_groups": {"group_0": {"targets": ["Linear"],
                "weights": {"num_bits": 8, "type": "float", "strategy": "channel", "symmetric": true, "dynamic": false},
                "input_activations": {"num_bits": 8, "type": "float", "strategy": "token", "dynamic": true}}},
            "ignore": ["lm_head"]})");
        CHECK(q.method == QuantMethod::fp8);
        CHECK(q.bits == 8);
        CHECK(q.group_size == 0);
        CHECK(q.fp8_block == 0);
        CHECK_FALSE(q.kv_cache_fp8);
    }
    SECTION("compressed-tensors with a kv_cache_scheme forces fp8 KV") {
        const QuantSpec q = with_quant(R"({"quant_method": "compressed-tensors",
            "config_groups": {"group_0": {"targets": ["Linear"],
                "weights": {"num_bits": 8, "type": "float", "strategy": "channel", "symmetric": true}}},
            "kv_cache_scheme": {"num_bits": 8, "type": "float", "strategy": "tensor", "dynamic": false, "symmetric": true}})");
        CHECK(q.kv_cache_fp8);
    }
    SECTION("compressed-tensors with a null kv_cache_scheme does not") {
        const QuantSpec q = with_quant(R"({"quant_method": "compressed-tensors",
            "config_groups": {"group_0": {"weights": {"num_bits": 8, "type": "float", "strategy": "channel"}}},
            "kv_cache_scheme": null})");
        CHECK_FALSE(q.kv_cache_fp8);
    }
    SECTION("fp8 with 128x128 weight blocks") {
        const QuantSpec q = with_quant(R"({"quant_method": "fp8", "activation_scheme": "dynamic", "fmt": "e4m3", "weight_block_size": [128, 128]})");
        CHECK(q.method == QuantMethod::fp8);
        CHECK(q.fp8_block == 128);
    }
    SECTION("mxfp4") {
        const QuantSpec q = with_quant(R"({"quant_method": "mxfp4"})");
        CHECK(q.method == QuantMethod::mxfp4);
        CHECK(q.bits == 4);
    }
    SECTION("no quantization_config") {
        CHECK(parse(llama_small()).quant.method == QuantMethod::none);
    }
}

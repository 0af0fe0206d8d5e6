// Gemma-4 and incomplete quantization configs read from config.json (src/io/hf_config.cpp), on the
// frozen copies of the reconstructed configs in tests/data/profiles/models (provenance in their
// "source": shared/reference/configs/*, INDEX-4.md rows 8 and 11).
#include <vramplan/io/hf_config.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <string>

using namespace vramplan;
using nlohmann::json;

namespace {

ParsedModel profile_config(const std::string& id) {
    std::ifstream in(std::string(VRAMPLAN_SOURCE_DIR) + "/tests/data/profiles/models/" + id + ".json");
    REQUIRE(in);
    return parse_hf_config(json::parse(in).at("config"), id);
}

} // namespace

TEST_CASE("gemma-4 E2B config: per-layer geometry, KV sharing, PLE", "[hf_config][gemma4]") {
    const ModelSpec m = profile_config("golden-gemma-4-e2b").spec;
    REQUIRE(m.layers.size() == 35);
    // layer_types: every 5th layer full (4, 9, …, 34), global_head_dim 512; attention_k_eq_v false,
    // so full layers keep num_key_value_heads (num_kv_heads 0 = the model's 1).
    CHECK(m.layers[4].attention == LayerAttention::full);
    CHECK(m.layers[4].head_dim == 512);
    CHECK(m.layers[4].num_kv_heads == 0);
    CHECK(m.layers[0].attention == LayerAttention::sliding);
    CHECK(m.layers[0].window == 512);
    CHECK(m.layers[0].head_dim == 0);
    // num_kv_shared_layers 20: layers 15..34 reuse KV, and use_double_wide_mlp doubles their MLP.
    CHECK_FALSE(m.layers[14].kv_shared);
    CHECK(m.layers[15].kv_shared);
    CHECK(m.layers[34].kv_shared);
    CHECK(m.layers[14].intermediate_size == 0);
    CHECK(m.layers[15].intermediate_size == 12288);
    CHECK(m.ple.hidden == 256);
    CHECK(m.ple.vocab == 262144);
    CHECK(m.tie_word_embeddings);
    CHECK(m.attention.qk_norm);
    CHECK(m.norms_per_layer == 4);
    CHECK(m.rotary_dim == 256 + 512);
}

TEST_CASE("gemma-4 12B QAT config: K = V global layers, default layer pattern, unsure quantization", "[hf_config][gemma4]") {
    const ParsedModel p = profile_config("golden-gemma-4-12b-w4a16");
    const ModelSpec& m = p.spec;
    REQUIRE(m.layers.size() == 48);
    // No layer_types: every 6th layer full (sliding_window_pattern default 6): 8 full, 40 sliding.
    std::uint64_t full = 0;
    for (const LayerSpec& l : m.layers) {
        full += l.attention == LayerAttention::full ? 1 : 0;
    }
    CHECK(full == 8);
    // attention_k_eq_v: full layers take num_global_key_value_heads 1 and global_head_dim 512.
    CHECK(m.layers[5].attention == LayerAttention::full);
    CHECK(m.layers[5].num_kv_heads == 1);
    CHECK(m.layers[5].head_dim == 512);
    CHECK(m.layers[0].window == 1024);
    CHECK(m.max_model_len == 131072); // Gemma-4 class default, as Gemma 3
    // compressed-tensors W4A16 with an ignore list but no `symmetric` key and no group_size.
    CHECK(m.quant.method == QuantMethod::int4_group);
    CHECK(m.quant.group_size == 128);
    CHECK_FALSE(m.quant.unsure_ignore);
    CHECK(m.quant.unsure_zero_point);
}

TEST_CASE("incomplete GPTQ / compressed-tensors configs are flagged, complete ones are not", "[hf_config][quant]") {
    const json base = json::parse(R"({"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 256,
      "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 1000, "intermediate_size": 512})");
    json gptq = base;
    gptq["quantization_config"] = {{"quant_method", "gptq"}, {"bits", 4}, {"group_size", 128}};
    ParsedModel p = parse_hf_config(gptq, "config.json");
    CHECK(p.spec.quant.unsure_zero_point);
    CHECK_FALSE(p.spec.quant.unsure_ignore); // GPTQ configs never list modules_to_not_convert
    gptq["quantization_config"]["sym"] = true;
    CHECK_FALSE(parse_hf_config(gptq, "config.json").spec.quant.unsure_zero_point);
    json ct = base;
    ct["quantization_config"] = json::parse(R"({"quant_method": "compressed-tensors", "config_groups": {"group_0":
      {"targets": ["Linear"], "weights": {"num_bits": 4, "type": "int", "symmetric": true, "strategy": "group", "group_size": 128}}}})");
    CHECK(parse_hf_config(ct, "config.json").spec.quant.unsure_ignore);
    ct["quantization_config"]["ignore"] = json::array({"lm_head"});
    CHECK_FALSE(parse_hf_config(ct, "config.json").spec.quant.unsure_ignore);
}

TEST_CASE("NVFP4 checkpoints: ModelOpt and compressed-tensors", "[hf_config][nvfp4]") {
    const json base = json::parse(R"({"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 256,
      "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 1000, "intermediate_size": 512})");
    json mo = base;
    mo["quantization_config"] = json::parse(R"({"quant_method": "modelopt", "quant_algo": "NVFP4", "group_size": 16,
      "ignore": ["lm_head"], "kv_cache_scheme": {"type": "float", "num_bits": 8}})");
    const QuantSpec q = parse_hf_config(mo, "config.json").spec.quant;
    CHECK(q.method == QuantMethod::nvfp4);
    CHECK(q.group_size == 16);
    CHECK(q.kv_cache_fp8);
    CHECK_FALSE(q.unsure_ignore);
    // hf_quant_config.json layout: {"quantization": {"quant_algo": "FP8", "exclude_modules": […]}}.
    mo["quantization_config"] = json::parse(R"({"quant_method": "modelopt", "quantization": {"quant_algo": "FP8", "exclude_modules": []}})");
    CHECK(parse_hf_config(mo, "config.json").spec.quant.method == QuantMethod::fp8);
    json ct = base;
    ct["quantization_config"] = json::parse(R"({"quant_method": "compressed-tensors", "format": "nvfp4-pack-quantized",
      "ignore": ["lm_head"], "config_groups": {"group_0": {"targets": ["Linear"],
      "weights": {"num_bits": 4, "type": "float", "strategy": "tensor_group", "group_size": 16, "symmetric": true}}}})");
    CHECK(parse_hf_config(ct, "config.json").spec.quant.method == QuantMethod::nvfp4);
}

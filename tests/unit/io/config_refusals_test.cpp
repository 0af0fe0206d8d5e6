// Configs vLLM or transformers refuse are refused (issue 16 item 3), each error naming the key
// by its full JSON pointer and saying what vLLM would do.
#include <vramplan/io/catalog.hpp>
#include <vramplan/io/errors.hpp>
#include <vramplan/io/hf_config.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

using namespace vramplan;
using nlohmann::json;

namespace {

json llama() {
    return json::parse(R"({
      "architectures": ["LlamaForCausalLM"], "model_type": "llama",
      "hidden_size": 4096, "intermediate_size": 14336, "max_position_embeddings": 131072,
      "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
      "vocab_size": 128256, "torch_dtype": "bfloat16"
    })");
}

/// The same model with its text config nested, as multimodal configs have it.
json nested() {
    json j = json::parse(R"({"architectures": ["Mistral3ForConditionalGeneration"], "model_type": "mistral3"})");
    j["text_config"] = llama();
    return j;
}

std::string error_of(const json& j) {
    try {
        (void)parse_hf_config(j, "config.json");
    } catch (const InputError& e) {
        return e.what();
    }
    return "(accepted)";
}

} // namespace

TEST_CASE("config refusals: one row per rule, with the key's full path", "[io][hf][refusal]") {
    struct Row {
        const char* rule;
        bool in_text_config;   // put the value under text_config
        const char* pointer;   // JSON pointer of the key (without /text_config)
        const char* value;     // JSON
        const char* expected;  // the message after "config.json: "
    };
    const Row rows[] = {
        {"negative head_dim", false, "/head_dim", "-1",
         "/head_dim: expected a positive integer, got -1 (vLLM's attention layers take it as the head size and fail)"},
        {"rope_scaling a string", false, "/rope_scaling", "\"linear\"",
         "/rope_scaling: expected an object or null, got \"linear\" (transformers and vLLM read it as a dict and fail)"},
        {"rope_scaling a list", false, "/rope_scaling", "[1]",
         "/rope_scaling: expected an object or null, got [1] (transformers and vLLM read it as a dict and fail)"},
        {"non-numeric factor", false, "/rope_scaling", R"({"rope_type": "linear", "factor": "two"})",
         "/rope_scaling/factor: expected a number, got \"two\" (vLLM multiplies the context length by it and fails)"},
        {"non-numeric factor of llama3", false, "/rope_scaling", R"({"rope_type": "llama3", "factor": true})",
         "/rope_scaling/factor: expected a number, got true (vLLM multiplies the context length by it and fails)"},
        {"nested factor", true, "/rope_scaling", R"({"rope_type": "linear", "factor": "two"})",
         "/text_config/rope_scaling/factor: expected a number, got \"two\" (vLLM multiplies the context length by it and fails)"},
        {"nested head_dim", true, "/head_dim", "-8",
         "/text_config/head_dim: expected a positive integer, got -8 (vLLM's attention layers take it as the head size and fail)"},
        {"nested bad layer count", true, "/num_hidden_layers", "\"x\"", "/text_config/num_hidden_layers: expected a non-negative integer"},
    };
    for (const Row& r : rows) {
        INFO(r.rule);
        json j = r.in_text_config ? nested() : llama();
        json& target = r.in_text_config ? j["text_config"] : j;
        target[json::json_pointer(r.pointer)] = json::parse(r.value);
        CHECK(error_of(j) == std::string("config.json: ") + r.expected);
    }
}

TEST_CASE("config refusals: quantization", "[io][hf][refusal]") {
    struct Row {
        const char* rule;
        const char* quant;
        const char* expected;
    };
    const Row rows[] = {
        {"AWQ group size 0", R"({"quant_method": "awq", "bits": 4, "group_size": 0})",
         "/quantization_config/group_size: expected a positive group size or -1 (one group per input row), got 0 (vLLM divides the input size by it and fails)"},
        {"GPTQ group size -2", R"({"quant_method": "gptq", "bits": 4, "group_size": -2})",
         "/quantization_config/group_size: expected a positive group size or -1 (one group per input row), got -2 (vLLM divides the input size by it and fails)"},
        {"FP8 block of one dimension", R"({"quant_method": "fp8", "weight_block_size": [128]})",
         "/quantization_config/weight_block_size: expected a list of two positive integers such as [128, 128], got [128] (vLLM's Fp8Config refuses it: the block must have 2 dimensions)"},
        {"FP8 block a number", R"({"quant_method": "fp8", "weight_block_size": 128})",
         "/quantization_config/weight_block_size: expected a list of two positive integers such as [128, 128], got 128 (vLLM's Fp8Config refuses it: the block must have 2 dimensions)"},
        {"FP8 block with zero", R"({"quant_method": "fp8", "weight_block_size": [128, 0]})",
         "/quantization_config/weight_block_size: expected a list of two positive integers such as [128, 128], got [128,0] (vLLM's Fp8Config refuses it: the block must have 2 dimensions)"},
        {"FP8 block empty", R"({"quant_method": "fp8", "weight_block_size": []})",
         "/quantization_config/weight_block_size: expected a list of two positive integers such as [128, 128], got [] (vLLM's Fp8Config refuses it: the block must have 2 dimensions)"},
    };
    for (const Row& r : rows) {
        INFO(r.rule);
        json j = llama();
        j["quantization_config"] = json::parse(r.quant);
        CHECK(error_of(j) == std::string("config.json: ") + r.expected);
    }
}

TEST_CASE("config refusals: what vLLM accepts stays accepted", "[io][hf][refusal]") {
    // head_dim 0 is "not given": hidden_size / heads = 4096 / 32 = 128
    // (model_arch_config_convertor.py:99-103 @main).
    json j = llama();
    j["head_dim"] = 0;
    CHECK(parse_hf_config(j, "config.json").spec.attention.head_dim == 128);
    // rope_scaling null is no scaling; a null factor is 1.0 (config/model.py:2402-2410 @main).
    j["rope_scaling"] = nullptr;
    CHECK(parse_hf_config(j, "config.json").spec.max_model_len == 131072);
    j["rope_scaling"] = json::parse(R"({"rope_type": "linear", "factor": null})");
    CHECK(parse_hf_config(j, "config.json").spec.max_model_len == 131072);
    // group_size -1: one group per input row (auto_gptq.py:361, auto_awq.py:427 @main).
    j = llama();
    j["quantization_config"] = json::parse(R"({"quant_method": "gptq", "bits": 4, "group_size": -1, "sym": true})");
    CHECK(parse_hf_config(j, "config.json").spec.quant.group_size == 0);
    // A well-formed FP8 block.
    j["quantization_config"] = json::parse(R"({"quant_method": "fp8", "weight_block_size": [128, 128]})");
    CHECK(parse_hf_config(j, "config.json").spec.quant.fp8_block == 128);
}

TEST_CASE("config refusals: a UTF-8 byte order mark", "[io][hf][refusal]") {
    // Python's json.loads: "Unexpected UTF-8 BOM (decode using utf-8-sig)".
    CHECK_THROWS_WITH(parse_json_text("\xEF\xBB\xBF{}", "config.json"),
                      Catch::StartsWith("config.json: starts with a UTF-8 byte order mark, which Python's json (transformers, vLLM) refuses"));
    CHECK(parse_json_text("{}", "config.json").is_object());
}

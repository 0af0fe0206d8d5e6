// --speculative-config as written: the flag's JSON, a log's Python dict, the engine-config repr
// (io/speculative_flags.hpp; addendum 3 §21).
#include <vramplan/io/errors.hpp>
#include <vramplan/io/speculative_flags.hpp>
#include <vramplan/io/vllm_log.hpp>

#include <catch2/catch.hpp>

using namespace vramplan;

TEST_CASE("speculative config: JSON, Python dict and repr", "[io][speculative]") {
    const SpeculativeConfig j = parse_speculative_config(R"({"method": "eagle3", "model": "a/EAGLE3-x", "num_speculative_tokens": 3})");
    CHECK(j.method == SpecMethod::eagle3);
    CHECK(j.model_label == "a/EAGLE3-x");
    CHECK(j.num_speculative_tokens == 3);
    const SpeculativeConfig d = parse_speculative_config("{'method': 'ngram', 'num_speculative_tokens': 4, 'prompt_lookup_max': 4, 'x': None}");
    CHECK(d.method == SpecMethod::ngram);
    CHECK(d.num_speculative_tokens == 4);
    const SpeculativeConfig r = parse_speculative_config("SpeculativeConfig(method='deepseek_mtp', model='deepseek-ai/DeepSeek-V3', num_spec_tokens=1)");
    CHECK(r.method == SpecMethod::mtp);
    CHECK(r.method_label == "deepseek_mtp");
    CHECK(r.num_speculative_tokens == 1);
    // No method: inferred from the name as vLLM does (config/speculative.py:934-975).
    CHECK(parse_speculative_config(R"({"model": "yuhuili/EAGLE-LLaMA3-Instruct-8B", "num_speculative_tokens": 2})").method == SpecMethod::eagle);
    CHECK(parse_speculative_config(R"({"model": "meta-llama/Llama-3.2-1B", "num_speculative_tokens": 2})").method == SpecMethod::draft_model);
    CHECK_FALSE(parse_speculative_config("None").active());
    // A YAML block mapping, as a deployment file hands it over.
    const SpeculativeConfig y = parse_speculative_config("  method: eagle3\n  model: 'a/b'\n  num_speculative_tokens: 3");
    CHECK(y.method == SpecMethod::eagle3);
    CHECK(y.model_label == "a/b");
    CHECK(y.num_speculative_tokens == 3);
    CHECK_THROWS_WITH(parse_speculative_config(R"({"method": "lookahead"})"),
                      Catch::Matchers::StartsWith("--speculative-config: unknown method 'lookahead'"));
    CHECK_THROWS_WITH(parse_speculative_config("[1]"), "--speculative-config: expected a JSON object, got '[1]'");
}

TEST_CASE("speculative config from a log's non-default args", "[io][speculative]") {
    const VllmLog g = parse_vllm_log(
        "INFO 10-08 08:39:01 [utils.py:233] non-default args: {'model_tag': 'm/x', 'max_model_len': 8192, "
        "'speculative_config': {'method': 'ngram', 'num_speculative_tokens': 3, 'prompt_lookup_max': 4}}\n");
    REQUIRE(g.speculative_config);
    const SpeculativeConfig s = parse_speculative_config(g.speculative_config->value);
    CHECK(s.method == SpecMethod::ngram);
    CHECK(s.num_speculative_tokens == 3);
}

// --spec-method / --spec-model / --spec-tokens fold into the config (EngineArgs.create_speculative_config,
// vllm/engine/arg_utils.py:1845-1858 @main, #42476).
TEST_CASE("speculative shorthands fold into the config; a key in both is vLLM's error", "[io][speculative]") {
    CHECK(merge_speculative_shorthands("", SpeculativeShorthands{}).empty());
    CHECK(merge_speculative_shorthands("{\"method\": \"ngram\"}", SpeculativeShorthands{}) == "{\"method\": \"ngram\"}");
    const std::string merged = merge_speculative_shorthands("", SpeculativeShorthands{"eagle3", "yuhuili/EAGLE3-LLaMA3.1-Instruct-8B", "3"});
    const SpeculativeConfig s = parse_speculative_config(merged);
    CHECK(s.method == SpecMethod::eagle3);
    CHECK(s.model_label == "yuhuili/EAGLE3-LLaMA3.1-Instruct-8B");
    CHECK(s.num_speculative_tokens == 3);
    // A Python dict from a config file keeps its keys; the shorthand adds the missing one.
    CHECK(parse_speculative_config(merge_speculative_shorthands("{'method': 'ngram', 'prompt_lookup_max': 4}", SpeculativeShorthands{"", "", "5"}))
              .num_speculative_tokens == 5);
    try {
        (void)merge_speculative_shorthands("{\"num_speculative_tokens\": 2}", SpeculativeShorthands{"", "", "3"});
        FAIL("expected an InputError");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()) == "--spec-tokens and --speculative-config['num_speculative_tokens'] are mutually exclusive (vLLM's error)");
    }
    CHECK_THROWS_AS(merge_speculative_shorthands("", SpeculativeShorthands{"", "", "zero"}), InputError);
}

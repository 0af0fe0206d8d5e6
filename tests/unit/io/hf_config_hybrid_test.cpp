// Hybrid families of config.json (src/io/hf_config_hybrid.cpp): which layers are recurrent and the
// state shape each family's vLLM model reads. The fixtures are tests/data/profiles/models/golden-*
// (provenance in tests/data/profiles/README-hybrid.md).
#include <vramplan/io/errors.hpp>
#include <vramplan/io/hf_config.hpp>
#include <vramplan/kv.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <string>

using namespace vramplan;
using nlohmann::json;

namespace {

ModelSpec fixture(const std::string& id) {
    std::ifstream in(std::string(VRAMPLAN_SOURCE_DIR) + "/tests/data/profiles/models/" + id + ".json");
    REQUIRE(in.good());
    return parse_hf_config(json::parse(in).at("config"), id).spec;
}

std::uint64_t count(const ModelSpec& m, LayerAttention a) {
    std::uint64_t n = 0;
    for (const LayerSpec& l : m.layers) {
        n += l.attention == a ? 1 : 0;
    }
    return n;
}

} // namespace

TEST_CASE("hybrid configs: Qwen3.8 gated delta-net with mamba_ssm_dtype", "[hf_config][hybrid]") {
    const ModelSpec m = fixture("golden-qwen3.8-27b");
    CHECK(count(m, LayerAttention::linear) == 48);   // layer_types: 3 linear + 1 full, x 16
    CHECK(count(m, LayerAttention::full) == 16);
    CHECK(m.linear_attention.kind == LinearKind::gated_delta_net);
    CHECK(m.linear_attention.ssm_dtype == "float32");   // Qwen3_5ForConditionalGeneration takes the config's
}

TEST_CASE("hybrid configs: layer patterns of Granite-4, Jamba, Nemotron-H, Falcon-H1, Kimi-Linear", "[hf_config][hybrid]") {
    const ModelSpec granite = fixture("golden-granite-4-h");
    CHECK(count(granite, LayerAttention::full) == 4);   // layer_types "attention" at 5, 15, 25, 35
    CHECK(granite.linear_attention.kind == LinearKind::mamba2);
    CHECK(granite.linear_attention.intermediate == 3072);   // mamba_expand 2 x hidden 1536
    CHECK(granite.linear_attention.supports_all_mode);

    const ModelSpec jamba = fixture("golden-jamba");
    // i % 8 == 4: layers 4, 12, 20, 28 attend; experts at odd layers.
    CHECK(count(jamba, LayerAttention::full) == 4);
    CHECK(jamba.layers[4].attention == LayerAttention::full);
    CHECK(jamba.layers[1].moe);
    CHECK_FALSE(jamba.layers[2].moe);
    CHECK(jamba.linear_attention.kind == LinearKind::mamba1);

    const ModelSpec nemo = fixture("golden-nemotron-h");
    // "M-M-M*-M-M-M-M*-M-M-M-M-": 11 M, 2 *, 11 '-'.
    CHECK(count(nemo, LayerAttention::linear) == 11);
    CHECK(count(nemo, LayerAttention::full) == 2);
    CHECK(count(nemo, LayerAttention::none) == 11);
    CHECK(nemo.linear_attention.intermediate == 8192);   // 128 heads x 64
    CHECK(nemo.linear_attention.ssm_dtype == "float32");  // NemotronH default

    const ModelSpec falcon = fixture("golden-falcon-h1");
    CHECK(count(falcon, LayerAttention::full) == 24);
    CHECK(falcon.layers[0].parallel_mamba);
    CHECK(falcon.linear_attention.intermediate == 3072);   // mamba_d_ssm

    const ModelSpec kimi = fixture("golden-kimi-linear");
    CHECK(count(kimi, LayerAttention::linear) == 21);   // kda_layers: 1..27 except multiples of 4
    CHECK(count(kimi, LayerAttention::mla) == 6);
    CHECK(kimi.layers[3].attention == LayerAttention::mla);   // layer 4 (1-based) is full attention
    CHECK(kimi.linear_attention.kind == LinearKind::kda);
}

TEST_CASE("hybrid configs: a pattern of the wrong length is refused with its key", "[hf_config][hybrid]") {
    json j = json::parse(R"({"architectures": ["NemotronHForCausalLM"], "model_type": "nemotron_h", "hidden_size": 64,
        "num_hidden_layers": 3, "num_attention_heads": 4, "vocab_size": 100, "hybrid_override_pattern": "M*",
        "mamba_num_heads": 2, "mamba_head_dim": 8, "ssm_state_size": 16})");
    CHECK_THROWS_WITH(parse_hf_config(j, "c.json"), "c.json: /hybrid_override_pattern: expected one character per layer (3)");
}

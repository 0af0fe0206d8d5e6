// Speculative decoding (include/vramplan/speculative.hpp) against addendum 3 §21's worked numbers.
// Every expected number is derived in a comment.
#include "../support/models.hpp"
#include "../support/plan_checks.hpp"

#include <vramplan/plan.hpp>
#include <vramplan/speculative.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>

using namespace vramplan;
using namespace vramplan::test;

namespace {

/// Llama-3.2-1B: 16 layers, hidden 2048, 32 heads, 8 KV heads x 64, MLP 8192, vocab 128,256, tied.
ModelSpec llama32_1b() {
    ModelSpec m = dense_model(16, 2048, 32, 8, 64, 8192, 128256);
    m.tie_word_embeddings = true;
    m.max_model_len = 131072;
    m.rotary_dim = 64;
    m.rope_max_positions = 131072;
    return m;
}

SpeculativeConfig spec(SpecMethod method, std::uint64_t k, const std::string& model = "draft") {
    SpeculativeConfig s;
    s.method = method;
    s.method_label = std::string(spec_method_name(method));
    s.num_speculative_tokens = k;
    s.model_label = model;
    return s;
}

KvOptions bf16_kv() {
    KvOptions o;
    o.element_bytes = 2;
    o.block_size = 16;
    return o;
}

/// The §21.8 row: blocks, tokens and concurrency at L 8192 from `avail` bytes.
KvCapacity capacity(const KvGeometry& g, std::uint64_t avail) {
    const std::vector<std::uint64_t> counts = [&] {
        std::vector<std::uint64_t> c;
        for (const KvLayerType& t : g.types) {
            c.push_back(t.layers);
        }
        return c;
    }();
    return kv_capacity(g, worker_num_blocks(g, counts, static_cast<SignedBytes>(avail)), 8192, 8192, TokenRule::concurrency_times_len);
}

} // namespace

// §21.2: EAGLE-3 for Llama-3.1-8B. Layer: QKV over 2h: 8,192 x (4,096 + 2 x 1,024) = 50,331,648;
// o 4,096 x 4,096 = 16,777,216; MLP 3 x 4,096 x 14,336 = 176,160,768 → 243,269,632. fc 3h x h =
// 50,331,648; draft lm_head 32,000 x 4,096 = 131,072,000; norms 4 x 4,096 = 16,384.
// Σ 424,689,664 params ("424.7M") x 2 B = 849,379,328 B = 0.791 GiB ("+0.79 GiB").
TEST_CASE("EAGLE-3 head of Llama-3.1-8B matches addendum 3 §21.2", "[speculative]") {
    const SpeculativeCosts c = speculative_costs(llama31_8b(), spec(SpecMethod::eagle3, 3), 2, 1, bf16_kv());
    CHECK(c.params == 424689664ULL);
    CHECK(c.weights == 849379328ULL);
    // One draft layer with the target's spec: 8 KV heads x 128 x 2 (K, V) x 2 B = 4,096 B/token.
    CHECK(c.kv.layers == 1);
    CHECK(c.kv.token_bytes == 4096);
}

// §21.2: draft_model Llama-3.2-1B (tied): 1.236B params → +2.30 GiB bf16 (the estimate adds the
// RoPE cos/sin cache, a few MiB). KV: 16 layers x 8 heads x 64 x 2 x 2 B = 2,048 B/token per layer.
TEST_CASE("A draft model's weights and KV layers (addendum 3 §21.2-§21.3)", "[speculative]") {
    SpeculativeConfig s = spec(SpecMethod::draft_model, 5, "meta-llama/Llama-3.2-1B-Instruct");
    s.draft = llama32_1b();
    const SpeculativeCosts c = speculative_costs(llama31_8b(), s, 2, 1, bf16_kv());
    CHECK(std::abs(static_cast<double>(c.weights) / static_cast<double>(GiB) - 2.30) < 0.03);
    CHECK(c.kv.layers == 16);
    CHECK(c.kv.token_bytes == 2048);
}

// §21.8 (v0.19, H100, u 0.95, L 8192; avail from the real log vllm-logs#32, 58.11 GiB):
//   none:   the log's "58.11 GiB" with 29,751 blocks lies in [29,751, 29,752) x 2,097,152 B = [58.1074, 58.1094)
//           GiB; its middle 62,393,417,728 B // (131,072 x 16) = 29,751 blocks, 476,016 tokens, 58.11x
//   (the drafter rows use the table's own avail, 58.11 - W_draft rounded to 2 decimals)
//   EAGLE3: 57.32 GiB = 61,546,671,554 B // (135,168 x 16 = 2,162,688) = 28,458 blocks, 455,328 tokens, 55.58x
//   1B:     55.81 GiB = 59,925,351,710 B // (32 x 65,536 + 16 x 32,768 = 2,621,440) = 22,859, 365,744, 44.65x
TEST_CASE("Addendum 3 §21.8 worked example: tokens and concurrency with a drafter", "[speculative]") {
    const ModelSpec target = llama31_8b();
    const KvGeometry base = kv_geometry(target, bf16_kv());
    CHECK(base.bytes_per_token == 131072);
    const KvCapacity none = capacity(base, 62393417728ULL);
    CHECK(none.num_blocks == 29751);
    CHECK(none.tokens == 476016);
    CHECK(std::round(none.max_concurrency * 100) == 5811);

    KvGeometry eagle = base;
    const SpeculativeCosts e = speculative_costs(target, spec(SpecMethod::eagle3, 3), 2, 1, bf16_kv());
    CHECK(add_draft_kv_layers(eagle, e.kv, 3, 1.5) == 0);
    CHECK(eagle.bytes_per_token == 135168);
    CHECK_FALSE(eagle.hybrid);
    const KvCapacity ec = capacity(eagle, 61546671554ULL);
    CHECK(ec.num_blocks == 28458);
    CHECK(ec.tokens == 455328);
    CHECK(std::round(ec.max_concurrency * 100) == 5558);

    KvGeometry draft = base;
    SpeculativeConfig s = spec(SpecMethod::draft_model, 5);
    s.draft = llama32_1b();
    const SpeculativeCosts d = speculative_costs(target, s, 2, 1, bf16_kv());
    CHECK(add_draft_kv_layers(draft, d.kv, 5, 1.5) == 1);
    CHECK(draft.uniform_type);
    CHECK_FALSE(draft.hybrid);
    CHECK(draft.bytes_per_token == 163840);
    const KvCapacity dc = capacity(draft, 59925351710ULL);
    CHECK(dc.num_blocks == 22859);
    CHECK(dc.tokens == 365744);
    CHECK(std::round(dc.max_concurrency * 100) == 4465);
}

// §21.3 for MLA: DeepSeek MTP adds one MLA layer of (512 + 64) x 2 B = 1,152 B/token. DeepSeek-V2-Lite
// (27 layers): 27 x 1,152 = 31,104 → 28 x 1,152 = 32,256 (V3's 61 → 62: 70,272 → 71,424).
// Weights: the last layer (dense here) + eh_proj 2 x 2,048² + 3 norms x 2,048, x 2 B.
TEST_CASE("MTP adds one layer of the target's spec (addendum 3 §21.3)", "[speculative]") {
    const ModelSpec target = deepseek_v2_lite();
    KvGeometry g = kv_geometry(target, bf16_kv());
    CHECK(g.bytes_per_token == 31104);
    const SpeculativeCosts c = speculative_costs(target, spec(SpecMethod::mtp, 1, ""), 2, 1, bf16_kv());
    CHECK(c.kv.layers == 1);
    CHECK(c.kv.attention == LayerAttention::mla);
    add_draft_kv_layers(g, c.kv, 1, 1.5);
    CHECK(g.bytes_per_token == 32256);
    CHECK(c.weights > (2ULL * 2048 * 2048 + 3 * 2048) * 2);
}

// §21.3: a recurrent layer keeps k more state pages per request ("none": 1 + k).
TEST_CASE("Mamba layers hold k speculative state pages", "[speculative]") {
    KvGeometry g;
    KvLayerType linear;
    linear.attention = LayerAttention::linear;
    linear.layers = 3;
    linear.page_bytes = 1000;
    linear.block_size = 16;
    g.types.push_back(linear);
    add_draft_kv_layers(g, DraftKv{}, 2, 1.5);
    CHECK(layer_request_bytes(g.types.front(), 16, 8192, 8192) == 3000);   // (1 + 2) x 1,000
}

// §21.5: S 1024, k 3: the default list [1, 2, 4, 8..248 step 8, 256..512 step 16] (51 sizes)
// rounded up to multiples of 4 → 4, 8, ..., 248 (31 + 1) and 256..512 (17) = 49 sizes.
TEST_CASE("Capture sizes round up to multiples of 1 + k (addendum 3 §21.5)", "[speculative]") {
    std::vector<std::uint64_t> sizes{1, 2, 4};
    for (std::uint64_t x = 8; x < 256; x += 8) {
        sizes.push_back(x);
    }
    for (std::uint64_t x = 256; x <= 512; x += 16) {
        sizes.push_back(x);
    }
    REQUIRE(sizes.size() == 51);
    const std::vector<std::uint64_t> rounded = round_capture_sizes(sizes, 3, 8192);
    CHECK(rounded.size() == 49);
    CHECK(rounded.front() == 4);
    CHECK(rounded.back() == 512);
}

TEST_CASE("n-gram and suffix add nothing on the GPU", "[speculative]") {
    for (SpecMethod m : {SpecMethod::ngram, SpecMethod::suffix}) {
        const SpeculativeCosts c = speculative_costs(llama31_8b(), spec(m, 4, ""), 2, 1, bf16_kv());
        CHECK(c.weights == 0);
        CHECK(c.kv.layers == 0);
    }
    CHECK(parse_spec_method("deepseek_mtp") == SpecMethod::mtp);
    CHECK(parse_spec_method("ngram_gpu") == SpecMethod::ngram);
    CHECK_FALSE(parse_spec_method("lookahead"));
}

TEST_CASE("A plan with EAGLE-3 charges the head and the extra KV layer", "[speculative]") {
    PlanRequest r = request(llama31_8b(), h100(), VllmVersion{0, 19, 0});
    r.max_model_len = 8192;
    const Plan base = make_plan(r);
    r.speculative = spec(SpecMethod::eagle3, 3, "yuhuili/EAGLE3-LLaMA3.1-Instruct-8B");
    REQUIRE(validate(r).empty());
    const Plan p = make_plan(r);
    check_invariants(p);
    const WorkerPlan& w = p.workers.front();
    CHECK(w.weight_parts.draft == 849379328ULL);
    CHECK(w.weights == base.workers.front().weights + 849379328ULL);
    CHECK(p.kv.bytes_per_token == 135168);
    CHECK(p.capacity.tokens < base.capacity.tokens);
    r.speculative.num_speculative_tokens = 0;
    CHECK(validate(r) == "--speculative-config: num_speculative_tokens must be given and positive for method eagle3");
    r.speculative.num_speculative_tokens = 3;
    r.speculative.draft_tensor_parallel_size = 2;
    CHECK(validate(r) == "--speculative-config: draft_tensor_parallel_size must be 1 or the target's 1");
}

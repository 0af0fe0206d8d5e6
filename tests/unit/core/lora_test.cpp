// LoRA adapter slots (include/vramplan/lora.hpp) against addendum 3 §20.1's worked numbers.
// Every expected number is derived in a comment.
#include "../support/models.hpp"

#include <vramplan/lora.hpp>
#include <vramplan/plan.hpp>

#include <catch2/catch.hpp>

#include <cstdint>

using namespace vramplan;
using namespace vramplan::test;

namespace {

LoraStacks stacks(const ModelSpec& m, std::uint64_t slots, std::uint64_t rank, std::uint32_t tp, bool sharded, VllmVersion v) {
    const LoraSetup s{slots, rank, 2, tp, sharded};
    return estimate_lora_stacks(m, s, 0, m.layers.size(), true, true, lora_wraps_embeddings(m, v), 8192);
}

/// Qwen3-4B: 36 layers, hidden 2560, 32 heads, 8 KV heads x 128, MLP 9728, vocab 151,936, tied.
ModelSpec qwen3_4b() {
    ModelSpec m = dense_model(36, 2560, 32, 8, 128, 9728, 151936);
    m.architecture = "Qwen3ForCausalLM";
    m.model_type = "qwen3";
    m.tie_word_embeddings = true;
    m.attention.qk_norm = true;
    return m;
}

} // namespace

// Llama-3.1-8B per slot per unit of rank, TP 1 (§20.1): qkv 3h + (q + 2kv) = 12,288 + 6,144;
// o q + h = 8,192; gate_up 2h + 2I = 8,192 + 28,672; down I + h = 18,432 → 81,920 per layer.
// Embedding + logits 2(V + h) = 2 x 132,352 = 264,704.
TEST_CASE("LoRA stacks of Llama-3.1-8B match addendum 3 §20.1's table", "[lora]") {
    const ModelSpec m = llama31_8b();
    const VllmVersion v{0, 27, 0};
    REQUIRE(lora_wraps_embeddings(m, v));
    // r 16: layers 81,920 x 16 x 32 layers x 2 B = 83,886,080 B = 80.0 MiB; embed+logits
    // 264,704 x 16 x 2 B = 8,470,528 B (8.1 MiB): 88.1 MiB per slot.
    const LoraStacks r16 = stacks(m, 1, 16, 1, false, v);
    CHECK(r16.attention + r16.mlp == 80 * MiB);
    CHECK(r16.embedding == 8470528);
    // Four slots: 4 x 92,356,608 = 369,426,432 B = 0.344 GiB.
    const LoraStacks four = stacks(m, 4, 16, 1, false, v);
    CHECK(four.attention + four.mlp + four.embedding == 369426432);
    // r 64: 320.0 MiB of layers, 264,704 x 64 x 2 B = 33,882,112 B (32.3 MiB) of embedding + logits.
    const LoraStacks r64 = stacks(m, 1, 64, 1, false, v);
    CHECK(r64.attention + r64.mlp == 320 * MiB);
    CHECK(r64.embedding == 33882112);
}

// TP (§20.3). r 16, TP 2, replicated: qkv A 3 x 4,096 = 12,288, B 2,048 + 2 x 512 = 3,072;
// o A 2,048, B 4,096; gate_up A 8,192, B 2 x 7,168 = 14,336; down A 7,168, B 4,096 → 55,296;
// x 16 x 32 x 2 B = 56,623,104 B = 54.0 MiB. Fully sharded (A rank r/2, row B h/2): 3 x 8 x 4,096
// + 16 x 3,072 + 16 x (2,048 + 2,048) + 2 x 8 x 4,096 + 16 x 14,336 + 16 x (7,168 + 2,048)
// = 98,304 + 49,152 + 65,536 + 65,536 + 229,376 + 147,456 = 655,360 / 16 = 40,960 per rank
// unit → 40.0 MiB. Embedding and logits stay whole: 8.1 MiB.
TEST_CASE("LoRA stacks under TP, replicated and fully sharded (§20.1, §20.3)", "[lora]") {
    const ModelSpec m = llama31_8b();
    const VllmVersion v{0, 27, 0};
    const LoraStacks tp2 = stacks(m, 1, 16, 2, false, v);
    CHECK(tp2.attention + tp2.mlp == 54 * MiB);
    CHECK(tp2.embedding == 8470528);
    const LoraStacks tp2_sharded = stacks(m, 1, 16, 2, true, v);
    CHECK(tp2_sharded.attention + tp2_sharded.mlp == 40 * MiB);
    CHECK(tp2_sharded.embedding == 8470528);
    // r 64, TP 8: replicated 138.0 MiB (35,328 per rank unit: 12,288 + 768 + 512 + 4,096 + 8,192
    // + 3,584 + 1,792 + 4,096), fully sharded 40.0 MiB.
    CHECK(stacks(m, 1, 64, 8, false, v).attention + stacks(m, 1, 64, 8, false, v).mlp == 138 * MiB);
    CHECK(stacks(m, 1, 64, 8, true, v).attention + stacks(m, 1, 64, 8, true, v).mlp == 40 * MiB);
}

// Qwen3-4B (§20.1 validation, vllm-logs-4#27/#28): 57,344 per layer per rank unit (qkv 7,680 +
// 6,144; o 4,096 + 2,560; gate_up 5,120 + 19,456; down 9,728 + 2,560); embedding LoRA from ≈0.16
// (#29816): 16 x (36 x 57,344 + 2 x (151,936 + 2,560)) x 2 B = 16 x 2,373,376 x 2 = 75,948,032 B
// = 0.0707 GiB. Before 0.16 the layers only: 16 x 2,064,384 x 2 = 66,060,288 B.
TEST_CASE("LoRA stacks of Qwen3-4B, with embedding LoRA from 0.16", "[lora]") {
    const ModelSpec m = qwen3_4b();
    const LoraStacks now = stacks(m, 1, 16, 1, false, VllmVersion{0, 27, 1});
    CHECK(now.attention + now.mlp + now.embedding == 75948032);
    const LoraStacks before = stacks(m, 1, 16, 1, false, VllmVersion{0, 15, 0});
    CHECK(before.embedding == 0);
    CHECK(before.attention + before.mlp == 66060288);
    // Punica metadata: 56 B per batched token (5 int64 + 4 int32), B = 8192 → 458,752 B (0.44 MiB).
    CHECK(now.metadata == 458752);
}

// Qwen2.5-0.5B (no embedding_modules), r 32 (§20.1, vllm-logs-2#25): 24 x 22,912 x 32 x 2 B
// = 35,192,832 B = 0.0328 GiB.
TEST_CASE("LoRA stacks of Qwen2.5-0.5B: no embedding LoRA", "[lora]") {
    ModelSpec m = dense_model(24, 896, 14, 2, 64, 4864, 151936);
    m.model_type = "qwen2";
    const LoraStacks s = stacks(m, 1, 32, 1, false, VllmVersion{0, 11, 0});
    CHECK(s.embedding == 0);
    CHECK(s.attention + s.mlp == 35192832);
}

// MoE (§20.1): Qwen3-30B-A3B experts E x r x (3h + 3I) x 48 layers x 2 B = 128 x 16 x 8,448 x 96
// = 1,660,944,384 B (1.55 GiB per slot), plus the router (a ReplicatedLinear, lora/utils.py:
// 220-237): 48 x 16 x (2,048 + 128) x 2 B = 3,342,336 B.
TEST_CASE("LoRA stacks of MoE experts (§20.1)", "[lora]") {
    ModelSpec m = dense_model(48, 2048, 32, 4, 128, 6144, 151936);
    m.model_type = "qwen3_moe";
    m.moe.num_experts = 128;
    m.moe.top_k = 8;
    m.moe.expert_intermediate = 768;
    for (LayerSpec& l : m.layers) {
        l.moe = true;
    }
    const LoraStacks s = stacks(m, 1, 16, 1, false, VllmVersion{0, 27, 0});
    CHECK(s.mlp == 1660944384ULL + 3342336ULL);
}

// Graph cases (§20.5): one set before 0.11.1, the no-LoRA and max_loras + 1 cases from it.
TEST_CASE("LoRA CUDA-graph cases and ranks by release", "[lora]") {
    CHECK(lora_graph_cases(VllmVersion{0, 10, 0}) == 1);
    CHECK(lora_graph_cases(VllmVersion{0, 11, 1}) == 2);
    CHECK(valid_lora_rank(16, VllmVersion{0, 8, 5}));
    CHECK_FALSE(valid_lora_rank(1, VllmVersion{0, 10, 0}));
    CHECK(valid_lora_rank(1, VllmVersion{0, 12, 0}));
    CHECK_FALSE(valid_lora_rank(24, VllmVersion{0, 27, 0}));
}

// The plan: the stacks sit in the weights (§20.1), the graphs double (§20.5), the budget adds up.
TEST_CASE("A LoRA plan charges the slots to the weights and captures twice", "[lora]") {
    PlanRequest r = request(llama31_8b(), h100(), VllmVersion{0, 19, 0});
    r.max_model_len = 8192;
    const Plan base = make_plan(r);
    r.enable_lora = true;
    r.max_loras = 4;
    REQUIRE(validate(r).empty());
    const Plan lora = make_plan(r);
    REQUIRE(accounting_error(lora).empty());
    const WorkerPlan& w = lora.workers.front();
    // 4 slots x 92,356,608 B + Punica 56 x B (8192 on an H100) = 369,426,432 + 458,752.
    CHECK(w.weight_parts.lora == 369426432ULL + 458752ULL);
    CHECK(w.weights == base.workers.front().weights + w.weight_parts.lora);
    CHECK(w.cuda_graphs == 2 * base.workers.front().cuda_graphs);
    CHECK(w.kv_cache < base.workers.front().kv_cache);
    r.max_lora_rank = 24;
    CHECK(validate(r) == "--max-lora-rank 24: expected 8, 16, 32, 64, 128, 256, 320 or 512 (1 from vLLM 0.11.1)");
    r.max_lora_rank = 16;
    r.lora_dtype = "float32";
    CHECK(validate(r) == "--lora-dtype: expected auto, float16 or bfloat16");
    r.lora_dtype = "auto";
    r.tensor_parallel_size = 32;
    r.fully_sharded_loras = true;
    CHECK(validate(r).find("--fully-sharded-loras") == 0);
}

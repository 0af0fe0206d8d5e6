// Weight memory (include/vramplan/weights.hpp) against hand-counted parameters
// (reference/vllm-memory-model.md §8, §10). Every expected number is derived in a comment.
#include "../support/models.hpp"

#include <vramplan/weights.hpp>

#include <catch2/catch.hpp>

#include <cstdint>

using namespace vramplan;

// Llama-3.1-8B, per part, in elements (bf16 doubles them):
//   embedding  = 128,256 x 4,096                          =   525,336,576  (128,256 = 64 x 2,004: no padding)
//   lm_head    = same (untied)                            =   525,336,576
//   attention  = 32 x (4,096 x (4,096 + 2 x 8 x 128)  q,k,v
//                    + 4,096 x 4,096)                o
//              = 32 x (25,165,824 + 16,777,216) = 32 x 41,943,040 = 1,342,177,280
//   mlp        = 32 x 3 x 4,096 x 14,336 = 32 x 176,160,768    = 5,637,144,576
//   norms      = (2 x 32 + 1) x 4,096                          =       266,240
//   total                                                      = 8,030,261,248
//   rope cache = 131,072 x 128 x 2 B = 33,554,432 B (32 MiB)
TEST_CASE("weights: Llama-3.1-8B bf16 TP1 per part (spec §10 ex. 2)", "[weights]") {
    const ModelSpec m = test::llama31_8b();
    const WeightBreakdown w = estimate_weights(m, 2, 1, 1, 0);
    CHECK(w.embedding == 1050673152ULL);   // 525,336,576 x 2
    CHECK(w.lm_head == 1050673152ULL);     // 525,336,576 x 2
    CHECK(w.attention == 2684354560ULL);   // 1,342,177,280 x 2
    CHECK(w.mlp == 11274289152ULL);        // 5,637,144,576 x 2
    CHECK(w.norms == 532480ULL);           // 266,240 x 2
    CHECK(w.rope_cache == 33554432ULL);    // 131,072 x 128 x 2
    CHECK(w.mla_absorbed == 0);
    CHECK(w.vision == 0);
    // 8,030,261,248 x 2 + 33,554,432 = 16,060,522,496 + 33,554,432 = 16,094,076,928 (14.99 GiB).
    CHECK(w.total() == 8030261248ULL * 2 + 131072ULL * 128 * 2);
    CHECK(w.total() == 16094076928ULL);
    CHECK(count_parameters(m) == 8030261248ULL);
    // fp32: everything doubles again: 8,030,261,248 x 4 + 131,072 x 128 x 4 = 32,188,153,856.
    CHECK(estimate_weights(m, 4, 1, 1, 0).total() == 32188153856ULL);
}

TEST_CASE("weights: Llama-3.1-8B TP2 halves the sharded parts, not the norms", "[weights]") {
    const ModelSpec m = test::llama31_8b();
    const WeightBreakdown w1 = estimate_weights(m, 2, 1, 1, 0);
    const WeightBreakdown w2 = estimate_weights(m, 2, 2, 1, 0);
    // Embedding: 128,256 / 2 = 64,128 rows x 4,096 x 2 = 525,336,576.
    CHECK(w2.embedding == 525336576ULL);
    CHECK(w2.lm_head == 525336576ULL);
    // Attention: 16 heads, 4 KV heads: 32 x (4,096 x (2,048 + 1,024) + 2,048 x 4,096) x 2
    //          = 32 x (12,582,912 + 8,388,608) x 2 = 32 x 20,971,520 x 2 = 1,342,177,280.
    CHECK(w2.attention == 1342177280ULL);
    CHECK(w2.attention * 2 == w1.attention);
    // MLP: 14,336 / 2 = 7,168: 32 x 3 x 4,096 x 7,168 x 2 = 5,637,144,576.
    CHECK(w2.mlp == 5637144576ULL);
    CHECK(w2.mlp * 2 == w1.mlp);
    // Norms and the RoPE cache are replicated.
    CHECK(w2.norms == 532480ULL);
    CHECK(w2.rope_cache == 33554432ULL);
    // 525,336,576 x 2 + 1,342,177,280 + 5,637,144,576 + 532,480 + 33,554,432 = 8,064,081,920 (7.51 GiB).
    CHECK(w2.total() == 8064081920ULL);
}

TEST_CASE("weights: Llama-3.1-8B KV projections are replicated when TP > KV heads", "[weights]") {
    const ModelSpec m = test::llama31_8b();
    // TP16: 32 / 16 = 2 query heads, max(1, 8 // 16) = 1 KV head per rank:
    // q,k,v: 4,096 x (2 x 128 + 1 x 256) = 4,096 x 512 = 2,097,152; o: 256 x 4,096 = 1,048,576;
    // 32 layers x 3,145,728 x 2 B = 201,326,592.
    CHECK(estimate_weights(m, 2, 16, 1, 0).attention == 201326592ULL);
}

TEST_CASE("weights: Llama-3.1-8B PP2 stages", "[weights][pp]") {
    const ModelSpec m = test::llama31_8b();
    const WeightBreakdown s0 = estimate_weights(m, 2, 1, 2, 0);
    const WeightBreakdown s1 = estimate_weights(m, 2, 1, 2, 1);
    // Stage 0: embedding, layers 0-15, no lm_head, no final norm.
    CHECK(s0.embedding == 1050673152ULL);
    CHECK(s0.lm_head == 0);
    CHECK(s0.attention == 1342177280ULL);  // 16 x 41,943,040 x 2
    CHECK(s0.mlp == 5637144576ULL);        // 16 x 176,160,768 x 2
    CHECK(s0.norms == 262144ULL);          // 2 x 16 x 4,096 x 2
    CHECK(s0.rope_cache == 33554432ULL);
    // Stage 1: layers 16-31, final norm, lm_head (untied: no embedding).
    CHECK(s1.embedding == 0);
    CHECK(s1.lm_head == 1050673152ULL);
    CHECK(s1.norms == 270336ULL);          // (2 x 16 + 1) x 4,096 x 2
    CHECK(s1.attention == 1342177280ULL);
}

// Qwen2.5-1.5B (tied, q/k/v bias), in elements:
//   embedding = 151,936 x 1,536 = 233,373,696 (151,936 = 64 x 2,374: no padding), stored once
//   attention = 28 x (1,536 x (1,536 + 2 x 2 x 128) + (1,536 + 512) bias + 1,536 x 1,536)
//             = 28 x (3,145,728 + 2,048 + 2,359,296) = 28 x 5,507,072 = 154,198,016
//   mlp       = 28 x 3 x 1,536 x 8,960 = 28 x 41,287,680     = 1,156,055,040
//   norms     = (2 x 28 + 1) x 1,536                         =        87,552
//   total                                                    = 1,543,714,304 (spec §10 ex. 1)
TEST_CASE("weights: Qwen2.5-1.5B parameter count and bytes (spec §10 ex. 1)", "[weights]") {
    const ModelSpec m = test::qwen25_1_5b();
    CHECK(count_parameters(m) == 1543714304ULL);
    const WeightBreakdown w = estimate_weights(m, 2, 1, 1, 0);
    CHECK(w.embedding == 466747392ULL);   // 233,373,696 x 2
    CHECK(w.lm_head == 0);                // tied
    CHECK(w.attention == 308396032ULL);   // 154,198,016 x 2
    CHECK(w.mlp == 2312110080ULL);        // 1,156,055,040 x 2
    CHECK(w.norms == 175104ULL);          // 87,552 x 2
    CHECK(w.rope_cache == 8388608ULL);    // 32,768 x 128 x 2 = 8 MiB
    // 1,543,714,304 x 2 + 8 MiB = 3,087,428,608 + 8,388,608 = 3,095,817,216 (2.88 GiB).
    CHECK(w.total() == 3095817216ULL);

    // TP4 (spec: ~0.74 GiB per GPU):
    //   embedding 151,936 / 4 = 37,984 rows x 1,536 x 2 = 116,686,848
    //   attention: 3 heads, max(1, 2 // 4) = 1 KV head: q,k,v out 3 x 128 + 256 = 640;
    //              28 x (1,536 x 640 + 640 + 384 x 1,536) x 2 = 28 x 1,573,504 x 2 = 88,116,224
    //   mlp: 8,960 / 4 = 2,240: 28 x 3 x 1,536 x 2,240 x 2 = 578,027,520
    //   norms 175,104, rope 8,388,608 -> total 791,394,304
    const WeightBreakdown w4 = estimate_weights(m, 2, 4, 1, 0);
    CHECK(w4.embedding == 116686848ULL);
    CHECK(w4.attention == 88116224ULL);
    CHECK(w4.mlp == 578027520ULL);
    CHECK(w4.norms == 175104ULL);
    CHECK(w4.total() == 791394304ULL);
}

TEST_CASE("weights: the vocabulary is padded to 64 in memory but not in the parameter count", "[weights]") {
    // 1 layer, hidden 64, 1 head of 64, MLP 128, vocab 100 (padded to 128), untied.
    ModelSpec m = test::dense_model(1, 64, 1, 1, 64, 128, 100);
    const WeightBreakdown w = estimate_weights(m, 2, 1, 1, 0);
    CHECK(w.embedding == 16384ULL);   // 128 x 64 x 2
    CHECK(w.lm_head == 16384ULL);
    // Parameters: embed + lm_head 2 x 100 x 64 = 12,800; q,k,v 64 x 192 = 12,288; o 64 x 64 = 4,096;
    // MLP 64 x 256 + 128 x 64 = 24,576; norms 3 x 64 = 192 -> 53,952.
    CHECK(count_parameters(m) == 53952ULL);
}

TEST_CASE("weights: GPTQ 4-bit group-128 linears", "[weights][quant]") {
    // One layer, hidden 4096, 32 heads = 32 KV heads x 128 (MHA), no MLP, vocab 64 (tied).
    // Its attention is four 4096 x 4096 linears: q, k, v (fused, out 12,288) and o.
    ModelSpec m = test::dense_model(1, 4096, 32, 32, 128, 0, 64);
    m.tie_word_embeddings = true;
    m.quant.method = QuantMethod::int4_group;
    m.quant.name = "gptq";
    m.quant.bits = 4;
    m.quant.group_size = 128;
    m.quant.zero_point = false;
    // One 4096 x 4096 linear: 4096 x 4096 / 2 packed + (4096 / 128) x 4096 x 2 fp16 scales
    //                       = 8,388,608 + 262,144 = 8,650,752 (no zero points when sym).
    const std::uint64_t one_linear = 4096ULL * 4096 / 2 + (4096ULL / 128) * 4096 * 2;
    CHECK(one_linear == 8650752ULL);
    const WeightBreakdown w = estimate_weights(m, 2, 1, 1, 0);
    // q,k,v: 4096 x 12288 / 2 + 32 x 12288 x 2 = 25,165,824 + 786,432 = 25,952,256 = 3 x 8,650,752.
    CHECK(w.attention == 4 * one_linear);      // 34,603,008
    CHECK(w.attention == 34603008ULL);
    // The embedding stays in the model dtype: 64 x 4096 x 2 = 524,288.
    CHECK(w.embedding == 524288ULL);
    // Norms are never quantized: (2 + 1) x 4096 x 2 = 24,576.
    CHECK(w.norms == 24576ULL);

    // Asymmetric (GPTQ sym=false): + packed zero points 32 groups x 4096 x 4 bits / 8 = 65,536 per linear.
    m.quant.zero_point = true;
    CHECK(estimate_weights(m, 2, 1, 1, 0).attention == 4 * (one_linear + 65536));  // 34,865,152
    // 8-bit GPTQ, sym: 4096 x 4096 x 1 + 262,144 = 17,039,360 per linear.
    m.quant.zero_point = false;
    m.quant.bits = 8;
    CHECK(estimate_weights(m, 2, 1, 1, 0).attention == 4 * 17039360ULL);
}

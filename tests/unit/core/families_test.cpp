// Today's model families and KV dtypes (issue 14 item 3): Gemma-4 (KV shared across layers,
// per-layer embeddings, 512-wide global heads, K = V layers), and the packed KV dtypes
// (per-token-head int8/fp8/int4, nvfp4). Every expected number is worked by hand in the comment
// next to it, from vLLM's formulas (files cited in src/core/kv_dtype.cpp, kv.cpp, weights.cpp).
#include "../support/models.hpp"

#include <vramplan/kv.hpp>
#include <vramplan/kv_dtype.hpp>
#include <vramplan/plan.hpp>
#include <vramplan/weights.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

using namespace vramplan;

namespace {

KvOptions opts(KvQuantMode mode = KvQuantMode::none, std::uint64_t element_bytes = 2) {
    KvOptions o;
    o.tp = 1;
    o.element_bytes = element_bytes;
    o.quant_mode = mode;
    o.block_size = 16;
    o.hybrid_group_ratio = 1.5;
    return o;
}

/// Gemma-4 E2B as its config.json gives it (shared/reference/configs/google--gemma-4-E2B-it):
/// 35 layers, hidden 1536, 8 heads, 1 KV head, head_dim 256, global_head_dim 512 (k_eq_v off, so
/// full layers keep 1 KV head), sliding window 512, every 5th layer full, the last 20 layers
/// KV-shared with double-wide MLPs (6144 -> 12288), PLE 256 over a 262144 vocabulary, tied.
ModelSpec gemma4_e2b() {
    ModelSpec m = test::dense_model(35, 1536, 8, 1, 256, 6144, 262144);
    m.architecture = "Gemma4ForConditionalGeneration";
    m.model_type = "gemma4_text";
    m.tie_word_embeddings = true;
    m.attention.qk_norm = true;
    m.norms_per_layer = 4;
    m.rotary_dim = 256 + 512;
    m.rope_max_positions = 131072;
    m.ple = {256, 262144};
    for (std::uint64_t i = 0; i < 35; ++i) {
        LayerSpec& l = m.layers[i];
        if ((i + 1) % 5 == 0) {
            l.attention = LayerAttention::full;
            l.head_dim = 512;
        } else {
            l.attention = LayerAttention::sliding;
            l.window = 512;
        }
        if (i >= 15) {
            l.kv_shared = true;
            l.intermediate_size = 12288;
        }
    }
    return m;
}

} // namespace

TEST_CASE("kv dtype: bytes per KV head and token, scales included", "[kv][dtype]") {
    // head_size 128, K and V:
    // bf16: (128 + 128) x 2 = 512.
    CHECK(kv_head_token_bytes(KvQuantMode::none, 2, 128, 128) == 512);
    // fp8 (per tensor): 256 x 1 = 256.
    CHECK(kv_head_token_bytes(KvQuantMode::fp8_per_tensor, 1, 128, 128) == 256);
    // int8/fp8_per_token_head (triton_attn.py customize_spec): 256 x 1 + 2 fp32 scales = 264.
    CHECK(kv_head_token_bytes(KvQuantMode::int8_per_token_head, 1, 128, 128) == 264);
    CHECK(kv_head_token_bytes(KvQuantMode::fp8_per_token_head, 1, 128, 128) == 264);
    // int4_per_token_head: 64 + 64 bytes of packed int4 + 2 x 4 = 136.
    CHECK(kv_head_token_bytes(KvQuantMode::int4_per_token_head, 1, 128, 128) == 136);
    // nvfp4 (flashinfer.py customize_spec, nvfp4_kv_cache_full_dim): per side 128/2 + 128/16 = 72;
    // K and V slots: 144 (3.56x smaller than bf16).
    CHECK(kv_head_token_bytes(KvQuantMode::nvfp4, 1, 128, 128) == 144);
    // head_size 64 (gpt-oss): nvfp4 32 + 4 = 36 per side, 72.
    CHECK(kv_head_token_bytes(KvQuantMode::nvfp4, 1, 64, 64) == 72);
}

TEST_CASE("kv dtype: Llama-3.1-8B page with nvfp4 and int4_per_token_head", "[kv][dtype]") {
    const ModelSpec m = test::llama31_8b();
    // 32 layers x 8 KV heads x 144 B = 36,864 B/token (bf16: 131,072); page 16 x 8 x 144 = 18,432.
    const KvGeometry nv = kv_geometry(m, opts(KvQuantMode::nvfp4, 1));
    CHECK(nv.bytes_per_token == 36864);
    REQUIRE(nv.types.size() == 1);
    CHECK(nv.types[0].page_bytes == 18432);
    // int4_per_token_head: 32 x 8 x 136 = 34,816; page 16 x 8 x 136 = 17,408.
    const KvGeometry i4 = kv_geometry(m, opts(KvQuantMode::int4_per_token_head, 1));
    CHECK(i4.bytes_per_token == 34816);
    CHECK(i4.types[0].page_bytes == 17408);
    // Unchanged for bf16: 32 x 8 x 512 = 131,072.
    CHECK(kv_geometry(m, opts()).bytes_per_token == 131072);
}

TEST_CASE("kv dtype: names vLLM accepts, by release", "[kv][dtype]") {
    CHECK(kv_cache_dtype_problem("auto", {0, 10, 0}).empty());
    CHECK(kv_cache_dtype_problem("fp8_e5m2", {0, 21, 0}).empty());
    // int4_per_token_head: #40835, first in 0.25.
    CHECK(kv_cache_dtype_problem("int4_per_token_head", {0, 25, 0}).empty());
    CHECK(kv_cache_dtype_problem("int4_per_token_head", {0, 24, 0}) ==
          "--kv-cache-dtype int4_per_token_head: vLLM accepts it from 0.25.0 (#40835 (2026-06-24)), not in 0.24.0");
    // nvfp4 from 0.21, nvfp4_4over6 from 0.28 (#45187).
    CHECK(kv_cache_dtype_problem("nvfp4", {0, 21, 0}).empty());
    CHECK_FALSE(kv_cache_dtype_problem("nvfp4_4over6", {0, 27, 1}).empty());
    CHECK(kv_cache_dtype_problem("nvfp4_4over6", {0, 28, 0}).empty());
    CHECK(kv_quant_mode("nvfp4_4over6") == KvQuantMode::nvfp4);
    CHECK(kv_quant_mode("bfloat16") == KvQuantMode::none);
    // Accepted by vLLM, not sized by vramplan.
    CHECK(kv_cache_dtype_problem("turboquant_k8v4", {0, 30, 0}).find("does not size") != std::string::npos);
    CHECK(kv_cache_dtype_problem("fp4", {0, 30, 0}).rfind("--kv-cache-dtype: expected auto, float16, bfloat16, fp8,", 0) == 0);
}

TEST_CASE("gemma-4 E2B: KV-shared layers hold no KV, global pages unify the sliding block size", "[kv][gemma4]") {
    const KvGeometry g = kv_geometry(gemma4_e2b(), opts());
    // Layers 0..14 own KV (15 = 35 - num_kv_shared_layers 20): full at 4, 9, 14 (3), sliding 12.
    // Sliding token: 1 KV head x (256 + 256) x 2 B = 1,024; full: 1 x (512 + 512) x 2 = 2,048.
    REQUIRE(g.types.size() == 2);
    const KvLayerType& sliding = g.types[0];
    const KvLayerType& full = g.types[1];
    CHECK(sliding.attention == LayerAttention::sliding);
    CHECK(sliding.layers == 12);
    CHECK(full.layers == 3);
    // Pages at block 16: sliding 16,384, full 32,768. unify_kv_cache_spec_page_size doubles the
    // sliding block size: 32 tokens, page 32,768.
    CHECK(full.page_bytes == 32768);
    CHECK(full.block_size == 16);
    CHECK(sliding.page_bytes == 32768);
    CHECK(sliding.block_size == 32);
    // Bytes per token: 12 x 32,768 / 32 + 3 x 32,768 / 16 = 12,288 + 6,144 = 18,432.
    CHECK(g.bytes_per_token == 18432);
    // Groups: min(12, 3) = 3 layers (12 >= 1.5 x 3); 12/3 + 3/3 = 5 groups.
    CHECK(g.group_size == 3);
    CHECK(g.num_groups == 5);
    // A block id is one 32,768 B page in each of 3 pools: 98,304 B per block.
    const auto counts = stage_layer_counts(gemma4_e2b(), g, 1, 0);
    CHECK(counts == std::vector<std::uint64_t>{12, 3});
    CHECK(worker_block_bytes(g, counts) == 98304);
    // Blocks per request at L = 8192, B = 8192: full cdiv(8192, 16) = 512; each of 4 sliding groups
    // cdiv(min(512 - 1 + 8192, 8192), 32) + 1 = 257: 512 + 1,028 = 1,540.
    const KvCapacity c = kv_capacity(g, 15400, 8192, 8192, TokenRule::concurrency_times_len);
    CHECK(c.blocks_per_request == 1540);
    CHECK(c.max_concurrency == Approx(10.0));
    // ≤ 0.20 token rule: num_blocks // groups x the smallest block size = 15400 / 5 x 16 = 49,280.
    CHECK(kv_capacity(g, 15400, 8192, 8192, TokenRule::blocks_times_block_size).tokens == 49280);
}

TEST_CASE("gemma-4 12B: K = V global layers with one KV head, sliding layers with eight", "[kv][gemma4]") {
    // 48 layers, every 6th full (8 full, 40 sliding, window 1024); sliding 8 KV heads x 256,
    // full (attention_k_eq_v) num_global_key_value_heads 1 x global_head_dim 512.
    ModelSpec m = test::dense_model(48, 3840, 16, 8, 256, 15360, 262144);
    for (std::uint64_t i = 0; i < 48; ++i) {
        LayerSpec& l = m.layers[i];
        if ((i + 1) % 6 == 0) {
            l.head_dim = 512;
            l.num_kv_heads = 1;
        } else {
            l.attention = LayerAttention::sliding;
            l.window = 1024;
        }
    }
    const KvGeometry g = kv_geometry(m, opts());
    // The KV page holds K and V (vLLM loads K into both slots; nothing is deduplicated):
    // sliding 8 x 512 x 2 = 8,192 B/token, page 131,072; full 1 x 1,024 x 2 = 2,048 B/token,
    // page 32,768 -> block 64, page 131,072.
    REQUIRE(g.types.size() == 2);
    CHECK(g.types[0].page_bytes == 131072);
    CHECK(g.types[0].block_size == 16);
    CHECK(g.types[1].page_bytes == 131072);
    CHECK(g.types[1].block_size == 64);
    // 40 x 8,192 + 8 x 2,048 = 344,064 B/token.
    CHECK(g.bytes_per_token == 344064);
    // Groups of 8 layers: 5 sliding + 1 full.
    CHECK(g.num_groups == 6);
    // L = 8192, B = 8192: full cdiv(8192, 64) = 128; sliding 5 x (cdiv(8192, 16) + 1) = 2,565.
    CHECK(kv_capacity(g, 26930, 8192, 8192, TokenRule::concurrency_times_len).blocks_per_request == 2693);
}

TEST_CASE("gemma-4 E2B weights: per-layer embeddings, double-wide MLPs, 512-wide global heads", "[weights][gemma4]") {
    const WeightBreakdown w = estimate_weights(gemma4_e2b(), 2, 1, 1, 0);
    // Embedding 262,144 x 1,536 x 2 = 805,306,368; PLE table 262,144 x (35 x 256 = 8,960) x 2 =
    // 4,697,620,480; per_layer_model_projection 1,536 x 8,960 x 2 = 27,525,120; its norm 256 x 2 = 512.
    CHECK(w.embedding == 805306368ULL + 4697620480ULL + 27525120ULL + 512ULL);
    // Sliding attention: qkv 1,536 x (8 x 256 + 1 x 512) x 2 = 7,864,320, o 2,048 x 1,536 x 2 =
    // 6,291,456, q/k norms 2 x 256 x 2 = 1,024 -> 14,156,800; full: qkv 1,536 x (8 x 512 + 1,024) x 2
    // = 15,728,640, o 4,096 x 1,536 x 2 = 12,582,912, norms 2,048 -> 28,313,600.
    // 28 sliding + 7 full = 396,390,400 + 198,195,200 = 594,585,600.
    CHECK(w.attention == 594585600ULL);
    // MLP 3 x 1,536 x 6,144 x 2 = 56,623,104 (15 layers), 113,246,208 (20 shared layers), plus the
    // PLE gate and projection 2 x 1,536 x 256 x 2 = 1,572,864 per layer:
    // 849,346,560 + 2,264,924,160 + 55,050,240 = 3,169,320,960.
    CHECK(w.mlp == 3169320960ULL);
    // Norms: (4 + post-PLE 1) x 1,536 x 2 = 15,360 per layer x 35 + final 3,072 = 540,672.
    CHECK(w.norms == 540672ULL);
    // Tied: no lm_head. RoPE caches 131,072 x (256 + 512) x 2 = 201,326,592.
    CHECK(w.lm_head == 0);
    CHECK(w.rope_cache == 201326592ULL);
    // 9,496,226,304 B = 8.84 GiB.
    CHECK(w.total() == 9496226304ULL);
}

TEST_CASE("gpt-oss MXFP4 experts: padding by kernel (Triton/TRT-LLM 256, Marlin 128)", "[weights][mxfp4]") {
    // One gpt-oss-20b MoE layer: hidden 2880, 32 experts of 2880, biases, router with bias.
    ModelSpec m = test::dense_model(1, 2880, 64, 8, 64, 2880, 201088);
    m.moe.num_experts = 32;
    m.moe.top_k = 4;
    m.moe.expert_intermediate = 2880;
    m.moe.router_bias = true;
    m.mlp_bias = true;
    m.layers[0].moe = true;
    m.quant.method = QuantMethod::mxfp4;
    m.quant.bits = 4;
    // SM 9.0-10.x kernels: inter 3072, hidden 3072. gate_up 3072 x 6144 = 18,874,368 elements ->
    // 9,437,184 B + e8m0 scales / 32 = 589,824 -> 10,027,008; down 3072 x 3072 -> 4,718,592 + 294,912
    // = 5,013,504; biases (6144 + 3072) x 2 = 18,432: 15,058,944 per expert x 32 = 481,886,208;
    // router 2880 x 32 x 2 = 184,320 + bias 64: 482,070,592.
    CHECK(estimate_weights(m, 2, 1, 1, 0).mlp == 482070592ULL);
    // Marlin (RTX 50xx, A100, …): inter round_up(2880, 128) = 2944, hidden 3072. gate_up 3072 x 5888
    // = 18,087,936 -> 9,043,968 + 565,248 = 9,609,216; down 2944 x 3072 = 9,043,968 -> 4,521,984 +
    // 282,624 = 4,804,608; biases (5888 + 3072) x 2 = 17,920: 14,431,744 x 32 = 461,815,808 + 184,384
    // = 462,000,192 (20,070,400 B less per layer; 24 layers: 0.45 GiB, record vllm-logs-4#18).
    m.quant.mxfp4_marlin = true;
    CHECK(estimate_weights(m, 2, 1, 1, 0).mlp == 462000192ULL);
}

TEST_CASE("weights error bar: an incomplete quantization_config covers the other reading", "[weights][quant]") {
    // Llama-3.1-8B as W4A16 g128 symmetric: complete config, no widening.
    ModelSpec m = test::llama31_8b();
    m.quant.method = QuantMethod::int4_group;
    m.quant.bits = 4;
    m.quant.group_size = 128;
    CHECK(quant_layout_uncertainty(m, 2, 1, 1, 0) == 0);
    // No `ignore` list: attention may stay bf16. Per layer qkv 4096 x 6144 and o 4096 x 4096:
    // bf16 (25,165,824 + 16,777,216) x 2 = 83,886,080; int4 g128: packed 41,943,040 / 2 =
    // 20,971,520 + fp16 scales (32 x 6144 + 32 x 4096) x 2 = 655,360 -> 21,626,880. Difference
    // 62,259,200 x 32 layers = 1,992,294,400 B.
    m.quant.unsure_ignore = true;
    CHECK(quant_layout_uncertainty(m, 2, 1, 1, 0) == 1992294400ULL);
    // No `sym` key: zero points (4 bits per group and output) are the other reading. Per layer:
    // qkv 32 x 6144, o 32 x 4096, gate_up 32 x 28672, down 112 x 4096 groups x outputs:
    // (196,608 + 131,072 + 917,504 + 458,752) / 2 = 851,968 B x 32 = 27,262,976.
    m.quant.unsure_ignore = false;
    m.quant.unsure_zero_point = true;
    CHECK(quant_layout_uncertainty(m, 2, 1, 1, 0) == 27262976ULL);
}

TEST_CASE("NVFP4 weights: fp4 values, swizzled fp8 scales per 16, two fp32 global scales", "[weights][nvfp4]") {
    // One Llama-3.1-8B layer stored NVFP4 (ModelOpt or compressed-tensors nvfp4-pack-quantized).
    ModelSpec m = test::dense_model(1, 4096, 32, 8, 128, 14336, 128256);
    m.quant.method = QuantMethod::nvfp4;
    m.quant.bits = 4;
    m.quant.group_size = 16;
    const WeightBreakdown w = estimate_weights(m, 2, 1, 1, 0);
    // qkv 4096 -> 6144: 25,165,824 / 2 = 12,582,912 + scales round_up(6144, 128) x round_up(256, 4)
    // = 1,572,864 + 8 = 14,155,784; o 4096 -> 4096: 8,388,608 + 1,048,576 + 8 = 9,437,192.
    CHECK(w.attention == 23592976ULL);
    // gate_up 4096 -> 28672: 58,720,256 + 28,672 x 256 = 7,340,032 + 8 = 66,060,296; down 14336 ->
    // 4096: 29,360,128 + 4,096 x round_up(896, 4) = 3,670,016 + 8 = 33,030,152.
    CHECK(w.mlp == 99090448ULL);
}

TEST_CASE("MXFP4 kernel padding comes on top of an exact checkpoint size", "[plan][mxfp4]") {
    // One MoE layer as above, no other parameters that the checkpoint size would rescale much.
    ModelSpec m = test::dense_model(1, 2880, 64, 8, 64, 2880, 201088);
    m.moe.num_experts = 32;
    m.moe.top_k = 4;
    m.moe.expert_intermediate = 2880;
    m.moe.router_bias = true;
    m.mlp_bias = true;
    m.layers[0].moe = true;
    m.quant.method = QuantMethod::mxfp4;
    m.quant.bits = 4;
    // On an A10 (SM 8.6: Marlin) the resident experts are padded (462,000,192 B, above). A
    // checkpoint of exactly the unpadded size (estimate with as_stored) keeps that padding: the
    // scale is 1 and the weights equal the padded estimate.
    ModelSpec stored = m;
    stored.quant.as_stored = true;
    const WeightBreakdown as_stored = estimate_weights(stored, 2, 1, 1, 0);
    PlanRequest r = test::request(m, test::a10(), VllmVersion{0, 21, 0});
    r.max_model_len = 4096;
    r.checkpoint_bytes = as_stored.total() - as_stored.rope_cache;
    const Plan p = make_plan(r);
    REQUIRE(p.workers.size() == 1);
    CHECK(p.workers[0].weight_parts.mlp == 462000192ULL);
    // Unpadded experts: gate_up 2880 x 5760 -> 8,294,400 + 518,400; down 2880 x 2880 -> 4,147,200 +
    // 259,200; biases (5760 + 2880) x 2 = 17,280: 13,236,480 x 32 + 184,384 = 423,751,744 B stored.
    CHECK(as_stored.mlp == 423751744ULL);
}

// KV-cache geometry, blocks, tokens and concurrency (include/vramplan/kv.hpp), against the worked
// examples of reference/vllm-memory-model.md §1.3–§1.5, §5 and §10. Every expected number is
// derived by hand in the comment next to it.
#include "../support/models.hpp"

#include <vramplan/kv.hpp>
#include <vramplan/weights.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

using namespace vramplan;
using vramplan::test::GiB;

namespace {

KvOptions opts(std::uint32_t tp, std::uint64_t element_bytes = 2, std::uint64_t block = 16, double ratio = 1.5) {
    KvOptions o;
    o.tp = tp;
    o.element_bytes = element_bytes;
    o.block_size = block;
    o.hybrid_group_ratio = ratio;
    return o;
}

/// llround(x * 2^30): a logged "x GiB" turned back into bytes.
SignedBytes gib_bytes(double x) { return static_cast<SignedBytes>(std::llround(x * static_cast<double>(GiB))); }

} // namespace

// ---------------------------------------------------------------- Example 1: Qwen2.5-1.5B

TEST_CASE("kv: Qwen2.5-1.5B bytes per token, TP replication, fp8, page size (spec §10 ex. 1)", "[kv]") {
    const ModelSpec m = test::qwen25_1_5b();

    const KvGeometry g1 = kv_geometry(m, opts(1));
    // 28 layers x 2 (K and V) x 2 KV heads x 128 x 2 B = 28,672 B/token.
    CHECK(g1.bytes_per_token == 28672);
    REQUIRE(g1.types.size() == 1);
    // Page per layer at block 16: 16 x 2 x 2 x 128 x 2 = 16,384 B.
    CHECK(g1.types[0].page_bytes == 16384);
    CHECK(g1.types[0].layers == 28);
    CHECK(g1.types[0].attention == LayerAttention::full);
    CHECK_FALSE(g1.hybrid);
    CHECK(g1.num_groups == 1);
    CHECK(g1.group_size == 28);
    CHECK(g1.block_size == 16);

    // TP=4: max(1, 2 // 4) = 1 KV head per GPU (replicated): 28 x 2 x 1 x 128 x 2 = 14,336, not 7,168.
    CHECK(kv_geometry(m, opts(4)).bytes_per_token == 14336);
    // TP=2: 2 // 2 = 1 head: also 14,336.
    CHECK(kv_geometry(m, opts(2)).bytes_per_token == 14336);
    // fp8 KV (1 byte): 28 x 2 x 2 x 128 x 1 = 14,336.
    CHECK(kv_geometry(m, opts(1, 1)).bytes_per_token == 14336);
    // fp32 KV (4 bytes): 57,344.
    CHECK(kv_geometry(m, opts(1, 4)).bytes_per_token == 57344);
    // Block 32 doubles the page (32 x 2 x 2 x 128 x 2 = 32,768) but not the bytes per token.
    const KvGeometry g32 = kv_geometry(m, opts(1, 2, 32));
    CHECK(g32.types[0].page_bytes == 32768);
    CHECK(g32.bytes_per_token == 28672);
}

// ---------------------------------------------------------------- Example 2: Llama-3.1-8B

TEST_CASE("kv: Llama-3.1-8B bytes per token over TP (spec §10 ex. 2)", "[kv]") {
    const ModelSpec m = test::llama31_8b();
    // 32 x 2 x 8 x 128 x 2 = 131,072 B/token.
    CHECK(kv_geometry(m, opts(1)).bytes_per_token == 131072);
    // TP2: 4 heads -> 65,536; TP8: 1 head -> 16,384; TP16: max(1, 8 // 16) = 1 -> 16,384.
    CHECK(kv_geometry(m, opts(2)).bytes_per_token == 65536);
    CHECK(kv_geometry(m, opts(8)).bytes_per_token == 16384);
    CHECK(kv_geometry(m, opts(16)).bytes_per_token == 16384);
    // fp8 halves it: 65,536.
    CHECK(kv_geometry(m, opts(1, 1)).bytes_per_token == 65536);
    // Page per layer: 16 x 2 x 8 x 128 x 2 = 65,536.
    CHECK(kv_geometry(m, opts(1)).types.at(0).page_bytes == 65536);
}

TEST_CASE("kv: Llama-3.1-8B blocks, tokens and concurrency from 58.11 GiB (spec §10 ex. 2)", "[kv]") {
    const ModelSpec m = test::llama31_8b();
    const KvGeometry g = kv_geometry(m, opts(1));
    const std::vector<std::uint64_t> all32{32};
    CHECK(stage_layer_counts(m, g, 1, 0) == all32);

    // llround(58.11 x 2^30) = llround(62,395,137,392.64) = 62,395,137,393 bytes.
    const SignedBytes logged = gib_bytes(58.11);
    CHECK(logged == 62395137393LL);
    // One block over all 32 layers is 32 x 65,536 = 2,097,152 B. 29,752 x 2,097,152 = 62,394,466,304
    // <= 62,395,137,393 < 29,753 x 2,097,152 = 62,396,563,456, so the rounded log value gives
    // 29,752 blocks. The real run logged 476,016 tokens = 29,751 blocks: vLLM's unrounded KV memory
    // was in [29,751 x 2 MiB, 29,752 x 2 MiB) = [58.1074, 58.1094) GiB, which also prints "58.11".
    CHECK(worker_num_blocks(g, all32, logged) == 29752);
    // 58.108 GiB = llround(62,392,989,908.99) = 62,392,989,909, in that interval -> 29,751 blocks.
    const SignedBytes real = gib_bytes(58.108);
    CHECK(real == 62392989909LL);
    const std::uint64_t blocks = worker_num_blocks(g, all32, real);
    CHECK(blocks == 29751);
    // Boundaries: 29,751 x 2,097,152 = 62,392,369,152 is the least byte count giving 29,751 blocks.
    CHECK(worker_num_blocks(g, all32, 62392369152LL) == 29751);
    CHECK(worker_num_blocks(g, all32, 62392369151LL) == 29750);

    // L = 8192, B = 8192 (serve defaults on H100).
    const KvCapacity c = kv_capacity(g, 29751, 8192, 8192, TokenRule::blocks_times_block_size);
    CHECK(c.num_blocks == 29751);
    CHECK(c.blocks_per_request == 512);            // cdiv(8192, 16)
    CHECK(c.tokens == 476016);                     // 29,751 // 1 x 16
    CHECK(c.max_concurrency == Approx(58.107421875).epsilon(1e-12)); // 29,751 / 512, exact in binary
    CHECK(std::fabs(c.max_concurrency - 29751.0 / 512.0) < 1e-9);

    // Same memory with L = 32768: 29,751 / 2,048 = 14.52685546875; tokens unchanged.
    const KvCapacity c32 = kv_capacity(g, 29751, 32768, 8192, TokenRule::blocks_times_block_size);
    CHECK(c32.blocks_per_request == 2048);         // cdiv(32768, 16)
    CHECK(c32.tokens == 476016);
    CHECK(std::fabs(c32.max_concurrency - 14.52685546875) < 1e-9);

    // fp8 KV (real run): 59,502 blocks -> 952,032 tokens, 59,502 / 512 = 116.21x.
    const KvGeometry g8 = kv_geometry(m, opts(1, 1));
    CHECK(g8.types.at(0).page_bytes == 32768);     // 16 x 2 x 8 x 128 x 1
    // 2 x 29,751 = 59,502 blocks from the same (unrounded) memory: 62,392,989,909 // 32,768 // 32 = 59,502.
    CHECK(worker_num_blocks(g8, all32, real) == 59502);
    const KvCapacity c8 = kv_capacity(g8, 59502, 8192, 8192, TokenRule::blocks_times_block_size);
    CHECK(c8.tokens == 952032);                    // 59,502 x 16
    CHECK(std::fabs(c8.max_concurrency - 116.21484375) < 1e-9); // 59,502 / 512
}

TEST_CASE("kv: worker_num_blocks is zero when nothing is available", "[kv]") {
    const ModelSpec m = test::llama31_8b();
    const KvGeometry g = kv_geometry(m, opts(1));
    CHECK(worker_num_blocks(g, {32}, 0) == 0);
    CHECK(worker_num_blocks(g, {32}, -1) == 0);
    CHECK(worker_num_blocks(g, {32}, -5LL * static_cast<SignedBytes>(GiB)) == 0);
    CHECK(worker_num_blocks(g, {32}, 2097151) == 0); // one byte short of one block
    CHECK(worker_num_blocks(g, {32}, 2097152) == 1);
}

TEST_CASE("kv: request bytes of a uniform model (spec §1.5)", "[kv]") {
    const ModelSpec m = test::llama31_8b();
    const KvGeometry g = kv_geometry(m, opts(1));
    // needed = num_layers x page x cdiv(L, 16) = 32 x 65,536 x 8,192 = 17,179,869,184 (16 GiB) at L = 131072.
    CHECK(worker_request_bytes(g, {32}, 131072, 2048) == 17179869184ULL);
    // L = 8192: 32 x 65,536 x 512 = 1,073,741,824 (1 GiB).
    CHECK(worker_request_bytes(g, {32}, 8192, 8192) == 1073741824ULL);
    // L = 8193: 513 blocks -> 32 x 65,536 x 513 = 1,075,838,976.
    CHECK(worker_request_bytes(g, {32}, 8193, 8192) == 1075838976ULL);
    // Qwen2.5-1.5B, spec §10 ex. 1: 28 x 16,384 x 2,048 = 939,524,096 = 0.875 GiB at L = 32768.
    const ModelSpec q = test::qwen25_1_5b();
    CHECK(worker_request_bytes(kv_geometry(q, opts(1)), {28}, 32768, 8192) == 939524096ULL);
}

// ---------------------------------------------------------------- Example 3: DeepSeek-V2-Lite (MLA)

TEST_CASE("kv: DeepSeek-V2-Lite MLA latent cache (spec §10 ex. 3)", "[kv]") {
    const ModelSpec m = test::deepseek_v2_lite();
    const KvGeometry g1 = kv_geometry(m, opts(1));
    // One latent of 512 + 64 = 576 elements x 2 B = 1,152 B per layer per token;
    // 27 x 1,152 = 31,104 B/token.
    CHECK(g1.bytes_per_token == 31104);
    // Independent of TP: the latent is replicated on every rank.
    CHECK(kv_geometry(m, opts(4)).bytes_per_token == 31104);
    CHECK(kv_geometry(m, opts(8)).bytes_per_token == 31104);
    REQUIRE(g1.types.size() == 1);
    CHECK(g1.types[0].attention == LayerAttention::mla);
    // Page per layer at block 16: 16 x 576 x 2 = 18,432 B.
    CHECK(g1.types[0].page_bytes == 18432);
    // fp8 KV: 27 x 576 = 15,552 B/token.
    CHECK(kv_geometry(m, opts(1, 1)).bytes_per_token == 15552);
    // fp8_ds_mla: 656 B per layer per token -> 27 x 656 = 17,712.
    KvOptions ds = opts(1, 1);
    ds.fp8_ds_mla = true;
    CHECK(kv_geometry(m, ds).bytes_per_token == 17712);

    const std::vector<std::uint64_t> all27{27};
    // llround(43.61 x 2^30) = llround(46,825,880,944.64) = 46,825,880,945.
    // One block over all layers is 27 x 18,432 = 497,664 B; 46,825,880,945 // 18,432 // 27 = 94,091
    // (94,091 x 497,664 = 46,825,703,424 <= it < 94,092 x 497,664 = 46,826,201,088).
    const SignedBytes logged = gib_bytes(43.61);
    CHECK(logged == 46825880945LL);
    CHECK(worker_num_blocks(g1, all27, logged) == 94091);
    // The real run logged 94,097 blocks: its unrounded memory was >= 94,097 x 497,664
    // = 46,828,689,408 B = 43.6126 GiB, which also prints "43.61".
    CHECK(worker_num_blocks(g1, all27, 46828689408LL) == 94097);
    CHECK(worker_num_blocks(g1, all27, 46828689407LL) == 94096);
    const KvCapacity c = kv_capacity(g1, 94097, 8192, 8192, TokenRule::blocks_times_block_size);
    CHECK(c.tokens == 1505552);                  // 94,097 x 16
    CHECK(c.blocks_per_request == 512);          // cdiv(8192, 16)
    CHECK(std::fabs(c.max_concurrency - 183.783203125) < 1e-9); // 94,097 / 512 (printed 183.78x)
}

// ---------------------------------------------------------------- Hybrid: Gemma-3-27B

TEST_CASE("kv: Gemma-3-27B hybrid grouping (spec §5.4)", "[kv][hybrid]") {
    const ModelSpec m = test::gemma3_27b();
    const KvGeometry g = kv_geometry(m, opts(1, 2, 16, 1.5));
    REQUIRE(g.types.size() == 2);
    // Layer 0 is sliding, so the sliding type comes first. Full layers are i = 5, 11, ..., 59: 10 of
    // them; the other 62 - 10 = 52 are sliding.
    CHECK(g.types[0].attention == LayerAttention::sliding);
    CHECK(g.types[0].window == 1024);
    CHECK(g.types[0].layers == 52);
    CHECK(g.types[1].attention == LayerAttention::full);
    CHECK(g.types[1].layers == 10);
    CHECK(g.hybrid);
    // min = 10, max = 52; 52 < 1.5 x 10 = 15 is false -> group_size = min = 10.
    CHECK(g.group_size == 10);
    // cdiv(52, 10) = 6 sliding groups (8 padding layers) + cdiv(10, 10) = 1 full group = 7.
    CHECK(g.num_groups == 7);
    // Page: 16 x 2 x 16 x 128 x 2 = 131,072 for both types.
    CHECK(g.types[0].page_bytes == 131072);
    CHECK(g.types[1].page_bytes == 131072);
    // Bytes per token over all 62 layers: 62 x 2 x 16 x 128 x 2 = 507,904.
    CHECK(g.bytes_per_token == 507904);

    // num_blocks = avail // (page x group_size) = avail // 1,310,720.
    const std::vector<std::uint64_t> counts = stage_layer_counts(m, g, 1, 0);
    CHECK(counts == std::vector<std::uint64_t>{52, 10});
    // 15,996 x 1,310,720 = 20,966,277,120 (19.5264 GiB, logged 19.53).
    CHECK(worker_num_blocks(g, counts, 20966277120LL) == 15996);
    CHECK(worker_num_blocks(g, counts, 20966277119LL) == 15995);
    // llround(19.53 x 2^30) = 20,970,177,823 // 1,310,720 = 15,998 (15,998 x 1,310,720 = 20,968,898,560).
    CHECK(worker_num_blocks(g, counts, gib_bytes(19.53)) == 15998);

    // L = 8192, B = 8192: full cdiv(8192, 16) = 512; sliding cdiv(min(1023 + 8192, 8192), 16) + 1 = 513.
    // Blocks per request = 512 + 6 x 513 = 3,590.
    const KvCapacity c = kv_capacity(g, 15996, 8192, 8192, TokenRule::blocks_times_block_size);
    CHECK(c.blocks_per_request == 3590);
    // Tokens (<= v0.20): 15,996 // 7 x 16 = 2,285 x 16 = 36,560.
    CHECK(c.tokens == 36560);
    // 15,996 / 3,590 = 4.455710306... (printed 4.46x).
    CHECK(c.max_concurrency == Approx(4.4557103064).epsilon(1e-9));
    CHECK(std::fabs(c.max_concurrency - 15996.0 / 3590.0) < 1e-12);

    // v0.21+: int(max_concurrency x L) = floor(15,996 x 8,192 / 3,590) = floor(131,039,232 / 3,590)
    // = floor(36,501.17...) = 36,501.
    const KvCapacity c21 = kv_capacity(g, 15996, 8192, 8192, TokenRule::concurrency_times_len);
    CHECK(c21.tokens == 36501);

    // Per-layer request bytes: sliding at L = 8192, B = 8192: 513 pages = 513 x 131,072 = 67,239,936.
    CHECK(layer_request_bytes(g.types[0], 16, 8192, 8192) == 67239936ULL);
    // Short request, L = 1000, B = 2048: sliding min(1023 + 2048, 1000) = 1000 -> cdiv(1000, 16) + 1
    // = 63 + 1 = 64 pages; full cdiv(1000, 16) = 63 pages.
    CHECK(layer_request_bytes(g.types[0], 16, 1000, 2048) == 64ULL * 131072ULL);
    CHECK(layer_request_bytes(g.types[1], 16, 1000, 2048) == 63ULL * 131072ULL);
    // Worker request bytes at L = 8192, B = 8192: 52 x 513 x 131,072 + 10 x 512 x 131,072
    // = (26,676 + 5,120) x 131,072 = 31,796 x 131,072 = 4,167,565,312.
    CHECK(worker_request_bytes(g, counts, 8192, 8192) == 4167565312ULL);
}

TEST_CASE("kv: hybrid group ratio decides the group size", "[kv][hybrid]") {
    // 22 layers: 12 sliding(512) + 10 full. min 10, max 12.
    ModelSpec m = test::dense_model(22, 2048, 16, 8, 128, 8192, 32000);
    for (std::size_t i = 0; i < 12; ++i) {
        m.layers[i].attention = LayerAttention::sliding;
        m.layers[i].window = 512;
    }
    // Ratio 1.5 (v0.18+): 12 < 1.5 x 10 = 15 -> group_size = max = 12; groups = cdiv(12,12) + cdiv(10,12) = 2.
    const KvGeometry g15 = kv_geometry(m, opts(1, 2, 16, 1.5));
    CHECK(g15.group_size == 12);
    CHECK(g15.num_groups == 2);
    // Ratio 1.25 (v0.12+): 12 < 12.5 -> also 12.
    CHECK(kv_geometry(m, opts(1, 2, 16, 1.25)).group_size == 12);
    // Ratio 0 (before #29303): always min = 10; groups = cdiv(12,10) + cdiv(10,10) = 2 + 1 = 3.
    const KvGeometry g0 = kv_geometry(m, opts(1, 2, 16, 0.0));
    CHECK(g0.group_size == 10);
    CHECK(g0.num_groups == 3);
    // Ratio 1.1: 12 < 11 is false -> min = 10.
    CHECK(kv_geometry(m, opts(1, 2, 16, 1.1)).group_size == 10);
}

TEST_CASE("kv: gpt-oss-20b TP2 hybrid (spec §5.4)", "[kv][hybrid]") {
    const ModelSpec m = test::gpt_oss_20b();
    const KvGeometry g = kv_geometry(m, opts(2));
    REQUIRE(g.types.size() == 2);
    CHECK(g.types[0].attention == LayerAttention::sliding);
    CHECK(g.types[0].window == 128);
    CHECK(g.types[0].layers == 12);
    CHECK(g.types[1].layers == 12);
    // 12 and 12: group size 12, 1 + 1 = 2 groups.
    CHECK(g.group_size == 12);
    CHECK(g.num_groups == 2);
    // TP2: 8 // 2 = 4 KV heads; page 16 x 2 x 4 x 64 x 2 = 16,384; bytes/token 24 x 2 x 4 x 64 x 2 = 24,576.
    CHECK(g.types[0].page_bytes == 16384);
    CHECK(g.bytes_per_token == 24576);
    // Per request at L = 8192, B = 8192: full 512 + sliding cdiv(min(127 + 8192, 8192), 16) + 1 = 513.
    // Real v0.19 log: 2,591,776 tokens = 161,986 x 16 -> 323,972 blocks (// 2 groups), 316.07x.
    const KvCapacity c = kv_capacity(g, 323972, 8192, 8192, TokenRule::blocks_times_block_size);
    CHECK(c.blocks_per_request == 1025);
    CHECK(c.tokens == 2591776);                                  // 323,972 // 2 x 16
    CHECK(c.max_concurrency == Approx(316.0702439).epsilon(1e-9)); // 323,972 / 1,025
    // Short window with a small batch: L = 8192, B = 2048: sliding cdiv(127 + 2048, 16) + 1 = 136 + 1 = 137.
    CHECK(kv_capacity(g, 323972, 8192, 2048, TokenRule::blocks_times_block_size).blocks_per_request == 512 + 137);
    // num_blocks = avail // (16,384 x 12): 323,972 x 196,608 = 63,695,486,976 -> 323,972.
    CHECK(worker_num_blocks(g, stage_layer_counts(m, g, 1, 0), 63695486976LL) == 323972);
    CHECK(worker_num_blocks(g, stage_layer_counts(m, g, 1, 0), 63695486975LL) == 323971);
}

TEST_CASE("kv: TokenRule::concurrency_times_len is floor(concurrency x L)", "[kv]") {
    const KvGeometry g = kv_geometry(test::llama31_8b(), opts(1));
    // L = 8192: 29,751 / 512 x 8,192 = 29,751 x 16 = 476,016 exactly.
    CHECK(kv_capacity(g, 29751, 8192, 8192, TokenRule::concurrency_times_len).tokens == 476016);
    // L = 1000 (not a multiple of 16): cdiv(1000, 16) = 63 blocks per request;
    // 29,751 / 63 = 472.2380952...; x 1000 = 472,238.095... -> 472,238 (the <= v0.20 rule gives 476,016).
    const KvCapacity c = kv_capacity(g, 29751, 1000, 8192, TokenRule::concurrency_times_len);
    CHECK(c.blocks_per_request == 63);
    CHECK(c.tokens == 472238);
    CHECK(c.tokens == static_cast<std::uint64_t>(std::floor(c.max_concurrency * 1000.0)));
    CHECK(kv_capacity(g, 29751, 1000, 8192, TokenRule::blocks_times_block_size).tokens == 476016);
    // No blocks, no tokens.
    CHECK(kv_capacity(g, 0, 8192, 8192, TokenRule::concurrency_times_len).tokens == 0);
    CHECK(kv_capacity(g, 0, 8192, 8192, TokenRule::blocks_times_block_size).tokens == 0);
}

TEST_CASE("kv: estimate_max_model_len (spec §1.5)", "[kv]") {
    const ModelSpec m = test::llama31_8b();
    const KvGeometry g = kv_geometry(m, opts(1));
    const std::vector<std::uint64_t> all32{32};
    // 4.16 GiB = llround(4,466,765,987.84) = 4,466,765,988 bytes. Blocks: 4,466,765,988 // 2,097,152
    // = 2,129 (2,129 x 2,097,152 = 4,464,836,608; 2,130 x 2,097,152 = 4,466,933,760 is larger).
    // needed(L') = 2,097,152 x cdiv(L', 16) <= avail  <=>  cdiv(L', 16) <= 2,129  <=>  L' <= 34,064.
    const SignedBytes avail = gib_bytes(4.16);
    CHECK(avail == 4466765988LL);
    CHECK(worker_num_blocks(g, all32, avail) == 2129);
    CHECK(estimate_max_model_len(g, all32, avail, 131072, 2048) == 34064); // 2,129 x 16
    // The spec's 34,032 = 2,127 x 16 (its "4.16 GiB" is approximate): any memory in
    // [2,127 x 2 MiB, 2,128 x 2 MiB) = [4,460,642,304, 4,462,739,456) gives it.
    CHECK(estimate_max_model_len(g, all32, 4460642304LL, 131072, 2048) == 34032);
    CHECK(estimate_max_model_len(g, all32, 4462739455LL, 131072, 2048) == 34032);
    // Enough memory: the answer is L itself.
    CHECK(estimate_max_model_len(g, all32, avail, 8192, 2048) == 8192);
    CHECK(estimate_max_model_len(g, all32, avail, 34064, 2048) == 34064);
    CHECK(estimate_max_model_len(g, all32, avail, 34065, 2048) == 34064);
    // Nothing available, or less than one block for one token: 0.
    CHECK(estimate_max_model_len(g, all32, 0, 131072, 2048) == 0);
    CHECK(estimate_max_model_len(g, all32, -1, 131072, 2048) == 0);
    CHECK(estimate_max_model_len(g, all32, 2097151, 131072, 2048) == 0);
    // Exactly one block: 16 tokens.
    CHECK(estimate_max_model_len(g, all32, 2097152, 131072, 2048) == 16);
}

TEST_CASE("kv: stage_layer_counts follows the pipeline split", "[kv]") {
    const ModelSpec m = test::gemma3_27b();
    const KvGeometry g = kv_geometry(m, opts(1));
    // PP=2 over 62 layers: [0,31) and [31,62). Full layers (i+1 % 6 == 0) below 31: 5,11,17,23,29 = 5;
    // at or above 31: 35,41,47,53,59 = 5. Sliding: 31 - 5 = 26 on each stage.
    CHECK(stage_layer_counts(m, g, 2, 0) == std::vector<std::uint64_t>{26, 5});
    CHECK(stage_layer_counts(m, g, 2, 1) == std::vector<std::uint64_t>{26, 5});
}

TEST_CASE("pp_layer_range splits layers like vLLM get_pp_indices", "[kv][pp]") {
    using R = std::pair<std::uint64_t, std::uint64_t>;
    // 32 over 2: 16 each.
    CHECK(pp_layer_range(32, 0, 2) == R{0, 16});
    CHECK(pp_layer_range(32, 1, 2) == R{16, 32});
    // 30 over 4: 30 // 4 = 7, remaining 2; partitions[-i] += 1 for i in 2..3 -> partitions[-2] and
    // partitions[-3] -> [7, 8, 8, 7]: [0,7), [7,15), [15,23), [23,30).
    CHECK(pp_layer_range(30, 0, 4) == R{0, 7});
    CHECK(pp_layer_range(30, 1, 4) == R{7, 15});
    CHECK(pp_layer_range(30, 2, 4) == R{15, 23});
    CHECK(pp_layer_range(30, 3, 4) == R{23, 30});
    // 5 over 2: 2 each, remaining 1; i in range(2, 3) -> partitions[-2] += 1 -> [3, 2]: [0,3), [3,5).
    CHECK(pp_layer_range(5, 0, 2) == R{0, 3});
    CHECK(pp_layer_range(5, 1, 2) == R{3, 5});
    // 7 over 4: 1 each, remaining 3; partitions[-2], [-3], [-4] += 1 -> [2, 2, 2, 1].
    CHECK(pp_layer_range(7, 0, 4) == R{0, 2});
    CHECK(pp_layer_range(7, 1, 4) == R{2, 4});
    CHECK(pp_layer_range(7, 2, 4) == R{4, 6});
    CHECK(pp_layer_range(7, 3, 4) == R{6, 7});
    // 62 over 2: [0,31), [31,62). PP=1: everything.
    CHECK(pp_layer_range(62, 1, 2) == R{31, 62});
    CHECK(pp_layer_range(27, 0, 1) == R{0, 27});
}

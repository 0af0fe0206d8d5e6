// Hybrid (Mamba / linear-attention) models: state pages, the hybrid block size, state pages per
// request and the Mamba-blocks failure (include/vramplan/kv.hpp, plan.hpp). The oracles are the
// formulas of vLLM's MambaStateShapeCalculator (vllm/model_executor/layers/mamba/mamba_utils.py),
// Platform._align_hybrid_block_size (vllm/platforms/interface.py) and MambaSpec
// (vllm/v1/kv_cache_interface.py), worked by hand in the comments.
#include "../support/models.hpp"
#include "../support/plan_checks.hpp"

#include <vramplan/kv.hpp>
#include <vramplan/plan.hpp>

#include <catch2/catch.hpp>

#include <cstdint>

using namespace vramplan;

namespace {

/// Qwen3.8-27B (configs/Qwen--Qwen3.8-27B): 64 layers, every 4th full attention (16 full, 48
/// gated delta-net), 24 heads, 4 KV heads x 256; GDN 16 key / 48 value heads of 128, conv 4;
/// config mamba_ssm_dtype float32.
ModelSpec qwen38_27b() {
    ModelSpec m = test::dense_model(64, 5120, 24, 4, 256, 17408, 248320);
    m.architecture = "Qwen3_5ForConditionalGeneration";
    m.model_type = "qwen3_5_text";
    m.max_model_len = 262144;
    for (std::size_t i = 0; i < m.layers.size(); ++i) {
        m.layers[i].attention = (i + 1) % 4 == 0 ? LayerAttention::full : LayerAttention::linear;
    }
    LinearAttentionShape& la = m.linear_attention;
    la.kind = LinearKind::gated_delta_net;
    la.num_k_heads = 16;
    la.num_v_heads = 48;
    la.k_head_dim = 128;
    la.v_head_dim = 128;
    la.conv_kernel = 4;
    la.ssm_dtype = "float32";
    return m;
}

/// A Granite-4.0-H-like Mamba2 hybrid: hidden 1536, 40 layers of which 4 attention (12 heads, 4 KV
/// heads x 128), Mamba2 expand 2, 48 heads x 64, 1 group, d_state 128, d_conv 4, chunk 256.
ModelSpec granite4_like() {
    ModelSpec m = test::dense_model(40, 1536, 12, 4, 128, 4096, 100352);
    m.architecture = "GraniteMoeHybridForCausalLM";
    m.model_type = "granitemoehybrid";
    for (std::size_t i = 0; i < m.layers.size(); ++i) {
        m.layers[i].attention = i % 10 == 5 ? LayerAttention::full : LayerAttention::linear;
    }
    LinearAttentionShape& la = m.linear_attention;
    la.kind = LinearKind::mamba2;
    la.intermediate = 3072;
    la.n_groups = 1;
    la.num_heads = 48;
    la.head_dim = 64;
    la.state_size = 128;
    la.conv_kernel = 4;
    la.chunk_size = 256;
    la.supports_all_mode = true;
    return m;
}

KvOptions hybrid_opts(std::uint32_t tp, std::uint64_t conv, std::uint64_t ssm, MambaCacheMode mode) {
    KvOptions o;
    o.tp = tp;
    o.element_bytes = 2;
    o.block_size = 16;
    o.hybrid_group_ratio = 1.5;
    o.conv_state_bytes = conv;
    o.ssm_state_bytes = ssm;
    o.mamba_cache_mode = mode;
    return o;
}

} // namespace

TEST_CASE("hybrid: gated delta-net state page and block size (Qwen3.8-27B, vllm-logs-4#7)", "[kv][hybrid]") {
    const ModelSpec m = qwen38_27b();
    // conv: (2 x 16 x 128 + 48 x 128) = 10,240 channels x (4 - 1) rows x 2 B = 61,440
    // ssm:  48 v-heads x 128 x 128 x 4 B (float32) = 3,145,728          -> 3,207,168 B
    CHECK(linear_state_page(m.linear_attention, 1, 2, 4) == 3'207'168);
    // With a bf16 temporal state (the pre-fix assumption): 61,440 + 1,572,864 = 1,634,304.
    CHECK(linear_state_page(m.linear_attention, 1, 2, 2) == 1'634'304);
    // TP 2: conv 5,120 x 3 x 2 = 30,720; ssm 24 x 128 x 128 x 4 = 1,572,864 -> 1,603,584.
    CHECK(linear_state_page(m.linear_attention, 2, 2, 4) == 1'603'584);

    const KvGeometry g = kv_geometry(m, hybrid_opts(1, 2, 4, MambaCacheMode::none));
    // Attention per token: 4 KV heads x (256 + 256) x 2 B = 4,096 B.
    // Block: 16 x cdiv(3,207,168, 16 x 4,096 = 65,536) = 16 x 49 = 784 (the logged 784).
    CHECK(g.block_size == 784);
    CHECK(g.state_page_bytes == 3'207'168);
    // Both pages: 784 x 4,096 = 3,211,264 B (the state page padded up to it).
    REQUIRE(g.types.size() == 2);
    CHECK(g.types[0].page_bytes == 3'211'264);
    CHECK(g.types[1].page_bytes == 3'211'264);
    // 48 linear + 16 full: 48 >= 1.5 x 16, so group size 16: 1 full + 3 linear groups.
    CHECK(g.group_size == 16);
    CHECK(g.num_groups == 4);

    // 16.74 GiB logged = 17,974,165,176 B (round(16.74 x 2^30)); one block is 16 pages =
    // 51,380,224 B -> 349 blocks. Per request at L = 131,072: cdiv(131,072, 784) = 168 full blocks
    // + 3 linear groups x 1 page = 171. int(349 / 171 x 131,072) = int(267,509.5) = 267,509 and
    // 349 / 171 = 2.04x: vLLM's log line.
    const std::vector<std::uint64_t> counts = stage_layer_counts(m, g, 1, 0);
    const std::uint64_t blocks = worker_num_blocks(g, counts, 17'974'165'176);
    CHECK(blocks == 349);
    const KvCapacity c = kv_capacity(g, blocks, 131072, 2048, TokenRule::concurrency_times_len);
    CHECK(c.blocks_per_request == 171);
    CHECK(c.tokens == 267'509);

    // "align" (prefix caching, 0.28+): 2 state pages per linear group -> 168 + 3 x 2 = 174.
    const KvGeometry ga = kv_geometry(m, hybrid_opts(1, 2, 4, MambaCacheMode::align));
    CHECK(ga.block_size == 784);
    CHECK(kv_capacity(ga, 349, 131072, 2048, TokenRule::concurrency_times_len).blocks_per_request == 174);
}

TEST_CASE("hybrid: Mamba2 state page, TP group replication, modes none and all", "[kv][hybrid]") {
    const ModelSpec m = granite4_like();
    // conv: (3,072 + 2 x 1 group x 128) = 3,328 x 3 rows x 2 B = 19,968
    // ssm:  48 heads x 64 x 128 x 2 B (bf16, auto) = 786,432                 -> 806,400 B
    CHECK(linear_state_page(m.linear_attention, 1, 2, 2) == 806'400);
    // TP 2: 1 group is replicated to 2 (extra_groups_for_head_shards): conv (3,072 + 2 x 2 x 128)
    // / 2 = 1,792 x 3 x 2 = 10,752; ssm 24 x 64 x 128 x 2 = 393,216 -> 403,968.
    CHECK(linear_state_page(m.linear_attention, 2, 2, 2) == 403'968);
    // float32 temporal state (--mamba-ssm-cache-dtype float32): 19,968 + 1,572,864 = 1,592,832.
    CHECK(linear_state_page(m.linear_attention, 1, 2, 4) == 1'592'832);

    // none: attention per token 4 x 256 x 2 = 2,048 B; 16 x cdiv(806,400, 32,768) = 16 x 25 = 400.
    const KvGeometry g = kv_geometry(m, hybrid_opts(1, 2, 2, MambaCacheMode::none));
    CHECK(g.block_size == 400);
    // 36 linear + 4 full: group size 4, 1 + 9 = 10 groups; per request at L 8,192:
    // cdiv(8,192, 400) = 21 + 9 x 1 = 30 blocks.
    CHECK(g.num_groups == 10);
    CHECK(kv_capacity(g, 100, 8192, 2048, TokenRule::concurrency_times_len).blocks_per_request == 30);

    // all: chunk = lcm(256, 16) = 256; cdiv(806,400, 2,048) = 394 tokens -> 256 x cdiv(394, 256) = 512.
    const KvGeometry ga = kv_geometry(m, hybrid_opts(1, 2, 2, MambaCacheMode::all));
    CHECK(ga.block_size == 512);
    // Per request: cdiv(8,192, 512) = 16 full + 9 groups x 16 state pages = 160.
    CHECK(kv_capacity(ga, 1000, 8192, 2048, TokenRule::concurrency_times_len).blocks_per_request == 160);

    // --block-size 64: align = max(16, 64) = 64; 64 x cdiv(806,400, 131,072) = 64 x 7 = 448.
    CHECK(hybrid_block_size(806'400, 2048, 64, MambaCacheMode::none, 256, false) == 448);
    // A block already large enough stays: 1,024 x 2,048 >= 806,400 -> 1,024.
    CHECK(hybrid_block_size(806'400, 2048, 1024, MambaCacheMode::none, 256, false) == 1024);
}

TEST_CASE("hybrid: Mamba1 (Jamba) and KDA (Kimi-Linear) state pages", "[kv][hybrid]") {
    LinearAttentionShape jamba;
    jamba.kind = LinearKind::mamba1;
    jamba.intermediate = 8192;   // mamba_expand 2 x hidden 4,096
    jamba.state_size = 16;
    jamba.conv_kernel = 4;
    // conv 8,192 x 3 x 2 = 49,152; ssm 8,192 x 16 x 2 = 262,144 -> 311,296.
    CHECK(linear_state_page(jamba, 1, 2, 2) == 311'296);
    // 8 KV heads x 256 x 2 = 4,096 B/token: 16 x cdiv(311,296, 65,536) = 16 x 5 = 80.
    CHECK(hybrid_block_size(311'296, 4096, 16, MambaCacheMode::none, 2048, false) == 80);

    LinearAttentionShape kda;
    kda.kind = LinearKind::kda;
    kda.num_heads = 32;
    kda.head_dim = 128;
    kda.conv_kernel = 4;
    // conv 3 x 32 x 128 = 12,288 x 3 x 2 = 73,728; state 32 x 128 x 128 x 4 (always float32)
    // = 2,097,152 -> 2,170,880.
    CHECK(linear_state_page(kda, 1, 2, 4) == 2'170'880);
    // MLA latent 576 x 2 = 1,152 B/token. From 0.27 MLA hybrids align to 128:
    // 128 x cdiv(2,170,880, 147,456) = 128 x 15 = 1,920; before, 16 x cdiv(2,170,880, 18,432) = 16 x 118 = 1,888.
    CHECK(hybrid_block_size(2'170'880, 1152, 16, MambaCacheMode::none, 2048, true) == 1920);
    CHECK(hybrid_block_size(2'170'880, 1152, 16, MambaCacheMode::none, 2048, false) == 1888);
}

TEST_CASE("hybrid: Falcon-H1 layers hold an attention page and a state page each; MLP-only layers none", "[kv][hybrid]") {
    ModelSpec m = granite4_like();
    for (LayerSpec& l : m.layers) {
        l.attention = LayerAttention::full;
        l.parallel_mamba = true;
    }
    m.layers[0].attention = LayerAttention::none;   // a Nemotron-H style MLP layer: no spec
    m.layers[0].parallel_mamba = false;
    const KvGeometry g = kv_geometry(m, hybrid_opts(1, 2, 2, MambaCacheMode::none));
    // 39 full + 39 linear specs: group size 39, 2 groups.
    REQUIRE(g.types.size() == 2);
    CHECK(g.types[0].layers == 39);
    CHECK(g.types[1].layers == 39);
    CHECK(g.num_groups == 2);
    const std::vector<std::uint64_t> counts = stage_layer_counts(m, g, 2, 0);
    // PP 2, first stage layers 0-19: 19 full + 19 linear (layer 0 has none).
    CHECK(counts[0] == 19);
    CHECK(counts[1] == 19);
}

TEST_CASE("hybrid: prefix caching and mamba_cache_mode by release and flags", "[plan][hybrid]") {
    PlanRequest r = test::request(qwen38_27b(), test::h100(), VllmVersion{0, 26, 0});
    r.max_model_len = 131072;
    Plan p = make_plan(r);
    test::check_invariants(p);
    // 0.26: prefix caching off for hybrids -> none; state dtype float32 from the config.
    CHECK(p.kv.mamba_cache_mode == MambaCacheMode::none);
    CHECK(p.config.mamba_ssm_dtype == "float32");
    CHECK(p.kv.block_size == 784);
    CHECK(p.capacity.blocks_per_request == 171);
    // 0.28 (#50991): on by default -> align, 168 + 3 x 2 = 174.
    r.version = VllmVersion{0, 28, 0};
    p = make_plan(r);
    CHECK(p.config.prefix_caching);
    CHECK(p.kv.mamba_cache_mode == MambaCacheMode::align);
    CHECK(p.capacity.blocks_per_request == 174);
    // --no-enable-prefix-caching -> none again.
    r.enable_prefix_caching = false;
    CHECK(make_plan(r).kv.mamba_cache_mode == MambaCacheMode::none);
    // "all" on a model without SupportsMambaPrefixCaching falls back to align.
    r.enable_prefix_caching = true;
    r.mamba_cache_mode = "all";
    CHECK(make_plan(r).kv.mamba_cache_mode == MambaCacheMode::align);
    // --mamba-ssm-cache-dtype bfloat16 overrides the config: state page 1,634,304 -> block 400.
    r.mamba_cache_mode.clear();
    r.mamba_ssm_cache_dtype = "bfloat16";
    CHECK(make_plan(r).kv.block_size == 400);

    // Granite-like (SupportsMambaPrefixCaching): --enable-prefix-caching before 0.28 turns "none"
    // into "all"; from 0.28 into "align".
    PlanRequest g = test::request(granite4_like(), test::h100(), VllmVersion{0, 26, 0});
    g.enable_prefix_caching = true;
    CHECK(make_plan(g).kv.mamba_cache_mode == MambaCacheMode::all);
    g.version = VllmVersion{0, 28, 0};
    CHECK(make_plan(g).kv.mamba_cache_mode == MambaCacheMode::align);
}

TEST_CASE("hybrid: max_num_seqs above the KV blocks fails graph capture, with its fixes", "[plan][hybrid]") {
    // Qwen3.8-27B pinned to 2 GiB of KV: 2,147,483,648 // 51,380,224 B per block = 41 blocks
    // (41.8). At L = 4,096 one request needs cdiv(4,096, 784) = 6 + 3 = 9 blocks, so the KV
    // check passes; S = 64 > 41 blocks -> vLLM refuses to capture the decode graphs.
    PlanRequest r = test::request(qwen38_27b(), test::h100(), VllmVersion{0, 26, 0});
    r.max_model_len = 4096;
    r.max_num_seqs = 64;
    r.kv_cache_memory_bytes = std::uint64_t{2} << 30;
    Plan p = make_plan(r);
    test::check_invariants(p);
    CHECK(p.capacity.num_blocks == 41);
    CHECK_FALSE(p.verdict.starts);
    CHECK(p.verdict.failure == Failure::mamba_blocks_short);
    CHECK(p.verdict.error ==
          "max_num_seqs (64) exceeds available Mamba cache blocks (41). Each decode sequence requires one Mamba cache block, so CUDA "
          "graph capture cannot proceed. Please lower max_num_seqs to at most 41 or increase gpu_memory_utilization.");
    REQUIRE(p.verdict.fixes.size() == 3);
    CHECK(p.verdict.fixes[0].max_num_seqs == std::optional<std::uint64_t>(41));
    // Pinned KV: 64 blocks x 51,380,224 B = 3,288,334,336 B.
    CHECK(p.verdict.fixes[1].kv_cache_memory_bytes == std::optional<Bytes>(3'288'334'336));
    CHECK(p.verdict.fixes[2].enforce_eager);
    // Without CUDA graphs vLLM does not check; nor before #38270 (0.19).
    r.enforce_eager = true;
    CHECK(make_plan(r).verdict.starts);
    r.enforce_eager = false;
    r.max_num_seqs = 41;
    CHECK(make_plan(r).verdict.starts);
}

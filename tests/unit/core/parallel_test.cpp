// Data / expert parallel, EPLB, all-to-all buffers and nodes (include/vramplan/parallel.hpp)
// against addendum 3 §22's worked numbers. Every expected number is derived in a comment.
#include <vramplan/parallel.hpp>

#include <catch2/catch.hpp>

using namespace vramplan;

// §22.1-22.2: without EP each expert is split over TP×DP; with EP whole experts, (E+R)/(TP×DP).
TEST_CASE("expert_sharding follows FusedMoEParallelConfig.make", "[parallel]") {
    // DeepSeek-V3, TP 8 without EP: every one of 256 experts split over 8 ranks.
    const ExpertSharding tp8 = expert_sharding(256, 0, 8, 1, false);
    CHECK(tp8.moe_tp == 8);
    CHECK(tp8.local_experts == 256);
    CHECK(tp8.ep_size == 1);
    // DP 2 without EP (Qwen3-30B-A3B, §22.1): 128 experts each split over TP×DP = 2.
    CHECK(expert_sharding(128, 0, 1, 2, false).moe_tp == 2);
    // DP 8 + EP: 256 / 8 = 32 whole experts per GPU (§22.6 table).
    const ExpertSharding ep8 = expert_sharding(256, 0, 1, 8, true);
    CHECK(ep8.moe_tp == 1);
    CHECK(ep8.local_experts == 32);
    CHECK(ep8.ep_size == 8);
    // EPLB R = 32 (§22.3): (256 + 32) / 8 = 36 local experts.
    CHECK(expert_sharding(256, 32, 1, 8, true).local_experts == 36);
    // EP with nothing to split over (TP×DP = 1) is not EP (config.py:1208-1211).
    CHECK(expert_sharding(256, 0, 1, 1, true).ep_size == 1);
}

// Hand-computed: E = 160 (Qwen3-Coder-480B), R = 8, TP 2 × DP 3 = EP 6: 168 physical experts;
// 168 / 6 = 28 on every GPU. R = 10: 170 / 6 = 28 rem 2, the first two ranks hold 29 (the plan
// sizes the fullest GPU, expert_map_manager.py:67-69).
TEST_CASE("EP with redundant experts sizes the fullest GPU", "[parallel]") {
    CHECK(expert_sharding(160, 8, 2, 3, true).local_experts == 28);
    CHECK(expert_sharding(160, 10, 2, 3, true).local_experts == 29);
    // Load window (§22.3): 1000 × 58 MoE layers × 288 physical experts × 4 B = 66,816,000 B (0.06 GiB).
    CHECK(eplb_load_window_bytes(58, 288) == 66816000);
}

// §22.4, DeepSeek-V3 h = 7168, E = 256, N = 256: scales 4·7168/128 = 224; disp = 16 + max(14,336,
// 7,392) = 14,352; comb = 224 + 14,336 = 14,560; E·N = 65,536; send = max(256·14,352, 65,536·14,560)
// = 954,204,160; recv = max(65,536·14,352 = 940,572,672, 954,204,160) = 954,204,160; align128(1024)
// = 1024; rdma = 2·(954,204,160·2 + 1024) = 3,816,818,688 B = 3.55 GiB; + 1 GiB NVL = 4.55 GiB.
TEST_CASE("DeepEP buffers match addendum 3 §22.4", "[parallel]") {
    CHECK(deepep_low_latency_rdma_bytes(7168, 256, 256) == 3816818688ULL);
    CHECK(all2all_buffer_bytes(All2allBackend::deepep_low_latency, true, false, 7168, 256, 256) == 3816818688ULL + (1ULL << 30));
    CHECK(all2all_buffer_bytes(All2allBackend::deepep_high_throughput, true, false, 7168, 256, 8192) == (1ULL << 30));
    CHECK(all2all_buffer_bytes(All2allBackend::deepep_high_throughput, true, true, 7168, 256, 8192) == (2ULL << 30));
    CHECK(all2all_buffer_bytes(All2allBackend::allgather_reducescatter, true, true, 7168, 256, 8192) == 0);
    CHECK(all2all_buffer_bytes(All2allBackend::deepep_low_latency, false, false, 7168, 256, 256) == 0);
    CHECK(all2all_backend_named("naive") == All2allBackend::allgather_reducescatter);
    CHECK(all2all_backend_named("pplx") == All2allBackend::other);
}

// Issue 15's examples: DeepSeek-V3 DP 16 × TP 1 on 2 × 8; a 405B TP 8 × PP 2 on 2 × 8.
TEST_CASE("deployment_topology counts GPUs and nodes", "[parallel]") {
    const Topology dp16 = deployment_topology(1, 1, 16, 8);
    CHECK(dp16.gpus == 16);
    CHECK(dp16.nodes == 2);
    CHECK(dp16.engines == 16);
    const Topology tp8pp2 = deployment_topology(8, 2, 1, 8);
    CHECK(tp8pp2.gpus_per_engine == 16);
    CHECK(tp8pp2.nodes == 2);
    CHECK(deployment_topology(8, 1, 1, 8).nodes == 1);
    CHECK(deployment_topology(4, 1, 3, 8).nodes == 2);   // 12 GPUs on nodes of 8
}

// §22.5: DCP 8 with block 64: one rank's block holds 64 tokens of each of 8 ranks' shares → the
// scheduler block is 512 tokens; bytes per token per rank / 8.
TEST_CASE("decode context parallel scales the scheduler block", "[parallel]") {
    KvGeometry g;
    g.block_size = 64;
    g.bytes_per_token = 70272;
    apply_decode_context_parallel(g, 8);
    CHECK(g.block_size == 512);
    CHECK(g.bytes_per_token == 8784);
    KvGeometry same = g;
    apply_decode_context_parallel(same, 1);
    CHECK(same.block_size == 512);
}

// Graph settings (addendum 3 §25) and --max-model-len auto (addendum 3 §26.1, addendum 2 §16.6).
// Every expected number is computed by hand in the comment beside it.
#include "../support/models.hpp"
#include "../support/plan_checks.hpp"

#include <vramplan/estimates.hpp>
#include <vramplan/graphs.hpp>
#include <vramplan/plan.hpp>

#include <catch2/catch.hpp>

using namespace vramplan;
using test::check_invariants;

namespace {

GraphSetting resolved(const GraphFlags& f, VllmVersion v) {
    std::vector<std::string> notes;
    return resolve_graph_setting(f, rules_for(v), notes);
}

GraphFlags level(std::uint32_t n) {
    GraphFlags f;
    f.level = n;
    return f;
}

} // namespace

TEST_CASE("graphs: -O levels by release (§25.1)", "[graphs]") {
    // From 0.12 (#26847): O0 NONE, O1 PIECEWISE, O2 (default) and O3 FULL_AND_PIECEWISE.
    CHECK(resolved(level(0), {0, 32, 0}).mode == CudaGraphMode::none);
    CHECK(resolved(level(1), {0, 32, 0}).mode == CudaGraphMode::piecewise);
    CHECK(resolved(level(2), {0, 32, 0}).mode == CudaGraphMode::full_and_piecewise);
    CHECK(resolved(level(3), {0, 32, 0}).mode == CudaGraphMode::full_and_piecewise);
    CHECK(resolved(GraphFlags{}, {0, 32, 0}).mode == CudaGraphMode::full_and_piecewise);
    // Before 0.12 -O N is the compilation level: V1 captures graphs only at level 3, whose mode is
    // the era's default (PIECEWISE before 0.11, #25444).
    CHECK(resolved(level(2), {0, 10, 1}).mode == CudaGraphMode::none);
    CHECK(resolved(level(3), {0, 10, 1}).mode == CudaGraphMode::piecewise);
    CHECK(resolved(level(3), {0, 11, 0}).mode == CudaGraphMode::full_and_piecewise);
    // An explicit cudagraph_mode wins over the level's default (_apply_optimization_level_defaults).
    GraphFlags f = level(1);
    f.mode = CudaGraphMode::full_decode_only;
    CHECK(resolved(f, {0, 32, 0}).mode == CudaGraphMode::full_decode_only);
    // --optimization-level is not a flag before 0.12; --cuda-graph-sizes only in 0.9–0.12.
    GraphFlags opt = level(2);
    opt.level_is_optimization_flag = true;
    CHECK_FALSE(validate_graph_flags(opt, {0, 11, 1}).empty());
    CHECK(validate_graph_flags(opt, {0, 12, 0}).empty());
    GraphFlags sched;
    sched.from_scheduler_flag = true;
    sched.max_size = 64;
    CHECK(validate_graph_flags(sched, {0, 10, 1}).empty());
    CHECK_FALSE(validate_graph_flags(sched, {0, 13, 0}).empty());
    // Both sizes and a maximum: they must agree (vllm/config/vllm.py:1990-2001 @main).
    GraphFlags both;
    both.sizes = {1, 8, 32};
    both.max_size = 64;
    CHECK(validate_graph_flags(both, {0, 32, 0}) ==
          "--compilation-config: customized max_cudagraph_capture_size(=64) should be consistent with the max value of "
          "cudagraph_capture_sizes(=32)");
}

TEST_CASE("graphs: capture sizes, explicit and by a maximum (§25.3)", "[graphs]") {
    const EraRules era = rules_for({0, 32, 0});
    GraphSetting g;
    // Default: S 1024 → max min(2048, 512) = 512: [1,2,4] + 8..248 (31) + 256..512 step 16 (17) = 51 (spec §7.1).
    CHECK(capture_sizes(era, g, 1024, 8192, false).size() == 51);
    // Explicit [16, 1, 2, 4, 8, 16, 9000], B 8192: deduplicated, sorted, 9000 > B dropped → [1, 2, 4, 8, 16].
    g.sizes = {1, 2, 4, 8, 16, 9000};
    CHECK(capture_sizes(era, g, 1024, 8192, false) == std::vector<std::uint64_t>{1, 2, 4, 8, 16});
    // max_cudagraph_capture_size 64: [1,2,4] + 8..64 step 8 (8) = 11 sizes.
    g.sizes.clear();
    g.max_size = 64;
    CHECK(capture_sizes(era, g, 1024, 8192, false).size() == 11);
    // 300: [1,2,4] + 8..248 (31) + 256, 272, 288 (3) = 37.
    g.max_size = 300;
    CHECK(capture_sizes(era, g, 1024, 8192, false).size() == 37);
    // 600 with B 512: capped at B → 3 + 31 + 256..512 step 16 (17) = 51, B already in the list.
    g.max_size = 600;
    CHECK(capture_sizes(era, g, 1024, 512, false).size() == 51);
    // 100 with B 90: capped at 90 → [1,2,4] + 8..88 (11) + B 90 appended = 15.
    g.max_size = 100;
    const auto s = capture_sizes(era, g, 1024, 90, false);
    CHECK(s.size() == 15);
    CHECK(s.back() == 90);
}

TEST_CASE("graphs: graph sets per mode and their memory (§25.2, §25.4)", "[graphs]") {
    const EraRules era = rules_for({0, 32, 0});
    const std::vector<std::uint64_t> sizes51 = capture_sizes(era, GraphSetting{}, 1024, 8192, false);
    // S 1024: every size is a decode size (≤ S), so FULL_AND_PIECEWISE = 51 + 51 = 102.
    CHECK(graph_captures(CudaGraphMode::full_and_piecewise, sizes51, 1024) == 102);
    CHECK(graph_captures(CudaGraphMode::piecewise, sizes51, 1024) == 51);
    CHECK(graph_captures(CudaGraphMode::full, sizes51, 1024) == 51);
    CHECK(graph_captures(CudaGraphMode::none, sizes51, 1024) == 0);
    // S 128: max 256 → [1,2,4] + 8..248 (31) + 256 = 35 sizes (spec §7.1); decode sizes ≤ 128:
    // [1,2,4] + 8..128 (16) = 19; FULL_AND_PIECEWISE 35 + 19 = 54, FULL_DECODE_ONLY 19.
    const std::vector<std::uint64_t> sizes35 = capture_sizes(era, GraphSetting{}, 128, 8192, false);
    REQUIRE(sizes35.size() == 35);
    CHECK(graph_captures(CudaGraphMode::full_and_piecewise, sizes35, 128) == 54);
    CHECK(graph_captures(CudaGraphMode::full_decode_only, sizes35, 128) == 19);
    // Llama-3.1-8B (32 layers), 51 sizes: 51 x 33 pieces x 534,773 B = 900,022,959 B in the default
    // FULL_AND_PIECEWISE; PIECEWISE captures 51 of its 102 graphs: 900,022,959 x 51 / 102 = 450,011,479.
    GraphSetting g;
    CHECK(setting_graph_bytes(era, g, 32, sizes51, 1024) == 900'022'959);
    g.mode = CudaGraphMode::piecewise;
    CHECK(setting_graph_bytes(era, g, 32, sizes51, 1024) == 450'011'479);
    // FULL_DECODE_ONLY at S 128: 35 x 33 x 534,773 = 617,662,815 B for 54 graphs; 19 of them:
    // 617,662,815 x 19 / 54 = 217,325,805 (integer division).
    g.mode = CudaGraphMode::full_decode_only;
    CHECK(setting_graph_bytes(era, g, 32, sizes35, 128) == 217'325'805);
}

TEST_CASE("graphs: -O0 plans no graphs; explicit sizes change the term", "[graphs][plan]") {
    PlanRequest r = test::request(test::llama31_8b(), test::h100(), VllmVersion{0, 32, 0});
    r.max_model_len = 8192;
    const Plan base = make_plan(r);
    check_invariants(base);
    REQUIRE(base.config.cuda_graphs);
    r.graphs.level = 0;
    const Plan eager = make_plan(r);
    check_invariants(eager);
    CHECK_FALSE(eager.config.cuda_graphs);
    CHECK(eager.workers.front().cuda_graphs == 0);
    // v0.21+ subtracts the graph estimate from the budget: without it the KV cache grows by it.
    CHECK(eager.workers.front().kv_cache == base.workers.front().kv_cache + static_cast<SignedBytes>(base.workers.front().cuda_graphs));
    r.graphs = GraphFlags{};
    r.graphs.sizes = {1, 2, 4, 8};
    const Plan four = make_plan(r);
    // 4 sizes, FULL_AND_PIECEWISE as the default: 4 x 33 x 534,773 = 70,590,036 B.
    CHECK(four.workers.front().capture_sizes == 4);
    CHECK(four.workers.front().cuda_graphs == 70'590'036);
}

TEST_CASE("max_model_len auto: vLLM's fit, one request (§26.1, addendum 2 §16.6)", "[graphs][auto_fit]") {
    // Llama-3.1-8B on an A10: 131,072 tokens do not fit, so auto-fit reduces the length to what one
    // request fits: (num_blocks - 1) x 16 with the null block held back (0.28+, #47272),
    // num_blocks x 16 before.
    for (const VllmVersion v : {VllmVersion{0, 32, 0}, VllmVersion{0, 27, 0}}) {
        INFO(v.str());
        PlanRequest r = test::request(test::llama31_8b(), test::a10(), v);
        r.max_model_len_auto = true;
        REQUIRE(validate(r).empty());
        const Plan p = make_plan(r);
        check_invariants(p);
        CHECK(p.verdict.starts);
        const std::uint64_t blocks = p.workers.front().num_blocks;
        REQUIRE(blocks > 1);
        CHECK(p.config.max_model_len == (v >= VllmVersion{0, 28, 0} ? blocks - 1 : blocks) * 16);
        CHECK(p.config.max_model_len < 131072);
        CHECK(p.capacity.max_concurrency < 1.1);   // one request, not a batch
    }
    // Not enough memory for one token: vLLM's auto-fit error.
    PlanRequest r = test::request(test::llama31_8b(), test::a10(), VllmVersion{0, 32, 0});
    r.max_model_len_auto = true;
    r.gpu_memory_utilization = 0.6;
    const Plan p = make_plan(r);
    CHECK_FALSE(p.verdict.starts);
    CHECK(p.verdict.error ==
          "Cannot auto-fit max_model_len: not enough GPU memory available to serve even a single token. Try increasing "
          "`gpu_memory_utilization`.");
    // Before 0.14 (#29431) vLLM refuses -1.
    r.version = VllmVersion{0, 13, 0};
    CHECK_FALSE(validate(r).empty());
}

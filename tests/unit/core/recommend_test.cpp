// The recommendation solver (include/vramplan/recommend.hpp): every answer is re-planned, meets
// its goal, and one step further does not.
#include "../support/models.hpp"
#include "../support/plan_checks.hpp"

#include <vramplan/recommend.hpp>

#include <catch2/catch.hpp>

using namespace vramplan;

namespace {

PlanRequest request(const ModelSpec& m, const GpuSpec& g, VllmVersion v) {
    PlanRequest r;
    r.model = m;
    r.gpu = g;
    r.version = v;
    r.max_model_len = 4096;
    return r;
}

} // namespace

TEST_CASE("recommend: blocks a target needs, per era (spec §1.4)", "[recommend]") {
    PlanRequest r = request(test::llama31_8b(), test::h100(), {0, 19, 0});
    const Plan p = make_plan(r);
    // 0.9.1+: concurrency = blocks / cdiv(4096, 16) → 10 requests need 2,560 blocks.
    CHECK(blocks_for_target(p, ServeTarget{10, std::nullopt}) == 2560);
    // tokens = blocks x 16 → 100,000 tokens need cdiv(100000, 16) = 6,250 blocks.
    CHECK(blocks_for_target(p, ServeTarget{std::nullopt, 100000}) == 6250);
    // 0.21+: tokens = int(blocks / 256 x 4096) = blocks x 16 here as well.
    r.version = {0, 21, 0};
    CHECK(blocks_for_target(make_plan(r), ServeTarget{std::nullopt, 100000}) == 6250);
    // V0: concurrency = blocks x 16 / L → 10 requests of 4,000 tokens need 2,500 blocks.
    r.version = {0, 6, 5};
    r.max_model_len = 4000;
    CHECK(blocks_for_target(make_plan(r), ServeTarget{10, std::nullopt}) == 2500);
}

TEST_CASE("recommend: the lowest utilization meets the target and one step less does not", "[recommend]") {
    for (const VllmVersion v : {VllmVersion{0, 6, 5}, VllmVersion{0, 8, 5}, VllmVersion{0, 19, 0}, VllmVersion{0, 21, 0}}) {
        for (const std::uint64_t n : {1ULL, 7ULL, 64ULL}) {
            INFO("vLLM " << v.str() << ", " << n << " requests");
            const PlanRequest r = request(test::llama31_8b(), test::h100(), v);
            const UtilizationAnswer a = min_utilization_for(r, ServeTarget{n, std::nullopt});
            REQUIRE(a.utilization);
            REQUIRE(a.plan);
            test::check_invariants(*a.plan);
            CHECK(a.plan->verdict.starts);
            CHECK(a.plan->capacity.max_concurrency >= static_cast<double>(n));
            REQUIRE(a.adjacent);
            CHECK((!a.adjacent->verdict.starts || a.adjacent->capacity.max_concurrency < static_cast<double>(n)));
        }
    }
}

TEST_CASE("recommend: a token target and an impossible one", "[recommend]") {
    const PlanRequest r = request(test::qwen25_1_5b(), test::a10(), {0, 19, 0});
    const UtilizationAnswer a = min_utilization_for(r, ServeTarget{std::nullopt, 400000});
    REQUIRE(a.utilization);
    CHECK(a.plan->capacity.tokens >= 400000);
    CHECK(a.adjacent->capacity.tokens < 400000);
    // 28,672 B per token: 10^7 tokens are 267 GiB, more than an A10 has.
    const UtilizationAnswer none = min_utilization_for(r, ServeTarget{std::nullopt, 10000000});
    CHECK_FALSE(none.utilization);
    CHECK(none.why_not.find("more than the whole card") != std::string::npos);
}

TEST_CASE("recommend: the largest safe utilization keeps the margin free, one step more does not", "[recommend]") {
    for (const VllmVersion v : {VllmVersion{0, 19, 0}, VllmVersion{0, 21, 0}}) {
        PlanRequest r = request(test::llama31_8b(), test::h100(), v);
        const Bytes margin = test::GiB / 2;
        const UtilizationAnswer a = max_safe_utilization(r, margin);
        REQUIRE(a.utilization);
        const WorkerPlan& w = a.plan->workers.at(0);
        CHECK(w.free >= static_cast<SignedBytes>(margin));
        CHECK(a.plan->verdict.starts);
        REQUIRE(a.adjacent);
        CHECK(a.adjacent->workers.at(0).free < static_cast<SignedBytes>(margin));
    }
}

TEST_CASE("recommend: the longest context that fits (vLLM's estimate, re-planned)", "[recommend]") {
    PlanRequest r = request(test::llama31_8b(), test::a10(), {0, 19, 0});
    r.gpu_memory_utilization = 0.9;
    const std::uint64_t len = max_model_len_for(r, std::nullopt);
    REQUIRE(len > 0);
    PlanRequest at = r;
    at.max_model_len = len;
    CHECK(make_plan(at).verdict.starts);
    at.max_model_len = len + 16;
    CHECK_FALSE(make_plan(at).verdict.starts);
    CHECK(max_model_len_for(r, 2048) == 2048);
}

TEST_CASE("recommend: tensor-parallel sizes the model allows", "[recommend]") {
    // Llama-3.1-8B: 32 heads, 8 KV heads → 1, 2, 4, 8 (16 and 32 replicate KV heads, also valid).
    CHECK(valid_tp_sizes(test::llama31_8b(), 8) == std::vector<std::uint32_t>{1, 2, 4, 8});
    // Qwen2.5-1.5B: 12 heads → 1, 2, 4 (8 does not divide 12).
    CHECK(valid_tp_sizes(test::qwen25_1_5b(), 16) == std::vector<std::uint32_t>{1, 2, 4});
}

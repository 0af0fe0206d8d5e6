// Policy evaluation (policy.hpp): each rule against a real plan, its fix re-planned, and one
// utilization for several rules.
#include "../support/models.hpp"

#include <vramplan/policy.hpp>

#include <catch2/catch.hpp>

using namespace vramplan;

namespace {

PlanRequest qwen_on_a10(double u) {
    PlanRequest r = test::request(test::qwen25_1_5b(), test::a10());
    r.gpu_memory_utilization = u;
    r.max_model_len = 4096;
    return r;
}

} // namespace

TEST_CASE("policy: a utilization cap is a violation with the cap as its fix", "[policy]") {
    const PlanRequest r = qwen_on_a10(0.95);
    const Plan p = make_plan(r);
    Policy pol;
    pol.max_gpu_memory_utilization = 0.9;
    const PolicyResult res = evaluate_policy(r, p, pol, std::nullopt);
    REQUIRE(res.violations.size() == (p.verdict.starts ? 1 : 2));
    const Violation& v = res.violations.back();
    CHECK(v.rule == Violation::Rule::max_gpu_memory_utilization);
    CHECK(v.actual == 0.95);
    REQUIRE(v.fix);
    CHECK(v.fix->only_utilization() == 0.9);
}

TEST_CASE("policy: a memory cap's fix is re-planned and stays within the cap", "[policy]") {
    const PlanRequest r = qwen_on_a10(0.9);
    const Plan p = make_plan(r);
    const WorkerPlan& w = p.workers.front();
    Policy pol;
    pol.max_vram_per_gpu = static_cast<Bytes>(vllm_use(w)) - (Bytes{2} << 30);
    const PolicyResult res = evaluate_policy(r, p, pol, std::nullopt);
    REQUIRE(res.violations.size() == 1);
    const Violation& v = res.violations.front();
    CHECK(v.rule == Violation::Rule::max_vram_gib_per_gpu);
    CHECK(v.actual_bytes - v.limit_bytes == SignedBytes{2} << 30);
    REQUIRE(v.fix);
    const std::optional<double> u = v.fix->only_utilization();
    REQUIRE(u);
    PlanRequest fixed_request = r;
    fixed_request.gpu_memory_utilization = *u;
    const Plan at = make_plan(fixed_request);
    CHECK(at.verdict.starts);
    CHECK(vllm_use(at.workers.front()) <= v.limit_bytes);
    fixed_request.gpu_memory_utilization = *u + 0.01;   // the largest such utilization
    CHECK(vllm_use(make_plan(fixed_request).workers.front()) > v.limit_bytes);
}

TEST_CASE("policy: capacity from below and memory from above give one utilization, or say none exists", "[policy]") {
    const PlanRequest r = qwen_on_a10(0.9);
    const Plan p = make_plan(r);
    Policy pol;
    pol.max_gpu_memory_utilization = 0.6;
    pol.min_concurrency = p.capacity.max_concurrency * 2;   // out of reach below 0.6
    const PolicyResult res = evaluate_policy(r, p, pol, std::nullopt);
    REQUIRE(res.violations.size() == 2);
    if (res.violations.back().fix->only_utilization()) {
        REQUIRE(res.fix_all);
        CHECK_FALSE(res.fix_all->possible);
        CHECK(res.fix_all->upper == 0.6);
        CHECK(res.fix_all->lower > 0.6);
    } else {
        CHECK(res.violations.back().fix->action == Fix::Action::more_gpus_or_fp8);
    }
    Policy ok;
    ok.max_gpu_memory_utilization = 0.8;
    ok.min_kv_tokens = 1000;
    CHECK(evaluate_policy(qwen_on_a10(0.5), make_plan(qwen_on_a10(0.5)), ok, std::nullopt).violations.empty());
}

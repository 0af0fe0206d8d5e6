// vLLM eras (include/vramplan/version.hpp) and what they change in a plan: the budget rule, the
// batch defaults, V0 blocks and errors, CUDA-graph headroom, error bars and calibration
// (reference/vllm-memory-model.md §1.6, §2.3, §4, §6.3, §7).
#include "../support/models.hpp"
#include "../support/plan_checks.hpp"

#include <vramplan/plan.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace vramplan;
using test::check_invariants;

namespace {

PlanRequest request(VllmVersion v, std::optional<Engine> engine = std::nullopt) {
    PlanRequest r;
    r.model = test::qwen25_1_5b();
    r.gpu = test::a10();
    r.version = v;
    r.engine = engine;
    r.gpu_memory_utilization = 0.9;
    r.max_model_len = 4096;
    return r;
}

Plan plan_checked(const PlanRequest& r) {
    INFO(validate(r));
    REQUIRE(validate(r).empty());
    Plan p = make_plan(r);
    check_invariants(p);
    return p;
}

} // namespace

TEST_CASE("era: versions map to the budget rules of spec §1.6", "[era]") {
    CHECK(rules_for({0, 2, 4}).budget_rule == BudgetRule::torch_peak);
    CHECK(rules_for({0, 2, 5}).budget_rule == BudgetRule::device_peak);
    CHECK(rules_for({0, 3, 0}).budget_rule == BudgetRule::device_peak);
    CHECK(rules_for({0, 3, 1}).budget_rule == BudgetRule::init_free_peak);
    CHECK(rules_for({0, 6, 3}).budget_rule == BudgetRule::init_free_peak);
    CHECK(rules_for({0, 6, 4}).budget_rule == BudgetRule::global);
    CHECK(rules_for({0, 6, 5}).budget_rule == BudgetRule::per_instance);
    CHECK(rules_for({0, 6, 5}).engine == Engine::v0);
    CHECK(rules_for({0, 8, 0}).engine == Engine::v1);
    CHECK(rules_for({0, 8, 0}).budget_rule == BudgetRule::global);
    CHECK(rules_for({0, 9, 0}).budget_rule == BudgetRule::global);
    CHECK(rules_for({0, 9, 1}).budget_rule == BudgetRule::per_instance);
    CHECK(rules_for({0, 9, 1}).free_memory_check);
    CHECK_FALSE(rules_for({0, 9, 0}).free_memory_check);
    CHECK(rules_for({0, 10, 0}, Engine::v0).budget_rule == BudgetRule::per_instance);
    CHECK_FALSE(rules_for({0, 21, 0}).free_memory_check == false);
    CHECK(rules_for({0, 21, 0}).cuda_graph_in_budget);
    CHECK(rules_for({0, 2, 5}).cuda_graphs_supported == false);
    CHECK(rules_for({0, 2, 6}).cuda_graphs_supported);
    CHECK(engine_unavailable({0, 5, 0}, Engine::v1) == "vLLM 0.5.0 has no V1 engine (opt-in from 0.6.5, default from 0.8.0)");
    CHECK(engine_unavailable({0, 11, 0}, Engine::v0) == "vLLM 0.11.0 has no V0 engine (removed in 0.11.0, #25321)");
    CHECK(engine_unavailable({0, 10, 2}, Engine::v0).empty());
    CHECK(era_name(rules_for({0, 4, 1})) == "V0 0.3.1-0.6.3 (per instance, reserved peak)");
}

TEST_CASE("era: V0 batch defaults and chunked prefill (spec §6.3)", "[era]") {
    PlanRequest r = request({0, 6, 5});
    Plan p = plan_checked(r);
    CHECK(p.config.max_num_seqs == 256);
    CHECK(p.config.max_num_batched_tokens == 4096);   // max(L 4096, 2048)
    CHECK_FALSE(p.config.chunked_prefill);
    r.max_model_len = 1024;
    CHECK(plan_checked(r).config.max_num_batched_tokens == 2048);
    // Above 32K chunked prefill switches itself on: 2048 from 0.6.5, 512 in 0.5.3–0.6.4, and
    // not at all before 0.5.3.
    r.model.max_model_len = 65536;
    r.max_model_len = 40960;
    CHECK(plan_checked(r).config.max_num_batched_tokens == 2048);
    r.version = {0, 5, 4};
    CHECK(plan_checked(r).config.max_num_batched_tokens == 512);
    r.version = {0, 5, 0};
    CHECK(plan_checked(r).config.max_num_batched_tokens == 40960);
    // V1 0.8.0–0.8.3 chose by name: S = 1024 even on an A10.
    PlanRequest v1 = request({0, 8, 2});
    CHECK(plan_checked(v1).config.max_num_seqs == 1024);
    CHECK(plan_checked(v1).config.max_num_batched_tokens == 2048);
    v1.version = {0, 8, 4};
    CHECK(plan_checked(v1).config.max_num_seqs == 256);
}

TEST_CASE("era: V0 blocks, tokens and concurrency (spec §4)", "[era]") {
    const Plan p = plan_checked(request({0, 6, 5}));
    const WorkerPlan& w = p.workers.at(0);
    // ceil(23,815,258,112 x 0.9) = 21,433,732,301.
    CHECK(w.budget == 21433732301ULL);
    REQUIRE(w.kv_cache > 0);
    // cache_block_size = 16 x 28 layers x 2 (K, V) x 2 KV heads x 128 x 2 B = 458,752.
    CHECK(p.capacity.num_blocks == static_cast<std::uint64_t>(w.kv_cache) / 458752ULL);
    CHECK(p.capacity.tokens == p.capacity.num_blocks * 16);
    CHECK(p.capacity.max_concurrency == Approx(static_cast<double>(p.capacity.tokens) / 4096.0).epsilon(1e-12));
    // V0 captures [1, 2, 4] + 8..256: 35 decode graphs.
    CHECK(w.capture_sizes == 35);
    CHECK_FALSE(w.cuda_graphs_in_budget);
}

TEST_CASE("era: what each budget rule charges (spec §1.6, §4)", "[era]") {
    PlanRequest r = request({0, 6, 5});
    r.other_processes_memory = 2 * test::GiB;
    const Plan per_instance = plan_checked(r);
    const WorkerPlan& base = per_instance.workers.at(0);
    // 0.6.4 (global): the CUDA context and other processes count against T·u.
    r.version = {0, 6, 4};
    const WorkerPlan global = plan_checked(r).workers.at(0);
    CHECK(global.kv_cache == base.kv_cache - static_cast<SignedBytes>(base.cuda_context) - static_cast<SignedBytes>(2 * test::GiB));
    // 0.2.5–0.3.0 (device-wide peak): the same, before CUDA graphs existed.
    r.version = {0, 2, 5};
    const WorkerPlan device = plan_checked(r).workers.at(0);
    CHECK(device.kv_cache == global.kv_cache);
    CHECK(device.cuda_graphs == 0);
    // ≤ 0.2.4 (torch peak): non-torch memory is not charged.
    r.version = {0, 2, 4};
    const WorkerPlan torch = plan_checked(r).workers.at(0);
    CHECK(torch.kv_cache == base.kv_cache + static_cast<SignedBytes>(base.non_torch));
    CHECK_FALSE(torch.non_torch_in_budget);
    // V1 0.8.x (global) charges other processes and starts anyway; 0.9.1 refuses to start when
    // they leave less than T·u free.
    PlanRequest v1 = request({0, 8, 5});
    v1.other_processes_memory = 4 * test::GiB;
    const Plan v1_global = plan_checked(v1);
    CHECK(v1_global.verdict.starts);
    CHECK(v1_global.workers.at(0).card_in_budget);
    v1.version = {0, 9, 1};
    const Plan v1_new = plan_checked(v1);
    CHECK_FALSE(v1_new.verdict.starts);
    CHECK(v1_new.verdict.failure == Failure::free_memory);
}

TEST_CASE("era: V0 and early V1 error wording (spec §3)", "[era][verdict]") {
    PlanRequest r = request({0, 6, 5});
    r.max_model_len = 32768;
    r.max_num_batched_tokens = 2048;
    r.max_num_seqs = 256;
    r.gpu_memory_utilization = 0.21;   // 4.66 GiB budget: about 0.5 GiB of KV (V0 sampler 1.16 GiB), < 32768 tokens
    const Plan p = plan_checked(r);
    REQUIRE_FALSE(p.verdict.starts);
    CHECK(p.verdict.failure == Failure::kv_too_small);
    const std::string tokens = std::to_string(p.capacity.num_blocks * 16);
    CHECK(p.verdict.error == "The model's max seq len (32768) is larger than the maximum number of tokens that can be stored in KV cache (" +
                                 tokens + "). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.");
    REQUIRE(p.verdict.fixes.at(1).max_model_len);
    CHECK(*p.verdict.fixes.at(1).max_model_len == p.capacity.num_blocks * 16);
    r.version = {0, 8, 2};
    r.gpu_memory_utilization = 0.22;   // global: the context is charged too; about 0.9 GiB of KV
    const Plan early = plan_checked(r);
    REQUIRE(early.verdict.failure == Failure::kv_too_small);
    CHECK(early.verdict.error.find(" GB KV cache is needed") != std::string::npos);
    CHECK(early.verdict.error.find("estimated maximum model length") == std::string::npos);
    r.version = {0, 8, 4};
    CHECK(plan_checked(r).verdict.error.find("GiB KV cache is needed") != std::string::npos);
}

TEST_CASE("era: CUDA-graph capture after the KV cache can run out of memory (spec §2.1, §7.2)", "[era][verdict]") {
    PlanRequest r;
    r.model = test::llama31_8b();
    r.gpu = test::h100();
    r.version = {0, 19, 0};
    r.max_model_len = 8192;
    r.gpu_memory_utilization = 0.99;
    const Plan p = plan_checked(r);
    const WorkerPlan& w = p.workers.at(0);
    // Headroom = total − ceil(T × 0.99) − context − graphs + the profile's activation beyond the
    // sampler's (freed before the capture, needed back by the sampler warm-up; issue 17 item 5).
    const SignedBytes freed = static_cast<SignedBytes>(w.activation) - static_cast<SignedBytes>(w.activation_parts.sampler);
    REQUIRE(freed > 0);
    const SignedBytes expected = static_cast<SignedBytes>(w.total) - static_cast<SignedBytes>(w.budget) -
                                 static_cast<SignedBytes>(w.cuda_context) - static_cast<SignedBytes>(w.cuda_graphs) + freed;
    CHECK(w.graph_headroom == expected);
    CHECK(w.graph_headroom == w.free + freed);
    REQUIRE(w.graph_headroom < 0);
    CHECK_FALSE(p.verdict.starts);
    CHECK(p.verdict.failure == Failure::graph_capture_oom);
    CHECK(p.verdict.error.rfind("OOM during CUDA-graph capture likely", 0) == 0);
    // The fix is the largest utilization whose headroom covers the graphs.
    REQUIRE_FALSE(p.verdict.fixes.empty());
    const std::optional<double> fix = p.verdict.fixes.front().only_utilization();
    REQUIRE(fix);
    r.gpu_memory_utilization = *fix;
    CHECK(plan_checked(r).verdict.starts);
    // --enforce-eager captures nothing; v0.21 subtracts the graphs from the budget instead.
    r.gpu_memory_utilization = 0.99;
    r.enforce_eager = true;
    CHECK(plan_checked(r).verdict.starts);
    r.enforce_eager = false;
    r.version = {0, 21, 0};
    CHECK(plan_checked(r).verdict.starts);
}

TEST_CASE("era: error bars bracket the point estimate; pinned KV has none (issue 3 §4)", "[era][range]") {
    PlanRequest r = request({0, 19, 0});
    const Plan p = plan_checked(r);
    const WorkerPlan& w = p.workers.at(0);
    CHECK(p.range.estimated);
    CHECK(w.errors.kv_cache == w.errors.weights + w.errors.activation + w.errors.non_torch);
    CHECK(p.range.kv_low == w.kv_cache - static_cast<SignedBytes>(w.errors.kv_cache));
    CHECK(p.range.tokens_low <= p.capacity.tokens);
    CHECK(p.capacity.tokens <= p.range.tokens_high);
    CHECK(p.range.concurrency_low < p.capacity.max_concurrency);
    CHECK(p.range.concurrency_high > p.capacity.max_concurrency);
    r.kv_cache_memory_bytes = 4 * test::GiB;
    const Plan pinned = plan_checked(r);
    CHECK_FALSE(pinned.range.estimated);
    CHECK(pinned.range.tokens_low == pinned.capacity.tokens);
    CHECK(pinned.range.tokens_high == pinned.capacity.tokens);
}

TEST_CASE("era: a verdict inside the error bar says so", "[era][range]") {
    PlanRequest r = request({0, 19, 0});
    r.max_model_len = 32768;
    // Find the smallest utilization (in 0.001 steps) that starts: its margin is below the error.
    std::string note;
    for (int per_mille = 150; per_mille < 900 && note.empty(); ++per_mille) {
        r.gpu_memory_utilization = per_mille / 1000.0;
        const Plan p = make_plan(r);
        if (p.verdict.starts) {
            note = p.verdict.margin_note;
        }
    }
    CHECK(note.rfind("starts, with ", 0) == 0);
    CHECK(note.find("within the estimate's error") != std::string::npos);
}

TEST_CASE("era: a calibration from the same configuration reproduces the measurement", "[era][calibration]") {
    PlanRequest r = request({0, 19, 0});
    const Plan estimate = plan_checked(r);
    const WorkerPlan& e = estimate.workers.at(0);
    // Pretend vLLM measured 3 GiB of weights, 1 GiB of activation, 0.25 GiB non-torch.
    Calibration cal;
    cal.exact = true;
    cal.weights = 3 * test::GiB;
    cal.activation = test::GiB;
    cal.non_torch = test::GiB / 4;
    r.calibration = cal;
    const Plan p = plan_checked(r);
    const WorkerPlan& w = p.workers.at(0);
    CHECK(w.weights == 3 * test::GiB);
    CHECK(w.activation == test::GiB);
    CHECK(w.non_torch == test::GiB / 4);
    CHECK(w.kv_cache == static_cast<SignedBytes>(w.budget) - static_cast<SignedBytes>(3 * test::GiB + test::GiB + test::GiB / 4));
    // Measured terms only carry the log's rounding.
    CHECK(w.errors.kv_cache == 3 * 5368709ULL);
    // A near match corrects: weights by their ratio, activation and non-torch by their offsets.
    Calibration near;
    near.weights_scale = 2.0;
    near.activation_delta = -static_cast<SignedBytes>(e.activation) - 1;   // clamps at zero
    near.non_torch_delta = static_cast<SignedBytes>(test::MiB);
    r.calibration = near;
    const WorkerPlan n = plan_checked(r).workers.at(0);
    CHECK(n.weights == 2 * e.weights);
    CHECK(n.activation == 0);
    CHECK(n.non_torch == e.non_torch + test::MiB);
    CHECK(n.errors.weights == e.errors.weights * 2);   // estimated terms keep their error bars
}

// V1 on compute capability < 8.0 (issue 17 item 2): 0.8.0 – 0.10.1 fall back to V0
// (arg_utils.py:1244-1254 @v0.9.0, #13726); from ≈0.10.2 V1 runs there (#24022); unknown (0): no fallback.
TEST_CASE("V1 falls back to V0 below compute capability 8.0 in 0.8.0 - 0.10.1", "[era]") {
    CHECK(default_engine({0, 9, 2}, 7) == Engine::v0);     // T4
    CHECK(default_engine({0, 8, 0}, 7) == Engine::v0);     // V100, first V1-default release
    CHECK(default_engine({0, 10, 1}, 7) == Engine::v0);
    CHECK(default_engine({0, 10, 2}, 7) == Engine::v1);    // #24022
    CHECK(default_engine({0, 9, 2}, 8) == Engine::v1);     // A10 / A100
    CHECK(default_engine({0, 7, 3}, 7) == Engine::v0);     // V0 by default anyway
    CHECK(default_engine({0, 9, 2}, 0) == Engine::v1);     // capability unknown
    CHECK(v1_falls_back_to_v0({0, 9, 2}, 7));
    CHECK_FALSE(v1_falls_back_to_v0({0, 7, 3}, 7));         // no V1 default: nothing to fall back from
}

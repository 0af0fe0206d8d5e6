// vLLM 0.22–0.32 (reference/vllm-memory-model-2.md, "addendum 2"): the release eras, Model
// Runner V2 selection and what it changes in a plan. Every expected number is computed by hand in
// the comment beside it, from the spec's formulas.
#include "../support/models.hpp"
#include "../support/plan_checks.hpp"

#include <vramplan/estimates.hpp>
#include <vramplan/plan.hpp>
#include <vramplan/runner.hpp>

#include <catch2/catch.hpp>

using namespace vramplan;
using test::check_invariants;

namespace {

Plan plan_checked(const PlanRequest& r) {
    INFO(validate(r));
    REQUIRE(validate(r).empty());
    Plan p = make_plan(r);
    check_invariants(p);
    return p;
}

GpuSpec b200() {
    GpuSpec g;
    g.id = "b200";
    g.name = "NVIDIA B200";
    g.device_name = "NVIDIA B200";
    g.total = 182641ULL * 1048576ULL;   // 178.36 GiB (spec §1.1)
    g.total_basis = "logged";
    g.compute_major = 10;
    return g;
}

ModelSpec quantized(ModelSpec m) {
    m.quant.method = QuantMethod::int4_group;
    m.quant.name = "awq";
    m.quant.bits = 4;
    m.quant.group_size = 128;
    return m;
}

ModelSpec qwen3_8b() {
    ModelSpec m = test::dense_model(36, 4096, 32, 8, 128, 12288, 151936);
    m.architecture = "Qwen3ForCausalLM";
    m.model_type = "qwen3";
    return m;
}

ModelSpec moe(ModelSpec m, const char* arch) {
    m.architecture = arch;
    m.moe.num_experts = 128;
    m.moe.top_k = 8;
    m.moe.expert_intermediate = 768;
    for (LayerSpec& l : m.layers) {
        l.moe = true;
    }
    return m;
}

} // namespace

TEST_CASE("era 0.22+: each release's rules (addendum 2, summary table)", "[era][0.22]") {
    CHECK(k_newest_modelled == VllmVersion{0, 32, 0});
    CHECK(rules_for({0, 21, 0}).mrv2_default == Mrv2Default::none);
    CHECK(rules_for({0, 22, 1}).mrv2_default == Mrv2Default::qwen3);
    CHECK(rules_for({0, 23, 0}).mrv2_default == Mrv2Default::qwen3_llama_mistral);
    CHECK(rules_for({0, 24, 0}).mrv2_default == Mrv2Default::listed);
    CHECK(rules_for({0, 25, 1}).mrv2_default == Mrv2Default::dense);
    CHECK(rules_for({0, 32, 0}).mrv2_default == Mrv2Default::dense);
    // Error texts from 0.22 (#42479), SWA in-flight from 0.26 (#47728), free-memory-drop formula
    // from 0.27 (correction atop addendum 2), null block / B200 defaults / SM100 capture from 0.28,
    // MRv2 graph reservation from 0.29 (#53306, not source-verified).
    CHECK_FALSE(rules_for({0, 21, 0}).error_texts_0_22);
    CHECK(rules_for({0, 22, 0}).error_texts_0_22);
    CHECK_FALSE(rules_for({0, 25, 1}).swa_in_flight_batches);
    CHECK(rules_for({0, 26, 0}).swa_in_flight_batches);
    CHECK_FALSE(rules_for({0, 26, 0}).non_kv_total_consumed);
    CHECK(rules_for({0, 27, 1}).non_kv_total_consumed);
    CHECK_FALSE(rules_for({0, 27, 1}).null_block_reserved);
    CHECK(rules_for({0, 28, 0}).null_block_reserved);
    CHECK(rules_for({0, 28, 0}).large_card_serve_16k);
    CHECK(rules_for({0, 28, 0}).sm100_capture_1024);
    CHECK_FALSE(rules_for({0, 28, 0}).mrv2_graphs_in_budget);
    CHECK(rules_for({0, 29, 0}).mrv2_graphs_in_budget);
    CHECK(rules_for({0, 28, 0}).source_verified);
    CHECK_FALSE(rules_for({0, 30, 0}).source_verified);
    // #48641 dropped MRv2's float32 logits copy in 0.26.0 only.
    CHECK(rules_for({0, 25, 0}).mrv2_sampler_fp32_copy);
    CHECK_FALSE(rules_for({0, 26, 0}).mrv2_sampler_fp32_copy);
    CHECK(rules_for({0, 27, 0}).mrv2_sampler_fp32_copy);
    CHECK_FALSE(rules_for({0, 32, 0}).extrapolated);
    CHECK(rules_for({0, 33, 0}).extrapolated);
    CHECK(era_name(rules_for({0, 21, 0})) == "V1 0.21 (CUDA-graph estimate in budget)");
    CHECK(era_name(rules_for({0, 30, 0})) == "V1 0.29+ (Model Runner V2 reserves graphs; not source-verified)");
}

TEST_CASE("era 0.22+: Model Runner V2 by release and architecture (§14.1)", "[era][0.22][runner]") {
    const auto runner = [](const ModelSpec& m, VllmVersion v) { return choose_model_runner(m, rules_for(v)).runner; };
    const ModelSpec llama = test::llama31_8b();
    const ModelSpec qwen2 = test::qwen25_1_5b();
    const ModelSpec qwen3 = qwen3_8b();
    CHECK(runner(qwen3, {0, 21, 0}) == ModelRunner::v1);
    CHECK(runner(qwen3, {0, 22, 0}) == ModelRunner::v2);             // #39337
    CHECK(runner(quantized(qwen3), {0, 22, 0}) == ModelRunner::v1);  // quantized excluded
    CHECK(runner(llama, {0, 22, 0}) == ModelRunner::v1);
    CHECK(runner(llama, {0, 23, 0}) == ModelRunner::v2);             // #43458
    CHECK(runner(quantized(llama), {0, 23, 0}) == ModelRunner::v1);
    CHECK(runner(quantized(llama), {0, 24, 0}) == ModelRunner::v2);  // quantized allowed
    CHECK(runner(qwen2, {0, 24, 0}) == ModelRunner::v1);             // not on 0.24's list
    CHECK(runner(qwen2, {0, 25, 0}) == ModelRunner::v2);             // #44443: every dense model
    CHECK(runner(moe(qwen3, "Qwen3MoeForCausalLM"), {0, 28, 0}) == ModelRunner::v1);
    CHECK(runner(moe(qwen3, "Qwen2MoeForCausalLM"), {0, 24, 0}) == ModelRunner::v2);
    ModelSpec hybrid = qwen3;
    hybrid.architecture = "Qwen3NextForCausalLM";
    hybrid.layers[0].attention = LayerAttention::linear;
    CHECK(runner(hybrid, {0, 28, 0}) == ModelRunner::v1);
    CHECK(runner(test::gemma3_27b(), {0, 25, 0}) == ModelRunner::v2);
    CHECK(choose_model_runner(llama, rules_for({0, 8, 0}, Engine::v0)).runner == ModelRunner::v1);
}

TEST_CASE("era 0.22+: MRv2's penalty buffers (§13.3)", "[era][0.22][runner]") {
    // S 1024, Llama-3 vocabulary 128,256: 1024 x 128256 x 4 = 525,336,576 B (0.489 GiB, §13.3)
    // + 1024 x ceil(128256 / 32) = 4008 x 4 = 16,416,768 B.
    CHECK(mrv2_penalty_buffers(1024, 128256) == 525336576ULL + 16416768ULL);
    // S 256, Qwen2.5 vocabulary 151,936: 155,582,464 (0.145 GiB, §13.3) + 256 x 4748 x 4 = 4,861,952.
    CHECK(mrv2_penalty_buffers(256, 151936) == 155582464ULL + 4861952ULL);
}

TEST_CASE("era 0.22+: graphs and buffers in and out of the budget (§13.3, §13.4, §14.5)", "[era][0.22]") {
    PlanRequest r = test::request(test::llama31_8b(), test::h100(), {0, 21, 0});
    r.max_model_len = 8192;
    const Plan p21 = plan_checked(r);
    r.version = {0, 25, 1};
    const Plan p25 = plan_checked(r);
    r.version = {0, 27, 1};
    const Plan p27 = plan_checked(r);
    r.version = {0, 29, 0};
    const Plan p29 = plan_checked(r);
    const WorkerPlan& w21 = p21.workers.at(0);
    const WorkerPlan& w25 = p25.workers.at(0);
    const WorkerPlan& w27 = p27.workers.at(0);
    const WorkerPlan& w29 = p29.workers.at(0);
    // 0.21: V1 runner, estimate in the budget, no MRv2 buffers.
    CHECK(w21.cuda_graphs_in_budget);
    CHECK(w21.runner_buffers == 0);
    // 0.25: MRv2 returns 0 for the estimate; graphs captured after the KV cache; the penalty
    // table (S 1024 x 128,256) is allocated but not charged.
    CHECK(p25.config.runner.runner == ModelRunner::v2);
    CHECK_FALSE(w25.cuda_graphs_in_budget);
    CHECK(w25.runner_buffers == 541753344ULL);
    CHECK_FALSE(w25.runner_buffers_in_budget);
    CHECK(w25.kv_cache == static_cast<SignedBytes>(w25.requested - w25.weights - w25.activation - w25.non_torch));
    CHECK(w25.free == static_cast<SignedBytes>(w25.total - w25.requested - w25.cuda_context - w25.cuda_graphs - w25.runner_buffers));
    // 0.27: the free-memory drop charges the buffers.
    CHECK(w27.runner_buffers_in_budget);
    CHECK(w27.kv_cache == static_cast<SignedBytes>(w27.requested - w27.weights - w27.activation - w27.non_torch - w27.runner_buffers));
    // 0.29: MRv2 reserves its graphs again.
    CHECK(w29.cuda_graphs_in_budget);
    CHECK(w29.kv_cache == w27.kv_cache - static_cast<SignedBytes>(w29.cuda_graphs));
    // MRv2's sampler: (2 B logits + 4 B float32 copy) per row x vocabulary entry (§15.3).
    CHECK(w27.activation_parts.sampler_slope == 6.0);
}

TEST_CASE("era 0.26+: sliding-window requests reserve 2 x B in flight (§16.2)", "[era][0.22][swa]") {
    // Gemma-3-27B, H100 serve defaults (B 8192), L 32768, window 1024, block 16 (spec example):
    // ≤ 0.25: cdiv(min(1023 + 8192, 32768), 16) + 1 = 576 + 1 = 577 blocks per sliding group;
    // 0.26: cdiv(min(1023 + 2 x 8192, 32768), 16) + 1 = 1088 + 1 = 1089.
    PlanRequest r = test::request(test::gemma3_27b(), test::h100(), {0, 25, 1});
    r.max_model_len = 32768;
    const Plan p25 = plan_checked(r);
    r.version = {0, 26, 0};
    const Plan p26 = plan_checked(r);
    CHECK(p25.config.in_flight_tokens == 8192);
    CHECK(p26.config.in_flight_tokens == 16384);
    // Full groups: 32768 / 16 = 2048 blocks each. Gemma-3: 52 sliding + 10 full layers, group size 10
    // (52 >= 1.5 x 10): 6 sliding groups (cdiv(52, 10)) + 1 full group.
    CHECK(p25.capacity.blocks_per_request == 6 * 577 + 2048);
    CHECK(p26.capacity.blocks_per_request == 6 * 1089 + 2048);
}

TEST_CASE("era 0.28+: the null block is held back in the max-length check (§16.6)", "[era][0.22]") {
    PlanRequest r = test::request(test::llama31_8b(), test::a10(), {0, 27, 1});
    r.max_model_len = 131072;
    const Plan p27 = plan_checked(r);
    r.version = {0, 28, 0};
    const Plan p28 = plan_checked(r);
    REQUIRE(p27.verdict.failure == Failure::kv_too_small);
    REQUIRE(p28.verdict.failure == Failure::kv_too_small);
    // Uniform model: M = num_blocks x block_size before, (num_blocks − 1) x block_size after.
    const WorkerPlan& w27 = p27.workers.at(0);
    const WorkerPlan& w28 = p28.workers.at(0);
    CHECK(w27.estimated_max_model_len == w27.num_blocks * 16);
    CHECK(w28.estimated_max_model_len == (w28.num_blocks - 1) * 16);
    // One block of Llama-3.1-8B: 16 tokens x 32 layers x 8 KV heads x 256 x 2 B = 2 MiB.
    CHECK(w28.kv_for_check == w28.kv_cache - 2097152);
    CHECK(p28.verdict.error.find("model's max seq len") != std::string::npos);
    CHECK(p27.verdict.error.find("(which also controls CPU memory on the CPU backend)") != std::string::npos);
}

TEST_CASE("era 0.28+: Blackwell datacenter defaults (§14.3, §15.1)", "[era][0.22][blackwell]") {
    PlanRequest r = test::request(test::llama31_8b(), b200(), {0, 27, 1});
    r.max_model_len = 8192;
    CHECK(plan_checked(r).config.max_num_batched_tokens == 8192);
    r.version = {0, 28, 0};
    const Plan p = plan_checked(r);
    CHECK(p.config.max_num_batched_tokens == 16384);   // #51726: ≥ 160 GiB
    // S 1024 on SM100 from 0.28: max = min(2 x 1024, 1024) = 1024: [1, 2, 4] + 8..248 step 8 (31)
    // + 256..1024 step 16 (49) = 83 sizes (spec §14.3: "83 + 83").
    CHECK(p.workers.at(0).capture_sizes == 83);
    CHECK(capture_sizes(rules_for({0, 28, 0}), 1024, 16384, true).size() == 83);
    CHECK(capture_sizes(rules_for({0, 27, 1}), 1024, 16384, true).size() == 51);
    CHECK(capture_sizes(rules_for({0, 28, 0}), 1024, 16384, false).size() == 51);
}

TEST_CASE("era 0.18+: --block-size takes any positive size (§16.4)", "[era][0.22]") {
    PlanRequest r = test::request(test::llama31_8b(), test::h100(), {0, 28, 0});
    r.block_size = 528;
    CHECK(validate(r).empty());
    CHECK(plan_checked(r).kv.block_size == 528);
    r.version = {0, 17, 0};
    CHECK(validate(r) == "--block-size: vLLM 0.17.0 accepts 1, 8, 16, 32, 64, 128, 256 or 512 (any size from 0.18)");
}

TEST_CASE("era 0.22+: a prefix-LM model's video fits one batch (§15.1)", "[era][0.22]") {
    // Gemma-4: video 32 frames x (70 + 2 + 6) = 2496 tokens (gemma4_mm.py:254-281); the A10's serve
    // default B 2048 is raised to it from 0.22 (#43051), not before, and never over a user's value.
    ModelSpec m = test::gemma3_27b();
    m.architecture = "Gemma4ForConditionalGeneration";
    m.mm_prefix_lm_min_batched_tokens = 2496;
    PlanRequest r = test::request(m, test::a10(), {0, 21, 0});
    r.max_model_len = 4096;
    r.gpu_memory_utilization = 0.9;
    CHECK(make_plan(r).config.max_num_batched_tokens == 2048);
    r.version = {0, 22, 0};
    CHECK(make_plan(r).config.max_num_batched_tokens == 2496);
    r.max_num_batched_tokens = 2048;
    CHECK(make_plan(r).config.max_num_batched_tokens == 2048);
}

TEST_CASE("era 0.22+: MRv2's buffers by pipeline stage (model_runner.py:351-356, 390-399 @C27)", "[era][0.22][runner]") {
    // Llama-3.1-8B PP 2 on H100 serve defaults (S 1024, B 8192), 0.27: the sampler lives on the
    // last stage only, the received hidden states + residual on every stage but the first.
    PlanRequest r = test::request(test::llama31_8b(), test::h100(), {0, 27, 1});
    r.max_model_len = 8192;
    r.pipeline_parallel_size = 2;
    const Plan p = plan_checked(r);
    REQUIRE(p.workers.size() == 2);
    CHECK(p.workers[0].runner_buffers == 0);
    // 541,753,344 (penalties, above) + 2 x 8192 x 4096 x 2 B = 134,217,728.
    CHECK(p.workers[1].runner_buffers == 541753344ULL + 134217728ULL);
}

TEST_CASE("GB10: NVML has no memory total, so vLLM takes the small-card batch defaults", "[era][0.22][unified]") {
    // get_batch_defaults reads the total via NvmlCudaPlatform.get_device_total_memory
    // (platforms/cuda.py:778-781 @main); on GB10 NVML reports none, the call raises and vLLM
    // uses device_memory = 0: S 256, B 2048 for `vllm serve`, although CUDA sees 119.7 GiB.
    GpuSpec g = test::h100();
    g.total = 122573ULL * 1048576ULL;
    g.unified_memory = true;
    g.nvml_total_unavailable = true;
    PlanRequest r = test::request(test::llama31_8b(), g, {0, 28, 0});
    r.max_model_len = 8192;
    const Plan p = plan_checked(r);
    CHECK(p.config.max_num_seqs == 256);
    CHECK(p.config.max_num_batched_tokens == 2048);
    g.nvml_total_unavailable = false;
    r.gpu = g;
    CHECK(plan_checked(r).config.max_num_batched_tokens == 8192);
}

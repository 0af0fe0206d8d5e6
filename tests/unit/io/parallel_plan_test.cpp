// addendum 3 §22.6's worked example: DeepSeek-V3 (FP8 block-128) on 8×H200, u = 0.92, weights per
// GPU for TP 8 and DP 8 + EP, with EPLB R = 32 and DeepEP low latency. The catalog's DeepSeek-V3
// config.json is the model; the oracles are §22.6's table (two decimals of GiB).
#include <vramplan/io/catalog.hpp>
#include <vramplan/io/resolve.hpp>
#include <vramplan/plan.hpp>

#include <catch2/catch.hpp>

using namespace vramplan;

namespace {

Plan deepseek_v3(std::uint32_t tp, std::uint32_t dp, bool ep, std::uint64_t redundant, const std::string& backend) {
    const Catalog catalog = Catalog::load({});
    PlanRequest r;
    r.model = resolve_model(catalog, "deepseek-v3").parsed.spec;
    r.gpu = catalog.gpu("h200").spec;
    r.gpu_memory_utilization = 0.92;
    r.max_model_len = 8192;
    r.tensor_parallel_size = tp;
    r.data_parallel_size = dp;
    r.enable_expert_parallel = ep;
    r.enable_eplb = redundant > 0;
    r.num_redundant_experts = redundant;
    r.all2all_backend = backend;
    REQUIRE(validate(r).empty());
    return make_plan(r);
}

double gib(Bytes b) { return static_cast<double>(b) / static_cast<double>(Bytes{1} << 30); }

} // namespace

TEST_CASE("DeepSeek-V3 weights per GPU match addendum 3 §22.6", "[parallel]") {
    // TP 8 (with or without EP): W = 79.5 GiB; routed experts 76.14 GiB either way.
    const Plan tp8 = deepseek_v3(8, 1, false, 0, "");
    CHECK(gib(tp8.workers[0].weights) == Approx(79.5).margin(0.06));
    CHECK(gib(deepseek_v3(8, 1, true, 0, "").workers[0].weights) == Approx(79.5).margin(0.06));
    // DP 8 + EP (TP 1): W = 95.8 GiB (attention, shared experts, dense MLPs, embeddings replicated).
    const Plan dp8 = deepseek_v3(1, 8, true, 0, "");
    CHECK(gib(dp8.workers[0].weights) == Approx(95.8).margin(0.06));
    CHECK(dp8.config.experts.local_experts == 32);
    CHECK(dp8.config.topology.nodes == 1);
    // EPLB R = 32: +9.52 GiB of experts, + expert_buffer 1.48 GiB + window 0.06 GiB.
    const Plan eplb = deepseek_v3(1, 8, true, 32, "");
    CHECK(gib(eplb.workers[0].weight_parts.mlp - dp8.workers[0].weight_parts.mlp) == Approx(9.52).margin(0.01));
    CHECK(gib(eplb.workers[0].weight_parts.eplb) == Approx(1.48 + 0.06).margin(0.01));
    // DeepEP LL: 4.55 GiB of buffers in non-torch memory, B defaults to 256 (≥ 0.20).
    const Plan ll = deepseek_v3(1, 8, true, 0, "deepep_low_latency");
    CHECK(gib(ll.workers[0].all2all_buffers) == Approx(4.55).margin(0.01));
    CHECK(ll.config.max_num_batched_tokens == 256);
    CHECK(accounting_error(ll).empty());
    CHECK(accounting_error(eplb).empty());
}

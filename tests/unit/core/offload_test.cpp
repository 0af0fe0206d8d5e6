// Memory savers (include/vramplan/offload.hpp) against addendum 3 §24's worked numbers.
// Every expected number is derived in a comment.
#include "../support/models.hpp"

#include <vramplan/offload.hpp>
#include <vramplan/plan.hpp>
#include <vramplan/weights.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

using namespace vramplan;
using namespace vramplan::test;

namespace {

std::vector<LayerParameters> stage_layers(const ModelSpec& m, std::uint32_t tp) {
    std::vector<LayerParameters> out;
    for (std::size_t i = 0; i < m.layers.size(); ++i) {
        out.push_back(layer_parameter_bytes(m, i, 2, tp, ExpertSharding{tp, 0, 1}));
    }
    return out;
}

/// Llama-3.1-8B as AWQ: 4-bit, groups of 128, zero points.
ModelSpec llama31_8b_awq() {
    ModelSpec m = llama31_8b();
    m.quant.method = QuantMethod::int4_group;
    m.quant.name = "awq";
    m.quant.bits = 4;
    m.quant.group_size = 128;
    m.quant.zero_point = true;
    return m;
}

} // namespace

// One Llama-3.1-8B layer, bf16, TP 1, in LlamaDecoderLayer's parameter order: qkv_proj 4096 x
// (4096 + 2 x 1024) x 2 B = 50,331,648; o_proj 4096 x 4096 x 2 = 33,554,432; gate_up 4096 x
// 28,672 x 2 = 234,881,024; down 14,336 x 4096 x 2 = 117,440,512; two norms 2 x 4096 x 2 =
// 16,384. Sum 436,224,000 B (addendum 3 §24.1).
TEST_CASE("Llama-3.1-8B's layer parameters in module order", "[offload]") {
    const std::vector<Bytes> p = layer_parameter_bytes(llama31_8b(), 0, 2, 1, ExpertSharding{1, 0, 1});
    CHECK(p == std::vector<Bytes>{50331648, 33554432, 234881024, 117440512, 16384});
}

// Addendum 3 §24.1's example: --cpu-offload-gb 4 = 4,294,967,296 B. Nine layers = 3,926,016,000
// (below the limit); layer 9: + qkv 3,976,347,648, + o 4,009,902,080, + gate_up 4,244,783,104
// (still below) + down = 4,362,223,616 ≥ limit: stop before the norms. 4.06 GiB offloaded.
// W = 16,094,076,928 (14.99 GiB: 2 x 1,050,673,152 vocab + 32 x 436,224,000 + 8,192 final norm
// + 33,554,432 RoPE cache) − 4,362,223,616 = 11,731,853,312 B = 10.93 GiB.
TEST_CASE("--cpu-offload-gb 4 on Llama-3.1-8B offloads 4,362,223,616 B (addendum 3 §24.1)", "[offload]") {
    const std::vector<LayerParameters> layers = stage_layers(llama31_8b(), 1);
    const CpuOffload o = uva_offload(layers, 4 * GiB);
    CHECK(o.offloaded == 4362223616ULL);
    CHECK(o.whole_layers == 9);
    CHECK(o.partial_parameters == 4);
    CHECK(uva_offload(layers, 0).offloaded == 0);

    PlanRequest r = request(llama31_8b(), h100(), VllmVersion{0, 19, 0});
    r.max_model_len = 8192;
    const Plan base = make_plan(r);
    r.cpu_offload_bytes = 4 * GiB;
    const Plan plan = make_plan(r);
    REQUIRE(accounting_error(plan).empty());
    const WorkerPlan& w = plan.workers.front();
    CHECK(base.workers.front().weights == 16094076928ULL);
    CHECK(w.weights == 11731853312ULL);
    CHECK(w.kv_cache == base.workers.front().kv_cache + 4362223616LL);
    CHECK(plan.host.cpu_offload == 4362223616ULL);
    CHECK(plan.host.total() == 4362223616ULL);
}

// TP 2: per rank qkv 4096 x (2048 + 2 x 512) x 2 = 25,165,824; o 2048 x 4096 x 2 = 16,777,216;
// gate_up 4096 x 14,336 x 2 = 117,440,512; down 7168 x 4096 x 2 = 58,720,256; norms 16,384 →
// 218,120,192 per layer. 19 layers = 4,144,283,648 < 4 GiB; layer 19: + 25,165,824 =
// 4,169,449,472, + 16,777,216 = 4,186,226,688, + 117,440,512 = 4,303,667,200 ≥ limit. Each of the
// two GPUs offloads that much: 8,607,334,400 B of pinned host memory.
TEST_CASE("--cpu-offload-gb is per GPU under tensor parallelism", "[offload]") {
    const CpuOffload o = uva_offload(stage_layers(llama31_8b(), 2), 4 * GiB);
    CHECK(o.offloaded == 4303667200ULL);
    CHECK(o.whole_layers == 19);
    CHECK(o.partial_parameters == 3);

    PlanRequest r = request(llama31_8b(), h100(), VllmVersion{0, 19, 0});
    r.tensor_parallel_size = 2;
    r.cpu_offload_bytes = 4 * GiB;
    const Plan plan = make_plan(r);
    REQUIRE(accounting_error(plan).empty());
    CHECK(plan.workers.front().offload.offloaded == 4303667200ULL);
    CHECK(plan.host.cpu_offload == 8607334400ULL);
}

// Prefetch (§24.1): group 8, 2 per group → layers 6, 7, 14, 15, 22, 23, 30, 31 = 8 x 436,224,000
// = 3,489,792,000 B to host; a pool of 1 slot x one layer = 436,224,000 B stays.
TEST_CASE("Prefetch offload: the last n of every g layers, one layer per prefetch slot", "[offload]") {
    const CpuOffload o = prefetch_offload(stage_layers(llama31_8b(), 1), 8, 2, 1);
    CHECK(o.prefetch_layers == 8);
    CHECK(o.offloaded == 3489792000ULL);
    CHECK(o.prefetch_buffers == 436224000ULL);
    CHECK(prefetch_offload(stage_layers(llama31_8b(), 1), 8, 2, 3).prefetch_buffers == 3 * 436224000ULL);

    PlanRequest r = request(llama31_8b(), h100(), VllmVersion{0, 19, 0});
    r.offload_group_size = 8;
    r.offload_num_in_group = 2;
    r.cpu_offload_bytes = 4 * GiB;   // both set: the auto backend picks prefetch (config/offload.py:130-135)
    const Plan plan = make_plan(r);
    REQUIRE(accounting_error(plan).empty());
    CHECK(plan.workers.front().weights == 16094076928ULL - 3489792000ULL + 436224000ULL);
    r.offload_num_in_group = 9;
    CHECK(validate(r) == "--offload-num-in-group (9) must be <= --offload-group-size (8)");
}

// --offload-backend (vllm/config/offload.py:85-135 @main): an explicit backend ignores the other's
// settings; prefetch without a group size is vLLM's validation error.
TEST_CASE("Offload backend: auto, uva and prefetch pick the offloader as vLLM does", "[offload]") {
    CHECK(effective_offload_backend(OffloadBackend::automatic, 0) == OffloadBackend::uva);
    CHECK(effective_offload_backend(OffloadBackend::automatic, 8) == OffloadBackend::prefetch);
    CHECK(effective_offload_backend(OffloadBackend::uva, 8) == OffloadBackend::uva);
    CHECK(effective_offload_backend(OffloadBackend::prefetch, 0) == OffloadBackend::prefetch);

    PlanRequest r = request(llama31_8b(), h100(), VllmVersion{0, 19, 0});
    r.offload_group_size = 8;
    r.offload_num_in_group = 2;
    r.cpu_offload_bytes = 4 * GiB;
    r.offload_backend = OffloadBackend::uva;   // the prefetch settings are ignored: UVA's 4 GiB
    const Plan uva = make_plan(r);
    REQUIRE(accounting_error(uva).empty());
    CHECK(uva.workers.front().offload.limit == 4 * GiB);
    CHECK(uva.workers.front().offload.prefetch_buffers == 0);
    CHECK(uva.workers.front().offload.offloaded >= 4 * GiB);

    r.offload_backend = OffloadBackend::prefetch;   // --cpu-offload-gb is ignored: §24.1's 8/2 numbers
    const Plan prefetch = make_plan(r);
    CHECK(prefetch.workers.front().weights == 16094076928ULL - 3489792000ULL + 436224000ULL);

    r.offload_group_size = 0;
    r.cpu_offload_bytes = 0;
    r.offload_num_in_group = 1;
    CHECK(validate(r) == "--offload-num-in-group (1) must be <= --offload-group-size (0)");
    r.offload_backend = OffloadBackend::uva;
    CHECK(validate(r).empty());
    CHECK(make_plan(r).workers.front().offload.offloaded == 0);
}

// §24.4.2's table of releases.
TEST_CASE("Sleep-mode accounting windows (addendum 3 §24.4.2)", "[offload]") {
    CHECK(sleep_accounting({0, 10, 2}) == SleepAccounting::resident_overcount);
    CHECK(sleep_accounting({0, 11, 0}) == SleepAccounting::negative_non_torch);
    CHECK(sleep_accounting({0, 13, 0}) == SleepAccounting::negative_non_torch);
    CHECK(sleep_accounting({0, 14, 0}) == SleepAccounting::weights_not_pooled);
    CHECK(sleep_accounting({0, 16, 0}) == SleepAccounting::weights_not_pooled);
    CHECK(sleep_accounting({0, 17, 0}) == SleepAccounting::negative_non_torch);
    CHECK(sleep_accounting({0, 26, 0}) == SleepAccounting::negative_non_torch);
    CHECK(sleep_accounting({0, 27, 0}) == SleepAccounting::exact);
    CHECK(sleep_mode_freed_bytes(SleepAccounting::negative_non_torch, QuantMethod::none, 100) == 0);
    CHECK(sleep_mode_freed_bytes(SleepAccounting::exact, QuantMethod::int4_group, 100) == 0);
    CHECK(sleep_mode_freed_bytes(SleepAccounting::weights_not_pooled, QuantMethod::int4_group, 100) == 0);
    CHECK(sleep_mode_freed_bytes(SleepAccounting::negative_non_torch, QuantMethod::int4_group, 100) == 100);
}

// §24.4.2 on Llama-3.1-8B AWQ (4-bit, g128, zero points), per layer: qkv 25,165,824 elements →
// 12,582,912 packed + 32 x 6144 x 2 scales 393,216 + 32 x 6144 / 2 zeros 98,304 = 13,074,432;
// o 8,388,608 + 262,144 + 65,536 = 8,716,288; gate_up 58,720,256 + 1,835,008 + 458,752 =
// 61,014,016; down (112 groups) 29,360,128 + 917,504 + 229,376 = 30,507,008 → 113,311,744;
// x 32 = X = 3,625,975,808 B. On 0.26 KV_reported = KV_nosleep + X, and X sits beyond the
// budget; on 0.27 nothing changes.
TEST_CASE("Sleep mode before 0.27 over-sizes the KV cache by the repacked weights", "[offload]") {
    PlanRequest r = request(llama31_8b_awq(), h100(), VllmVersion{0, 26, 0});
    r.max_model_len = 8192;
    const Plan base = make_plan(r);
    r.enable_sleep_mode = true;
    const Plan sleep = make_plan(r);
    REQUIRE(accounting_error(sleep).empty());
    const WorkerPlan& w = sleep.workers.front();
    CHECK(w.sleep_mode_uncharged == 3625975808ULL);
    CHECK(w.kv_cache == base.workers.front().kv_cache + 3625975808LL);
    CHECK(w.free == base.workers.front().free - 3625975808LL);
    CHECK(sleep.sleep_accounting == SleepAccounting::negative_non_torch);

    r.version = VllmVersion{0, 27, 0};
    r.enable_sleep_mode = false;
    const Plan base27 = make_plan(r);
    r.enable_sleep_mode = true;
    const Plan sleep27 = make_plan(r);
    CHECK(sleep27.workers.front().kv_cache == base27.workers.front().kv_cache);

    // A pinned KV cache (§24.5) is what is allocated: sleep mode changes nothing.
    r.version = VllmVersion{0, 26, 0};
    r.kv_cache_memory_bytes = 10 * GiB;
    CHECK(make_plan(r).workers.front().sleep_mode_uncharged == 0);
}

// §24.2-§24.3: swap space and KV offloading take host memory only.
TEST_CASE("Swap space and KV offloading change no GPU byte", "[offload]") {
    PlanRequest r = request(llama31_8b(), h100(), VllmVersion{0, 8, 5});
    r.max_model_len = 8192;
    r.engine = Engine::v0;
    const Plan base = make_plan(r);
    r.swap_space_bytes = 16 * GiB;
    r.tensor_parallel_size = 1;
    const Plan swap = make_plan(r);
    CHECK(swap.workers.front().kv_cache == base.workers.front().kv_cache);
    CHECK(swap.host.swap_space == 16 * GiB);

    PlanRequest v1 = request(llama31_8b(), h100(), VllmVersion{0, 19, 0});
    v1.max_model_len = 8192;
    const Plan b1 = make_plan(v1);
    v1.swap_space_bytes = 16 * GiB;   // V1 ignores it
    v1.kv_offloading_bytes = 64 * GiB;
    const Plan s1 = make_plan(v1);
    CHECK(s1.workers.front().kv_cache == b1.workers.front().kv_cache);
    CHECK(s1.host.swap_space == 0);
    CHECK(s1.host.kv_offload == 64 * GiB);
    v1.kv_offloading_backend = "disk";
    CHECK(validate(v1) == "--kv-offloading-backend: expected native or lmcache");
}

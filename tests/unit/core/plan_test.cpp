// The planner (include/vramplan/plan.hpp): budget identities, vLLM defaults, version rules,
// verdicts and monotonicity (reference/vllm-memory-model.md §1, §3, §6.3, §7.3).
#include "../support/models.hpp"
#include "../support/plan_checks.hpp"

#include <vramplan/plan.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

using namespace vramplan;
using vramplan::test::GiB;
using vramplan::test::MiB;

namespace {

using test::check_invariants;

using test::request;

Plan plan_checked(const PlanRequest& r) {
    REQUIRE(validate(r).empty());
    Plan p = make_plan(r);
    check_invariants(p);
    return p;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

} // namespace

TEST_CASE("plan: vLLM batch defaults depend on the card and the entry point (spec §6.3)", "[plan]") {
    const ModelSpec m = test::llama31_8b();
    SECTION("H100 serve: S 1024, B 8192") {
        const Plan p = plan_checked(request(m, test::h100()));
        CHECK(p.config.large_gpu_defaults);
        CHECK(p.config.max_num_seqs == 1024);
        CHECK(p.config.max_num_batched_tokens == 8192);
        CHECK(p.config.max_num_seqs_is_default);
        CHECK(p.config.max_num_batched_tokens_is_default);
    }
    SECTION("A10 serve: S 256, B 2048") {
        const Plan p = plan_checked(request(m, test::a10()));
        CHECK_FALSE(p.config.large_gpu_defaults);
        CHECK(p.config.max_num_seqs == 256);
        CHECK(p.config.max_num_batched_tokens == 2048);
    }
    SECTION("LLM class: B 16384 on H100, 8192 on A10") {
        PlanRequest r = request(m, test::h100());
        r.entrypoint = Entrypoint::llm;
        const Plan ph = plan_checked(r);
        CHECK(ph.config.max_num_batched_tokens == 16384);
        CHECK(ph.config.max_num_seqs == 1024);
        r.gpu = test::a10();
        const Plan pa = plan_checked(r);
        CHECK(pa.config.max_num_batched_tokens == 8192);
        CHECK(pa.config.max_num_seqs == 256);
    }
    SECTION("A100 80GB: >= 70 GiB but named A100 -> small defaults") {
        GpuSpec g = test::h100();
        g.id = "a100-80gb";
        g.name = "NVIDIA A100 80GB";
        g.device_name = "NVIDIA A100-SXM4-80GB";
        g.total = 81920ULL * MiB; // 85,899,345,920 = 80 GiB >= 70 GiB = 75,161,927,680
        g.compute_major = 8;
        const Plan p = plan_checked(request(m, g));
        CHECK_FALSE(p.config.large_gpu_defaults);
        CHECK(p.config.max_num_seqs == 256);
        CHECK(p.config.max_num_batched_tokens == 2048);
    }
    SECTION("explicit flags win; S is capped at B") {
        PlanRequest r = request(m, test::h100());
        r.max_num_batched_tokens = 512;
        const Plan p = plan_checked(r);
        CHECK(p.config.max_num_batched_tokens == 512);
        CHECK(p.config.max_num_seqs == 512); // min(1024, 512)
        CHECK_FALSE(p.config.max_num_batched_tokens_is_default);
    }
}

TEST_CASE("plan: version rules for utilization, CUDA graphs and tokens (spec §1.2, §1.6)", "[plan][version]") {
    const ModelSpec m = test::llama31_8b();
    SECTION("v0.21.0: u = 0.92, graph estimate inside the budget, tokens = int(conc x L)") {
        PlanRequest r = request(m, test::h100(), VllmVersion{0, 21, 0});
        r.max_model_len = 8192;
        const Plan p = plan_checked(r);
        CHECK(p.config.gpu_memory_utilization == 0.92);
        CHECK(p.config.utilization_is_default);
        REQUIRE(p.workers.size() == 1);
        const WorkerPlan& w = p.workers[0];
        // ceil(85,017,493,504 x 0.92) = ceil(78,216,094,023.68) = 78,216,094,024.
        CHECK(w.budget == 78216094024ULL);
        CHECK(w.requested == 78216094024ULL);
        CHECK(w.cuda_graphs_in_budget);
        CHECK(w.cuda_graphs > 0);
        CHECK(p.era.token_rule == TokenRule::concurrency_times_len);
        // L = 8192 is a multiple of 16: both token rules agree on num_blocks x 16.
        CHECK(p.capacity.tokens == p.capacity.num_blocks * 16);
    }
    SECTION("v0.19.0: u = 0.9, graphs outside the budget") {
        const Plan p = plan_checked(request(m, test::h100(), VllmVersion{0, 19, 0}));
        CHECK(p.config.gpu_memory_utilization == 0.9);
        const WorkerPlan& w = p.workers.at(0);
        // ceil(85,017,493,504 x 0.9) = ceil(76,515,744,153.6) = 76,515,744,154.
        CHECK(w.budget == 76515744154ULL);
        CHECK_FALSE(w.cuda_graphs_in_budget);
        CHECK(w.cuda_graphs > 0);
        CHECK(p.era.token_rule == TokenRule::blocks_times_block_size);
    }
    SECTION("--enforce-eager: no graphs at all") {
        PlanRequest r = request(m, test::h100(), VllmVersion{0, 21, 0});
        r.enforce_eager = true;
        const Plan p = plan_checked(r);
        CHECK(p.workers.at(0).cuda_graphs == 0);
        CHECK_FALSE(p.workers.at(0).cuda_graphs_in_budget);
    }
    SECTION("explicit utilization 0.95 (spec §10 ex. 2)") {
        PlanRequest r = request(m, test::h100());
        r.gpu_memory_utilization = 0.95;
        const Plan p = plan_checked(r);
        // ceil(85,017,493,504 x 0.95) = ceil(80,766,618,828.8) = 80,766,618,829.
        CHECK(p.workers.at(0).budget == 80766618829ULL);
        CHECK_FALSE(p.config.utilization_is_default);
    }
}

TEST_CASE("plan: blocks and capacity follow from the plan's KV memory (uniform model)", "[plan]") {
    PlanRequest r = request(test::llama31_8b(), test::h100());
    r.max_model_len = 8192;
    const Plan p = plan_checked(r);
    REQUIRE(p.verdict.starts);
    const WorkerPlan& w = p.workers.at(0);
    REQUIRE(w.kv_cache > 0);
    // num_blocks = avail // 65,536 // 32 (page 16 x 2 x 8 x 128 x 2 = 65,536; 32 layers).
    CHECK(w.num_blocks == static_cast<std::uint64_t>(w.kv_cache) / 65536 / 32);
    CHECK(p.capacity.num_blocks == w.num_blocks);
    CHECK(p.capacity.tokens == w.num_blocks * 16);
    CHECK(p.capacity.blocks_per_request == 512); // cdiv(8192, 16)
    CHECK(p.capacity.max_concurrency == Approx(static_cast<double>(w.num_blocks) / 512.0));
    // One request: 32 x 65,536 x 512 = 1,073,741,824.
    CHECK(w.request_bytes == 1073741824ULL);
    CHECK(p.kv.block_size == 16);
    CHECK(p.kv.bytes_per_token == 131072);
}

TEST_CASE("plan: --kv-cache-memory-bytes pins the KV cache (spec §7.3)", "[plan]") {
    PlanRequest r = request(test::llama31_8b(), test::h100());
    r.max_model_len = 8192;
    r.kv_cache_memory_bytes = 10 * GiB; // 10,737,418,240
    const Plan p = plan_checked(r);
    const WorkerPlan& w = p.workers.at(0);
    CHECK(w.kv_cache == 10737418240LL);
    // 10 GiB / 2 MiB per block = 5,120 blocks -> 81,920 tokens.
    CHECK(w.num_blocks == 5120);
    CHECK(p.capacity.tokens == 81920);
    CHECK(p.verdict.starts);
}

TEST_CASE("plan: verdict when no KV memory is left (spec §1.5)", "[plan][verdict]") {
    PlanRequest r = request(test::llama31_8b(), test::h100());
    // ceil(85,017,493,504 x 0.05) = 4,250,874,676 (3.96 GiB) < 14.99 GiB of weights.
    r.gpu_memory_utilization = 0.05;
    const Plan p = plan_checked(r);
    CHECK(p.workers.at(0).budget == 4250874676ULL);
    CHECK(p.workers.at(0).kv_cache < 0);
    CHECK_FALSE(p.verdict.starts);
    CHECK(p.verdict.failure == Failure::no_kv_memory);
    CHECK(p.verdict.error ==
          "No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.");
    CHECK(p.workers.at(0).num_blocks == 0);
}

TEST_CASE("plan: verdict when one max-length request does not fit (spec §1.5, §10 ex. 2 failure)", "[plan][verdict]") {
    // Llama-3.1-8B on an A10 (22.18 GiB) at the model's 131,072 tokens: one request needs
    // 32 x 65,536 x cdiv(131072, 16) = 32 x 65,536 x 8,192 = 17,179,869,184 B = 16.00 GiB, while the
    // budget is ceil(23,815,258,112 x 0.9) = 21,433,732,301 (19.96 GiB) minus 14.99 GiB of weights.
    const Plan p = plan_checked(request(test::llama31_8b(), test::a10()));
    const WorkerPlan& w = p.workers.at(0);
    CHECK(w.budget == 21433732301ULL);
    CHECK(w.request_bytes == 17179869184ULL);
    REQUIRE(w.kv_cache > 0);
    REQUIRE(static_cast<std::uint64_t>(w.kv_cache) < 17179869184ULL);
    CHECK_FALSE(p.verdict.starts);
    CHECK(p.verdict.failure == Failure::kv_too_small);
    // Uniform model: M = num_blocks x 16, num_blocks = avail // 65,536 // 32.
    const std::uint64_t blocks = static_cast<std::uint64_t>(w.kv_cache) / 65536 / 32;
    CHECK(w.num_blocks == blocks);
    REQUIRE(p.verdict.estimated_max_model_len.has_value());
    CHECK(*p.verdict.estimated_max_model_len == blocks * 16);
    CHECK(w.estimated_max_model_len == blocks * 16);
    const std::string& e = p.verdict.error;
    CHECK(starts_with(e, "To serve at least one request with the models's max seq len (131072), (16.00 GiB KV cache is needed, "
                         "which is larger than the available KV cache memory ("));
    CHECK_THAT(e, Catch::Contains("the estimated maximum model length is " + std::to_string(blocks * 16) + "."));
    CHECK_THAT(e, Catch::Contains("Try increasing `gpu_memory_utilization` or decreasing `max_model_len`"));

    // The suggested length really fits: the same plan at L = M starts.
    PlanRequest fixed_len = request(test::llama31_8b(), test::a10());
    fixed_len.max_model_len = blocks * 16;
    const Plan q = plan_checked(fixed_len);
    CHECK(q.verdict.starts);
    CHECK(q.workers.at(0).request_bytes == blocks * 2097152); // cdiv(16 x blocks, 16) blocks x 2 MiB
}

TEST_CASE("plan: verdict when the card has less free memory than requested (spec §1.2, §3)", "[plan][verdict]") {
    SECTION("utilization 0.999 on H100") {
        PlanRequest r = request(test::llama31_8b(), test::h100(), VllmVersion{0, 21, 0});
        r.gpu_memory_utilization = 0.999;
        const Plan p = plan_checked(r);
        const WorkerPlan& w = p.workers.at(0);
        // Free at startup = total - 0.52 GiB CUDA context = 85,017,493,504 - 558,345,748
        // (0.52 x 2^30 = 558,345,748.48) = 84,459,147,756 (78.66 GiB).
        CHECK(w.free_at_startup == 84459147756ULL);
        // Requested = ceil(85,017,493,504 x 0.999) = ceil(84,932,476,010.496) = 84,932,476,011 (79.10 GiB) > free.
        CHECK(w.requested == 84932476011ULL);
        CHECK_FALSE(p.verdict.starts);
        CHECK(p.verdict.failure == Failure::free_memory);
        CHECK(starts_with(p.verdict.error, "Free memory on device"));
        // 84,459,147,756 / 2^30 = 78.6587 -> 78.66; 85,017,493,504 / 2^30 = 79.1787 -> 79.18;
        // 84,932,476,011 / 2^30 = 79.0995 -> 79.10.
        CHECK_THAT(p.verdict.error, Catch::Contains("(78.66/79.18 GiB)"));
        CHECK_THAT(p.verdict.error, Catch::Contains("(0.999, 79.10 GiB)"));
    }
    SECTION("utilization 0.99 still passes the free-memory check") {
        PlanRequest r = request(test::llama31_8b(), test::h100());
        r.gpu_memory_utilization = 0.99;
        r.max_model_len = 8192;
        // ceil(85,017,493,504 x 0.99) = 84,167,318,569 <= 84,459,147,756.
        const Plan p = plan_checked(r);
        CHECK(p.workers.at(0).requested == 84167318569ULL);
        CHECK(p.verdict.failure != Failure::free_memory);
    }
    SECTION("other processes hold 10 GiB") {
        PlanRequest r = request(test::llama31_8b(), test::h100());
        r.other_processes_memory = 10 * GiB;
        const Plan p = plan_checked(r);
        // 85,017,493,504 - 558,345,748 - 10,737,418,240 = 73,721,729,516 < 76,515,744,154 requested.
        CHECK(p.workers.at(0).free_at_startup == 73721729516ULL);
        CHECK(p.verdict.failure == Failure::free_memory);
    }
}

TEST_CASE("plan: verdict when max_model_len exceeds the model's maximum", "[plan][verdict]") {
    PlanRequest r = request(test::llama31_8b(), test::h100());
    r.max_model_len = 262144; // > 131,072
    const Plan p = plan_checked(r);
    CHECK_FALSE(p.verdict.starts);
    CHECK(p.verdict.failure == Failure::max_model_len_exceeds_model);
    CHECK_THAT(p.verdict.error, Catch::Contains("262144"));
    CHECK_THAT(p.verdict.error, Catch::Contains("131072"));
    // Equal to the maximum is fine.
    r.max_model_len = 131072;
    CHECK(plan_checked(r).verdict.failure != Failure::max_model_len_exceeds_model);
}

TEST_CASE("plan: MLA block size by backend and version (spec §5.3)", "[plan]") {
    const ModelSpec m = test::deepseek_v2_lite();
    SECTION("v0.19 on Hopper: FlashAttention-MLA, block 16 (verified in the real log)") {
        PlanRequest r = request(m, test::h100(), VllmVersion{0, 19, 0});
        r.max_model_len = 8192;
        const Plan p = plan_checked(r);
        CHECK(p.kv.block_size == 16);
        CHECK(p.kv.bytes_per_token == 31104); // 27 x 576 x 2
    }
    SECTION("v0.11 on Hopper: FlashMLA, block 64") {
        PlanRequest r = request(m, test::h100(), VllmVersion{0, 11, 0});
        r.max_model_len = 8192;
        CHECK(plan_checked(r).kv.block_size == 64);
    }
    SECTION("fp8 KV on Hopper falls back to FlashMLA, block 64") {
        PlanRequest r = request(m, test::h100(), VllmVersion{0, 19, 0});
        r.max_model_len = 8192;
        r.kv_cache_dtype = "fp8";
        const Plan p = plan_checked(r);
        CHECK(p.kv.block_size == 64);
        CHECK(p.kv.bytes_per_token == 15552); // 27 x 576 x 1
    }
}

TEST_CASE("plan: pipeline parallel workers and the deciding stage (spec §5.5)", "[plan][pp]") {
    PlanRequest r = request(test::llama31_8b(), test::h100());
    r.max_model_len = 8192;
    r.pipeline_parallel_size = 2;
    const Plan p = plan_checked(r);
    REQUIRE(p.workers.size() == 2);
    CHECK(p.workers[0].first_layer == 0);
    CHECK(p.workers[0].end_layer == 16);
    CHECK(p.workers[1].first_layer == 16);
    CHECK(p.workers[1].end_layer == 32);
    CHECK(p.workers[0].layer_counts == std::vector<std::uint64_t>{16});
    // Each stage: num_blocks = avail // 65,536 // 16.
    for (const WorkerPlan& w : p.workers) {
        CHECK(w.num_blocks == static_cast<std::uint64_t>(w.kv_cache) / 65536 / 16);
    }
    const std::uint64_t fewest = std::min(p.workers[0].num_blocks, p.workers[1].num_blocks);
    CHECK(p.capacity.num_blocks == fewest);
    CHECK(p.workers[p.deciding_worker].num_blocks == fewest);
}

TEST_CASE("plan: monotonicity over a small grid", "[plan][monotonic]") {
    const ModelSpec m = test::llama31_8b();
    SECTION("KV memory never decreases as utilization grows") {
        for (const GpuSpec& gpu : {test::h100(), test::a10()}) {
            SignedBytes previous = INT64_MIN;
            for (double u : {0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.92, 0.95}) {
                PlanRequest r = request(m, gpu);
                r.gpu_memory_utilization = u;
                r.max_model_len = 4096;
                const Plan p = plan_checked(r);
                INFO(gpu.id << " u = " << u);
                CHECK(p.workers.at(0).kv_cache >= previous);
                previous = p.workers.at(0).kv_cache;
            }
        }
    }
    SECTION("max concurrency never increases as max_model_len grows") {
        for (VllmVersion v : {VllmVersion{0, 19, 0}, VllmVersion{0, 21, 0}}) {
            double previous = 1e300;
            for (std::uint64_t len : {1024ULL, 2048ULL, 4096ULL, 8000ULL, 8192ULL, 16384ULL, 32768ULL, 65536ULL, 131072ULL}) {
                PlanRequest r = request(m, test::h100(), v);
                r.max_model_len = len;
                const Plan p = plan_checked(r);
                INFO("v" << v.str() << " L = " << len);
                CHECK(p.capacity.max_concurrency <= previous);
                previous = p.capacity.max_concurrency;
            }
        }
        // Hybrid model too.
        ModelSpec g = test::gemma3_27b();
        g.max_model_len = 131072;
        double previous = 1e300;
        for (std::uint64_t len : {1024ULL, 4096ULL, 8192ULL, 32768ULL, 131072ULL}) {
            PlanRequest r = request(g, test::h100());
            r.max_model_len = len;
            const Plan p = plan_checked(r);
            INFO("gemma L = " << len);
            CHECK(p.capacity.max_concurrency <= previous);
            previous = p.capacity.max_concurrency;
        }
    }
    SECTION("KV memory never increases as the weights grow") {
        SignedBytes previous = INT64_MAX;
        for (std::uint64_t inter : {8192ULL, 11008ULL, 14336ULL, 16384ULL, 28672ULL}) {
            ModelSpec bigger = m;
            bigger.intermediate_size = inter;
            PlanRequest r = request(bigger, test::h100());
            r.max_model_len = 8192;
            const Plan p = plan_checked(r);
            INFO("intermediate_size " << inter);
            CHECK(p.workers.at(0).kv_cache <= previous);
            previous = p.workers.at(0).kv_cache;
        }
    }
}

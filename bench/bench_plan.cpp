// Benchmark: time of one plan (the default scenario and a 4-stage hybrid MoE plan) and of a
// 100,000-configuration sweep, excluding process start (bench/startup.sh measures that).
// Run: ./build/bench/vramplan_bench [iterations]
#include <vramplan/coldstart.hpp>
#include <vramplan/io/catalog.hpp>
#include <vramplan/io/hf_config.hpp>
#include <vramplan/plan.hpp>
#include <vramplan/report/render.hpp>
#include <vramplan/sweep.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace vramplan;

namespace {
double time_plans(const PlanRequest& req, int iterations, std::size_t& sink) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < iterations; ++i) {
        const Plan p = make_plan(req);
        sink += p.capacity.tokens;
    }
    const std::chrono::duration<double, std::micro> elapsed = std::chrono::steady_clock::now() - start;
    return elapsed.count() / iterations;
}
} // namespace

int main(int argc, char** argv) {
    const int iterations = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20000;
    const auto t0 = std::chrono::steady_clock::now();
    const Catalog catalog = Catalog::load({});
    const std::chrono::duration<double, std::milli> load_ms = std::chrono::steady_clock::now() - t0;
    std::size_t sink = 0;
    PlanRequest a10;
    a10.model = parse_hf_config(catalog.model("qwen2.5-1.5b-instruct").config, "bench").spec;
    a10.gpu = catalog.gpu("a10").spec;
    a10.gpu_memory_utilization = 0.5;
    a10.max_model_len = 2048;
    PlanRequest gptoss;
    gptoss.model = parse_hf_config(catalog.model("gpt-oss-120b").config, "bench").spec;
    gptoss.gpu = catalog.gpu("h100").spec;
    gptoss.tensor_parallel_size = 2;
    gptoss.pipeline_parallel_size = 2;
    std::printf("catalog load (%zu GPUs, %zu models): %.2f ms\n", catalog.gpus().size(), catalog.models().size(), load_ms.count());
    std::printf("plan, A10 + Qwen2.5-1.5B (default scenario): %.2f us/plan over %d plans\n", time_plans(a10, iterations, sink), iterations);
    std::printf("plan, gpt-oss-120b hybrid MoE, TP2 x PP2:     %.2f us/plan over %d plans\n", time_plans(gptoss, iterations, sink), iterations);
    // `vramplan sweep --gpu-memory-utilization 0.01:1:0.01 --max-model-len 32,64,…,32000`:
    // 100,000 configurations (100 utilizations x 1,000 context lengths), each validated, planned
    // and given a snapshot estimate by sweep_plans, as the command does (without rendering); the
    // best of 3 runs. Issue 13's target: under 0.3 s.
    {
        std::vector<double> utilizations;
        std::vector<std::uint64_t> lengths;
        for (int u = 1; u <= 100; ++u) {
            utilizations.push_back(u / 100.0);
        }
        for (int l = 1; l <= 1000; ++l) {
            lengths.push_back(static_cast<std::uint64_t>(l) * 32);
        }
        double best = 0.0;
        std::size_t n = 0;
        for (int run = 0; run < 3; ++run) {
            const auto s0 = std::chrono::steady_clock::now();
            const Sweep sweep = sweep_plans(a10, utilizations, lengths, SnapshotParams{}, std::nullopt);
            const std::chrono::duration<double> s = std::chrono::steady_clock::now() - s0;
            best = run == 0 ? s.count() : std::min(best, s.count());
            n = sweep.points.size();
            for (const SweepPoint& point : sweep.points) {
                sink += point.tokens + point.image_compressed;
            }
        }
        std::printf("sweep, %zu configurations (sweep_plans: plan + snapshot): %.3f s (best of 3)\n", n, best);
    }
    std::printf("(checksum %zu)\n", sink);
    return 0;
}

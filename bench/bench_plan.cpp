// Benchmark: time of one plan (the default scenario and a 4-stage hybrid MoE plan), excluding
// process start. Run: ./build/bench/vramplan_bench [iterations]
#include <vramplan/coldstart.hpp>
#include <vramplan/io/catalog.hpp>
#include <vramplan/io/hf_config.hpp>
#include <vramplan/plan.hpp>
#include <vramplan/report/render.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

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
    // `vramplan sweep`: 100,000 configurations (1,000 utilizations x 100 context lengths), each a
    // plan and a snapshot estimate, as the sweep command computes them.
    {
        const auto s0 = std::chrono::steady_clock::now();
        std::size_t n = 0;
        for (int l = 1; l <= 100; ++l) {
            for (int u = 1; u <= 1000; ++u) {
                PlanRequest r = a10;
                r.gpu_memory_utilization = u / 1000.0;
                r.max_model_len = static_cast<std::uint64_t>(l) * 320;
                const Plan p = make_plan(r);
                sink += p.capacity.tokens + estimate_snapshot(p, SnapshotParams{}, std::nullopt).image_compressed;
                ++n;
            }
        }
        const std::chrono::duration<double> s = std::chrono::steady_clock::now() - s0;
        std::printf("sweep, %zu configurations (plan + snapshot): %.3f s\n", n, s.count());
    }
    std::printf("(checksum %zu)\n", sink);
    return 0;
}

// GPU-snapshot estimates (include/vramplan/coldstart.hpp): what the warm process holds, the image,
// the physical lower bounds, and the fit through measured points.
#include "../support/models.hpp"

#include <vramplan/coldstart.hpp>

#include <catch2/catch.hpp>

#include <cmath>

using namespace vramplan;

TEST_CASE("snapshot: held memory, data and zero pages, image and lower bounds", "[coldstart]") {
    PlanRequest r;
    r.model = test::qwen25_1_5b();
    r.gpu = test::a10();
    r.gpu.host_link = "PCIe Gen4 x16";
    r.gpu.host_link_gbs = 31.5;
    r.version = {0, 19, 0};
    r.gpu_memory_utilization = 0.5;
    r.max_model_len = 2048;
    const Plan p = make_plan(r);
    const WorkerPlan& w = p.workers.at(0);
    SnapshotParams q;
    q.active_tokens = 1000;
    const SnapshotEstimate s = estimate_snapshot(p, q, std::nullopt);
    // Held: weights + non-torch + graphs + context + the whole KV cache (activation is freed).
    const Bytes resident = w.weights + w.non_torch + w.cuda_graphs + w.cuda_context;
    CHECK(s.held_per_gpu == resident + static_cast<Bytes>(w.kv_cache));
    // Data: resident + 1,000 tokens x 28,672 B; the rest of the KV cache was never written.
    CHECK(s.data_per_gpu == resident + 1000 * 28672ULL);
    CHECK(s.zero_per_gpu == s.held_per_gpu - s.data_per_gpu);
    CHECK(s.image_raw == s.held_per_gpu);
    const double compressed = static_cast<double>(s.data_per_gpu) + static_cast<double>(s.zero_per_gpu) / 1000.0;
    CHECK(static_cast<double>(s.image_compressed) == Approx(compressed).epsilon(1e-9));
    // Lower bounds: the slowest pipelined stage. Checkpoint: link, zstd -1 at 0.51 GB/s, storage
    // at 3.94 GB/s; restore: storage, zstd -d at 1.55 GB/s, link.
    const double held = static_cast<double>(s.held_per_gpu);
    CHECK(s.checkpoint_lower_s == Approx(std::max({held / 31.5e9, held / 0.51e9, compressed / 3.94e9})));
    CHECK(s.restore_lower_s == Approx(std::max({compressed / 3.94e9, held / 1.55e9, held / 31.5e9})));
    CHECK_FALSE(s.restore_s);
}

TEST_CASE("snapshot: the fit reproduces the two A10 points and never beats physics", "[coldstart]") {
    // Issue #5: an A10 with a 1.5B model, utilization 0.90 → checkpoint 63 s, restore 121 s;
    // 0.50 → 25 s and 11 s. Held memory at those utilizations from the plans: 20.62 and 11.75 GiB.
    const std::vector<RestorePoint> pts{{0.9, 63.0, 121.0, 20.62}, {0.5, 25.0, 11.0, 11.75}};
    const std::optional<RestoreFit> f = fit_restore(pts);
    REQUIRE(f);
    for (const RestorePoint& pt : pts) {
        CHECK(f->checkpoint_c * std::pow(pt.held_gib, f->checkpoint_k) == Approx(pt.checkpoint_s).epsilon(1e-9));
        CHECK(f->restore_c * std::pow(pt.held_gib, f->restore_k) == Approx(pt.restore_s).epsilon(1e-9));
    }
    // k = ln(121 / 11) / ln(20.62 / 11.75) for restore.
    CHECK(f->restore_k == Approx(std::log(121.0 / 11.0) / std::log(20.62 / 11.75)));
    // Points holding the same memory cannot be fitted; one point is not enough.
    CHECK_FALSE(fit_restore({{0.5, 25.0, 11.0, 11.75}, {0.5, 26.0, 12.0, 11.75}}));
    CHECK_FALSE(fit_restore({{0.5, 25.0, 11.0, 11.75}}));
    CHECK_FALSE(fit_restore({{0.5, 0.0, 11.0, 11.75}, {0.9, 63.0, 121.0, 20.62}}));
}

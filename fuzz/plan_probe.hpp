#pragma once
/// What the fuzz targets do with a model or GPU that parsed: plan it the way the commands do, in
/// a few eras and layouts, render every report, run the solvers, and check that the numbers add
/// up (core `accounting_error`). A parser that accepts a value the planner cannot handle is found
/// here, not in a user's CI.

#include "fuzz.hpp"

#include <vramplan/coldstart.hpp>
#include <vramplan/io/catalog.hpp>
#include <vramplan/plan.hpp>
#include <vramplan/recommend.hpp>
#include <vramplan/report/render.hpp>
#include <vramplan/version.hpp>

namespace vramplan::fuzz {

/// The embedded catalog, loaded once per process.
inline const Catalog& catalog() {
    static const Catalog c = Catalog::load({});
    return c;
}

inline void probe_plan(const PlanRequest& request) {
    if (!validate(request).empty()) {
        return;
    }
    accepts([&] {
        const Plan plan = make_plan(request);
        if (const std::string e = accounting_error(plan); !e.empty()) {
            fail(e);
        }
        const SnapshotEstimate snap = estimate_snapshot(plan, SnapshotParams{}, std::nullopt);
        const PlanContext ctx{"fuzz", "fuzz", "fuzz", "fuzz", "catalog", {}, {}};
        (void)render_text(plan, ctx, &snap);
        (void)render_explain(plan);
        (void)render_bar(plan, 80);
        (void)plan_json(plan, ctx).dump();
        (void)snapshot_json(snap).dump();
    });
}

/// Plans `model` on `gpu` in four configurations: the newest release's defaults (and its
/// solvers), V0 0.6.4 (global budget), V1 0.19 at TP 2, and V1 0.10 at PP 2 with an fp8 KV cache.
inline void probe_plans(const ModelSpec& model, const GpuSpec& gpu) {
    PlanRequest newest;
    newest.model = model;
    newest.gpu = gpu;
    probe_plan(newest);
    if (validate(newest).empty()) {
        accepts([&] { (void)max_safe_utilization(newest, k_gib / 2); });
        accepts([&] { (void)min_utilization_for(newest, ServeTarget{std::uint64_t{4}, std::nullopt}); });
        accepts([&] { (void)max_model_len_for(newest, std::nullopt); });
    }
    PlanRequest v0 = newest;
    v0.version = VllmVersion{0, 6, 4};
    probe_plan(v0);
    PlanRequest tp = newest;
    tp.version = VllmVersion{0, 19, 0};
    tp.tensor_parallel_size = 2;
    probe_plan(tp);
    PlanRequest pp = newest;
    pp.version = VllmVersion{0, 10, 0};
    pp.pipeline_parallel_size = 2;
    pp.kv_cache_dtype = "fp8";
    probe_plan(pp);
}

} // namespace vramplan::fuzz

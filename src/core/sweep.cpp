// Sweeps (sweep.hpp).
#include <vramplan/sweep.hpp>
#include <vramplan/units.hpp>

#include <cmath>

namespace vramplan {

const char* failure_name(Failure failure) {
    switch (failure) {
    case Failure::none: return "";
    case Failure::max_model_len_exceeds_model: return "max_model_len_exceeds_model";
    case Failure::free_memory: return "free_memory";
    case Failure::no_kv_memory: return "no_kv_memory";
    case Failure::kv_too_small: return "kv_too_small";
    case Failure::graph_capture_oom: return "graph_capture_oom";
    case Failure::mamba_blocks_short: return "mamba_blocks_short";
    case Failure::sleep_mode_kv_oom: return "sleep_mode_kv_oom";
    }
    return "";
}

Sweep sweep_plans(const PlanRequest& base, const std::vector<double>& us, const std::vector<std::uint64_t>& lens, const SnapshotParams& sp,
                  const std::optional<RestoreFit>& fit) {
    Sweep out;
    out.points.reserve(us.size() * lens.size());
    for (std::uint64_t len : lens) {
        for (double u : us) {
            PlanRequest r = base;
            r.gpu_memory_utilization = u;
            r.max_model_len = len;
            if (std::string problem = validate(r); !problem.empty()) {
                out.points.clear();
                out.invalid = std::move(problem);
                return out;
            }
            const Plan p = make_plan(r);
            const SnapshotEstimate snap = estimate_snapshot(p, sp, fit);
            SweepPoint pt;
            pt.utilization = u;
            pt.max_model_len = len;
            pt.starts = p.verdict.starts;
            pt.failure = p.verdict.failure;
            pt.kv_cache = p.workers[p.deciding_worker].kv_cache;
            pt.tokens = p.capacity.tokens;
            pt.concurrency = round_concurrency(p.capacity.max_concurrency);
            pt.image_compressed = snap.image_compressed;
            pt.restore_calibrated = snap.restore_s.has_value();
            pt.restore_s = snap.restore_s.value_or(snap.restore_lower_s);
            out.points.push_back(pt);
        }
    }
    return out;
}

} // namespace vramplan

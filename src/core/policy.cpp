// Policy evaluation (policy.hpp): rules, numbers and fixes as data.
#include <vramplan/policy.hpp>
#include <vramplan/recommend.hpp>
#include <vramplan/utilization.hpp>

#include <algorithm>
#include <cmath>

namespace vramplan {

namespace {

/// The largest utilization (0.01 steps) whose vLLM use stays within `cap` bytes per GPU,
/// re-planned; with the context shortened when the KV cache no longer holds one request.
Fix fix_for_cap(const PlanRequest& r, const Plan& p, SignedBytes cap) {
    Fix none;
    none.action = Fix::Action::smaller_model_or_more_gpus;
    none.bytes = cap;
    // The budget may grow to the cap less what vLLM takes outside it, on every worker.
    std::optional<UtilizationStep> step = k_max_utilization_step;
    for (const WorkerPlan& w : p.workers) {
        const std::optional<UtilizationStep> u = max_utilization_within(w.total, cap - (vllm_use(w) - to_signed(w.budget)));
        step = u && step ? std::optional<UtilizationStep>(std::min(*u, *step)) : std::nullopt;
    }
    for (; step && step->hundredths > 0; --step->hundredths) {
        PlanRequest q = r;
        q.gpu_memory_utilization = step->value();
        const Plan at = make_plan(q);
        bool within = true;
        for (const WorkerPlan& w : at.workers) {
            within = within && vllm_use(w) <= cap;
        }
        if (!within) {
            continue;   // what vLLM takes outside the budget moved with it
        }
        if (at.verdict.starts) {
            return Fix::utilization(step->value());
        }
        const std::uint64_t len = max_model_len_for(q, std::nullopt);
        if (len == 0) {
            return none;
        }
        Fix f = Fix::utilization(step->value());
        f.max_model_len = len;
        return f;
    }
    return none;
}

/// The lowest utilization that meets a capacity target, else why it cannot.
Fix target_fix(const PlanRequest& r, const ServeTarget& t) {
    const UtilizationAnswer a = min_utilization_for(r, t);
    if (a.utilization) {
        return Fix::utilization(*a.utilization);
    }
    Fix f;
    f.action = Fix::Action::more_gpus_or_fp8;
    f.why = a.why_not;
    return f;
}

/// The worker whose vLLM use is largest: the one memory caps judge.
const WorkerPlan& largest_user(const Plan& p) {
    return *std::max_element(p.workers.begin(), p.workers.end(), [](const WorkerPlan& a, const WorkerPlan& b) { return vllm_use(a) < vllm_use(b); });
}

void memory_rules(const PlanRequest& r, const Plan& p, const Policy& pol, std::vector<Violation>& out) {
    const WorkerPlan& w = largest_user(p);
    if (pol.max_gpu_memory_utilization && p.config.gpu_memory_utilization > *pol.max_gpu_memory_utilization + 1e-12) {
        Violation v;
        v.rule = Violation::Rule::max_gpu_memory_utilization;
        v.actual = p.config.gpu_memory_utilization;
        v.limit = *pol.max_gpu_memory_utilization;
        v.fix = Fix::utilization(std::floor(*pol.max_gpu_memory_utilization * 100.0 + 1e-9) / 100.0);
        out.push_back(v);
    }
    if (pol.max_vram_per_gpu && vllm_use(w) > to_signed(*pol.max_vram_per_gpu)) {
        Violation v;
        v.rule = Violation::Rule::max_vram_gib_per_gpu;
        v.actual_bytes = vllm_use(w);
        v.limit_bytes = to_signed(*pol.max_vram_per_gpu);
        v.budget = to_signed(w.budget);
        v.graphs_outside_budget = p.config.cuda_graphs && !w.cuda_graphs_in_budget;
        v.fix = fix_for_cap(r, p, v.limit_bytes);
        out.push_back(v);
    }
    if (pol.min_free && w.free < to_signed(*pol.min_free)) {
        Violation v;
        v.rule = Violation::Rule::min_free_gib;
        v.actual_bytes = w.free;
        v.limit_bytes = to_signed(*pol.min_free);
        v.fix = fix_for_cap(r, p, vllm_use(w) + w.free - to_signed(*pol.min_free));
        out.push_back(v);
    }
}

void capacity_rules(const PlanRequest& r, const Plan& p, const Policy& pol, std::vector<Violation>& out) {
    const WorkerPlan& w = largest_user(p);
    if (pol.min_kv_tokens && p.capacity.tokens < *pol.min_kv_tokens) {
        Violation v;
        v.rule = Violation::Rule::min_kv_tokens;
        v.tokens = p.capacity.tokens;
        v.limit_tokens = *pol.min_kv_tokens;
        v.fix = target_fix(r, ServeTarget{std::nullopt, *pol.min_kv_tokens});
        out.push_back(v);
    }
    if (pol.min_concurrency && p.capacity.max_concurrency + 1e-9 < *pol.min_concurrency) {
        Violation v;
        v.rule = Violation::Rule::min_concurrency;
        v.actual = p.capacity.max_concurrency;
        v.limit = *pol.min_concurrency;
        v.tokens = p.config.max_model_len;
        v.fix = target_fix(r, ServeTarget{static_cast<std::uint64_t>(std::ceil(*pol.min_concurrency - 1e-9)), std::nullopt});
        out.push_back(v);
    }
    if (pol.min_graph_headroom && p.config.cuda_graphs && !w.cuda_graphs_in_budget && w.graph_headroom < to_signed(*pol.min_graph_headroom)) {
        Violation v;
        v.rule = Violation::Rule::min_graph_headroom_gib;
        v.actual_bytes = w.graph_headroom;
        v.limit_bytes = to_signed(*pol.min_graph_headroom);
        const UtilizationAnswer a = max_safe_utilization(r, *pol.min_graph_headroom);
        if (a.utilization) {
            v.fix = Fix::utilization(*a.utilization);
        } else {
            v.fix = Fix{};
            v.fix->enforce_eager = true;
        }
        out.push_back(v);
    }
}

/// Restore time grows with the KV cache held: the largest utilization within the limit.
void restore_rule(const PlanRequest& r, const Plan& p, const Policy& pol, const std::optional<RestoreFit>& fit, std::vector<Violation>& out) {
    if (!pol.max_restore_seconds) {
        return;
    }
    const SnapshotEstimate snap = estimate_snapshot(p, SnapshotParams{}, fit);
    const double t = snap.restore_s.value_or(snap.restore_lower_s);
    if (t <= *pol.max_restore_seconds) {
        return;
    }
    Violation v;
    v.rule = Violation::Rule::max_restore_seconds;
    v.actual = t;
    v.limit = *pol.max_restore_seconds;
    v.calibrated = snap.restore_s.has_value();
    // Every step below the deployment's utilization, largest first (0.57 is step 57: ceil, not floor).
    const int below = static_cast<int>(std::ceil(p.config.gpu_memory_utilization * 100.0 - 1e-9)) - 1;
    for (UtilizationStep step{below}; step.hundredths > 0 && !v.fix; --step.hundredths) {
        PlanRequest q = r;
        q.gpu_memory_utilization = step.value();
        const Plan at = make_plan(q);
        const SnapshotEstimate s2 = estimate_snapshot(at, SnapshotParams{}, fit);
        if (at.verdict.starts && s2.restore_s.value_or(s2.restore_lower_s) <= *pol.max_restore_seconds) {
            v.fix = Fix::utilization(step.value());
        }
    }
    if (!v.fix) {
        v.fix = Fix{};
        v.fix->action = Fix::Action::enforce_eager_or_smaller;
    }
    out.push_back(v);
}

/// Memory caps bound the utilization from above, capacity targets from below: when several rules
/// are broken, one utilization may satisfy them all. Runs before the restore rule is judged, as
/// the restore fix is not one of the bounds.
std::optional<FixAll> fix_all(const PlanRequest& r, const Plan& p, std::vector<Violation>& violations) {
    double upper = 1.0;
    double lower = 0.0;
    int bounded = 0;
    for (Violation& v : violations) {
        const std::optional<double> u = v.fix ? v.fix->only_utilization() : std::nullopt;
        if (!u) {
            continue;
        }
        ++bounded;
        using R = Violation::Rule;
        if (v.rule == R::min_kv_tokens || v.rule == R::min_concurrency || (v.rule == R::starts && *u > p.config.gpu_memory_utilization)) {
            v.u_min = u;
            lower = std::max(lower, *u);
        } else {
            v.u_max = u;
            upper = std::min(upper, *u);
        }
    }
    if (bounded < 2) {
        return std::nullopt;
    }
    FixAll all;
    if (lower > upper + 1e-9) {
        all.possible = false;
        all.lower = lower;
        all.upper = upper;
        return all;
    }
    all.utilization = upper < 1.0 ? upper : lower;
    PlanRequest q = r;
    q.gpu_memory_utilization = all.utilization;
    if (!make_plan(q).verdict.starts) {
        return std::nullopt;
    }
    return all;
}

} // namespace

SignedBytes vllm_use(const WorkerPlan& w) { return to_signed(w.total) - w.free - (w.card_in_budget ? 0 : to_signed(w.other_processes)); }

const char* rule_name(Violation::Rule rule) {
    switch (rule) {
    case Violation::Rule::starts: return "starts";
    case Violation::Rule::max_gpu_memory_utilization: return "max_gpu_memory_utilization";
    case Violation::Rule::max_vram_gib_per_gpu: return "max_vram_gib_per_gpu";
    case Violation::Rule::min_free_gib: return "min_free_gib";
    case Violation::Rule::min_kv_tokens: return "min_kv_tokens";
    case Violation::Rule::min_concurrency: return "min_concurrency";
    case Violation::Rule::min_graph_headroom_gib: return "min_graph_headroom_gib";
    case Violation::Rule::max_restore_seconds: return "max_restore_seconds";
    }
    return "";
}

PolicyResult evaluate_policy(const PlanRequest& r, const Plan& p, const Policy& pol, const std::optional<RestoreFit>& restore_fit) {
    PolicyResult out;
    if (!p.verdict.starts) {
        Violation v;
        v.rule = Violation::Rule::starts;
        v.error = p.verdict.error;
        if (!p.verdict.fixes.empty()) {
            v.fix = p.verdict.fixes.front();
            v.fix_changes_context = v.fix->max_model_len && !v.fix->gpu_memory_utilization;
        }
        out.violations.push_back(v);
    }
    memory_rules(r, p, pol, out.violations);
    capacity_rules(r, p, pol, out.violations);
    out.fix_all = fix_all(r, p, out.violations);
    restore_rule(r, p, pol, restore_fit, out.violations);
    return out;
}

} // namespace vramplan

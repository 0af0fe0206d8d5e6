// The solvers (solve.hpp): each returns data; report/recommend renders it.
#include <vramplan/solve.hpp>

#include <algorithm>
#include <utility>

namespace vramplan {

namespace {

SolveCheck capacity_check(const Plan& p, double utilization, bool by_concurrency, bool beyond) {
    SolveCheck c;
    c.kind = SolveCheck::Kind::capacity;
    c.beyond = beyond;
    c.utilization = utilization;
    c.by_concurrency = by_concurrency;
    c.concurrency = p.capacity.max_concurrency;
    c.tokens = p.capacity.tokens;
    c.starts = p.verdict.starts;
    return c;
}

SolveCheck free_check(const Plan& p, double utilization, bool beyond) {
    SolveCheck c;
    c.kind = SolveCheck::Kind::free_memory;
    c.beyond = beyond;
    c.utilization = utilization;
    c.free = p.workers[p.deciding_worker].free;
    c.starts = p.verdict.starts;
    return c;
}

/// The request, then each escalation worth trying, with the note that explains it.
struct Candidate {
    PlanRequest request;
    std::optional<SolveNote> note;
};

std::vector<Candidate> target_candidates(const PlanRequest& base, const Plan& probe, unsigned max_gpus, bool escalate) {
    std::vector<Candidate> out{{base, std::nullopt}};
    for (std::uint32_t tp : valid_tp_sizes(base.model, escalate ? max_gpus : 0)) {
        if (tp > base.tensor_parallel_size) {
            Candidate c{base, SolveNote{}};
            c.request.tensor_parallel_size = tp;
            c.note->kind = SolveNote::Kind::larger_tp;
            c.note->from_tp = base.tensor_parallel_size;
            c.note->to_tp = tp;
            out.push_back(std::move(c));
        }
    }
    if (escalate && base.kv_cache_dtype == "auto" && !base.model.is_mla() && !base.model.quant.kv_cache_fp8) {
        Candidate c{base, SolveNote{}};
        c.request.kv_cache_dtype = "fp8";
        c.note->kind = SolveNote::Kind::fp8_kv_cache;
        c.note->max_gpus = max_gpus;
        c.note->kv_cache_dtype = probe.config.kv_cache_dtype;
        out.push_back(std::move(c));
    }
    return out;
}

} // namespace

Solved solve_target(const PlanRequest& base, const ServeTarget& target, unsigned max_gpus, bool escalate) {
    const bool by_concurrency = target.concurrency.has_value();
    const Plan probe = make_plan(base);
    SolveGoal goal;
    goal.kind = by_concurrency ? SolveGoal::Kind::min_for_concurrency : SolveGoal::Kind::min_for_kv_tokens;
    goal.concurrency = target.concurrency.value_or(0);
    goal.kv_tokens = target.kv_tokens.value_or(0);
    goal.max_model_len = probe.config.max_model_len;
    Solved out;
    const std::vector<Candidate> candidates = target_candidates(base, probe, max_gpus, escalate);
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (!validate(candidates[i].request).empty()) {
            continue;
        }
        UtilizationAnswer a = min_utilization_for(candidates[i].request, target);
        if (i == 0 && !a.utilization) {
            out.why_not = a.why_not;
        }
        if (!a.utilization) {
            continue;
        }
        Recommendation rec;
        rec.goal = goal;
        rec.request = candidates[i].request;
        rec.request.gpu_memory_utilization = *a.utilization;
        rec.plan = std::move(*a.plan);
        rec.checks.push_back(capacity_check(rec.plan, *a.utilization, by_concurrency, false));
        if (a.adjacent) {
            rec.checks.push_back(capacity_check(*a.adjacent, *a.utilization - 0.01, by_concurrency, true));
        }
        if (candidates[i].note) {
            rec.notes.push_back(*candidates[i].note);
            rec.notes.back().why = out.why_not;
        }
        if (rec.plan.era.kv_cache_memory_bytes_flag) {
            rec.pinned_kv = a.kv_bytes;
        }
        out.answer = std::move(rec);
        return out;
    }
    return out;
}

Solved solve_max_safe(const PlanRequest& base, Bytes margin) {
    UtilizationAnswer a = max_safe_utilization(base, margin);
    Solved out;
    if (!a.utilization) {
        out.why_not = a.why_not;
        return out;
    }
    Recommendation rec;
    rec.goal.kind = SolveGoal::Kind::max_safe;
    rec.goal.margin = margin;
    rec.request = base;
    rec.request.gpu_memory_utilization = *a.utilization;
    rec.plan = std::move(*a.plan);
    rec.checks.push_back(free_check(rec.plan, *a.utilization, false));
    if (a.adjacent) {
        rec.checks.push_back(free_check(*a.adjacent, *a.utilization + 0.01, true));
    }
    out.answer = std::move(rec);
    return out;
}

Solved solve_max_len(const PlanRequest& base, std::optional<std::uint64_t> cap) {
    const std::uint64_t len = max_model_len_for(base, cap);
    Solved out;
    if (len == 0) {
        out.why_not = make_plan(base).verdict.error;
        return out;
    }
    Recommendation rec;
    rec.request = base;
    rec.request.max_model_len = len;
    rec.plan = make_plan(rec.request);
    rec.goal.kind = SolveGoal::Kind::max_model_len;
    rec.goal.utilization = rec.plan.config.gpu_memory_utilization;
    rec.goal.max_model_len_cap = cap;
    SolveCheck at;
    at.kind = SolveCheck::Kind::context;
    at.max_model_len = len;
    at.kv_cache = rec.plan.workers[rec.plan.deciding_worker].kv_cache;
    at.starts = rec.plan.verdict.starts;
    rec.checks.push_back(at);
    if (len < std::min(cap.value_or(base.model.max_model_len), base.model.max_model_len)) {
        PlanRequest more = base;
        more.max_model_len = len + 1;
        const Plan p = make_plan(more);
        SolveCheck beyond;
        beyond.kind = SolveCheck::Kind::context;
        beyond.beyond = true;
        beyond.max_model_len = len + 1;
        beyond.starts = p.verdict.starts;
        rec.checks.push_back(beyond);
    }
    out.answer = std::move(rec);
    return out;
}

namespace {

/// The preset's context and batch applied to `base` (unless the user set them).
PlanRequest apply_preset(const PresetGoal& preset, PlanRequest base, bool user_len, bool user_seqs) {
    if (!user_len) {
        std::uint64_t len = preset.max_model_len > 0 ? std::min(preset.max_model_len, base.model.max_model_len) : base.model.max_model_len;
        if (preset.max_model_len_cap > 0) {
            len = std::min(len, preset.max_model_len_cap);
        }
        base.max_model_len = len;
    }
    if (preset.max_num_seqs && !user_seqs) {
        base.max_num_seqs = preset.max_num_seqs;
    }
    base.enforce_eager = base.enforce_eager || preset.enforce_eager;
    return base;
}

/// The request's TP size first, then the larger ones the model allows (up to `max_gpus`).
std::vector<PlanRequest> tp_sizes(const PlanRequest& base, unsigned max_gpus) {
    std::vector<PlanRequest> sizes{base};
    for (std::uint32_t tp : valid_tp_sizes(base.model, max_gpus)) {
        if (tp > base.tensor_parallel_size) {
            PlanRequest q = base;
            q.tensor_parallel_size = tp;
            if (validate(q).empty()) {
                sizes.push_back(q);
            }
        }
    }
    return sizes;
}

} // namespace

Solved solve_preset(const PresetGoal& preset, PlanRequest base, bool user_len, bool user_seqs, unsigned max_gpus) {
    base = apply_preset(preset, base, user_len, user_seqs);
    const Bytes margin = static_cast<Bytes>(preset.margin_gib * static_cast<double>(k_gib));
    const std::vector<PlanRequest> sizes = tp_sizes(base, max_gpus);
    std::vector<SolveNote> notes;
    const auto tp_note = [&](const Recommendation& r) {
        if (r.request.tensor_parallel_size != base.tensor_parallel_size) {
            SolveNote n;
            n.kind = SolveNote::Kind::preset_larger_tp;
            n.from_tp = base.tensor_parallel_size;
            n.to_tp = r.request.tensor_parallel_size;
            notes.push_back(n);
        }
    };
    Solved out;
    if (preset.min_for_target) {
        for (const PlanRequest& q : sizes) {
            out = solve_target(q, ServeTarget{preset.concurrency, std::nullopt}, max_gpus, false);   // why_not: at the largest size tried
            if (out.answer) {
                tp_note(*out.answer);
                break;
            }
        }
        if (!out.answer) {
            SolveNote n;
            n.kind = SolveNote::Kind::preset_target_out_of_reach;
            n.concurrency = preset.concurrency.value_or(0);
            n.to_tp = sizes.back().tensor_parallel_size;
            n.why = out.why_not;
            notes.push_back(n);
        }
    }
    for (std::size_t i = 0; !out.answer && i < sizes.size(); ++i) {
        Solved s = solve_max_safe(sizes[i], margin);
        out.answer = std::move(s.answer);
        out.why_not = out.why_not.empty() ? s.why_not : out.why_not;
        if (out.answer) {
            tp_note(*out.answer);
        }
    }
    for (std::size_t i = 0; !out.answer && i < sizes.size(); ++i) {
        // The context does not fit even at the limit: the longest that does.
        PlanRequest at_max = sizes[i];
        at_max.gpu_memory_utilization = rules_for(base.version).default_utilization;
        out.answer = solve_max_len(at_max, base.max_model_len).answer;
        if (out.answer) {
            tp_note(*out.answer);
            SolveNote n;
            n.kind = SolveNote::Kind::preset_context_shortened;
            notes.push_back(n);
        }
    }
    if (out.answer) {
        out.answer->goal.preset = preset.id;
        out.answer->notes.insert(out.answer->notes.end(), notes.begin(), notes.end());
    }
    return out;
}

} // namespace vramplan

#include <vramplan/recommend.hpp>

#include <vramplan/utilization.hpp>

#include <algorithm>
#include <optional>

namespace vramplan {

namespace {

Plan plan_at(const PlanRequest& r, UtilizationStep u) {
    PlanRequest q = r;
    q.gpu_memory_utilization = u.value();
    return make_plan(q);
}

bool meets(const Plan& p, const ServeTarget& t) {
    if (!p.verdict.starts) {
        return false;
    }
    if (t.concurrency) {
        return p.capacity.max_concurrency + 1e-9 >= static_cast<double>(*t.concurrency);
    }
    return !t.kv_tokens || p.capacity.tokens >= *t.kv_tokens;
}

} // namespace

std::uint64_t blocks_for_target(const Plan& p, const ServeTarget& t) {
    const std::uint64_t len = p.config.max_model_len;
    const std::uint64_t batched = p.config.max_num_batched_tokens;
    const KvCapacity unit = kv_capacity(p.kv, 0, len, batched, p.era.token_rule);
    std::uint64_t blocks = 0;
    if (t.concurrency) {
        const std::uint64_t n = *t.concurrency;
        if (p.era.token_rule == TokenRule::v0_blocks) {
            // concurrency = blocks × block_size / L
            blocks = cdiv(checked_mul(n, len), p.kv.block_size);
        } else {
            // concurrency = blocks / blocks_per_request
            blocks = checked_mul(n, unit.blocks_per_request);
        }
    } else if (t.kv_tokens) {
        const std::uint64_t tokens = *t.kv_tokens;
        if (p.era.token_rule == TokenRule::concurrency_times_len) {
            // tokens = int(blocks / blocks_per_request × L)
            blocks = cdiv(checked_mul(tokens, unit.blocks_per_request), len);
        } else {
            // tokens = blocks // groups × block_size (V0: groups = 1)
            blocks = checked_mul(cdiv(tokens, p.kv.block_size), p.era.token_rule == TokenRule::v0_blocks ? 1 : p.kv.num_groups);
        }
    }
    // Floating-point rules (concurrency_times_len) may land one block short: step up until met.
    for (int guard = 0; guard < 4; ++guard) {
        const KvCapacity c = kv_capacity(p.kv, blocks, len, batched, p.era.token_rule);
        const bool ok = t.concurrency ? c.max_concurrency + 1e-9 >= static_cast<double>(*t.concurrency) : c.tokens >= t.kv_tokens.value_or(0);
        if (ok) {
            break;
        }
        blocks = checked_add(blocks, 1);
    }
    return blocks;
}

UtilizationAnswer min_utilization_for(const PlanRequest& r, const ServeTarget& t) {
    UtilizationAnswer a;
    const Plan base = make_plan(r);
    if (base.verdict.failure == Failure::max_model_len_exceeds_model) {
        a.why_not = base.verdict.error;
        return a;
    }
    const std::uint64_t blocks = std::max<std::uint64_t>(blocks_for_target(base, t), 1);
    UtilizationStep u = k_min_utilization_step;
    bool covered = true;   // false: some worker needs more than its whole card
    for (const WorkerPlan& w : base.workers) {
        // The KV bytes this worker needs: the target's blocks, and at least one max-length request
        // (vLLM's start-up check).
        const Bytes kv = std::max(checked_mul(blocks, worker_block_bytes(base.kv, w.layer_counts)), w.request_bytes);
        a.kv_bytes = std::max(a.kv_bytes, kv);
        if (const std::optional<UtilizationStep> covering = min_utilization_covering(w.total, checked_add(w.charged, kv))) {
            u = std::max(u, *covering);
        } else {
            covered = false;
        }
    }
    if (!covered) {
        a.why_not = "the weights, activation peak and KV cache for this target need more than the whole card (" +
                    gib2(to_signed(checked_add(base.workers.front().charged, a.kv_bytes))) + " GiB per GPU of " +
                    gib2(to_signed(base.workers.front().total)) + ")";
        return a;
    }
    Plan p = plan_at(r, u);
    if (!meets(p, t)) {
        // The KV cache fits but vLLM would still not start (free memory, CUDA-graph capture).
        a.why_not = p.verdict.starts ? "the target is not met" : p.verdict.error;
        return a;
    }
    a.utilization = u.value();
    if (u > k_min_utilization_step) {
        a.adjacent = plan_at(r, UtilizationStep{u.hundredths - 1});
    }
    a.plan = std::move(p);
    return a;
}

UtilizationAnswer max_safe_utilization(const PlanRequest& r, Bytes margin) {
    UtilizationAnswer a;
    const Plan base = plan_at(r, UtilizationStep{50});
    // free(u) = total − ceil(total × u) − what sits outside the budget; the outside part does not
    // depend on u, so the largest u with free ≥ margin is the largest whose budget fits the room.
    int hundredths = k_max_utilization_step.hundredths;
    // In 128 bits: a margin near 2^63 takes the room below INT64_MIN.
    __extension__ typedef __int128 Wide;
    for (const WorkerPlan& w : base.workers) {
        const SignedBytes outside = to_signed(w.total) - to_signed(w.budget) - w.free;
        const Wide room = Wide{to_signed(w.total)} - outside - margin;
        // room ≤ total (what sits outside the budget is never negative), so it fits int64 when positive.
        const std::optional<UtilizationStep> within = room <= 0 ? std::nullopt : max_utilization_within(w.total, static_cast<SignedBytes>(room));
        hundredths = std::min(hundredths, within ? within->hundredths : 0);
    }
    // vLLM 0.9.1+ also needs the budget free at start-up.
    for (UtilizationStep u{hundredths}; u >= k_min_utilization_step; --u.hundredths) {
        Plan p = plan_at(r, u);
        if (p.verdict.starts) {
            a.utilization = u.value();
            a.plan = std::move(p);
            if (u < k_max_utilization_step) {
                a.adjacent = plan_at(r, UtilizationStep{u.hundredths + 1});
            }
            return a;
        }
        if (p.verdict.failure != Failure::free_memory && p.verdict.failure != Failure::graph_capture_oom) {
            a.why_not = p.verdict.error;   // the KV cache does not fit even at the largest safe value
            return a;
        }
    }
    a.why_not = "no utilization leaves " + gib2(to_signed(margin)) + " GiB free after vLLM's own use";
    return a;
}

std::uint64_t max_model_len_for(const PlanRequest& r, std::optional<std::uint64_t> cap) {
    PlanRequest q = r;
    std::uint64_t len = std::min(cap.value_or(r.model.max_model_len), r.model.max_model_len);
    // vLLM's estimate at the longest allowed context, then re-planned: in V0 the batch (and so
    // the activation peak) follows max_model_len, so the answer is refined until it starts.
    for (int guard = 0; guard < 8 && len > 0; ++guard) {
        q.max_model_len = len;
        const Plan p = make_plan(q);
        if (p.verdict.starts) {
            return len;
        }
        std::uint64_t next = 0;
        if (p.verdict.failure == Failure::kv_too_small && p.verdict.estimated_max_model_len) {
            next = *p.verdict.estimated_max_model_len;
        }
        if (next == 0 || next >= len) {
            return 0;
        }
        len = next;
    }
    return 0;
}

std::vector<std::uint32_t> valid_tp_sizes(const ModelSpec& m, std::uint32_t max_gpus) {
    std::vector<std::uint32_t> out;
    // 64-bit counter: doubling a uint32 past 2^31 wraps to 0 and never ends.
    for (std::uint64_t tp = 1; tp <= max_gpus; tp *= 2) {
        PlanRequest probe;
        probe.model = m;
        probe.gpu.total = 1;
        probe.tensor_parallel_size = static_cast<std::uint32_t>(tp);
        const std::string why = validate(probe);
        if (why.find("--tensor-parallel-size") == std::string::npos) {
            out.push_back(static_cast<std::uint32_t>(tp));
        }
    }
    return out;
}

} // namespace vramplan

#pragma once
/// The accounting identities every worker of every plan must satisfy, whatever the era:
///   weights + activation + (non-torch if charged) + (context + other processes if charged)
///     + (graphs if in budget) + kv_cache                                              == budget
///   budget + (context + other processes if not charged) + (non-torch if not charged)
///     + (graphs if outside the budget) + free                                         == total

#include <vramplan/plan.hpp>

#include <catch2/catch.hpp>

namespace vramplan::test {

inline void check_invariants(const Plan& p) {
    REQUIRE_FALSE(p.workers.empty());
    for (const WorkerPlan& w : p.workers) {
        INFO("pp_rank " << w.pp_rank);
        const auto s = [](Bytes b) { return static_cast<SignedBytes>(b); };
        const SignedBytes in_graphs = w.cuda_graphs_in_budget ? s(w.cuda_graphs) : 0;
        const SignedBytes card = w.card_in_budget ? s(w.cuda_context) + s(w.other_processes) : 0;
        const SignedBytes nt_in = w.non_torch_in_budget ? s(w.non_torch) : 0;
        CHECK(s(w.weights) + s(w.activation) + nt_in + card + in_graphs + w.kv_cache == s(w.budget));
        const SignedBytes outside = (w.card_in_budget ? 0 : s(w.cuda_context) + s(w.other_processes)) +
                                    (w.non_torch_in_budget ? 0 : s(w.non_torch)) + (w.cuda_graphs_in_budget ? 0 : s(w.cuda_graphs));
        CHECK(s(w.budget) + outside + w.free == s(w.total));
        CHECK(w.total == p.request.gpu.total);
        if (!p.request.calibration) {   // a calibration corrects the totals, not their parts
            CHECK(w.weights == w.weight_parts.total());
            CHECK(w.activation == w.activation_parts.total);
        }
        CHECK(w.charged == static_cast<Bytes>(s(w.budget) - w.kv_cache));
    }
}

} // namespace vramplan::test

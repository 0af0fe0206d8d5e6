// Plans side by side (compare.hpp).
#include <vramplan/compare.hpp>
#include <vramplan/units.hpp>

#include <vramplan/coldstart.hpp>

#include <cmath>

namespace vramplan {

namespace {

struct MetricSpec {
    CompareMetric metric;
    CompareUnit unit;
};

constexpr MetricSpec k_metrics[] = {
    {CompareMetric::utilization, CompareUnit::fraction},   {CompareMetric::max_model_len, CompareUnit::tokens},
    {CompareMetric::gpus, CompareUnit::count},             {CompareMetric::budget, CompareUnit::bytes},
    {CompareMetric::weights, CompareUnit::bytes},          {CompareMetric::activation, CompareUnit::bytes},
    {CompareMetric::non_torch, CompareUnit::bytes},        {CompareMetric::cuda_graphs, CompareUnit::bytes},
    {CompareMetric::kv_cache, CompareUnit::bytes},         {CompareMetric::cuda_context, CompareUnit::bytes},
    {CompareMetric::free, CompareUnit::bytes},             {CompareMetric::kv_tokens, CompareUnit::tokens},
    {CompareMetric::max_concurrency, CompareUnit::concurrency}, {CompareMetric::snapshot_image, CompareUnit::bytes},
    {CompareMetric::restore_lower_s, CompareUnit::seconds}, {CompareMetric::verdict, CompareUnit::verdict},
};

double value_of(CompareMetric m, const Plan& p, const SnapshotEstimate& snapshot) {
    const WorkerPlan& w = p.workers[p.deciding_worker];
    const auto bytes = [](SignedBytes b) { return static_cast<double>(b); };
    switch (m) {
    case CompareMetric::utilization: return p.config.gpu_memory_utilization;
    case CompareMetric::max_model_len: return static_cast<double>(p.config.max_model_len);
    case CompareMetric::gpus: return static_cast<double>(p.request.tensor_parallel_size * p.request.pipeline_parallel_size);
    case CompareMetric::budget: return bytes(to_signed(w.budget));
    case CompareMetric::weights: return bytes(to_signed(w.weights));
    case CompareMetric::activation: return bytes(to_signed(w.activation));
    case CompareMetric::non_torch: return bytes(to_signed(w.non_torch));
    case CompareMetric::cuda_graphs: return bytes(to_signed(w.cuda_graphs));
    case CompareMetric::kv_cache: return bytes(w.kv_cache);
    case CompareMetric::cuda_context: return bytes(to_signed(w.cuda_context));
    case CompareMetric::free: return bytes(w.free);
    case CompareMetric::kv_tokens: return static_cast<double>(p.capacity.tokens);
    case CompareMetric::max_concurrency: return round_concurrency(p.capacity.max_concurrency);
    case CompareMetric::snapshot_image: return static_cast<double>(snapshot.image_compressed);
    case CompareMetric::restore_lower_s: return snapshot.restore_lower_s;
    case CompareMetric::verdict: return p.verdict.starts ? 1.0 : 0.0;
    }
    return 0.0;
}

std::string verdict_text(const Plan& p) {
    if (p.verdict.starts) {
        return "starts";
    }
    return p.verdict.failure == Failure::graph_capture_oom ? "OOM in graphs" : "fails";
}

} // namespace

const char* compare_metric_name(CompareMetric m) {
    switch (m) {
    case CompareMetric::utilization: return "gpu_memory_utilization";
    case CompareMetric::max_model_len: return "max_model_len";
    case CompareMetric::gpus: return "gpus";
    case CompareMetric::budget: return "budget_bytes";
    case CompareMetric::weights: return "weights_bytes";
    case CompareMetric::activation: return "activation_bytes";
    case CompareMetric::non_torch: return "non_torch_bytes";
    case CompareMetric::cuda_graphs: return "cuda_graphs_bytes";
    case CompareMetric::kv_cache: return "kv_cache_bytes";
    case CompareMetric::cuda_context: return "cuda_context_bytes";
    case CompareMetric::free: return "free_bytes";
    case CompareMetric::kv_tokens: return "kv_tokens";
    case CompareMetric::max_concurrency: return "max_concurrency";
    case CompareMetric::snapshot_image: return "snapshot_image_compressed_bytes";
    case CompareMetric::restore_lower_s: return "restore_seconds_lower_bound";
    case CompareMetric::verdict: return "verdict";
    }
    return "";
}

std::vector<CompareRow> compare_plans(const std::vector<Plan>& plans) {
    // One snapshot estimate per plan, shared by its two snapshot rows.
    std::vector<SnapshotEstimate> snapshots;
    for (const Plan& p : plans) {
        snapshots.push_back(estimate_snapshot(p, SnapshotParams{}, std::nullopt));
    }
    std::vector<CompareRow> rows;
    for (const MetricSpec& spec : k_metrics) {
        CompareRow row{spec.metric, spec.unit, {}};
        for (std::size_t i = 0; i < plans.size(); ++i) {
            CompareCell c;
            c.value = value_of(spec.metric, plans[i], snapshots[i]);
            if (spec.unit == CompareUnit::verdict) {
                c.text = verdict_text(plans[i]);
            } else if (i > 0) {
                c.delta = c.value - row.cells.front().value;
            }
            row.cells.push_back(c);
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

} // namespace vramplan

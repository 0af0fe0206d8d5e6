// `calibrate --check` report (report/replay.hpp).
#include <vramplan/report/replay.hpp>

#include <vramplan/report/render.hpp>
#include <vramplan/units.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace vramplan {

std::string render_replay_check(const std::string& path, const Replayed& r) {
    const VllmLog& log = r.log;
    const Plan& plan = r.plan;
    const WorkerPlan& w = plan.workers.front();
    const double g = static_cast<double>(k_gib);
    std::string out = fmt::format("{}: vLLM {} ({}), {} on {}, TP {} PP {}, u {}, max_model_len {}\n", path, plan.request.version.str(),
                                  era_name(plan.era), r.built.model.label, plan.request.gpu.id, plan.request.tensor_parallel_size,
                                  plan.request.pipeline_parallel_size, fixed(plan.config.gpu_memory_utilization, 4), plan.config.max_model_len);
    for (const NotModelledFlag& f : r.not_modelled) {
        out += "  warning: not modelled, the plan ignores " + not_modelled_text(f) + "\n";
    }
    for (const std::string& n : r.notes) {
        out += "  note: " + n + "\n";
    }
    out += fmt::format("  {:<28} {:>12} {:>12} {:>10} {:>8}\n", "term (rank 0)", "logged", "predicted", "diff", "diff %");
    const auto row = [&](const std::string& name, std::optional<double> logged, double predicted, int decimals, const std::string& unit) {
        const std::string pred = fixed(predicted, decimals) + unit;
        if (!logged) {
            out += fmt::format("  {:<28} {:>12} {:>12} {:>10} {:>8}\n", name, "-", pred, "", "");
            return;
        }
        const double diff = predicted - *logged;
        const std::string p = *logged != 0.0 ? fmt::format("{:+.1f}%", 100.0 * diff / std::fabs(*logged)) : "";
        out += fmt::format("  {:<28} {:>12} {:>12} {:>10} {:>8}\n", name, fixed(*logged, decimals) + unit, pred,
                           (diff >= 0 ? "+" : "") + fixed(diff, decimals), p);
    };
    const auto v = [](const auto& f) -> std::optional<double> { return f ? std::optional<double>(static_cast<double>(f->value)) : std::nullopt; };
    row("total", v(log.total_gib), static_cast<double>(w.total) / g, 2, " GiB");
    row("budget (T x u)", v(log.requested_gib), static_cast<double>(w.requested) / g, 2, " GiB");
    row("weights", v(log.weights_gib), static_cast<double>(w.weights) / g, 2, " GiB");
    std::optional<double> activation = v(log.activation_gib);
    if (activation && log.activation_includes_graph_estimate && log.cuda_graph_estimate_gib) {
        // 0.27+ prints the peak plus the applied graph estimate (spec-2 §13.7): compare the peak alone.
        activation = std::max(0.0, *activation - log.cuda_graph_estimate_gib->value);
    }
    row("activation peak", activation, static_cast<double>(w.activation) / g, 2, " GiB");
    row("non-torch", v(log.non_torch_gib), static_cast<double>(logged_non_torch(w)) / g, 2, " GiB");
    row("CUDA graphs", v(log.cuda_graph_gib), static_cast<double>(w.cuda_graphs) / g, 2, " GiB");
    row("KV cache", v(log.kv_cache_gib), static_cast<double>(w.kv_cache) / g, 2, " GiB");
    row("GPU blocks", v(log.gpu_blocks), static_cast<double>(plan.capacity.num_blocks), 0, "");
    row("KV tokens", v(log.kv_tokens), static_cast<double>(plan.capacity.tokens), 0, "");
    row("max concurrency", v(log.max_concurrency), plan.capacity.max_concurrency, 2, "x");
    const bool logged_failed = log.error.has_value();
    out += fmt::format("  {:<28} {:>12} {:>12}\n", "outcome", logged_failed ? "fails" : "starts", plan.verdict.starts ? "starts" : "fails");
    if (logged_failed) {
        out += "  logged error:    " + log.error->value + "\n";
    }
    if (!plan.verdict.starts) {
        out += "  predicted error: " + plan.verdict.error + "\n";
    }
    return out;
}

} // namespace vramplan

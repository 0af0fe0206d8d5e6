// Replaying recorded vLLM startups (accuracy.hpp).
#include <vramplan/io/accuracy.hpp>

#include <vramplan/plan.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

namespace vramplan {

namespace {

double rel(double predicted, double logged) { return (predicted - logged) / logged; }

/// The newer releases' records (vllm-logs-dev.md, slice `wave4`), scored as their own group.
constexpr const char* k_wave4_group = "slice wave4 (vLLM 0.22+)";

std::string gpu_class(int major, int minor) {
    if (major >= 10) {
        return "Blackwell";
    }
    if (major == 9) {
        return "Hopper";
    }
    if (major == 8) {
        return minor == 9 ? "Ada" : "Ampere";
    }
    if (major == 7) {
        return minor >= 5 ? "Turing" : "Volta";
    }
    return "older";
}

std::string family(const ModelSpec& m) {
    std::string f = m.is_mla() ? "MLA" : m.is_moe() ? "MoE" : "dense";
    for (const LayerSpec& l : m.layers) {
        if (l.attention == LayerAttention::sliding || l.attention == LayerAttention::linear) {
            f += "+hybrid";
            break;
        }
    }
    if (m.is_mla() && m.is_moe()) {
        f = "MLA+MoE";
    }
    if (m.vision.params > 0) {
        f += "+VLM";
    }
    if (m.quant.method != QuantMethod::none) {
        f += "+quantized";
    }
    return f;
}

double percentile(const std::vector<double>& sorted, double p) {
    const double idx = p * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(idx));
    const auto hi = static_cast<std::size_t>(std::ceil(idx));
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (idx - static_cast<double>(lo));
}

/// Exact mode: pin the logged KV (±0.005 GiB of log rounding) and compare the capacity figures.
std::string exact_check(const LogRecord& r, const PlanRequest& req) {
    if (!r.kv_cache_gib || *r.kv_cache_gib <= 0 || !r.logged_ok() || req.pipeline_parallel_size != 1 ||
        (!r.kv_tokens && !r.max_concurrency && !r.gpu_blocks) || req.engine == Engine::v0) {
        return {};
    }
    const auto with_kv = [&](double gib) {
        PlanRequest pinned = req;
        pinned.kv_cache_memory_bytes = static_cast<Bytes>(std::llround(gib * static_cast<double>(k_gib)));
        return make_plan(pinned);
    };
    const Plan lo = with_kv(*r.kv_cache_gib - 0.005);
    const Plan hi = with_kv(*r.kv_cache_gib + 0.005);
    // Under TP the engine takes the minimum over ranks while the log shows rank 0: a bound only.
    const bool bound_only = req.tensor_parallel_size > 1;
    const auto within = [&](double logged, double low, double high) { return logged <= high && (bound_only || logged >= low); };
    bool ok = true;
    if (r.kv_tokens) {
        ok = ok && within(static_cast<double>(*r.kv_tokens), static_cast<double>(lo.capacity.tokens), static_cast<double>(hi.capacity.tokens));
    }
    if (r.gpu_blocks) {
        ok = ok && within(static_cast<double>(*r.gpu_blocks), static_cast<double>(lo.capacity.num_blocks),
                          static_cast<double>(hi.capacity.num_blocks));
    }
    if (r.max_concurrency) {
        ok = ok && within(*r.max_concurrency, std::floor(lo.capacity.max_concurrency * 100.0) / 100.0 - 1e-9,
                          std::ceil(hi.capacity.max_concurrency * 100.0) / 100.0 + 1e-9);
    }
    return ok ? (bound_only ? "rank-0 bound ok" : "exact ok") : "mismatch";
}

} // namespace

ErrorStats error_stats(std::vector<double> v) {
    ErrorStats s;
    s.n = v.size();
    if (v.empty()) {
        return s;
    }
    std::sort(v.begin(), v.end());
    s.median = percentile(v, 0.5);
    s.p90 = percentile(v, 0.9);
    s.max = v.back();
    return s;
}

std::vector<RecordScore> score_records(const Catalog& catalog, const std::string& path, const std::string& configs_dir_arg) {
    const std::string configs_dir =
        configs_dir_arg.empty() ? (std::filesystem::path(path).parent_path() / "configs").string() : configs_dir_arg;
    std::vector<RecordScore> out;
    for (const LogRecord& r : read_log_records(path)) {
        RecordScore s;
        s.id = r.id;
        s.model = r.model;
        s.version = r.version;
        s.tp = r.tensor_parallel_size;
        s.patched = r.slice == "unsloth";
        s.wave4 = r.slice == "wave4";
        const Replay replay = replay_request(catalog, r, configs_dir);
        if (!replay.request) {
            s.skip_reason = replay.skip_reason;
            out.push_back(std::move(s));
            continue;
        }
        const PlanRequest& req = *replay.request;
        Plan plan;
        try {
            plan = make_plan(req);
        } catch (const OverflowError& e) {
            s.skip_reason = std::string("cannot replay: byte counts overflow (") + e.what() + ")";
            out.push_back(std::move(s));
            continue;
        }
        const WorkerPlan& rank0 = plan.workers.front();
        s.era = era_name(plan.era);
        s.gpu = req.gpu.id.empty() ? "(logged total)" : req.gpu.id;   // the record's, or the device name its log prints
        s.gpu_class = req.gpu.id.empty() ? "unknown" : gpu_class(req.gpu.compute_major, req.gpu.compute_minor);
        s.family = family(req.model);
        const double gib = static_cast<double>(k_gib);
        if (r.weights_gib && *r.weights_gib > 0) {
            s.weights_error = rel(static_cast<double>(rank0.weights) / gib, *r.weights_gib);
        }
        if (r.activation_gib && *r.activation_gib > 0) {
            s.activation_error = rel(static_cast<double>(rank0.activation) / gib, *r.activation_gib);
        }
        if (r.non_torch_gib && *r.non_torch_gib > 0 && plan.era.budget_rule == BudgetRule::per_instance) {
            s.non_torch_error = rel(static_cast<double>(rank0.non_torch) / gib, *r.non_torch_gib);
        }
        if (r.cuda_graph_gib && *r.cuda_graph_gib > 0 && rank0.cuda_graphs > 0) {
            s.graphs_error = rel(static_cast<double>(rank0.cuda_graphs) / gib, *r.cuda_graph_gib);
        }
        s.kv_predicted_gib = static_cast<double>(rank0.kv_cache) / gib;
        if (r.kv_cache_gib && *r.kv_cache_gib > 0) {
            s.kv_logged_gib = *r.kv_cache_gib;
            s.kv_error = rel(*s.kv_predicted_gib, *r.kv_cache_gib);
            s.kv_basis = "GiB";
            s.kv_error_bar_gib = static_cast<double>(rank0.errors.kv_cache) / gib;
            s.kv_within_error_bar = std::abs(*s.kv_predicted_gib - *r.kv_cache_gib) <= *s.kv_error_bar_gib;
        } else if (r.gpu_blocks && *r.gpu_blocks > 0 && plan.era.engine == Engine::v0) {
            // V0 logs print blocks; a block is an exact number of bytes, so blocks measure KV memory.
            s.kv_error = rel(static_cast<double>(plan.capacity.num_blocks), static_cast<double>(*r.gpu_blocks));
            s.kv_basis = "blocks";
        } else if (r.kv_tokens && *r.kv_tokens > 0 && plan.era.engine == Engine::v0) {
            // V0's "stored in KV cache (N)" error: N = blocks x block_size.
            s.kv_error = rel(static_cast<double>(plan.capacity.tokens), static_cast<double>(*r.kv_tokens));
            s.kv_basis = "blocks";
        }
        if (r.logged_ok()) {
            if (r.kv_tokens && *r.kv_tokens > 0) {
                s.tokens_error = rel(static_cast<double>(plan.capacity.tokens), static_cast<double>(*r.kv_tokens));
            } else if (r.gpu_blocks && *r.gpu_blocks > 0 && plan.era.engine == Engine::v0) {
                s.tokens_error = rel(static_cast<double>(plan.capacity.num_blocks), static_cast<double>(*r.gpu_blocks));
            }
            if (r.max_concurrency && *r.max_concurrency > 0) {
                s.concurrency_error = rel(plan.capacity.max_concurrency, *r.max_concurrency);
            }
        }
        s.outcome_checked = true;
        s.predicted_starts = plan.verdict.starts;
        s.outcome_matched = s.predicted_starts == r.logged_ok();
        try {
            s.exact = exact_check(r, req);
        } catch (const OverflowError&) {
            s.exact.clear();
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<AccuracySummaryRow> summarize(const std::vector<RecordScore>& scores) {
    std::vector<std::pair<std::string, std::function<bool(const RecordScore&)>>> groups{
        {"all eras", [](const RecordScore&) { return true; }},
        {"V1 >= 0.9.1", [](const RecordScore& s) { return s.era.rfind("V1 0.9.1", 0) == 0 || s.era.rfind("V1 0.21", 0) == 0; }},
    };
    const bool has_wave4 = std::any_of(scores.begin(), scores.end(), [](const RecordScore& s) { return s.wave4 && s.skip_reason.empty(); });
    std::vector<std::string> eras, classes, families;
    for (const RecordScore& s : scores) {
        if (s.skip_reason.empty() && !s.patched && !s.wave4) {
            eras.push_back(s.era);
            classes.push_back(s.gpu_class);
            families.push_back(s.family);
        }
    }
    for (auto* list : {&eras, &classes, &families}) {
        std::sort(list->begin(), list->end());
        list->erase(std::unique(list->begin(), list->end()), list->end());
    }
    for (const std::string& e : eras) {
        groups.emplace_back("era " + e, [e](const RecordScore& s) { return s.era == e; });
    }
    for (const std::string& c : classes) {
        groups.emplace_back("GPU " + c, [c](const RecordScore& s) { return s.gpu_class == c; });
    }
    for (const std::string& f : families) {
        groups.emplace_back("family " + f, [f](const RecordScore& s) { return s.family == f; });
    }
    if (has_wave4) {
        groups.emplace_back(k_wave4_group, [](const RecordScore& s) { return s.wave4; });
    }
    std::vector<AccuracySummaryRow> rows;
    for (const auto& [name, member] : groups) {
        std::vector<double> w, kv, tok, conc;
        for (const RecordScore& s : scores) {
            if (!s.skip_reason.empty() || s.patched || s.wave4 != (name == k_wave4_group) || !member(s)) {
                continue;
            }
            const auto add = [](std::vector<double>& v, const std::optional<double>& e) {
                if (e) {
                    v.push_back(std::fabs(*e));
                }
            };
            add(w, s.weights_error);
            add(kv, s.kv_error);
            add(tok, s.tokens_error);
            add(conc, s.concurrency_error);
        }
        rows.push_back({name, error_stats(w), error_stats(kv), error_stats(tok), error_stats(conc)});
    }
    return rows;
}

} // namespace vramplan

// `vramplan recommend`: solve for vLLM's flags (utilization, context, TP size, KV dtype, pinned KV)
// instead of guessing, and print them as a ready `vllm serve` command or YAML config.
#include "commands.hpp"
#include "plan_options.hpp"

#include <vramplan/io/errors.hpp>
#include <vramplan/io/sizes.hpp>
#include <vramplan/recommend.hpp>
#include <vramplan/report/render.hpp>

#include <fmt/format.h>

#include <iostream>
#include <memory>

namespace vramplan::cli {

namespace {

struct RecommendOptions {
    PlanOptions vllm;
    std::string concurrency;
    std::string kv_tokens;
    bool fit_max_model_len = false;
    std::string max_model_len_cap;
    std::string preset;
    unsigned max_gpus = 8;
    std::string format = "text";
};

/// One answer, ready to print.
struct Recommendation {
    std::string goal;                 ///< "lowest utilization that serves 16 requests of 4,096 tokens"
    PlanRequest request;              ///< the answer's flags
    Plan plan;                        ///< re-planned at the answer
    std::vector<std::string> checks;  ///< "at 0.23: 16.41 requests; at 0.22: 15.20 (below 16)"
    std::vector<std::string> notes;
    std::optional<Bytes> pinned_kv;   ///< the same target with --kv-cache-memory-bytes (V1 ≥ 0.10.2)
};

std::string util_text(double u) { return fixed(u, 2); }

/// vLLM's flags for the answer, in the order people write them; defaults are left out.
std::vector<std::pair<std::string, std::string>> serve_flags(const PlanRequest& r, const ResolvedConfig& c, bool pinned) {
    std::vector<std::pair<std::string, std::string>> f;
    if (pinned && r.kv_cache_memory_bytes) {
        f.emplace_back("kv-cache-memory-bytes", std::to_string(*r.kv_cache_memory_bytes));
    } else {
        f.emplace_back("gpu-memory-utilization", util_text(c.gpu_memory_utilization));
    }
    f.emplace_back("max-model-len", std::to_string(c.max_model_len));
    if (r.tensor_parallel_size > 1) {
        f.emplace_back("tensor-parallel-size", std::to_string(r.tensor_parallel_size));
    }
    if (r.pipeline_parallel_size > 1) {
        f.emplace_back("pipeline-parallel-size", std::to_string(r.pipeline_parallel_size));
    }
    if (r.dtype != "auto") {
        f.emplace_back("dtype", r.dtype);
    }
    if (r.kv_cache_dtype != "auto") {
        f.emplace_back("kv-cache-dtype", r.kv_cache_dtype);
    }
    if (r.max_num_seqs) {
        f.emplace_back("max-num-seqs", std::to_string(*r.max_num_seqs));
    }
    if (r.max_num_batched_tokens) {
        f.emplace_back("max-num-batched-tokens", std::to_string(*r.max_num_batched_tokens));
    }
    if (r.block_size) {
        f.emplace_back("block-size", std::to_string(*r.block_size));
    }
    if (r.enforce_eager) {
        f.emplace_back("enforce-eager", "");
    }
    return f;
}

std::string serve_command(const std::string& model, const std::vector<std::pair<std::string, std::string>>& flags) {
    std::string s = "vllm serve " + model;
    for (const auto& [k, v] : flags) {
        s += " --" + k + (v.empty() ? "" : " " + v);
    }
    return s;
}

std::string serve_yaml(const std::string& model, const std::vector<std::pair<std::string, std::string>>& flags) {
    std::string s = "model: " + model + "\n";
    for (const auto& [k, v] : flags) {
        s += k + ": " + (v.empty() ? "true" : v) + "\n";
    }
    return s;
}

std::string capacity_text(const Plan& p, bool concurrency) {
    return concurrency ? fixed(std::floor(p.capacity.max_concurrency * 100.0) / 100.0, 2) + " requests" : grouped(p.capacity.tokens) + " tokens";
}

/// The lowest utilization for a target; on failure, the smallest TP size and then an fp8 KV cache
/// that make it possible.
std::optional<Recommendation> solve_target(const PlanRequest& base, const ServeTarget& target, unsigned max_gpus, std::string& why,
                                           bool escalate = true) {
    const bool by_concurrency = target.concurrency.has_value();
    const Plan probe = make_plan(base);
    const std::string goal = by_concurrency ? fmt::format("lowest utilization that serves {} requests of {} tokens", *target.concurrency,
                                                          grouped(probe.config.max_model_len))
                                            : fmt::format("lowest utilization with {} tokens of KV cache", grouped(*target.kv_tokens));
    std::vector<PlanRequest> candidates{base};
    std::vector<std::string> candidate_notes{""};
    for (std::uint32_t tp : valid_tp_sizes(base.model, escalate ? max_gpus : 0)) {
        if (tp > base.tensor_parallel_size) {
            PlanRequest q = base;
            q.tensor_parallel_size = tp;
            candidates.push_back(q);
            candidate_notes.push_back(fmt::format("does not fit at TP {}: the smallest tensor-parallel size that fits is {}", base.tensor_parallel_size, tp));
        }
    }
    if (escalate && base.kv_cache_dtype == "auto" && !base.model.is_mla() && !base.model.quant.kv_cache_fp8) {
        PlanRequest q = base;
        q.kv_cache_dtype = "fp8";
        candidates.push_back(q);
        candidate_notes.push_back(fmt::format("does not fit on {} GPU(s) with a {} KV cache: an fp8 KV cache halves it", max_gpus, probe.config.kv_cache_dtype));
    }
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (!validate(candidates[i]).empty()) {
            continue;
        }
        UtilizationAnswer a = min_utilization_for(candidates[i], target);
        if (i == 0 && !a.utilization) {
            why = a.why_not;
        }
        if (!a.utilization) {
            continue;
        }
        Recommendation rec;
        rec.goal = goal;
        rec.request = candidates[i];
        rec.request.gpu_memory_utilization = *a.utilization;
        rec.plan = std::move(*a.plan);
        rec.checks.push_back(fmt::format("at {}: {}", util_text(*a.utilization), capacity_text(rec.plan, by_concurrency)));
        if (a.adjacent) {
            rec.checks.push_back(fmt::format("at {}: {}{}", util_text(*a.utilization - 0.01), capacity_text(*a.adjacent, by_concurrency),
                                             a.adjacent->verdict.starts ? " (short of the target)" : " (vLLM would not start)"));
        }
        if (!candidate_notes[i].empty()) {
            rec.notes.push_back(candidate_notes[i] + (why.empty() ? "" : " (" + why + ")"));
        }
        if (rec.plan.era.kv_cache_memory_bytes_flag) {
            rec.pinned_kv = a.kv_bytes;
        }
        return rec;
    }
    return std::nullopt;
}

std::optional<Recommendation> solve_max_safe(const PlanRequest& base, Bytes margin, std::string& why) {
    UtilizationAnswer a = max_safe_utilization(base, margin);
    if (!a.utilization) {
        why = a.why_not;
        return std::nullopt;
    }
    Recommendation rec;
    rec.goal = "largest utilization that starts and leaves " + gib2(to_signed(margin)) + " GiB free after vLLM's own use";
    rec.request = base;
    rec.request.gpu_memory_utilization = *a.utilization;
    rec.plan = std::move(*a.plan);
    rec.checks.push_back(fmt::format("at {}: {} GiB free", util_text(*a.utilization), gib2(rec.plan.workers[rec.plan.deciding_worker].free)));
    if (a.adjacent) {
        rec.checks.push_back(fmt::format("at {}: {} GiB free{}", util_text(*a.utilization + 0.01), gib2(a.adjacent->workers[a.adjacent->deciding_worker].free),
                                         a.adjacent->verdict.starts ? " (below the margin)" : " (vLLM would not start)"));
    }
    return rec;
}

std::optional<Recommendation> solve_max_len(const PlanRequest& base, std::optional<std::uint64_t> cap, std::string& why) {
    const std::uint64_t len = max_model_len_for(base, cap);
    if (len == 0) {
        why = make_plan(base).verdict.error;
        return std::nullopt;
    }
    Recommendation rec;
    rec.request = base;
    rec.request.max_model_len = len;
    rec.plan = make_plan(rec.request);
    rec.goal = "largest max-model-len that fits at utilization " + util_text(rec.plan.config.gpu_memory_utilization) +
               (cap ? " (capped at " + grouped(*cap) + ")" : "");
    rec.checks.push_back(fmt::format("at {} tokens: starts, {} GiB of KV", grouped(len), gib2(rec.plan.workers[rec.plan.deciding_worker].kv_cache)));
    if (len < std::min(cap.value_or(base.model.max_model_len), base.model.max_model_len)) {
        PlanRequest more = base;
        more.max_model_len = len + 1;
        const Plan p = make_plan(more);
        rec.checks.push_back(fmt::format("at {} tokens: {}", grouped(len + 1), p.verdict.starts ? "starts" : "vLLM would not start"));
    }
    return rec;
}

/// Fills a preset in for the request's model and GPU (see add_recommend_command). Shared with
/// `compare --preset`.
std::optional<Recommendation> solve_preset_impl(const PresetProfile& preset, PlanRequest base, bool user_len, bool user_seqs, unsigned max_gpus,
                                                std::vector<std::string>& notes, std::string& why) {
    std::optional<Recommendation> rec;
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
    const Bytes margin = static_cast<Bytes>(preset.margin_gib * static_cast<double>(k_gib));
    // The request's TP size first, then the larger ones the model allows (up to --max-gpus).
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
    const auto tp_note = [&](const Recommendation& r) {
        if (r.request.tensor_parallel_size != base.tensor_parallel_size) {
            notes.push_back(fmt::format("does not fit at TP {}: the smallest tensor-parallel size that does is {}",
                                        base.tensor_parallel_size, r.request.tensor_parallel_size));
        }
    };
    if (preset.goal == "min_for_target") {
        for (const PlanRequest& q : sizes) {
            std::string w;
            rec = solve_target(q, ServeTarget{preset.concurrency, std::nullopt}, max_gpus, w, false);
            why = w;   // the reason at the largest size tried
            if (rec) {
                tp_note(*rec);
                break;
            }
        }
        if (!rec) {
            notes.push_back("the preset's " + std::to_string(*preset.concurrency) + " requests are out of reach on " +
                            std::to_string(sizes.back().tensor_parallel_size) + " GPU(s) (" + why +
                            "); this is the largest safe utilization instead");
        }
    }
    for (std::size_t i = 0; !rec && i < sizes.size(); ++i) {
        std::string w;
        rec = solve_max_safe(sizes[i], margin, w);
        why = why.empty() ? w : why;
        if (rec) {
            tp_note(*rec);
        }
    }
    for (std::size_t i = 0; !rec && i < sizes.size(); ++i) {
        // The context does not fit even at the limit: the longest that does.
        PlanRequest at_max = sizes[i];
        at_max.gpu_memory_utilization = rules_for(base.version).default_utilization;
        std::string w;
        rec = solve_max_len(at_max, base.max_model_len, w);
        if (rec) {
            tp_note(*rec);
            notes.push_back("the preset's context does not fit: shortened to the longest that does");
        }
    }
    if (rec) {
        rec->goal = "preset " + preset.id + ": " + rec->goal;
    }
    return rec;
}

} // namespace

PresetPlan solve_preset(const PresetProfile& preset, const PlanRequest& base, bool user_len, bool user_seqs, unsigned max_gpus) {
    PresetPlan out;
    const std::optional<Recommendation> rec = solve_preset_impl(preset, base, user_len, user_seqs, max_gpus, out.notes, out.why);
    if (rec) {
        out.request = rec->request;
        out.goal = rec->goal;
        for (const std::string& n : rec->notes) {
            out.notes.push_back(n);
        }
    }
    return out;
}

Action add_recommend_command(CLI::App& app, const GlobalOptions& global) {
    auto opts = std::make_shared<RecommendOptions>();
    CLI::App* cmd = app.add_subcommand("recommend", "Solve for vLLM's flags: the lowest utilization for a target, the longest context, a preset");
    add_plan_options(cmd, opts->vllm);
    cmd->add_option("--concurrency", opts->concurrency, "Serve this many requests of --max-model-len tokens at once");
    cmd->add_option("--kv-tokens", opts->kv_tokens, "Serve this many tokens of KV cache");
    cmd->add_flag("--fit-max-model-len", opts->fit_max_model_len, "The largest --max-model-len that fits at the utilization");
    cmd->add_option("--max-model-len-cap", opts->max_model_len_cap, "With --fit-max-model-len: never above this many tokens");
    cmd->add_option("--preset", opts->preset, "serverless-cold-start, balanced, high-concurrency, max-throughput, or your own (profiles/presets/)");
    cmd->add_option("--max-gpus", opts->max_gpus, "Largest tensor-parallel size to try when one GPU is not enough (8)")->check(CLI::Range(1u, 1024u));
    cmd->add_option("--format,-f", opts->format, "text, json or yaml (a `vllm serve --config` file)")->check(CLI::IsMember({"text", "json", "yaml"}));
    return [opts, &global]() -> int {
        const RecommendOptions& o = *opts;
        const int goals = (o.concurrency.empty() ? 0 : 1) + (o.kv_tokens.empty() ? 0 : 1) + (o.fit_max_model_len ? 1 : 0) + (o.preset.empty() ? 0 : 1);
        if (goals != 1) {
            throw InputError("recommend: expected exactly one of --concurrency, --kv-tokens, --fit-max-model-len or --preset");
        }
        if (!o.max_model_len_cap.empty() && !o.fit_max_model_len) {
            throw InputError("--max-model-len-cap: only with --fit-max-model-len");
        }
        const Catalog catalog = Catalog::load(profile_directories(global));
        PlanOptions vllm = o.vllm;
        const PresetProfile* preset = o.preset.empty() ? nullptr : &catalog.preset(o.preset);
        if (preset != nullptr && !vllm.utilization.empty()) {
            throw InputError("--gpu-memory-utilization: a preset derives it from the model and the card; drop one of them");
        }
        if ((!o.concurrency.empty() || !o.kv_tokens.empty()) && !vllm.utilization.empty()) {
            throw InputError("--gpu-memory-utilization: recommend solves for it; drop it (or use --fit-max-model-len to keep it)");
        }
        if (!vllm.kv_cache_memory_bytes.empty()) {
            throw InputError("--kv-cache-memory-bytes: recommend prints the value to pin; drop it");
        }
        BuiltRequest built = build_request(catalog, vllm, true);
        PlanRequest base = built.request;
        std::optional<Recommendation> rec;
        std::string why;
        std::vector<std::string> notes;
        if (preset != nullptr) {
            rec = solve_preset_impl(*preset, base, !vllm.max_model_len.empty(), !vllm.max_num_seqs.empty(), o.max_gpus, notes, why);
        } else if (!o.concurrency.empty() || !o.kv_tokens.empty()) {
            ServeTarget t;
            if (!o.concurrency.empty()) {
                t.concurrency = parse_count(o.concurrency, "--concurrency", std::uint64_t{1} << 32);
            } else {
                t.kv_tokens = parse_count(o.kv_tokens, "--kv-tokens", std::uint64_t{1} << 48);
            }
            rec = solve_target(base, t, o.max_gpus, why);
        } else {
            std::optional<std::uint64_t> cap;
            if (!o.max_model_len_cap.empty()) {
                cap = parse_count(o.max_model_len_cap, "--max-model-len-cap", std::uint64_t{1} << 40);
            }
            if (!vllm.max_model_len.empty()) {
                throw InputError("--max-model-len: --fit-max-model-len solves for it; use --max-model-len-cap to bound it");
            }
            base.max_model_len.reset();
            rec = solve_max_len(base, cap, why);
        }
        if (!rec) {
            std::cerr << "vramplan: no recommendation: " << why << "\n";
            return k_exit_fails;
        }
        for (const std::string& n : notes) {
            rec->notes.push_back(n);
        }
        for (const std::string& n : built.notes) {
            rec->plan.notes.push_back(n);
        }
        const std::string model = built.model.label;
        const auto flags = serve_flags(rec->request, rec->plan.config, false);
        PlanContext ctx{built.model.label, built.model.id, built.model.source, built.gpu->source, model_origin_name(built.model.origin)};
        std::optional<std::string> pinned_command;
        if (rec->pinned_kv) {
            PlanRequest pinned = rec->request;
            pinned.kv_cache_memory_bytes = rec->pinned_kv;
            pinned_command = serve_command(model, serve_flags(pinned, rec->plan.config, true));
        }
        if (o.format == "yaml") {
            std::cout << "# vramplan recommend: " << rec->goal << " (vLLM " << rec->request.version.str() << ", " << rec->request.gpu.name
                      << ")\n"
                      << serve_yaml(model, flags);
        } else if (o.format == "json") {
            nlohmann::json f = nlohmann::json::object();
            for (const auto& [k, v] : flags) {
                f[k] = v.empty() ? nlohmann::json(true) : nlohmann::json(v);
            }
            nlohmann::json j{{"schema_version", k_schema_version},
                             {"recommendation",
                              {{"goal", rec->goal},
                               {"flags", f},
                               {"command", serve_command(model, flags)},
                               {"pinned_kv_cache_memory_bytes", rec->pinned_kv ? nlohmann::json(*rec->pinned_kv) : nlohmann::json(nullptr)},
                               {"checks", rec->checks},
                               {"notes", rec->notes}}},
                             {"plan", plan_json(rec->plan, ctx)}};
            std::cout << j.dump(2) << "\n";
        } else {
            std::cout << "recommendation: " << rec->goal << "\n";
            std::cout << "  " << serve_command(model, flags) << "\n";
            if (pinned_command) {
                std::cout << "  or, pinning the KV cache: " << *pinned_command << "\n";
            }
            for (const std::string& c : rec->checks) {
                std::cout << "  checked " << c << "\n";
            }
            for (const std::string& n : rec->notes) {
                std::cout << "  note: " << n << "\n";
            }
            std::cout << "\n" << render_text(rec->plan, ctx);
        }
        return rec->plan.verdict.starts ? k_exit_ok : k_exit_fails;
    };
}

} // namespace vramplan::cli

// `vramplan recommend`: solve for vLLM's flags (utilization, context, TP size, KV dtype, pinned KV)
// instead of guessing, and print them as a ready `vllm serve` command or YAML config.
#include "commands.hpp"
#include "plan_options.hpp"
#include "terminal.hpp"

#include <vramplan/io/errors.hpp>
#include <vramplan/io/sizes.hpp>
#include <vramplan/io/vllm_command.hpp>
#include <vramplan/report/recommend.hpp>
#include <vramplan/solve.hpp>

#include <iostream>
#include <memory>

namespace vramplan::cli {

namespace {

struct RecommendOptions {
    PlanInputs vllm;
    std::vector<std::string> vllm_command;
    std::string concurrency;
    std::string kv_tokens;
    bool fit_max_model_len = false;
    std::string max_model_len_cap;
    std::string preset;
    unsigned max_gpus = 8;
    std::string format = "text";
};

} // namespace

Action add_recommend_command(CLI::App* cmd, const GlobalOptions& global) {
    auto opts = std::make_shared<RecommendOptions>();
    add_plan_options(cmd, opts->vllm);
    add_vllm_command_option(cmd, opts->vllm_command);
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
        PlanInputs vllm = o.vllm;
        std::vector<NotModelledFlag> not_modelled;
        if (!o.vllm_command.empty()) {
            not_modelled = apply_vllm_command(o.vllm_command, vllm);
        }
        const PresetProfile* preset = o.preset.empty() ? nullptr : &catalog.preset(o.preset);
        if (preset != nullptr && !vllm[PlanField::gpu_memory_utilization].empty()) {
            throw InputError("--gpu-memory-utilization: a preset derives it from the model and the card; drop one of them");
        }
        if ((!o.concurrency.empty() || !o.kv_tokens.empty()) && !vllm[PlanField::gpu_memory_utilization].empty()) {
            throw InputError("--gpu-memory-utilization: recommend solves for it; drop it (or use --fit-max-model-len to keep it)");
        }
        if (!vllm[PlanField::kv_cache_memory_bytes].empty()) {
            throw InputError("--kv-cache-memory-bytes: recommend prints the value to pin; drop it");
        }
        BuiltRequest built = build_request(catalog, vllm, true);
        PlanRequest base = built.request;
        Solved solved;
        if (preset != nullptr) {
            solved = solve_preset(preset->spec, base, !vllm[PlanField::max_model_len].empty(), !vllm[PlanField::max_num_seqs].empty(), o.max_gpus);
        } else if (!o.concurrency.empty() || !o.kv_tokens.empty()) {
            ServeTarget t;
            if (!o.concurrency.empty()) {
                t.concurrency = parse_count(o.concurrency, "--concurrency", std::uint64_t{1} << 32);
            } else {
                t.kv_tokens = parse_count(o.kv_tokens, "--kv-tokens", std::uint64_t{1} << 48);
            }
            solved = solve_target(base, t, o.max_gpus);
        } else {
            std::optional<std::uint64_t> cap;
            if (!o.max_model_len_cap.empty()) {
                cap = parse_count(o.max_model_len_cap, "--max-model-len-cap", std::uint64_t{1} << 40);
            }
            if (!vllm[PlanField::max_model_len].empty()) {
                throw InputError("--max-model-len: --fit-max-model-len solves for it; use --max-model-len-cap to bound it");
            }
            base.max_model_len.reset();
            solved = solve_max_len(base, cap);
        }
        if (!solved.answer) {
            std::cerr << "vramplan: no recommendation: " << solved.why_not << "\n";
            return k_exit_fails;
        }
        Recommendation& rec = *solved.answer;
        for (const std::string& n : built.notes) {
            rec.plan.notes.push_back(n);
        }
        const PlanContext ctx{built.model.label, built.model.id, built.model.source, built.gpu->source, model_origin_name(built.model.origin),
                              not_modelled, built.warnings};
        if (o.format == "yaml") {
            // The YAML is a config file to use as it is: the warning goes where a person sees it.
            for (const NotModelledFlag& f : not_modelled) {
                std::cerr << "vramplan: warning: not modelled, the recommendation ignores " << not_modelled_text(f) << "\n";
            }
            std::cout << render_recommendation_yaml(rec, built.model.label);
        } else if (o.format == "json") {
            std::cout << recommendation_json(rec, ctx, built.model.label).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        } else {
            print_text(render_recommendation_text(rec, ctx, built.model.label));
        }
        return rec.plan.verdict.starts ? k_exit_ok : k_exit_fails;
    };
}

} // namespace vramplan::cli

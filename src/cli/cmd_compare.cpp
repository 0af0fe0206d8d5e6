// `vramplan compare`: plans side by side, one column per scenario, with signed deltas against the
// first. Any vLLM flag may take a comma-separated list; several lists combine (at most 64
// scenarios). Text wraps its columns into blocks to fit the terminal; Markdown for pull requests.
#include "commands.hpp"
#include "plan_options.hpp"
#include "terminal.hpp"

#include <vramplan/io/errors.hpp>
#include <vramplan/io/sizes.hpp>
#include <vramplan/io/vllm_command.hpp>
#include <vramplan/report/render.hpp>
#include <vramplan/report/compare.hpp>
#include <vramplan/report/wrap.hpp>
#include <vramplan/solve.hpp>

#include <functional>
#include <iostream>
#include <memory>
#include <sstream>

namespace vramplan::cli {

namespace {

constexpr std::size_t k_max_scenarios = 64;

struct CompareOptions {
    PlanInputs vllm;
    std::vector<std::string> vllm_command;
    std::string format = "text";
    std::string width;
    std::string presets;
};

/// "a,b,c" → {"a","b","c"}; "" → {""} (flag unset). An empty item in a list is an error.
std::vector<std::string> split(const std::string& s, const std::string& flag) {
    std::vector<std::string> out;
    if (s.empty()) {
        out.emplace_back();
        return out;
    }
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        out.push_back(item);
    }
    if (s.back() == ',') {
        out.emplace_back();
    }
    for (const std::string& x : out) {
        if (x.empty()) {
            throw InputError(flag + ": expected a comma-separated list without empty items, got '" + s + "'");
        }
    }
    return out;
}

/// A column's prefix for a value of `field` ("u 0.9", "tp 2"); the model and dtype speak for
/// themselves.
std::string column_label(PlanField field) {
    switch (field) {
    case PlanField::gpu_memory_utilization: return "u";
    case PlanField::max_model_len: return "len";
    case PlanField::kv_cache_dtype: return "kv";
    case PlanField::kv_cache_memory_bytes: return "kv bytes";
    case PlanField::max_num_seqs: return "seqs";
    case PlanField::max_num_batched_tokens: return "batched";
    case PlanField::block_size: return "block";
    case PlanField::mamba_cache_mode: return "mamba mode";
    case PlanField::mamba_cache_dtype: return "mamba dtype";
    case PlanField::mamba_ssm_cache_dtype: return "ssm dtype";
    case PlanField::max_loras: return "loras";
    case PlanField::max_lora_rank: return "rank";
    case PlanField::lora_dtype: return "lora dtype";
    case PlanField::enable_lora:
    case PlanField::fully_sharded_loras:
    case PlanField::optimization_level: return "opt level";
    case PlanField::compilation_config: return "-O";
    case PlanField::cuda_graph_sizes:
    case PlanField::cudagraph_capture_sizes: return "graph sizes";
    case PlanField::max_cudagraph_capture_size: return "max graph";
    case PlanField::cpu_offload_gb: return "offload GiB";
    case PlanField::offload_group_size: return "offload group";
    case PlanField::offload_num_in_group: return "offload n";
    case PlanField::offload_prefetch_step: return "prefetch";
    case PlanField::kv_offloading_size: return "kv offload GiB";
    case PlanField::kv_offloading_backend: return "kv offload";
    case PlanField::swap_space: return "swap GiB";
    case PlanField::enable_sleep_mode: return "";
    case PlanField::speculative_config: return "speculative";
    case PlanField::limit_mm_per_prompt: return "mm limit";
    case PlanField::mm_processor_kwargs: return "mm kwargs";
    case PlanField::mm_encoder_tp_mode: return "encoder tp";
    case PlanField::skip_mm_profiling:
    case PlanField::language_model_only: return "";
    case PlanField::data_parallel_size: return "dp";
    case PlanField::num_redundant_experts: return "redundant";
    case PlanField::all2all_backend: return "all2all";
    case PlanField::decode_context_parallel_size: return "dcp";
    case PlanField::offload_backend: return "offloader";
    case PlanField::spec_method:
    case PlanField::spec_model:
    case PlanField::spec_tokens: return "speculative";
    case PlanField::enable_expert_parallel:
    case PlanField::enable_eplb:
    case PlanField::eplb_config:
    case PlanField::enable_prefix_caching:
    case PlanField::model:
    case PlanField::dtype:
    case PlanField::enforce_eager: return "";
    case PlanField::tensor_parallel_size:
    case PlanField::pipeline_parallel_size:
    case PlanField::quantization: return std::string(engine_arg_for(field).short_form);   // tp, pp, q
    }
    return "";
}

} // namespace

Action add_compare_command(CLI::App* cmd, const GlobalOptions& global) {
    auto opts = std::make_shared<CompareOptions>();
    PlanInputs& v = opts->vllm;
    add_engine_options(cmd, v, true, [cmd, &v] {
        cmd->add_option("--gpu,-g", v.gpu, "GPU(s)");
        cmd->add_option("--gpu-memory", v.gpu_memory, "CUDA-visible total per GPU");
    });
    cmd->add_option("--other-processes-memory", v.other_processes_memory, "Memory other processes hold");
    cmd->add_option("--vllm-version", v.vllm_version, "vLLM release(s)");
    cmd->add_option("--engine", v.engine, "auto, v0 or v1");
    cmd->add_option("--entrypoint", v.entrypoint, "serve or llm")->check(CLI::IsMember({"serve", "llm"}));
    cmd->add_option("--preset", opts->presets, "Preset(s) filled in for each model and GPU (serverless-cold-start,balanced,…)");
    cmd->add_option("--format,-f", opts->format, "text, json or markdown")->check(CLI::IsMember({"text", "json", "markdown"}));
    add_vllm_command_option(cmd, opts->vllm_command);
    cmd->add_option("--width", opts->width, "Width for text, 40 to 1000 columns (default: the terminal's, else $COLUMNS, else 80)");
    return [opts, &global]() -> int {
        const CompareOptions& o = *opts;
        const Catalog catalog = Catalog::load(profile_directories(global));
        // One scenario's choices: the vLLM flags, and the preset to fill in (not a vLLM flag).
        struct Choice {
            PlanInputs vllm;
            std::string preset;
        };
        // Every list flag, as (name, values, setter).
        struct Axis {
            std::string flag;
            std::vector<std::string> values;
            std::function<void(Choice&, const std::string&)> set;
        };
        PlanInputs base = o.vllm;
        std::vector<NotModelledFlag> not_modelled;
        if (!o.vllm_command.empty()) {
            not_modelled = apply_vllm_command(o.vllm_command, base);
        }
        std::vector<Axis> axes{{"", split(base.gpu, "--gpu"), [](Choice& c, const std::string& x) { c.vllm.gpu = x; }}};
        for (const EngineArg& arg : engine_args()) {
            if (!arg.field || arg.is_switch()) {
                continue;
            }
            const PlanField field = *arg.field;
            const std::string flag = "--" + std::string(arg.name);
            // JSON objects and multi-value flags hold commas of their own: one value, never a list
            // (-O 0,1,2 is a list of levels).
            const bool whole = arg.type == ArgType::multi_value || (arg.type == ArgType::json_value && base[field].find_first_of("{[") != std::string::npos);
            std::vector<std::string> values = whole ? std::vector<std::string>{base[field]} : split(base[field], flag);
            if (field == PlanField::gpu_memory_utilization && base[field].find(':') != std::string::npos) {
                values.clear();   // a range, as sweep takes it: 0.3:0.9:0.1
                for (const double u : parse_fraction_list(base[field], flag)) {
                    values.push_back(fixed(u, 2));
                }
            }
            Axis axis{column_label(field), values,
                      [field](Choice& c, const std::string& x) { c.vllm[field] = x; }};
            // The model first, then the GPU, then the rest in the table's order.
            axes.insert(field == PlanField::model ? axes.begin() : axes.end(), std::move(axis));
        }
        axes.push_back({"vLLM", split(base.vllm_version, "--vllm-version"), [](Choice& c, const std::string& x) { c.vllm.vllm_version = x; }});
        axes.push_back({"", split(o.presets, "--preset"), [](Choice& c, const std::string& x) { c.preset = x; }});
        std::size_t count = 1;
        for (const Axis& a : axes) {
            count *= a.values.size();
            if (count > k_max_scenarios) {
                throw InputError("compare: at most " + std::to_string(k_max_scenarios) + " scenarios (the lists multiply)");
            }
        }
        std::vector<ComparedScenario> scenarios;
        for (std::size_t i = 0; i < count; ++i) {
            Choice choice{base, ""};
            std::size_t rest = i;
            std::string label;
            for (auto it = axes.rbegin(); it != axes.rend(); ++it) {
                const std::size_t k = rest % it->values.size();
                rest /= it->values.size();
                it->set(choice, it->values[k]);
                if (it->values.size() > 1) {
                    label = (it->flag.empty() ? "" : it->flag + " ") + it->values[k] + (label.empty() ? "" : ", " + label);
                }
            }
            if (label.empty()) {
                label = "plan";
            }
            const PlanInputs& p = choice.vllm;
            const std::string& preset_id = choice.preset;
            if (!preset_id.empty() && !p[PlanField::gpu_memory_utilization].empty()) {
                throw InputError("--gpu-memory-utilization: a preset derives it; drop one of them");
            }
            BuiltRequest built = build_request(catalog, p, preset_id.empty());
            PlanRequest req = built.request;
            if (!preset_id.empty()) {
                const Solved pp = solve_preset(catalog.preset(preset_id).spec, req, !p[PlanField::max_model_len].empty(), !p[PlanField::max_num_seqs].empty(), 8);
                if (!pp.answer) {
                    throw InputError("--preset " + preset_id + ": nothing fits (" + pp.why_not + ")");
                }
                req = pp.answer->request;
            }
            scenarios.push_back({label, make_plan(req), built.model.label});
        }
        const std::string warning = not_modelled_warning(not_modelled);
        if (o.format == "json") {
            nlohmann::json j = compare_json(scenarios);
            if (!not_modelled.empty()) {
                j["not_modelled_flags"] = not_modelled_json(not_modelled);   // only when there are any
            }
            std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        } else if (o.format == "markdown") {
            std::string quoted;
            for (std::size_t at = 0; at < warning.size();) {
                const std::size_t end = warning.find('\n', at);
                quoted += "> " + warning.substr(at, end - at) + "\n";
                at = end + 1;
            }
            std::cout << (quoted.empty() ? "" : quoted + "\n") << render_compare_markdown(scenarios);
        } else {
            const std::size_t width = terminal_width(o.width);
            std::cout << wrap_text(warning + render_compare_text(scenarios, width), width);
        }
        return k_exit_ok;
    };
}

} // namespace vramplan::cli

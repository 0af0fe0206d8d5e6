// Solver answers as text, JSON and YAML (report/recommend.hpp).
#include <vramplan/report/recommend.hpp>

#include <vramplan/engine_args.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>

namespace vramplan {

namespace {

std::string util_text(double u) { return fixed(u, 2); }

std::string capacity_text(const SolveCheck& c) {
    return c.by_concurrency ? fixed(round_concurrency(c.concurrency), 2) + " requests" : grouped(c.tokens) + " tokens";
}

std::string serve_yaml(const std::string& model, const ServeFlags& flags) {
    std::string s = "model: " + model + "\n";
    for (const auto& [k, v] : flags) {
        s += k + ": " + (v.empty() ? "true" : v) + "\n";
    }
    return s;
}

std::optional<std::string> pinned_command(const Recommendation& rec, const std::string& model) {
    if (!rec.pinned_kv) {
        return std::nullopt;
    }
    PlanRequest pinned = rec.request;
    pinned.kv_cache_memory_bytes = rec.pinned_kv;
    return serve_command(model, serve_flags(pinned, rec.plan.config, true));
}

} // namespace

namespace {

/// -O N is --optimization-level from ≈0.12 (#26847), the compilation level before.
bool level_is_optimization(const PlanRequest& r) {
    return r.graphs.level && (r.graphs.level_is_optimization_flag || r.version >= VllmVersion{0, 12, 0});
}

/// --compilation-config's JSON for the graph flags given (--cuda-graph-sizes' own excepted), or nullopt.
std::optional<std::string> compilation_config_value(const PlanRequest& r) {
    const GraphFlags& g = r.graphs;
    nlohmann::json j = nlohmann::json::object();
    if (g.level && !level_is_optimization(r)) {
        j["level"] = *g.level;
    }
    if (g.mode) {
        j["cudagraph_mode"] = std::string(cudagraph_mode_name(*g.mode));
    }
    if (g.use_cudagraph_off) {
        j["use_cudagraph"] = false;
    }
    if (!g.from_scheduler_flag && !g.sizes.empty()) {
        j["cudagraph_capture_sizes"] = g.sizes;
    }
    if (!g.from_scheduler_flag && g.max_size) {
        j["max_cudagraph_capture_size"] = *g.max_size;
    }
    return j.empty() ? std::nullopt : std::optional(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

/// --cuda-graph-sizes as given: the list, or its one value.
/// The speculative config as vLLM reads it back (the keys vramplan models), or nothing.
std::optional<std::string> speculative_value(const SpeculativeConfig& s) {
    if (!s.active()) {
        return std::nullopt;
    }
    nlohmann::json j{{"method", s.method_label}};
    if (!s.model_label.empty()) {
        j["model"] = s.model_label;
    }
    if (s.num_speculative_tokens > 0) {
        j["num_speculative_tokens"] = s.num_speculative_tokens;
    }
    if (s.draft_tensor_parallel_size) {
        j["draft_tensor_parallel_size"] = *s.draft_tensor_parallel_size;
    }
    if (s.draft_vocab) {
        j["draft_vocab_size"] = *s.draft_vocab;
    }
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<std::string> cuda_graph_sizes_value(const GraphFlags& g) {
    if (!g.from_scheduler_flag) {
        return std::nullopt;
    }
    if (g.sizes.empty()) {
        return g.max_size ? std::optional(std::to_string(*g.max_size)) : std::nullopt;
    }
    std::string out;
    for (const std::uint64_t x : g.sizes) {
        out += (out.empty() ? "" : " ") + std::to_string(x);
    }
    return out;
}

/// `--limit-mm-per-prompt` as JSON (addendum 3 §23.1), or nullopt when no limit was given.
std::optional<std::string> mm_limit_value(const MmSettings& mm) {
    nlohmann::json j = nlohmann::json::object();
    if (mm.image_limit) {
        if (mm.image_width && mm.image_height) {
            j["image"] = {{"count", *mm.image_limit}, {"width", *mm.image_width}, {"height", *mm.image_height}};
        } else {
            j["image"] = *mm.image_limit;
        }
    }
    if (mm.video_limit) {
        j["video"] = *mm.video_limit;
    }
    return j.empty() ? std::nullopt : std::optional(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

/// The value to write for `field`, or nullopt when vLLM's default stands (or the field is not a
/// flag of the command: the model is positional, quantization comes from the checkpoint).
/// Bytes as the GiB number vLLM's float flags take ("8", "0.5").
std::string gib_value(Bytes b) {
    return fmt::format("{}", static_cast<double>(b) / static_cast<double>(k_gib));
}

std::optional<std::string> serve_value(PlanField field, const PlanRequest& r, const ResolvedConfig& c) {
    const auto count = [](const std::optional<std::uint64_t>& v) { return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt; };
    switch (field) {
    case PlanField::model:
    case PlanField::quantization:
    case PlanField::kv_cache_memory_bytes: return std::nullopt;   // the pinned form writes it in the utilization's place
    case PlanField::gpu_memory_utilization: return util_text(c.gpu_memory_utilization);
    case PlanField::max_model_len: return std::to_string(c.max_model_len);
    case PlanField::tensor_parallel_size: return r.tensor_parallel_size > 1 ? std::optional(std::to_string(r.tensor_parallel_size)) : std::nullopt;
    case PlanField::pipeline_parallel_size:
        return r.pipeline_parallel_size > 1 ? std::optional(std::to_string(r.pipeline_parallel_size)) : std::nullopt;
    case PlanField::dtype: return r.dtype != "auto" ? std::optional(r.dtype) : std::nullopt;
    case PlanField::kv_cache_dtype: return r.kv_cache_dtype != "auto" ? std::optional(r.kv_cache_dtype) : std::nullopt;
    case PlanField::max_num_seqs: return count(r.max_num_seqs);
    case PlanField::max_num_batched_tokens: return count(r.max_num_batched_tokens);
    case PlanField::block_size: return count(r.block_size);
    case PlanField::enforce_eager: return r.enforce_eager ? std::optional(std::string()) : std::nullopt;
    case PlanField::enable_prefix_caching: return r.enable_prefix_caching == true ? std::optional(std::string()) : std::nullopt;
    case PlanField::mamba_cache_mode: return r.mamba_cache_mode.empty() ? std::nullopt : std::optional(r.mamba_cache_mode);
    case PlanField::mamba_cache_dtype: return r.mamba_cache_dtype != "auto" ? std::optional(r.mamba_cache_dtype) : std::nullopt;
    case PlanField::mamba_ssm_cache_dtype: return r.mamba_ssm_cache_dtype != "auto" ? std::optional(r.mamba_ssm_cache_dtype) : std::nullopt;
    case PlanField::enable_lora: return r.enable_lora ? std::optional(std::string()) : std::nullopt;
    case PlanField::max_loras: return r.enable_lora ? count(r.max_loras) : std::nullopt;
    case PlanField::max_lora_rank: return r.enable_lora ? count(r.max_lora_rank) : std::nullopt;
    case PlanField::lora_dtype: return r.enable_lora && r.lora_dtype != "auto" ? std::optional(r.lora_dtype) : std::nullopt;
    case PlanField::fully_sharded_loras: return r.enable_lora && r.fully_sharded_loras ? std::optional(std::string()) : std::nullopt;
    case PlanField::optimization_level:
        return level_is_optimization(r) ? std::optional(std::to_string(*r.graphs.level)) : std::nullopt;
    case PlanField::compilation_config: return compilation_config_value(r);
    case PlanField::cuda_graph_sizes: return cuda_graph_sizes_value(r.graphs);
    case PlanField::cudagraph_capture_sizes:
    case PlanField::max_cudagraph_capture_size: return std::nullopt;   // written inside --compilation-config
    case PlanField::cpu_offload_gb: return r.cpu_offload_bytes > 0 ? std::optional(gib_value(r.cpu_offload_bytes)) : std::nullopt;
    case PlanField::offload_group_size: return r.offload_group_size > 0 ? std::optional(std::to_string(r.offload_group_size)) : std::nullopt;
    case PlanField::offload_num_in_group:
        return r.offload_group_size > 0 && r.offload_num_in_group != 1 ? std::optional(std::to_string(r.offload_num_in_group)) : std::nullopt;
    case PlanField::offload_prefetch_step:
        return r.offload_group_size > 0 && r.offload_prefetch_step != 1 ? std::optional(std::to_string(r.offload_prefetch_step)) : std::nullopt;
    case PlanField::kv_offloading_size: return r.kv_offloading_bytes ? std::optional(gib_value(*r.kv_offloading_bytes)) : std::nullopt;
    case PlanField::kv_offloading_backend:
        return r.kv_offloading_bytes && r.kv_offloading_backend != "native" ? std::optional(r.kv_offloading_backend) : std::nullopt;
    case PlanField::swap_space: return r.swap_space_bytes ? std::optional(gib_value(*r.swap_space_bytes)) : std::nullopt;
    case PlanField::enable_sleep_mode: return r.enable_sleep_mode ? std::optional(std::string()) : std::nullopt;
    case PlanField::speculative_config: return speculative_value(r.speculative);
    case PlanField::limit_mm_per_prompt: return mm_limit_value(r.mm);
    case PlanField::mm_processor_kwargs:
        return r.mm.max_pixels ? std::optional(nlohmann::json{{"max_pixels", *r.mm.max_pixels}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) : std::nullopt;
    case PlanField::mm_encoder_tp_mode: return r.mm.encoder_data_parallel ? std::optional(std::string("data")) : std::nullopt;
    case PlanField::skip_mm_profiling: return r.mm.skip_profiling ? std::optional(std::string()) : std::nullopt;
    case PlanField::language_model_only: return r.mm.language_model_only ? std::optional(std::string()) : std::nullopt;
    case PlanField::data_parallel_size: return r.data_parallel_size > 1 ? std::optional(std::to_string(r.data_parallel_size)) : std::nullopt;
    case PlanField::enable_expert_parallel: return r.enable_expert_parallel ? std::optional(std::string()) : std::nullopt;
    case PlanField::enable_eplb: return r.enable_eplb ? std::optional(std::string()) : std::nullopt;
    case PlanField::eplb_config:
        return r.enable_eplb && r.num_redundant_experts > 0
                   ? std::optional("'{\"num_redundant_experts\": " + std::to_string(r.num_redundant_experts) + "}'")
                   : std::nullopt;
    case PlanField::num_redundant_experts: return std::nullopt;   // written as --eplb-config
    case PlanField::all2all_backend: return r.all2all_backend.empty() ? std::nullopt : std::optional(r.all2all_backend);
    case PlanField::decode_context_parallel_size:
        return r.decode_context_parallel_size > 1 ? std::optional(std::to_string(r.decode_context_parallel_size)) : std::nullopt;
    case PlanField::offload_backend:
        return r.offload_backend != OffloadBackend::automatic ? std::optional(std::string(offload_backend_name(r.offload_backend))) : std::nullopt;
    case PlanField::spec_method:
    case PlanField::spec_model:
    case PlanField::spec_tokens: return std::nullopt;   // folded into --speculative-config
    }
    return std::nullopt;
}

} // namespace

ServeFlags serve_flags(const PlanRequest& r, const ResolvedConfig& c, bool pinned) {
    ServeFlags f;
    for (const EngineArg& arg : engine_args()) {
        if (!arg.field) {
            continue;
        }
        if (*arg.field == PlanField::enable_prefix_caching && r.enable_prefix_caching == false) {
            f.emplace_back("no-" + std::string(arg.name), "");   // BooleanOptionalAction's negative form
        } else if (*arg.field == PlanField::gpu_memory_utilization && pinned && r.kv_cache_memory_bytes) {
            f.emplace_back(engine_arg_for(PlanField::kv_cache_memory_bytes).name, std::to_string(*r.kv_cache_memory_bytes));
        } else if (const std::optional<std::string> v = serve_value(*arg.field, r, c)) {
            f.emplace_back(arg.name, *v);
        }
    }
    return f;
}

std::string serve_command(const std::string& model, const ServeFlags& flags) {
    std::string s = "vllm serve " + model;
    for (const auto& [k, v] : flags) {
        // JSON (--compilation-config) and lists hold shell characters: single-quote them.
        const bool plain = v.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._,/:=@+-") == std::string::npos;
        s += " --" + k + (v.empty() ? "" : " " + (plain ? v : "'" + v + "'"));
    }
    return s;
}

std::string goal_text(const SolveGoal& g) {
    std::string s;
    switch (g.kind) {
    case SolveGoal::Kind::min_for_concurrency:
        s = fmt::format("lowest utilization that serves {} requests of {} tokens", g.concurrency, grouped(g.max_model_len));
        break;
    case SolveGoal::Kind::min_for_kv_tokens:
        s = fmt::format("lowest utilization with {} tokens of KV cache", grouped(g.kv_tokens));
        break;
    case SolveGoal::Kind::max_safe:
        s = "largest utilization that starts and leaves " + gib2(to_signed(g.margin)) + " GiB free after vLLM's own use";
        break;
    case SolveGoal::Kind::max_model_len:
        s = "largest max-model-len that fits at utilization " + util_text(g.utilization) +
            (g.max_model_len_cap ? " (capped at " + grouped(*g.max_model_len_cap) + ")" : "");
        break;
    }
    return g.preset.empty() ? s : "preset " + g.preset + ": " + s;
}

std::string check_text(const SolveCheck& c) {
    switch (c.kind) {
    case SolveCheck::Kind::capacity:
        return fmt::format("at {}: {}{}", util_text(c.utilization), capacity_text(c),
                           !c.beyond ? "" : c.starts ? " (short of the target)" : " (vLLM would not start)");
    case SolveCheck::Kind::free_memory:
        return fmt::format("at {}: {} GiB free{}", util_text(c.utilization), gib2(c.free),
                           !c.beyond ? "" : c.starts ? " (below the margin)" : " (vLLM would not start)");
    case SolveCheck::Kind::context:
        if (!c.beyond) {
            return fmt::format("at {} tokens: starts, {} GiB of KV", grouped(c.max_model_len), gib2(c.kv_cache));
        }
        return fmt::format("at {} tokens: {}", grouped(c.max_model_len), c.starts ? "starts" : "vLLM would not start");
    }
    return "";
}

std::string note_text(const SolveNote& n) {
    const std::string why = n.why.empty() ? "" : " (" + n.why + ")";
    switch (n.kind) {
    case SolveNote::Kind::larger_tp:
        return fmt::format("does not fit at TP {}: the smallest tensor-parallel size that fits is {}", n.from_tp, n.to_tp) + why;
    case SolveNote::Kind::preset_larger_tp:
        return fmt::format("does not fit at TP {}: the smallest tensor-parallel size that does is {}", n.from_tp, n.to_tp);
    case SolveNote::Kind::fp8_kv_cache:
        return fmt::format("does not fit on {} GPU(s) with a {} KV cache: an fp8 KV cache halves it", n.max_gpus, n.kv_cache_dtype) + why;
    case SolveNote::Kind::preset_target_out_of_reach:
        return "the preset's " + std::to_string(n.concurrency) + " requests are out of reach on " + std::to_string(n.to_tp) + " GPU(s) (" +
               n.why + "); this is the largest safe utilization instead";
    case SolveNote::Kind::preset_context_shortened:
        return "the preset's context does not fit: shortened to the longest that does";
    }
    return "";
}

std::string render_recommendation_text(const Recommendation& rec, const PlanContext& ctx, const std::string& model) {
    std::string out = "recommendation: " + goal_text(rec.goal) + "\n";
    out += "  " + serve_command(model, serve_flags(rec.request, rec.plan.config, false)) + "\n";
    if (const auto pinned = pinned_command(rec, model)) {
        out += "  or, pinning the KV cache: " + *pinned + "\n";
    }
    for (const SolveCheck& c : rec.checks) {
        out += "  checked " + check_text(c) + "\n";
    }
    for (const SolveNote& n : rec.notes) {
        out += "  note: " + note_text(n) + "\n";
    }
    return out + "\n" + render_text(rec.plan, ctx);
}

std::string render_recommendation_yaml(const Recommendation& rec, const std::string& model) {
    return "# vramplan recommend: " + goal_text(rec.goal) + " (vLLM " + rec.request.version.str() + ", " + rec.request.gpu.name + ")\n" +
           serve_yaml(model, serve_flags(rec.request, rec.plan.config, false));
}

nlohmann::json recommendation_json(const Recommendation& rec, const PlanContext& ctx, const std::string& model) {
    const ServeFlags flags = serve_flags(rec.request, rec.plan.config, false);
    nlohmann::json f = nlohmann::json::object();
    for (const auto& [k, v] : flags) {
        f[k] = v.empty() ? nlohmann::json(true) : nlohmann::json(v);
    }
    std::vector<std::string> checks;
    for (const SolveCheck& c : rec.checks) {
        checks.push_back(check_text(c));
    }
    std::vector<std::string> notes;
    for (const SolveNote& n : rec.notes) {
        notes.push_back(note_text(n));
    }
    return nlohmann::json{{"schema_version", k_schema_version},
                          {"recommendation",
                           {{"goal", goal_text(rec.goal)},
                            {"flags", f},
                            {"command", serve_command(model, flags)},
                            {"pinned_kv_cache_memory_bytes", rec.pinned_kv ? nlohmann::json(*rec.pinned_kv) : nlohmann::json(nullptr)},
                            {"checks", checks},
                            {"notes", notes}}},
                          {"plan", plan_json(rec.plan, ctx)}};
}

} // namespace vramplan

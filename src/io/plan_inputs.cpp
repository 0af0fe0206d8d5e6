// Plan inputs → PlanRequest (io/plan_inputs.hpp).
#include <vramplan/io/plan_inputs.hpp>

#include <vramplan/unified_memory.hpp>

#include <vramplan/io/deployment.hpp>
#include <vramplan/io/gpu_detect.hpp>
#include <vramplan/io/graph_flags.hpp>
#include <vramplan/io/speculative_flags.hpp>
#include <vramplan/io/mm_flags.hpp>
#include <vramplan/units.hpp>

#include <vramplan/io/errors.hpp>
#include <vramplan/io/calibration.hpp>
#include <vramplan/io/sizes.hpp>
#include <vramplan/plan.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>

namespace vramplan {

namespace {

/// Default scenario (issue #2): an A10 serving Qwen2.5-1.5B-Instruct at 0.5 and 2048 tokens.
constexpr const char* k_default_gpu = "a10";
constexpr const char* k_default_model = "qwen2.5-1.5b-instruct";
constexpr const char* k_default_utilization = "0.5";
constexpr const char* k_default_max_len = "2048";

/// A flag's name as the user writes it ("--max-num-seqs").
std::string flag_of(PlanField field) { return "--" + std::string(engine_arg_for(field).name); }

/// A parallel size: a plain integer from 1 to 1024 (vLLM's argparse type int).
std::uint32_t parse_parallel_size(const std::string& text, PlanField field) {
    return static_cast<std::uint32_t>(parse_integer(text, flag_of(field), 1, 1024));
}

/// A parallel size as given, 1 when not.
std::uint32_t parallel_size(const PlanInputs& o, PlanField field) { return o[field].empty() ? 1 : parse_parallel_size(o[field], field); }

} // namespace

VllmVersion parse_version_flag(const std::string& text, const std::string& flag) {
    const auto v = parse_vllm_version(text);
    if (!v) {
        throw InputError(flag, "expected a release such as 0.19.0 or 0.21, got '" + text + "'");
    }
    return *v;
}

std::optional<Engine> parse_engine_flag(const std::string& text, const std::string& flag) {
    if (text == "auto" || text.empty()) {
        return std::nullopt;
    }
    if (text == "v0" || text == "V0") {
        return Engine::v0;
    }
    if (text == "v1" || text == "V1") {
        return Engine::v1;
    }
    throw InputError(flag, "expected auto, v0 or v1, got '" + text + "'");
}

std::string catalog_model_name(const Catalog& catalog, const std::string& logged) {
    std::error_code ec;
    if (catalog.find_model(logged) != nullptr || std::filesystem::exists(logged, ec)) {
        return logged;
    }
    const std::filesystem::path p(logged);
    if (p.has_parent_path()) {
        const std::string tail = p.parent_path().filename().string() + "/" + p.filename().string();
        if (catalog.find_model(tail) != nullptr) {
            return tail;
        }
    }
    // A local path or a re-upload ("<local>/Qwen3-235B-A22B-FP8"): the one catalog model whose
    // Hugging Face name ends with the same folder name.
    const auto lower = [](std::string x) {
        std::transform(x.begin(), x.end(), x.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return x;
    };
    const std::string base = lower(p.filename().string());
    std::string found;
    for (const auto& [id, m] : catalog.models()) {
        if (!base.empty() && lower(std::filesystem::path(m.hf_id).filename().string()) == base) {
            if (!found.empty() && found != m.hf_id) {
                return logged;   // ambiguous: let the error suggest
            }
            found = m.hf_id;
        }
    }
    return found.empty() ? logged : found;
}

SnapshotParams build_snapshot_params(const SnapshotInputs& o, std::optional<RestoreFit>& fit) {
    SnapshotParams q;
    const auto positive = [](const std::string& text, const std::string& flag, double max) { return parse_real(text, flag, 0.0, max, false); };
    if (!o.active_tokens.empty()) {
        q.active_tokens = parse_count(o.active_tokens, "--active-tokens", std::uint64_t{1} << 48);
    }
    if (!o.link_gbs.empty()) {
        q.link_gbs = positive(o.link_gbs, "--link-gbs", 100000);
    }
    if (!o.storage_read_gbs.empty()) {
        q.storage_read_gbs = positive(o.storage_read_gbs, "--storage-read-gbs", 100000);
    }
    if (!o.storage_write_gbs.empty()) {
        q.storage_write_gbs = positive(o.storage_write_gbs, "--storage-write-gbs", 100000);
    }
    if (!o.compress_gbs.empty()) {
        q.compress_gbs = positive(o.compress_gbs, "--compress-gbs", 100000);
    }
    if (!o.decompress_gbs.empty()) {
        q.decompress_gbs = positive(o.decompress_gbs, "--decompress-gbs", 100000);
    }
    if (!o.threads.empty()) {
        q.threads = static_cast<unsigned>(parse_count(o.threads, "--compress-threads", 1024));
    }
    if (!o.data_ratio.empty()) {
        q.data_ratio = positive(o.data_ratio, "--data-ratio", 1e6);
    }
    if (!o.zero_ratio.empty()) {
        q.zero_ratio = positive(o.zero_ratio, "--zero-ratio", 1e9);
    }
    if (!o.host_memory.empty()) {
        q.host_bytes = parse_size(o.host_memory, "--host-memory");
    }
    if (!o.fixed_checkpoint.empty()) {
        q.fixed_checkpoint_s = positive(o.fixed_checkpoint, "--fixed-checkpoint-s", 1e6);
    }
    if (!o.fixed_restore.empty()) {
        q.fixed_restore_s = positive(o.fixed_restore, "--fixed-restore-s", 1e6);
    }
    if (!o.restore_fit.empty()) {
        fit = read_restore_fit(o.restore_fit);
    }
    return q;
}

/// `--gpu auto`: the cards TP x PP occupies (the first ones CUDA sees), each mapped to the catalog
/// by its device name; the one with the least memory left after other processes decides, as the
/// smallest worker decides in vLLM. Its CUDA total replaces the profile's, and what other
/// processes hold on it becomes --other-processes-memory unless that flag is given.
void use_detected_gpus(const Catalog& catalog, const PlanInputs& o, BuiltRequest& out) {
    const std::vector<GpuReading> cards = detect_gpus();
    const std::size_t needed = std::size_t{parallel_size(o, PlanField::tensor_parallel_size)} * parallel_size(o, PlanField::pipeline_parallel_size);
    if (cards.size() < needed) {
        throw InputError("--gpu auto: tensor x pipeline parallel needs " + std::to_string(needed) + " GPUs, this machine shows " +
                         std::to_string(cards.size()));
    }
    // Without the reserve (drivers before memory.reserved) the CUDA total is the profile's, when the
    // card's total leaves room for it.
    const auto cuda_total = [](const GpuReading& c, const GpuProfile& p) { return c.reserved ? c.cuda_total() : std::min(c.total, p.spec.total); };
    const GpuReading* deciding = nullptr;
    const GpuProfile* deciding_profile = nullptr;
    SignedBytes least_left = 0;
    for (std::size_t i = 0; i < needed; ++i) {
        const GpuReading& c = cards[i];
        const GpuProfile* profile = catalog.gpu_by_device_name(c.name);
        if (profile == nullptr) {
            throw InputError("--gpu auto: GPU " + std::to_string(c.index) + " '" + c.name +
                             "' is not in the catalog; name the closest with --gpu and its memory with --gpu-memory " +
                             std::to_string(c.cuda_total() / k_mib) + "MiB");
        }
        const Bytes visible = cuda_total(c, *profile);
        if (c.used >= visible && o.other_processes_memory.empty()) {
            // The reading, not a flag the user never gave, is what is wrong.
            throw InputError(c.source + " reading of GPU " + std::to_string(c.index),
                             "memory used by other processes (" + grouped(c.used / k_mib) + " MiB) is not below the memory visible to CUDA (" +
                                 grouped(visible / k_mib) + " MiB); give --other-processes-memory to plan anyway");
        }
        const std::string how = c.reserved ? " (" + grouped(c.total / k_mib) + " - " + grouped(*c.reserved / k_mib) + " reserved)"
                                           : " (the profile's; this driver does not report its reserve)";
        out.notes.push_back("GPU " + std::to_string(c.index) + ": " + c.name + " (" + profile->spec.id + "), " + grouped(visible / k_mib) +
                            " MiB visible to CUDA" + how + ", " + grouped(c.used / k_mib) + " MiB held by other processes [" + c.source + "]");
        const SignedBytes left = static_cast<SignedBytes>(visible) - static_cast<SignedBytes>(c.used);
        if (deciding == nullptr || left < least_left) {
            deciding = &c;
            deciding_profile = profile;
            least_left = left;
        }
    }
    out.gpu = deciding_profile;
    out.request.gpu = out.gpu->spec;
    out.request.gpu.total = cuda_total(*deciding, *deciding_profile);
    out.request.gpu.total_basis = deciding->source + " reading of GPU " + std::to_string(deciding->index);
    if (o.other_processes_memory.empty()) {
        out.request.other_processes_memory = deciding->used;
    }
    if (needed > 1) {
        out.notes.push_back("GPU " + std::to_string(deciding->index) + " decides: the least memory left of the " + std::to_string(needed) +
                            " cards used");
    }
}

namespace {

/// A switch as written: "true" / "false" (and vLLM's spellings of them).
bool parse_switch(const std::string& text, PlanField field) {
    const std::string t = ascii_lower(text);
    if (t.empty() || t == "true" || t == "1") {
        return true;
    }
    if (t == "false" || t == "0") {
        return false;
    }
    throw InputError(flag_of(field), "expected true or false, got '" + text + "'");
}

/// The LoRA flags (addendum 3 §20).
void apply_lora_args(const PlanInputs& o, PlanRequest& req) {
    using F = PlanField;
    req.enable_lora = !o[F::enable_lora].empty() && parse_switch(o[F::enable_lora], F::enable_lora);
    if (!o[F::max_loras].empty()) {
        req.max_loras = parse_count(o[F::max_loras], flag_of(F::max_loras), std::uint64_t{1} << 32);
    }
    if (!o[F::max_lora_rank].empty()) {
        req.max_lora_rank = parse_count(o[F::max_lora_rank], flag_of(F::max_lora_rank), std::uint64_t{1} << 32);
    }
    req.lora_dtype = o[F::lora_dtype].empty() ? "auto" : ascii_lower(o[F::lora_dtype]);
    req.fully_sharded_loras = !o[F::fully_sharded_loras].empty() && parse_switch(o[F::fully_sharded_loras], F::fully_sharded_loras);
}

/// A GiB amount as vLLM's float flags take it ("8", "0.5"; 0 = off): bytes = X·2^30
/// (int(cpu_offload_gb * 1024**3), model_executor/offloader/base.py @main), rounded to the byte.
Bytes parse_gib_amount(const std::string& text, PlanField field) {
    if (text.find_first_not_of("0.") == std::string::npos && text.find('0') != std::string::npos) {
        return 0;
    }
    const bool bare = !text.empty() && text.find_first_not_of("0123456789.") == std::string::npos;
    return parse_size(bare ? text + "GiB" : text, flag_of(field));
}

/// The memory savers' flags (addendum 3 §24).
void apply_saver_args(const PlanInputs& o, PlanRequest& req) {
    using F = PlanField;
    if (const std::string b = ascii_lower(o[F::offload_backend]); !b.empty()) {
        if (b == "uva" || b == "prefetch" || b == "auto") {
            req.offload_backend = b == "uva" ? OffloadBackend::uva : b == "prefetch" ? OffloadBackend::prefetch : OffloadBackend::automatic;
        } else {
            throw InputError(flag_of(F::offload_backend), unknown_name_message("offload backend", o[F::offload_backend],
                                                                                std::vector<std::string>{"auto", "uva", "prefetch"}) +
                                                              " (expected auto, uva or prefetch)");
        }
    }
    if (!o[F::cpu_offload_gb].empty()) {
        req.cpu_offload_bytes = parse_gib_amount(o[F::cpu_offload_gb], F::cpu_offload_gb);
    }
    if (!o[F::offload_group_size].empty()) {
        const std::string& g = o[F::offload_group_size];
        req.offload_group_size = g == "0" ? 0 : parse_count(g, flag_of(F::offload_group_size), std::uint64_t{1} << 32);
    }
    if (!o[F::offload_num_in_group].empty()) {
        req.offload_num_in_group = parse_count(o[F::offload_num_in_group], flag_of(F::offload_num_in_group), std::uint64_t{1} << 32);
    }
    if (!o[F::offload_prefetch_step].empty()) {
        req.offload_prefetch_step = parse_count(o[F::offload_prefetch_step], flag_of(F::offload_prefetch_step), std::uint64_t{1} << 32);
    }
    if (!o[F::kv_offloading_size].empty()) {
        req.kv_offloading_bytes = parse_gib_amount(o[F::kv_offloading_size], F::kv_offloading_size);
    }
    req.kv_offloading_backend = o[F::kv_offloading_backend].empty() ? "native" : ascii_lower(o[F::kv_offloading_backend]);
    if (!o[F::swap_space].empty()) {
        req.swap_space_bytes = parse_gib_amount(o[F::swap_space], F::swap_space);
    }
    req.enable_sleep_mode = !o[F::enable_sleep_mode].empty() && parse_switch(o[F::enable_sleep_mode], F::enable_sleep_mode);
}

/// The multimodal flags (addendum 3 §23).
void apply_mm_args(const PlanInputs& o, PlanRequest& req) {
    using F = PlanField;
    const auto on = [&](F f) { return !o[f].empty() && parse_switch(o[f], f); };
    req.mm = parse_mm_flags(o[F::limit_mm_per_prompt], o[F::mm_processor_kwargs], ascii_lower(o[F::mm_encoder_tp_mode]),
                            on(F::skip_mm_profiling), on(F::language_model_only));
}

/// EPLB's R from `--eplb-config` JSON (`{"num_redundant_experts": 32}`; vllm/config/parallel.py
/// EPLBConfig @main), or the old `--num-redundant-experts`.
std::uint64_t redundant_experts(const PlanInputs& o) {
    using F = PlanField;
    std::uint64_t r = 0;
    if (!o[F::num_redundant_experts].empty()) {
        r = parse_count(o[F::num_redundant_experts], flag_of(F::num_redundant_experts), std::uint64_t{1} << 20);
    }
    if (!o[F::eplb_config].empty()) {
        const nlohmann::json j = nlohmann::json::parse(o[F::eplb_config], nullptr, false);
        if (!j.is_object()) {
            throw InputError(flag_of(F::eplb_config), "expected a JSON object, got '" + o[F::eplb_config] + "'");
        }
        if (const auto it = j.find("num_redundant_experts"); it != j.end()) {
            if (!it->is_number_unsigned()) {
                throw InputError(flag_of(F::eplb_config), "num_redundant_experts: expected a non-negative integer");
            }
            r = it->get<std::uint64_t>();
        }
    }
    return r;
}

/// Data / expert parallel flags (addendum 3 §22).
void apply_parallel_args(const PlanInputs& o, PlanRequest& req) {
    using F = PlanField;
    if (!o[F::data_parallel_size].empty()) {
        req.data_parallel_size = parse_parallel_size(o[F::data_parallel_size], F::data_parallel_size);
    }
    req.enable_expert_parallel = !o[F::enable_expert_parallel].empty() && parse_switch(o[F::enable_expert_parallel], F::enable_expert_parallel);
    req.enable_eplb = !o[F::enable_eplb].empty() && parse_switch(o[F::enable_eplb], F::enable_eplb);
    req.num_redundant_experts = redundant_experts(o);
    req.all2all_backend = ascii_lower(o[F::all2all_backend]);
    if (!o[F::decode_context_parallel_size].empty()) {
        req.decode_context_parallel_size = parse_parallel_size(o[F::decode_context_parallel_size], F::decode_context_parallel_size);
    }
    if (!o.gpus_per_node.empty()) {
        req.gpus_per_node = parse_count(o.gpus_per_node, "--gpus-per-node", 1024);
    }
}

/// Parses every engine argument given into `req` (the model is resolved before: not here).
void apply_engine_args(const PlanInputs& o, const std::string& utilization, const std::string& max_len, PlanRequest& req) {
    using F = PlanField;
    if (!utilization.empty()) {
        req.gpu_memory_utilization = parse_fraction(utilization, flag_of(F::gpu_memory_utilization));
    }
    if (ascii_lower(max_len) == "auto" || max_len == "-1") {
        req.max_model_len_auto = true;   // vLLM fits it after profiling (addendum 3 §26.1)
    } else if (!max_len.empty()) {
        req.max_model_len = parse_count(max_len, flag_of(F::max_model_len), std::uint64_t{1} << 40);
    }
    if (!o[F::tensor_parallel_size].empty()) {
        req.tensor_parallel_size = parse_parallel_size(o[F::tensor_parallel_size], F::tensor_parallel_size);
    }
    if (!o[F::pipeline_parallel_size].empty()) {
        req.pipeline_parallel_size = parse_parallel_size(o[F::pipeline_parallel_size], F::pipeline_parallel_size);
    }
    req.dtype = o[F::dtype].empty() ? "auto" : o[F::dtype];
    req.kv_cache_dtype = o[F::kv_cache_dtype].empty() ? "auto" : o[F::kv_cache_dtype];
    if (!o[F::max_num_seqs].empty()) {
        req.max_num_seqs = parse_count(o[F::max_num_seqs], flag_of(F::max_num_seqs), std::uint64_t{1} << 32);
    }
    if (!o[F::max_num_batched_tokens].empty()) {
        req.max_num_batched_tokens = parse_count(o[F::max_num_batched_tokens], flag_of(F::max_num_batched_tokens), std::uint64_t{1} << 32);
    }
    if (!o[F::block_size].empty()) {
        req.block_size = parse_count(o[F::block_size], flag_of(F::block_size), k_max_block_size);
    }
    req.enforce_eager = !o[F::enforce_eager].empty() && parse_switch(o[F::enforce_eager], F::enforce_eager);
    req.graphs = parse_graph_flags(o[F::optimization_level], o[F::compilation_config], o[F::cuda_graph_sizes]);
    apply_capture_size_flags(req.graphs, o[F::cudagraph_capture_sizes], o[F::max_cudagraph_capture_size]);
    if (!o[F::kv_cache_memory_bytes].empty()) {
        req.kv_cache_memory_bytes = parse_size(o[F::kv_cache_memory_bytes], flag_of(F::kv_cache_memory_bytes));
    }
    if (!o[F::enable_prefix_caching].empty()) {
        req.enable_prefix_caching = parse_switch(o[F::enable_prefix_caching], F::enable_prefix_caching);
    }
    req.mamba_cache_mode = ascii_lower(o[F::mamba_cache_mode]);
    req.mamba_cache_dtype = o[F::mamba_cache_dtype].empty() ? "auto" : ascii_lower(o[F::mamba_cache_dtype]);
    req.mamba_ssm_cache_dtype = o[F::mamba_ssm_cache_dtype].empty() ? "auto" : ascii_lower(o[F::mamba_ssm_cache_dtype]);
    apply_lora_args(o, req);
    apply_saver_args(o, req);
    apply_mm_args(o, req);
    apply_parallel_args(o, req);
}

} // namespace

Plan make_plan_for(const BuiltRequest& built) {
    try {
        return make_plan(built.request);
    } catch (const OverflowError& e) {
        throw InputError("--model " + built.model.label + " on " + (built.gpu != nullptr ? "--gpu " + built.gpu->spec.id : std::string("this GPU")),
                         std::string("values too large to plan in 64-bit bytes (") + e.what() + ")");
    }
}

BuiltRequest build_request(const Catalog& catalog, const PlanInputs& o, bool default_scenario_allowed) {
    using F = PlanField;
    BuiltRequest out;
    const bool default_scenario = default_scenario_allowed && o[F::model].empty() && o.gpu.empty() && o.gpu_memory.empty();
    PlanRequest& req = out.request;
    out.model = resolve_model(catalog, o[F::model].empty() ? k_default_model : o[F::model]);
    ParsedModel parsed = out.model.parsed;
    apply_quantization_flag(parsed, o[F::quantization]);
    req.model = parsed.spec;
    out.notes = parsed.notes;
    out.warnings = parsed.warnings;
    if (ascii_lower(o.gpu) == "auto") {
        use_detected_gpus(catalog, o, out);
    } else {
        out.gpu = &catalog.gpu(o.gpu.empty() ? k_default_gpu : o.gpu);
        req.gpu = out.gpu->spec;
    }
    if (!o.gpu_memory.empty()) {
        req.gpu.total = parse_size(o.gpu_memory, "--gpu-memory");
        req.gpu.total_basis = "--gpu-memory";
    }
    std::string util = o[F::gpu_memory_utilization];
    std::string max_len = o[F::max_model_len];
    if (default_scenario) {
        util = util.empty() ? k_default_utilization : util;
        max_len = max_len.empty() ? k_default_max_len : max_len;
    }
    apply_engine_args(o, util, max_len, req);
    req.speculative = parse_speculative_config(merge_speculative_shorthands(   // addendum 3 §21
        o[F::speculative_config], SpeculativeShorthands{o[F::spec_method], o[F::spec_model], o[F::spec_tokens]}));
    resolve_speculative_draft(catalog, req.speculative);
    if (!o.other_processes_memory.empty()) {
        req.other_processes_memory = parse_size(o.other_processes_memory, "--other-processes-memory");
    }
    if (const auto uma = unified_memory_rule(req.gpu, o.other_processes_memory.empty() ? std::nullopt : std::optional(req.other_processes_memory))) {
        req.other_processes_memory = uma->other_processes;   // the host's share of a GB10's memory
        out.notes.push_back(uma->note);
    }
    if (!o.vllm_version.empty()) {
        req.version = parse_version_flag(o.vllm_version, "--vllm-version");
    }
    req.engine = parse_engine_flag(o.engine, "--engine");
    req.entrypoint = o.entrypoint == "llm" ? Entrypoint::llm : Entrypoint::serve;
    if (out.model.checkpoint) {
        req.checkpoint_bytes = out.model.checkpoint->bytes;
        req.checkpoint_source = out.model.checkpoint->source;
    }
    if (const std::string problem = validate(req); !problem.empty()) {
        throw InputError(problem);
    }
    return out;
}

std::vector<std::string> apply_deployment_flags(const Deployment& d, PlanInputs& p) {
    std::vector<std::string> ignored;
    for (const DeploymentFlag& f : d.flags) {
        const EngineArg* arg = find_engine_arg(f.name);
        if (arg == nullptr) {
            arg = find_negated_switch(f.name);
        }
        if (arg == nullptr || !arg->field) {
            ignored.push_back("--" + f.name);
        } else if (arg->is_switch()) {
            p[*arg->field] = d.switch_state(std::string(arg->name)).value_or(false) ? "true" : "false";   // the last spelling wins
        } else if (f.value.empty()) {
            // An empty value is an error, never "not given" (one grammar, issue 16): `--model ''`
            // would otherwise plan vLLM's default.
            throw InputError("--" + std::string(arg->name), "expected a value, got ''");
        } else {
            p[*arg->field] = f.value;
        }
    }
    return ignored;
}

} // namespace vramplan

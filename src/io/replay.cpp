// Replaying vLLM startup logs (io/replay.hpp).
#include <vramplan/io/replay.hpp>

#include <vramplan/io/mm_flags.hpp>

#include <vramplan/io/errors.hpp>
#include <vramplan/units.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>

namespace vramplan {

namespace {

/// A logged GiB value as bytes; rejects values no GPU holds (the calibration file's 2^50 bound).
SignedBytes gib_to_bytes(double gib, const std::string& where) {
    const double bytes = gib * static_cast<double>(k_gib);
    if (!std::isfinite(bytes) || std::fabs(bytes) > static_cast<double>(k_calibration_max_bytes)) {
        throw InputError(where + ": expected a memory size below 1 PiB, the log says " + fixed(gib, 2) + " GiB");
    }
    return static_cast<SignedBytes>(std::llround(bytes));
}


/// The catalog GPU whose CUDA total is closest to the logged total, within 0.5 %, or nullptr.
/// `others` receives the other GPUs within that tolerance.
const GpuProfile* gpu_by_total(const Catalog& catalog, double total_gib, std::vector<std::string>& others) {
    const GpuProfile* best = nullptr;
    double best_diff = 0.005;
    std::vector<std::string> within;
    for (const auto& [id, g] : catalog.gpus()) {
        const double diff = std::fabs(static_cast<double>(g.spec.total) / static_cast<double>(k_gib) - total_gib) / total_gib;
        if (diff < 0.005) {
            within.push_back(id);
        }
        if (diff < best_diff) {
            best_diff = diff;
            best = &g;
        }
    }
    for (const std::string& id : within) {
        if (best != nullptr && id != best->spec.id) {
            others.push_back(id);
        }
    }
    return best;
}

} // namespace

const GpuProfile* gpu_named_in_log(const Catalog& catalog, const std::string& text) {
    const GpuProfile* best = nullptr;
    std::size_t best_len = 0;
    bool tie = false;
    for (const auto& [id, g] : catalog.gpus()) {
        const std::string& name = g.spec.device_name;
        if (name.size() < 4 || name.size() < best_len) {
            continue;
        }
        std::string underscored = name;
        std::replace(underscored.begin(), underscored.end(), ' ', '_');
        bool found = false;
        for (const std::string& variant : {name, underscored}) {
            for (std::size_t at = text.find(variant); at != std::string::npos && !found; at = text.find(variant, at + 1)) {
                const std::size_t end = at + variant.size();
                found = end == text.size() || std::isalnum(static_cast<unsigned char>(text[end])) == 0;
            }
        }
        if (!found) {
            continue;
        }
        if (name.size() > best_len) {
            best = &g;
            best_len = name.size();
            tie = false;
        } else if (best != nullptr && g.spec.device_name != best->spec.device_name) {
            tie = true;
        }
    }
    return tie ? nullptr : best;
}

namespace {

/// The catalog GPU a logged total memory names, with a note; InputError when none does or when
/// several that plan differently do (pass --gpu).
std::string gpu_from_total(const Catalog& catalog, const std::string& path, double total_gib, std::vector<std::string>& notes) {
    std::vector<std::string> others;
    const GpuProfile* g = gpu_by_total(catalog, total_gib, others);
    if (g == nullptr) {
        throw InputError(path + ": no catalog GPU has " + fixed(total_gib, 2) + " GiB; pass --gpu");
    }
    std::string also;
    bool differ = false;
    for (const std::string& id : others) {
        also += (also.empty() ? "" : ", ") + id;
        const GpuSpec& other = catalog.gpu(id).spec;
        // Another compute capability or batch-default class changes the plan: do not guess.
        differ = differ || other.compute_major != g->spec.compute_major ||
                 (other.device_name.find("A100") == std::string::npos) != (g->spec.device_name.find("A100") == std::string::npos);
    }
    if (differ) {
        throw InputError(path + ": the logged total " + fixed(total_gib, 2) + " GiB fits " + g->spec.id + ", " + also + "; pass --gpu");
    }
    notes.push_back("GPU " + g->spec.id + " inferred from the logged total " + fixed(total_gib, 2) + " GiB" +
                    (also.empty() ? std::string() : " (also within 0.5 %: " + also + "; pass --gpu to choose)"));
    return g->spec.id;
}

/// The log's numeric settings, as parsed from the log (no round trip through text).
void apply_logged_settings(const VllmLog& log, PlanRequest& q) {
    if (log.gpu_memory_utilization) {
        q.gpu_memory_utilization = log.gpu_memory_utilization->value;
    }
    if (log.max_model_len) {
        q.max_model_len = log.max_model_len->value;
    }
    if (log.max_num_seqs) {
        q.max_num_seqs = log.max_num_seqs->value;
    }
    if (log.max_num_batched_tokens) {
        q.max_num_batched_tokens = log.max_num_batched_tokens->value;
    }
    if (log.block_size) {
        q.block_size = log.block_size->value;
    }
    if (log.tensor_parallel_size) {
        q.tensor_parallel_size = log.tensor_parallel_size->value;
    }
    if (log.pipeline_parallel_size) {
        q.pipeline_parallel_size = log.pipeline_parallel_size->value;
    }
    q.enforce_eager = log.enforce_eager && log.enforce_eager->value;
    apply_logged_lora(log, q);
    apply_logged_savers(log, q);
    apply_logged_multimodal(log, q);
    apply_logged_parallel(log, q);
}

} // namespace

void apply_logged_lora(const VllmLog& log, PlanRequest& q) {
    q.enable_lora = log.enable_lora && log.enable_lora->value;
    if (log.max_loras) {
        q.max_loras = log.max_loras->value;
    }
    if (log.max_lora_rank) {
        q.max_lora_rank = log.max_lora_rank->value;
    }
    if (log.lora_dtype && (log.lora_dtype->value == "float16" || log.lora_dtype->value == "bfloat16")) {
        q.lora_dtype = log.lora_dtype->value;
    }
    q.fully_sharded_loras = log.fully_sharded_loras && log.fully_sharded_loras->value;
}

void apply_logged_savers(const VllmLog& log, PlanRequest& q) {
    // GiB as vLLM's float flags read them: bytes = int(X · 2^30).
    const auto gib = [](const std::optional<Logged<std::string>>& v) -> std::optional<Bytes> {
        double x = 0.0;
        if (!v || std::from_chars(v->value.data(), v->value.data() + v->value.size(), x).ec != std::errc{} || !(x >= 0.0) || x > 1e9) {
            return std::nullopt;
        }
        return static_cast<Bytes>(x * static_cast<double>(k_gib));
    };
    q.cpu_offload_bytes = gib(log.cpu_offload_gb).value_or(0);
    q.kv_offloading_bytes = gib(log.kv_offloading_size);
    if (log.kv_offloading_backend && (log.kv_offloading_backend->value == "native" || log.kv_offloading_backend->value == "lmcache")) {
        q.kv_offloading_backend = log.kv_offloading_backend->value;
    }
    q.swap_space_bytes = gib(log.swap_space);
    q.enable_sleep_mode = log.enable_sleep_mode && log.enable_sleep_mode->value;
}

void apply_logged_multimodal(const VllmLog& log, PlanRequest& q) {
    // `non-default args` prints Python dicts: {'image': 0} → {"image": 0}.
    const auto as_json = [](const std::optional<Logged<std::string>>& v) {
        std::string t = v ? v->value : std::string();
        std::replace(t.begin(), t.end(), '\'', '"');
        return t;
    };
    try {
        q.mm = parse_mm_flags(as_json(log.limit_mm_per_prompt), as_json(log.mm_processor_kwargs),
                              log.mm_encoder_tp_mode ? log.mm_encoder_tp_mode->value : std::string(),
                              log.skip_mm_profiling && log.skip_mm_profiling->value, log.language_model_only && log.language_model_only->value);
    } catch (const InputError&) {
        q.mm = MmSettings{};   // a value vramplan cannot read: vLLM's defaults
        q.mm.language_model_only = log.language_model_only && log.language_model_only->value;
    }
}

void apply_logged_parallel(const VllmLog& log, PlanRequest& q) {
    if (log.data_parallel_size) {
        q.data_parallel_size = log.data_parallel_size->value;
    }
    q.enable_expert_parallel = log.enable_expert_parallel && log.enable_expert_parallel->value;
    q.enable_eplb = log.enable_eplb && log.enable_eplb->value;
    if (log.num_redundant_experts) {
        q.num_redundant_experts = log.num_redundant_experts->value;
    }
    if (log.all2all_backend) {
        q.all2all_backend = log.all2all_backend->value;
    }
    if (log.decode_context_parallel_size) {
        q.decode_context_parallel_size = log.decode_context_parallel_size->value;
    }
}

Replayed replay_log(const Catalog& catalog, const std::string& path, const ReplayOverrides& o) {
    return replay_log_text(catalog, read_file(path, std::size_t{256} << 20, "a vLLM startup log"), path, o);
}

Replayed replay_log_text(const Catalog& catalog, const std::string& text, const std::string& path, const ReplayOverrides& o,
                         std::size_t first_line) {
    Replayed r{parse_vllm_log(text, first_line), {}, {}, {}, {}, {}};
    const VllmLog& log = r.log;
    if (!log.weights_gib && !log.kv_cache_gib && !log.gpu_blocks && !log.kv_tokens) {
        throw InputError(path + ": no vLLM memory lines found (expected `Model loading took`, `Available KV cache memory`, "
                                "`# GPU blocks` or the V0 memory profile)");
    }
    PlanInputs p;
    if (!o.model.empty()) {
        p[PlanField::model] = o.model;
    } else if (log.model) {
        p[PlanField::model] = catalog_model_name(catalog, log.model->value);
    } else {
        throw InputError(path + ": the log names no model; pass --model");
    }
    const GpuProfile* by_name = o.gpu.empty() ? gpu_named_in_log(catalog, text) : nullptr;
    if (!o.gpu.empty()) {
        p.gpu = o.gpu;
    } else if (by_name != nullptr) {
        p.gpu = by_name->spec.id;
        r.notes.push_back("GPU " + by_name->spec.id + " inferred from the device name '" + by_name->spec.device_name + "' in the log");
    } else if (log.total_gib) {
        p.gpu = gpu_from_total(catalog, path, log.total_gib->value, r.notes);
    } else {
        throw InputError(path + ": the log prints neither the GPU's total memory nor a known device name; pass --gpu");
    }
    if (log.total_gib) {
        p.gpu_memory = fixed(log.total_gib->value, 2) + "GiB";
    }
    if (!o.vllm_version.empty()) {
        p.vllm_version = o.vllm_version;
    } else if (log.version) {
        p.vllm_version = log.version->value.str();
    } else if (log.source_release) {
        p.vllm_version = log.source_release->first.str();
        r.version_source = "inferred from the source line numbers " + log.source_release->evidence_text() + ": " +
                           (log.source_release->first == log.source_release->last ? "vLLM " + p.vllm_version
                                                                                    : "vLLM " + log.source_release->range() + ", using " + p.vllm_version);
        r.notes.push_back("vLLM version not printed; release " + r.version_source);
    } else if (log.wording_min) {
        p.vllm_version = log.wording_min->str();
        r.version_source = "dated by the log's wording: " + log.wording_min->str() +
                           (log.wording_max ? " .. " + log.wording_max->str() : std::string(" or later")) + ", using " + p.vllm_version;
        r.notes.push_back("vLLM version not printed; the log's wording dates it to " + log.wording_min->str() +
                          (log.wording_max ? " .. " + log.wording_max->str() : std::string(" or later")) + "; using " + p.vllm_version);
    } else {
        throw InputError(path + ": the log prints no vLLM version and its wording does not date it; pass --vllm-version");
    }
    if (log.engine) {
        p.engine = log.engine->value == "V0" ? "v0" : "v1";
    }
    if (log.attention_block_size) {
        r.notes.push_back("the log's attention block size " + std::to_string(log.attention_block_size->value) +
                          " is the one vLLM raised the hybrid model to (line " + std::to_string(log.attention_block_size->line) +
                          "), not a setting: not applied");
    }
    // Names and dtypes as the log prints them; numbers are applied typed to the request below.
    if (log.dtype && log.dtype->value != "auto") {
        p[PlanField::dtype] = log.dtype->value;
    }
    if (log.kv_cache_dtype) {
        p[PlanField::kv_cache_dtype] = log.kv_cache_dtype->value;
    }
    if (log.quantization && (log.quantization->value == "fp8" || log.quantization->value == "bitsandbytes")) {
        p[PlanField::quantization] = log.quantization->value;
    }
    if (log.speculative_config) {
        p[PlanField::speculative_config] = log.speculative_config->value;   // parsed and its draft resolved by build_request (§21)
    }
    try {
        r.built = build_request(catalog, p, false);
        apply_logged_settings(log, r.built.request);
        if (const std::string problem = validate(r.built.request); !problem.empty()) {
            throw InputError(problem);
        }
    } catch (const InputError& e) {
        // Name what came from the log rather than flags the user never passed.
        std::string what = e.what();
        if (o.model.empty() && e.subject() == "--model") {
            const std::string& m = e.message();
            const std::size_t colon = e.separator() == " " ? m.find(": ") : std::string::npos;
            what = "the log's model: " + (colon == std::string::npos ? m : m.substr(colon + 2)) + "; pass --model";
        } else if (what.rfind("--engine ", 0) == 0) {
            what = "the log is " + log.engine->value + ", but " + what.substr(what.find(':') + 2);
        }
        throw InputError(path + ": " + what);
    }
    r.plan = make_plan(r.built.request);
    for (const std::string& name : r.log.not_modelled_args) {
        if (const EngineArg* arg = find_engine_arg(name); arg != nullptr) {
            r.not_modelled.push_back({"--" + name, std::string(arg->note)});
        }
    }
    return r;
}

CalibrationEntry calibration_entry(const std::string& path, const Replayed& r) {
    const VllmLog& log = r.log;
    const Plan& plan = r.plan;
    const WorkerPlan& w = plan.workers.front();   // the log's numbers are rank 0's
    CalibrationEntry e;
    e.source = std::filesystem::path(path).filename().string();
    e.model = r.built.model.id;
    e.model_name = r.built.model.label;
    e.gpu = plan.request.gpu.id;
    e.version = plan.request.version;
    e.version_source = r.version_source;
    e.engine = engine_name(plan.era.engine);
    e.tensor_parallel_size = plan.request.tensor_parallel_size;
    e.pipeline_parallel_size = plan.request.pipeline_parallel_size;
    e.gpu_memory_utilization = plan.config.gpu_memory_utilization;
    e.max_model_len = plan.config.max_model_len;
    e.max_num_seqs = plan.config.max_num_seqs;
    e.max_num_batched_tokens = plan.config.max_num_batched_tokens;
    e.dtype = plan.config.dtype;
    e.kv_cache_dtype = plan.config.kv_cache_dtype;
    e.enforce_eager = !plan.config.cuda_graphs;
    const auto where = [&path](std::size_t line) { return path + ":" + std::to_string(line); };
    const auto measured = [&](const auto& field) -> std::optional<Bytes> {
        if (field && field->value >= 0) {
            return static_cast<Bytes>(gib_to_bytes(field->value, where(field->line)));
        }
        return std::nullopt;
    };
    e.measured.weights = measured(log.weights_gib);
    e.measured.activation = measured(log.activation_gib);
    if (log.activation_includes_graph_estimate && log.activation_gib && log.cuda_graph_estimate_gib) {
        // 0.27+ prints the activation peak plus the CUDA-graph estimate it applied (spec-2 §13.7,
        // `gpu_worker.py:512 @C26`): the graphs are their own term.
        const double a = std::max(0.0, log.activation_gib->value - log.cuda_graph_estimate_gib->value);
        e.measured.activation = static_cast<Bytes>(gib_to_bytes(a, where(log.activation_gib->line)));
    }
    if (log.non_torch_gib) {
        e.measured.non_torch = gib_to_bytes(log.non_torch_gib->value, where(log.non_torch_gib->line));   // may be negative (spec §2.4)
    }
    e.measured.cuda_graphs = measured(log.cuda_graph_gib);
    if (log.kv_cache_gib) {
        e.measured.kv_cache = gib_to_bytes(log.kv_cache_gib->value, where(log.kv_cache_gib->line));
    }
    // Non-torch and activation when the log prints only their sum with the weights (DEBUG) or the
    // KV cache: the budget identity kv = T·u − W − A − N gives A + N.
    e.estimated.weights = w.weights;
    e.estimated.activation = w.activation;
    e.estimated.non_torch = static_cast<SignedBytes>(logged_non_torch(w));   // as the log reports it (0.27+: MRv2 buffers in)
    e.estimated.cuda_graphs = w.cuda_graphs;
    e.estimated.kv_cache = w.kv_cache;
    return e;
}

} // namespace vramplan

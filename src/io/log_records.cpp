#include <vramplan/io/log_records.hpp>

#include <vramplan/engine_args.hpp>
#include <vramplan/io/errors.hpp>
#include <vramplan/io/hf_config.hpp>
#include <vramplan/io/replay.hpp>
#include <vramplan/io/speculative_flags.hpp>
#include <vramplan/io/vllm_log.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <sstream>

namespace vramplan {

using nlohmann::json;

namespace {

constexpr std::size_t k_max_records_bytes = 256u << 20;

std::optional<double> num(const json& r, const std::string& k) {
    auto it = r.find(k);
    if (it == r.end() || !it->is_number()) {
        return std::nullopt;
    }
    const double v = it->get<double>();
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

/// A GiB figure no GPU could print (beyond 1 PiB) is treated as absent.
std::optional<double> gib(const json& r, const std::string& k) {
    const auto v = num(r, k);
    return v && std::fabs(*v) <= 1048576.0 ? v : std::nullopt;
}

std::optional<std::uint64_t> count(const json& r, const std::string& k) {
    const auto v = num(r, k);
    if (!v || *v < 0 || *v > 1e15) {
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(*v);
}

std::string str(const json& r, const std::string& k) {
    auto it = r.find(k);
    return it != r.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// The key of a vLLM setting in a record: the argument's Python name ("max_num_batched_tokens"),
/// as the engine-config line and `non-default args` print it.
std::string key(PlanField field) { return engine_arg_dest(engine_arg_for(field)); }

} // namespace

std::vector<LogRecord> read_log_records(const std::string& path) {
    return parse_log_records(read_file(path, k_max_records_bytes, "a JSON-lines file of vLLM startup records"), path);
}

std::vector<LogRecord> parse_log_records(const std::string& text, const std::string& path) {
    std::vector<LogRecord> out;
    std::istringstream in(text);
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.find_first_not_of(" \t\r") == std::string::npos) {
            continue;
        }
        const json r = parse_json_text(line, path + ":" + std::to_string(n));
        if (!r.is_object()) {
            throw InputError(path + ":" + std::to_string(n) + ": expected a JSON object per line");
        }
        LogRecord rec;
        rec.id = str(r, "id");
        if (rec.id.empty()) {
            rec.id = path + ":" + std::to_string(n);
        }
        rec.model = str(r, key(PlanField::model));
        rec.config = str(r, "config");
        rec.engine = str(r, "engine");
        rec.version = str(r, "vllm_version_effective");
        if (rec.version.empty()) {
            rec.version = str(r, "vllm_version");
        }
        rec.gpu_id = str(r, "gpu_id");
        rec.slice = str(r, "slice");
        rec.outcome = str(r, "outcome");
        rec.quantization = str(r, key(PlanField::quantization));
        rec.dtype = str(r, key(PlanField::dtype));
        rec.kv_cache_dtype = str(r, key(PlanField::kv_cache_dtype));
        rec.log = str(r, "log");
        rec.gpu_memory_utilization = num(r, key(PlanField::gpu_memory_utilization));
        rec.total_gib = num(r, "total_gpu_memory_gib");
        rec.weights_gib = gib(r, "weights_gib");
        rec.activation_gib = gib(r, "activation_peak_gib");
        rec.non_torch_gib = gib(r, "non_torch_gib");
        rec.cuda_graph_gib = gib(r, "cuda_graph_gib");
        rec.kv_cache_gib = gib(r, "kv_cache_gib");
        rec.max_concurrency = num(r, "max_concurrency");
        rec.max_model_len = count(r, key(PlanField::max_model_len));
        rec.max_num_seqs = count(r, key(PlanField::max_num_seqs));
        rec.max_num_batched_tokens = count(r, key(PlanField::max_num_batched_tokens));
        rec.block_size = count(r, key(PlanField::block_size));
        rec.gpu_blocks = count(r, "gpu_blocks");
        rec.kv_tokens = count(r, "kv_cache_tokens");
        rec.tensor_parallel_size = static_cast<std::uint32_t>(std::min<std::uint64_t>(count(r, key(PlanField::tensor_parallel_size)).value_or(1), 1024));
        rec.pipeline_parallel_size = static_cast<std::uint32_t>(std::min<std::uint64_t>(count(r, key(PlanField::pipeline_parallel_size)).value_or(1), 1024));
        const auto eager = r.find(key(PlanField::enforce_eager));
        rec.enforce_eager = eager != r.end() && eager->is_boolean() && eager->get<bool>();
        out.push_back(std::move(rec));
    }
    if (out.empty()) {
        throw InputError(path + ": expected JSON lines of vLLM startup records, found none");
    }
    return out;
}

Replay replay_request(const Catalog& catalog, const LogRecord& r, const std::string& configs_dir) {
    Replay out;
    if (r.config.empty()) {
        out.skip_reason = "no config.json";
        return out;
    }
    auto version = parse_vllm_version(r.version);
    if (!version && !r.log.empty()) {
        // As `calibrate` dates a log that prints no version: its source line numbers, else its wording.
        const VllmLog parsed = parse_vllm_log(r.log);
        version = parsed.version ? std::optional(parsed.version->value)
                  : parsed.source_release ? std::optional(parsed.source_release->first)
                                          : parsed.wording_min;
    }
    if (!version) {
        out.skip_reason = "vLLM version unknown ('" + r.version + "')";
        return out;
    }
    const GpuProfile* named = r.gpu_id.empty() && !r.total_gib ? gpu_named_in_log(catalog, r.log) : nullptr;
    if (r.gpu_id.empty() && !r.total_gib && named == nullptr) {
        out.skip_reason = "GPU unknown";
        return out;
    }
    try {
        PlanRequest req;
        const std::filesystem::path as_path(r.config);
        const std::string file = std::filesystem::is_regular_file(as_path) ? r.config
                                 : std::filesystem::is_directory(as_path) ? r.config + "/config.json"
                                                                          : configs_dir + "/" + r.config + "/config.json";
        const json cfg = parse_json_text(read_file(file, 16u << 20), file);
        ParsedModel parsed = parse_hf_config(cfg, r.config);
        if (r.quantization == "bitsandbytes" || r.quantization == "fp8") {
            apply_quantization_flag(parsed, r.quantization);   // online quantization of a bf16 checkpoint
        }
        req.model = parsed.spec;
        if (!r.gpu_id.empty()) {
            req.gpu = catalog.gpu(r.gpu_id).spec;
        } else if (named != nullptr) {
            req.gpu = named->spec;   // the device name the log prints
        }
        if (r.total_gib) {
            // The logged total wins over the catalog (driver, ECC and MIG change it).
            if (!(*r.total_gib > 0.0 && *r.total_gib <= 1048576.0)) {
                out.skip_reason = "total_gpu_memory_gib: expected a number in (0, 1048576]";
                return out;
            }
            req.gpu.total = static_cast<Bytes>(std::llround(*r.total_gib * 1024.0)) * k_mib;
            req.gpu.total_basis = "logged";
        }
        req.version = *version;
        if (r.engine == "V0") {
            req.engine = Engine::v0;
        } else if (r.engine == "V1") {
            req.engine = Engine::v1;
        }
        req.gpu_memory_utilization = r.gpu_memory_utilization;
        req.max_model_len = r.max_model_len;
        req.max_num_seqs = r.max_num_seqs;
        req.max_num_batched_tokens = r.max_num_batched_tokens;
        req.block_size = r.block_size;
        req.tensor_parallel_size = r.tensor_parallel_size;
        req.pipeline_parallel_size = r.pipeline_parallel_size;
        if (!r.kv_cache_dtype.empty()) {
            req.kv_cache_dtype = r.kv_cache_dtype;
        }
        if (r.dtype == "float32" || r.dtype == "float16" || r.dtype == "bfloat16") {
            req.dtype = r.dtype;
        }
        if (r.log.find("'dtype': 'float32'") != std::string::npos) {
            req.dtype = "float32";
        }
        req.enforce_eager = r.enforce_eager;
        if (r.log.find("lora") != std::string::npos) {
            apply_logged_lora(parse_vllm_log(r.log), req);   // the log's LoRA flags (addendum 3 §20)
        }
        if (r.log.find("offload") != std::string::npos || r.log.find("sleep") != std::string::npos ||
            r.log.find("swap") != std::string::npos) {
            apply_logged_savers(parse_vllm_log(r.log), req);   // the log's memory savers (addendum 3 §24)
        }
        if (r.log.find("speculative") != std::string::npos) {
            if (const VllmLog logged = parse_vllm_log(r.log); logged.speculative_config) {
                req.speculative = parse_speculative_config(logged.speculative_config->value);   // addendum 3 §21
                resolve_speculative_draft(catalog, req.speculative);
            }
        }
        if (r.log.find("mm") != std::string::npos || r.log.find("language_model_only") != std::string::npos) {
            apply_logged_multimodal(parse_vllm_log(r.log), req);   // the log's multimodal flags (addendum 3 §23)
        }
        if (r.log.find("parallel") != std::string::npos || r.log.find("-dp") != std::string::npos) {
            apply_logged_parallel(parse_vllm_log(r.log), req);   // DP / EP (addendum 3 §22)
        }
        if (const std::string problem = validate(req); !problem.empty()) {
            out.skip_reason = "cannot replay: " + problem;
            return out;
        }
        out.request = req;
    } catch (const InputError& e) {
        out.skip_reason = std::string("cannot replay: ") + e.what();
    }
    return out;
}

} // namespace vramplan

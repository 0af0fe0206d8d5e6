#include <vramplan/plan.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace vramplan {

std::string fixed(double x, int decimals) {
    std::array<char, 64> buf{};
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), x, std::chars_format::fixed, decimals);
    return std::string(buf.data(), r.ptr);
}

std::string gib2(SignedBytes b) { return fixed(static_cast<double>(b) / static_cast<double>(k_gib), 2); }

namespace {

/// Python's repr of a float (shortest round-trip), as vLLM prints utilization in its errors.
std::string py_float(double x) {
    std::array<char, 64> buf{};
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), x);
    std::string s(buf.data(), r.ptr);
    if (s.find_first_of(".e") == std::string::npos) {
        s += ".0";
    }
    return s;
}

bool is_fp8_kv(const std::string& kv) { return kv.rfind("fp8", 0) == 0; }

std::uint32_t dtype_size(const std::string& name) {
    if (name == "float32" || name == "float" || name == "fp32") {
        return 4;
    }
    return 2;
}

/// vLLM's dtype resolution (`_resolve_auto_dtype`, spec §5.2): float32 checkpoints run in bf16 on
/// SM ≥ 8.0 and fp16 before; bf16 falls back to fp16 on cards without bf16.
std::string resolve_dtype(const PlanRequest& r, std::vector<std::string>& notes) {
    const bool bf16_ok = r.gpu.compute_major >= 8;
    std::string d = r.dtype;
    if (d == "auto") {
        d = r.model.torch_dtype;
        if (d.empty() || d == "float32") {
            d = bf16_ok ? "bfloat16" : "float16";
        }
    }
    if (d == "half" || d == "fp16") {
        d = "float16";
    } else if (d == "bf16") {
        d = "bfloat16";
    } else if (d == "float" || d == "fp32") {
        d = "float32";
    }
    if (d == "bfloat16" && !bf16_ok) {
        notes.push_back(r.gpu.name + " has no bfloat16 (compute capability " + std::to_string(r.gpu.compute_major) + "." +
                        std::to_string(r.gpu.compute_minor) + "): vLLM falls back to float16 (same size)");
        d = "float16";
    }
    return d;
}

struct BlockChoice {
    std::uint64_t size;
    std::string reason;
};

/// Attention backends that force their own block size (spec §5.3).
BlockChoice choose_block_size(const PlanRequest& r, const EraRules& era, bool fp8_kv) {
    const std::optional<std::uint64_t>& user = r.block_size;
    if (!r.model.is_mla()) {
        return user ? BlockChoice{*user, "--block-size"} : BlockChoice{16, "default (CacheConfig.DEFAULT_BLOCK_SIZE)"};
    }
    const int cc = r.gpu.compute_major;
    if (cc >= 10) {
        if (era.flashinfer_mla_default_on_blackwell) {
            return {32, "FlashInfer-MLA backend (Blackwell) forces 32"};
        }
        return {128, "CUTLASS MLA backend (Blackwell) forces 128"};
    }
    if (cc == 9 && (!era.fa_mla_default_on_hopper || fp8_kv)) {
        return {64, "FlashMLA backend (Hopper) forces 64"};
    }
    // FlashAttention-MLA (Hopper, bf16 KV, vLLM ≥ 0.12) and Triton MLA accept any multiple of 16.
    const std::string backend = cc == 9 ? "FlashAttention-MLA backend" : "Triton MLA backend";
    if (user && *user % 16 == 0) {
        return {*user, "--block-size (" + backend + ")"};
    }
    return {16, backend + ", block 16"};
}

/// The smallest utilization, in steps of 0.01, whose budget covers `need` bytes.
std::optional<double> min_utilization(Bytes total, Bytes need) {
    for (int pct = 1; pct <= 100; ++pct) {
        const double u = pct / 100.0;
        if (fraction_of(total, u) >= need) {
            return u;
        }
    }
    return std::nullopt;
}

} // namespace

std::string validate(const PlanRequest& r) {
    const ModelSpec& m = r.model;
    if (r.tensor_parallel_size == 0 || r.tensor_parallel_size > 1024) {
        return "--tensor-parallel-size: expected an integer from 1 to 1024";
    }
    if (r.pipeline_parallel_size == 0 || r.pipeline_parallel_size > 1024) {
        return "--pipeline-parallel-size: expected an integer from 1 to 1024";
    }
    if (m.layers.empty() || m.hidden_size == 0 || m.vocab_size == 0) {
        return "model: expected num_hidden_layers, hidden_size and vocab_size greater than 0";
    }
    if (r.pipeline_parallel_size > m.layers.size()) {
        return "--pipeline-parallel-size " + std::to_string(r.pipeline_parallel_size) + " exceeds the model's " +
               std::to_string(m.layers.size()) + " layers";
    }
    const std::uint64_t tp = r.tensor_parallel_size;
    if (m.attention.num_heads % tp != 0) {
        return "--tensor-parallel-size " + std::to_string(tp) + ": the model's " + std::to_string(m.attention.num_heads) +
               " attention heads are not divisible by it (vLLM requires that)";
    }
    if (!m.is_mla() && m.attention.num_kv_heads > tp && m.attention.num_kv_heads % tp != 0) {
        return "--tensor-parallel-size " + std::to_string(tp) + ": the model's " + std::to_string(m.attention.num_kv_heads) +
               " KV heads are not divisible by it";
    }
    if (!m.is_mla() && m.attention.num_kv_heads < tp && tp % m.attention.num_kv_heads != 0) {
        return "--tensor-parallel-size " + std::to_string(tp) + " is not a multiple of the model's " +
               std::to_string(m.attention.num_kv_heads) + " KV heads";
    }
    if (r.gpu.total == 0) {
        return "GPU memory total must be greater than 0";
    }
    if (r.gpu_memory_utilization && !(*r.gpu_memory_utilization > 0.0 && *r.gpu_memory_utilization <= 1.0)) {
        return "--gpu-memory-utilization: expected a number in (0, 1]";
    }
    if (r.max_model_len && (*r.max_model_len == 0 || *r.max_model_len > (std::uint64_t{1} << 40))) {
        return "--max-model-len: expected an integer from 1 to 2^40";
    }
    if (r.max_num_seqs && (*r.max_num_seqs == 0 || *r.max_num_seqs > (std::uint64_t{1} << 32))) {
        return "--max-num-seqs: expected an integer from 1 to 2^32";
    }
    if (r.max_num_batched_tokens && (*r.max_num_batched_tokens == 0 || *r.max_num_batched_tokens > (std::uint64_t{1} << 32))) {
        return "--max-num-batched-tokens: expected an integer from 1 to 2^32";
    }
    if (r.block_size) {
        static constexpr std::array<std::uint64_t, 8> allowed{1, 8, 16, 32, 64, 128, 256, 512};
        if (std::find(allowed.begin(), allowed.end(), *r.block_size) == allowed.end()) {
            return "--block-size: expected one of 1, 8, 16, 32, 64, 128, 256, 512";
        }
    }
    static const std::array<std::string, 7> dtypes{"auto", "bfloat16", "float16", "half", "float32", "float", "fp32"};
    if (std::find(dtypes.begin(), dtypes.end(), r.dtype) == dtypes.end() && r.dtype != "bf16" && r.dtype != "fp16") {
        return "--dtype: expected auto, bfloat16, float16, half or float32";
    }
    static const std::array<std::string, 8> kv{"auto", "bfloat16", "float16", "fp8", "fp8_e4m3", "fp8_e5m2", "fp8_inc", "fp8_ds_mla"};
    if (std::find(kv.begin(), kv.end(), r.kv_cache_dtype) == kv.end()) {
        return "--kv-cache-dtype: expected auto, bfloat16, float16, fp8, fp8_e4m3, fp8_e5m2, fp8_inc or fp8_ds_mla";
    }
    if (r.kv_cache_dtype == "fp8_ds_mla" && !m.is_mla()) {
        return "--kv-cache-dtype fp8_ds_mla: only MLA models (DeepSeek-V3.2) use it";
    }
    if (r.version < k_oldest_modelled) {
        return "--vllm-version " + r.version.str() + ": the oldest version modelled is " + k_oldest_modelled.str() +
               " (V1, per-instance budget)";
    }
    if (r.other_processes_memory >= r.gpu.total) {
        return "--other-processes-memory: expected less than the GPU's total memory";
    }
    return {};
}

Plan make_plan(const PlanRequest& r) {
    Plan plan;
    plan.request = r;
    plan.era = rules_for(r.version);
    const EraRules& era = plan.era;
    const ModelSpec& m = r.model;
    ResolvedConfig& c = plan.config;
    if (era.extrapolated) {
        plan.notes.push_back("vLLM " + r.version.str() + " is newer than the newest version modelled (" +
                             k_newest_modelled.str() + "); its rules are assumed unchanged");
    }

    c.gpu_memory_utilization = r.gpu_memory_utilization.value_or(era.default_utilization);
    c.utilization_is_default = !r.gpu_memory_utilization.has_value();
    c.max_model_len = r.max_model_len.value_or(m.max_model_len);
    c.max_model_len_is_default = !r.max_model_len.has_value();
    // EngineArgs defaults (vllm/engine/arg_utils.py, spec §6.3): larger batches on ≥ 70 GiB cards
    // that are not A100s.
    std::string lower_name = r.gpu.device_name;
    std::transform(lower_name.begin(), lower_name.end(), lower_name.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    c.large_gpu_defaults = r.gpu.total >= 70 * k_gib && lower_name.find("a100") == std::string::npos;
    const std::uint64_t default_b = r.entrypoint == Entrypoint::serve ? (c.large_gpu_defaults ? 8192 : 2048)
                                                                       : (c.large_gpu_defaults ? 16384 : 8192);
    const std::uint64_t default_s = c.large_gpu_defaults ? 1024 : 256;
    c.max_num_batched_tokens = r.max_num_batched_tokens.value_or(default_b);
    c.max_num_batched_tokens_is_default = !r.max_num_batched_tokens.has_value();
    c.max_num_seqs = std::min(r.max_num_seqs.value_or(default_s), c.max_num_batched_tokens);
    c.max_num_seqs_is_default = !r.max_num_seqs.has_value();
    c.dtype = resolve_dtype(r, plan.notes);
    c.dtype_bytes = dtype_size(c.dtype);
    c.cuda_graphs = !r.enforce_eager;

    std::string kv_dtype = r.kv_cache_dtype;
    if (kv_dtype == "auto") {
        kv_dtype = m.quant.kv_cache_fp8 ? "fp8" : c.dtype;
        if (m.quant.kv_cache_fp8) {
            plan.notes.push_back("the checkpoint's kv_cache_scheme forces an fp8 KV cache");
        }
    }
    c.kv_cache_dtype = kv_dtype;
    const bool fp8_kv = is_fp8_kv(kv_dtype);
    KvOptions kvo;
    kvo.tp = r.tensor_parallel_size;
    kvo.element_bytes = fp8_kv ? 1 : (kv_dtype == c.dtype ? c.dtype_bytes : dtype_size(kv_dtype));
    kvo.fp8_ds_mla = kv_dtype == "fp8_ds_mla";
    const BlockChoice block = choose_block_size(r, era, fp8_kv);
    kvo.block_size = block.size;
    kvo.block_size_reason = block.reason;
    kvo.hybrid_group_ratio = era.hybrid_group_ratio;
    plan.kv = kv_geometry(m, kvo);
    const KvGeometry& kv = plan.kv;

    const std::uint32_t tp = r.tensor_parallel_size;
    const std::uint32_t pp = r.pipeline_parallel_size;
    const Bytes total = r.gpu.total;
    const Bytes requested = fraction_of(total, c.gpu_memory_utilization);

    // Exact checkpoint bytes replace the parameter estimate, shared out in the estimate's proportions.
    double checkpoint_scale = 1.0;
    if (r.checkpoint_bytes) {
        const WeightBreakdown whole = estimate_weights(m, c.dtype_bytes, 1, 1, 0);
        const Bytes stored = whole.total() - whole.rope_cache - whole.mla_absorbed;
        if (stored > 0) {
            checkpoint_scale = static_cast<double>(*r.checkpoint_bytes) / static_cast<double>(stored);
        }
    }

    for (std::uint32_t rank = 0; rank < pp; ++rank) {
        WorkerPlan w;
        w.pp_rank = rank;
        const auto range = pp_layer_range(m.layers.size(), rank, pp);
        w.first_layer = range.first;
        w.end_layer = range.second;
        w.total = total;
        w.requested = requested;
        w.weight_parts = estimate_weights(m, c.dtype_bytes, tp, pp, rank);
        if (r.checkpoint_bytes) {
            WeightBreakdown& p = w.weight_parts;
            for (Bytes* part : {&p.embedding, &p.attention, &p.mlp, &p.norms, &p.lm_head, &p.vision}) {
                *part = static_cast<Bytes>(std::llround(static_cast<double>(*part) * checkpoint_scale));
            }
        }
        w.weights = w.weight_parts.total();
        WorkerShape shape;
        shape.tp = tp;
        shape.pp = pp;
        shape.pp_rank = rank;
        shape.dtype_bytes = c.dtype_bytes;
        shape.max_num_seqs = c.max_num_seqs;
        shape.max_num_batched_tokens = c.max_num_batched_tokens;
        shape.compute_major = r.gpu.compute_major;
        w.activation_parts = estimate_activation(m, shape);
        w.activation = w.activation_parts.total;
        w.non_torch = estimate_non_torch(shape, era);
        if (c.cuda_graphs) {
            w.capture_sizes = capture_sizes(era, c.max_num_seqs, c.max_num_batched_tokens).size();
            w.cuda_graphs = estimate_cuda_graphs(era, w.end_layer - w.first_layer, c.max_num_seqs, c.max_num_batched_tokens);
        }
        w.cuda_graphs_in_budget = era.cuda_graph_in_budget && c.cuda_graphs;
        w.cuda_context = calib::k_cuda_context;
        const Bytes non_kv = checked_add(checked_add(w.weights, w.activation), w.non_torch);
        const Bytes in_budget_graphs = w.cuda_graphs_in_budget ? w.cuda_graphs : 0;
        if (r.kv_cache_memory_bytes) {
            // --kv-cache-memory-bytes: the KV size is pinned and profiling does not size it (spec §7.3).
            w.kv_cache = to_signed(*r.kv_cache_memory_bytes);
            w.budget = checked_add(checked_add(non_kv, in_budget_graphs), *r.kv_cache_memory_bytes);
        } else {
            w.budget = requested;
            w.kv_cache = signed_diff(requested, checked_add(non_kv, in_budget_graphs));
        }
        const Bytes outside = checked_add(w.cuda_context, w.cuda_graphs_in_budget ? 0 : w.cuda_graphs);
        w.free = signed_diff(total, checked_add(w.budget, outside));
        w.free_at_startup = total - std::min(total, checked_add(w.cuda_context, r.other_processes_memory));
        w.layer_counts = stage_layer_counts(m, kv, pp, rank);
        w.num_blocks = worker_num_blocks(kv, w.layer_counts, w.kv_cache);
        w.request_bytes = worker_request_bytes(kv, w.layer_counts, c.max_model_len, c.max_num_batched_tokens);
        w.estimated_max_model_len = estimate_max_model_len(kv, w.layer_counts, w.kv_cache, c.max_model_len, c.max_num_batched_tokens);
        plan.workers.push_back(std::move(w));
    }
    // get_kv_cache_configs: every worker uses the minimum number of blocks.
    for (std::size_t i = 1; i < plan.workers.size(); ++i) {
        if (plan.workers[i].num_blocks < plan.workers[plan.deciding_worker].num_blocks) {
            plan.deciding_worker = i;
        }
    }
    plan.capacity = kv_capacity(kv, plan.workers[plan.deciding_worker].num_blocks, c.max_model_len, c.max_num_batched_tokens,
                                era.token_rule);

    // Verdict, in the order vLLM would fail.
    Verdict& v = plan.verdict;
    const std::string util = py_float(c.gpu_memory_utilization);
    if (r.max_model_len && *r.max_model_len > m.max_model_len) {
        v.starts = false;
        v.failure = Failure::max_model_len_exceeds_model;
        v.error = "User-specified max_model_len (" + std::to_string(*r.max_model_len) + ") is greater than the derived max_model_len (" +
                  m.max_len_source + "=" + std::to_string(m.max_model_len) +
                  " in model's config.json). To allow overriding this maximum, set the env var VLLM_ALLOW_LONG_MAX_MODEL_LEN=1.";
        v.fixes.push_back("--max-model-len " + std::to_string(m.max_model_len));
        return plan;
    }
    const WorkerPlan& first = plan.workers.front();
    if (first.free_at_startup < requested) {
        v.starts = false;
        v.failure = Failure::free_memory;
        v.error = std::string("Free memory on device ") + (era.free_error_names_device ? "cuda:0 " : "") + "(" +
                  gib2(to_signed(first.free_at_startup)) + "/" + gib2(to_signed(total)) +
                  " GiB) on startup is less than desired GPU memory utilization (" + util + ", " + gib2(to_signed(requested)) +
                  " GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.";
        const double max_u = std::floor(static_cast<double>(first.free_at_startup) / static_cast<double>(total) * 100.0) / 100.0;
        if (max_u > 0.0) {
            v.fixes.push_back("--gpu-memory-utilization " + fixed(max_u, 2));
        }
        if (r.other_processes_memory > 0) {
            v.fixes.push_back("free the " + gib2(to_signed(r.other_processes_memory)) + " GiB other processes hold on the card");
        }
        return plan;
    }
    for (const WorkerPlan& w : plan.workers) {
        if (w.kv_cache <= 0) {
            v.starts = false;
            v.failure = Failure::no_kv_memory;
            v.error = "No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.";
        } else if (w.request_bytes > static_cast<Bytes>(w.kv_cache)) {
            v.starts = false;
            v.failure = Failure::kv_too_small;
            v.estimated_max_model_len = w.estimated_max_model_len;
            v.error = "To serve at least one request with the models's max seq len (" + std::to_string(c.max_model_len) + "), (" +
                      gib2(to_signed(w.request_bytes)) + " GiB KV cache is needed, which is larger than the available KV cache memory (" +
                      gib2(w.kv_cache) + " GiB). " +
                      (w.estimated_max_model_len > 0
                           ? "Based on the available memory, the estimated maximum model length is " + std::to_string(w.estimated_max_model_len) + ". "
                           : std::string()) +
                      "Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.";
        } else {
            continue;
        }
        // Fixes: the smallest utilization that fits one request, a shorter context, an fp8 KV cache.
        if (!r.kv_cache_memory_bytes) {
            const Bytes non_kv = checked_add(checked_add(w.weights, w.activation),
                                             checked_add(w.non_torch, w.cuda_graphs_in_budget ? w.cuda_graphs : 0));
            const std::optional<double> u = min_utilization(total, checked_add(non_kv, w.request_bytes));
            if (u && fraction_of(total, *u) <= w.free_at_startup) {
                v.fixes.push_back("--gpu-memory-utilization " + fixed(*u, 2));
            }
        } else {
            v.fixes.push_back("--kv-cache-memory-bytes " + std::to_string(w.request_bytes));
        }
        if (w.estimated_max_model_len > 0) {
            v.fixes.push_back("--max-model-len " + std::to_string(w.estimated_max_model_len));
        }
        if (!fp8_kv && w.kv_cache > 0 && w.request_bytes / 2 <= static_cast<Bytes>(w.kv_cache) && !m.is_mla()) {
            v.fixes.push_back("--kv-cache-dtype fp8 (halves the KV cache per token)");
        }
        break;
    }
    if (v.starts) {
        v.error.clear();
    }
    return plan;
}

} // namespace vramplan

#include <vramplan/plan.hpp>

#include <vramplan/utilization.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <optional>

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

// ---- Phase 1: resolve ----------------------------------------------------------------------

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

struct BatchDefault {
    std::uint64_t seqs = 256;
    std::uint64_t tokens = 2048;
    bool large_gpu = false;
    bool chunked_prefill = true;
};

/// EngineArgs defaults for max_num_seqs and max_num_batched_tokens (vllm/engine/arg_utils.py,
/// spec §6.3), per era, GPU and entry point.
BatchDefault batch_defaults(const PlanRequest& r, const EraRules& era, std::uint64_t max_model_len) {
    BatchDefault d;
    std::string name = r.gpu.device_name;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    const bool serve = r.entrypoint == Entrypoint::serve;
    // vllm/engine/arg_utils.py get_batch_defaults @main reads the total through NVML
    // (NvmlCudaPlatform.get_device_total_memory, platforms/cuda.py:778-781); where NVML has no memory
    // figure (GB10) it raises, and vLLM falls back to device_memory = 0: the small-card defaults.
    const Bytes seen_total = r.gpu.nvml_total_unavailable ? 0 : r.gpu.total;
    const bool big = seen_total >= 70 * k_gib;
    const bool h_name = name.find("h100") != std::string::npos || name.find("h200") != std::string::npos;
    switch (era.batch_defaults) {
    case BatchDefaults::v0:
        // SchedulerConfig: S 256; without chunked prefill B = max(max_model_len, 2048) so a whole
        // prompt fits one step; with it the chunk budget. Chunked prefill turns itself on above 32K.
        d.seqs = 256;
        d.chunked_prefill = era.v0_chunked_prefill_auto && max_model_len > 32768 && era.v0_chunked_prefill_tokens > 0;
        d.tokens = d.chunked_prefill ? era.v0_chunked_prefill_tokens : std::max<std::uint64_t>(max_model_len, 2048);
        if (r.model.vision.params > 0) {
            d.tokens = std::max<std::uint64_t>(d.tokens, 5120);   // _MULTIMODAL_MODEL_MAX_NUM_BATCHED_TOKENS
        }
        return d;
    case BatchDefaults::v1_by_name:
        d.large_gpu = h_name;
        d.seqs = 1024;
        break;
    case BatchDefaults::v1_by_name_seqs:
        d.large_gpu = h_name;
        d.seqs = h_name ? 1024 : 256;
        break;
    case BatchDefaults::v1_by_size:
        d.large_gpu = big;
        d.seqs = big ? 1024 : 256;
        break;
    case BatchDefaults::v1_by_size_no_a100:
        d.large_gpu = big && name.find("a100") == std::string::npos;
        d.seqs = d.large_gpu ? 1024 : 256;
        break;
    }
    d.tokens = serve ? (d.large_gpu ? 8192 : 2048) : (d.large_gpu ? 16384 : 8192);
    if (era.large_card_serve_16k && seen_total >= 160 * k_gib) {
        d.tokens = 16384;   // #51726 (0.28): B 16384 for `vllm serve` too on GPUs of ≥ 160 GiB (arg_utils.py:2574-2665)
    }
    return d;
}

/// The rules of the request's release and engine; a release past the newest modelled is noted.
EraRules resolve_era(const PlanRequest& r, std::vector<std::string>& notes) {
    EraRules era = rules_for(r.version, r.engine.value_or(default_engine(r.version, r.gpu.compute_major)));
    if (!r.engine && v1_falls_back_to_v0(r.version, r.gpu.compute_major)) {
        notes.push_back("V0 engine: vLLM " + r.version.str() + " falls back from V1 to V0 on compute capability " +
                        std::to_string(r.gpu.compute_major) + ".x (< 8.0; vllm/engine/arg_utils.py:1244-1254 @v0.9.0, #13726; "
                        "V1 runs there from ≈0.10.2, #24022)");
    }
    if (era.extrapolated) {
        notes.push_back("vLLM " + r.version.str() + " is newer than the newest version modelled (" +
                        k_newest_modelled.str() + "); its rules are assumed unchanged");
    } else if (!era.source_verified) {
        notes.push_back("vLLM " + r.version.str() + "'s rules come from release notes, threads and logs, not its source (addendum 2 §19): "
                        "Model Runner V2's graph reservation (#53306) is assumed to match the V1 runner's estimate");
    }
    return era;
}

/// Tokens a sliding-window request reserves beyond its window (`VllmConfig.max_in_flight_tokens`,
/// vllm/config/vllm.py:550-571 @main): max_concurrent_batches × B from 0.26, with async scheduling
/// on by default (§15.2): PP + 1 batches on MRv2, 2 on the V1 runner at PP 1, PP otherwise.
std::uint64_t in_flight_tokens(const PlanRequest& r, const EraRules& era, ModelRunner runner, std::uint64_t batched) {
    if (!era.swa_in_flight_batches) {
        return batched;   // ≤ 0.25: min(W − 1 + B, L) (kv_cache_interface.py:447 @B21)
    }
    const std::uint64_t pp = r.pipeline_parallel_size;
    const std::uint64_t batches = runner == ModelRunner::v2 ? pp + 1 : (pp <= 1 ? 2 : pp);
    return checked_mul(batches, batched);
}

/// The state dtypes of a hybrid model's recurrent layers (MambaStateDtypeCalculator,
/// vllm/model_executor/layers/mamba/mamba_utils.py:51-146 @main): the conv state takes
/// --mamba-cache-dtype (auto: the model dtype); the temporal state takes --mamba-ssm-cache-dtype,
/// else what the model's config imposes (Qwen3.5 `mamba_ssm_dtype`, #34489; Nemotron-H
/// `mamba_ssm_cache_dtype` or float32; vllm/model_executor/models/config.py:640-805 @main), else
/// the conv dtype. Kimi delta attention keeps its recurrent state in float32 (kda_state_dtype).
void resolve_state_dtypes(const PlanRequest& r, ResolvedConfig& c) {
    const LinearAttentionShape& la = r.model.linear_attention;
    c.mamba_conv_dtype = r.mamba_cache_dtype == "auto" ? c.dtype : r.mamba_cache_dtype;
    if (la.kind == LinearKind::kda) {
        c.mamba_ssm_dtype = "float32";
        c.mamba_dtype_source = "Kimi delta attention state, always float32 (kda_state_dtype)";
    } else if (r.mamba_ssm_cache_dtype != "auto") {
        c.mamba_ssm_dtype = r.mamba_ssm_cache_dtype;
        c.mamba_dtype_source = "--mamba-ssm-cache-dtype";
    } else if (!la.ssm_dtype.empty()) {
        c.mamba_ssm_dtype = la.ssm_dtype;
        c.mamba_dtype_source = "the model's config (mamba_ssm_cache_dtype auto)";
    } else {
        c.mamba_ssm_dtype = c.mamba_conv_dtype;
        c.mamba_dtype_source = "the conv state's dtype (mamba_ssm_cache_dtype auto)";
    }
}

/// Prefix caching and mamba_cache_mode for a hybrid model, as EngineArgs and
/// MambaModelConfig.verify_and_update_config set them (vllm/engine/arg_utils.py:2658 @main;
/// vllm/model_executor/models/config.py:589-637 @main). Prefix caching is on by default for
/// hybrids from 0.28 (#50991), never for attention-free models; with it, mode "none" becomes
/// "align" (0.28+) or, before #50991, "all" where the model supports it; "all" falls back to
/// "align" on models without SupportsMambaPrefixCaching. Without prefix caching the mode is "none".
void resolve_hybrid(const PlanRequest& r, const EraRules& era, ResolvedConfig& c, std::vector<std::string>& notes) {
    const ModelSpec& m = r.model;
    if (!m.has_linear_layers()) {
        return;
    }
    resolve_state_dtypes(r, c);
    const bool attention_free = std::all_of(m.layers.begin(), m.layers.end(), [](const LayerSpec& l) {
        return l.attention == LayerAttention::linear || l.attention == LayerAttention::none;
    });
    c.prefix_caching = r.enable_prefix_caching.value_or(era.hybrid_prefix_caching_default && !attention_free);
    MambaCacheMode mode = r.mamba_cache_mode == "all" ? MambaCacheMode::all
                        : r.mamba_cache_mode == "align" ? MambaCacheMode::align : MambaCacheMode::none;
    if (!c.prefix_caching) {
        mode = MambaCacheMode::none;
    } else if (mode == MambaCacheMode::none) {
        mode = !era.hybrid_prefix_caching_default && m.linear_attention.supports_all_mode ? MambaCacheMode::all : MambaCacheMode::align;
    }
    if (mode == MambaCacheMode::all && !m.linear_attention.supports_all_mode) {
        mode = MambaCacheMode::align;
    }
    c.mamba_cache_mode = mode;
    if (era.engine == Engine::v1) {
        notes.push_back("hybrid model: prefix caching " + std::string(c.prefix_caching ? "on" : "off") + ", mamba_cache_mode " +
                        mamba_cache_mode_name(mode) + " (" + (mode == MambaCacheMode::none ? "1 state page" : mode == MambaCacheMode::align ? "2 state pages" : "one state page per block") +
                        " per request per recurrent layer group); state dtypes conv " + c.mamba_conv_dtype + ", temporal " + c.mamba_ssm_dtype);
    }
}

/// LoRA's settings after vLLM's defaults (vllm/config/lora.py:35-37, 136-139 @main; addendum 3
/// §20): slots, rank, the stacks' dtype, whether the embedding gets stacks, graph cases.
void resolve_lora(const PlanRequest& r, const EraRules& era, ResolvedConfig& c, std::vector<std::string>& notes) {
    if (!r.enable_lora) {
        return;
    }
    c.max_loras = r.max_loras.value_or(k_default_max_loras);
    c.max_lora_rank = r.max_lora_rank.value_or(k_default_max_lora_rank);
    c.lora_dtype_bytes = r.lora_dtype == "auto" ? c.dtype_bytes : dtype_size(r.lora_dtype);
    c.lora_embeddings = lora_wraps_embeddings(r.model, r.version);
    c.lora_graph_cases = lora_graph_cases(r.version);
    notes.push_back("LoRA: " + std::to_string(c.max_loras) + " slot(s) of rank " + std::to_string(c.max_lora_rank) +
                    " in the weights (addendum 3 §20.1); the profile run's peak is taken as without LoRA (< 1 %, §20.4)");
    if (era.engine == Engine::v1 && r.version < VllmVersion{0, 8, 0} && c.cuda_graphs) {
        // V1 with LoRA ran eagerly (torch.compile off) until #14626 (≈0.8.0; addendum 3 §20.5).
        c.cuda_graphs = false;
        notes.push_back("LoRA on the V1 engine before 0.8.0 runs without CUDA graphs (#14626, addendum 3 §20.5)");
    }
    if (r.version < VllmVersion{0, 12, 0} && c.lora_embeddings) {
        notes.push_back("LoRA before 0.12 also adds --lora-extra-vocab-size rows (§20.7), not modelled");
    }
}

/// Data / expert parallel and the nodes (addendum 3 §22): the GPUs and nodes the deployment
/// spans, the routed experts on one GPU, the all-to-all backend.
void resolve_parallel(const PlanRequest& r, ResolvedConfig& c, std::vector<std::string>& notes) {
    c.topology = deployment_topology(r.tensor_parallel_size, r.pipeline_parallel_size, r.data_parallel_size, r.gpus_per_node);
    c.all2all = all2all_backend_named(r.all2all_backend);
    const std::uint64_t redundant = r.enable_eplb ? r.num_redundant_experts : 0;
    if (r.model.is_moe()) {
        c.experts = expert_sharding(r.model.moe.num_experts, redundant, r.tensor_parallel_size, r.data_parallel_size,
                                    r.enable_expert_parallel);
    } else {
        c.experts = ExpertSharding{r.tensor_parallel_size, 0, 1};
    }
    if (r.data_parallel_size > 1) {
        notes.push_back("data parallel: " + std::to_string(r.data_parallel_size) +
                        " engines, each planned per GPU like one engine with its own KV cache (addendum 3 §22.1)");
    }
    if (r.model.is_moe() && (r.data_parallel_size > 1 || r.enable_expert_parallel)) {
        notes.push_back(c.experts.ep_size > 1
            ? "expert parallel over " + std::to_string(c.experts.ep_size) + " GPUs: " + std::to_string(c.experts.local_experts) +
                  " whole routed experts per GPU; attention, shared experts, dense MLPs and embeddings split over TP only (addendum 3 §22.2)"
            : "routed experts split over TP×DP = " + std::to_string(c.experts.moe_tp) +
                  " ranks (FusedMoEParallelConfig.make; addendum 3 §22.1); the rest over TP only");
    }
    if (r.data_parallel_size > 1 && r.model.is_moe() && c.all2all == All2allBackend::allgather_reducescatter) {
        notes.push_back("allgather_reducescatter runs each MoE layer on the tokens of all DP ranks: an activation peak that grows "
                        "with DP×B is not modelled (addendum 3 §22.1 [derived])");
    }
    if (c.all2all == All2allBackend::other) {
        notes.push_back("--all2all-backend " + r.all2all_backend + ": its buffers are not sized (addendum 3 §22.4 [unverified])");
    }
}

/// --max-num-batched-tokens defaults to 256 with DeepEP low latency (or nixl_ep), EP and DP > 1
/// from ≈0.20 (#39107; engine/arg_utils.py:2791-2801, config/parallel.py:699-708 @main).
bool deepep_batch_default(const PlanRequest& r) {
    return !r.max_num_batched_tokens && r.version >= VllmVersion{0, 20, 0} && r.enable_expert_parallel && r.data_parallel_size > 1 &&
           (r.all2all_backend == "deepep_low_latency" || r.all2all_backend == "nixl_ep");
}

/// vLLM's defaults for every flag left unset (spec §6.3), the model and KV-cache dtypes, and
/// whether CUDA graphs are captured.
ResolvedConfig resolve_config(const PlanRequest& r, const EraRules& era, std::vector<std::string>& notes) {
    ResolvedConfig c;
    c.gpu_memory_utilization = r.gpu_memory_utilization.value_or(era.default_utilization);
    c.utilization_is_default = !r.gpu_memory_utilization.has_value();
    c.max_model_len = r.max_model_len.value_or(r.model.max_model_len);
    c.max_model_len_is_default = !r.max_model_len.has_value();
    const BatchDefault batch = batch_defaults(r, era, c.max_model_len);
    if (r.gpu.nvml_total_unavailable && era.engine == Engine::v1 && (!r.max_num_seqs || !r.max_num_batched_tokens)) {
        notes.push_back("vLLM reads the GPU total through NVML for its batch defaults; NVML reports none on this device, so vLLM "
                        "takes the small-card defaults (get_batch_defaults: device_memory = 0)");
    }
    c.large_gpu_defaults = batch.large_gpu;
    c.chunked_prefill = batch.chunked_prefill;
    c.max_num_batched_tokens = r.max_num_batched_tokens.value_or(deepep_batch_default(r) ? k_deepep_batch_default : batch.tokens);
    const std::uint64_t mm_floor = r.model.mm_prefix_lm_min_batched_tokens;
    if (!r.max_num_batched_tokens && era.engine == Engine::v1 && r.version >= VllmVersion{0, 22, 0} && mm_floor > c.max_num_batched_tokens) {
        // #43051 (0.22): one multimodal item of a prefix-LM model must fit a batch (addendum 2 §15.1).
        notes.push_back("max_num_batched_tokens raised from " + std::to_string(c.max_num_batched_tokens) + " to " + std::to_string(mm_floor) +
                        " to fit one video of this prefix-LM model (vLLM 0.22+, #43051)");
        c.max_num_batched_tokens = mm_floor;
    }
    c.max_num_batched_tokens_is_default = !r.max_num_batched_tokens.has_value();
    c.max_num_seqs = std::min(r.max_num_seqs.value_or(batch.seqs), c.max_num_batched_tokens);
    c.max_num_seqs_is_default = !r.max_num_seqs.has_value();
    c.dtype = resolve_dtype(r, notes);
    c.dtype_bytes = dtype_size(c.dtype);
    c.graphs = resolve_graph_setting(r.graphs, era, notes);
    c.cuda_graphs = !r.enforce_eager && era.cuda_graphs_supported && c.graphs.mode != CudaGraphMode::none;
    c.max_model_len_auto = r.max_model_len_auto && !r.max_model_len;   // a length a solver sets wins
    c.derived_max_model_len = r.model.max_model_len;
    c.runner = choose_model_runner(r.model, era);
    c.in_flight_tokens = in_flight_tokens(r, era, c.runner.runner, c.max_num_batched_tokens);
    c.kv_cache_dtype = r.kv_cache_dtype;
    if (c.kv_cache_dtype == "auto") {
        c.kv_cache_dtype = r.model.quant.kv_cache_fp8 ? "fp8" : c.dtype;
        if (r.model.quant.kv_cache_fp8) {
            notes.push_back("the checkpoint's kv_cache_scheme forces an fp8 KV cache");
        }
    }
    resolve_hybrid(r, era, c, notes);
    resolve_lora(r, era, c, notes);
    resolve_parallel(r, c, notes);
    return c;
}

// ---- Phase 2: geometry ---------------------------------------------------------------------

struct BlockChoice {
    std::uint64_t size;
    std::string reason;
};

/// Attention backends that force their own block size (spec §5.3).
BlockChoice choose_block_size(const PlanRequest& r, const EraRules& era, bool fp8_kv) {
    const std::optional<std::uint64_t>& user = r.block_size;
    if (!r.model.is_mla()) {
        if (user && *user % 16 != 0) {
            // select_common_block_size (vllm/v1/worker/utils.py:301-367 @main): FlashAttention and
            // FlashInfer take multiples of 16; another size runs on a backend that accepts it, if any.
            return {*user, "--block-size; not a multiple of 16, so not FlashAttention's kernel block"};
        }
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

/// The model as V0's cache engine sees it (spec §4): every attention layer holds a full-length
/// cache (no sliding-window or hybrid grouping), recurrent layers keep their state elsewhere, and
/// before ≈v0.7.1 DeepSeek's MLA layers cached full K/V heads of qk_nope + qk_rope dimensions.
ModelSpec v0_cache_view(const ModelSpec& m, const EraRules& era, std::vector<std::string>& notes) {
    ModelSpec v = m;
    v.layers.clear();
    bool linear = false;
    for (LayerSpec l : m.layers) {
        linear = linear || l.parallel_mamba;
        l.parallel_mamba = false;
        if (l.attention == LayerAttention::linear || l.attention == LayerAttention::none) {
            linear = linear || l.attention == LayerAttention::linear;
            continue;
        }
        if (l.attention == LayerAttention::sliding) {
            l.attention = LayerAttention::full;
            l.window = 0;
        }
        if (l.attention == LayerAttention::mla && !era.mla_latent_cache) {
            l.attention = LayerAttention::full;
        }
        v.layers.push_back(l);
    }
    if (m.is_mla() && !era.mla_latent_cache) {
        const std::uint64_t qk = checked_add(m.attention.qk_nope_head_dim, m.attention.qk_rope_head_dim);
        v.attention.num_kv_heads = m.attention.num_heads;
        v.attention.head_dim = qk;
        v.attention.head_dim_v = qk;
        v.attention.kv_lora_rank = 0;
        notes.push_back("V0 before 0.7.1 cached DeepSeek MLA as full K/V heads of " + std::to_string(qk) + " dimensions (approximation)");
    }
    if (linear) {
        notes.push_back("V0 keeps recurrent (Mamba-style) state in a separate cache sized by max_num_seqs; not counted");
    }
    if (v.layers.empty()) {
        v.layers = m.layers;
    }
    return v;
}

/// One pipeline stage: one worker (its TP ranks are identical), its layers and its KV layers.
struct Stage {
    std::uint64_t first_layer = 0;
    std::uint64_t end_layer = 0;
    WorkerShape shape;                        ///< what the activation and non-torch estimates need
    std::vector<std::uint64_t> layer_counts;  ///< KV layers of each type on this stage
};

/// The KV cache's spec and the stages that hold the layers.
struct Geometry {
    KvGeometry kv;
    std::vector<Stage> stages;
};

/// The recurrent layers' state element sizes and cache mode (resolve_hybrid), and the MLA-hybrid
/// 128 alignment of #50000 (2026-07-30, after the 0.26 cut: v0.27).
void hybrid_kv_options(const PlanRequest& r, const ResolvedConfig& c, KvOptions& kvo) {
    if (c.mamba_conv_dtype.empty()) {
        return;
    }
    kvo.conv_state_bytes = dtype_size(c.mamba_conv_dtype);
    kvo.ssm_state_bytes = dtype_size(c.mamba_ssm_dtype);
    kvo.mamba_cache_mode = c.mamba_cache_mode;
    kvo.mla_hybrid_align_128 = r.version >= VllmVersion{0, 27, 0};
}

/// What one KV-cache element and block are: the dtype's size and the block size the attention
/// backend takes.
KvOptions kv_options(const PlanRequest& r, const EraRules& era, const ResolvedConfig& c) {
    const bool fp8_kv = is_fp8_kv(c.kv_cache_dtype);
    KvOptions kvo;
    kvo.tp = r.tensor_parallel_size;
    kvo.quant_mode = kv_quant_mode(c.kv_cache_dtype);
    // Every fp8 name and every packed format is sized per byte (kv_dtype.hpp); dense dtypes per element.
    kvo.element_bytes = kvo.quant_mode != KvQuantMode::none ? 1 : (c.kv_cache_dtype == c.dtype ? c.dtype_bytes : dtype_size(c.kv_cache_dtype));
    kvo.fp8_ds_mla = c.kv_cache_dtype == "fp8_ds_mla";
    const BlockChoice block = choose_block_size(r, era, fp8_kv);
    kvo.block_size = block.size;
    kvo.block_size_reason = block.reason;
    kvo.hybrid_group_ratio = era.engine == Engine::v0 ? 0.0 : era.hybrid_group_ratio;
    hybrid_kv_options(r, c, kvo);
    return kvo;
}

/// The drafter's weights and KV layers (addendum 3 §21.1-§21.3), and the notes on what speculation
/// leaves unchanged (§21.4) or what the release does differently (§21.7).
void resolve_speculative(const PlanRequest& r, const EraRules& era, ResolvedConfig& c, std::vector<std::string>& notes) {
    const SpeculativeConfig& s = r.speculative;
    if (!s.active()) {
        return;
    }
    c.speculative_tokens = s.num_speculative_tokens;
    c.speculative = speculative_costs(r.model, s, c.dtype_bytes, r.tensor_parallel_size, kv_options(r, era, c));
    std::string line = "speculative decoding (" + std::string(spec_method_name(s.method)) + ", k " + std::to_string(s.num_speculative_tokens) +
                       "): " + c.speculative.basis;
    if (s.method == SpecMethod::ngram || s.method == SpecMethod::suffix) {
        notes.push_back(line + "; no draft KV layers; CUDA-graph sizes still follow 1 + k (addendum 3 §21.5)");
        return;
    }
    notes.push_back(line + "; the profile run's peak is taken as without speculation (addendum 3 §21.4)");
    if (era.engine == Engine::v0) {
        // V0's proposer worker loads after the scorer's snapshot: its weights are charged nowhere (§21.7).
        c.speculative.weights = 0;
        notes.push_back("V0: the draft's weights are not charged to the budget (spec_decode_worker, addendum 3 §21.7)");
    }
    if (s.method == SpecMethod::mlp_speculator) {
        notes.push_back("MLP speculator weights are not modelled (small; no KV layers)");
    }
}

/// The KV cache as the era's cache engine lays it out, and vLLM's split of the layers over the
/// pipeline stages (`get_pp_indices`).
Geometry lay_out(const PlanRequest& r, const EraRules& era, const ResolvedConfig& c, std::vector<std::string>& notes) {
    const KvOptions kvo = kv_options(r, era, c);
    const ModelSpec cache_model = era.engine == Engine::v0 ? v0_cache_view(r.model, era, notes) : r.model;
    Geometry g;
    g.kv = kv_geometry(cache_model, kvo);
    const std::size_t draft_type = r.speculative.active()
                                       ? add_draft_kv_layers(g.kv, c.speculative.kv, c.speculative_tokens, kvo.hybrid_group_ratio)
                                       : g.kv.types.size();
    apply_decode_context_parallel(g.kv, r.decode_context_parallel_size);
    for (std::uint32_t rank = 0; rank < r.pipeline_parallel_size; ++rank) {
        Stage s;
        const auto range = pp_layer_range(r.model.layers.size(), rank, r.pipeline_parallel_size);
        s.first_layer = range.first;
        s.end_layer = range.second;
        s.shape.tp = r.tensor_parallel_size;
        s.shape.pp = r.pipeline_parallel_size;
        s.shape.pp_rank = rank;
        s.shape.dtype_bytes = c.dtype_bytes;
        s.shape.max_num_seqs = c.max_num_seqs;
        s.shape.max_num_batched_tokens = c.max_num_batched_tokens;
        s.shape.compute_major = r.gpu.compute_major;
        s.shape.mrv2 = c.runner.runner == ModelRunner::v2;
        s.layer_counts = stage_layer_counts(cache_model, g.kv, r.pipeline_parallel_size, rank);
        s.layer_counts.resize(g.kv.types.size(), 0);
        if (draft_type < g.kv.types.size() && rank + 1 == r.pipeline_parallel_size) {
            s.layer_counts[draft_type] = checked_add(s.layer_counts[draft_type], c.speculative.kv.layers);   // the drafter runs on the last stage
        }
        g.stages.push_back(std::move(s));
    }
    return g;
}

// ---- Phase 3: budget -----------------------------------------------------------------------

/// Exact checkpoint bytes replace the parameter estimate, shared out in the estimate's
/// proportions: the factor that does it (1 without a checkpoint size).
double checkpoint_scale(const PlanRequest& r, std::uint32_t dtype_bytes) {
    if (!r.checkpoint_bytes) {
        return 1.0;
    }
    // Compared with the tensors as stored: kernel padding (MXFP4 experts) comes on top of the
    // checkpoint's bytes when vLLM loads them (vllm-logs-4#18: 12.82 GiB on disk, 13.7 resident).
    ModelSpec as_stored = r.model;
    as_stored.quant.as_stored = true;
    const WeightBreakdown whole = estimate_weights(as_stored, dtype_bytes, 1, 1, 0);
    const Bytes stored = whole.total() - whole.rope_cache - whole.mla_absorbed;
    return stored > 0 ? static_cast<double>(*r.checkpoint_bytes) / static_cast<double>(stored) : 1.0;
}

/// --cpu-offload-gb (UVA) or the prefetch offloader on one worker's layers (addendum 3 §24.1):
/// the offloaded bytes leave the weights, the prefetch pool joins them. The backend as
/// effective_offload_backend picks it (vllm/config/offload.py:85-136 @main).
void apply_weight_offload(const PlanRequest& r, const ResolvedConfig& c, std::uint32_t tp, WorkerPlan& w) {
    const bool prefetch = effective_offload_backend(r.offload_backend, r.offload_group_size) == OffloadBackend::prefetch;
    if (prefetch ? r.offload_group_size == 0 : r.cpu_offload_bytes == 0) {
        return;
    }
    std::vector<LayerParameters> layers;
    for (std::uint64_t i = w.first_layer; i < w.end_layer; ++i) {
        layers.push_back(layer_parameter_bytes(r.model, i, c.dtype_bytes, tp, c.experts));
    }
    w.offload = prefetch
                    ? prefetch_offload(layers, r.offload_group_size, r.offload_num_in_group, r.offload_prefetch_step)
                    : uva_offload(layers, r.cpu_offload_bytes);
    w.weight_parts.cpu_offloaded = w.offload.offloaded;
    w.weight_parts.prefetch_buffers = w.offload.prefetch_buffers;
}

/// Sleep mode before 0.27 (addendum 3 §24.4.2): X, the bytes freed in the weights pool that the
/// budget does not charge. None with a pinned KV cache (§24.5: K is what is allocated).
Bytes sleep_mode_uncharged(const Plan& plan, const WorkerPlan& w) {
    if (!plan.request.enable_sleep_mode || plan.request.kv_cache_memory_bytes) {
        return 0;
    }
    const Bytes linears = checked_add(w.weight_parts.attention, w.weight_parts.mlp);
    return sleep_mode_freed_bytes(plan.sleep_accounting, plan.request.model.quant.method, linears);
}

/// Host memory of the memory savers, over the deployment (addendum 3 §24.1-§24.3), and their notes.
void settle_host_memory(Plan& plan) {
    const PlanRequest& r = plan.request;
    // Every DP engine (addendum 3 §22.1) holds its own offloaded weights, swap and KV store.
    const Bytes engines = r.data_parallel_size;
    const Bytes ranks = checked_mul(checked_mul(r.tensor_parallel_size, r.pipeline_parallel_size), engines);
    for (const WorkerPlan& w : plan.workers) {
        plan.host.cpu_offload =
            checked_add(plan.host.cpu_offload, checked_mul(checked_mul(w.offload.offloaded, r.tensor_parallel_size), engines));
    }
    if (r.swap_space_bytes && plan.era.engine == Engine::v0) {
        plan.host.swap_space = checked_mul(*r.swap_space_bytes, ranks);   // V0 CacheConfig.swap_space is per GPU
    }
    if (r.swap_space_bytes && plan.era.engine != Engine::v0) {
        plan.notes.push_back(r.version < VllmVersion{0, 18, 0}
                                 ? "--swap-space: the V1 engine ignores it (no CPU blocks; addendum 3 §24.2)"
                                 : "--swap-space: removed in vLLM 0.18 (#36216): this release rejects the flag (addendum 3 §24.2)");
    }
    if (r.kv_offloading_bytes) {
        plan.host.kv_offload = checked_mul(*r.kv_offloading_bytes, engines);
        if (r.version < VllmVersion{0, 11, 1}) {
            plan.notes.push_back("--kv-offloading-size: vLLM before 0.11.1 (#27621) has no such flag (addendum 3 §24.3)");
        }
        plan.notes.push_back(r.kv_offloading_backend == "lmcache"
                                 ? "KV offloading (lmcache): the store lives in LMCache's own process; it may disable the hybrid KV "
                                   "manager (sliding-window models then size as full attention, not modelled) (addendum 3 §24.3)"
                                 : "KV offloading (native): pinned host blocks only; the GPU KV cache is unchanged (addendum 3 §24.3)");
    }
    if (plan.host.cpu_offload > 0) {
        plan.notes.push_back("offloaded weights are read from pinned host memory over the interconnect at every step (UVA): "
                             "decoding slows (addendum 3 §24.1)");
    }
    if ((r.offload_group_size > 0 || r.offload_backend != OffloadBackend::automatic) && r.version < VllmVersion{0, 17, 0}) {
        plan.notes.push_back("--offload-group-size, --offload-backend: the prefetch offloader exists from vLLM 0.17 (#29941; addendum 3 §24.1)");
    }
    // vLLM's warnings when one backend's settings are ignored (vllm/config/offload.py:116-135 @main).
    const bool uva_set = r.cpu_offload_bytes > 0;
    const bool prefetch_set = r.offload_group_size > 0;
    if (r.offload_backend == OffloadBackend::uva && prefetch_set) {
        plan.notes.push_back("--offload-backend uva: the prefetch settings are ignored (vLLM's warning; addendum 3 §24.1)");
    } else if (r.offload_backend == OffloadBackend::prefetch && uva_set) {
        plan.notes.push_back("--offload-backend prefetch: --cpu-offload-gb is ignored (vLLM's warning; addendum 3 §24.1)");
    } else if (r.offload_backend == OffloadBackend::automatic && uva_set && prefetch_set) {
        plan.notes.push_back("--cpu-offload-gb and --offload-group-size: auto selects the prefetch backend, --cpu-offload-gb is ignored "
                             "(vLLM's warning; addendum 3 §24.1)");
    }
}

/// What --enable-sleep-mode does to this release's accounting (addendum 3 §24.4.2).
void sleep_mode_note(Plan& plan) {
    if (!plan.request.enable_sleep_mode) {
        return;
    }
    const WorkerPlan& w = plan.workers.front();
    std::string note = "sleep mode (cuMem pools, addendum 3 §24.4): ";
    switch (plan.sleep_accounting) {
    case SleepAccounting::exact: note += "exact accounting from 0.27 (#49208)"; break;
    case SleepAccounting::weights_not_pooled: note += "0.14-0.16 load the weights outside the pool (#31747, fixed #32947): no effect"; break;
    case SleepAccounting::resident_overcount:
    case SleepAccounting::negative_non_torch:
        note += w.sleep_mode_uncharged == 0
                    ? "no weights replaced while loading (no Marlin repack): no effect"
                    : "the Marlin repack frees " + gib2(to_signed(w.sleep_mode_uncharged)) +
                          " GiB inside the weights pool that this release does not charge: the KV cache is that much larger and "
                          "the card holds it beyond the budget (OOM risk; pin --kv-cache-memory-bytes, §24.5)";
        break;
    }
    plan.notes.push_back(note);
}

/// The capture sizes, graphed layers and FULL-decode batch limit of one worker.
struct SpeculativeGraphs {
    std::vector<std::uint64_t> sizes;
    std::uint64_t layers = 0;
    std::uint64_t decode_seqs = 0;
};

/// Graphs with speculation (addendum 3 §21.5): the default maximum min(2·S·(1+k), 512) from ≈0.13
/// (#30330, vllm/config/vllm.py:1976-1993 @C28); V1 runner with FULL decode graphs: sizes rounded
/// up to multiples of 1+k from ≈0.12 (#28315, compilation.py:1475-1558 @C28), the FULL decode set
/// 1+k ≤ n ≤ (1+k)·S; the drafter's layers captured beside the target's.
SpeculativeGraphs speculative_graphs(const Plan& plan, const WorkerPlan& w) {
    const PlanRequest& r = plan.request;
    const ResolvedConfig& c = plan.config;
    const std::uint64_t k = c.speculative_tokens;
    const bool v1 = plan.era.engine == Engine::v1;
    const std::uint64_t seqs = v1 && k > 0 && r.version >= VllmVersion{0, 13, 0} ? checked_mul(c.max_num_seqs, k + 1) : c.max_num_seqs;
    SpeculativeGraphs g;
    g.sizes = capture_sizes(plan.era, c.graphs, seqs, c.max_num_batched_tokens, r.gpu.compute_major == 10);
    g.layers = checked_add(w.end_layer - w.first_layer, w.draft_kv_layers);
    g.decode_seqs = v1 && k > 0 ? checked_mul(c.max_num_seqs, k + 1) : c.max_num_seqs;
    const bool full_decode = c.graphs.mode == CudaGraphMode::full || c.graphs.mode == CudaGraphMode::full_decode_only ||
                             c.graphs.mode == CudaGraphMode::full_and_piecewise;
    if (v1 && k > 0 && full_decode && c.runner.runner != ModelRunner::v2 && r.version >= VllmVersion{0, 12, 0}) {
        g.sizes = round_capture_sizes(g.sizes, k, c.max_num_batched_tokens);
    }
    return g;
}

/// The encoder's profile on one worker (addendum 3 §23; src/core/multimodal.cpp).
MmProfile multimodal_profile(const Plan& plan, const Stage& stage) {
    const ResolvedConfig& c = plan.config;
    const MmContext ctx{c.max_num_batched_tokens, c.max_num_seqs, c.max_model_len, c.chunked_prefill, stage.shape.tp,
                        c.dtype_bytes, stage.shape.pp_rank == 0, plan.era.engine, plan.request.version};
    return plan_multimodal(plan.request.model, plan.request.mm, ctx);
}

/// EPLB's allocations at load, in the weights (EplbState.add_model, eplb_state.py:427-477 @main;
/// addendum 3 §22.3): expert_buffer, one MoE layer of this GPU's routed experts, and the load
/// window over the stage's MoE layers.
Bytes eplb_weight_bytes(const PlanRequest& r, const ResolvedConfig& c, const WorkerPlan& w, double weights_scale) {
    if (!r.model.is_moe()) {
        return 0;
    }
    std::uint64_t moe_layers = 0;
    for (std::uint64_t i = w.first_layer; i < w.end_layer; ++i) {
        moe_layers += r.model.layers[i].moe ? 1 : 0;
    }
    if (moe_layers == 0) {
        return 0;
    }
    const Bytes buffer = round_bytes(static_cast<double>(routed_experts_layer_bytes(r.model, c.dtype_bytes, c.experts)) * weights_scale,
                                     "EPLB expert buffer scaled to the checkpoint size");
    const std::uint64_t physical = checked_add(r.model.moe.num_experts, r.num_redundant_experts);
    return checked_add(buffer, eplb_load_window_bytes(moe_layers, physical));
}

/// What one worker charges besides the KV cache, as estimated: weights, activation peak,
/// non-torch memory (NCCL init excluded) and CUDA graphs. `requested` is ceil(total × u);
/// `weights_scale` is checkpoint_scale's factor.
WorkerPlan estimate_terms(const Plan& plan, const Stage& stage, Bytes requested, double weights_scale) {
    const PlanRequest& r = plan.request;
    const ResolvedConfig& c = plan.config;
    WorkerPlan w;
    w.pp_rank = stage.shape.pp_rank;
    w.first_layer = stage.first_layer;
    w.end_layer = stage.end_layer;
    w.total = r.gpu.total;
    w.requested = requested;
    w.weight_parts = estimate_weights(r.model, c.dtype_bytes, stage.shape.tp, stage.shape.pp, stage.shape.pp_rank, c.experts);
    if (r.checkpoint_bytes) {
        WeightBreakdown& p = w.weight_parts;
        for (Bytes* part : {&p.embedding, &p.attention, &p.mlp, &p.norms, &p.lm_head, &p.vision}) {
            *part = round_bytes(static_cast<double>(*part) * weights_scale, "weights scaled to the checkpoint size");
        }
    }
    apply_weight_offload(r, c, stage.shape.tp, w);
    if (c.max_loras > 0) {
        const LoraSetup setup{c.max_loras, c.max_lora_rank, c.lora_dtype_bytes, stage.shape.tp, r.fully_sharded_loras};
        w.lora = estimate_lora_stacks(r.model, setup, w.first_layer, w.end_layer, w.pp_rank == 0,
                                      w.pp_rank + 1 == r.pipeline_parallel_size, c.lora_embeddings, c.max_num_batched_tokens);
        w.weight_parts.lora = w.lora.total();
    }
    if (w.pp_rank + 1 == r.pipeline_parallel_size) {
        w.weight_parts.draft = c.speculative.weights;   // in vLLM's weights (addendum 3 §21.2)
        w.draft_kv_layers = c.speculative.kv.layers;
    }
    w.multimodal = multimodal_profile(plan, stage);
    w.weight_parts.vision = multimodal_tower_bytes(w.weight_parts.vision, stage.shape.tp, w.multimodal, r.mm.encoder_data_parallel);
    w.weight_parts.eplb = r.enable_eplb ? eplb_weight_bytes(r, c, w, weights_scale) : 0;
    w.weights = w.weight_parts.total();
    w.sleep_mode_uncharged = sleep_mode_uncharged(plan, w);
    w.activation_parts = estimate_activation(r.model, stage.shape, plan.era);
    // The encoder's dummy items and their cache (addendum 3 §23.2).
    w.activation_parts.encoder = w.multimodal.encoder_activation;
    w.activation_parts.encoder_cache = w.multimodal.profiled ? w.multimodal.encoder_cache : 0;
    w.activation_parts.total = multimodal_activation(w.activation_parts.total, calib::k_activation_base, w.multimodal);
    w.activation = w.activation_parts.total;
    w.non_torch = estimate_non_torch(stage.shape, plan.era);
    w.all2all_buffers = all2all_buffer_bytes(c.all2all, c.experts.ep_size > 1, c.topology.internode(), r.model.hidden_size,
                                             r.model.moe.num_experts, c.max_num_batched_tokens);
    w.non_torch = checked_add(w.non_torch, w.all2all_buffers);
    if (c.runner.runner == ModelRunner::v2) {
        w.runner_buffers = mrv2_persistent_buffers(r.model, stage.shape, c.max_num_seqs, c.max_num_batched_tokens);
        w.runner_buffers_in_budget = plan.era.non_kv_total_consumed;
    }
    if (c.cuda_graphs) {
        const SpeculativeGraphs g = speculative_graphs(plan, w);
        w.capture_sizes = g.sizes.size();
        // With LoRA every size is captured once per LoRA case (addendum 3 §20.5).
        w.cuda_graphs = checked_mul(setting_graph_bytes(plan.era, c.graphs, g.layers, g.sizes, g.decode_seqs), c.lora_graph_cases);
    }
    return w;
}

// ---- Phase 4: calibration ------------------------------------------------------------------

/// Replaces the estimated terms by a log's measurements (same configuration) or corrects them by
/// what the log measured at a nearby one: weights and graphs by a ratio, the rest by a difference.
/// The parts (weight_parts, activation_parts) stay estimates.
void calibrate(WorkerPlan& w, const Calibration& cal, bool cuda_graphs) {
    // |d| as 0 - d in unsigned arithmetic: -d overflows for INT64_MIN.
    const auto shift = [](Bytes x, SignedBytes d) { return d < 0 ? x - std::min(x, Bytes{0} - static_cast<Bytes>(d)) : checked_add(x, static_cast<Bytes>(d)); };
    const auto scale = [](Bytes x, double f) { return round_bytes(static_cast<double>(x) * f, "calibrated term"); };
    if (cal.weights) {
        w.weights = *cal.weights;
    } else if (cal.weights_scale) {
        w.weights = scale(w.weights, *cal.weights_scale);
    }
    if (cal.activation) {
        w.activation = *cal.activation;
    } else if (cal.activation_delta) {
        w.activation = shift(w.activation, *cal.activation_delta);
    }
    if (cal.non_torch) {
        // A 0.27+ log's non-torch (consumed − weights) holds MRv2's buffers, charged here on their own.
        const Bytes buffers = w.runner_buffers_in_budget ? w.runner_buffers : 0;
        w.non_torch = *cal.non_torch - std::min(*cal.non_torch, buffers);
    } else if (cal.non_torch_delta) {
        w.non_torch = shift(w.non_torch, *cal.non_torch_delta);
    }
    if (cuda_graphs && cal.cuda_graphs) {
        w.cuda_graphs = *cal.cuda_graphs;
    } else if (cal.graphs_scale) {
        w.cuda_graphs = scale(w.cuda_graphs, *cal.graphs_scale);
    }
}

// ---- Phase 5: verdict ----------------------------------------------------------------------

/// Error bars of the estimated terms (calib::k_err_*), per worker.
TermErrors term_errors(const PlanRequest& r, const EraRules& era, const WorkerPlan& w, const WorkerShape& shape) {
    TermErrors e;
    const auto rel = [](Bytes x, double f) { return round_bytes(static_cast<double>(x) * f, "error bar"); };
    e.weights = rel(w.weights, r.checkpoint_bytes ? calib::k_err_weights_checkpoint : calib::k_err_weights);
    if (!r.checkpoint_bytes) {
        // An incomplete quantization_config: the other reading of each missing key (weights.hpp).
        e.weights = checked_add(e.weights, quant_layout_uncertainty(r.model, shape.dtype_bytes, shape.tp, shape.pp, shape.pp_rank));
    }
    e.activation = checked_add(calib::k_err_activation_base, rel(w.activation, calib::k_err_activation_rel));
    if (r.model.is_moe() || r.model.vision.params > 0) {
        e.activation = checked_add(e.activation, calib::k_err_activation_moe_vision);
    }
    e.activation = checked_add(e.activation, w.multimodal.error);   // the encoder term (addendum 3 §23.2)
    if (shape.mrv2 && shape.pp_rank + 1 == shape.pp) {
        // MRv2's sampler peak is derived from its source, not measured (addendum 2 §15.3, §19.3):
        // the half-width is what the V1 sampler's fitted cost would add on top.
        const double v1 = calib::k_sampler_bytes_per_row_vocab - w.activation_parts.sampler_slope;
        const double rows = static_cast<double>(std::min(shape.max_num_seqs, shape.max_num_batched_tokens));
        e.activation = checked_add(e.activation, round_bytes(std::max(0.0, v1) * rows * static_cast<double>(r.model.vocab_size), "error bar"));
    }
    const bool calibrated_era = era.engine == Engine::v1 && era.within_activation_fit && shape.compute_major >= 8;
    if (!calibrated_era) {
        e.activation = checked_add(e.activation, calib::k_err_activation_old);
    }
    e.non_torch = shape.tp > 1 ? calib::k_err_non_torch_tp : calib::k_err_non_torch;
    e.cuda_graphs = rel(w.cuda_graphs, calib::k_err_graphs_rel);
    if (r.calibration) {
        // Measured terms: only the rounding of the logged "%.2f GiB" remains.
        const Calibration& cal = *r.calibration;
        e.weights = cal.weights ? calib::k_err_log_rounding : e.weights;
        e.activation = cal.activation ? calib::k_err_log_rounding : e.activation;
        e.non_torch = cal.non_torch ? calib::k_err_log_rounding : e.non_torch;
        e.cuda_graphs = cal.cuda_graphs ? calib::k_err_log_rounding : e.cuda_graphs;
    }
    if (r.kv_cache_memory_bytes) {
        return e;   // pinned: the KV cache is exact
    }
    e.kv_cache = checked_add(e.weights, e.activation);
    if (w.non_torch_in_budget) {
        e.kv_cache = checked_add(e.kv_cache, e.non_torch);
    }
    if (w.cuda_graphs_in_budget) {
        e.kv_cache = checked_add(e.kv_cache, e.cuda_graphs);
    }
    if (w.card_in_budget) {
        e.kv_cache = checked_add(e.kv_cache, calib::k_err_cuda_context);
    }
    return e;
}

/// Capacity at the two ends of the KV cache's error bar (the minimum over workers at each end).
CapacityRange capacity_range(const Plan& p, bool pinned) {
    CapacityRange range;
    range.estimated = !pinned;
    const WorkerPlan& d = p.workers[p.deciding_worker];
    range.kv_low = signed_add(d.kv_cache, -to_signed(d.errors.kv_cache));
    range.kv_high = signed_add(d.kv_cache, to_signed(d.errors.kv_cache));
    std::uint64_t low_blocks = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t high_blocks = std::numeric_limits<std::uint64_t>::max();
    for (const WorkerPlan& w : p.workers) {
        const SignedBytes err = to_signed(w.errors.kv_cache);
        low_blocks = std::min(low_blocks, worker_num_blocks(p.kv, w.layer_counts, signed_add(w.kv_cache, -err)));
        high_blocks = std::min(high_blocks, worker_num_blocks(p.kv, w.layer_counts, signed_add(w.kv_cache, err)));
    }
    const KvCapacity lo = kv_capacity(p.kv, low_blocks, p.config.max_model_len, p.config.in_flight_tokens, p.era.token_rule);
    const KvCapacity hi = kv_capacity(p.kv, high_blocks, p.config.max_model_len, p.config.in_flight_tokens, p.era.token_rule);
    range.tokens_low = lo.tokens;
    range.tokens_high = hi.tokens;
    range.concurrency_low = lo.max_concurrency;
    range.concurrency_high = hi.max_concurrency;
    return range;
}

/// "starts, with 0.30 GiB to spare, within the estimate's error (±0.45 GiB)" when the outcome
/// depends on the uncertain part of the estimate.
std::string margin_note(const Plan& p) {
    const Verdict& v = p.verdict;
    if (!p.range.estimated || (v.failure != Failure::none && v.failure != Failure::kv_too_small && v.failure != Failure::no_kv_memory &&
                               v.failure != Failure::graph_capture_oom)) {
        return {};
    }
    // In 128 bits: a deeply negative KV cache minus a large request leaves int64. The margin is
    // printed only when it lies within the error, which fits.
    __extension__ typedef __int128 Wide;
    Wide margin = std::numeric_limits<SignedBytes>::max();
    Bytes error = 0;
    for (const WorkerPlan& w : p.workers) {
        const Wide kv_margin = Wide{w.kv_cache} - w.request_bytes;
        if (kv_margin < margin) {
            margin = kv_margin;
            error = w.errors.kv_cache;
        }
        if (p.config.cuda_graphs && !w.cuda_graphs_in_budget && w.graph_headroom < margin) {
            // The budget is used whole whatever the in-budget terms are: only the graphs and what
            // sits outside the budget (the context, non-torch before 0.2.5) move the headroom.
            margin = w.graph_headroom;
            error = w.errors.cuda_graphs;
            if (!w.card_in_budget) {
                error = checked_add(error, calib::k_err_cuda_context);
            }
            if (!w.non_torch_in_budget) {
                error = checked_add(error, w.errors.non_torch);
            }
        }
    }
    const SignedBytes err = to_signed(error);
    if (margin >= err || margin <= -err) {
        return {};
    }
    const auto within = static_cast<SignedBytes>(margin);
    const std::string pm = "(+/-" + gib2(err) + " GiB)";
    if (within >= 0) {
        return "starts, with " + gib2(within) + " GiB to spare, within the estimate's error " + pm;
    }
    return "fails by " + gib2(-within) + " GiB, within the estimate's error " + pm + ": it may start";
}

/// Splits one worker's card between what the era charges against T·u (spec §1.6), the KV cache
/// that is left of the budget, what sits outside the budget, and free memory; then the worker's
/// KV blocks, the KV one max-length request needs, and the error bars.
void settle_worker(WorkerPlan& w, const Plan& plan, const Stage& stage) {
    const PlanRequest& r = plan.request;
    const EraRules& era = plan.era;
    const ResolvedConfig& c = plan.config;
    // Model Runner V2 returns 0 for the graph estimate until ≈0.29 (§13.4): its graphs are captured
    // after the KV cache, outside the budget, as ≤ 0.20 did.
    w.cuda_graphs_in_budget = era.cuda_graph_in_budget && c.cuda_graphs && (c.runner.runner == ModelRunner::v1 || era.mrv2_graphs_in_budget);
    w.cuda_context = calib::k_cuda_context;
    w.other_processes = r.other_processes_memory;
    // V0 ≤ 0.2.4 charges only torch's own peak; the global eras everything on the card, the CUDA
    // context and other processes included.
    w.non_torch_in_budget = era.budget_rule != BudgetRule::torch_peak;
    w.card_in_budget = era.budget_rule == BudgetRule::device_peak || era.budget_rule == BudgetRule::global;
    // NCCL init memory (before v0.11) is added to the non-torch term after any calibration.
    w.non_torch = checked_add(w.non_torch, estimate_nccl_init(stage.shape, era));
    Bytes charged = checked_add(w.weights, w.activation);
    if (w.non_torch_in_budget) {
        charged = checked_add(charged, w.non_torch);
    }
    if (w.card_in_budget) {
        charged = checked_add(charged, checked_add(w.cuda_context, w.other_processes));
    }
    if (w.cuda_graphs_in_budget) {
        charged = checked_add(charged, w.cuda_graphs);
    }
    if (w.runner_buffers_in_budget) {
        charged = checked_add(charged, w.runner_buffers);
    }
    charged = charged - std::min(charged, w.sleep_mode_uncharged);   // §24.4.2: N reported X low
    w.charged = charged;
    if (r.kv_cache_memory_bytes) {
        // --kv-cache-memory-bytes: the KV size is pinned and profiling does not size it (spec §7.3).
        w.kv_cache = to_signed(*r.kv_cache_memory_bytes);
        w.budget = checked_add(charged, *r.kv_cache_memory_bytes);
    } else {
        w.budget = w.requested;
        w.kv_cache = signed_diff(w.requested, charged);
    }
    // Outside the budget: what the era does not charge (the context and other processes in the
    // per-instance eras, non-torch before 0.2.5) and the CUDA graphs captured after the KV cache.
    Bytes outside = w.cuda_graphs_in_budget ? 0 : w.cuda_graphs;
    outside = checked_add(outside, w.sleep_mode_uncharged);   // held beyond the budget (§24.4.2)
    if (!w.runner_buffers_in_budget) {
        outside = checked_add(outside, w.runner_buffers);
    }
    if (!w.card_in_budget) {
        outside = checked_add(outside, checked_add(w.cuda_context, w.other_processes));
    }
    if (!w.non_torch_in_budget) {
        outside = checked_add(outside, w.non_torch);
    }
    w.free = signed_diff(w.total, checked_add(w.budget, outside));
    w.free_at_startup = w.total - std::min(w.total, checked_add(w.cuda_context, r.other_processes_memory));
    // Graphs captured after the KV cache (≤ v0.20 and V0) come out of what is left: OOM when
    // that is negative. With the graphs in the budget (v0.21+) there is nothing to capture later.
    // The profile run's activation is freed before (memory_profiling's exit: gc.collect(),
    // empty_cache(), vllm/utils.py:2341-2342 @v0.9.0), so the capture may use it; the sampler
    // warm-up that follows the capture (_dummy_sampler_run at S rows, gpu_worker.py
    // compile_or_warm_up_model) needs the sampler's part back. Issue 17 item 5.
    const Bytes freed = w.cuda_graphs_in_budget ? 0 : w.activation - std::min(w.activation, w.activation_parts.sampler);
    w.graph_headroom = signed_add(w.free, to_signed(freed));
    w.layer_counts = stage.layer_counts;
    w.num_blocks = worker_num_blocks(plan.kv, w.layer_counts, w.kv_cache);
    w.request_bytes = worker_request_bytes(plan.kv, w.layer_counts, c.max_model_len, c.in_flight_tokens);
    // From 0.28 the check, its estimate and auto-fit hold back one pool block (#47272,
    // kv_cache_utils.py:893-905 @C28); allocation still uses all of it.
    w.kv_for_check = w.kv_cache;
    if (era.null_block_reserved && w.kv_cache > 0) {
        w.kv_for_check = signed_add(w.kv_cache, -to_signed(worker_block_bytes(plan.kv, w.layer_counts)));
    }
    w.estimated_max_model_len = estimate_max_model_len(plan.kv, w.layer_counts, w.kv_for_check, c.max_model_len, c.in_flight_tokens);
    w.errors = term_errors(r, era, w, stage.shape);
}

/// --max-model-len auto: vLLM's _auto_fit_max_model_len (v1/core/kv_cache_utils.py:1982-2045 @main,
/// addendum 3 §26.1): the least over the workers of the longest request their KV cache holds
/// (estimate_max_model_len on the KV cache less the null block from 0.28, #47272), at most the
/// derived length. B and the capture sizes keep the derived length's values (fixed before the fit).
/// A fit of 0 is vLLM's "Cannot auto-fit" error, worded by kv_cache_failure.
void auto_fit_max_model_len(Plan& plan) {
    ResolvedConfig& c = plan.config;
    if (!c.max_model_len_auto) {
        return;
    }
    std::uint64_t fit = c.max_model_len;
    for (const WorkerPlan& w : plan.workers) {
        fit = std::min(fit, w.estimated_max_model_len);
    }
    if (fit == 0) {
        return;
    }
    if (fit >= c.max_model_len) {
        plan.notes.push_back("max_model_len auto → " + std::to_string(fit) + " (the model's full context fits one request)");
        return;
    }
    c.max_model_len = fit;
    for (WorkerPlan& w : plan.workers) {
        w.request_bytes = worker_request_bytes(plan.kv, w.layer_counts, fit, c.in_flight_tokens);
        w.estimated_max_model_len = estimate_max_model_len(plan.kv, w.layer_counts, w.kv_for_check, fit, c.in_flight_tokens);
    }
    plan.notes.push_back("max_model_len auto → " + std::to_string(fit) + " (fits one request; reduced from the model's " +
                         std::to_string(c.derived_max_model_len) + ")");
}

/// get_kv_cache_configs: every worker uses the minimum number of blocks; the capacity is the
/// deciding worker's, with its range over the error bars.
void settle_capacity(Plan& plan) {
    for (std::size_t i = 1; i < plan.workers.size(); ++i) {
        if (plan.workers[i].num_blocks < plan.workers[plan.deciding_worker].num_blocks) {
            plan.deciding_worker = i;
        }
    }
    const ResolvedConfig& c = plan.config;
    plan.capacity = kv_capacity(plan.kv, plan.workers[plan.deciding_worker].num_blocks, c.max_model_len, c.in_flight_tokens,
                                plan.era.token_rule);
    plan.range = capacity_range(plan, plan.request.kv_cache_memory_bytes.has_value());
}

/// A verdict that vLLM does not start, for `failure`.
Verdict fails(Failure failure) {
    Verdict v;
    v.starts = false;
    v.failure = failure;
    return v;
}

/// max_model_len above what the model's config.json allows: vLLM refuses the arguments.
std::optional<Verdict> model_len_failure(const Plan& plan) {
    const PlanRequest& r = plan.request;
    const ModelSpec& m = r.model;
    if (!r.max_model_len || *r.max_model_len <= m.max_model_len) {
        return std::nullopt;
    }
    Verdict v = fails(Failure::max_model_len_exceeds_model);
    v.error = "User-specified max_model_len (" + std::to_string(*r.max_model_len) + ") is greater than the derived max_model_len (" +
              m.max_len_source + "=" + std::to_string(m.max_model_len) +
              " in model's config.json). To allow overriding this maximum, set the env var VLLM_ALLOW_LONG_MAX_MODEL_LEN=1.";
    Fix f;
    f.max_model_len = m.max_model_len;
    v.fixes.push_back(f);
    return v;
}

/// Less free memory at startup than the budget requests (v0.9.1+): vLLM stops before profiling.
std::optional<Verdict> free_memory_failure(const Plan& plan) {
    const PlanRequest& r = plan.request;
    const WorkerPlan& first = plan.workers.front();
    if (!plan.era.free_memory_check || first.free_at_startup >= first.requested) {
        return std::nullopt;
    }
    Verdict v = fails(Failure::free_memory);
    v.error = std::string("Free memory on device ") + (plan.era.free_error_names_device ? "cuda:0 " : "") + "(" +
              gib2(to_signed(first.free_at_startup)) + "/" + gib2(to_signed(first.total)) +
              " GiB) on startup is less than desired GPU memory utilization (" + py_float(plan.config.gpu_memory_utilization) + ", " +
              gib2(to_signed(first.requested)) + " GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.";
    if (const std::optional<UtilizationStep> u = max_utilization_within(first.total, to_signed(first.free_at_startup))) {
        v.fixes.push_back(Fix::utilization(u->value()));
    }
    if (r.other_processes_memory > 0) {
        Fix f;
        f.action = Fix::Action::free_other_processes;
        f.bytes = to_signed(r.other_processes_memory);
        v.fixes.push_back(f);
    }
    return v;
}

/// vLLM's message when a V1 worker's KV cache cannot hold one max-length request.
std::string kv_too_small_error(const Plan& plan, const WorkerPlan& w) {
    const std::string unit = plan.era.kv_error_gib ? " GiB" : " GB";
    const bool new_text = plan.era.error_texts_0_22;   // #42479 (0.22), addendum 2 §16.6
    return std::string("To serve at least one request with the ") + (new_text ? "model's" : "models's") + " max seq len (" +
           std::to_string(plan.config.max_model_len) + "), (" + gib2(to_signed(w.request_bytes)) + unit +
           " KV cache is needed, which is larger than the available KV cache memory (" + gib2(w.kv_for_check) + unit + "). " +
           (w.estimated_max_model_len > 0 && plan.era.kv_error_length_hint
                ? "Based on the available memory, the estimated maximum model length is " + std::to_string(w.estimated_max_model_len) + ". "
                : std::string()) +
           (new_text ? "Try increasing `gpu_memory_utilization` (which also controls CPU memory on the CPU backend) or decreasing "
                       "`max_model_len` when initializing the engine. See https://docs.vllm.ai/en/latest/configuration/conserving_memory/ "
                       "for more details."
                     : "Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.");
}

/// The lowest utilization whose budget covers `needed` on `w` (what the worker charges plus the KV
/// it must hold), where that much is also free at startup in the releases that check it.
std::optional<Fix> utilization_fix(const Plan& plan, const WorkerPlan& w, Bytes needed) {
    const std::optional<UtilizationStep> u = min_utilization_covering(w.total, needed);
    if (u && (!plan.era.free_memory_check || fraction_of(w.total, u->value()) <= w.free_at_startup)) {
        return Fix::utilization(u->value());
    }
    return std::nullopt;
}

/// What makes room for one request of `w`: the smallest utilization that fits it, a context of
/// `fit_len` tokens, an fp8 KV cache.
std::vector<Fix> kv_cache_fixes(const Plan& plan, const WorkerPlan& w, std::uint64_t fit_len) {
    const PlanRequest& r = plan.request;
    std::vector<Fix> fixes;
    if (!r.kv_cache_memory_bytes) {
        // From 0.28 the check holds back the null block (#47272): one more pool block must fit.
        const Bytes null_block = plan.era.null_block_reserved ? worker_block_bytes(plan.kv, w.layer_counts) : 0;
        if (std::optional<Fix> f = utilization_fix(plan, w, checked_add(checked_add(w.charged, w.request_bytes), null_block))) {
            fixes.push_back(*f);
        }
    } else {
        Fix f;
        f.kv_cache_memory_bytes = w.request_bytes;
        fixes.push_back(f);
    }
    if (fit_len > 0) {
        Fix f;
        f.max_model_len = fit_len;
        fixes.push_back(f);
    }
    // fp8 halves a dense cache; fp8 and the packed formats are not dense (kv_quant_mode).
    if (kv_quant_mode(plan.config.kv_cache_dtype) == KvQuantMode::none && w.kv_cache > 0 && w.request_bytes / 2 <= static_cast<Bytes>(w.kv_cache) &&
        !r.model.is_mla()) {
        Fix f;
        f.kv_cache_dtype = "fp8";
        f.effect = Fix::Effect::halves_kv_per_token;
        fixes.push_back(f);
    }
    return fixes;
}

/// The first worker whose KV cache holds no block, or not one max-length request.
std::optional<Verdict> kv_cache_failure(const Plan& plan) {
    const bool v0 = plan.era.engine == Engine::v0;
    const std::uint64_t max_model_len = plan.config.max_model_len;
    for (const WorkerPlan& w : plan.workers) {
        const std::uint64_t v0_tokens = checked_mul(plan.capacity.num_blocks, plan.kv.block_size);
        Verdict v = fails(Failure::kv_too_small);
        if (v0 ? plan.capacity.num_blocks == 0 : w.kv_cache <= 0) {
            v.failure = Failure::no_kv_memory;
            v.error = plan.era.error_texts_0_22
                          ? "No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine "
                            "(this flag also controls CPU memory reservation on the CPU backend, despite its name). See "
                            "https://docs.vllm.ai/en/latest/configuration/conserving_memory/ for more details."
                          : "No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.";
        } else if (v0 && max_model_len > v0_tokens) {
            // vllm/worker/worker.py raise_if_cache_size_invalid
            v.estimated_max_model_len = v0_tokens;
            v.error = "The model's max seq len (" + std::to_string(max_model_len) +
                      ") is larger than the maximum number of tokens that can be stored in KV cache (" + std::to_string(v0_tokens) +
                      "). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.";
        } else if (!v0 && (w.kv_for_check <= 0 || w.request_bytes > static_cast<Bytes>(w.kv_for_check))) {
            v.estimated_max_model_len = w.estimated_max_model_len;
            v.error = kv_too_small_error(plan, w);
        } else {
            continue;
        }
        if (plan.config.max_model_len_auto && !v0) {
            // _auto_fit_max_model_len runs before the checks (kv_cache_utils.py:2021-2025 @main).
            v.failure = Failure::no_kv_memory;
            v.error = "Cannot auto-fit max_model_len: not enough GPU memory available to serve even a single token. "
                      "Try increasing `gpu_memory_utilization`.";
        }
        v.fixes = kv_cache_fixes(plan, w, v0 ? v0_tokens : w.estimated_max_model_len);
        return v;
    }
    return std::nullopt;
}

/// The fixes for a graph-capture OOM on `tight`: the largest utilization whose headroom covers
/// the graphs, re-planned (a smaller KV cache may no longer hold one request, and then the
/// context must shrink too); eager mode; counting the graphs in the budget.
std::vector<Fix> graph_capture_fixes(const Plan& plan, const WorkerPlan& tight) {
    const PlanRequest& r = plan.request;
    std::vector<Fix> fixes;
    if (!r.kv_cache_memory_bytes) {
        // Lowering the budget by d raises the headroom by d: the budget may be at most requested + headroom.
        const std::optional<UtilizationStep> u =
            max_utilization_within(tight.total, signed_add(to_signed(tight.requested), tight.graph_headroom));
        if (u) {
            PlanRequest lower = r;
            lower.gpu_memory_utilization = u->value();
            const Plan check = make_plan(lower);
            Fix flag = Fix::utilization(u->value());
            if (check.verdict.starts) {
                fixes.push_back(flag);
            } else if (check.verdict.failure == Failure::kv_too_small && check.verdict.estimated_max_model_len &&
                       *check.verdict.estimated_max_model_len > 0) {
                flag.max_model_len = *check.verdict.estimated_max_model_len;
                fixes.push_back(flag);
            }
        }
    }
    Fix eager;
    eager.enforce_eager = true;
    eager.effect = Fix::Effect::no_cuda_graphs;
    fixes.push_back(eager);
    if (plan.era.engine == Engine::v1 && r.version >= VllmVersion{0, 18, 0}) {
        Fix env;
        env.action = Fix::Action::env_graph_estimate;
        fixes.push_back(env);
    }
    return fixes;
}

/// CUDA-graph capture after the KV cache (≤ v0.20, V0) runs out of the card's remaining headroom.
std::optional<Verdict> graph_capture_failure(const Plan& plan) {
    if (!plan.config.cuda_graphs || plan.workers.front().cuda_graphs_in_budget) {
        return std::nullopt;
    }
    const WorkerPlan& tight = *std::min_element(plan.workers.begin(), plan.workers.end(),
                                               [](const WorkerPlan& a, const WorkerPlan& b) { return a.graph_headroom < b.graph_headroom; });
    if (tight.graph_headroom >= 0) {
        return std::nullopt;
    }
    Verdict v = fails(Failure::graph_capture_oom);
    const SignedBytes left = tight.graph_headroom + to_signed(tight.cuda_graphs);
    v.error = "OOM during CUDA-graph capture likely: capturing " + std::to_string(tight.capture_sizes) + " graph sizes needs about " +
              gib2(to_signed(tight.cuda_graphs)) + " GiB after the KV cache is allocated, but only " + gib2(left) +
              " GiB is left on the card (" + gib2(-tight.graph_headroom) +
              " GiB short). vLLM would fail with torch.OutOfMemoryError: CUDA out of memory after loading the model.";
    v.fixes = graph_capture_fixes(plan, tight);
    return v;
}

/// Sleep mode before 0.27 (addendum 3 §24.4.2): the KV cache is sized X too large and allocated
/// on a card that cannot hold it: "OOM if u·T + X > free memory" (#37111, issue #40256).
std::optional<Verdict> sleep_mode_failure(const Plan& plan) {
    const WorkerPlan& tight = *std::min_element(plan.workers.begin(), plan.workers.end(),
                                               [](const WorkerPlan& a, const WorkerPlan& b) { return a.free < b.free; });
    if (tight.sleep_mode_uncharged == 0 || tight.free >= 0) {
        return std::nullopt;
    }
    Verdict v = fails(Failure::sleep_mode_kv_oom);
    v.error = "OOM at KV-cache allocation likely: with --enable-sleep-mode vLLM " + plan.request.version.str() + " does not count " +
              gib2(to_signed(tight.sleep_mode_uncharged)) + " GiB freed in the weights pool by the repack, so it sizes the KV cache that much " +
              "too large; the card is " + gib2(-tight.free) + " GiB short (torch.OutOfMemoryError: CUDA out of memory).";
    // Lower the budget by the shortfall, or pin the KV cache at its true size (§24.5).
    if (const std::optional<UtilizationStep> u = max_utilization_within(tight.total, signed_add(to_signed(tight.requested), tight.free))) {
        v.fixes.push_back(Fix::utilization(u->value()));
    }
    const SignedBytes pinned = signed_add(tight.kv_cache, tight.free);
    if (pinned > 0) {
        Fix f;
        f.kv_cache_memory_bytes = static_cast<Bytes>(pinned);
        v.fixes.push_back(f);
    }
    return v;
}

/// Hybrid models with FULL decode CUDA graphs need one state block per decode sequence: vLLM
/// refuses to capture when max_num_seqs exceeds the KV blocks (vllm/config/compilation.py:1492-1514
/// @main, #38270, 2026-03-30, ≈v0.19; before, #34571 capped the capture sizes silently). Hybrids
/// default to FULL_AND_PIECEWISE (MambaModelConfig), so the check runs whenever graphs are captured.
std::optional<Verdict> mamba_blocks_failure(const Plan& plan) {
    const ResolvedConfig& c = plan.config;
    if (!c.cuda_graphs || plan.era.engine != Engine::v1 || plan.request.version < VllmVersion{0, 19, 0} ||
        !plan.request.model.has_linear_layers() || c.max_num_seqs <= plan.capacity.num_blocks) {
        return std::nullopt;
    }
    const std::uint64_t blocks = plan.capacity.num_blocks;
    Verdict v = fails(Failure::mamba_blocks_short);
    v.error = "max_num_seqs (" + std::to_string(c.max_num_seqs) + ") exceeds available Mamba cache blocks (" + std::to_string(blocks) +
              "). Each decode sequence requires one Mamba cache block, so CUDA graph capture cannot proceed. Please lower max_num_seqs "
              "to at most " + std::to_string(blocks) + " or increase gpu_memory_utilization.";
    if (blocks > 0) {
        Fix seqs;
        seqs.max_num_seqs = blocks;
        v.fixes.push_back(seqs);
    }
    // The utilization (or pinned KV size) whose KV cache holds max_num_seqs blocks on every worker.
    const WorkerPlan& w = plan.workers[plan.deciding_worker];
    const Bytes needed = checked_mul(c.max_num_seqs, worker_block_bytes(plan.kv, w.layer_counts));
    if (plan.request.kv_cache_memory_bytes) {
        Fix f;
        f.kv_cache_memory_bytes = needed;
        v.fixes.push_back(f);
    } else if (std::optional<Fix> f = utilization_fix(plan, w, checked_add(w.charged, needed))) {
        v.fixes.push_back(*f);
    }
    Fix eager;
    eager.enforce_eager = true;
    eager.effect = Fix::Effect::no_cuda_graphs;
    v.fixes.push_back(eager);
    return v;
}

/// Whether vLLM starts, checked in the order it would fail, with the flag changes that make it
/// start; then the notes and the margin that depend on the outcome.
void judge(Plan& plan) {
    // vLLM stops at these two before it profiles: no graph note, no margin.
    if (std::optional<Verdict> v = model_len_failure(plan)) {
        plan.verdict = std::move(*v);
        return;
    }
    if (std::optional<Verdict> v = free_memory_failure(plan)) {
        plan.verdict = std::move(*v);
        return;
    }
    std::optional<Verdict> failure = kv_cache_failure(plan);
    if (!failure) {
        failure = mamba_blocks_failure(plan);
    }
    if (!failure) {
        failure = graph_capture_failure(plan);
    }
    if (!failure) {
        failure = sleep_mode_failure(plan);
    }
    if (failure) {
        plan.verdict = std::move(*failure);
    }
    const WorkerPlan& first = plan.workers.front();
    if (first.cuda_graphs_in_budget && first.cuda_graphs > 0) {
        plan.notes.push_back("vLLM " + plan.request.version.str() + " subtracts its CUDA-graph estimate (" +
                             gib2(to_signed(first.cuda_graphs)) +
                             " GiB) from the budget; that estimate is known to run high (2x and more in some configs, vLLM #45178 "
                             "#50780 #53013), so the real capture may leave part of it unused");
    }
    plan.verdict.margin_note = margin_note(plan);
}

// ---- Validation -----------------------------------------------------------------------------

/// The checks of `validate` on the parallel sizes and the model's shape.
std::string validate_parallelism(const PlanRequest& r) {
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
    if (m.attention.num_heads == 0 || (!m.is_mla() && (m.attention.num_kv_heads == 0 || m.attention.head_dim == 0))) {
        return "model: expected attention heads, KV heads and head_dim greater than 0";
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
    return {};
}

/// --block-size: any positive integer since #35122 (2026-03-09, ≈v0.18: `block_size: int =
/// Field(default=None, gt=0)`, vllm/config/cache.py:49 @af91f4b3e4), so the sizes vLLM raises
/// hybrids to (528, 784 …) replay; before, `BlockSize = Literal[1, 8, 16, 32, 64, 128, 256]` (512 in
/// older releases).
std::string validate_block_size(const PlanRequest& r) {
    if (!r.block_size) {
        return {};
    }
    if (r.version >= VllmVersion{0, 18, 0}) {
        return *r.block_size == 0 || *r.block_size > k_max_block_size ? "--block-size: expected an integer from 1 to " + std::to_string(k_max_block_size) : "";
    }
    static constexpr std::array<std::uint64_t, 8> allowed{1, 8, 16, 32, 64, 128, 256, 512};
    if (std::find(allowed.begin(), allowed.end(), *r.block_size) == allowed.end()) {
        return "--block-size: vLLM " + r.version.str() + " accepts 1, 8, 16, 32, 64, 128, 256 or 512 (any size from 0.18)";
    }
    return {};
}

/// The hybrid-model flags: state dtypes and cache mode (vllm/config/cache.py:37-38 @af91f4b3e4).
std::string validate_hybrid_flags(const PlanRequest& r) {
    static const std::array<std::string, 4> dtypes{"auto", "float32", "float16", "bfloat16"};
    if (std::find(dtypes.begin(), dtypes.end(), r.mamba_cache_dtype) == dtypes.end()) {
        return "--mamba-cache-dtype: expected auto, float32, float16 or bfloat16";
    }
    if (std::find(dtypes.begin(), dtypes.end(), r.mamba_ssm_cache_dtype) == dtypes.end()) {
        return "--mamba-ssm-cache-dtype: expected auto, float32, float16 or bfloat16";
    }
    if (!r.mamba_cache_mode.empty() && r.mamba_cache_mode != "none" && r.mamba_cache_mode != "align" && r.mamba_cache_mode != "all") {
        return "--mamba-cache-mode: expected none, align or all";
    }
    return {};
}

/// The LoRA flags (vllm/config/lora.py:26-37 @main; fully sharded A needs r divisible by TP,
/// `divide` in lora/layers/base_linear.py @main).
std::string validate_lora_flags(const PlanRequest& r) {
    if (r.max_loras && (*r.max_loras == 0 || *r.max_loras > 4096)) {
        return "--max-loras: expected an integer from 1 to 4096";
    }
    const std::uint64_t rank = r.max_lora_rank.value_or(k_default_max_lora_rank);
    if (!valid_lora_rank(rank, r.version)) {
        return "--max-lora-rank " + std::to_string(rank) + ": expected 8, 16, 32, 64, 128, 256, 320 or 512 (1 from vLLM 0.11.1)";
    }
    if (r.lora_dtype != "auto" && r.lora_dtype != "float16" && r.lora_dtype != "bfloat16") {
        return "--lora-dtype: expected auto, float16 or bfloat16";
    }
    if (r.enable_lora && r.fully_sharded_loras && rank % r.tensor_parallel_size != 0) {
        return "--fully-sharded-loras: --max-lora-rank must be divisible by --tensor-parallel-size";
    }
    return {};
}

/// The memory savers' flags (vllm/config/offload.py:98-113 @main; addendum 3 §24).
std::string validate_offload_flags(const PlanRequest& r) {
    // Checked when the prefetch backend is asked for (vllm/config/offload.py:100-113 @main).
    if (r.offload_backend == OffloadBackend::prefetch || r.offload_group_size > 0) {
        if (r.offload_num_in_group > r.offload_group_size) {
            return "--offload-num-in-group (" + std::to_string(r.offload_num_in_group) + ") must be <= --offload-group-size (" +
                   std::to_string(r.offload_group_size) + ")";
        }
        if (r.offload_prefetch_step == 0) {
            return "--offload-prefetch-step (0) must be >= 1 when prefetch offloading is enabled";
        }
    }
    if (r.kv_offloading_backend != "native" && r.kv_offloading_backend != "lmcache") {
        return "--kv-offloading-backend: expected native or lmcache";
    }
    return {};
}

/// Data / expert parallel flags as ParallelConfig checks them (vllm/config/parallel.py:493-532 @main).
std::string validate_data_expert_parallel(const PlanRequest& r) {
    if (r.data_parallel_size == 0 || r.data_parallel_size > 1024) {
        return "--data-parallel-size: expected an integer from 1 to 1024";
    }
    if (r.gpus_per_node == 0 || r.gpus_per_node > 1024) {
        return "--gpus-per-node: expected an integer from 1 to 1024";
    }
    const std::uint32_t dcp = r.decode_context_parallel_size;
    if (dcp == 0 || r.tensor_parallel_size % dcp != 0) {
        return "--decode-context-parallel-size " + std::to_string(dcp) + ": --tensor-parallel-size " +
               std::to_string(r.tensor_parallel_size) + " must be divisible by it";
    }
    if (r.enable_eplb && !r.enable_expert_parallel) {
        return "--enable-eplb: enable_expert_parallel must be True to use EPLB (vLLM's message)";
    }
    if (r.enable_eplb && static_cast<std::uint64_t>(r.tensor_parallel_size) * r.data_parallel_size <= 1) {
        return "--enable-eplb: EPLB requires tensor or data parallelism (TP x DP > 1)";
    }
    if (!r.enable_eplb && r.num_redundant_experts != 0) {
        return "num_redundant_experts is set to " + std::to_string(r.num_redundant_experts) +
               " but EPLB is not enabled: add --enable-eplb or drop it";
    }
    return {};
}

/// The checks of `validate` on the card, the flags' ranges and names, the release and the engine.
std::string validate_flags(const PlanRequest& r) {
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
    if (const std::string why = validate_block_size(r); !why.empty()) {
        return why;
    }
    static const std::array<std::string, 7> dtypes{"auto", "bfloat16", "float16", "half", "float32", "float", "fp32"};
    if (std::find(dtypes.begin(), dtypes.end(), r.dtype) == dtypes.end() && r.dtype != "bf16" && r.dtype != "fp16") {
        return "--dtype: expected auto, bfloat16, float16, half or float32";
    }
    if (const KvQuantMode q = kv_quant_mode(r.kv_cache_dtype); r.model.is_mla() && q != KvQuantMode::none && q != KvQuantMode::fp8_per_tensor) {
        // Per-token-head modes are TRITON_ATTN's, nvfp4 FlashInfer's (customize_spec): no MLA backend packs them.
        return "--kv-cache-dtype " + r.kv_cache_dtype + ": MLA models take auto, bfloat16, float16 or an fp8 variant";
    }
    if (r.kv_cache_dtype == "fp8_ds_mla" && !r.model.is_mla()) {
        return "--kv-cache-dtype fp8_ds_mla: only MLA models (DeepSeek-V3.2) use it";
    }
    if (r.version < k_oldest_modelled) {
        return "--vllm-version " + r.version.str() + ": expected a vLLM release, " + k_oldest_modelled.str() + " or later";
    }
    if (std::string why = kv_cache_dtype_problem(r.kv_cache_dtype, r.version); !why.empty()) {
        return why;
    }
    if (r.engine) {
        const std::string why = engine_unavailable(r.version, *r.engine);
        if (!why.empty()) {
            return "--engine " + std::string(*r.engine == Engine::v0 ? "v0" : "v1") + ": " + why;
        }
        if (*r.engine == Engine::v1 && v1_falls_back_to_v0(r.version, r.gpu.compute_major)) {
            // With VLLM_USE_V1=1 the oracle raises instead of falling back (_raise_or_fallback, arg_utils.py @v0.9.0).
            return "--engine v1: vLLM " + r.version.str() + " raises \"VLLM_USE_V1=1 is not supported with Compute Capability < 8.0\" on a " +
                   std::to_string(r.gpu.compute_major) + ".x card; it runs V0 there (drop --engine, or use vLLM 0.10.2+)";
        }
    }
    if (r.kv_cache_memory_bytes) {
        if (!rules_for(r.version, r.engine.value_or(default_engine(r.version, r.gpu.compute_major))).kv_cache_memory_bytes_flag) {
            return "--kv-cache-memory-bytes: vLLM " + r.version.str() + " has no such flag (added in 0.10.2, #21489, V1 only)";
        }
    }
    if (r.other_processes_memory >= r.gpu.total) {
        return "--other-processes-memory: expected less than the GPU's total memory";
    }
    return {};
}

} // namespace

std::string validate(const PlanRequest& r) {
    std::string why = validate_parallelism(r);
    if (why.empty()) {
        why = validate_hybrid_flags(r);
    }
    if (why.empty()) {
        why = validate_lora_flags(r);
    }
    if (why.empty()) {
        why = validate_offload_flags(r);
    }
    if (why.empty()) {
        why = validate_speculative(r.speculative, r.tensor_parallel_size);
    }
    if (why.empty()) {
        why = validate_data_expert_parallel(r);
    }
    if (why.empty()) {
        why = validate_graph_flags(r.graphs, r.version);
    }
    if (why.empty() && r.max_model_len_auto && r.version < VllmVersion{0, 14, 0}) {
        // -1 / auto is accepted from #29431 (≈0.14, addendum 3 §26.1).
        why = "--max-model-len: auto (-1) is accepted from vLLM 0.14 (#29431), not " + r.version.str() + "; give the length";
    }
    return why.empty() ? validate_flags(r) : why;
}

Plan make_plan(const PlanRequest& r) {
    Plan plan;
    plan.request = r;
    // MXFP4 MoE kernel by device: OAI Triton / TRT-LLM on SM 9.0-10.x, Marlin elsewhere
    // (_triton_kernel_moe_supports_current_device, gpt_oss_triton_kernels_moe.py:36-48 @main).
    plan.request.model.quant.mxfp4_marlin = r.gpu.compute_major < 9 || r.gpu.compute_major >= 11;
    // 1. Resolve: the era's rules and vLLM's defaults for every flag left unset.
    plan.era = resolve_era(r, plan.notes);
    plan.config = resolve_config(r, plan.era, plan.notes);
    plan.sleep_accounting = r.enable_sleep_mode ? sleep_accounting(r.version) : SleepAccounting::exact;
    resolve_speculative(r, plan.era, plan.config, plan.notes);
    // 2. Geometry: the KV cache's spec, and the layers of each pipeline stage (one worker each).
    Geometry geometry = lay_out(r, plan.era, plan.config, plan.notes);
    plan.kv = std::move(geometry.kv);
    // The budget vLLM requests: ceil(total × u), through fraction_of like every utilization.
    const Bytes requested = fraction_of(r.gpu.total, plan.config.gpu_memory_utilization);
    const double scale = checkpoint_scale(plan.request, plan.config.dtype_bytes);
    for (const Stage& stage : geometry.stages) {
        // 3. Budget: what the worker charges besides the KV cache, estimated.
        WorkerPlan w = estimate_terms(plan, stage, requested, scale);
        // 4. Calibration: the estimates replaced or corrected by a measured startup log.
        if (r.calibration) {
            calibrate(w, *r.calibration, plan.config.cuda_graphs);
        }
        // 5. Verdict, per worker: the KV cache left of the budget, free memory, blocks, error bars.
        settle_worker(w, plan, stage);
        plan.workers.push_back(std::move(w));
    }
    // 5. Verdict: --max-model-len auto's fit, the deciding worker's capacity, whether vLLM starts,
    // and the fixes when not.
    if (!plan.workers.empty()) {
        const std::vector<std::string>& mm = plan.workers.front().multimodal.notes;
        plan.notes.insert(plan.notes.end(), mm.begin(), mm.end());
    }
    auto_fit_max_model_len(plan);
    settle_host_memory(plan);
    sleep_mode_note(plan);
    settle_capacity(plan);
    judge(plan);
    return plan;
}

Bytes logged_non_torch(const WorkerPlan& w) {
    return w.runner_buffers_in_budget ? checked_add(w.non_torch, w.runner_buffers) : w.non_torch;
}

std::string accounting_error(const Plan& plan) {
    if (plan.workers.empty()) {
        return "no workers";
    }
    // In 128 bits: the identities must hold exactly, and no term may have wrapped.
    __extension__ typedef __int128 Wide;
    for (const WorkerPlan& w : plan.workers) {
        const std::string at = "pp_rank " + std::to_string(w.pp_rank) + ": ";
        const Wide card = Wide{w.cuda_context} + w.other_processes;
        const Wide buffers = w.runner_buffers;
        const Wide in_budget = Wide{w.weights} + w.activation + (w.non_torch_in_budget ? Wide{w.non_torch} : 0) +
                               (w.card_in_budget ? card : 0) + (w.cuda_graphs_in_budget ? Wide{w.cuda_graphs} : 0) +
                               (w.runner_buffers_in_budget ? buffers : 0) - Wide{w.sleep_mode_uncharged};
        if (in_budget + w.kv_cache != Wide{w.budget}) {
            return at + "charged terms + KV cache != budget";
        }
        const Wide outside = (w.card_in_budget ? 0 : card) + (w.non_torch_in_budget ? 0 : Wide{w.non_torch}) +
                             (w.cuda_graphs_in_budget ? 0 : Wide{w.cuda_graphs}) + (w.runner_buffers_in_budget ? 0 : buffers) +
                             Wide{w.sleep_mode_uncharged};
        if (Wide{w.budget} + outside + w.free != Wide{w.total}) {
            return at + "budget + outside-budget terms + free != total";
        }
        if (w.total != plan.request.gpu.total) {
            return at + "worker total != the GPU's total";
        }
        if (!plan.request.calibration && (w.weights != w.weight_parts.total() || w.activation != w.activation_parts.total)) {
            return at + "weight or activation parts do not sum to their totals";
        }
        if (Wide{w.charged} != Wide{w.budget} - w.kv_cache) {
            return at + "charged != budget - KV cache";
        }
    }
    return "";
}

} // namespace vramplan

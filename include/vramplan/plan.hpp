#pragma once
/// The planner: from a model, a GPU and vLLM's flags to vLLM's startup memory budget, KV cache,
/// capacity and verdict, per worker, as vLLM V1 computes them (reference spec §1).

#include <vramplan/bytes.hpp>
#include <vramplan/fix.hpp>
#include <vramplan/graphs.hpp>
#include <vramplan/estimates.hpp>
#include <vramplan/kv.hpp>
#include <vramplan/lora.hpp>
#include <vramplan/parallel.hpp>
#include <vramplan/model.hpp>
#include <vramplan/offload.hpp>
#include <vramplan/multimodal.hpp>
#include <vramplan/runner.hpp>
#include <vramplan/speculative.hpp>
#include <vramplan/version.hpp>
#include <vramplan/weights.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vramplan {

/// A GPU as the planner needs it.
struct GpuSpec {
    std::string id;
    std::string name;
    std::string device_name;      ///< torch.cuda.get_device_name(); decides vLLM's batch defaults
    Bytes total = 0;              ///< CUDA-visible total (cudaMemGetInfo), not the marketing size
    std::string total_basis;      ///< "measured", "logged", "estimated", "--gpu-memory"
    int compute_major = 8;
    int compute_minor = 0;
    std::string host_link;        ///< "PCIe Gen4 x16", "NVLink-C2C" ("" unknown)
    double host_link_gbs = 0.0;   ///< host link bandwidth per direction, GB/s (10^9); 0 unknown
    bool unified_memory = false;  ///< integrated GPU sharing the host's RAM (GB10): see unified_memory.hpp
    /// NVML reports no memory total (nvidia-smi "Not Supported", GB10): vLLM's batch defaults read
    /// the total through NVML, fail, and take device_memory = 0 (get_batch_defaults).
    bool nvml_total_unavailable = false;
};

/// Which vLLM entry point starts the engine: defaults differ (spec §6.3).
enum class Entrypoint { serve, llm };

/// What a real startup log of the same model measured (`vramplan calibrate`). For the same
/// configuration the measured terms replace the estimates; for a nearby one (another utilization,
/// context, TP size) the estimates are corrected by measured − estimated at the logged
/// configuration (weights and graphs by their ratio).
struct Calibration {
    bool exact = false;                           ///< same configuration: the measured terms are used as they are
    std::optional<Bytes> weights, activation, non_torch, cuda_graphs;   ///< measured (exact matches)
    std::optional<double> weights_scale;          ///< logged weights / estimated weights
    std::optional<SignedBytes> activation_delta;  ///< unset: not applicable (other GPU class or engine)
    std::optional<SignedBytes> non_torch_delta;   ///< unset: not applicable (other TP class or version)
    std::optional<double> graphs_scale;
    std::string source;                           ///< "calib.json: run1.log (vLLM 0.19.0, h100-sxm, TP 1)"
};

/// vLLM's flags and the context they run in. Unset optionals take vLLM's defaults.
struct PlanRequest {
    ModelSpec model;
    GpuSpec gpu;
    VllmVersion version = k_newest_modelled;
    std::optional<Engine> engine;          ///< unset: the release's default engine
    Entrypoint entrypoint = Entrypoint::serve;
    std::optional<double> gpu_memory_utilization;
    std::optional<std::uint64_t> max_model_len;
    /// --max-model-len auto / -1 (#29431, ≈0.14): vLLM fits the length to the KV cache after
    /// profiling (`_auto_fit_max_model_len`, addendum 3 §26.1); max_model_len stays unset.
    bool max_model_len_auto = false;
    std::uint32_t tensor_parallel_size = 1;
    std::uint32_t pipeline_parallel_size = 1;
    std::string dtype = "auto";
    std::string kv_cache_dtype = "auto";
    std::optional<std::uint64_t> max_num_seqs;
    std::optional<std::uint64_t> max_num_batched_tokens;
    std::optional<std::uint64_t> block_size;
    bool enforce_eager = false;
    GraphFlags graphs;                     ///< -O, --compilation-config, --cuda-graph-sizes (addendum 3 §25)
    std::optional<Bytes> kv_cache_memory_bytes;
    // Hybrid (Mamba / linear-attention) models; vllm/config/cache.py.
    std::optional<bool> enable_prefix_caching; ///< unset: vLLM's default (on for hybrids from 0.28, #50991)
    std::string mamba_cache_mode;              ///< "none", "align", "all"; empty: vLLM's choice
    std::string mamba_cache_dtype = "auto";    ///< conv (and temporal) state dtype
    std::string mamba_ssm_cache_dtype = "auto"; ///< temporal state dtype
    // LoRA (addendum 3 §20; vllm/config/lora.py).
    bool enable_lora = false;                  ///< --enable-lora: adapter slots on the GPU
    std::optional<std::uint64_t> max_loras;    ///< unset: 1
    std::optional<std::uint64_t> max_lora_rank; ///< unset: 16
    std::string lora_dtype = "auto";           ///< auto: the model dtype; float16, bfloat16
    bool fully_sharded_loras = false;          ///< A (column) and B (row) stacks split over TP
    // Memory savers (addendum 3 §24; offload.hpp).
    Bytes cpu_offload_bytes = 0;               ///< --cpu-offload-gb × 2^30 per GPU (UVA)
    std::uint64_t offload_group_size = 0;      ///< prefetch offload (0.17+): 0 = off
    std::uint64_t offload_num_in_group = 1;
    std::uint64_t offload_prefetch_step = 1;
    OffloadBackend offload_backend = OffloadBackend::automatic; ///< --offload-backend (0.17+)
    std::optional<Bytes> kv_offloading_bytes;  ///< --kv-offloading-size × 2^30, total over the TP ranks
    std::string kv_offloading_backend = "native"; ///< native or lmcache
    std::optional<Bytes> swap_space_bytes;     ///< --swap-space × 2^30 per GPU (host only)
    bool enable_sleep_mode = false;            ///< cuMem pools for weights and KV (§24.4)
    SpeculativeConfig speculative;             ///< --speculative-config (addendum 3 §21)
    MmSettings mm;                             ///< multimodal flags (addendum 3 §23)
    // Data / expert parallel, multi-node (addendum 3 §22; vllm/config/parallel.py).
    std::uint32_t data_parallel_size = 1;      ///< DP engines, each planned per GPU like one engine
    bool enable_expert_parallel = false;       ///< routed experts whole per GPU over TP×DP ranks
    bool enable_eplb = false;                  ///< EPLB: redundant experts, expert buffer, load window
    std::uint64_t num_redundant_experts = 0;   ///< R (--eplb-config num_redundant_experts)
    std::string all2all_backend;               ///< empty: allgather_reducescatter
    std::uint32_t decode_context_parallel_size = 1; ///< d: each request's KV over d TP ranks
    std::uint64_t gpus_per_node = k_default_gpus_per_node; ///< vramplan's --gpus-per-node
    Bytes other_processes_memory = 0;     ///< memory other processes hold on each card at startup
    std::optional<Bytes> checkpoint_bytes; ///< exact checkpoint size from safetensors headers
    std::string checkpoint_source;         ///< which files gave checkpoint_bytes
    std::optional<Calibration> calibration;
};

/// The largest --block-size vramplan accepts: vLLM takes any positive integer from ≈v0.18
/// (#35122); hybrid alignment raises blocks to hundreds or thousands of tokens.
inline constexpr std::uint64_t k_max_block_size = std::uint64_t{1} << 20;

/// Checks what the core relies on (divisibility, ranges, known dtype names). Returns an empty
/// string when the request is valid, else one line naming the offending flag.
std::string validate(const PlanRequest& request);

/// Values after vLLM's defaults were applied.
struct ResolvedConfig {
    double gpu_memory_utilization = 0.9;
    bool utilization_is_default = false;
    std::uint64_t max_model_len = 0;
    bool max_model_len_is_default = false;
    std::uint64_t max_num_seqs = 0;
    bool max_num_seqs_is_default = false;
    std::uint64_t max_num_batched_tokens = 0;
    bool max_num_batched_tokens_is_default = false;
    bool large_gpu_defaults = false;   ///< ≥ 70 GiB and not an A100
    std::string dtype;                 ///< resolved model dtype name ("bfloat16")
    std::uint32_t dtype_bytes = 2;
    std::string kv_cache_dtype;        ///< resolved KV dtype name
    bool cuda_graphs = true;           ///< false with --enforce-eager, mode NONE (-O0), or a release without graphs
    GraphSetting graphs;               ///< the graph modes and sizes vLLM captures (addendum 3 §25)
    /// --max-model-len auto: max_model_len is the fitted length, `derived_max_model_len` the model's.
    bool max_model_len_auto = false;
    std::uint64_t derived_max_model_len = 0;
    bool chunked_prefill = true;       ///< V1 always; V0 above 32K tokens (≥ 0.5.3)
    RunnerChoice runner;               ///< V1 model runner or Model Runner V2 (addendum 2 §14.1)
    /// Tokens a sliding-window layer reserves beyond its window per request: B before 0.26,
    /// max_concurrent_batches × B after (#47728; 2 with async scheduling at PP 1, PP + 1 on MRv2).
    std::uint64_t in_flight_tokens = 0;
    // Hybrid (Mamba / linear-attention) models only; empty otherwise.
    bool prefix_caching = false;       ///< prefix caching on for the hybrid (decides mamba_cache_mode)
    MambaCacheMode mamba_cache_mode = MambaCacheMode::none; ///< after MambaModelConfig.verify_and_update_config
    std::string mamba_conv_dtype;      ///< conv state dtype ("bfloat16")
    std::string mamba_ssm_dtype;       ///< temporal (SSM) state dtype ("float32")
    std::string mamba_dtype_source;    ///< why the temporal dtype is what it is
    // LoRA; all zero without --enable-lora.
    std::uint64_t max_loras = 0;       ///< m: GPU slots
    std::uint64_t max_lora_rank = 0;   ///< r
    std::uint32_t lora_dtype_bytes = 0;
    bool lora_embeddings = false;      ///< the architecture's embed_tokens / logits get LoRA stacks
    std::uint64_t lora_graph_cases = 1; ///< CUDA graphs captured per size (2 with LoRA from 0.11.1)
    SpeculativeCosts speculative;      ///< the drafter's weights and KV layers (zero without speculation)
    std::uint64_t speculative_tokens = 0; ///< k; 0 without speculation
    // Parallelism beyond TP/PP (addendum 3 §22).
    Topology topology;                 ///< GPUs and nodes of TP × PP × DP
    ExpertSharding experts;            ///< routed experts on one GPU (MoE only)
    All2allBackend all2all = All2allBackend::allgather_reducescatter;
};

/// Half-widths of the uncertainty of each estimated term of one worker (docs/calibration.md).
struct TermErrors {
    Bytes weights = 0;
    Bytes activation = 0;
    Bytes non_torch = 0;
    Bytes cuda_graphs = 0;
    Bytes kv_cache = 0;   ///< of the KV cache: the sum of the in-budget terms' errors
};

/// One worker (all TP ranks of a pipeline stage are identical).
struct WorkerPlan {
    std::uint32_t pp_rank = 0;
    std::uint64_t first_layer = 0;
    std::uint64_t end_layer = 0;
    Bytes total = 0;
    Bytes budget = 0;                  ///< ceil(total × utilization), or the pinned KV + non-KV
    Bytes requested = 0;               ///< ceil(total × utilization): what must be free at startup
    WeightBreakdown weight_parts;
    Bytes weights = 0;
    ActivationEstimate activation_parts;
    Bytes activation = 0;
    Bytes non_torch = 0;
    bool non_torch_in_budget = true;   ///< false before v0.2.5 (only torch allocations counted)
    /// Model Runner V2's persistent sampler state (penalty table, addendum 2 §13.3): charged to the
    /// budget from 0.27 (the free-memory-drop formula), held outside it before.
    Bytes runner_buffers = 0;
    bool runner_buffers_in_budget = false;
    Bytes cuda_graphs = 0;             ///< estimate; 0 with --enforce-eager
    LoraStacks lora;                   ///< LoRA slots (their total is weight_parts.lora)
    CpuOffload offload;                ///< --cpu-offload-gb / prefetch offload (weight_parts.cpu_offloaded)
    /// Sleep mode before 0.27 (addendum 3 §24.4.2): X, bytes freed in the weights pool that the
    /// budget does not charge; the KV cache comes out X larger and X sits outside the budget.
    Bytes sleep_mode_uncharged = 0;
    std::uint64_t draft_kv_layers = 0; ///< speculative draft KV layers this worker holds (last stage)
    MmProfile multimodal;              ///< the encoder's part of the profile run (addendum 3 §23)
    Bytes all2all_buffers = 0;         ///< DeepEP buffers, part of non_torch (addendum 3 §22.4)
    std::uint64_t capture_sizes = 0;
    bool cuda_graphs_in_budget = false;
    Bytes cuda_context = 0;
    bool card_in_budget = false;       ///< global eras: context and other processes count against T·u
    Bytes other_processes = 0;         ///< what other processes hold (in the budget in global eras, outside otherwise)
    Bytes charged = 0;                 ///< everything the era counts against the budget but the KV cache
    SignedBytes kv_cache = 0;          ///< "Available KV cache memory"; negative when it does not fit
    SignedBytes free = 0;              ///< left for other processes after vLLM's outside-budget use
    Bytes free_at_startup = 0;         ///< total − context − other processes
    std::vector<std::uint64_t> layer_counts; ///< KV layers of each type on this stage
    std::uint64_t num_blocks = 0;
    Bytes request_bytes = 0;           ///< KV one max-length request needs on this worker
    /// What the max-length check compares with request_bytes: the KV cache, less one pool block
    /// for the null block from 0.28 (#47272, addendum 2 §16.6).
    SignedBytes kv_for_check = 0;
    std::uint64_t estimated_max_model_len = 0;
    TermErrors errors;
    /// What the card has left after CUDA-graph capture and the sampler warm-up (≤ v0.20 and V0: after
    /// the KV cache): `free` plus the profile's activation beyond the sampler's, freed before the
    /// capture. Negative: an OOM during capture (or the warm-up) is likely.
    SignedBytes graph_headroom = 0;
};

enum class Failure {
    none,
    max_model_len_exceeds_model, ///< max_model_len above the model's derived maximum
    free_memory,                 ///< free memory at startup below the requested budget
    no_kv_memory,                ///< available KV memory ≤ 0
    kv_too_small,                ///< one max-length request does not fit
    graph_capture_oom,           ///< the KV cache fits, but CUDA-graph capture runs out of memory
    mamba_blocks_short,          ///< hybrid: max_num_seqs above the KV blocks (one state block per decode sequence)
    sleep_mode_kv_oom,           ///< sleep mode before 0.27: the over-sized KV cache does not fit the card (addendum 3 §24.4.2)
};

/// A range of the capacity figures, from the KV cache's error bar.
struct CapacityRange {
    bool estimated = false;              ///< any in-budget term is an estimate
    SignedBytes kv_low = 0, kv_high = 0; ///< deciding worker's KV cache bytes
    std::uint64_t tokens_low = 0, tokens_high = 0;
    double concurrency_low = 0.0, concurrency_high = 0.0;
};

struct Verdict {
    bool starts = true;
    Failure failure = Failure::none;
    std::string error;                              ///< the text vLLM would print
    std::optional<std::uint64_t> estimated_max_model_len;
    std::vector<Fix> fixes;                         ///< changes that make it start, best first
    /// Set when the outcome would flip within the estimate's error ("starts, with 0.30 GiB to
    /// spare, within the estimate's error").
    std::string margin_note;
};

struct Plan {
    PlanRequest request;
    EraRules era;
    ResolvedConfig config;
    KvGeometry kv;
    std::vector<WorkerPlan> workers;
    std::size_t deciding_worker = 0;   ///< the worker with the fewest blocks
    KvCapacity capacity;
    CapacityRange range;
    Verdict verdict;
    std::vector<std::string> notes;
    HostMemory host;                   ///< host RAM the memory savers need (addendum 3 §24)
    SleepAccounting sleep_accounting = SleepAccounting::exact; ///< with --enable-sleep-mode
};

/// Plans `request`. The request must be valid (see `validate`); throws OverflowError only for
/// inputs so large that byte counts leave 64 bits. In five phases (src/core/plan.cpp): resolve
/// (the era, vLLM's defaults) → geometry (the KV spec, each stage's layers) → budget (each
/// worker's weights, activation, non-torch, graphs) → calibration (a measured log's corrections)
/// → verdict (KV cache and capacity, whether vLLM starts, the fixes).
Plan make_plan(const PlanRequest& request);

/// The accounting identities every worker of every plan satisfies, whatever the era:
///   weights + activation + (non-torch, context and other processes where the era charges them)
///     + (graphs if in the budget) + kv_cache                                      == budget
///   budget + (what the era leaves outside the budget) + free                        == total
/// with the parts summing to the weights and activation (except under a calibration, which
/// corrects totals, not parts). Returns "" when they hold, else the first that fails, named.
/// Tests and fuzzers assert it; a plan that broke it would print numbers that do not add up.
std::string accounting_error(const Plan& plan);

/// Non-torch memory as vLLM's log reports it: from 0.27 "consumed memory (weights + non-torch)"
/// minus the weights, which holds Model Runner V2's persistent buffers too (addendum 2 §13.3).
Bytes logged_non_torch(const WorkerPlan& w);

/// Formats x with `decimals` digits after the point, independent of the locale.
std::string fixed(double x, int decimals);
/// Bytes as GiB with two decimals ("11.09").
std::string gib2(SignedBytes b);

} // namespace vramplan

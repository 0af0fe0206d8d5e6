#pragma once
/// Parallelism beyond TP/PP (addendum 3 §22): data parallel, expert parallel, EPLB's redundant
/// experts, the all-to-all buffers of MoE layers, decode context parallel, and how many nodes
/// a deployment spans. Per GPU, as the rest of the plan.

#include <vramplan/bytes.hpp>
#include <vramplan/kv.hpp>

#include <cstdint>
#include <string>

namespace vramplan {

/// vLLM's MoE all-to-all backends (`--all2all-backend`, addendum 3 §22.4).
enum class All2allBackend : std::uint8_t {
    allgather_reducescatter, ///< default ("naive" folded into it, #36294): no persistent buffers
    deepep_high_throughput,  ///< DeepEP normal kernels: NVL buffer, + RDMA buffer across nodes
    deepep_low_latency,      ///< DeepEP low-latency kernels: NVL buffer + RDMA sized by E, h and B
    other,                   ///< pplx, mori, nixl_ep, flashinfer: not sized (addendum 3 §22.4 [unverified])
};

/// Parses a backend name ("naive" is allgather_reducescatter); nullopt-like `other` for names
/// vramplan does not size. Empty: the default.
All2allBackend all2all_backend_named(const std::string& name);

/// How one MoE layer's routed experts sit on one GPU (`FusedMoEParallelConfig.make`,
/// vllm/model_executor/layers/fused_moe/config.py:1208-1260 @main).
struct ExpertSharding {
    std::uint64_t moe_tp = 1;        ///< ranks each expert's intermediate width is split over (TP·DP without EP; 1 with EP)
    std::uint64_t local_experts = 0; ///< whole experts per GPU (0: every expert, the model's E)
    std::uint64_t ep_size = 1;       ///< expert-parallel ranks (TP·DP with EP, else 1)
};

/// The routed-expert layout of one GPU for E experts, R redundant ones (EPLB), TP and DP sizes:
/// without EP every expert is split over TP·DP ranks; with EP (and TP·DP > 1) each GPU holds
/// ceil((E+R)/(TP·DP)) whole experts, the most any rank holds (`determine_expert_map`,
/// fused_moe/expert_map_manager.py:67-69 @main).
ExpertSharding expert_sharding(std::uint64_t num_experts, std::uint64_t redundant, std::uint32_t tp, std::uint32_t dp,
                               bool expert_parallel);

/// EPLB's load window, allocated at load (in the weights): window_size(1000) × MoE layers ×
/// physical experts int32 (`EplbState.add_model`, distributed/eplb/eplb_state.py:440-448 @main;
/// window default config/parallel.py:62 @main).
Bytes eplb_load_window_bytes(std::uint64_t moe_layers, std::uint64_t physical_experts);

/// EPLB's default window (config/parallel.py:62 @main).
inline constexpr std::uint64_t k_eplb_window_size = 1000;

/// DeepEP's NVLink buffer, `VLLM_DEEPEP_BUFFER_SIZE_MB` = 1024 MiB by default (envs.py:273 @main).
inline constexpr Bytes k_deepep_nvl_buffer = Bytes{1024} << 20;

/// DeepEP low-latency RDMA buffer (`get_low_latency_rdma_size_hint`, DeepEP LowLatencyLayout, as
/// addendum 3 §22.4 writes it): disp = 16 + max(2h, h + 4h/128), comb = 4h/128 + 2h,
/// rdma = 2·(max(N·disp, E·N·comb) + max(E·N·disp, E·N·comb) + align128(4E)).
/// `tokens` N is max_num_batched_tokens (moe.max_num_tokens since #39107).
Bytes deepep_low_latency_rdma_bytes(std::uint64_t hidden, std::uint64_t experts, std::uint64_t tokens);

/// The all-to-all buffers one GPU holds outside PyTorch (non-torch memory, addendum 3 §22.4):
/// none for the default backend or without EP, 1 GiB NVL (+1 GiB RDMA across nodes) for DeepEP
/// high throughput, 1 GiB NVL + the low-latency RDMA buffer for DeepEP low latency.
Bytes all2all_buffer_bytes(All2allBackend backend, bool expert_parallel, bool internode, std::uint64_t hidden,
                           std::uint64_t experts, std::uint64_t tokens);

/// --max-num-batched-tokens default with DeepEP low latency (or nixl_ep), EP and DP > 1 from ≈0.20
/// (#39107; engine/arg_utils.py:2791-2801 @main; before, VLLM_MOE_DP_CHUNK_SIZE = 256).
inline constexpr std::uint64_t k_deepep_batch_default = 256;

/// GPUs and nodes a deployment spans: TP × PP per engine, × DP engines.
struct Topology {
    std::uint64_t gpus_per_engine = 1; ///< TP × PP
    std::uint64_t engines = 1;         ///< DP ranks
    std::uint64_t gpus = 1;            ///< TP × PP × DP
    std::uint64_t gpus_per_node = 8;
    std::uint64_t nodes = 1;           ///< ceil(gpus / gpus_per_node)
    [[nodiscard]] bool internode() const { return nodes > 1; }
};

/// vramplan's default for --gpus-per-node: an HGX / DGX board.
inline constexpr std::uint64_t k_default_gpus_per_node = 8;

/// The GPUs and nodes of TP × PP × DP ranks on nodes of `gpus_per_node` GPUs.
Topology deployment_topology(std::uint32_t tp, std::uint32_t pp, std::uint32_t dp, std::uint64_t gpus_per_node);

/// Decode context parallel over `d` ranks (addendum 3 §22.5): each request's KV is interleaved
/// over d ranks of the TP group, so one rank's block of `bs` tokens stands for `bs·d` tokens of
/// the scheduler (`cdiv(cdiv(L, d), bs)` blocks per request, kv_cache_interface.py:268-271,
/// 300-305 @main). Scales the geometry's block sizes (pages unchanged) and bytes per token.
void apply_decode_context_parallel(KvGeometry& geometry, std::uint32_t d);

} // namespace vramplan

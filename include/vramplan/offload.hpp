#pragma once
/// Memory savers (addendum 3 §24): `--cpu-offload-gb` (UVA) and the prefetch offloader, KV
/// offloading to host memory, `--swap-space`, and `--enable-sleep-mode`'s effect on the startup
/// accounting.
///
/// Offloaded weights live in pinned host memory and are read over PCIe / C2C at every forward
/// (UVA): the GPU's weights shrink, the host needs that RAM, and decoding slows. Swap space and
/// KV offloading take host memory only. Sleep mode changes no allocation but, before 0.27, how
/// vLLM counts them (§24.4.2).

#include <vramplan/bytes.hpp>
#include <vramplan/model.hpp>
#include <vramplan/version.hpp>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace vramplan {

/// One decoder layer's parameters on one GPU, in the order `named_parameters()` yields them
/// (attention, MLP, norms: LlamaDecoderLayer's module order). Granularity: one linear (its
/// weight with its scales and bias), so the overshoot bound is one linear.
using LayerParameters = std::vector<Bytes>;

/// `--offload-backend` (vllm/config/offload.py:12 OffloadBackend; #29941, ≈0.17).
enum class OffloadBackend : std::uint8_t { automatic, uva, prefetch };

/// The flag's word for `b`: auto, uva or prefetch.
[[nodiscard]] constexpr std::string_view offload_backend_name(OffloadBackend b) {
    switch (b) {
    case OffloadBackend::uva: return "uva";
    case OffloadBackend::prefetch: return "prefetch";
    case OffloadBackend::automatic: break;
    }
    return "auto";
}

/// The offloader vLLM builds (vllm/config/offload.py:85-91 @main): auto picks prefetch when
/// `--offload-group-size` > 0, else UVA; an explicit backend ignores the other's settings.
[[nodiscard]] constexpr OffloadBackend effective_offload_backend(OffloadBackend given, std::uint64_t offload_group_size) {
    if (given != OffloadBackend::automatic) {
        return given;
    }
    return offload_group_size > 0 ? OffloadBackend::prefetch : OffloadBackend::uva;
}

/// What `--cpu-offload-gb` (or the prefetch backend) moves off one GPU.
struct CpuOffload {
    Bytes limit = 0;                    ///< UVA: X·2^30 per GPU; 0 without it
    Bytes offloaded = 0;                ///< parameter bytes moved to pinned host memory
    std::uint64_t whole_layers = 0;     ///< decoder layers of this stage offloaded entirely
    std::uint64_t partial_parameters = 0; ///< parameters of the next layer offloaded (UVA's per-parameter stop)
    Bytes prefetch_buffers = 0;         ///< prefetch backend: the static GPU pool (prefetch_step slots)
    std::uint64_t prefetch_layers = 0;  ///< prefetch backend: layers offloaded
};

/// vLLM's UVA offloader (`UVAOffloader._maybe_offload_to_cpu`,
/// vllm/model_executor/offloader/uva.py:66-110 @main; models/utils.py maybe_offload_to_cpu before
/// ≈0.17): the layers of one stage in order, parameter by parameter, while the running total is
/// below `limit` (checked before each parameter: the last one overshoots). Per GPU: every TP rank
/// and PP stage applies the same limit to its own shards.
CpuOffload uva_offload(std::span<const LayerParameters> layers, Bytes limit);

/// The prefetch offloader (vllm/model_executor/offloader/prefetch.py:163-200, 310-345 @main;
/// #29941, ≈0.17): of every `group_size` layers the last `num_in_group` are offloaded, and a static
/// pool of `prefetch_step` slots of one offloaded layer's parameters stays on the GPU.
CpuOffload prefetch_offload(std::span<const LayerParameters> layers, std::uint64_t group_size, std::uint64_t num_in_group,
                            std::uint64_t prefetch_step);

/// How a release accounts for memory under `--enable-sleep-mode` (addendum 3 §24.4.2).
enum class SleepAccounting : std::uint8_t {
    resident_overcount,  ///< ≤ 0.10: freed pool blocks stay resident and uncharged: KV + X
    negative_non_torch,  ///< ≈0.11-0.13 and 0.17-0.26: freed blocks released behind PyTorch: N − X, KV + X
    weights_not_pooled,  ///< ≈0.14-0.16: the weights were not in the cumem pool (#31747 → #32947): exact
    exact,               ///< ≥ 0.27: non-KV from mem_get_info (#49208): exact
};

/// The sleep-mode window of `version` (addendum 3 §24.4.2 table).
SleepAccounting sleep_accounting(VllmVersion version);

/// Stable snake_case name ("negative_non_torch").
std::string_view sleep_accounting_name(SleepAccounting accounting);

/// X of §24.4.2: bytes freed inside the weights pool while loading, which the ≤ 0.26 accounting
/// does not charge. Marlin repacks of 4-bit group-quantized checkpoints (GPTQ, AWQ,
/// compressed-tensors W4A16) replace every quantized tensor: X ≈ their pre-repack size, taken as
/// `linear_bytes` (the worker's attention + MLP weights: an upper bound where some linears stay
/// 16-bit). 0 for other methods and plain checkpoints (§24.4.2: "≈0 for plain bf16").
Bytes sleep_mode_freed_bytes(SleepAccounting accounting, QuantMethod method, Bytes linear_bytes);

/// Host memory the memory savers need, over the whole deployment.
struct HostMemory {
    Bytes cpu_offload = 0; ///< offloaded weights, pinned, summed over every GPU of every DP engine
    Bytes swap_space = 0;  ///< --swap-space × GPUs (TP × PP × DP) (V0 CPU blocks; V1 ignores it)
    Bytes kv_offload = 0;  ///< --kv-offloading-size: pinned KV blocks, total over the TP ranks of each DP engine
    [[nodiscard]] Bytes total() const;
};

} // namespace vramplan

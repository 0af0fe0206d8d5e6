#pragma once
/// CUDA-graph settings: `-O` / `--optimization-level`, `--compilation-config` (`cudagraph_mode`,
/// `cudagraph_capture_sizes`, `max_cudagraph_capture_size` and their older spellings) and
/// `--cuda-graph-sizes`, resolved per release into the graph modes vLLM captures and the sizes it
/// captures them at (addendum 3 §25.1–25.4).

#include <vramplan/bytes.hpp>
#include <vramplan/version.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vramplan {

/// vLLM's `CUDAGraphMode` (vllm/config/compilation.py:53-63 @main).
enum class CudaGraphMode : std::uint8_t {
    none,               ///< no graphs (eager)
    piecewise,          ///< one set: every capture size, one graph per piece between attention layers
    full,               ///< one set: one full graph per capture size
    full_decode_only,   ///< one set: full graphs for uniform decode batches only
    full_and_piecewise, ///< two sets: piecewise at every size, full at the decode sizes
};

/// The graph flags as the user gave them (unset: vLLM's default). io fills them from
/// `-O`, `--optimization-level`, `--compilation-config` and `--cuda-graph-sizes`.
struct GraphFlags {
    /// -O N / --optimization-level N (0–3); or `--compilation-config N` / `level` / `mode` before 0.12,
    /// where it is the compilation level.
    std::optional<std::uint32_t> level;
    bool level_is_optimization_flag = false;   ///< written as --optimization-level (exists from ≈0.12, #26847)
    std::optional<CudaGraphMode> mode;         ///< compilation-config cudagraph_mode
    bool use_cudagraph_off = false;            ///< compilation-config use_cudagraph: false (≤ 0.10)
    std::vector<std::uint64_t> sizes;          ///< cudagraph_capture_sizes (or cuda_graph_sizes) as written; empty: unset
    std::optional<std::uint64_t> max_size;     ///< max_cudagraph_capture_size (or max_capture_size)
    bool from_scheduler_flag = false;          ///< sizes / max_size came from --cuda-graph-sizes (0.9–0.12)

    /// Whether any graph flag was given.
    [[nodiscard]] bool any() const {
        return level || mode || use_cudagraph_off || !sizes.empty() || max_size || from_scheduler_flag;
    }
};

/// The graph setting vLLM runs with, after the release's defaults.
struct GraphSetting {
    CudaGraphMode mode = CudaGraphMode::full_and_piecewise;
    CudaGraphMode era_default = CudaGraphMode::full_and_piecewise; ///< what the release captures when nothing is set
    std::vector<std::uint64_t> sizes;           ///< explicit capture sizes (deduplicated, sorted); empty: generated
    std::optional<std::uint64_t> max_size;      ///< the largest generated size, when the user set it
    std::string source;                         ///< which flag decided the mode ("" when the default stands)
};

/// vLLM's name of a mode ("FULL_AND_PIECEWISE").
std::string_view cudagraph_mode_name(CudaGraphMode mode);

/// A mode from its name, any case ("full_and_piecewise"); nullopt when unknown.
std::optional<CudaGraphMode> parse_cudagraph_mode(std::string_view name);

/// Resolves the flags for a release: `-O` levels (OPTIMIZATION_LEVEL_0x, vllm/config/vllm.py:221-318
/// @main; before 0.12 the compilation level, graphs only at level 3), an explicit cudagraph_mode
/// (it wins over the level's default: _apply_optimization_level_defaults), the sizes.
/// `enforce_eager` and V0 are handled by the caller (ResolvedConfig::cuda_graphs).
GraphSetting resolve_graph_setting(const GraphFlags& flags, const EraRules& era, std::vector<std::string>& notes);

/// One line naming the flag when a graph flag does not exist in the release or contradicts
/// another (vLLM's own ValueError), else "".
std::string validate_graph_flags(const GraphFlags& flags, const VllmVersion& version);

/// The capture sizes vLLM uses (`VllmConfig._set_cudagraph_sizes`, vllm/config/vllm.py:1861-2030
/// @main): explicit sizes filtered to ≤ B; a user maximum generating the era's list up to
/// min(max, B); else the era's default list (capture_sizes in estimates.hpp).
std::vector<std::uint64_t> capture_sizes(const EraRules& era, const GraphSetting& g, std::uint64_t max_num_seqs,
                                         std::uint64_t max_num_batched_tokens, bool sm100);

/// Graph captures over the mode's sets (cudagraph_dispatcher.py:188-227 @main): the mixed set
/// (PIECEWISE or FULL) at every size, the FULL decode set at the sizes 1 ≤ n ≤ S (no speculation).
std::uint64_t graph_captures(CudaGraphMode mode, const std::vector<std::uint64_t>& sizes, std::uint64_t max_num_seqs);

/// CUDA-graph memory of one worker for the setting: the era's per-piece estimate
/// (cuda_graph_bytes) scaled by captures(mode) / captures(era default), since the estimate is
/// linear in the number of graphs (addendum 3 §25.4) and its constant was fitted to the default mode.
Bytes setting_graph_bytes(const EraRules& era, const GraphSetting& g, std::uint64_t layers, const std::vector<std::uint64_t>& sizes,
                          std::uint64_t max_num_seqs);

} // namespace vramplan

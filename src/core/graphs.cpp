#include <vramplan/graphs.hpp>

#include <vramplan/estimates.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace vramplan {

namespace {

using M = CudaGraphMode;

constexpr std::array<std::pair<CudaGraphMode, std::string_view>, 5> k_mode_names{{
    {M::none, "NONE"},
    {M::piecewise, "PIECEWISE"},
    {M::full, "FULL"},
    {M::full_decode_only, "FULL_DECODE_ONLY"},
    {M::full_and_piecewise, "FULL_AND_PIECEWISE"},
}};

/// -O as --optimization-level from #26847 (merged 2025-11-27, ≈0.12; addendum 3 §25.1).
constexpr VllmVersion k_optimization_level_from{0, 12, 0};
/// --cuda-graph-sizes (SchedulerConfig) from #17201 (≈0.9.0), removed by #30396 (0.13).
constexpr VllmVersion k_cuda_graph_sizes_from{0, 9, 0};
constexpr VllmVersion k_cuda_graph_sizes_until{0, 13, 0};

/// OPTIMIZATION_LEVEL_0x's cudagraph_mode (vllm/config/vllm.py:221-318 @main): O0 NONE, O1
/// PIECEWISE, O2 (the default) and O3 FULL_AND_PIECEWISE.
CudaGraphMode level_mode(std::uint32_t level) {
    return level == 0 ? M::none : level == 1 ? M::piecewise : M::full_and_piecewise;
}

/// The mode a level sets in `era`, with its note; nullopt when it leaves the default.
std::optional<CudaGraphMode> mode_of_level(std::uint32_t level, const EraRules& era, std::vector<std::string>& notes) {
    const std::string n = std::to_string(level);
    if (era.version >= k_optimization_level_from) {
        notes.push_back("-O" + n + ": optimization level " + n + " captures " + std::string(cudagraph_mode_name(level_mode(level))) +
                        " CUDA graphs (OPTIMIZATION_LEVEL_0" + n + ", vllm/config/vllm.py:221-318 @main)" +
                        (level == 0 ? "; torch.compile off, so the profile runs eagerly (its activation peak is not re-estimated)" : ""));
        return level_mode(level);
    }
    if (level < 3) {
        // Before 0.12, -O N is the compilation level; V1 captures graphs only at level 3
        // (gpu_model_runner.py:220-224 @v0.10.0; addendum 3 §25.1).
        notes.push_back("-O" + n + " (vLLM " + era.version.str() + "): compilation level " + n +
                        "; V1 captures CUDA graphs only at level 3, so none are captured");
        return M::none;
    }
    return std::nullopt;
}

} // namespace

std::string_view cudagraph_mode_name(CudaGraphMode mode) {
    for (const auto& [m, name] : k_mode_names) {
        if (m == mode) {
            return name;
        }
    }
    return "NONE";
}

std::optional<CudaGraphMode> parse_cudagraph_mode(std::string_view name) {
    for (const auto& [m, canonical] : k_mode_names) {
        if (canonical.size() == name.size() &&
            std::equal(canonical.begin(), canonical.end(), name.begin(), [](char a, char b) { return a == (b >= 'a' && b <= 'z' ? b - 32 : b); })) {
            return m;
        }
    }
    return std::nullopt;
}

GraphSetting resolve_graph_setting(const GraphFlags& f, const EraRules& era, std::vector<std::string>& notes) {
    GraphSetting g;
    // FULL_AND_PIECEWISE is the default from #25444 (v0.11.0), PIECEWISE before (spec §7.1).
    g.era_default = era.full_and_piecewise ? M::full_and_piecewise : M::piecewise;
    g.mode = g.era_default;
    if (era.engine == Engine::v0) {
        if (f.any()) {
            notes.push_back("V0 captures its own decode graphs: the compilation settings do not change them");
        }
        return g;
    }
    std::optional<CudaGraphMode> level_set;
    if (f.level) {
        level_set = mode_of_level(*f.level, era, notes);
    }
    const bool old_level_off = level_set == M::none && era.version < k_optimization_level_from;
    if (f.mode && !old_level_off) {
        // A cudagraph_mode the user set wins over the level's default (_apply_optimization_level_defaults).
        g.mode = *f.mode;
        g.source = "compilation-config cudagraph_mode";
    } else if (f.use_cudagraph_off) {
        g.mode = M::none;
        g.source = "compilation-config use_cudagraph false";
    } else if (level_set) {
        g.mode = *level_set;
        g.source = "-O" + std::to_string(*f.level);
    }
    g.sizes = f.sizes;
    std::sort(g.sizes.begin(), g.sizes.end());
    g.sizes.erase(std::unique(g.sizes.begin(), g.sizes.end()), g.sizes.end());
    g.max_size = f.max_size;
    if (g.mode == M::full || g.mode == M::full_decode_only || (g.mode == M::full_and_piecewise && g.mode != g.era_default)) {
        notes.push_back("cudagraph_mode " + std::string(cudagraph_mode_name(g.mode)) +
                        ": vLLM downgrades full graphs where the attention backend cannot capture them (not modelled)");
    }
    return g;
}

std::string validate_graph_flags(const GraphFlags& f, const VllmVersion& v) {
    if (f.level_is_optimization_flag && v < k_optimization_level_from) {
        return "--optimization-level: not a flag of vLLM " + v.str() + " (added ≈0.12, #26847); there -O N sets the compilation level";
    }
    if (f.from_scheduler_flag && (v < k_cuda_graph_sizes_from || v >= k_cuda_graph_sizes_until)) {
        return "--cuda-graph-sizes: a flag of vLLM 0.9-0.12 only (#17201, removed by #30396), not " + v.str() +
               "; use --compilation-config '{\"cudagraph_capture_sizes\": [...]}'";
    }
    if (!f.sizes.empty() && f.max_size && *f.max_size != *std::max_element(f.sizes.begin(), f.sizes.end())) {
        // vllm/config/vllm.py:1990-2001 @main: both set and inconsistent.
        return "--compilation-config: customized max_cudagraph_capture_size(=" + std::to_string(*f.max_size) +
               ") should be consistent with the max value of cudagraph_capture_sizes(=" +
               std::to_string(*std::max_element(f.sizes.begin(), f.sizes.end())) + ")";
    }
    return "";
}

std::vector<std::uint64_t> capture_sizes(const EraRules& era, const GraphSetting& g, std::uint64_t s, std::uint64_t b, bool sm100) {
    if (!g.sizes.empty()) {
        // Explicit sizes: deduplicated, sorted, those above B dropped (vllm/config/vllm.py:1936-1946 @main).
        std::vector<std::uint64_t> out;
        std::copy_if(g.sizes.begin(), g.sizes.end(), std::back_inserter(out), [b](std::uint64_t x) { return x <= b; });
        return out;
    }
    if (!g.max_size || era.engine == Engine::v0) {
        return capture_sizes(era, s, b, sm100);
    }
    // A user maximum, capped at B (vllm/config/vllm.py:1917-1925 @main), generating the era's list.
    const std::uint64_t m = std::min(*g.max_size, b);
    std::vector<std::uint64_t> out;
    for (const std::uint64_t x : {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{4}}) {
        if (x <= m) {
            out.push_back(x);
        }
    }
    const bool step16 = era.capture_schedule == CaptureSchedule::step8_then_16;
    // ≥ 0.11.1: range(8, min(m+1, 256), 8) + range(256, m+1, 16), and B when it fits (:1947-1970);
    // before: [1, 2, 4] + range(8, m+1, 8) (one --cuda-graph-sizes value, vllm/config.py:4760-4764 @v0.10.0).
    for (std::uint64_t x = 8; x <= m && (!step16 || x < 256); x += 8) {
        out.push_back(x);
    }
    for (std::uint64_t x = 256; step16 && x <= m; x += 16) {
        out.push_back(x);
    }
    if (step16 && b <= m && std::find(out.begin(), out.end(), b) == out.end()) {
        out.push_back(b);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::uint64_t graph_captures(CudaGraphMode mode, const std::vector<std::uint64_t>& sizes, std::uint64_t s) {
    const auto all = static_cast<std::uint64_t>(sizes.size());
    // Uniform decode: sizes with q ≤ n ≤ q·S, q = 1 without speculation (cudagraph_dispatcher.py:211-222 @main).
    const auto decode = static_cast<std::uint64_t>(std::count_if(sizes.begin(), sizes.end(), [s](std::uint64_t x) { return x >= 1 && x <= s; }));
    switch (mode) {
    case M::none: return 0;
    case M::piecewise:
    case M::full: return all;
    case M::full_decode_only: return decode;
    case M::full_and_piecewise: return all + decode;
    }
    return all;
}

Bytes setting_graph_bytes(const EraRules& era, const GraphSetting& g, std::uint64_t layers, const std::vector<std::uint64_t>& sizes,
                          std::uint64_t s) {
    const Bytes base = cuda_graph_bytes(era, layers, sizes.size());
    if (era.engine == Engine::v0 || g.mode == g.era_default) {
        return base;
    }
    const std::uint64_t fitted = graph_captures(g.era_default, sizes, s);
    if (fitted == 0) {
        return 0;
    }
    // The estimate is linear in the number of graphs (addendum 3 §25.4): scale the default mode's
    // estimate by the captures of the mode chosen over those of the default.
    return checked_mul(base, graph_captures(g.mode, sizes, s)) / fitted;
}

} // namespace vramplan

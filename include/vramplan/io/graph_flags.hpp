#pragma once
/// The CUDA-graph flags as written → GraphFlags (addendum 3 §25): `-O` / `--optimization-level`,
/// the JSON of `--compilation-config`, `--cuda-graph-sizes`.

#include <vramplan/graphs.hpp>

#include <string>

namespace vramplan {

/// Parses the three flags (each "" when not given). `--compilation-config` takes a JSON object
/// or a bare level ("3", as `-O3` gives it). Throws InputError naming the flag on bad JSON, an
/// unknown key (vLLM's CompilationConfig forbids extra keys), a bad value or a level outside 0–3.
GraphFlags parse_graph_flags(const std::string& optimization_level, const std::string& compilation_config,
                             const std::string& cuda_graph_sizes);

/// Applies the top-level `--cudagraph-capture-sizes` and `--max-cudagraph-capture-size` (each ""
/// when not given; both from #26016, ≈0.11.1) to `g`, as EngineArgs.create_engine_config does
/// (vllm/engine/arg_utils.py:2471-2488 @main): each one sets its compilation-config key, and
/// giving both spellings of one key is an InputError, as vLLM's ValueError.
void apply_capture_size_flags(GraphFlags& g, const std::string& cudagraph_capture_sizes,
                              const std::string& max_cudagraph_capture_size);

} // namespace vramplan

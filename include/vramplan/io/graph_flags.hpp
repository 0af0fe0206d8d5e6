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

} // namespace vramplan

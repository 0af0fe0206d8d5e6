#pragma once
/// A VRAM budget policy for `vramplan check` (`--policy vramplan-policy.json`, or flags).
///
/// File format (JSON): `schema_version` 1, `kind` "vramplan-policy", and any of
/// `gpu` (catalog id), `vllm_versions` (array of releases; a config must pass each),
/// `max_gpu_memory_utilization` (0–1], `max_vram_gib_per_gpu` (what vLLM may use per GPU:
/// the budget plus the context and graphs outside it), `min_free_gib` (left for other processes),
/// `min_kv_tokens`, `min_concurrency`, `min_graph_headroom_gib`, `max_restore_seconds` and
/// `restore_fit` (a `vramplan calibrate-restore` file). Unknown keys are errors.

#include <vramplan/policy.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vramplan {


/// Reads and validates a policy file. Throws InputError naming the file and the JSON pointer.
Policy read_policy(const std::string& path);
/// The same, from the file's text; `where` names it in errors.
Policy parse_policy(const std::string& text, const std::string& where);

} // namespace vramplan

#pragma once
/// Unified-memory GPUs (GB10 / DGX Spark, Jetson): the GPU has no memory of its own. CUDA reports
/// the host's RAM as the device total, and vLLM reads free memory as the host's `MemAvailable`
/// (`vllm/utils/mem_utils.py` `MemorySnapshot.measure` @main: "On UMA … cudaMemGetInfo underreports
/// free memory … Use psutil"; vllm-memory-model.md §2.4 and §11 UMA; spec-2 §17). So the operating
/// system and every other host process hold part of the "device" at startup: the plan counts them
/// as other processes' memory (outside vLLM's budget, but it must be free: the start-up check).

#include <vramplan/bytes.hpp>
#include <vramplan/plan.hpp>

#include <optional>
#include <string>

namespace vramplan {

/// What the host holds of a unified-memory device when the user does not say: 4 GiB. An estimate,
/// not a measurement: a headless Linux host's kernel, services and page tables plus vLLM's own API
/// server process (torch and the tokenizer, in the same RAM), which `MemAvailable` leaves out. No
/// GB10 measurement is in the reference material; measure `total − available` (`free -b`) on the
/// machine and pass --other-processes-memory.
inline constexpr Bytes k_unified_memory_host_default = Bytes{4} << 30;

/// The unified-memory rule for `gpu`: the host memory to count as other processes' (the given
/// value, else the default) and the note that says so. nullopt for a discrete GPU.
struct UnifiedMemoryRule {
    Bytes other_processes = 0;
    std::string note;
};
std::optional<UnifiedMemoryRule> unified_memory_rule(const GpuSpec& gpu, std::optional<Bytes> other_processes_given);

} // namespace vramplan

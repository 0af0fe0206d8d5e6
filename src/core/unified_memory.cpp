// Unified-memory GPUs (unified_memory.hpp).
#include <vramplan/unified_memory.hpp>

namespace vramplan {

std::optional<UnifiedMemoryRule> unified_memory_rule(const GpuSpec& gpu, std::optional<Bytes> other_processes_given) {
    if (!gpu.unified_memory) {
        return std::nullopt;
    }
    UnifiedMemoryRule rule;
    rule.other_processes = other_processes_given.value_or(k_unified_memory_host_default);
    rule.note = gpu.id + " has unified memory: CUDA's total (" + gib2(to_signed(gpu.total)) +
                " GiB) is the host's RAM and vLLM reads free memory as the host's MemAvailable (vllm/utils/mem_utils.py "
                "MemorySnapshot.measure), so the OS and host processes hold part of it; counted as other processes: " +
                gib2(to_signed(rule.other_processes)) + " GiB" +
                (other_processes_given ? std::string(" (--other-processes-memory)")
                                       : std::string(" (default: an estimate for a headless host and vLLM's API server; measure "
                                                     "`free -b` and pass --other-processes-memory)"));
    return rule;
}

} // namespace vramplan

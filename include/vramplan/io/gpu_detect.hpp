#pragma once
/// `--gpu auto`: the GPUs of this machine, read from NVML (loaded at run time with dlopen, so the
/// binary never depends on it) or else from `nvidia-smi`.

#include <vramplan/bytes.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vramplan {

/// One card as the driver reports it.
struct GpuReading {
    unsigned index = 0;
    std::string name;              ///< "NVIDIA H100 80GB HBM3" (torch.cuda.get_device_name)
    Bytes total = 0;               ///< the driver's total (nvidia-smi memory.total)
    std::optional<Bytes> reserved; ///< held back by the driver, never visible to CUDA; unknown on old drivers
    Bytes used = 0;                ///< what processes already hold (other than the reserve)
    std::string source;            ///< "NVML" or "nvidia-smi"

    /// What cudaMemGetInfo reports as the total, which vLLM budgets against: total − reserved
    /// (measured on an H100: 81,559 − 480 = 81,079 MiB, tests/data/gpu/README.md).
    [[nodiscard]] Bytes cuda_total() const { return total - reserved.value_or(0); }
};

/// Parses `nvidia-smi --query-gpu=name,memory.total,memory.reserved,memory.used
/// --format=csv,noheader,nounits` output (MiB), or the three-column form without memory.reserved
/// that older drivers answer. Throws InputError naming `where` on anything else.
std::vector<GpuReading> parse_nvidia_smi(std::string_view text, const std::string& where);

/// Keeps and orders the cards CUDA_VISIBLE_DEVICES names (integer indices); unchanged when unset
/// or empty. Throws InputError for an index beyond the cards or a form it cannot map (UUIDs).
std::vector<GpuReading> apply_cuda_visible_devices(std::vector<GpuReading> cards, const char* visible);

/// NVML, else nvidia-smi (`$VRAMPLAN_NVIDIA_SMI` names another program, run without a shell;
/// `VRAMPLAN_NO_NVML=1` skips NVML), filtered by CUDA_VISIBLE_DEVICES. Throws InputError saying
/// what was tried when no NVIDIA GPU can be read, and InputError("--gpu auto", …) naming the
/// program and the limit when nvidia-smi has not answered within 10 s or the run's deadline
/// (io/deadline.hpp), whichever comes first (its process group is killed).
std::vector<GpuReading> detect_gpus();

} // namespace vramplan

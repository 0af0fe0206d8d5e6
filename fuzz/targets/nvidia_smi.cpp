// `nvidia-smi --query-gpu=... --format=csv,noheader,nounits` output (`--gpu auto`).
#include "../fuzz.hpp"

#include <vramplan/io/gpu_detect.hpp>

VRAMPLAN_FUZZ_TARGET(nvidia_smi) {
    using namespace vramplan;
    fuzz::accepts([&] {
        for (const GpuReading& g : parse_nvidia_smi(std::string_view(reinterpret_cast<const char*>(data), size), "nvidia-smi")) {
            if (g.cuda_total() > g.total || g.name.empty()) {
                fuzz::fail("reading out of range");
            }
        }
    });
    fuzz::accepts([&] { (void)apply_cuda_visible_devices({}, fuzz::text(data, size).c_str()); });
    return 0;
}

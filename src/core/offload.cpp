#include <vramplan/offload.hpp>

#include <algorithm>

namespace vramplan {

CpuOffload uva_offload(std::span<const LayerParameters> layers, Bytes limit) {
    CpuOffload out;
    out.limit = limit;
    // uva.py:75-110 @main: a module is skipped once the total reached the limit; inside a module
    // the same check runs before each parameter ("we use per-parameter offloading").
    for (const LayerParameters& layer : layers) {
        std::uint64_t taken = 0;
        for (const Bytes parameter : layer) {
            if (out.offloaded >= limit) {
                break;
            }
            out.offloaded = checked_add(out.offloaded, parameter);
            ++taken;
        }
        if (taken == layer.size()) {
            ++out.whole_layers;
        } else {
            out.partial_parameters = taken;
            break;
        }
        if (out.offloaded >= limit) {
            break;
        }
    }
    return out;
}

CpuOffload prefetch_offload(std::span<const LayerParameters> layers, std::uint64_t group_size, std::uint64_t num_in_group,
                            std::uint64_t prefetch_step) {
    CpuOffload out;
    if (group_size == 0) {
        return out;
    }
    Bytes widest = 0;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        // prefetch.py:179-180 @main: the last num_in_group layers of each group of group_size.
        if (i % group_size < group_size - std::min(group_size, num_in_group)) {
            continue;
        }
        Bytes layer_bytes = 0;
        for (const Bytes parameter : layers[i]) {
            layer_bytes = checked_add(layer_bytes, parameter);
        }
        out.offloaded = checked_add(out.offloaded, layer_bytes);
        widest = std::max(widest, layer_bytes);
        ++out.prefetch_layers;
        ++out.whole_layers;
    }
    // StaticBufferPool (prefetch.py:60-112, 338-342 @main): prefetch_step copies of each distinct
    // parameter of the offloaded layers; identical layers share them, so one (the widest) layer's.
    out.prefetch_buffers = out.prefetch_layers > 0 ? checked_mul(widest, prefetch_step) : 0;
    return out;
}

SleepAccounting sleep_accounting(VllmVersion v) {
    // Addendum 3 §24.4.2: unmap_and_release of freed pool blocks from #24731 (≈0.11.0); weights
    // outside the pool from #31747 (≈0.14) until #32947 (0.17); mem_get_info accounting (#49208)
    // shipped in 0.27 (addendum 3, correction to addendum 2 §13.3).
    if (v < VllmVersion{0, 11, 0}) {
        return SleepAccounting::resident_overcount;
    }
    if (v < VllmVersion{0, 14, 0}) {
        return SleepAccounting::negative_non_torch;
    }
    if (v < VllmVersion{0, 17, 0}) {
        return SleepAccounting::weights_not_pooled;
    }
    if (v < VllmVersion{0, 27, 0}) {
        return SleepAccounting::negative_non_torch;
    }
    return SleepAccounting::exact;
}

std::string_view sleep_accounting_name(SleepAccounting a) {
    switch (a) {
    case SleepAccounting::resident_overcount: return "resident_overcount";
    case SleepAccounting::negative_non_torch: return "negative_non_torch";
    case SleepAccounting::weights_not_pooled: return "weights_not_pooled";
    case SleepAccounting::exact: return "exact";
    }
    return "exact";
}

Bytes sleep_mode_freed_bytes(SleepAccounting a, QuantMethod method, Bytes linear_bytes) {
    const bool overcounts = a == SleepAccounting::resident_overcount || a == SleepAccounting::negative_non_torch;
    // gptq_marlin_repack / awq_marlin_repack and marlin_permute_scales build new tensors in
    // process_weights_after_loading (quantization/utils/marlin_utils.py @main): the old ones are
    // freed inside the weights pool (addendum 3 §24.4.2-§24.4.3).
    return overcounts && method == QuantMethod::int4_group ? linear_bytes : 0;
}

Bytes HostMemory::total() const { return checked_add(checked_add(cpu_offload, swap_space), kv_offload); }

} // namespace vramplan

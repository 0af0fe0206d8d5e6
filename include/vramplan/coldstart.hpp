#pragma once
/// What a GPU snapshot of a warm vLLM process costs (CRIU with cuda-checkpoint): the device memory
/// the process holds, the part that is data and the part that is never-written zero pages (the
/// KV cache vLLM pre-allocates), the image size raw and compressed, and checkpoint / restore times.
///
/// Two kinds of figures, kept apart: physical lower bounds (every byte moves at the rated speed of
/// the GPU's host link, the storage and the compressor, perfectly pipelined, with no fixed cost),
/// and calibrated predictions from the user's own measured points (`vramplan calibrate-restore`).

#include <vramplan/plan.hpp>

#include <optional>
#include <string>
#include <vector>

namespace vramplan {

/// Speeds and ratios of the snapshot path. Bandwidths in GB/s (10^9 bytes per second).
struct SnapshotParams {
    double link_gbs = 0.0;           ///< GPU host link per direction; 0: the GPU profile's
    double storage_read_gbs = 3.94;  ///< PCIe Gen3 x4 NVMe link ceiling: 8 GT/s x 4 lanes x 128/130 / 8
    double storage_write_gbs = 3.94;
    double compress_gbs = 0.51;      ///< zstd -1, one core (facebook/zstd README benchmark table, v1.5: 510 MB/s)
    double decompress_gbs = 1.55;    ///< zstd, one core (same table: 1550 MB/s)
    unsigned threads = 1;            ///< compressor threads
    double data_ratio = 1.0;         ///< weights and graphs: bf16 values barely compress; 1.0 is the bound
    double zero_ratio = 1000.0;      ///< never-written pages: runs of zeros compress by orders of magnitude
    std::uint64_t active_tokens = 0; ///< KV tokens written at checkpoint time (0: a freshly warmed process)
    Bytes host_bytes = 0;            ///< the process's CPU memory in the image (0: not counted)
    double fixed_checkpoint_s = 0.0; ///< fixed cost per checkpoint (process freeze, CRIU bookkeeping); 0 for the bound
    double fixed_restore_s = 0.0;    ///< fixed cost per restore (process and CUDA context re-creation); 0 for the bound
};

/// A fitted power law t = c × (device GiB held)^k per direction, from measured points.
struct RestoreFit {
    double checkpoint_c = 0.0, checkpoint_k = 1.0;
    double restore_c = 0.0, restore_k = 1.0;
    std::size_t points = 0;
    std::string source;
};

struct SnapshotEstimate {
    std::uint32_t gpus = 1;
    Bytes held_per_gpu = 0;          ///< device memory the warm process holds on one GPU
    Bytes data_per_gpu = 0;          ///< written: weights, non-torch, graphs, context, KV in use
    Bytes zero_per_gpu = 0;          ///< never written: the rest of the KV cache
    Bytes image_raw = 0;             ///< all GPUs plus host_bytes
    Bytes image_compressed = 0;
    double checkpoint_lower_s = 0.0; ///< physical lower bound
    double restore_lower_s = 0.0;
    std::optional<double> checkpoint_s;   ///< calibrated
    std::optional<double> restore_s;
    std::string link;                ///< the link used for the bound ("PCIe Gen4 x16, 31.5 GB/s")
};

/// The snapshot of `plan`'s warm process (activation memory is freed after profiling; the KV cache,
/// weights, non-torch memory, CUDA graphs and context stay).
SnapshotEstimate estimate_snapshot(const Plan& plan, const SnapshotParams& params, const std::optional<RestoreFit>& fit);

/// One measured point: utilization, and the seconds a checkpoint and a restore took.
struct RestorePoint {
    double utilization = 0.0;
    double checkpoint_s = 0.0;
    double restore_s = 0.0;
    double held_gib = 0.0;   ///< filled by the caller from the plan at that utilization
};

/// Least squares in log space (exact through two points). Needs ≥ 2 points with distinct held
/// memory and positive times; returns nullopt otherwise.
std::optional<RestoreFit> fit_restore(const std::vector<RestorePoint>& points);

} // namespace vramplan

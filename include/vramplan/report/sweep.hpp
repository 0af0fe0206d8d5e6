#pragma once
/// `vramplan sweep` reports: an aligned table, CSV, and a self-contained SVG of KV tokens,
/// concurrency and restore time against utilization, one line per max-model-len.

#include <vramplan/sweep.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace vramplan {

/// What the sweep's title says.
struct SweepContext {
    std::string model;        ///< display name
    std::string gpu_id;
    std::string gpu_name;
    std::string version;
    bool calibrated = false;  ///< restore times from a fit
};

/// The title and the table, in column blocks when it is wider than `width` (the utilization and
/// max-model-len columns repeat in each block; TextTable::render_blocks).
std::string render_sweep_text(const std::vector<SweepPoint>& points, const SweepContext& ctx, std::size_t width);
std::string render_sweep_csv(const std::vector<SweepPoint>& points, const SweepContext& ctx);
/// The SVG of a sweep: `points` in Sweep::points' order (by length, then utilization: point i is
/// at utilizations[i % utilizations.size()]), utilizations ascending. Linear in the points.
std::string render_sweep_svg(const std::vector<SweepPoint>& points, const std::vector<double>& utilizations,
                             const std::vector<std::uint64_t>& lengths, const SweepContext& ctx);

} // namespace vramplan

// GPU-snapshot reports (report/coldstart.hpp).
#include <vramplan/report/coldstart.hpp>

#include <vramplan/plan.hpp>

#include <fmt/format.h>

#include <cmath>

namespace vramplan {

std::string render_restore_fit(const RestoreFit& f, const std::vector<RestorePoint>& points, const std::string& model, const std::string& gpu) {
    std::string out = fmt::format("restore-time fit for {} on {} ({} points): t = c x (GiB held)^k\n", model, gpu,
                      points.size());
    out += fmt::format("  checkpoint  c {:.6g}  k {:.4f}\n  restore     c {:.6g}  k {:.4f}\n\n", f.checkpoint_c, f.checkpoint_k,
               f.restore_c, f.restore_k);
    out += fmt::format("  {:>11} {:>9} {:>22} {:>22}\n", "utilization", "GiB held", "checkpoint s (fit)", "restore s (fit)");
    for (const RestorePoint& pt : points) {
        out += fmt::format("  {:>11} {:>9} {:>22} {:>22}\n", fixed(pt.utilization, 2), fixed(pt.held_gib, 2),
                   fixed(pt.checkpoint_s, 1) + " (" + fixed(f.checkpoint_c * std::pow(pt.held_gib, f.checkpoint_k), 1) + ")",
                   fixed(pt.restore_s, 1) + " (" + fixed(f.restore_c * std::pow(pt.held_gib, f.restore_k), 1) + ")");
    }
    if (f.restore_k > 2.0 || f.checkpoint_k > 2.0) {
        out += "  note: times grow much faster than the memory held (k > 2): the host is likely short of RAM or page cache at the larger points\n";
    }
    return out;
}

} // namespace vramplan

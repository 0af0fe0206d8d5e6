#pragma once
/// GPU-snapshot reports: a restore-time fit (`vramplan calibrate-restore`) beside its points.

#include <vramplan/coldstart.hpp>

#include <string>
#include <vector>

namespace vramplan {

/// The fit's curves and each measured point beside the fitted value.
std::string render_restore_fit(const RestoreFit& fit, const std::vector<RestorePoint>& points, const std::string& model, const std::string& gpu);

} // namespace vramplan

#pragma once
/// Every combination of utilization and max-model-len (`vramplan sweep`), planned, with the
/// snapshot estimate of each: plain data for the table, CSV and SVG renderers.

#include <vramplan/coldstart.hpp>
#include <vramplan/plan.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vramplan {

struct SweepPoint {
    double utilization = 0.0;
    std::uint64_t max_model_len = 0;
    bool starts = false;
    Failure failure = Failure::none;
    SignedBytes kv_cache = 0;         ///< deciding GPU
    std::uint64_t tokens = 0;
    double concurrency = 0.0;
    Bytes image_compressed = 0;
    double restore_s = 0.0;           ///< calibrated when `restore_calibrated`, else the lower bound
    bool restore_calibrated = false;
};

struct Sweep {
    std::vector<SweepPoint> points;   ///< by max-model-len, then utilization
    std::string invalid;              ///< set when a combination is not a valid request (validate's message); points empty
};

/// Plans `base` at every (length, utilization) pair.
Sweep sweep_plans(const PlanRequest& base, const std::vector<double>& utilizations, const std::vector<std::uint64_t>& lengths,
                  const SnapshotParams& snapshot, const std::optional<RestoreFit>& fit);

/// The verdict's failure as a stable identifier ("kv_too_small"; "" when it starts).
const char* failure_name(Failure failure);

} // namespace vramplan

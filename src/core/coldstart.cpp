#include <vramplan/coldstart.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace vramplan {

namespace {

constexpr double k_gb = 1e9;

double seconds(double bytes, double gbs) { return gbs > 0.0 ? bytes / (gbs * k_gb) : 0.0; }

} // namespace

SnapshotEstimate estimate_snapshot(const Plan& p, const SnapshotParams& q, const std::optional<RestoreFit>& fit) {
    SnapshotEstimate e;
    // At most 2^20 for a validated request; in 64 bits so a larger one cannot wrap.
    const std::uint64_t gpus = checked_mul(p.request.tensor_parallel_size, p.request.pipeline_parallel_size);
    if (gpus > std::numeric_limits<std::uint32_t>::max()) {
        throw OverflowError("GPU count (tensor x pipeline parallel size) does not fit 32 bits");
    }
    e.gpus = static_cast<std::uint32_t>(gpus);
    // The deciding worker stands for every GPU (PP stages differ little in held memory).
    const WorkerPlan& w = p.workers[p.deciding_worker];
    const Bytes kv = w.kv_cache > 0 ? static_cast<Bytes>(w.kv_cache) : 0;
    const Bytes kv_used = std::min(kv, checked_mul(std::min<std::uint64_t>(q.active_tokens, p.capacity.tokens), p.kv.bytes_per_token));
    const Bytes resident = checked_add(checked_add(w.weights, w.non_torch), checked_add(w.cuda_graphs, w.cuda_context));
    e.held_per_gpu = checked_add(resident, kv);
    e.data_per_gpu = checked_add(resident, kv_used);
    e.zero_per_gpu = e.held_per_gpu - e.data_per_gpu;
    e.image_raw = checked_add(checked_mul(e.held_per_gpu, e.gpus), q.host_bytes);
    const double compressed = static_cast<double>(e.gpus) * (static_cast<double>(e.data_per_gpu) / q.data_ratio +
                                                             static_cast<double>(e.zero_per_gpu) / q.zero_ratio) +
                              static_cast<double>(q.host_bytes) / q.data_ratio;
    e.image_compressed = round_bytes(compressed, "compressed image size");
    const double link = q.link_gbs > 0.0 ? q.link_gbs : p.request.gpu.host_link_gbs;
    e.link = (q.link_gbs > 0.0 ? std::string("--link-gbs") : p.request.gpu.host_link.empty() ? std::string("unknown link") : p.request.gpu.host_link) +
             ", " + fixed(link, 2) + " GB/s";
    // Each GPU moves its own memory over its own link; storage and compression see the whole image.
    const double held = static_cast<double>(e.held_per_gpu);
    const double raw = static_cast<double>(e.image_raw);
    const double threads = std::max(1u, q.threads);
    e.checkpoint_lower_s = q.fixed_checkpoint_s + std::max({seconds(held, link), seconds(raw, q.compress_gbs * threads), seconds(compressed, q.storage_write_gbs)});
    e.restore_lower_s = q.fixed_restore_s + std::max({seconds(compressed, q.storage_read_gbs), seconds(raw, q.decompress_gbs * threads), seconds(held, link)});
    if (fit) {
        const double gib = held / static_cast<double>(k_gib);
        // A fit never predicts less than physics allows.
        e.checkpoint_s = std::max(e.checkpoint_lower_s, fit->checkpoint_c * std::pow(gib, fit->checkpoint_k));
        e.restore_s = std::max(e.restore_lower_s, fit->restore_c * std::pow(gib, fit->restore_k));
    }
    return e;
}

std::optional<RestoreFit> fit_restore(const std::vector<RestorePoint>& points) {
    if (points.size() < 2) {
        return std::nullopt;
    }
    const auto fit_one = [&](auto time) -> std::optional<std::pair<double, double>> {
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (const RestorePoint& pt : points) {
            if (!(pt.held_gib > 0.0) || !(time(pt) > 0.0)) {
                return std::nullopt;
            }
            const double x = std::log(pt.held_gib);
            const double y = std::log(time(pt));
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        const double n = static_cast<double>(points.size());
        const double den = n * sxx - sx * sx;
        if (std::fabs(den) < 1e-12) {
            return std::nullopt;   // all points hold the same memory: no slope to fit
        }
        const double k = (n * sxy - sx * sy) / den;
        const double c = std::exp((sy - k * sx) / n);
        return std::make_pair(c, k);
    };
    const auto ck = fit_one([](const RestorePoint& pt) { return pt.checkpoint_s; });
    const auto rs = fit_one([](const RestorePoint& pt) { return pt.restore_s; });
    if (!ck || !rs) {
        return std::nullopt;
    }
    RestoreFit f;
    f.checkpoint_c = ck->first;
    f.checkpoint_k = ck->second;
    f.restore_c = rs->first;
    f.restore_k = rs->second;
    f.points = points.size();
    return f;
}

} // namespace vramplan

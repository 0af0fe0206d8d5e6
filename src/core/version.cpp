#include <vramplan/version.hpp>

#include <charconv>

namespace vramplan {

std::string VllmVersion::str() const {
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

namespace {
bool parse_int(const char*& p, const char* end, int& out) {
    const auto [next, ec] = std::from_chars(p, end, out);
    if (ec != std::errc{} || next == p || out < 0 || out > 9999) {
        return false;
    }
    p = next;
    return true;
}
} // namespace

std::optional<VllmVersion> parse_vllm_version(const std::string& text) {
    if (text.empty() || text.size() > 64) {
        return std::nullopt;
    }
    const char* p = text.data();
    const char* end = p + text.size();
    if (*p == 'v' || *p == 'V') {
        ++p;
    }
    VllmVersion v;
    if (!parse_int(p, end, v.major) || p == end || *p != '.') {
        return std::nullopt;
    }
    ++p;
    if (!parse_int(p, end, v.minor)) {
        return std::nullopt;
    }
    if (p != end && *p == '.' && p + 1 != end && p[1] >= '0' && p[1] <= '9') {
        ++p;
        if (!parse_int(p, end, v.patch)) {
            return std::nullopt;
        }
    }
    // Accept the tails pip and vLLM print: "0.10.1.1", "0.11.0rc1", "0.9.2+cu128", "0.8.5.post1".
    if (p != end && *p != '.' && *p != '+' && *p != 'r' && *p != '-' && *p != 'p' && *p != 'd') {
        return std::nullopt;
    }
    return v;
}

EraRules rules_for(VllmVersion v) {
    EraRules r;
    r.version = v;
    r.extrapolated = v > VllmVersion{k_newest_modelled.major, k_newest_modelled.minor, 999};
    // Release cut dates used for "≈" mappings: v0.10.0 2025-07-24, v0.11.0 2025-10-02,
    // v0.11.1 2025-11-18, v0.12.0 2025-12-03, v0.13.0 2025-12-18; later releases roughly monthly.
    const bool v0_21 = v >= VllmVersion{0, 21, 0};
    r.default_utilization = v0_21 ? 0.92 : 0.9;     // #38284 (2026-04-21), vllm/config/cache.py
    r.cuda_graph_in_budget = v0_21;                   // #38284 turned the #30515 estimate on by default
    r.token_rule = v0_21 ? TokenRule::concurrency_times_len : TokenRule::blocks_times_block_size; // #41069
    if (v >= VllmVersion{0, 18, 0}) {
        r.hybrid_group_ratio = 1.5;                   // #36684 (2026-03-12)
    } else if (v >= VllmVersion{0, 12, 0}) {
        r.hybrid_group_ratio = 1.25;                  // #29303 (2025-11-24)
    }
    r.fa_mla_default_on_hopper = v >= VllmVersion{0, 12, 0};           // #27363 (2025-11-11)
    r.flashinfer_mla_default_on_blackwell = v0_21;                      // 2026-05 code, spec §5.3
    r.nccl_init_before_snapshot = v >= VllmVersion{0, 11, 0};           // #25359
    r.free_error_names_device = v >= VllmVersion{0, 14, 0};             // #30868 (2025-12-17)
    r.full_and_piecewise = v >= VllmVersion{0, 11, 0};                  // #25444
    if (v >= VllmVersion{0, 11, 1}) {
        r.capture_schedule = CaptureSchedule::step8_then_16;            // #26016 (2025-10-24)
    } else if (v >= VllmVersion{0, 10, 0}) {
        r.capture_schedule = CaptureSchedule::step8_to_2s;              // #20628 (2025-07-09)
    } else {
        r.capture_schedule = CaptureSchedule::fixed_512;
    }
    return r;
}

} // namespace vramplan

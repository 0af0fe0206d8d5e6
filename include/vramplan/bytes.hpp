#pragma once
/// Byte arithmetic for the planner core.
///
/// Every memory quantity in the core is a `Bytes` (`uint64_t`) or, where it can go negative
/// (the KV cache of a plan that does not fit), a `SignedBytes` (`int64_t`). Operations that could
/// wrap throw `OverflowError`; the CLI turns that into an input error (exit 2), so an absurd input
/// (10^9 layers) is reported, never silently wrapped. GiB (2^30) and GB (10^9) appear only in
/// rendering and parsing.

#include <cstdint>
#include <stdexcept>
#include <string>

namespace vramplan {

using Bytes = std::uint64_t;
using SignedBytes = std::int64_t;

/// 2^30 bytes: vLLM's `GiB_bytes` (vllm/utils/mem_constants.py).
inline constexpr Bytes k_gib = Bytes{1} << 30;
/// 2^20 bytes.
inline constexpr Bytes k_mib = Bytes{1} << 20;

/// Thrown when a byte computation would not fit in 64 bits.
class OverflowError : public std::overflow_error {
public:
    explicit OverflowError(const std::string& what) : std::overflow_error(what) {}
};

/// Throws the OverflowError of checked_add / checked_mul (kept out of line: the checks are inline).
[[noreturn]] void throw_byte_overflow(Bytes a, char op, Bytes b);
/// a + b, or OverflowError.
inline Bytes checked_add(Bytes a, Bytes b) {
    Bytes r = 0;
    if (__builtin_add_overflow(a, b, &r)) {
        throw_byte_overflow(a, '+', b);
    }
    return r;
}
/// a * b, or OverflowError.
inline Bytes checked_mul(Bytes a, Bytes b) {
    Bytes r = 0;
    if (__builtin_mul_overflow(a, b, &r)) {
        throw_byte_overflow(a, '*', b);
    }
    return r;
}
/// a * b * c, or OverflowError.
Bytes checked_mul(Bytes a, Bytes b, Bytes c);
/// a - b as a signed difference, or OverflowError when it does not fit in int64.
SignedBytes signed_diff(Bytes a, Bytes b);
/// Converts to signed, or OverflowError above INT64_MAX.
SignedBytes to_signed(Bytes a);
/// a + b on signed byte counts (a KV cache and its error bar), or OverflowError.
SignedBytes signed_add(SignedBytes a, SignedBytes b);
/// ceil(a / b) on integers (vLLM's `cdiv`); b must be non-zero.
constexpr std::uint64_t cdiv(std::uint64_t a, std::uint64_t b) { return a / b + (a % b != 0 ? 1 : 0); }
/// Rounds a up to a multiple of m (m > 0).
std::uint64_t round_up(std::uint64_t a, std::uint64_t m);

/// `ceil(total * fraction)` exactly as vLLM's `request_memory` computes it
/// (`math.ceil(total_memory * gpu_memory_utilization)`, vllm/v1/worker/utils.py, #29493): the
/// product is taken in IEEE double, like Python's float, so the result matches vLLM to the byte.
/// This is the one place in the core where a fraction becomes bytes.
Bytes fraction_of(Bytes total, double fraction);

/// A byte count computed in floating point (a calibration ratio, an error bar, the sampler
/// slope, a compressed size) rounded half away from zero, as `std::llround`. OverflowError naming
/// `what` when it is NaN, negative or 2^64 or more, where converting it would be undefined.
Bytes round_bytes(double bytes, const std::string& what);

} // namespace vramplan

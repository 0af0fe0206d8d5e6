#include <vramplan/bytes.hpp>

#include <cmath>
#include <limits>

namespace vramplan {

namespace {
constexpr double k_two_pow_64 = 18446744073709551616.0;
} // namespace

void throw_byte_overflow(Bytes a, char op, Bytes b) {
    throw OverflowError("byte count overflows 64 bits (" + std::to_string(a) + " " + op + " " + std::to_string(b) + ")");
}

Bytes checked_mul(Bytes a, Bytes b, Bytes c) { return checked_mul(checked_mul(a, b), c); }

SignedBytes to_signed(Bytes a) {
    if (a > static_cast<Bytes>(std::numeric_limits<SignedBytes>::max())) {
        throw OverflowError("byte count " + std::to_string(a) + " does not fit a signed 64-bit value");
    }
    return static_cast<SignedBytes>(a);
}

SignedBytes signed_add(SignedBytes a, SignedBytes b) {
    SignedBytes r = 0;
    if (__builtin_add_overflow(a, b, &r)) {
        throw OverflowError("signed byte count overflows 64 bits (" + std::to_string(a) + " + " + std::to_string(b) + ")");
    }
    return r;
}

SignedBytes signed_diff(Bytes a, Bytes b) {
    SignedBytes r = 0;
    if (__builtin_sub_overflow(to_signed(a), to_signed(b), &r)) {
        throw OverflowError("byte difference overflows 64 bits");
    }
    return r;
}

std::uint64_t round_up(std::uint64_t a, std::uint64_t m) { return checked_mul(cdiv(a, m), m); }

Bytes fraction_of(Bytes total, double fraction) {
    // Python: math.ceil(total * u) with total an int converted to float. Totals are < 2^53, so
    // the conversion is exact, and the product rounds exactly as CPython's float multiply does.
    const double product = static_cast<double>(total) * fraction;
    const double rounded = std::ceil(product);
    if (!(rounded >= 0.0) || rounded >= k_two_pow_64) {
        throw OverflowError("budget does not fit 64 bits");
    }
    return static_cast<Bytes>(rounded);
}

Bytes round_bytes(double bytes, const std::string& what) {
    const double rounded = std::round(bytes);
    if (!(rounded >= 0.0) || rounded >= k_two_pow_64) {
        throw OverflowError(what + " does not fit 64 bits");
    }
    return static_cast<Bytes>(rounded);
}

} // namespace vramplan

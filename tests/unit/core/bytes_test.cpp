// Byte arithmetic (include/vramplan/bytes.hpp). Oracles computed by hand; see the comments.
#include <vramplan/bytes.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>

using namespace vramplan;

namespace {
constexpr std::uint64_t k_max = std::numeric_limits<std::uint64_t>::max(); // 2^64 - 1
constexpr std::uint64_t k_2_63 = std::uint64_t{1} << 63;
constexpr std::uint64_t k_2_32 = std::uint64_t{1} << 32;
} // namespace

TEST_CASE("checked_add adds and throws OverflowError past 2^64 - 1", "[bytes]") {
    CHECK(checked_add(2, 3) == 5);
    // 2^63 + (2^63 - 1) = 2^64 - 1: the largest value that fits.
    CHECK(checked_add(k_2_63, k_2_63 - 1) == k_max);
    CHECK_THROWS_AS(checked_add(k_max, 1), OverflowError);
    // 2^63 + 2^63 = 2^64: one past the end.
    CHECK_THROWS_AS(checked_add(k_2_63, k_2_63), OverflowError);
}

TEST_CASE("checked_mul multiplies and throws OverflowError past 2^64 - 1", "[bytes]") {
    CHECK(checked_mul(65536, 32) == 2097152);
    // 2^32 * (2^32 - 1) = 2^64 - 2^32 = 18446744069414584320: fits.
    CHECK(checked_mul(k_2_32, k_2_32 - 1) == 18446744069414584320ULL);
    // 2^32 * 2^32 = 2^64: overflows.
    CHECK_THROWS_AS(checked_mul(k_2_32, k_2_32), OverflowError);
    CHECK_THROWS_AS(checked_mul(k_max, 2), OverflowError);
    // Three factors: 32 * 8 * 256 = 65536; 2^22 * 2^21 * 2^21 = 2^64 overflows.
    CHECK(checked_mul(32, 8, 256) == 65536);
    CHECK_THROWS_AS(checked_mul(std::uint64_t{1} << 22, std::uint64_t{1} << 21, std::uint64_t{1} << 21), OverflowError);
    // Zero never overflows.
    CHECK(checked_mul(0, k_max) == 0);
    // OverflowError is a std::overflow_error.
    CHECK_THROWS_AS(checked_mul(k_max, k_max), std::overflow_error);
}

TEST_CASE("cdiv is ceil(a / b) on integers", "[bytes]") {
    CHECK(cdiv(0, 16) == 0);
    CHECK(cdiv(1, 16) == 1);
    CHECK(cdiv(16, 16) == 1);
    CHECK(cdiv(17, 16) == 2);
    CHECK(cdiv(8192, 16) == 512);   // 8192 / 16 = 512 exactly
    CHECK(cdiv(8193, 16) == 513);   // 512 + 1 for the partial block
    CHECK(cdiv(10, 3) == 4);        // 3.33 -> 4
    CHECK(cdiv(k_max, 1) == k_max);
    CHECK(cdiv(k_max, 2) == k_2_63); // (2^64 - 1) / 2 = 2^63 - 0.5 -> 2^63
    STATIC_REQUIRE(cdiv(9216, 16) == 576);
}

TEST_CASE("round_up rounds to a multiple", "[bytes]") {
    CHECK(round_up(30, 64) == 64);
    CHECK(round_up(128256, 64) == 128256); // 128256 = 64 * 2004
    CHECK(round_up(151655, 64) == 151680); // 64 * 2370 = 151680
    CHECK(round_up(0, 64) == 0);
}

TEST_CASE("fraction_of is math.ceil(total * u) in IEEE double", "[bytes]") {
    // H100: 85,017,493,504 * 0.9 = 76,515,744,153.6 (the double 0.9 is 0.9 + 2.2e-17, which adds
    // only ~1.9e-6 to the product; the spacing of doubles near 7.65e10 is 2^-16 ≈ 1.5e-5), so the
    // product is 76515744153.6000x and its ceiling is 76,515,744,154.
    CHECK(fraction_of(85017493504ULL, 0.9) == 76515744154ULL);
    // 85,017,493,504 * 0.95 = 80,766,618,828.8 -> 80,766,618,829 (spec §10 ex. 2: 75.23 GiB).
    CHECK(fraction_of(85017493504ULL, 0.95) == 80766618829ULL);
    // 85,017,493,504 * 0.92 = 78,216,094,023.68 -> 78,216,094,024.
    CHECK(fraction_of(85017493504ULL, 0.92) == 78216094024ULL);
    // Python: 100 * 0.07 == 7.000000000000001 (0.07 is stored as 0.07 + 6.7e-18, and 6.7e-16 is more
    // than half an ulp of 7, 4.4e-16), so math.ceil gives 8, not 7. Exact decimal arithmetic would
    // give 7: this checks that the product is taken in double, like vLLM.
    CHECK(fraction_of(100, 0.07) == 8);
    CHECK(fraction_of(100, 0.5) == 50);
    CHECK(fraction_of(85017493504ULL, 1.0) == 85017493504ULL);
}

TEST_CASE("signed_diff and to_signed", "[bytes]") {
    CHECK(signed_diff(1, 2) == -1);
    CHECK(signed_diff(5, 3) == 2);
    // 0 - H100 total.
    CHECK(signed_diff(0, 85017493504ULL) == -85017493504LL);
    // 14,990,000,000 - 76,515,744,154 = -61,525,744,154
    CHECK(signed_diff(14990000000ULL, 76515744154ULL) == -61525744154LL);
    const std::uint64_t int64_max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    CHECK(to_signed(int64_max) == std::numeric_limits<std::int64_t>::max());
    CHECK_THROWS_AS(to_signed(int64_max + 1), OverflowError);
    // Operands above INT64_MAX cannot be made signed.
    CHECK_THROWS_AS(signed_diff(k_2_63, 0), OverflowError);
    CHECK_THROWS_AS(signed_diff(0, k_max), OverflowError);
}

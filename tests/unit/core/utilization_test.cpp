// Bytes → --gpu-memory-utilization (include/vramplan/utilization.hpp). Oracles by hand: the budget
// at u is ceil(total × u) with the product in IEEE double; the products that matter are written out
// in the comments (each is what Python prints for the same expression).
#include <vramplan/utilization.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <optional>

using namespace vramplan;

namespace {

/// The answer's hundredths, or 0 when unset, so a failing CHECK prints a number.
int hundredths(std::optional<UtilizationStep> step) { return step ? step->hundredths : 0; }

constexpr Bytes k_150_gb = 150'000'000'000;

} // namespace

TEST_CASE("UtilizationStep: the double a user's decimal parses to", "[utilization]") {
    // 57 / 100.0 is the double nearest 0.57, as `--gpu-memory-utilization 0.57` parses; 57 × 0.01
    // is 0.5700000000000001, another double.
    CHECK(UtilizationStep{57}.value() == 0.57);
    CHECK(UtilizationStep{29}.value() == 0.29);
    CHECK(UtilizationStep{100}.value() == 1.0);
    CHECK(k_min_utilization_step.value() == 0.01);
    CHECK(UtilizationStep{28} < UtilizationStep{29});
}

TEST_CASE("min_utilization_covering: exact boundaries", "[utilization]") {
    // total 1000: ceil(1000 × h/100) is exactly 10h for every step.
    CHECK(hundredths(min_utilization_covering(1000, 290)) == 29);   // 1000 × 0.29 = 290.0
    CHECK(hundredths(min_utilization_covering(1000, 291)) == 30);   // 290 < 291 ≤ 300
    CHECK(hundredths(min_utilization_covering(1000, 289)) == 29);   // 280 < 289
    CHECK(hundredths(min_utilization_covering(1000, 1000)) == 100); // the whole card
    CHECK(hundredths(min_utilization_covering(1000, 10)) == 1);
}

TEST_CASE("min_utilization_covering: 0 bytes, and more than the card", "[utilization]") {
    CHECK(hundredths(min_utilization_covering(1000, 0)) == 1);      // vLLM takes no utilization of 0
    CHECK_FALSE(min_utilization_covering(1000, 1001).has_value());  // 1.00 budgets 1000
    CHECK_FALSE(min_utilization_covering(100, std::numeric_limits<Bytes>::max()).has_value());
    // A total of 0 budgets 0 at every step.
    CHECK(hundredths(min_utilization_covering(0, 0)) == 1);
    CHECK_FALSE(min_utilization_covering(0, 1).has_value());
}

TEST_CASE("min_utilization_covering: the double products, not the decimals", "[utilization]") {
    // 100 × 0.28 = 28.000000000000004, so 0.28 of 100 bytes budgets 29: it covers 29, where
    // dividing (29 / 100 → 0.29) would answer one step too high.
    CHECK(hundredths(min_utilization_covering(100, 29)) == 28);
    // 100 × 0.56 = 56.00000000000001 → 57, and 100 × 0.57 = 56.99999999999999 → 57 as well.
    CHECK(hundredths(min_utilization_covering(100, 57)) == 56);
    // 100 × 0.07 = 7.000000000000001 → 8; 100 × 0.06 = 6.0.
    CHECK(hundredths(min_utilization_covering(100, 8)) == 7);
    CHECK(hundredths(min_utilization_covering(100, 7)) == 7);
    // A 150 GB card: 150e9 × 0.07 = 10500000000.000002 → 10500000001 bytes.
    CHECK(hundredths(min_utilization_covering(k_150_gb, 10'500'000'001)) == 7);
    CHECK(hundredths(min_utilization_covering(k_150_gb, 10'500'000'002)) == 8);   // 150e9 × 0.08 = 12e9
}

TEST_CASE("max_utilization_within: exact boundaries", "[utilization]") {
    CHECK(hundredths(max_utilization_within(1000, 290)) == 29);   // 1000 × 0.29 = 290.0
    CHECK(hundredths(max_utilization_within(1000, 289)) == 28);   // 280 ≤ 289 < 290
    CHECK(hundredths(max_utilization_within(1000, 1000)) == 100);
    CHECK(hundredths(max_utilization_within(1000, 999)) == 99);   // 990 ≤ 999 < 1000
    CHECK(hundredths(max_utilization_within(1000, 10)) == 1);
}

TEST_CASE("max_utilization_within: 0 bytes, negative caps, caps past the card", "[utilization]") {
    CHECK_FALSE(max_utilization_within(1000, 9).has_value());   // 0.01 budgets 10
    CHECK_FALSE(max_utilization_within(1000, 0).has_value());
    CHECK_FALSE(max_utilization_within(1000, -1).has_value());
    CHECK_FALSE(max_utilization_within(1000, std::numeric_limits<SignedBytes>::min()).has_value());
    CHECK(hundredths(max_utilization_within(1000, 5000)) == 100);
    CHECK(hundredths(max_utilization_within(1000, std::numeric_limits<SignedBytes>::max())) == 100);
    CHECK(hundredths(max_utilization_within(0, 0)) == 100);     // a total of 0 budgets 0
}

TEST_CASE("max_utilization_within: the double products, not the decimals", "[utilization]") {
    // 100 × 0.57 = 56.99999999999999 → 57 ≤ 57: 0.57 fits, where flooring 57 / 100 × 100
    // (56.99999999999999) would answer 0.56.
    CHECK(hundredths(max_utilization_within(100, 57)) == 57);
    // 100 × 0.29 = 28.999999999999996 → 29 ≤ 29.
    CHECK(hundredths(max_utilization_within(100, 29)) == 29);
    // 100 × 0.28 = 28.000000000000004 → 29 > 28, so 0.27; flooring 28 / 100 × 100
    // (28.000000000000004) would answer 0.28 and overshoot the cap by a byte.
    CHECK(hundredths(max_utilization_within(100, 28)) == 27);
    // 100 × 0.07 → 8 > 7, so 0.06.
    CHECK(hundredths(max_utilization_within(100, 7)) == 6);
    // A 150 GB card: 0.07 budgets 10500000001, one byte past 10.5e9.
    CHECK(hundredths(max_utilization_within(k_150_gb, 10'500'000'000)) == 6);
    CHECK(hundredths(max_utilization_within(k_150_gb, 10'500'000'001)) == 7);
}

TEST_CASE("the two inversions agree with fraction_of at every step", "[utilization]") {
    // Whatever the total, the answer's budget meets the bound and the neighbouring step's misses it.
    for (const Bytes total : {Bytes{100}, Bytes{1000}, k_150_gb, Bytes{85'899'345'920}, Bytes{81'559'830'528}}) {
        for (int h = 1; h <= 100; ++h) {
            const Bytes budget = fraction_of(total, UtilizationStep{h}.value());
            const std::optional<UtilizationStep> low = min_utilization_covering(total, budget);
            REQUIRE(low.has_value());
            CHECK(low->hundredths <= h);
            CHECK(fraction_of(total, low->value()) >= budget);
            if (low->hundredths > 1) {
                CHECK(fraction_of(total, UtilizationStep{low->hundredths - 1}.value()) < budget);
            }
            const std::optional<UtilizationStep> high = max_utilization_within(total, to_signed(budget));
            REQUIRE(high.has_value());
            CHECK(high->hundredths >= h);
            CHECK(fraction_of(total, high->value()) <= budget);
            if (high->hundredths < 100) {
                CHECK(fraction_of(total, UtilizationStep{high->hundredths + 1}.value()) > budget);
            }
        }
    }
}

TEST_CASE("the inversions throw only where fraction_of does", "[utilization]") {
    // A total within 2^11 of 2^64 becomes 2^64 as a double: its budget at 1.00 does not fit.
    CHECK_THROWS_AS(min_utilization_covering(std::numeric_limits<Bytes>::max(), std::numeric_limits<Bytes>::max()), OverflowError);
    // INT64_MAX becomes 2^63 as a double: 1.00 budgets 2^63, one byte past a cap of INT64_MAX; 0.99
    // stays within.
    CHECK(hundredths(max_utilization_within(static_cast<Bytes>(std::numeric_limits<SignedBytes>::max()),
                                            std::numeric_limits<SignedBytes>::max())) == 99);
}

// Size, fraction and count parsing (include/vramplan/io/sizes.hpp).
#include <vramplan/io/errors.hpp>
#include <vramplan/io/sizes.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

using namespace vramplan;

TEST_CASE("parse_size: binary, decimal and vLLM units", "[io][sizes]") {
    // 79.19 GiB = 7,919 x 2^30 / 100 = 7,919 x 1,073,741,824 / 100 = 8,502,961,504,256 / 100
    //           = 85,029,615,042.56 -> nearest byte 85,029,615,043 (= llround(79.19 x 2^30)).
    CHECK(parse_size("79.19GiB", "--gpu-memory") == 85029615043ULL);
    // 81,559 x 1,048,576 = 85,520,809,984.
    CHECK(parse_size("81559MiB", "--gpu-memory") == 85520809984ULL);
    CHECK(parse_size("80GB", "--gpu-memory") == 80000000000ULL);
    // vLLM human_readable_int: upper-case G = 2^30: 40 x 1,073,741,824 = 42,949,672,960.
    CHECK(parse_size("40G", "--kv-cache-memory-bytes") == 42949672960ULL);
    // Lower-case k = 1000, upper-case K = 1024.
    CHECK(parse_size("1k", "--kv-cache-memory-bytes") == 1000);
    CHECK(parse_size("1K", "--kv-cache-memory-bytes") == 1024);
    CHECK(parse_size("123", "--gpu-memory") == 123);
    // 1.5 x 2^30 = 1,610,612,736; 0.5 KiB = 512; 1 TiB = 2^40.
    CHECK(parse_size("1.5GiB", "x") == 1610612736ULL);
    CHECK(parse_size("0.5KiB", "x") == 512);
    CHECK(parse_size("1TiB", "x") == 1099511627776ULL);
    // 2.5 MB = 2,500,000.
    CHECK(parse_size("2.5MB", "x") == 2500000);
}

TEST_CASE("parse_size: rejects malformed sizes with InputError", "[io][sizes]") {
    for (const std::string bad : {"", "abc", "-1GiB", "1e30", "0", "1.5.2GB", "nanGiB", "GiB", "0GiB", "12 parsecs", "inf"}) {
        INFO("input '" << bad << "'");
        CHECK_THROWS_AS(parse_size(bad, "--gpu-memory"), InputError);
    }
    // The message names the flag.
    CHECK_THROWS_WITH(parse_size("abc", "--gpu-memory"), Catch::Contains("--gpu-memory"));
}

TEST_CASE("parse_fraction: (0, 1] like Python float()", "[io][sizes]") {
    CHECK(parse_fraction("0.9", "--gpu-memory-utilization") == 0.9);
    CHECK(parse_fraction("0.92", "--gpu-memory-utilization") == 0.92);
    CHECK(parse_fraction("1", "--gpu-memory-utilization") == 1.0);
    CHECK(parse_fraction("1.0", "--gpu-memory-utilization") == 1.0);
    for (const std::string bad : {"1.5", "0", "nan", "inf", "0.9x", "", "-0.5", "1.0000001"}) {
        INFO("input '" << bad << "'");
        CHECK_THROWS_AS(parse_fraction(bad, "--gpu-memory-utilization"), InputError);
    }
    CHECK_THROWS_WITH(parse_fraction("1.5", "--gpu-memory-utilization"), Catch::Contains("--gpu-memory-utilization"));
}

TEST_CASE("parse_count: positive integers with k/K suffixes", "[io][sizes]") {
    const std::uint64_t max = std::uint64_t{1} << 40;
    CHECK(parse_count("32k", "--max-model-len", max) == 32000);   // 32 x 1000
    CHECK(parse_count("32K", "--max-model-len", max) == 32768);   // 32 x 1024
    CHECK(parse_count("8192", "--max-model-len", max) == 8192);
    CHECK(parse_count("1", "--max-model-len", max) == 1);
    for (const std::string bad : {"0", "-5", "1e30", "", "k", "1.5", "99999999999999999999999"}) {
        INFO("input '" << bad << "'");
        CHECK_THROWS_AS(parse_count(bad, "--max-model-len", max), InputError);
    }
    // Above the caller's maximum.
    CHECK_THROWS_AS(parse_count("1025", "--max-num-seqs", 1024), InputError);
    CHECK_THROWS_AS(parse_count("2K", "--max-num-seqs", 2047), InputError); // 2,048 > 2,047
    CHECK(parse_count("2K", "--max-num-seqs", 2048) == 2048);
}

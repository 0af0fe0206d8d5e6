// The one number grammar of flags and file fields (issue 16 item 6, include/vramplan/io/sizes.hpp):
// one table row per rule, every parser checked against it.
#include <vramplan/io/errors.hpp>
#include <vramplan/io/sizes.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

using namespace vramplan;

namespace {

struct Parser {
    const char* name;
    std::function<void(const std::string&)> parse;
};

std::vector<Parser> parsers() {
    return {
        {"parse_size", [](const std::string& t) { (void)parse_size(t, "--gpu-memory"); }},
        {"parse_fraction", [](const std::string& t) { (void)parse_fraction(t, "--gpu-memory-utilization"); }},
        {"parse_count", [](const std::string& t) { (void)parse_count(t, "--max-model-len", std::uint64_t{1} << 40); }},
        {"parse_integer", [](const std::string& t) { (void)parse_integer(t, "-tp", 0, 1024); }},
        {"parse_real", [](const std::string& t) { (void)parse_real(t, "--link-gbs", 0.0, 1e6); }},
    };
}

} // namespace

TEST_CASE("number grammar: every parser refuses the same malformed texts", "[io][sizes][grammar]") {
    struct Rule {
        const char* rule;
        const char* text;
    };
    // One row per rule of the grammar; each text would be a valid number without its fault ("1").
    const Rule rules[] = {
        {"empty is an error", ""},
        {"no leading space", " 1"},
        {"no trailing space", "1 "},
        {"no tab or newline", "1\n"},
        {"no hex", "0x10"},
        {"no sign", "+1"},
        {"no negative", "-1"},
        {"no digit separators", "1_000"},
        {"no inf", "inf"},
        {"no nan", "nan"},
        {"no words", "one"},
    };
    for (const Parser& p : parsers()) {
        for (const Rule& r : rules) {
            INFO(p.name << ": " << r.rule << " ('" << r.text << "')");
            CHECK_THROWS_AS(p.parse(r.text), InputError);
        }
    }
}

TEST_CASE("number grammar: the subject is named and the text quoted", "[io][sizes][grammar]") {
    CHECK_THROWS_WITH(parse_integer("0x10", "-tp", 1, 1024), "-tp: expected an integer from 1 to 1024, got '0x10'");
    CHECK_THROWS_WITH(parse_real(" 0.5", "--link-gbs", 0.0, 100.0, false),
                      "--link-gbs: expected a decimal number greater than 0 and at most 100, got ' 0.5'");
    CHECK_THROWS_WITH(parse_fraction(" 0.5", "--gpu-memory-utilization"), "--gpu-memory-utilization: expected a number in (0, 1], got ' 0.5'");
    CHECK_THROWS_WITH(parse_size("80GiB ", "--gpu-memory"),
                      "--gpu-memory: expected a size such as 79.19GiB, 81559MiB, 80GB or a byte count, got '80GiB '");
}

TEST_CASE("number grammar: decimal forms accepted", "[io][sizes][grammar]") {
    CHECK(parse_real("12.5", "x", 0.0, 100.0) == 12.5);
    CHECK(parse_real(".5", "x", 0.0, 100.0) == 0.5);     // Python float(".5")
    CHECK(parse_real("5.", "x", 0.0, 100.0) == 5.0);     // Python float("5.")
    CHECK(parse_real("1e1", "x", 0.0, 100.0) == 10.0);   // Python float("1e1")
    CHECK(parse_real("0", "x", 0.0, 100.0) == 0.0);      // min inclusive
    CHECK_THROWS_AS(parse_real("0", "x", 0.0, 100.0, false), InputError);
    CHECK_THROWS_AS(parse_real(".", "x", 0.0, 100.0), InputError);
    CHECK_THROWS_AS(parse_real("1e", "x", 0.0, 100.0), InputError);
    CHECK_THROWS_AS(parse_real("1e400", "x", 0.0, 1e300), InputError);   // out of range of a double
    CHECK(parse_integer("0", "x", 0, 10) == 0);
    CHECK(parse_integer("007", "x", 0, 10) == 7);   // Python int("007") = 7
    CHECK_THROWS_AS(parse_integer("1.0", "x", 0, 10), InputError);
    CHECK_THROWS_AS(parse_integer("99999999999999999999999", "x", 0, 10), InputError);
}

TEST_CASE("parse_count: vLLM's human_readable_int suffixes", "[io][sizes][grammar]") {
    const std::uint64_t max = std::uint64_t{1} << 50;
    // vllm/utils/argparse_utils.py:29-72 @main: k m g t = 1000^n (decimals allowed, truncated by
    // int()), K M G T = 1024^n (integers only).
    CHECK(parse_count("1k", "f", max) == 1000);
    CHECK(parse_count("1K", "f", max) == 1024);
    CHECK(parse_count("25.6k", "f", max) == 25600);        // 25.6 x 1000
    CHECK(parse_count("1.0005k", "f", max) == 1000);       // 1000.5 truncated, as int() does
    CHECK(parse_count("2m", "f", max) == 2000000);         // 2 x 10^6
    CHECK(parse_count("2M", "f", max) == 2097152);         // 2 x 2^20
    CHECK(parse_count("1g", "f", max) == 1000000000);      // 10^9
    CHECK(parse_count("1G", "f", max) == 1073741824);      // 2^30
    CHECK(parse_count("1t", "f", max) == 1000000000000);   // 10^12
    CHECK(parse_count("1T", "f", max) == 1099511627776);   // 2^40
    for (const std::string bad : {"1.5K", "k", "1kk", "1.k", ".5k", "1.5", "1 k", "0k"}) {
        INFO("'" << bad << "'");
        CHECK_THROWS_AS(parse_count(bad, "f", max), InputError);
    }
    CHECK_THROWS_AS(parse_count("99999999999999999999999999T", "f", max), InputError);   // no u128 overflow
}

// Size, fraction and count strings as flags take them: "79.19GiB", "80GB", "0.9", "4096".
#include "../fuzz.hpp"

#include <vramplan/io/errors.hpp>
#include <vramplan/io/sizes.hpp>

#include <cmath>

VRAMPLAN_FUZZ_TARGET(size) {
    using namespace vramplan;
    const std::string s = fuzz::text(data, size);
    fuzz::accepts([&] { (void)parse_size(s, "--gpu-memory"); });
    fuzz::accepts([&] {
        const double u = parse_fraction(s, "--gpu-memory-utilization");
        if (!(u > 0.0 && u <= 1.0)) {
            fuzz::fail("parse_fraction accepted " + std::to_string(u));
        }
    });
    fuzz::accepts([&] {
        if (parse_count(s, "--max-model-len", std::uint64_t{1} << 40) > (std::uint64_t{1} << 40)) {
            fuzz::fail("parse_count exceeded its maximum");
        }
    });
    fuzz::accepts([&] {
        if (parse_integer(s, "-tp", 1, 1024) - 1 >= 1024) {
            fuzz::fail("parse_integer left its range");
        }
    });
    fuzz::accepts([&] {
        const double v = parse_real(s, "--link-gbs", 0.0, 1e5, false);
        if (!(v > 0.0 && v <= 1e5)) {
            fuzz::fail("parse_real accepted " + std::to_string(v));
        }
    });
    // The one grammar (issue 16): no parser accepts a space, a sign or hex.
    if (!s.empty() && (s.find_first_of(" \t\n") != std::string::npos || s.front() == '+' || s.find("0x") != std::string::npos)) {
        for (const auto& parse : {+[](const std::string& t) { (void)parse_size(t, "f"); }, +[](const std::string& t) { (void)parse_fraction(t, "f"); },
                                  +[](const std::string& t) { (void)parse_count(t, "f", std::uint64_t{1} << 40); },
                                  +[](const std::string& t) { (void)parse_integer(t, "f", 0, 1024); },
                                  +[](const std::string& t) { (void)parse_real(t, "f", 0.0, 1e5); }}) {
            bool accepted = true;
            try {
                parse(s);
            } catch (const vramplan::InputError&) {
                accepted = false;
            }
            if (accepted) {
                fuzz::fail("a number with a space, sign or hex was accepted: '" + s + "'");
            }
        }
    }
    return 0;
}

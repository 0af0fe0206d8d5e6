// Size, fraction and count strings as flags take them: "79.19GiB", "80GB", "0.9", "4096".
#include "../fuzz.hpp"

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
    return 0;
}

// A `vramplan check --policy` file.
#include "../fuzz.hpp"

#include <vramplan/io/policy.hpp>

VRAMPLAN_FUZZ_TARGET(policy) {
    using namespace vramplan;
    fuzz::accepts([&] { (void)parse_policy(fuzz::text(data, size), "policy.json"); });
    return 0;
}

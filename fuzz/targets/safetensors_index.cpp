// model.safetensors.index.json.
#include "../fuzz.hpp"

#include <vramplan/io/safetensors.hpp>

VRAMPLAN_FUZZ_TARGET(safetensors_index) {
    using namespace vramplan;
    fuzz::accepts([&] {
        const CheckpointSize c = parse_safetensors_index(fuzz::text(data, size), "model.safetensors.index.json");
        if (c.bytes == 0 || c.bytes > (std::uint64_t{1} << 50)) {
            fuzz::fail("index total out of range");
        }
    });
    return 0;
}

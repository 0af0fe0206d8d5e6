// A .safetensors file: 8-byte little-endian header length, the JSON header, then the data. The
// input is the whole file (its size is the file size the header's offsets are checked against).
#include "../fuzz.hpp"

#include <vramplan/io/safetensors.hpp>

VRAMPLAN_FUZZ_TARGET(safetensors) {
    using namespace vramplan;
    const std::string_view file(reinterpret_cast<const char*>(data), size);
    fuzz::accepts([&] {
        const Bytes total = safetensors_data_bytes_in(file, "fuzz.safetensors");
        if (total > size) {
            fuzz::fail("tensor bytes exceed the file");
        }
    });
    return 0;
}

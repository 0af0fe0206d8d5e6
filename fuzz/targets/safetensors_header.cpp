// A safetensors header's JSON alone, scanned as vramplan scans every header: one SAX pass, no
// JSON DOM (issue 16 item 4), validated as the safetensors library validates it.
#include "../fuzz.hpp"

#include <vramplan/io/safetensors.hpp>

VRAMPLAN_FUZZ_TARGET(safetensors_header) {
    using namespace vramplan;
    const std::string header = fuzz::text(data, size);
    fuzz::accepts([&] {
        const SafetensorsHeaderScan scan = scan_safetensors_header(header, "fuzz.safetensors");
        // The smallest legal tensor, `"":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}`, is 49 bytes.
        if (scan.tensors * 49 > size) {
            fuzz::fail("more tensors than the header has room for");
        }
        if (scan.tensors == 0 && !scan.last_tensor.empty()) {
            fuzz::fail("a last tensor named without tensors");
        }
        // Accepted over a data section of exactly data_end bytes; refused over one byte more.
        if (safetensors_header_data_bytes(header, scan.data_end, "fuzz.safetensors") != scan.data_end) {
            fuzz::fail("data bytes differ from the scanned data end");
        }
        if (fuzz::accepts([&] { (void)safetensors_header_data_bytes(header, scan.data_end + 1, "fuzz.safetensors"); })) {
            fuzz::fail("a data section with bytes no tensor owns was accepted");
        }
    });
    return 0;
}

// What the Hugging Face cache and the Hub hand back as text: `--model ORG/NAME@REVISION`, a
// refs/REVISION file, vramplan's safetensors header marker and an index's weight_map.
#include "../fuzz.hpp"

#include <vramplan/io/hub.hpp>

VRAMPLAN_FUZZ_TARGET(hub) {
    using namespace vramplan;
    const std::string s = fuzz::text(data, size);
    if (const auto id = parse_hub_model_id(s)) {
        // The revision becomes a path under refs/ and snapshots/: no "." or ".." component ("..pr"
        // is an ordinary name; fuzz/regressions/hub holds the input that showed the first version
        // of this check was too strict).
        const std::string path = "/" + id->revision + "/";
        if (id->repo.find('/') == std::string::npos || id->revision.empty() || path.find("/../") != std::string::npos ||
            path.find("/./") != std::string::npos || path.find("//") != std::string::npos) {
            fuzz::fail("parse_hub_model_id accepted a malformed id");
        }
    }
    fuzz::accepts([&] {
        if (parse_hub_ref(s, "refs/main").size() != 40) {
            fuzz::fail("a ref that is not 40 characters");
        }
    });
    fuzz::accepts([&] {
        const SafetensorsHeaderMarker m = parse_header_marker(s, "x.header.json");
        if (m.data_bytes > m.file_size) {
            fuzz::fail("marker data beyond the file");
        }
        if (parse_header_marker(header_marker_json(m), "round trip").file_size != m.file_size) {
            fuzz::fail("marker round trip");
        }
    });
    fuzz::accepts([&] {
        for (const std::string& shard : parse_safetensors_index_shards(s, "model.safetensors.index.json")) {
            if (shard.find('/') != std::string::npos || shard.front() == '.') {
                fuzz::fail("a shard name that is a path");
            }
        }
    });
    return 0;
}

// A model's config.json (any Hugging Face repository): parsed, then planned in four eras and
// layouts with every report rendered and the accounting identities checked.
#include "../fuzz.hpp"
#include "../plan_probe.hpp"

#include <vramplan/io/catalog.hpp>
#include <vramplan/io/hf_config.hpp>

VRAMPLAN_FUZZ_TARGET(hf_config) {
    using namespace vramplan;
    ParsedModel parsed;
    if (!fuzz::accepts([&] { parsed = parse_hf_config(parse_json_text(fuzz::text(data, size), "config.json"), "config.json"); })) {
        return 0;
    }
    static const GpuSpec h100 = fuzz::catalog().gpu("h100").spec;
    fuzz::probe_plans(parsed.spec, h100);
    for (const char* q : {"fp8", "bitsandbytes"}) {
        ParsedModel online = parsed;
        if (fuzz::accepts([&] { apply_quantization_flag(online, q); })) {
            fuzz::probe_plans(online.spec, h100);
        }
    }
    return 0;
}

// GPU, model and preset profiles (profiles/*/…json, --profiles DIR): each input is tried as all
// three kinds; what parses is planned (a GPU with a small model, a model on an H100, a preset
// solved for Qwen2.5-1.5B on an A10).
#include "../fuzz.hpp"
#include "../plan_probe.hpp"

#include <vramplan/solve.hpp>

#include <vramplan/io/catalog.hpp>
#include <vramplan/io/hf_config.hpp>

VRAMPLAN_FUZZ_TARGET(profile) {
    using namespace vramplan;
    nlohmann::json j;
    if (!fuzz::accepts([&] { j = parse_json_text(fuzz::text(data, size), "fuzz.json"); })) {
        return 0;
    }
    static const ModelSpec small = parse_hf_config(fuzz::catalog().model("qwen2.5-1.5b-instruct").config, "catalog").spec;
    static const GpuSpec h100 = fuzz::catalog().gpu("h100").spec;
    static const GpuSpec a10 = fuzz::catalog().gpu("a10").spec;
    Catalog c;
    if (fuzz::accepts([&] { c.add_profile(ProfileKind::gpu, j, "fuzz.json"); })) {
        fuzz::probe_plans(small, c.gpus().begin()->second.spec);
    }
    if (fuzz::accepts([&] { c.add_profile(ProfileKind::model, j, "fuzz.json"); })) {
        ModelSpec model;
        if (fuzz::accepts([&] { model = parse_hf_config(c.models().begin()->second.config, "fuzz.json").spec; })) {
            fuzz::probe_plans(model, h100);
        }
    }
    if (fuzz::accepts([&] { c.add_profile(ProfileKind::preset, j, "fuzz.json"); })) {
        PlanRequest base;
        base.model = small;
        base.gpu = a10;
        fuzz::accepts([&] {
            const Solved p = solve_preset(c.presets().begin()->second.spec, base, false, false, 8);
            (void)p;
        });
    }
    return 0;
}

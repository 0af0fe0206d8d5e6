// vLLM deployments (`vramplan check`): the input as shell/text command lines and as a
// `vllm serve --config` YAML file; every launch that parses is turned into a plan request the way
// check does it, and planned.
#include "../fuzz.hpp"
#include "../plan_probe.hpp"

#include <vramplan/io/plan_inputs.hpp>

#include <vramplan/io/deployment.hpp>
#include <vramplan/io/vllm_command.hpp>

namespace {
void plan_deployment(const vramplan::Deployment& d) {
    using namespace vramplan;
    PlanInputs options;
    options.gpu = "h100";
    fuzz::accepts([&] {
        (void)apply_deployment_flags(d, options);
        (void)not_modelled_flags(d);   // what check warns about
        options[PlanField::model] = catalog_model_name(fuzz::catalog(), options[PlanField::model]);
        if (fuzz::catalog().find_model(options[PlanField::model]) == nullptr) {
            options[PlanField::model] = "qwen2.5-1.5b-instruct";   // never read paths a fuzzed input names
        }
        const BuiltRequest built = build_request(fuzz::catalog(), options, false);
        fuzz::probe_plan(built.request);
    });
}
} // namespace

VRAMPLAN_FUZZ_TARGET(deployment) {
    using namespace vramplan;
    const std::string_view s(reinterpret_cast<const char*>(data), size);
    std::vector<Deployment> commands;
    if (fuzz::accepts([&] { commands = parse_vllm_commands(s, "fuzz.sh"); })) {
        for (const Deployment& d : commands) {
            plan_deployment(d);
        }
    }
    Deployment yaml;
    if (fuzz::accepts([&] { yaml = parse_vllm_yaml(s, "fuzz.yaml"); })) {
        plan_deployment(yaml);
    }
    return 0;
}

// `vramplan check`'s loop over deployments and releases (io/check.hpp).
#include <vramplan/io/check.hpp>

#include <vramplan/io/errors.hpp>
#include <vramplan/io/plan_inputs.hpp>
#include <vramplan/io/vllm_command.hpp>

#include <algorithm>

namespace vramplan {

namespace {

std::size_t flag_line(const Deployment& d, const std::string& name) {
    const DeploymentFlag* f = d.find(name);
    return f != nullptr && f->line > 0 ? f->line : d.line;
}

/// Plans one deployment for one release and evaluates the policy; throws InputError for bad
/// input inside the deployment.
void check_one(const Catalog& catalog, const Deployment& d, const Policy& pol, const CheckInputs& in, const std::optional<RestoreFit>& fit,
               DeploymentCheck& res) {
    PlanInputs p;
    const std::vector<std::string> ignored = apply_deployment_flags(d, p);
    if (p[PlanField::model].empty()) {
        throw InputError("expected a model (the positional argument of `vllm serve`, --model, or `model:` in YAML)");
    }
    res.model = p[PlanField::model];
    if (const std::string known = catalog_model_name(catalog, p[PlanField::model]); known != p[PlanField::model]) {
        res.notes.push_back("model '" + p[PlanField::model] + "' is not on this machine: planned as the catalog's " + known);
        p[PlanField::model] = known;
    }
    p.gpu = pol.gpu;
    p.gpu_memory = in.gpu_memory;
    p.vllm_version = res.version;
    p.other_processes_memory = in.other_processes_memory;
    const BuiltRequest built = build_request(catalog, p, false);
    res.gpu = built.request.gpu.id;
    res.plan = make_plan(built.request);
    for (const std::string& w : built.warnings) {
        res.notes.push_back("warning: " + w);
    }
    const PolicyResult judged = evaluate_policy(built.request, *res.plan, pol, fit);
    res.violations = judged.violations;
    res.fix_all = judged.fix_all;
    for (const Violation& v : res.violations) {
        res.violation_lines.push_back(flag_line(d, v.fix_changes_context ? "max-model-len" : "gpu-memory-utilization"));
    }
    // Ignored flags: those that may move memory are warnings (DeploymentCheck::warned); the rest
    // are the engine table's no_memory_effect rows (and switches turned off), a note.
    res.not_modelled = not_modelled_flags(d);
    std::vector<std::string> no_effect;
    for (const std::string& f : ignored) {
        const std::string base = f.substr(0, f.find('.'));
        const bool warned = std::any_of(res.not_modelled.begin(), res.not_modelled.end(), [&](const NotModelledFlag& n) { return n.name == base; });
        if (!warned && std::find(no_effect.begin(), no_effect.end(), base) == no_effect.end()) {
            no_effect.push_back(base);
        }
    }
    std::string list;
    for (const std::string& f : no_effect) {
        list += (list.empty() ? "" : ", ") + f;
    }
    if (!list.empty()) {
        res.notes.push_back("vLLM flags without effect on GPU memory at startup: " + list);
    }
}

} // namespace

std::vector<DeploymentCheck> check_deployments(const Catalog& catalog, const std::vector<Deployment>& deployments, const Policy& pol,
                                               const CheckInputs& in, const std::optional<RestoreFit>& fit) {
    std::vector<DeploymentCheck> results;
    for (const Deployment& d : deployments) {
        for (const std::string& version : pol.vllm_versions) {
            DeploymentCheck res;
            res.source = d.source;
            res.line = d.line;
            res.entrypoint = d.entrypoint;
            res.version = version;
            res.gpu = pol.gpu.empty() ? "--gpu-memory " + in.gpu_memory : pol.gpu;
            try {
                check_one(catalog, d, pol, in, fit, res);
            } catch (const InputError& e) {
                // Name the deployment's value, not a vramplan flag the user never passed.
                res.error = e.subject() == "--model" ? e.with_subject("the deployment's model").what() : e.what();
            } catch (const OverflowError& e) {
                res.error = std::string("values too large to plan in 64-bit bytes (") + e.what() + ")";   // the report names the file
            }
            const bool bad = !res.error.empty();
            results.push_back(std::move(res));
            if (bad) {
                break;   // bad input in the deployment itself: once is enough
            }
        }
    }
    return results;
}

} // namespace vramplan

// A pasted vLLM command line and the flags a plan ignores (io/vllm_command.hpp).
#include <vramplan/io/vllm_command.hpp>

#include <vramplan/io/catalog.hpp>
#include <vramplan/io/deployment.hpp>
#include <vramplan/io/errors.hpp>

#include <algorithm>
#include <cstddef>

namespace vramplan {

namespace {

/// The row a written flag belongs to: itself, the switch it negates, or the JSON argument whose
/// dotted sub-key it is (`compilation-config.level` → compilation-config); nullptr when none.
const EngineArg* row_of(const std::string& name) {
    const std::string base = name.substr(0, name.find('.'));
    if (const EngineArg* a = find_engine_arg(base); a != nullptr) {
        return a;
    }
    return find_negated_switch(base);
}

/// Every spelling of every row, with dashes, for "did you mean".
std::vector<NameCandidate> flag_candidates() {
    std::vector<NameCandidate> out;
    for (const EngineArg& a : engine_args()) {
        const std::string target = "--" + std::string(a.name);
        out.push_back({target, target});
        if (!a.alias.empty()) {
            out.push_back({"--" + std::string(a.alias), target});
        }
    }
    return out;
}

/// The bytes vramplan reads of a `--config` YAML file (a flat mapping of flags).
constexpr std::size_t k_max_config_bytes = std::size_t{16} << 20;

/// `--config FILE` in the command: vLLM's FlexibleArgumentParser._pull_args_from_config
/// (vllm/utils/argparse_utils.py:443-520 @main) puts the YAML file's flags where `--config FILE`
/// stands, so a flag written after it on the command line wins and one before it loses (argparse:
/// the last value counts). The file must end in .yaml or .yml, as vLLM requires; its path is
/// relative to the working directory, as vLLM's is. One --config (vLLM reads the first).
Deployment with_config_file(const Deployment& d) {
    const auto at = std::find_if(d.flags.begin(), d.flags.end(), [](const DeploymentFlag& f) { return f.name == "config"; });
    if (at == d.flags.end()) {
        return d;
    }
    const std::string& path = at->value;
    const auto ends_with = [&](std::string_view suffix) {
        return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (!ends_with(".yaml") && !ends_with(".yml")) {
        throw InputError("the vLLM command: --config " + path + ": expected a .yaml or .yml file, as vLLM requires");
    }
    const Deployment file = parse_vllm_yaml(read_file(path, k_max_config_bytes, "a vLLM --config YAML file"), path);
    Deployment out = d;
    out.flags.assign(d.flags.begin(), at);
    for (const DeploymentFlag& f : file.flags) {
        if (f.name == "config") {
            throw InputError(path + ": a --config file cannot name another --config file");
        }
        out.flags.push_back(f);
    }
    out.flags.insert(out.flags.end(), std::next(at), d.flags.end());
    return out;
}

} // namespace

std::vector<NotModelledFlag> not_modelled_flags(const Deployment& d) {
    std::vector<NotModelledFlag> out;
    for (const DeploymentFlag& f : d.flags) {
        const EngineArg* arg = row_of(f.name);
        NotModelledFlag found;
        if (arg == nullptr) {
            found = {"--" + f.name.substr(0, f.name.find('.')), "not in vramplan's table of vLLM's flags: its effect on memory is unknown"};
        } else if (arg->treatment != ArgTreatment::not_modelled) {
            continue;
        } else if (arg->is_switch() && !d.switch_state(std::string(arg->name)).value_or(false)) {
            continue;   // switched off (the last spelling wins): vLLM's default, nothing to model
        } else {
            found = {"--" + std::string(arg->name), std::string(arg->note)};
        }
        const bool seen = std::any_of(out.begin(), out.end(), [&](const NotModelledFlag& x) { return x.name == found.name; });
        if (!seen) {
            out.push_back(std::move(found));
        }
    }
    return out;
}

std::vector<NotModelledFlag> apply_vllm_command(const std::vector<std::string>& argv, PlanInputs& options) {
    const Deployment d = with_config_file(parse_vllm_argv(argv, "the vLLM command"));
    for (const DeploymentFlag& f : d.flags) {
        if (row_of(f.name) == nullptr) {
            throw InputError("the vLLM command: " + unknown_name_message("vLLM flag", "--" + f.name, flag_candidates()));
        }
    }
    // Modelled flags: each once on one side of `--` (two values for one flag are a mistake, not
    // an override: say both).
    PlanInputs pasted;
    (void)apply_deployment_flags(d, pasted);
    for (const EngineArg& arg : engine_args()) {
        if (!arg.field || pasted[*arg.field].empty()) {
            continue;
        }
        const std::string& before = options[*arg.field];
        if (!before.empty()) {
            const std::string flag = arg.field == PlanField::model ? "the model" : "--" + std::string(arg.name);
            throw InputError(flag + " is given twice: '" + before + "' before -- and '" + pasted[*arg.field] +
                             "' in the vLLM command after it; keep one");
        }
        options[*arg.field] = pasted[*arg.field];
    }
    if (options[PlanField::model].empty()) {
        throw InputError("the vLLM command: expected a model (" +
                         std::string(d.entrypoint == "api_server" ? "--model MODEL" : "`vllm serve MODEL` or --model MODEL") + ")");
    }
    return not_modelled_flags(d);
}

} // namespace vramplan

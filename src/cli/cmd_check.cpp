// `vramplan check`: a CI gate. Reads deployments as they are written (a vLLM command after `--`,
// shell scripts, `vllm serve --config` YAML files, directories), plans each for every vLLM
// version the policy names, and reports every violated rule with the numbers and the smallest
// flag change that fixes it. Exit 0: all pass; 1: any fails; 2: bad input.
#include "commands.hpp"
#include "output.hpp"
#include "plan_options.hpp"
#include "terminal.hpp"

#include <vramplan/io/calibration.hpp>
#include <vramplan/io/check.hpp>
#include <vramplan/io/deployment.hpp>
#include <vramplan/io/errors.hpp>
#include <vramplan/io/policy.hpp>
#include <vramplan/io/sizes.hpp>
#include <vramplan/report/check.hpp>
#include <vramplan/version.hpp>

#include <iostream>
#include <memory>

namespace vramplan::cli {

namespace {

struct CheckOptions {
    std::vector<std::string> inputs;     ///< files / directories, or the vLLM command after `--`
    std::string gpu;
    std::string gpu_memory;
    std::string policy;
    std::string max_utilization;
    std::string max_vram;
    std::string min_free;
    std::string min_kv_tokens;
    std::string min_concurrency;
    std::string min_graph_headroom;
    std::vector<std::string> vllm_versions;
    std::string other_processes_memory;
    std::string max_restore;
    std::string restore_fit;
    std::string format = "text";
    std::string output;
};

} // namespace

Action add_check_command(CLI::App* cmd, const GlobalOptions& global) {
    auto opts = std::make_shared<CheckOptions>();
    cmd->add_option("inputs", opts->inputs, "Deployment files or directories, or -- followed by a vLLM command");
    cmd->add_option("--gpu,-g", opts->gpu, "GPU catalog id (or the policy's `gpu`)");
    cmd->add_option("--gpu-memory", opts->gpu_memory, "CUDA-visible total per GPU, overrides the catalog");
    cmd->add_option("--policy", opts->policy, "Policy file (JSON, kind vramplan-policy); flags override its values");
    cmd->add_option("--max-utilization", opts->max_utilization, "Largest --gpu-memory-utilization allowed");
    cmd->add_option("--max-vram", opts->max_vram, "Largest memory vLLM may use per GPU (budget + context + graphs), e.g. 12GiB");
    cmd->add_option("--min-free", opts->min_free, "Memory that must stay free per GPU for other processes");
    cmd->add_option("--min-kv-tokens", opts->min_kv_tokens, "Smallest KV-cache token capacity");
    cmd->add_option("--min-concurrency", opts->min_concurrency, "Smallest concurrency at --max-model-len");
    cmd->add_option("--min-graph-headroom", opts->min_graph_headroom, "Memory that must remain after CUDA-graph capture (≤ v0.20)");
    cmd->add_option("--vllm-version", opts->vllm_versions, "vLLM release(s) to check against, comma-separated or repeated (all must pass)")
        ->delimiter(',')
        ->allow_extra_args(false);
    cmd->add_option("--max-restore-s", opts->max_restore, "Longest GPU-snapshot restore, seconds (calibrated with --restore-fit, else the lower bound)");
    cmd->add_option("--restore-fit", opts->restore_fit, "A `vramplan calibrate-restore` fit for calibrated restore times");
    cmd->add_option("--other-processes-memory", opts->other_processes_memory, "Memory other processes already hold on each GPU");
    cmd->add_option("--format,-f", opts->format, "text, json, github (Actions annotations) or junit (XML)")
        ->check(CLI::IsMember({"text", "json", "github", "junit"}));
    cmd->add_option("--output,-o", opts->output, "Write the report to FILE instead of stdout (- for stdout, unwrapped)");
    return [opts, &global, cmd]() -> int {
        const CheckOptions& o = *opts;
        check_output_path("-o", o.output);
        const Catalog catalog = Catalog::load(profile_directories(global));
        Policy pol = o.policy.empty() ? Policy{} : read_policy(o.policy);
        if (!o.max_utilization.empty()) {
            pol.max_gpu_memory_utilization = parse_fraction(o.max_utilization, "--max-utilization");
        }
        if (!o.max_vram.empty()) {
            pol.max_vram_per_gpu = parse_size(o.max_vram, "--max-vram");
        }
        if (!o.min_free.empty()) {
            pol.min_free = parse_size(o.min_free, "--min-free");
        }
        if (!o.min_graph_headroom.empty()) {
            pol.min_graph_headroom = parse_size(o.min_graph_headroom, "--min-graph-headroom");
        }
        if (!o.min_kv_tokens.empty()) {
            pol.min_kv_tokens = parse_count(o.min_kv_tokens, "--min-kv-tokens", std::uint64_t{1} << 48);
        }
        if (!o.min_concurrency.empty()) {
            pol.min_concurrency = static_cast<double>(parse_count(o.min_concurrency, "--min-concurrency", std::uint64_t{1} << 30));
        }
        if (!o.vllm_versions.empty()) {
            pol.vllm_versions = o.vllm_versions;
        }
        if (!o.max_restore.empty()) {
            pol.max_restore_seconds = parse_real(o.max_restore, "--max-restore-s", 0.0, 1e6, false);
        }
        if (!o.restore_fit.empty()) {
            pol.restore_fit = o.restore_fit;
        }
        std::optional<RestoreFit> fit;
        if (!pol.restore_fit.empty()) {
            fit = read_restore_fit(pol.restore_fit);
        }
        if (!o.gpu.empty()) {
            pol.gpu = o.gpu;
        }
        if (pol.gpu.empty() && o.gpu_memory.empty()) {
            throw InputError("--gpu: expected the GPU the deployments run on (or `gpu` in the policy file)");
        }
        // A value from the policy file is blamed on the file and its key, not on a flag.
        const bool versions_from_policy = o.vllm_versions.empty() && !o.policy.empty();
        for (std::size_t i = 0; i < pol.vllm_versions.size(); ++i) {
            const std::string& v = pol.vllm_versions[i];
            const std::string subject = versions_from_policy ? o.policy + ": /vllm_versions/" + std::to_string(i) : "--vllm-version";
            if (parse_version_flag(v, subject) < k_oldest_modelled) {
                throw InputError(subject + (versions_from_policy ? ": " : " ") + v + ": expected a vLLM release, " + k_oldest_modelled.str() + " or later");
            }
        }
        if (!pol.gpu.empty()) {
            try {
                (void)catalog.gpu(pol.gpu);   // an unknown GPU is one error, not one per deployment
            } catch (const InputError& e) {
                throw o.gpu.empty() && !o.policy.empty() ? e.with_subject(o.policy + ": /gpu") : e;
            }
        }
        if (pol.vllm_versions.empty()) {
            pol.vllm_versions.push_back(k_newest_modelled.str());
        }
        // Deployments: the command after `--`, else files and directories.
        std::vector<Deployment> deployments;
        const std::vector<std::string> rest = cmd->remaining();
        if (!rest.empty() || (!o.inputs.empty() && (o.inputs.front() == "vllm" || o.inputs.front() == "python" || o.inputs.front() == "python3" ||
                                                    o.inputs.front() == "docker"))) {
            std::vector<std::string> argv = o.inputs;
            argv.insert(argv.end(), rest.begin(), rest.end());
            deployments.push_back(parse_vllm_argv(argv, "command line"));
        } else {
            if (o.inputs.empty()) {
                throw InputError("check: expected deployment files, a directory, or -- followed by a vLLM command");
            }
            for (const std::string& path : o.inputs) {
                for (Deployment& d : read_deployments(path)) {
                    deployments.push_back(std::move(d));
                }
            }
        }
        const std::vector<DeploymentCheck> results =
            check_deployments(catalog, deployments, pol, CheckInputs{o.gpu_memory, o.other_processes_memory}, fit);
        // Bad input anywhere: every error on stderr, no report, exit 2 (a CI gate must not pass or
        // fail a deployment it could not read).
        bool bad_input = false;
        for (const DeploymentCheck& r : results) {
            if (!r.error.empty()) {
                std::cerr << "vramplan: error: " << one_line(check_location(r, r.line) + ": " + r.error) << "\n";
                bad_input = true;
            }
        }
        if (bad_input) {
            return k_exit_usage;
        }
        std::string text;
        if (o.format == "json") {
            text = check_json(results).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        } else if (o.format == "github") {
            text = render_check_github(results);
        } else if (o.format == "junit") {
            text = render_check_junit(results);
        } else if (o.output.empty()) {
            text = render_check_text(results, terminal_width());
        } else {
            text = render_check_text(results);
        }
        if (o.output.empty() && o.format == "text") {
            print_text(text);   // fitted to the terminal; a file keeps one line per finding
        } else if (o.output.empty()) {
            std::cout << text;
        } else {
            write_output("-o", o.output, text);   // `-o -`: the file's rendering, on stdout
        }
        for (const DeploymentCheck& r : results) {
            if (!r.passed()) {
                return k_exit_fails;
            }
        }
        return k_exit_ok;
    };
}

} // namespace vramplan::cli

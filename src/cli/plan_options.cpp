// Shared vLLM flags (plan_options.hpp).
#include "plan_options.hpp"

#include <vramplan/version.hpp>

#include <functional>
#include <iostream>

namespace vramplan::cli {

void add_snapshot_options(CLI::App* cmd, SnapshotInputs& o) {
    cmd->add_option("--active-tokens", o.active_tokens, "Snapshot: KV tokens written at checkpoint time (0)");
    cmd->add_option("--link-gbs", o.link_gbs, "Snapshot: GPU host link, GB/s per direction (default: the GPU profile's)");
    cmd->add_option("--storage-read-gbs", o.storage_read_gbs, "Snapshot: image storage read speed, GB/s (3.94: PCIe Gen3 x4 NVMe)");
    cmd->add_option("--storage-write-gbs", o.storage_write_gbs, "Snapshot: image storage write speed, GB/s (3.94)");
    cmd->add_option("--compress-gbs", o.compress_gbs, "Snapshot: compression speed per thread, GB/s (0.51: zstd -1)");
    cmd->add_option("--decompress-gbs", o.decompress_gbs, "Snapshot: decompression speed per thread, GB/s (1.55: zstd)");
    cmd->add_option("--compress-threads", o.threads, "Snapshot: compressor threads (1)");
    cmd->add_option("--data-ratio", o.data_ratio, "Snapshot: compression ratio of written memory (1.0)");
    cmd->add_option("--zero-ratio", o.zero_ratio, "Snapshot: compression ratio of never-written pages (1000)");
    cmd->add_option("--host-memory", o.host_memory, "Snapshot: the process's CPU memory in the image (0: not counted)");
    cmd->add_option("--fixed-checkpoint-s", o.fixed_checkpoint, "Snapshot: fixed seconds per checkpoint (0 in the lower bound)");
    cmd->add_option("--fixed-restore-s", o.fixed_restore, "Snapshot: fixed seconds per restore (0 in the lower bound)");
    cmd->add_option("--restore-fit", o.restore_fit, "Snapshot: a fit from `vramplan calibrate-restore` for calibrated times");
}

std::string engine_option_names(const EngineArg& arg) {
    const std::string name(arg.name);
    std::string names = "--" + name;
    if (const std::string dest = engine_arg_dest(arg); dest != name) {
        names += ",--" + dest;
    }
    if (!arg.alias.empty()) {
        names += ",--" + std::string(arg.alias);
    }
    if (arg.short_form.size() == 1) {
        names += ",-" + std::string(arg.short_form);   // -q; two-letter forms (-tp) are spelt out before parsing
    }
    if (arg.field == PlanField::model) {
        names += ",-m";   // vramplan's own short form
    }
    return names;
}

void add_engine_options(CLI::App* cmd, PlanInputs& o, bool lists, const std::function<void()>& after_model) {
    for (const EngineArg& arg : engine_args()) {
        if (!arg.field) {
            continue;
        }
        std::string& slot = o[*arg.field];
        const std::string help = std::string(arg.help) + (lists && !arg.is_switch() ? "; a comma-separated list compares each" : "");
        if (arg.is_switch()) {
            cmd->add_flag_callback(engine_option_names(arg), [&slot] { slot = "true"; }, help);
            // vLLM's BooleanOptionalAction form: the last spelling wins, as argparse reads it.
            cmd->add_flag_callback("--no-" + std::string(arg.name), [&slot] { slot = "false"; }, "Negates --" + std::string(arg.name));
        } else {
            cmd->add_option(engine_option_names(arg), slot, help);
        }
        if (arg.field == PlanField::model && after_model) {
            after_model();
        }
    }
}

const std::vector<std::pair<std::string, std::string>>& vllm_short_flags() {
    static const std::vector<std::pair<std::string, std::string>> flags = [] {
        std::vector<std::pair<std::string, std::string>> out;
        for (const EngineArg& arg : engine_args()) {
            if (arg.field && arg.short_form.size() > 1) {
                out.emplace_back("-" + std::string(arg.short_form), "--" + std::string(arg.name));
            }
        }
        return out;
    }();
    return flags;
}

void add_vllm_command_option(CLI::App* cmd, std::vector<std::string>& words) {
    cmd->add_option("vllm-command", words, "-- then a whole vLLM command line (vllm serve MODEL --flag ...): its flags as if given here")
        ->type_name("-- VLLM-COMMAND");
}

void add_plan_options(CLI::App* cmd, PlanInputs& o) {
    add_engine_options(cmd, o, false, [cmd, &o] {
        cmd->add_option("--gpu,-g", o.gpu, "GPU catalog id (default: a10; see `vramplan gpus`), or auto: this machine's cards (NVML or nvidia-smi)");
        cmd->add_option("--gpu-memory", o.gpu_memory, "CUDA-visible total per GPU, overrides the catalog (79.19GiB, 81559MiB)");
    });
    cmd->add_option("--other-processes-memory", o.other_processes_memory,
                    "Memory other processes already hold on each GPU (counted in the budget by the global eras, must be free after 0.9.1)");
    cmd->add_option("--gpus-per-node", o.gpus_per_node,
                    "GPUs per node, for the nodes TP x PP x DP spans (default 8; the plan stays per GPU)");
    cmd->add_option("--vllm-version", o.vllm_version, "vLLM release whose rules to apply (default and newest modelled: " +
                                                          k_newest_modelled.str() + "; oldest: " + k_oldest_modelled.str() + ")")
        ->each([](const std::string& text) {
            // A release past the newest modelled plans with the newest rules: say so where a script sees it.
            const std::optional<VllmVersion> v = parse_vllm_version(text);
            if (v && rules_for(*v).extrapolated) {
                std::cerr << "vramplan: warning: vLLM " << v->str() << " is newer than the newest release modelled ("
                          << k_newest_modelled.str() << "); planning with " << k_newest_modelled.str() << "'s rules\n";
            }
        });
    cmd->add_option("--engine", o.engine, "auto (the release's default: V1 from 0.8.0), v0 (until 0.10.x) or v1 (from 0.6.5)");
    cmd->add_option("--entrypoint", o.entrypoint, "serve (vllm serve, default) or llm (the LLM class): batch defaults differ")
        ->check(CLI::IsMember({"serve", "llm"}));
}

} // namespace vramplan::cli

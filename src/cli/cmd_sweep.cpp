// `vramplan sweep`: every combination of utilization and max-model-len ranges, as a table or CSV,
// with KV tokens, concurrency, the snapshot's image and restore time, and the verdict; `--plot
// FILE.svg` draws KV tokens, concurrency and restore time against utilization, one line per
// max-model-len, with the "vLLM fails to start" region shaded.
#include "commands.hpp"
#include "output.hpp"
#include "plan_options.hpp"
#include "terminal.hpp"

#include <vramplan/io/errors.hpp>
#include <vramplan/io/sizes.hpp>
#include <vramplan/report/sweep.hpp>
#include <vramplan/report/wrap.hpp>
#include <vramplan/sweep.hpp>

#include <cmath>
#include <iostream>
#include <memory>
#include <sstream>

namespace vramplan::cli {

namespace {

/// The most combinations one sweep plans (README, robustness): about a second of planning per
/// 100,000 and a --plot of some 40 MB at the bound; everything after the check is linear.
constexpr std::size_t k_max_points = 1'000'000;

struct SweepOptions {
    PlanInputs vllm;
    SnapshotInputs snapshot;
    std::string utilizations = "0.2:0.95:0.05";
    std::string lengths;
    std::string format = "text";
    std::string plot;
};


} // namespace

Action add_sweep_command(CLI::App* cmd, const GlobalOptions& global) {
    auto opts = std::make_shared<SweepOptions>();
    PlanInputs& v = opts->vllm;
    add_plan_options(cmd, v);
    cmd->get_option("--gpu-memory-utilization")->description("Range START:STOP:STEP (0.2:0.95:0.05) or a list");
    cmd->get_option("--max-model-len")->description("Context lengths, a list (1024,2048,4096,8192)");
    add_snapshot_options(cmd, opts->snapshot);
    cmd->add_option("--format,-f", opts->format, "text or csv")->check(CLI::IsMember({"text", "csv"}));
    cmd->add_option("--plot", opts->plot, "Also write an SVG plot to FILE.svg (- prints only the SVG)");
    return [opts, &global]() -> int {
        const SweepOptions& o = *opts;
        check_output_path("--plot", o.plot);
        const Catalog catalog = Catalog::load(profile_directories(global));
        const std::vector<double> us = parse_fraction_list(o.vllm[PlanField::gpu_memory_utilization].empty() ? o.utilizations : o.vllm[PlanField::gpu_memory_utilization], "--gpu-memory-utilization");
        std::vector<std::uint64_t> lens;
        {
            std::stringstream ss(o.vllm[PlanField::max_model_len]);
            std::string item;
            while (std::getline(ss, item, ',')) {
                lens.push_back(parse_count(item, "--max-model-len", std::uint64_t{1} << 40));
            }
        }
        PlanInputs base = o.vllm;
        base[PlanField::gpu_memory_utilization].clear();
        base[PlanField::max_model_len].clear();
        BuiltRequest built = build_request(catalog, base, false);
        if (lens.empty()) {
            lens.push_back(built.request.model.max_model_len);
        }
        if (us.size() * lens.size() > k_max_points) {
            throw InputError("sweep: " + std::to_string(us.size()) + " utilizations x " + std::to_string(lens.size()) + " max-model-len values = " +
                             std::to_string(us.size() * lens.size()) + " combinations, more than the " + std::to_string(k_max_points) +
                             " a sweep plans; narrow --gpu-memory-utilization or --max-model-len");
        }
        std::optional<RestoreFit> fit;
        const SnapshotParams sp = build_snapshot_params(o.snapshot, fit);
        const Sweep sweep = sweep_plans(built.request, us, lens, sp, fit);
        if (!sweep.invalid.empty()) {
            throw InputError(sweep.invalid);
        }
        const SweepContext ctx{built.model.label, built.request.gpu.id, built.request.gpu.name, built.request.version.str(), fit.has_value()};
        const std::string out = o.format == "csv" ? render_sweep_csv(sweep.points, ctx) : render_sweep_text(sweep.points, ctx, terminal_width());
        if (!o.plot.empty()) {
            write_output("--plot", o.plot, render_sweep_svg(sweep.points, us, lens, ctx));
            if (is_stdout(o.plot)) {
                return k_exit_ok;   // `--plot -`: stdout carries the SVG and nothing else
            }
        }
        // After the plot is written: nothing on stdout when it cannot be. Text is fitted to the
        // terminal (the table in column blocks, render_sweep_text); CSV is printed as it is.
        std::cout << (o.format == "csv" ? out : wrap_text(out, terminal_width()));
        return k_exit_ok;
    };
}

} // namespace vramplan::cli

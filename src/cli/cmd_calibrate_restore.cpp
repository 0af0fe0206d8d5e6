// `vramplan calibrate-restore`: fit checkpoint and restore times to the user's own measured points
// (utilization, checkpoint seconds, restore seconds), so later snapshot predictions are theirs.
#include "commands.hpp"
#include "output.hpp"
#include "plan_options.hpp"
#include "terminal.hpp"

#include <vramplan/coldstart.hpp>
#include <vramplan/io/calibration.hpp>
#include <vramplan/io/errors.hpp>
#include <vramplan/io/sizes.hpp>
#include <vramplan/report/coldstart.hpp>

#include <iostream>
#include <memory>

namespace vramplan::cli {

namespace {

struct RestoreOptions {
    PlanInputs vllm;
    std::vector<std::string> points;
    std::string output;
};

RestorePoint parse_point(const std::string& text) {
    RestorePoint p;
    const auto a = text.find(':');
    const auto b = a == std::string::npos ? a : text.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos || text.find(':', b + 1) != std::string::npos) {
        throw InputError("--point: expected UTILIZATION:CHECKPOINT_SECONDS:RESTORE_SECONDS (0.9:63:121), got '" + text + "'");
    }
    p.utilization = parse_fraction(text.substr(0, a), "--point utilization");
    const auto secs = [&](const std::string& s, const char* what) { return parse_real(s, std::string("--point ") + what + " seconds", 0.0, 1e7, false); };
    p.checkpoint_s = secs(text.substr(a + 1, b - a - 1), "checkpoint");
    p.restore_s = secs(text.substr(b + 1), "restore");
    return p;
}

} // namespace

Action add_calibrate_restore_command(CLI::App* cmd, const GlobalOptions& global) {
    auto opts = std::make_shared<RestoreOptions>();
    add_plan_options(cmd, opts->vllm);
    cmd->add_option("--point", opts->points, "A measured point UTILIZATION:CHECKPOINT_SECONDS:RESTORE_SECONDS (repeat, at least two)")
        ->allow_extra_args(false);
    cmd->add_option("--output,-o", opts->output, "Write the fit to FILE (for --restore-fit; - prints only the fit's JSON)");
    return [opts, &global]() -> int {
        const RestoreOptions& o = *opts;
        if (o.points.size() < 2) {
            throw InputError("--point: expected at least two measured points (u:checkpoint_s:restore_s)");
        }
        if (!o.vllm[PlanField::gpu_memory_utilization].empty()) {
            throw InputError("--gpu-memory-utilization: each --point gives its own");
        }
        check_output_path("-o", o.output);
        const Catalog catalog = Catalog::load(profile_directories(global));
        std::vector<RestorePoint> points;
        BuiltRequest built;
        for (const std::string& text : o.points) {
            RestorePoint pt = parse_point(text);
            PlanInputs p = o.vllm;
            p[PlanField::gpu_memory_utilization] = fixed(pt.utilization, 6);
            built = build_request(catalog, p, true);
            const Plan plan = make_plan(built.request);
            pt.held_gib = static_cast<double>(estimate_snapshot(plan, SnapshotParams{}, std::nullopt).held_per_gpu) / static_cast<double>(k_gib);
            points.push_back(pt);
        }
        const std::optional<RestoreFit> fit = fit_restore(points);
        if (!fit) {
            throw InputError("--point: the points must hold different amounts of memory (different utilizations) to fit a curve");
        }
        const std::string out = render_restore_fit(*fit, points, built.model.label, built.request.gpu.id);
        if (!o.output.empty()) {
            const std::string text = restore_fit_json(*fit, points, built.request.gpu.id, built.model.label).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
            write_output("-o", o.output, text);
            if (is_stdout(o.output)) {
                return k_exit_ok;   // stdout carries the fit's JSON and nothing else
            }
        }
        print_text(out);   // after the fit is written: nothing on stdout when it cannot be
        return k_exit_ok;
    };
}

} // namespace vramplan::cli

// `vramplan plan`: one plan, as a table, JSON, or with --explain.
#include "commands.hpp"
#include "plan_options.hpp"
#include "terminal.hpp"

#include <vramplan/io/catalog.hpp>
#include <vramplan/io/errors.hpp>
#include <vramplan/io/resolve.hpp>
#include <vramplan/io/sizes.hpp>
#include <vramplan/io/vllm_command.hpp>
#include <vramplan/plan.hpp>
#include <vramplan/report/render.hpp>
#include <vramplan/report/wrap.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>
#include <unistd.h>

namespace vramplan::cli {

std::vector<std::string> profile_directories(const GlobalOptions& global) {
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("VRAMPLAN_PROFILE_PATH"); env != nullptr && *env != '\0') {
        std::stringstream ss(env);
        std::string item;
        while (std::getline(ss, item, ':')) {
            if (!item.empty()) {
                dirs.push_back(item);
            }
        }
    }
    dirs.insert(dirs.end(), global.profile_dirs.begin(), global.profile_dirs.end());
    return dirs;
}

namespace {

struct PlanCommandOptions {
    PlanInputs vllm;
    std::vector<std::string> vllm_command;
    SnapshotInputs snapshot;
    std::string calibration;
    std::string format = "text";
    bool explain = false;
    std::string bar = "auto";
};

} // namespace

Action add_plan_command(CLI::App* cmd, const GlobalOptions& global) {
    auto opts = std::make_shared<PlanCommandOptions>();
    add_plan_options(cmd, opts->vllm);
    add_snapshot_options(cmd, opts->snapshot);
    add_vllm_command_option(cmd, opts->vllm_command);
    cmd->add_option("--calibration", opts->calibration, "Calibration file from `vramplan calibrate`: measured terms replace estimates");
    cmd->add_option("--format,-f", opts->format, "text or json")->check(CLI::IsMember({"text", "json"}));
    cmd->add_flag("--explain", opts->explain, "Print every formula with its numbers");
    cmd->add_option("--bar", opts->bar, "A one-line picture of the card: auto (when stdout is a terminal), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}));

    return [opts, &global]() -> int {
        const PlanCommandOptions& o = *opts;
        const Catalog catalog = Catalog::load(profile_directories(global));
        PlanInputs inputs = o.vllm;
        std::vector<NotModelledFlag> not_modelled;
        if (!o.vllm_command.empty()) {
            not_modelled = apply_vllm_command(o.vllm_command, inputs);
        }
        BuiltRequest built = build_request(catalog, inputs, true);
        std::vector<std::string> calibration_notes;
        if (!o.calibration.empty()) {
            calibration_notes = apply_calibration_file(o.calibration, built);
        }
        std::optional<RestoreFit> fit;
        const SnapshotParams snapshot_params = build_snapshot_params(o.snapshot, fit);
        Plan plan = make_plan_for(built);
        const SnapshotEstimate snapshot = estimate_snapshot(plan, snapshot_params, fit);
        for (const std::string& n : built.notes) {
            plan.notes.push_back(n);
        }
        for (const std::string& n : calibration_notes) {
            plan.notes.push_back(n);
        }
        if (built.model.checkpoint) {
            plan.notes.push_back("weights scaled to the exact checkpoint size from " + built.model.checkpoint->source + " (" +
                                 grouped(built.model.checkpoint->bytes) + " B)");
        }
        PlanContext ctx{built.model.label, built.model.id, built.model.source, built.gpu->source, model_origin_name(built.model.origin),
                        not_modelled, built.warnings};
        if (o.format == "json") {
            nlohmann::json j = plan_json(plan, ctx);
            j["snapshot"] = snapshot_json(snapshot);
            if (o.explain) {
                j["explain"] = render_explain(plan, &ctx);
            }
            std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        } else {
            // The bar: 72 cells, fewer on a narrower terminal ("[" and "]" take two columns).
            const std::size_t width = terminal_width();
            std::string text = render_text(plan, ctx, &snapshot);
            if (o.bar == "always" || (o.bar == "auto" && isatty(STDOUT_FILENO) != 0)) {
                text += "\n" + render_bar(plan, std::min<std::size_t>(72, width - 2));
            }
            if (o.explain) {
                text += "\n" + render_explain(plan, &ctx);
            }
            std::cout << wrap_text(text, width);
        }
        return plan.verdict.starts ? k_exit_ok : k_exit_fails;
    };
}

} // namespace vramplan::cli

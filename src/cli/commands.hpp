#pragma once
// Subcommands of the vramplan CLI. Each registers its options on the app and returns the action
// to run after parsing; actions return the process exit code.

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace vramplan::cli {

/// Exit codes are a contract (house style: ninja's ExitStatus).
enum ExitCode : int {
    k_exit_ok = 0,       ///< vLLM would start / listing printed
    k_exit_fails = 1,    ///< vLLM would not start
    k_exit_usage = 2,    ///< usage or input error
};

/// Options shared by every subcommand.
struct GlobalOptions {
    std::vector<std::string> profile_dirs;
    std::string timeout;  ///< `--timeout SECONDS`: the run's deadline for outside work (io/deadline.hpp); "" = the default
};

using Action = std::function<int()>;

Action add_plan_command(CLI::App* cmd, const GlobalOptions& global);
Action add_gpus_command(CLI::App* cmd, const GlobalOptions& global);
Action add_models_command(CLI::App* cmd, const GlobalOptions& global);
Action add_presets_command(CLI::App* cmd, const GlobalOptions& global);
Action add_show_command(CLI::App* cmd, const GlobalOptions& global);
Action add_accuracy_command(CLI::App* cmd, const GlobalOptions& global);
Action add_calibrate_command(CLI::App* cmd, const GlobalOptions& global);
Action add_recommend_command(CLI::App* cmd, const GlobalOptions& global);
Action add_check_command(CLI::App* cmd, const GlobalOptions& global);
Action add_compare_command(CLI::App* cmd, const GlobalOptions& global);
Action add_calibrate_restore_command(CLI::App* cmd, const GlobalOptions& global);
Action add_sweep_command(CLI::App* cmd, const GlobalOptions& global);

/// The subcommands, in `--help` order: a command is a row, not a branch in `main`.
struct Command {
    const char* name;
    const char* description;   ///< one line, for `vramplan --help`
    /// Registers the command's options on its subcommand and returns what runs it.
    Action (*add)(CLI::App* cmd, const GlobalOptions& global);
};
inline constexpr Command k_commands[] = {
    {"plan", "Predict vLLM's startup memory budget, KV cache, concurrency and verdict", add_plan_command},
    {"gpus", "List the GPU catalog", add_gpus_command},
    {"models", "List the model catalog", add_models_command},
    {"presets", "List the recommendation presets (recommend --preset)", add_presets_command},
    {"show", "Print one catalog entry as JSON: show gpu ID | show model ID | show preset ID", add_show_command},
    {"accuracy", "Replay recorded vLLM startups (JSON lines) and report the planner's error", add_accuracy_command},
    {"calibrate", "Read real vLLM startup logs: write a calibration file, or --check the planner against them", add_calibrate_command},
    {"recommend", "Solve for vLLM's flags: the lowest utilization for a target, the longest context, a preset", add_recommend_command},
    {"check", "CI gate: check vLLM deployments (command after --, scripts, YAML, directories) against a VRAM policy", add_check_command},
    {"compare", "Plans side by side: any flag takes a comma-separated list (0.3,0.5,0.7,0.9); the utilization also a range (0.3:0.9:0.1)", add_compare_command},
    {"calibrate-restore", "Fit checkpoint/restore times to your measured points (u:checkpoint_s:restore_s)", add_calibrate_restore_command},
    {"sweep", "Every combination of utilization and max-model-len: table, CSV, SVG plot", add_sweep_command},
};

/// Profile directories: VRAMPLAN_PROFILE_PATH (colon-separated) then --profiles.
std::vector<std::string> profile_directories(const GlobalOptions& global);

} // namespace vramplan::cli

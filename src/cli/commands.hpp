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
};

using Action = std::function<int()>;

Action add_plan_command(CLI::App& app, const GlobalOptions& global);
Action add_gpus_command(CLI::App& app, const GlobalOptions& global);
Action add_models_command(CLI::App& app, const GlobalOptions& global);
Action add_presets_command(CLI::App& app, const GlobalOptions& global);
Action add_show_command(CLI::App& app, const GlobalOptions& global);
Action add_accuracy_command(CLI::App& app, const GlobalOptions& global);
Action add_calibrate_command(CLI::App& app, const GlobalOptions& global);
Action add_recommend_command(CLI::App& app, const GlobalOptions& global);
Action add_check_command(CLI::App& app, const GlobalOptions& global);
Action add_compare_command(CLI::App& app, const GlobalOptions& global);
Action add_calibrate_restore_command(CLI::App& app, const GlobalOptions& global);
Action add_sweep_command(CLI::App& app, const GlobalOptions& global);

/// The subcommands, in `--help` order: a command is a row, not a branch in `main`.
struct Command {
    const char* name;
    Action (*add)(CLI::App& app, const GlobalOptions& global);
};
inline constexpr Command k_commands[] = {
    {"plan", add_plan_command},
    {"gpus", add_gpus_command},
    {"models", add_models_command},
    {"presets", add_presets_command},
    {"show", add_show_command},
    {"accuracy", add_accuracy_command},
    {"calibrate", add_calibrate_command},
    {"recommend", add_recommend_command},
    {"check", add_check_command},
    {"compare", add_compare_command},
    {"calibrate-restore", add_calibrate_restore_command},
    {"sweep", add_sweep_command},
};

/// Profile directories: VRAMPLAN_PROFILE_PATH (colon-separated) then --profiles.
std::vector<std::string> profile_directories(const GlobalOptions& global);

} // namespace vramplan::cli

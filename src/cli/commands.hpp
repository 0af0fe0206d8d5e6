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
Action add_show_command(CLI::App& app, const GlobalOptions& global);
Action add_accuracy_command(CLI::App& app, const GlobalOptions& global);
Action add_calibrate_command(CLI::App& app, const GlobalOptions& global);
Action add_recommend_command(CLI::App& app, const GlobalOptions& global);
Action add_check_command(CLI::App& app, const GlobalOptions& global);
Action add_compare_command(CLI::App& app, const GlobalOptions& global);
Action add_calibrate_restore_command(CLI::App& app, const GlobalOptions& global);
Action add_sweep_command(CLI::App& app, const GlobalOptions& global);

/// Profile directories: VRAMPLAN_PROFILE_PATH (colon-separated) then --profiles.
std::vector<std::string> profile_directories(const GlobalOptions& global);

} // namespace vramplan::cli

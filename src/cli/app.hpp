#pragma once
// The vramplan command line: one CLI11 app with a subcommand per row of k_commands, parsing with
// vramplan's own error wording, and the dispatch that maps exceptions to exit codes.

#include "commands.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vramplan::cli {

/// The app and what its options write to.
struct Cli {
    CLI::App app;
    GlobalOptions global;
    std::string generate_what;                               ///< hidden --generate KIND
    std::vector<std::pair<std::string, Action>> actions;     ///< by subcommand name
};

/// Every command listed; the options registered of the commands `args` names (all of them with
/// --generate).
std::unique_ptr<Cli> make_cli(const std::vector<std::string>& args);
/// argv as CLI11 takes it (last first), vLLM's -tp / -pp spelt out.
std::vector<std::string> arguments(int argc, char** argv);
/// Parses; an exit code when parsing ends the run (help, version, a usage error), else nullopt.
std::optional<int> parse(Cli& cli, std::vector<std::string> args);
/// Runs the chosen command; InputError and other failures become one line on stderr and exit 2.
int run(Cli& cli);

} // namespace vramplan::cli

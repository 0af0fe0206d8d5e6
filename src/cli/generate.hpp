#pragma once
// `vramplan --generate man|bash|zsh|fish|gpus|models|presets` (hidden): the man page and the shell
// completions, generated from the CLI11 App tree so they cannot drift from the flags, and the
// catalog ids the completions offer for --gpu, --model and --preset.

#include "commands.hpp"

#include <CLI/CLI.hpp>

#include <array>
#include <string>
#include <utility>

namespace vramplan::cli {


/// What `--generate` accepts.
inline const std::vector<std::string> k_generate_kinds{"man", "bash", "zsh", "fish", "gpus", "models", "presets"};

/// Prints `what` (one of k_generate_kinds) to stdout: the man page (roff), a completion script,
/// or the catalog's ids one per line (gpus and models with their aliases, sorted). `app` is the
/// fully built application; hidden options (empty group) and hidden subcommands are left out.
/// Returns the exit code; throws InputError when a profile directory cannot be read.
int generate(const CLI::App& app, const std::string& what, const GlobalOptions& global);

} // namespace vramplan::cli

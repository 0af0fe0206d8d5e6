#pragma once
// CLI11's parse errors in vramplan's words.

#include <CLI/CLI.hpp>

#include <string>

namespace vramplan::cli {

/// What was wrong, a suggestion for a misspelt command or flag, and where help is. One line.
std::string usage_error(const CLI::App& app, const CLI::ParseError& e);

} // namespace vramplan::cli

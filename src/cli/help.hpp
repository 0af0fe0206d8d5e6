#pragma once
// `--help` fitted to the terminal (word wrapping, never inside a word), with vLLM's -tp/-pp shown
// and EXAMPLES and EXIT STATUS sections. The man page (generate.cpp) prints the same examples and
// exit statuses, so the two cannot disagree.

#include <CLI/CLI.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vramplan::cli {

/// One example: what it answers, and the command line.
struct Example {
    const char* what;
    const char* command;
};

/// One exit code and what it means for a command.
struct ExitStatus {
    int code;
    const char* meaning;
};

/// The examples of `command` ("" for vramplan itself); none for a command without a row.
[[nodiscard]] std::vector<Example> examples_for(std::string_view command);

/// The exit codes `command` returns ("" for vramplan itself: every code any command returns);
/// a command without a row gets vramplan's own list.
[[nodiscard]] std::vector<ExitStatus> exit_statuses_for(std::string_view command);

/// The commands that have examples, in `--help` order ("" first).
[[nodiscard]] std::vector<std::string_view> commands_with_examples();

/// CLI11's formatter, fitted to terminal_width() when help is printed: option and subcommand
/// descriptions wrap under their column (30, or half the width when narrower), prose wraps at
/// word boundaries, vLLM's two-letter short flags (-tp) are listed with the long names they stand
/// for, and each help ends with its examples and exit statuses.
class HelpFormatter : public CLI::Formatter {
public:
    std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override;
    std::string make_option(const CLI::Option* opt, bool is_positional) const override;
    std::string make_option_name(const CLI::Option* opt, bool is_positional) const override;
    std::string make_subcommand(const CLI::App* sub) const override;
    std::string make_description(const CLI::App* app) const override;
    std::string make_usage(const CLI::App* app, std::string name) const override;
    std::string make_footer(const CLI::App* app) const override;

private:
    /// "  NAME   description", the description wrapped under the description column.
    [[nodiscard]] std::string entry(const std::string& name, const std::string& description) const;

    mutable std::size_t m_width = 80;   ///< terminal_width(), read once per help
};

/// A command line wrapped to `width` for a shell: broken at spaces, each broken line ending in
/// " \", continuation lines indented by four more spaces than `indent`.
[[nodiscard]] std::string wrap_command(const std::string& indent, const std::string& command, std::size_t width);

} // namespace vramplan::cli

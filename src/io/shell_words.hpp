#pragma once
// Internal to vramplan_io: the one shell tokenizer, shared by deployments (scripts, `bash -c`)
// and vLLM logs (a pasted command line).

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace vramplan {

/// The longest line a script may have (the tokenizer's strict mode checks it).
inline constexpr std::size_t k_max_shell_line_bytes = std::size_t{1} << 20;

/// "source:line", or "source" for line 0 (argv).
inline std::string source_at(const std::string& source, std::size_t line) {
    return line == 0 ? source : source + ":" + std::to_string(line);
}

/// One shell word after quote removal, with the line it starts on.
struct ShellWord {
    std::string text;
    std::size_t line = 0;
    /// Index in `text` of the first character that came from quotes or a backslash escape; npos
    /// when none did (only an unquoted NAME=... is an assignment).
    std::size_t quoted_from = std::string::npos;
};

/// An unquoted `NAME=...` word (a variable assignment before a command, or after `export`).
bool is_shell_assignment(const ShellWord& w);

struct ShellSplitOptions {
    std::size_t first_line = 1; ///< the line of text[0]; 0: every word gets line 0 (argv)
    /// For logs: never throws (an unterminated quote or substitution ends with the text; no line
    /// length limit), and a `<placeholder>` (a redacted value in a pasted command, such as
    /// `<local>/OpenBMB/MiniCPM5-1B`) is text, not two redirections.
    bool lenient = false;
    /// Stop after the first simple command, and pass it on even when it has no words (a log's
    /// command line: what follows `;`, `|` or `&&` is another command).
    bool first_command_only = false;
};

/// Called with the words of each simple command.
using ShellCommandSink = std::function<void(const std::vector<ShellWord>&)>;

/// Splits shell text into simple commands (words up to `;`, `&`, `|`, `(`, `)` or a newline),
/// calling `sink` for each: comments, backslash-newline continuations, '…' "…" $'…' quotes;
/// `$(…)`, `${…}` and backquotes kept verbatim (not run); redirections and their targets dropped;
/// here-document bodies skipped. One pass, linear in the size of `text`. Strict mode throws
/// InputError `source:line: unterminated …` and `source:line: line longer than 1048576 bytes`.
/// Returns true when the text ends with a lone unquoted backslash (the command continues on a
/// line that is not part of `text`).
bool split_shell_commands(std::string_view text, const std::string& source, const ShellSplitOptions& options,
                          const ShellCommandSink& sink);

} // namespace vramplan

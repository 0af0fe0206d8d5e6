#pragma once
// The one terminal width every text output and `--help` is fitted to, and printing through it.

#include <cstddef>
#include <string>

namespace vramplan::cli {

/// Narrowest and widest width honoured (compare's --width has the same range).
inline constexpr std::size_t k_min_width = 40;
inline constexpr std::size_t k_max_width = 1000;
/// The width when stdout is not a terminal and $COLUMNS is unset or not a number.
inline constexpr std::size_t k_default_width = 80;

/// Columns of the terminal: ioctl(TIOCGWINSZ) on stdout when it is a terminal, else $COLUMNS
/// (bash sets it but does not export it, so pipes usually get the default), else 80; clamped to
/// 40..1000.
[[nodiscard]] std::size_t terminal_width();

/// `flag` (a --width value, 40 to 1000; InputError naming --width otherwise) when given, else
/// terminal_width().
[[nodiscard]] std::size_t terminal_width(const std::string& flag);

/// Writes a text report to stdout, wrapped at word boundaries to terminal_width() (wrap_text:
/// aligned table rows stay whole). Reports for machines (JSON, CSV, YAML, …) are printed as they
/// are, and so is stderr: a diagnostic is one line, for logs and grep.
void print_text(const std::string& text);

} // namespace vramplan::cli

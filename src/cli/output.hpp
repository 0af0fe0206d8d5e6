#pragma once
// Where `-o FILE` / `--plot FILE` output goes: a file written atomically, or stdout for `-`.

#include <string>

namespace vramplan::cli {

/// The file name that stands for stdout (`-o -`).
inline constexpr const char* k_stdout_name = "-";

/// True for `-`.
[[nodiscard]] bool is_stdout(const std::string& path);

/// Writes `text` to `path` with write_file_atomically, or to stdout for `-`. Throws InputError
/// naming `flag` and the path: `-o /dev/null: not a regular file (a character device); use -o -
/// to write to stdout`.
void write_output(const std::string& flag, const std::string& path, const std::string& text);

/// Refuses, before any work, a `path` that write_output could not replace (a link, a directory,
/// a device): the same error, so nothing is printed first.
void check_output_path(const std::string& flag, const std::string& path);

} // namespace vramplan::cli

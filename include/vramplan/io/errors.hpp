#pragma once
/// The one error type of the I/O and CLI layers: bad input from the user or from a file.
/// `main` prints `vramplan: error: <what>` and exits 2.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace vramplan {

/// Bad input. The message names the file or flag, the place inside it and what was expected:
/// `profiles/gpus/x.json: /cuda_total_mib: expected an integer`.
class InputError : public std::runtime_error {
public:
    explicit InputError(const std::string& what) : std::runtime_error(what) {}
};

/// `text` with A-Z lowered (names, ids and flags compare case-insensitively; no locale involved).
std::string ascii_lower(std::string_view text);

/// `text` fit for one line of a terminal: control characters (newlines, escape sequences a
/// hostile file could carry into a message) are written as `\n`, `\t`, `\xNN`.
std::string one_line(const std::string& text);

/// The closest of `candidates` to `name` by edit distance (ninja's SpellcheckString), or "" when
/// none is close enough to suggest.
std::string closest_match(const std::string& name, const std::vector<std::string>& candidates);

/// "unknown GPU 'h100-sxn'; did you mean 'h100-sxm'?" (the suggestion only when there is one).
std::string unknown_name_message(const std::string& kind, const std::string& name, const std::vector<std::string>& candidates);

} // namespace vramplan

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
///
/// An error may carry its subject apart from its message (`--model` and `Qwen/X: no such file`):
/// the library says what is wrong with which value, and a caller that knows where the value came
/// from (a deployment file, a log) names it instead with `with_subject`, rather than rewriting the
/// text.
class InputError : public std::runtime_error {
public:
    explicit InputError(const std::string& what) : std::runtime_error(what), m_message(what) {}
    /// "SUBJECT: MESSAGE" (or "SUBJECT MESSAGE" with `separator` " ").
    InputError(std::string subject, std::string message, std::string separator = ": ")
        : std::runtime_error(subject + separator + message), m_subject(std::move(subject)), m_message(std::move(message)),
          m_separator(std::move(separator)) {}
    /// The flag, file or value the error is about ("--model"); "" when the text names it itself.
    [[nodiscard]] const std::string& subject() const { return m_subject; }
    /// What is wrong, without the subject.
    [[nodiscard]] const std::string& message() const { return m_message; }
    /// What joins the subject to the message (": " or " ").
    [[nodiscard]] const std::string& separator() const { return m_separator; }
    /// The same error about another subject ("the deployment's model").
    [[nodiscard]] InputError with_subject(const std::string& subject) const { return {subject, m_message, m_separator}; }

private:
    std::string m_subject;
    std::string m_message;
    std::string m_separator = ": ";
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

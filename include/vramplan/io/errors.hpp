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

/// A name the user may have meant, and what it stands for.
struct NameCandidate {
    std::string name;   ///< as a suggestion shows it: "a100-40gb", "-tp", "meta-llama/Llama-3.1-8B-Instruct"
    /// What the name stands for (a catalog id, a flag's canonical spelling): names with one target
    /// are one suggestion, shown by the name that matched best (the first listed on a tie).
    std::string target;
};

/// What `typed` most likely meant, best first, one name per target; empty when nothing is close.
/// The ranking, case-insensitively, stops at the first kind of match that finds anything:
///  1. the same name, or the same once separators are dropped (`--tp` → `-tp`, `NVIDIA_A10` → `nvidia a10`);
///  2. names that start with `typed` (`a100` → `a100-40gb`, `a100-80gb`), shortest first;
///  3. token matches: each word of `typed` starts a word of the name, in order, from the name's
///     first word or the first word after its `/` (`--gpu-util` → `--gpu-memory-utilization`,
///     `llama-3.1-70b` → `meta-llama/Llama-3.1-70B-Instruct`);
///  4. names of two or more words that all appear in `typed` (`NVIDIA A100 80GB PCIe` →
///     `a100-80gb-pcie`), most words first;
///  5. edit distance (ninja's SpellcheckString), within a third of the length (at least 2) or with
///     one name inside the other: the nearest, every one of them on a tie.
/// Words are split at `-`, `_`, `/`, ` ` and `:`; a `.` stays inside its word, so a version
/// (`3.1`, `qwen2.5`) is compared whole.
std::vector<std::string> suggest_names(std::string_view typed, const std::vector<NameCandidate>& candidates);

/// The best of suggest_names over `candidates` (each its own target), or "" when none is close.
std::string closest_match(const std::string& name, const std::vector<std::string>& candidates);

/// "unknown GPU 'h100-sxn'; did you mean 'h100-sxm'?", or with several equally good suggestions
/// "unknown GPU 'a100'; did you mean one of a100-40gb, a100-80gb?" (at most 8 named, then how
/// many more); just "unknown GPU 'x'" when nothing is close.
std::string unknown_name_message(const std::string& kind, const std::string& name, const std::vector<NameCandidate>& candidates);
/// The same over plain names (each its own target).
std::string unknown_name_message(const std::string& kind, const std::string& name, const std::vector<std::string>& candidates);

} // namespace vramplan

#pragma once
/// Dating a vLLM log by its source line numbers: every vLLM log header names the file and line that
/// printed it (`INFO 10-02 22:45:38 [gpu_worker.py:640] Available KV cache memory: …`), and those
/// numbers move with every release. The table below says which releases printed which
/// `[file.py:LINE]`, each row with its source (reference/vllm-memory-model-2.md §12 and §13.7, or a
/// real log of the dev set). A log that prints no version is dated by every fingerprint it shows.

#include <vramplan/version.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vramplan {

/// One `[file.py:LINE]` and the releases known to print it there.
struct ReleaseFingerprint {
    std::string_view file;     ///< as vLLM prints it in the header: "gpu_worker.py"
    std::uint32_t line = 0;
    std::string_view message;  ///< a phrase the message contains ("" = whatever that line prints)
    VllmVersion first;         ///< the releases that print it, inclusive
    VllmVersion last;
    std::string_view source;   ///< where the row comes from
};

/// Every known fingerprint (one data table, in release order).
std::span<const ReleaseFingerprint> release_fingerprints();

/// A `[file.py:LINE]` of the log that a fingerprint row matched.
struct FingerprintEvidence {
    std::string where;         ///< "gpu_worker.py:640"
    std::size_t log_line = 0;  ///< 1-based line of the log
};

/// The releases a log's source line numbers allow: one release when `first == last`, else every
/// release in [first, last] that a row names (reported as a range).
struct SourceLineRelease {
    VllmVersion first;
    VllmVersion last;
    std::vector<FingerprintEvidence> evidence;   ///< each distinct matched file:line, first occurrence
    /// "0.30.0" or "0.27.1 .. 0.28.0".
    [[nodiscard]] std::string range() const;
    /// "[gpu_worker.py:640] (log line 12), [kv_cache_utils.py:2395] (log line 14)"
    [[nodiscard]] std::string evidence_text() const;
};

/// Collects the fingerprints of one log, line by line, and intersects the releases they allow.
class SourceLineDating {
public:
    /// One log header: file as printed, its source line, the message, the log's 1-based line.
    void add(std::string_view file, std::uint32_t source_line, std::string_view message, std::size_t log_line);
    /// The releases every matched fingerprint allows; nullopt when none matched or when they
    /// contradict each other (a log mixing several runs).
    [[nodiscard]] std::optional<SourceLineRelease> result() const;

private:
    using Interval = std::pair<VllmVersion, VllmVersion>;
    std::optional<std::vector<Interval>> m_allowed;   // nullopt: nothing matched yet
    std::vector<FingerprintEvidence> m_evidence;
    bool m_contradiction = false;
};

} // namespace vramplan

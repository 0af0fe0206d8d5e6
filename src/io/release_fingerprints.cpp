// Dating a vLLM log by its `[file.py:LINE]` headers (io/release_fingerprints.hpp).
#include <vramplan/io/release_fingerprints.hpp>

#include <algorithm>
#include <array>

namespace vramplan {

namespace {

constexpr VllmVersion v(int major, int minor, int patch) { return VllmVersion{major, minor, patch}; }

// Sources, quoted in each row.
constexpr std::string_view k_s12_021 = "vllm-memory-model-2.md §12 (a real 0.21.0 log)";
constexpr std::string_view k_s12_022 = "vllm-memory-model-2.md §12 (all 8 lines of a real 0.22.1 log, H100)";
constexpr std::string_view k_s12_023 = "vllm-memory-model-2.md §12 (two real 0.23.0 logs; = branch upstream-v0.23.0)";
constexpr std::string_view k_rec_023 = "dev record vllm-logs-2#36 (vLLM 0.23.0)";
constexpr std::string_view k_s12_025 = "vllm-memory-model-2.md §12 (the 0.25.1 GB10 log; main window of the 0.25.0 cut)";
constexpr std::string_view k_s12_026 = "vllm-memory-model-2.md §12 (a real 0.26.0 log)";
constexpr std::string_view k_s12_027 = "vllm-memory-model-2.md §12 (a 0.27.1 log, gpustack/runner#251)";
constexpr std::string_view k_rec_027 = "dev record vllm-logs-4#27 (vLLM 0.27.1)";
constexpr std::string_view k_s12_028 = "vllm-memory-model-2.md §12 (0.28.0 logs)";
constexpr std::string_view k_rec_028 = "dev record vllm-logs-4#12 (vLLM 0.28.0); §13.7 places the same lines @C28";
constexpr std::string_view k_s12_0281 = "vllm-memory-model-2.md §12 (0.28.1rc1.dev50, built 08-28)";
constexpr std::string_view k_s12_029 = "vllm-memory-model-2.md §12 / §13.7 (a 0.29.1rc1 dev log)";
constexpr std::string_view k_rec_030 = "dev records vllm-logs-4#15..#18 (vLLM 0.30.0)";
constexpr std::string_view k_s12_031 = "vllm-memory-model-2.md §12 / §13.7 (a v0.31.0 log, 2026-10-08)";

constexpr std::string_view k_kv = "Available KV cache memory";
constexpr std::string_view k_load = "Model loading took";
constexpr std::string_view k_tokens = "GPU KV cache size";
constexpr std::string_view k_concurrency = "Maximum concurrency for";
constexpr std::string_view k_engine = "Initializing a V1 LLM engine";
constexpr std::string_view k_v2 = "Using V2 Model Runner";
constexpr std::string_view k_notice = "CUDA graph memory profiling is enabled";
constexpr std::string_view k_pool = "CUDA graph pool memory";
constexpr std::string_view k_free = "Free memory on device";
constexpr std::string_view k_capture = "Graph capturing finished";

// The one table. A file:line without a message matches whatever that line prints (the spec lists
// the numbers, not the messages); rows with a message match only lines containing it.
constexpr std::array k_fingerprints = {
    ReleaseFingerprint{"core.py", 109, "", v(0, 21, 0), v(0, 21, 0), k_s12_021},
    ReleaseFingerprint{"core.py", 118, "", v(0, 21, 0), v(0, 21, 0), k_s12_021},
    ReleaseFingerprint{"core.py", 880, "", v(0, 21, 0), v(0, 21, 0), k_s12_021},
    ReleaseFingerprint{"core.py", 1114, "", v(0, 21, 0), v(0, 21, 0), k_s12_021},
    ReleaseFingerprint{"gpu_worker.py", 275, "", v(0, 21, 0), v(0, 21, 0), k_s12_021},
    ReleaseFingerprint{"gpu_worker.py", 466, "", v(0, 22, 1), v(0, 22, 1), k_s12_022},
    ReleaseFingerprint{"gpu_worker.py", 619, "", v(0, 22, 1), v(0, 22, 1), k_s12_022},
    ReleaseFingerprint{"gpu_model_runner.py", 5132, "", v(0, 22, 1), v(0, 22, 1), k_s12_022},
    ReleaseFingerprint{"gpu_model_runner.py", 6279, "", v(0, 22, 1), v(0, 22, 1), k_s12_022},
    ReleaseFingerprint{"gpu_model_runner.py", 6365, "", v(0, 22, 1), v(0, 22, 1), k_s12_022},
    ReleaseFingerprint{"kv_cache_utils.py", 1733, "", v(0, 22, 1), v(0, 22, 1), k_s12_022},
    ReleaseFingerprint{"model.py", 1752, "", v(0, 22, 1), v(0, 22, 1), k_s12_022},
    ReleaseFingerprint{"core.py", 112, "", v(0, 22, 1), v(0, 22, 1), k_s12_022},
    ReleaseFingerprint{"gpu_worker.py", 480, "", v(0, 23, 0), v(0, 23, 0), k_s12_023},
    ReleaseFingerprint{"kv_cache_utils.py", 1744, "", v(0, 23, 0), v(0, 23, 0), k_s12_023},
    ReleaseFingerprint{"gpu_model_runner.py", 5187, "", v(0, 23, 0), v(0, 23, 0), k_s12_023},
    ReleaseFingerprint{"core.py", 113, k_engine, v(0, 23, 0), v(0, 23, 0), k_rec_023},
    ReleaseFingerprint{"model_runner.py", 319, k_load, v(0, 23, 0), v(0, 23, 0), k_rec_023},
    ReleaseFingerprint{"gpu_worker.py", 538, "", v(0, 25, 0), v(0, 25, 1), k_s12_025},
    ReleaseFingerprint{"gpu_worker.py", 771, "", v(0, 25, 0), v(0, 25, 1), k_s12_025},
    ReleaseFingerprint{"gpu_model_runner.py", 5306, "", v(0, 25, 0), v(0, 25, 1), k_s12_025},
    ReleaseFingerprint{"gpu_model_runner.py", 6534, "", v(0, 25, 0), v(0, 25, 1), k_s12_025},
    ReleaseFingerprint{"gpu_model_runner.py", 6639, "", v(0, 25, 0), v(0, 25, 1), k_s12_025},
    ReleaseFingerprint{"kv_cache_utils.py", 2146, "", v(0, 25, 0), v(0, 25, 1), k_s12_025},
    ReleaseFingerprint{"gpu_model_runner.py", 5347, "", v(0, 26, 0), v(0, 26, 0), k_s12_026},
    ReleaseFingerprint{"gpu_model_runner.py", 6612, "", v(0, 26, 0), v(0, 26, 0), k_s12_026},
    ReleaseFingerprint{"kv_cache_utils.py", 1237, "", v(0, 26, 0), v(0, 26, 0), k_s12_026},
    ReleaseFingerprint{"model.py", 1788, "", v(0, 26, 0), v(0, 26, 0), k_s12_026},
    ReleaseFingerprint{"core.py", 116, "", v(0, 26, 0), v(0, 26, 0), k_s12_026},
    ReleaseFingerprint{"gpu_worker.py", 563, "", v(0, 27, 1), v(0, 27, 1), k_s12_027},
    ReleaseFingerprint{"gpu_worker.py", 578, "", v(0, 27, 1), v(0, 27, 1), k_s12_027},
    ReleaseFingerprint{"gpu_model_runner.py", 6681, "", v(0, 27, 1), v(0, 27, 1), k_s12_027},
    ReleaseFingerprint{"gpu_model_runner.py", 6806, "", v(0, 27, 1), v(0, 27, 1), k_s12_027},
    ReleaseFingerprint{"core.py", 121, k_engine, v(0, 27, 1), v(0, 27, 1), k_rec_027},
    ReleaseFingerprint{"gpu_worker.py", 385, k_v2, v(0, 27, 1), v(0, 27, 1), k_rec_027},
    ReleaseFingerprint{"model_runner.py", 329, k_load, v(0, 27, 1), v(0, 27, 1), k_rec_027},
    ReleaseFingerprint{"kv_cache_utils.py", 2235, k_tokens, v(0, 27, 1), v(0, 27, 1), k_rec_027},
    ReleaseFingerprint{"kv_cache_utils.py", 2236, k_concurrency, v(0, 27, 1), v(0, 27, 1), k_rec_027},
    ReleaseFingerprint{"core.py", 122, "", v(0, 28, 0), v(0, 28, 0), k_s12_028},
    ReleaseFingerprint{"gpu_worker.py", 578, k_kv, v(0, 28, 0), v(0, 28, 0), k_rec_028},
    ReleaseFingerprint{"gpu_worker.py", 593, k_notice, v(0, 28, 0), v(0, 28, 0), k_rec_028},
    ReleaseFingerprint{"gpu_worker.py", 741, k_pool, v(0, 28, 0), v(0, 28, 0), k_rec_028},
    ReleaseFingerprint{"gpu_worker.py", 804, k_free, v(0, 28, 0), v(0, 28, 0), k_rec_028},
    ReleaseFingerprint{"kv_cache_utils.py", 1869, k_tokens, v(0, 28, 0), v(0, 28, 0), k_rec_028},
    ReleaseFingerprint{"gpu_model_runner.py", 5515, k_load, v(0, 28, 0), v(0, 28, 0), k_rec_028},
    ReleaseFingerprint{"gpu_model_runner.py", 7048, k_capture, v(0, 28, 0), v(0, 28, 0), k_rec_028},
    ReleaseFingerprint{"core.py", 123, "", v(0, 28, 1), v(0, 28, 1), k_s12_0281},
    ReleaseFingerprint{"gpu_worker.py", 642, k_kv, v(0, 29, 1), v(0, 29, 1), k_s12_029},
    ReleaseFingerprint{"core.py", 123, k_engine, v(0, 30, 0), v(0, 30, 0), k_rec_030},
    ReleaseFingerprint{"gpu_worker.py", 441, k_v2, v(0, 30, 0), v(0, 30, 0), k_rec_030},
    ReleaseFingerprint{"model_runner.py", 428, k_load, v(0, 30, 0), v(0, 30, 0), k_rec_030},
    ReleaseFingerprint{"model_runner.py", 1066, k_capture, v(0, 30, 0), v(0, 30, 0), k_rec_030},
    ReleaseFingerprint{"gpu_worker.py", 640, k_kv, v(0, 30, 0), v(0, 30, 0), k_rec_030},
    ReleaseFingerprint{"gpu_worker.py", 655, k_notice, v(0, 30, 0), v(0, 30, 0), k_rec_030},
    ReleaseFingerprint{"gpu_worker.py", 825, k_pool, v(0, 30, 0), v(0, 30, 0), k_rec_030},
    ReleaseFingerprint{"gpu_worker.py", 888, k_free, v(0, 30, 0), v(0, 30, 0), k_rec_030},
    ReleaseFingerprint{"kv_cache_utils.py", 2395, k_tokens, v(0, 30, 0), v(0, 30, 0), k_rec_030},
    ReleaseFingerprint{"model_runner.py", 407, k_load, v(0, 31, 0), v(0, 31, 0), k_s12_031},
    ReleaseFingerprint{"gpu_worker.py", 692, k_kv, v(0, 31, 0), v(0, 31, 0), k_s12_031},
    ReleaseFingerprint{"kv_cache_utils.py", 2464, k_tokens, v(0, 31, 0), v(0, 31, 0), k_s12_031},
};

/// The file name as the fingerprints hold it: vLLM prints the base name, some log collectors a path.
std::string_view base_name(std::string_view file) {
    const std::size_t slash = file.rfind('/');
    return slash == std::string_view::npos ? file : file.substr(slash + 1);
}

} // namespace

std::span<const ReleaseFingerprint> release_fingerprints() { return k_fingerprints; }

std::string SourceLineRelease::range() const { return first == last ? first.str() : first.str() + " .. " + last.str(); }

std::string SourceLineRelease::evidence_text() const {
    std::string out;
    for (const FingerprintEvidence& e : evidence) {
        out += (out.empty() ? "[" : ", [") + e.where + "] (log line " + std::to_string(e.log_line) + ")";
    }
    return out;
}

void SourceLineDating::add(std::string_view file, std::uint32_t source_line, std::string_view message, std::size_t log_line) {
    if (source_line == 0 || file.empty()) {
        return;
    }
    file = base_name(file);
    std::vector<Interval> matched;
    for (const ReleaseFingerprint& f : k_fingerprints) {
        if (f.line == source_line && f.file == file && (f.message.empty() || message.find(f.message) != std::string_view::npos)) {
            matched.emplace_back(f.first, f.last);
        }
    }
    if (matched.empty()) {
        return; // a line the table does not know says nothing
    }
    const std::string where = std::string(file) + ":" + std::to_string(source_line);
    if (std::none_of(m_evidence.begin(), m_evidence.end(), [&](const FingerprintEvidence& e) { return e.where == where; })) {
        m_evidence.push_back(FingerprintEvidence{where, log_line});
    }
    if (!m_allowed) {
        m_allowed = std::move(matched);
        return;
    }
    // The releases both allow: pairwise intersections of the intervals.
    std::vector<Interval> both;
    for (const Interval& a : *m_allowed) {
        for (const Interval& b : matched) {
            const VllmVersion lo = std::max(a.first, b.first);
            const VllmVersion hi = std::min(a.second, b.second);
            if (!(hi < lo)) {
                both.emplace_back(lo, hi);
            }
        }
    }
    if (both.empty()) {
        m_contradiction = true;
    }
    m_allowed = std::move(both);
}

std::optional<SourceLineRelease> SourceLineDating::result() const {
    if (m_contradiction || !m_allowed || m_allowed->empty()) {
        return std::nullopt;
    }
    SourceLineRelease r{m_allowed->front().first, m_allowed->front().second, m_evidence};
    for (const Interval& i : *m_allowed) {
        r.first = std::min(r.first, i.first);
        r.last = std::max(r.last, i.second);
    }
    return r;
}

} // namespace vramplan

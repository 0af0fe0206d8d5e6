// Logs holding several vLLM runs, split into runs (io/vllm_log.hpp split_vllm_runs).
#include <vramplan/io/vllm_log.hpp>

#include <algorithm>
#include <charconv>
#include <set>
#include <utility>

namespace vramplan {

namespace {

/// The once-per-launch line a log line is, as (kind, data-parallel engine); kind 0 when none.
/// Kinds: 1 the API server's version (`vLLM API server version %s`,
/// vllm/entrypoints/api_server.py:129 @upstream-v0.23.0 and the OpenAI server of 0.8–0.10), 2 the
/// banner (`vLLM server version %s, serving model %s` or the logo's `version %s` line,
/// vllm/entrypoints/serve/utils/api_utils.py:311 @main log_version_and_model), 3 `non-default
/// args:` (api_utils.py:272 @main log_non_default_args, called once by the API server,
/// openai/api_server.py:491, and once per LLM(...), entrypoints/llm.py:341), 4 the engine-config
/// line (v1/engine/core.py:121 @main, printed only where data_parallel_rank_local is 0; V0's
/// `Initializing an LLM engine` and 0.7's `Initializing a V0 LLM engine`, once per LLMEngine:
/// tests/data/logs/vllm-logs-2_15.log, vllm-logs-2_19.log).
std::pair<int, unsigned> launch_marker(std::string_view line) {
    if (line.find("vLLM API server version ") != std::string_view::npos) {
        return {1, 0};
    }
    if (line.find("vLLM server version ") != std::string_view::npos ||
        (line.find("\xe2\x96\x80\xe2\x96\x84\xe2\x96\x80") != std::string_view::npos && line.find("version") != std::string_view::npos)) {
        return {2, 0}; // "▀▄▀" of the logo's version line
    }
    if (line.find("non-default args:") != std::string_view::npos) {
        return {3, 0};
    }
    const std::size_t engine = std::min({line.find("Initializing a V1 LLM engine"), line.find("Initializing a V0 LLM engine"),
                                          line.find("Initializing an LLM engine")});
    if (engine == std::string_view::npos) {
        return {0, 0};
    }
    // `(EngineCore_DP1 pid=7)`: engine 1 (multi-node logs gathered into one file).
    unsigned dp = 0;
    if (const std::size_t tag = line.find("EngineCore_DP"); tag != std::string_view::npos && tag < engine) {
        const char* digits = line.data() + tag + 13;
        (void)std::from_chars(digits, line.data() + line.size(), dp);
    }
    return {4, dp};
}

} // namespace

std::vector<LogRun> split_vllm_runs(std::string_view text) {
    std::vector<LogRun> runs{LogRun{1, 0, 0, text.size()}};
    std::set<std::pair<int, unsigned>> seen;
    std::size_t line_no = 0;
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t nl = text.find('\n', at);
        const std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
        ++line_no;
        const auto marker = launch_marker(text.substr(at, end - at));
        if (marker.first != 0 && !seen.insert(marker).second) {
            runs.back().last_line = line_no - 1;
            runs.back().end = at;
            runs.push_back(LogRun{line_no, 0, at, text.size()});
            seen = {marker};
        }
        at = end;
    }
    runs.back().last_line = line_no;
    return runs;
}

std::string_view log_run_text(std::string_view text, const LogRun& run) { return text.substr(run.begin, run.end - run.begin); }

} // namespace vramplan

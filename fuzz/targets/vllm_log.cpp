// A vLLM startup log (`vramplan calibrate LOG`): any era, INFO or DEBUG, Ray and multiprocess
// prefixes, CR and ANSI colour codes; and split into the runs appended in it.
#include "../fuzz.hpp"

#include <vramplan/io/vllm_log.hpp>

VRAMPLAN_FUZZ_TARGET(vllm_log) {
    using namespace vramplan;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    fuzz::accepts([&] { (void)parse_vllm_log(text); });
    // The runs of a log (split_vllm_runs): they tile the text, in order, and each parses.
    fuzz::accepts([&] {
        std::size_t at = 0;
        for (const LogRun& run : split_vllm_runs(text)) {
            if (run.begin != at || run.end < run.begin || run.end > text.size() || run.first_line > run.last_line + 1) {
                fuzz::fail("split_vllm_runs: the runs do not tile the log");
            }
            at = run.end;
            (void)parse_vllm_log(log_run_text(text, run), run.first_line);
        }
        if (at != text.size()) {
            fuzz::fail("split_vllm_runs: the runs do not tile the log");
        }
    });
    return 0;
}

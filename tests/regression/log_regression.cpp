// Regression test against real vLLM startup logs (tests/data/vllm-logs, vendored from shared/reference), through
// the same replay as `vramplan accuracy`. Pins the accuracy the README publishes:
//   * KV cache GiB, absolute relative error: median ≤ 2 % and p90 ≤ 6 % on V1 ≥ 0.9.1 records,
//     median ≤ 4 % and p90 ≤ 10 % over all eras (Unsloth-patched runs reported apart);
//   * exact mode: with vLLM's logged KV pinned, tokens/blocks/concurrency match the log;
//   * the start/fail outcome matches on every replayed record.
// The `wave4` slice (vLLM 0.22+) is its own summary group with its own bounds (below).
#include <vramplan/report/accuracy.hpp>

#include <vramplan/io/errors.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <iostream>

using namespace vramplan;

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: vramplan_log_regression LOGS.jsonl CONFIGS_DIR [--report FILE]\n";
        return 2;
    }
    std::string report_path;
    for (int i = 3; i + 1 < argc; ++i) {
        if (std::string(argv[i]) == "--report") {
            report_path = argv[i + 1];
        }
    }
    try {
        const Catalog catalog = Catalog::load({});
        const std::vector<RecordScore> scores = score_records(catalog, argv[1], argv[2]);
        const std::vector<AccuracySummaryRow> summary = summarize(scores);
        const std::string text = render_accuracy_text(scores, summary);
        std::cout << text;
        if (!report_path.empty()) {
            std::ofstream(report_path) << text;
        }
        int failures = 0;
        const auto require = [&](bool ok, const std::string& what) {
            if (!ok) {
                std::cout << "FAIL: " << what << "\n";
                ++failures;
            }
        };
        for (const AccuracySummaryRow& row : summary) {
            if (row.group == "V1 >= 0.9.1") {
                require(row.kv.n >= 20 && row.kv.median <= 0.02 && row.kv.p90 <= 0.06, "V1 >= 0.9.1 KV error median <= 2% and p90 <= 6%");
            } else if (row.group == "slice wave4 (vLLM 0.22+)") {
                // Regression guard at the level measured when 0.22-0.32 were modelled (issue 14:
                // median 5.7 %, p90 17.4 % over 14 records); issue 17's mechanisms (TP on PCIe, small
                // cards, V1-runner buffers) are what bring it to the 2 % / 6 % of the older eras.
                require(row.kv.n >= 14 && row.kv.median <= 0.06 && row.kv.p90 <= 0.20, "wave4 KV error median <= 6% and p90 <= 20%");
            } else if (row.group == "all eras") {
                require(row.kv.n >= 30 && row.kv.median <= 0.04 && row.kv.p90 <= 0.10, "all-era KV error median <= 4% and p90 <= 10%");
            }
        }
        // vLLM 0.22+ (slice wave4): every record replays (no skip), tokens and concurrency follow
        // from vLLM's own KV bytes, and the outcome matches, except the known gaps below, each with
        // the issue that models it. A gap that closes fails too, so the list stays true.
        // (vllm-logs-4#27, the LoRA boot, left this list when --enable-lora was modelled: addendum 3 §20.)
        const std::map<std::string, std::string> known_gaps{};
        for (const RecordScore& s : scores) {
            if (!s.wave4) {
                continue;
            }
            require(s.skip_reason.empty(), s.id + ": wave4 record not replayed (" + s.skip_reason + ")");
            require(s.exact != "mismatch", s.id + ": tokens/concurrency do not follow from vLLM's own KV bytes");
            const bool gap = known_gaps.count(s.id) > 0;
            if (s.outcome_checked) {
                require(s.outcome_matched != gap, s.id + (gap ? ": listed as a known gap (" + known_gaps.at(s.id) + ") but now matches: drop it from the list"
                                                               : ": start/fail outcome differs from the log"));
            }
        }
        for (const RecordScore& s : scores) {
            if (s.wave4) {
                continue;
            }
            require(s.exact != "mismatch", s.id + ": tokens/concurrency do not follow from vLLM's own KV bytes");
            require(!s.outcome_checked || s.outcome_matched, s.id + ": start/fail outcome differs from the log");
        }
        // The accuracy bounds above hold only where their groups exist: no group, no pass.
        for (const std::string group : {"V1 >= 0.9.1", "all eras", "slice wave4 (vLLM 0.22+)"}) {
            require(std::any_of(summary.begin(), summary.end(), [&](const auto& row) { return row.group == group; }),
                    "no '" + group + "' group in the summary (no records replayed?)");
        }
        std::cout << (failures == 0 ? "1 passed, 0 failed\n" : "0 passed, 1 failed\n");
        return failures == 0 ? 0 : 1;
    } catch (const InputError& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    }
}

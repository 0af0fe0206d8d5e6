// `vramplan accuracy` reports (report/accuracy.hpp).
#include <vramplan/report/accuracy.hpp>

#include <vramplan/report/render.hpp>

#include <fmt/format.h>

#include <cmath>

namespace vramplan {

using nlohmann::json;

namespace {

std::string pct(const std::optional<double>& e) { return e ? fmt::format("{:+.1f}%", 100.0 * *e) : "-"; }

std::string stats_cell(const ErrorStats& s) {
    return s.n == 0 ? "-" : fmt::format("{:.1f}/{:.1f}% n={}", 100.0 * s.median, 100.0 * s.p90, s.n);
}

} // namespace

std::string render_accuracy_text(const std::vector<RecordScore>& scores, const std::vector<AccuracySummaryRow>& summary) {
    std::string out = fmt::format("{:<16} {:<8} {:<30} {:<12} {:>2} {:>7} {:>8} {:>8} {:>8} {:>8}  {}\n", "record", "vllm", "model", "gpu", "tp",
                                  "weights", "KV", "tokens", "conc", "outcome", "exact (logged KV pinned)");
    std::size_t skipped = 0;
    for (const RecordScore& s : scores) {
        if (!s.skip_reason.empty()) {
            ++skipped;
            out += fmt::format("{:<16} {:<8} skipped: {}\n", s.id, s.version, s.skip_reason);
            continue;
        }
        out += fmt::format("{:<16} {:<8} {:<30} {:<12} {:>2} {:>7} {:>8} {:>8} {:>8} {:>8}  {}{}\n", s.id, s.version, s.model.substr(0, 30),
                           s.gpu.substr(0, 12), s.tp, pct(s.weights_error),
                           s.kv_error ? pct(s.kv_error) + (s.kv_basis == "blocks" ? "b" : "") : "-", pct(s.tokens_error),
                           pct(s.concurrency_error), s.outcome_matched ? "match" : "MISS", s.exact, s.patched ? " [patched: reported apart]" : s.wave4 ? " [wave4: own group]" : "");
    }
    out += fmt::format("\n{} records, {} replayed, {} skipped; KV error \"b\" = from V0 block counts\n\n", scores.size(), scores.size() - skipped,
                       skipped);
    out += "absolute error, median/p90 (Unsloth-patched runs excluded)\n";
    out += fmt::format("{:<56} {:>18} {:>18} {:>18} {:>18}\n", "group", "weights", "KV cache", "tokens", "concurrency");
    for (const AccuracySummaryRow& r : summary) {
        out += fmt::format("{:<56} {:>18} {:>18} {:>18} {:>18}\n", r.group, stats_cell(r.weights), stats_cell(r.kv), stats_cell(r.tokens),
                           stats_cell(r.concurrency));
    }
    std::size_t checked = 0;
    std::size_t matched = 0;
    std::size_t exact = 0;
    std::size_t exact_ok = 0;
    std::size_t barred = 0;
    std::size_t within = 0;
    for (const RecordScore& s : scores) {
        barred += s.kv_within_error_bar ? 1 : 0;
        within += s.kv_within_error_bar.value_or(false) ? 1 : 0;
        checked += s.outcome_checked ? 1 : 0;
        matched += s.outcome_checked && s.outcome_matched ? 1 : 0;
        exact += s.exact.empty() ? 0 : 1;
        exact_ok += !s.exact.empty() && s.exact != "mismatch" ? 1 : 0;
    }
    out += fmt::format("\noutcome (starts / fails) matched {}/{}; exact mode {}/{}; logged KV within the plan's error bar {}/{}\n",
                       matched, checked, exact_ok, exact, within, barred);
    return out;
}

nlohmann::json accuracy_json(const std::vector<RecordScore>& scores, const std::vector<AccuracySummaryRow>& summary) {
    const auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
    json records = json::array();
    for (const RecordScore& s : scores) {
        json j{{"id", s.id}, {"model", s.model}, {"vllm_version", s.version}};
        if (!s.skip_reason.empty()) {
            j["skipped"] = s.skip_reason;
        } else {
            j.update(json{{"era", s.era}, {"gpu", s.gpu}, {"gpu_class", s.gpu_class}, {"family", s.family}, {"tensor_parallel_size", s.tp},
                          {"patched", s.patched}, {"weights_error", opt(s.weights_error)}, {"kv_cache_error", opt(s.kv_error)},
                          {"kv_error_basis", s.kv_basis.empty() ? json(nullptr) : json(s.kv_basis)}, {"tokens_error", opt(s.tokens_error)},
                          {"concurrency_error", opt(s.concurrency_error)}, {"activation_error", opt(s.activation_error)},
                          {"non_torch_error", opt(s.non_torch_error)}, {"cuda_graphs_error", opt(s.graphs_error)},
                          {"kv_error_bar_gib", opt(s.kv_error_bar_gib)},
                          {"kv_within_error_bar", s.kv_within_error_bar ? json(*s.kv_within_error_bar) : json(nullptr)},
                          {"outcome_matched", s.outcome_matched},
                          {"exact", s.exact.empty() ? json(nullptr) : json(s.exact)}});
        }
        records.push_back(j);
    }
    json groups = json::array();
    for (const AccuracySummaryRow& r : summary) {
        const auto st = [](const ErrorStats& s) { return json{{"n", s.n}, {"median", s.median}, {"p90", s.p90}, {"max", s.max}}; };
        groups.push_back(json{{"group", r.group}, {"weights", st(r.weights)}, {"kv_cache", st(r.kv)}, {"tokens", st(r.tokens)},
                              {"concurrency", st(r.concurrency)}});
    }
    return json{{"schema_version", k_schema_version}, {"tool_version", k_tool_version}, {"records", records}, {"summary", groups}};
}

} // namespace vramplan

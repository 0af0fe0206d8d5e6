#pragma once
/// `vramplan accuracy`: replays recorded vLLM startups (JSON lines) through the planner and scores
/// it, per record and per group. The report layer (report/accuracy.hpp) renders the scores.

#include <vramplan/io/catalog.hpp>
#include <vramplan/io/log_records.hpp>

#include <optional>
#include <string>
#include <vector>

namespace vramplan {

/// The planner against one record. Errors are signed relative errors (predicted − logged) / logged.
struct RecordScore {
    std::string id;
    std::string model;
    std::string version;
    std::string era;          ///< era_name of the replayed plan
    std::string gpu;          ///< catalog id, or "(logged total)"
    std::string gpu_class;    ///< "Hopper", "Ampere", …
    std::string family;       ///< "dense", "MoE", "MLA", "sliding/hybrid", "+VLM", "+quantized"
    std::uint32_t tp = 1;
    bool patched = false;     ///< Unsloth-patched vLLM (reported apart)
    bool wave4 = false;       ///< slice `wave4` (vLLM 0.22+): its own summary group, kept out of the others
    std::string skip_reason;  ///< non-empty: not replayed
    std::optional<double> weights_error, kv_error, tokens_error, concurrency_error;
    std::optional<double> activation_error, non_torch_error, graphs_error;   ///< where the log prints the term
    std::string kv_basis;     ///< "GiB" or "blocks" (V0 logs print blocks)
    std::optional<double> kv_logged_gib, kv_predicted_gib;
    /// The KV error bar the plan prints for rank 0 (GiB), and whether the logged KV falls inside it
    /// (|predicted − logged| ≤ bar); set where the log prints KV GiB.
    std::optional<double> kv_error_bar_gib;
    std::optional<bool> kv_within_error_bar;
    bool outcome_checked = false;
    bool outcome_matched = false;
    bool predicted_starts = false;
    /// With vLLM's logged KV bytes pinned, do tokens/blocks/concurrency match the log exactly?
    /// "" when not checkable; "exact ok", "rank-0 bound ok" (TP) or "mismatch".
    std::string exact;
};

/// Error statistics of one metric over a group of records (absolute relative errors).
struct ErrorStats {
    std::size_t n = 0;
    double median = 0.0;
    double p90 = 0.0;
    double max = 0.0;
};
ErrorStats error_stats(std::vector<double> absolute_errors);

/// Scores every record of `path` (configs under `configs_dir`, default: `configs/` beside the file).
std::vector<RecordScore> score_records(const Catalog& catalog, const std::string& path, const std::string& configs_dir);

/// Summary groups: "all eras", "V1 >= 0.9.1", each era, GPU class and family, patched runs and the
/// `wave4` slice excluded; then "slice wave4 (vLLM 0.22+)" when the file has that slice.
struct AccuracySummaryRow {
    std::string group;
    ErrorStats weights, kv, tokens, concurrency;
};
std::vector<AccuracySummaryRow> summarize(const std::vector<RecordScore>& scores);


} // namespace vramplan

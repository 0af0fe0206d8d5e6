// `vramplan compare` reports (report/compare.hpp).
#include <vramplan/report/compare.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace vramplan {

namespace {

/// How a metric is shown: its label, decimals and suffix.
struct MetricDisplay {
    CompareMetric metric;
    std::string label;
    int decimals = 2;
    std::string unit;
};

const std::vector<MetricDisplay>& rows() {
    static const std::vector<MetricDisplay> r{
        {CompareMetric::utilization, "utilization", 2, ""},
        {CompareMetric::max_model_len, "max-model-len", 0, ""},
        {CompareMetric::gpus, "GPUs (TP x PP)", 0, ""},
        {CompareMetric::budget, "budget GiB", 2, ""},
        {CompareMetric::weights, "  weights", 2, ""},
        {CompareMetric::activation, "  activation peak", 2, ""},
        {CompareMetric::non_torch, "  non-torch", 2, ""},
        {CompareMetric::cuda_graphs, "  CUDA graphs", 2, ""},
        {CompareMetric::kv_cache, "  KV cache", 2, ""},
        {CompareMetric::cuda_context, "CUDA context GiB", 2, ""},
        {CompareMetric::free, "free GiB", 2, ""},
        {CompareMetric::kv_tokens, "KV tokens", 0, ""},
        {CompareMetric::max_concurrency, "max concurrency", 2, "x"},
        {CompareMetric::snapshot_image, "snapshot image GiB", 2, ""},
        {CompareMetric::restore_lower_s, "restore s (lower bound)", 1, ""},
        {CompareMetric::verdict, "verdict", 0, ""},
    };
    return r;
}

/// The compared rows with their display, computed once per report.
struct Table {
    std::vector<MetricDisplay> display;
    std::vector<CompareRow> data;
};

Table table(const std::vector<ComparedScenario>& sc) {
    std::vector<Plan> plans;
    for (const ComparedScenario& s : sc) {
        plans.push_back(s.plan);
    }
    return {rows(), compare_plans(plans)};
}

std::string number(double x, int decimals) { return decimals == 0 ? grouped(static_cast<std::uint64_t>(std::llround(std::max(0.0, x)))) : fixed(x, decimals); }

/// A value in the unit people read: GiB for bytes.
double shown(const CompareRow& r, double x) { return r.unit == CompareUnit::bytes ? x / static_cast<double>(k_gib) : x; }

std::string cell(const MetricDisplay& row, const CompareRow& data, std::size_t i) {
    const CompareCell& c = data.cells[i];
    if (data.unit == CompareUnit::verdict) {
        return c.text;
    }
    const double v = shown(data, c.value);
    std::string s = (row.decimals == 0 && v < 0 ? "-" + number(-v, 0) : number(v, row.decimals)) + row.unit;
    if (c.delta) {
        const double d = shown(data, *c.delta);
        const double eps = row.decimals == 0 ? 0.5 : 0.5 * std::pow(10.0, -row.decimals);
        if (std::fabs(d) >= eps) {
            s += " (" + std::string(d > 0 ? "+" : "-") + number(std::fabs(d), row.decimals) + ")";
        }
    }
    return s;
}

} // namespace

std::string render_compare_text(const std::vector<ComparedScenario>& sc, std::size_t width) {
    const Table t = table(sc);
    const std::vector<MetricDisplay>& rs = t.display;
    std::size_t label_w = 16;
    for (const MetricDisplay& r : rs) {
        label_w = std::max(label_w, r.label.size());
    }
    std::vector<std::size_t> col_w;
    for (std::size_t i = 0; i < sc.size(); ++i) {
        std::size_t w = sc[i].label.size();
        for (std::size_t r = 0; r < rs.size(); ++r) {
            w = std::max(w, cell(rs[r], t.data[r], i).size());
        }
        col_w.push_back(w);
    }
    // Blocks of columns that fit the width; the first column (the reference) repeats in each.
    std::string out;
    std::size_t start = 1;
    do {
        std::vector<std::size_t> cols{0};
        std::size_t used = label_w + 2 + col_w[0];
        while (start < sc.size() && (cols.size() == 1 || used + 2 + col_w[start] <= width)) {
            used += 2 + col_w[start];
            cols.push_back(start++);
        }
        if (!out.empty()) {
            out += "\n";
        }
        std::string head = fmt::format("{:<{}}", "", label_w);
        for (std::size_t c : cols) {
            head += fmt::format("  {:>{}}", sc[c].label, col_w[c]);
        }
        out += head + "\n";
        for (std::size_t r = 0; r < rs.size(); ++r) {
            std::string line = fmt::format("{:<{}}", rs[r].label, label_w);
            for (std::size_t c : cols) {
                line += fmt::format("  {:>{}}", cell(rs[r], t.data[r], c), col_w[c]);
            }
            out += line + "\n";
        }
    } while (start < sc.size());
    out += "\n(deltas against the first column; memory per GPU)\n";
    return out;
}

std::string render_compare_markdown(const std::vector<ComparedScenario>& sc) {
    const Table t = table(sc);
    std::string out = "| |";
    for (const ComparedScenario& s : sc) {
        out += " " + s.label + " |";
    }
    out += "\n|---|";
    for (std::size_t i = 0; i < sc.size(); ++i) {
        out += "---:|";
    }
    out += "\n";
    for (std::size_t r = 0; r < t.display.size(); ++r) {
        std::string label = t.display[r].label;
        while (!label.empty() && label.front() == ' ') {
            label.erase(label.begin());
        }
        out += "| " + label + " |";
        for (std::size_t i = 0; i < sc.size(); ++i) {
            out += ' ';
            out += cell(t.display[r], t.data[r], i);
            out += " |";
        }
        out += "\n";
    }
    return out;
}

nlohmann::json compare_json(const std::vector<ComparedScenario>& scenarios) {
    nlohmann::json list = nlohmann::json::array();
    for (const ComparedScenario& s : scenarios) {
        list.push_back({{"label", s.label},
                        {"plan", plan_json(s.plan, PlanContext{s.model, s.model, "", "", "", {}, {}})},
                        {"snapshot", snapshot_json(estimate_snapshot(s.plan, SnapshotParams{}, std::nullopt))}});
    }
    // Every row the text shows, per scenario, in its own unit (bytes as integers), with the
    // difference from the first scenario.
    nlohmann::json rows = nlohmann::json::array();
    for (const CompareRow& r : table(scenarios).data) {
        nlohmann::json values = nlohmann::json::array();
        nlohmann::json deltas = nlohmann::json::array();
        for (const CompareCell& c : r.cells) {
            const auto number = [&r](double x) {
                return r.unit == CompareUnit::bytes || r.unit == CompareUnit::tokens || r.unit == CompareUnit::count
                           ? nlohmann::json(static_cast<std::int64_t>(std::llround(x)))
                           : nlohmann::json(x);
            };
            values.push_back(r.unit == CompareUnit::verdict ? nlohmann::json(c.text) : number(c.value));
            deltas.push_back(c.delta ? number(*c.delta) : nlohmann::json(nullptr));
        }
        rows.push_back({{"metric", compare_metric_name(r.metric)}, {"values", values}, {"deltas_from_first", deltas}});
    }
    return nlohmann::json{{"schema_version", k_schema_version}, {"scenarios", list}, {"rows", rows}};
}

} // namespace vramplan

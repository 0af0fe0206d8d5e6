// `vramplan sweep` reports (report/sweep.hpp).
#include <vramplan/report/sweep.hpp>

#include <vramplan/report/table.hpp>
#include <vramplan/units.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <utility>

namespace vramplan {

namespace {

double in_gib(SignedBytes b) { return static_cast<double>(b) / static_cast<double>(k_gib); }

} // namespace

std::string render_sweep_csv(const std::vector<SweepPoint>& pts, const SweepContext& ctx) {
    const std::string restore_label = ctx.calibrated ? "restore_s" : "restore_s_lower_bound";
    std::string out = "gpu_memory_utilization,max_model_len,starts,failure,kv_cache_gib,kv_tokens,max_concurrency,image_compressed_gib," + restore_label + "\n";
    for (const SweepPoint& p : pts) {
        out += fmt::format("{},{},{},{},{},{},{},{},{}\n", fixed(p.utilization, 2), p.max_model_len, p.starts ? "true" : "false", failure_name(p.failure),
                           fixed(in_gib(p.kv_cache), 2), p.tokens, fixed(p.concurrency, 2), fixed(in_gib(to_signed(p.image_compressed)), 2), fixed(p.restore_s, 1));
    }
    return out;
}

std::string render_sweep_text(const std::vector<SweepPoint>& pts, const SweepContext& ctx, std::size_t width) {
    std::string out = fmt::format("sweep: {} on {} (vLLM {}), {} combinations\n", ctx.model, ctx.gpu_id, ctx.version, pts.size());
    const auto right = [](std::size_t w, const char* before) { return TextTable::Column{TextTable::Align::right, w, before}; };
    TextTable t({right(5, ""), right(9, " "), right(10, " "), right(12, " "), right(12, " "), right(10, " "), right(11, " "),
                 {TextTable::Align::left, 0, "  "}});
    t.add_row({"u", "max len", "KV GiB", "KV tokens", "concurrency", "image GiB", ctx.calibrated ? "restore s" : "restore >= s", "verdict"});
    for (const SweepPoint& p : pts) {
        t.add_row({fixed(p.utilization, 2), grouped(p.max_model_len), fixed(in_gib(p.kv_cache), 2), grouped(p.tokens), fixed(p.concurrency, 2) + "x",
                   fixed(in_gib(to_signed(p.image_compressed)), 2), fixed(p.restore_s, 1),
                   p.starts ? "starts" : std::string("fails (") + failure_name(p.failure) + ")"});
    }
    out += t.render_blocks(width, 2);
    return out;
}

/// Self-contained SVG: three stacked charts sharing the utilization axis.
std::string render_sweep_svg(const std::vector<SweepPoint>& pts, const std::vector<double>& us, const std::vector<std::uint64_t>& lens,
                             const SweepContext& ctx) {
    const std::string title = fmt::format("{} on {}, vLLM {}", ctx.model, ctx.gpu_name, ctx.version);
    const bool calibrated = ctx.calibrated;
    const double width = 760;
    const double left = 90;
    const double right = 170;
    const double chart_h = 190;
    const double gap = 60;
    const double top = 60;
    const double plot_w = width - left - right;
    const double u_lo = us.front();
    const double u_hi = std::max(us.back(), u_lo + 0.01);
    static const char* colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};
    struct Series {
        const char* name;
        const char* unit;
        double SweepPoint::*field;
    };
    const Series charts[] = {{"KV-cache tokens", "thousand tokens", nullptr}, {"max concurrency", "requests", &SweepPoint::concurrency},
                             {calibrated ? "restore time, calibrated" : "restore time, physical lower bound", "seconds", &SweepPoint::restore_s}};
    const double height = top + 3 * chart_h + 2 * gap + 70;
    // Linear in the points (issue 16): one pass marks the utilizations where some length fails,
    // a second groups neighbouring ones into runs [first, last] of indices into `us`.
    std::vector<bool> fails(us.size(), false);
    for (std::size_t i = 0; i < pts.size(); ++i) {
        fails[i % us.size()] = fails[i % us.size()] || !pts[i].starts;
    }
    std::vector<std::pair<std::size_t, std::size_t>> failing_runs;
    for (std::size_t i = 0; i < us.size(); ++i) {
        if (fails[i] && i > 0 && fails[i - 1]) {
            failing_runs.back().second = i;
        } else if (fails[i]) {
            failing_runs.emplace_back(i, i);
        }
    }
    std::string s = fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
                                "font-family=\"sans-serif\" font-size=\"12\">\n",
                                width, height, width, height);
    s += fmt::format("<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", width, height);
    s += fmt::format("<text x=\"{}\" y=\"30\" font-size=\"16\" font-weight=\"bold\">{}</text>\n", left, title);
    const auto xpos = [&](double u) { return left + (u - u_lo) / (u_hi - u_lo) * plot_w; };
    for (int c = 0; c < 3; ++c) {
        const double y0 = top + c * (chart_h + gap);
        const auto value = [&](const SweepPoint& p) { return c == 0 ? static_cast<double>(p.tokens) / 1000.0 : p.*(charts[c].field); };
        double vmax = 0.0;
        for (const SweepPoint& p : pts) {
            if (p.starts) {
                vmax = std::max(vmax, value(p));
            }
        }
        vmax = vmax > 0.0 ? vmax * 1.1 : 1.0;
        const auto ypos = [&](double v) { return y0 + chart_h - v / vmax * chart_h; };
        // "vLLM fails to start" shading: utilizations where some max-model-len fails, one
        // rectangle per run of neighbouring ones (computed once, below the loop over charts).
        for (const auto& [first, last] : failing_runs) {
            const double half = us.size() > 1 ? (u_hi - u_lo) / static_cast<double>(us.size() - 1) / 2.0 : 0.005;
            const double xa = xpos(std::max(u_lo, us[first] - half));
            const double xb = xpos(std::min(u_hi, us[last] + half));
            fmt::format_to(std::back_inserter(s), "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#f4cccc\"/>\n", xa, y0, xb - xa,
                           chart_h);
        }
        s += fmt::format("<rect x=\"{}\" y=\"{:.1f}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#333333\"/>\n", left, y0, plot_w, chart_h);
        // Axes ticks and labels.
        for (int t = 0; t <= 4; ++t) {
            const double v = vmax * t / 4.0;
            const double y = ypos(v);
            s += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#dddddd\"/>\n", left, y, left + plot_w, y);
            s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 6, y + 4, fixed(v, v >= 100 ? 0 : 1));
        }
        for (double u = std::ceil(u_lo * 10.0) / 10.0; u <= u_hi + 1e-9; u += 0.1) {
            const double x = xpos(u);
            s += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#333333\"/>\n", x, y0 + chart_h, x, y0 + chart_h + 5);
            s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n", x, y0 + chart_h + 18, fixed(u, 1));
        }
        s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" font-weight=\"bold\">{} ({})</text>\n", left, y0 - 8, charts[c].name, charts[c].unit);
        s += fmt::format("<text transform=\"translate(20,{:.1f}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n", y0 + chart_h / 2,
                         charts[c].unit);
        s += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">--gpu-memory-utilization</text>\n", left + plot_w / 2,
                         y0 + chart_h + 36);
        // One polyline per max-model-len, over the utilizations where vLLM starts: the points of
        // length l are pts[l * us.size() .. (l + 1) * us.size()) (Sweep::points' order).
        for (std::size_t l = 0; l < lens.size(); ++l) {
            std::string pts_attr;
            for (std::size_t i = l * us.size(); i < std::min((l + 1) * us.size(), pts.size()); ++i) {
                if (pts[i].starts) {
                    fmt::format_to(std::back_inserter(pts_attr), "{:.1f},{:.1f} ", xpos(pts[i].utilization), ypos(value(pts[i])));
                }
            }
            if (!pts_attr.empty()) {
                fmt::format_to(std::back_inserter(s), "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n", pts_attr,
                               colors[l % 8]);
            }
        }
    }
    // Legend.
    const double lx = left + plot_w + 20;
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-weight=\"bold\">max-model-len</text>\n", lx, top + 10);
    for (std::size_t l = 0; l < lens.size(); ++l) {
        const double y = top + 30 + static_cast<double>(l) * 20;
        s += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"3\"/>\n", lx, y - 4, lx + 24, y - 4, colors[l % 8]);
        s += fmt::format("<text x=\"{}\" y=\"{}\">{} tokens</text>\n", lx + 30, y, grouped(lens[l]));
    }
    const double ly = top + 40 + static_cast<double>(lens.size()) * 20;
    s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"24\" height=\"12\" fill=\"#f4cccc\"/>\n", lx, ly - 10);
    s += fmt::format("<text x=\"{}\" y=\"{}\">vLLM fails to start</text>\n", lx + 30, ly);
    s += fmt::format("<text x=\"{}\" y=\"{}\">(any max-model-len)</text>\n", lx + 30, ly + 16);
    s += "</svg>\n";
    return s;
}


} // namespace vramplan

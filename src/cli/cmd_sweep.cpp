// `vramplan sweep`: every combination of utilization and max-model-len ranges, as a table or CSV,
// with KV tokens, concurrency, the snapshot's image and restore time, and the verdict; `--plot
// FILE.svg` draws KV tokens, concurrency and restore time against utilization, one line per
// max-model-len, with the "vLLM fails to start" region shaded.
#include "commands.hpp"
#include "plan_options.hpp"

#include <vramplan/coldstart.hpp>
#include <vramplan/io/errors.hpp>
#include <vramplan/io/sizes.hpp>
#include <vramplan/report/render.hpp>

#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <memory>
#include <sstream>

namespace vramplan::cli {

namespace {

constexpr std::size_t k_max_points = 1'000'000;

struct SweepOptions {
    PlanOptions vllm;
    SnapshotOptions snapshot;
    std::string utilizations = "0.2:0.95:0.05";
    std::string lengths;
    std::string format = "text";
    std::string plot;
};

/// "0.2:0.95:0.05" or "0.3,0.5,0.9" → utilizations, in steps of 0.01 at the finest.
std::vector<double> parse_utilizations(const std::string& text) {
    std::vector<double> out;
    const std::string flag = "--gpu-memory-utilization";
    if (text.find(':') != std::string::npos) {
        std::stringstream ss(text);
        std::string a, b, c;
        std::getline(ss, a, ':');
        std::getline(ss, b, ':');
        std::getline(ss, c, ':');
        std::string extra;
        if (a.empty() || b.empty() || c.empty() || std::getline(ss, extra, ':')) {
            throw InputError(flag + ": expected START:STOP:STEP (0.2:0.95:0.05) or a list, got '" + text + "'");
        }
        const double lo = parse_fraction(a, flag);
        const double hi = parse_fraction(b, flag);
        const double step = parse_fraction(c, flag);
        if (hi < lo || step < 0.01 - 1e-12) {
            throw InputError(flag + ": expected START <= STOP and STEP >= 0.01, got '" + text + "'");
        }
        const auto n = static_cast<int>(std::floor((hi - lo) / step + 1e-9));
        for (int i = 0; i <= n; ++i) {
            out.push_back(std::round((lo + i * step) * 10000.0) / 10000.0);
        }
        return out;
    }
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        out.push_back(parse_fraction(item, flag));
    }
    if (out.empty()) {
        throw InputError(flag + ": expected at least one value");
    }
    return out;
}

struct Point {
    double utilization = 0.0;
    std::uint64_t max_model_len = 0;
    bool starts = false;
    std::string failure;
    double kv_gib = 0.0;
    std::uint64_t tokens = 0;
    double concurrency = 0.0;
    double image_gib = 0.0;
    double restore_s = 0.0;
    bool restore_calibrated = false;
};

std::string failure_name(const Plan& p) {
    static constexpr const char* names[] = {"", "max_model_len_exceeds_model", "free_memory", "no_kv_memory", "kv_too_small", "graph_capture_oom"};
    return names[static_cast<int>(p.verdict.failure)];
}

/// Self-contained SVG: three stacked charts sharing the utilization axis.
std::string render_svg(const std::vector<Point>& pts, const std::vector<double>& us, const std::vector<std::uint64_t>& lens,
                       const std::string& title, bool calibrated) {
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
        double Point::*field;
    };
    const Series charts[] = {{"KV-cache tokens", "thousand tokens", nullptr}, {"max concurrency", "requests", &Point::concurrency},
                             {calibrated ? "restore time, calibrated" : "restore time, physical lower bound", "seconds", &Point::restore_s}};
    const double height = top + 3 * chart_h + 2 * gap + 70;
    std::string s = fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
                                "font-family=\"sans-serif\" font-size=\"12\">\n",
                                width, height, width, height);
    s += fmt::format("<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", width, height);
    s += fmt::format("<text x=\"{}\" y=\"30\" font-size=\"16\" font-weight=\"bold\">{}</text>\n", left, title);
    const auto xpos = [&](double u) { return left + (u - u_lo) / (u_hi - u_lo) * plot_w; };
    for (int c = 0; c < 3; ++c) {
        const double y0 = top + c * (chart_h + gap);
        const auto value = [&](const Point& p) { return c == 0 ? static_cast<double>(p.tokens) / 1000.0 : p.*(charts[c].field); };
        double vmax = 0.0;
        for (const Point& p : pts) {
            if (p.starts) {
                vmax = std::max(vmax, value(p));
            }
        }
        vmax = vmax > 0.0 ? vmax * 1.1 : 1.0;
        const auto ypos = [&](double v) { return y0 + chart_h - v / vmax * chart_h; };
        // "vLLM fails to start" shading: utilizations where the longest context fails.
        for (std::size_t i = 0; i < us.size(); ++i) {
            bool fails = false;
            for (const Point& p : pts) {
                fails = fails || (p.utilization == us[i] && !p.starts);
            }
            if (fails) {
                const double half = us.size() > 1 ? (u_hi - u_lo) / static_cast<double>(us.size() - 1) / 2.0 : 0.005;
                const double xa = xpos(std::max(u_lo, us[i] - half));
                const double xb = xpos(std::min(u_hi, us[i] + half));
                s += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#f4cccc\"/>\n", xa, y0, xb - xa, chart_h);
            }
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
        // One polyline per max-model-len, over the utilizations where vLLM starts.
        for (std::size_t l = 0; l < lens.size(); ++l) {
            std::string pts_attr;
            for (const Point& p : pts) {
                if (p.max_model_len == lens[l] && p.starts) {
                    pts_attr += fmt::format("{:.1f},{:.1f} ", xpos(p.utilization), ypos(value(p)));
                }
            }
            if (!pts_attr.empty()) {
                s += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n", pts_attr, colors[l % 8]);
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

} // namespace

Action add_sweep_command(CLI::App& app, const GlobalOptions& global) {
    auto opts = std::make_shared<SweepOptions>();
    CLI::App* cmd = app.add_subcommand("sweep", "Every combination of utilization and max-model-len: table, CSV, SVG plot");
    PlanOptions& v = opts->vllm;
    add_plan_options(cmd, v);
    cmd->get_option("--gpu-memory-utilization")->description("Range START:STOP:STEP (0.2:0.95:0.05) or a list");
    cmd->get_option("--max-model-len")->description("Context lengths, a list (1024,2048,4096,8192)");
    add_snapshot_options(cmd, opts->snapshot);
    cmd->add_option("--format,-f", opts->format, "text or csv")->check(CLI::IsMember({"text", "csv"}));
    cmd->add_option("--plot", opts->plot, "Also write an SVG plot to FILE.svg");
    return [opts, &global]() -> int {
        const SweepOptions& o = *opts;
        const Catalog catalog = Catalog::load(profile_directories(global));
        const std::vector<double> us = parse_utilizations(o.vllm.utilization.empty() ? o.utilizations : o.vllm.utilization);
        std::vector<std::uint64_t> lens;
        {
            std::stringstream ss(o.vllm.max_model_len);
            std::string item;
            while (std::getline(ss, item, ',')) {
                lens.push_back(parse_count(item, "--max-model-len", std::uint64_t{1} << 40));
            }
        }
        PlanOptions base = o.vllm;
        base.utilization.clear();
        base.max_model_len.clear();
        BuiltRequest built = build_request(catalog, base, false);
        if (lens.empty()) {
            lens.push_back(built.request.model.max_model_len);
        }
        if (us.size() * lens.size() > k_max_points) {
            throw InputError("sweep: at most " + std::to_string(k_max_points) + " combinations");
        }
        std::optional<RestoreFit> fit;
        const SnapshotParams sp = build_snapshot_params(o.snapshot, fit);
        std::vector<Point> pts;
        pts.reserve(us.size() * lens.size());
        for (std::uint64_t len : lens) {
            for (double u : us) {
                PlanRequest r = built.request;
                r.gpu_memory_utilization = u;
                r.max_model_len = len;
                if (const std::string problem = validate(r); !problem.empty()) {
                    throw InputError(problem);
                }
                const Plan p = make_plan(r);
                const SnapshotEstimate snap = estimate_snapshot(p, sp, fit);
                Point pt;
                pt.utilization = u;
                pt.max_model_len = len;
                pt.starts = p.verdict.starts;
                pt.failure = failure_name(p);
                pt.kv_gib = static_cast<double>(p.workers[p.deciding_worker].kv_cache) / static_cast<double>(k_gib);
                pt.tokens = p.capacity.tokens;
                pt.concurrency = std::floor(p.capacity.max_concurrency * 100.0) / 100.0;
                pt.image_gib = static_cast<double>(snap.image_compressed) / static_cast<double>(k_gib);
                pt.restore_calibrated = snap.restore_s.has_value();
                pt.restore_s = snap.restore_s.value_or(snap.restore_lower_s);
                pts.push_back(pt);
            }
        }
        const std::string restore_label = fit ? "restore_s" : "restore_s_lower_bound";
        std::string out;
        if (o.format == "csv") {
            out = "gpu_memory_utilization,max_model_len,starts,failure,kv_cache_gib,kv_tokens,max_concurrency,image_compressed_gib," + restore_label + "\n";
            for (const Point& p : pts) {
                out += fmt::format("{},{},{},{},{},{},{},{},{}\n", fixed(p.utilization, 2), p.max_model_len, p.starts ? "true" : "false", p.failure,
                                   fixed(p.kv_gib, 2), p.tokens, fixed(p.concurrency, 2), fixed(p.image_gib, 2), fixed(p.restore_s, 1));
            }
        } else {
            out = fmt::format("sweep: {} on {} (vLLM {}), {} combinations\n", built.model.label, built.request.gpu.id, built.request.version.str(),
                              pts.size());
            out += fmt::format("{:>5} {:>9} {:>10} {:>12} {:>12} {:>10} {:>11}  {}\n", "u", "max len", "KV GiB", "KV tokens", "concurrency", "image GiB",
                               fit ? "restore s" : "restore >= s", "verdict");
            for (const Point& p : pts) {
                out += fmt::format("{:>5} {:>9} {:>10} {:>12} {:>12} {:>10} {:>11}  {}\n", fixed(p.utilization, 2), grouped(p.max_model_len),
                                   fixed(p.kv_gib, 2), grouped(p.tokens), fixed(p.concurrency, 2) + "x", fixed(p.image_gib, 2), fixed(p.restore_s, 1),
                                   p.starts ? "starts" : "fails (" + p.failure + ")");
            }
        }
        if (!o.plot.empty()) {
            const std::string svg = render_svg(pts, us, lens,
                                               fmt::format("{} on {}, vLLM {}", built.model.label, built.request.gpu.name, built.request.version.str()),
                                               fit.has_value());
            write_file_atomically(o.plot, svg);
        }
        std::cout << out;   // after the plot is written: nothing on stdout when it cannot be
        return k_exit_ok;
    };
}

} // namespace vramplan::cli

// `sweep --plot` (render_sweep_svg): one shading rectangle per run of neighbouring failing
// utilizations in each of the three charts, one polyline per max-model-len in each chart.
#include <vramplan/report/sweep.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace vramplan;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

} // namespace

TEST_CASE("render_sweep_svg shades each run of failing utilizations once per chart") {
    const std::vector<double> us{0.1, 0.2, 0.3, 0.4, 0.5};
    const std::vector<std::uint64_t> lens{1024, 8192};
    // Points by max-model-len, then utilization (Sweep::points). 8192 fails at 0.1, 0.2 and 0.4:
    // two runs, [0.1, 0.2] and [0.4].
    std::vector<SweepPoint> pts;
    for (const std::uint64_t len : lens) {
        for (const double u : us) {
            SweepPoint p;
            p.utilization = u;
            p.max_model_len = len;
            p.starts = !(len == 8192 && (u < 0.25 || u == 0.4));
            p.tokens = p.starts ? 1000 : 0;
            p.concurrency = p.starts ? 1.0 : 0.0;
            pts.push_back(p);
        }
    }
    const std::string svg = render_sweep_svg(pts, us, lens, SweepContext{"m", "g", "G", "0.19.0", false});
    // 2 runs x 3 charts, plus the legend's swatch.
    CHECK(count(svg, "fill=\"#f4cccc\"") == 2 * 3 + 1);
    // Run [0.1, 0.2]: from 0.1 (clamped) to 0.2 + half a step (0.05): x = 90 to 90 + 0.15/0.4 * 500 = 277.5.
    CHECK(svg.find("<rect x=\"90.0\" y=\"60.0\" width=\"187.5\"") != std::string::npos);
    CHECK(count(svg, "<polyline ") == 2 * 3);
}

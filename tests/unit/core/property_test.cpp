// Properties of the planner over thousands of generated configurations: every catalog model on
// every catalog GPU, in every modelled era, at random utilizations, context lengths, parallel
// layouts, KV dtypes and eager/graph modes (a fixed-seed generator, so a failure reproduces).
//   - the accounting identities hold exactly (core accounting_error);
//   - the KV cache never grows when the weights grow;
//   - KV tokens never shrink when the utilization grows;
//   - max concurrency never grows when max-model-len grows;
//   - the same request gives byte-identical reports, also under a German locale (decimal comma).
#include <vramplan/io/catalog.hpp>
#include <vramplan/io/hf_config.hpp>
#include <vramplan/plan.hpp>
#include <vramplan/recommend.hpp>
#include <vramplan/report/render.hpp>

#include <catch2/catch.hpp>

#include <clocale>
#include <cstdint>
#include <locale>
#include <string>
#include <vector>

using namespace vramplan;

namespace {

/// splitmix64: the same sequence with every standard library (std:: distributions are not).
struct Rng {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::uint64_t below(std::uint64_t n) { return next() % n; }
    double unit() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
};

struct Universe {
    std::vector<ModelSpec> models;
    std::vector<GpuSpec> gpus;
};

const Universe& universe() {
    static const Universe u = [] {
        Universe out;
        const Catalog c = Catalog::load({});
        for (const auto& [id, m] : c.models()) {
            out.models.push_back(parse_hf_config(m.config, id).spec);
        }
        for (const auto& [id, g] : c.gpus()) {
            out.gpus.push_back(g.spec);
        }
        return out;
    }();
    return u;
}

const std::vector<VllmVersion> k_eras = {{0, 2, 0}, {0, 2, 7}, {0, 4, 0}, {0, 6, 4}, {0, 6, 6}, {0, 8, 5},
                                         {0, 9, 2}, {0, 10, 1}, {0, 10, 2}, {0, 11, 0}, {0, 19, 0}, {0, 21, 0},
                                         {0, 22, 1}, {0, 23, 0}, {0, 24, 0}, {0, 25, 1}, {0, 26, 0}, {0, 27, 1}, {0, 28, 0}, {0, 29, 0}, {0, 32, 0}};

/// A random valid request, or nullopt when the draw is not a valid configuration.
std::optional<PlanRequest> draw(Rng& rng) {
    const Universe& u = universe();
    PlanRequest r;
    r.model = u.models[rng.below(u.models.size())];
    r.gpu = u.gpus[rng.below(u.gpus.size())];
    r.version = k_eras[rng.below(k_eras.size())];
    const std::vector<std::uint32_t> tps = valid_tp_sizes(r.model, 8);
    r.tensor_parallel_size = tps[rng.below(tps.size())];
    r.pipeline_parallel_size = rng.below(4) == 0 ? 2 : 1;
    r.gpu_memory_utilization = 0.05 + 0.94 * rng.unit();
    r.max_model_len = 256 + rng.below(std::max<std::uint64_t>(r.model.max_model_len, 512) - 255);
    r.kv_cache_dtype = rng.below(3) == 0 ? "fp8" : "auto";
    r.enforce_eager = rng.below(4) == 0;
    if (rng.below(5) == 0) {
        r.other_processes_memory = rng.below(4) * k_gib;
    }
    if (!validate(r).empty()) {
        return std::nullopt;
    }
    return r;
}

std::string report(const PlanRequest& r) {
    const Plan p = make_plan(r);
    const PlanContext ctx{"m", "m", "s", "s", "catalog", {}, {}};
    return render_text(p, ctx) + render_explain(p) + render_bar(p, 80) + plan_json(p, ctx).dump(2);
}

constexpr int k_draws = 3000;

} // namespace

TEST_CASE("properties over generated configurations", "[plan][property]") {
    Rng rng{20261127};
    int planned = 0;
    for (int i = 0; i < k_draws; ++i) {
        const std::optional<PlanRequest> r = draw(rng);
        if (!r) {
            continue;
        }
        ++planned;
        const Plan base = make_plan(*r);
        INFO(r->model.architecture << " on " << r->gpu.id << ", vLLM " << r->version.str() << ", TP " << r->tensor_parallel_size
                                   << " PP " << r->pipeline_parallel_size << ", u " << *r->gpu_memory_utilization << ", L "
                                   << *r->max_model_len << ", kv " << r->kv_cache_dtype << (r->enforce_eager ? ", eager" : ""));
        REQUIRE(accounting_error(base) == "");

        // Utilization up: tokens never fewer.
        PlanRequest more_u = *r;
        more_u.gpu_memory_utilization = std::min(1.0, *r->gpu_memory_utilization + 0.01 + 0.2 * rng.unit());
        const Plan up = make_plan(more_u);
        REQUIRE(accounting_error(up) == "");
        CHECK(up.capacity.tokens >= base.capacity.tokens);
        for (std::size_t w = 0; w < base.workers.size(); ++w) {
            CHECK(up.workers[w].kv_cache >= base.workers[w].kv_cache);
        }

        // Weights up (wider MLPs or experts, a vision tower): the KV cache never larger.
        PlanRequest heavier = *r;
        if (heavier.model.is_moe()) {
            heavier.model.moe.expert_intermediate += 128 * (1 + rng.below(8));
        } else {
            heavier.model.intermediate_size += 128 * (1 + rng.below(64));
        }
        if (rng.below(2) == 0) {
            heavier.model.vision.params += (1 + rng.below(1000)) * 1'000'000;
        }
        if (validate(heavier).empty()) {
            const Plan heavy = make_plan(heavier);
            REQUIRE(accounting_error(heavy) == "");
            for (std::size_t w = 0; w < base.workers.size(); ++w) {
                CHECK(heavy.workers[w].weights >= base.workers[w].weights);
                CHECK(heavy.workers[w].kv_cache <= base.workers[w].kv_cache);
            }
        }

        // Context up: concurrency never higher, within one batching regime. (V0 turns chunked
        // prefill on above 32K tokens and then profiles a 2,048-token batch instead of a
        // max-model-len one: the activation peak drops, and vLLM really does report more
        // concurrency at the longer context. That crossing is checked apart below.)
        PlanRequest longer = *r;
        longer.max_model_len = *r->max_model_len + 1 + rng.below(*r->max_model_len);
        if (validate(longer).empty()) {
            const Plan lp = make_plan(longer);
            REQUIRE(accounting_error(lp) == "");
            if (lp.config.chunked_prefill == base.config.chunked_prefill) {
                CHECK(lp.capacity.max_concurrency <= base.capacity.max_concurrency);
            } else {
                CHECK(lp.config.max_num_batched_tokens < base.config.max_num_batched_tokens);
            }
        }
    }
    // Most draws must be real plans, or the properties above proved little.
    CHECK(planned > k_draws * 3 / 4);
}

TEST_CASE("reports are identical across runs and locales", "[plan][property][locale]") {
    Rng rng{7};
    std::vector<PlanRequest> requests;
    while (requests.size() < 200) {
        if (auto r = draw(rng)) {
            requests.push_back(*r);
        }
    }
    std::vector<std::string> first;
    for (const PlanRequest& r : requests) {
        first.push_back(report(r));
    }
    for (std::size_t i = 0; i < requests.size(); ++i) {
        CHECK(report(requests[i]) == first[i]);
    }
    // A library that calls setlocale (or a user's LC_ALL reaching one) must not turn 0.90 into
    // 0,90 or 1,024 into 1.024. scripts/deps.sh generates the locale.
    const char* previous = std::setlocale(LC_ALL, nullptr);
    const std::string restore = previous != nullptr ? previous : "C";
    const char* german = std::setlocale(LC_ALL, "de_DE.UTF-8");
    INFO("the de_DE.UTF-8 locale is missing: run scripts/deps.sh (it generates it)");
    REQUIRE(german != nullptr);
    const std::locale cpp_previous = std::locale::global(std::locale("de_DE.UTF-8"));
    std::vector<std::string> german_reports;
    for (const PlanRequest& r : requests) {
        german_reports.push_back(report(r));
    }
    std::locale::global(cpp_previous);
    std::setlocale(LC_ALL, restore.c_str());
    for (std::size_t i = 0; i < requests.size(); ++i) {
        CHECK(german_reports[i] == first[i]);
    }
}

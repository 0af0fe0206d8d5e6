// Plans side by side (compare.hpp): values in their own units, deltas against the first.
#include "../support/models.hpp"

#include <vramplan/compare.hpp>

#include <catch2/catch.hpp>

using namespace vramplan;

TEST_CASE("compare: every metric for every plan, deltas against the first", "[compare]") {
    PlanRequest a = test::request(test::qwen25_1_5b(), test::a10());
    a.max_model_len = 4096;
    a.gpu_memory_utilization = 0.5;
    PlanRequest b = a;
    b.gpu_memory_utilization = 0.7;
    const Plan pa = make_plan(a);
    const Plan pb = make_plan(b);
    const std::vector<CompareRow> rows = compare_plans({pa, pb});
    REQUIRE(rows.size() == 16);
    for (const CompareRow& r : rows) {
        REQUIRE(r.cells.size() == 2);
        CHECK_FALSE(r.cells[0].delta);
        if (r.unit != CompareUnit::verdict) {
            REQUIRE(r.cells[1].delta);
            CHECK(*r.cells[1].delta == r.cells[1].value - r.cells[0].value);
        }
    }
    CHECK(rows[0].metric == CompareMetric::utilization);
    CHECK(rows[0].cells[1].value == 0.7);
    const CompareRow& kv = rows[8];
    CHECK(kv.metric == CompareMetric::kv_cache);
    CHECK(kv.unit == CompareUnit::bytes);
    CHECK(kv.cells[0].value == static_cast<double>(pa.workers[pa.deciding_worker].kv_cache));
    CHECK(rows.back().cells[0].text == "starts");
}

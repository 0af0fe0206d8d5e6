// Logs holding several vLLM runs (include/vramplan/io/vllm_log.hpp split_vllm_runs): a run begins
// where a once-per-launch line repeats; DP engines and single runs stay whole.
#include <vramplan/io/catalog.hpp>
#include <vramplan/io/vllm_log.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace vramplan;

namespace {

// Built by appending (GCC 12's false -Warray-bounds on `std::string(DIR) + "/..." + name`).
std::string fixture(const std::string& name) {
    std::string path = VRAMPLAN_SOURCE_DIR "/tests/data/logs/";
    path += name;
    return path;
}

} // namespace

TEST_CASE("a log with one run is one run covering every line") {
    const std::string text = "INFO [api_server.py:1] vLLM API server version 0.10.1\n"
                             "INFO [utils.py:2] non-default args: {'model': 'm'}\n"
                             "(EngineCore_0 pid=1) INFO [core.py:3] Initializing a V1 LLM engine (v0.10.1) with config: model='m'\n";
    const auto runs = split_vllm_runs(text);
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].first_line == 1);
    CHECK(runs[0].last_line == 3);
    CHECK(runs[0].begin == 0);
    CHECK(runs[0].end == text.size());
    CHECK(split_vllm_runs("").size() == 1);
}

TEST_CASE("two appended launches split where the second one's first once-per-launch line is") {
    const std::string launch = "INFO [api_server.py:1] vLLM API server version 0.10.1\n"   // line 1 (4)
                               "INFO [utils.py:2] non-default args: {'model': 'm'}\n"        // line 2 (5)
                               "INFO [gpu_worker.py:3] Available KV cache memory: 1.00 GiB\n"; // line 3 (6)
    const std::string text = launch + launch;
    const auto runs = split_vllm_runs(text);
    REQUIRE(runs.size() == 2);
    CHECK(runs[0].first_line == 1);
    CHECK(runs[0].last_line == 3);
    CHECK(runs[1].first_line == 4);
    CHECK(runs[1].last_line == 6);
    CHECK(text.substr(runs[1].begin, runs[1].end - runs[1].begin) == launch);
    // The second run, parsed at its own line numbers: line 6 is line 6 of the file.
    const VllmLog second = parse_vllm_log(log_run_text(text, runs[1]), runs[1].first_line);
    CHECK(second.lines == 3);
    REQUIRE(second.kv_cache_gib);
    CHECK(second.kv_cache_gib->line == 6);
}

TEST_CASE("the engine-config line of two data-parallel engines is one launch; the same engine twice is two") {
    const std::string dp = "(EngineCore_DP0 pid=1) INFO [core.py:93] Initializing a V1 LLM engine (v0.13.0) with config: model='m'\n"
                           "(EngineCore_DP1 pid=2) INFO [core.py:93] Initializing a V1 LLM engine (v0.13.0) with config: model='m'\n";
    CHECK(split_vllm_runs(dp).size() == 1);
    CHECK(split_vllm_runs(dp + dp).size() == 2);
}

TEST_CASE("vllm-logs-2#19: Unsloth starts the V0 engine twice in one log; two runs, lines 1-12 and 13-21") {
    const std::string text = read_file(fixture("vllm-logs-2_19.log"), 1u << 20, "a log");
    const auto runs = split_vllm_runs(text);
    REQUIRE(runs.size() == 2);
    CHECK(runs[0].last_line == 12);
    CHECK(runs[1].first_line == 13);
    CHECK(runs[1].last_line == 21); // 20 newlines and a last line without one
    // Each run has its own weights line: 1.4331 GB (line 7) and 1.4253 GB (line 14).
    CHECK(parse_vllm_log(log_run_text(text, runs[0]), 1).weights_gib->value == Approx(1.4331));
    CHECK(parse_vllm_log(log_run_text(text, runs[1]), 13).weights_gib->line == 14);
    CHECK(parse_vllm_log(log_run_text(text, runs[1]), 13).weights_gib->value == Approx(1.4253));
}

TEST_CASE("every single-run fixture log stays one run") {
    for (const char* name : {"vllm-logs-2_4.log", "vllm-logs-2_12.log", "vllm-logs-2_38.log", "vllm-logs_28.log", "vllm-logs-2_61.log",
                             "vllm-logs-4_12.log", "vllm-logs-2_15.log", "vllm-logs-2_36.log"}) {
        const std::string text = read_file(fixture(name), 1u << 20, "a log");
        INFO(name);
        CHECK(split_vllm_runs(text).size() == 1);
    }
}

// `check` reports (report/check.hpp) from hand-built results: every rule's message, the fix lines,
// and the machine formats' structure.
#include <vramplan/report/check.hpp>

#include <catch2/catch.hpp>

using namespace vramplan;

namespace {

constexpr SignedBytes k_gib_bytes = SignedBytes{1} << 30;

DeploymentCheck failing() {
    DeploymentCheck r;
    r.source = "deploy/serve.sh";
    r.line = 3;
    r.entrypoint = "vllm serve";
    r.model = "Qwen/Qwen3-8B";
    r.gpu = "l4";
    r.version = "0.19.0";
    Violation v;
    v.rule = Violation::Rule::max_gpu_memory_utilization;
    v.actual = 0.95;
    v.limit = 0.9;
    v.fix = Fix::utilization(0.9);
    r.violations.push_back(v);
    r.violation_lines.push_back(5);
    return r;
}

} // namespace

TEST_CASE("check report: each rule's message quotes its numbers", "[report][check]") {
    Violation v;
    v.rule = Violation::Rule::min_free_gib;
    v.actual_bytes = 2 * k_gib_bytes;
    v.limit_bytes = 3 * k_gib_bytes;
    CHECK(violation_message(v) == "2.00 GiB left free for other processes, policy needs 3.00 GiB (1.00 GiB short)");
    v.rule = Violation::Rule::max_vram_gib_per_gpu;
    v.actual_bytes = 20 * k_gib_bytes;
    v.budget = 19 * k_gib_bytes;
    v.limit_bytes = 18 * k_gib_bytes;
    v.graphs_outside_budget = true;
    CHECK(violation_message(v) ==
          "vLLM uses 20.00 GiB per GPU (budget 19.00 GiB + 1.00 GiB outside it: CUDA context, CUDA graphs), exceeding policy 18.00 GiB by 2.00 GiB");
    v.rule = Violation::Rule::min_kv_tokens;
    v.tokens = 1000;
    v.limit_tokens = 12345;
    CHECK(violation_message(v) == "KV cache holds 1,000 tokens, policy needs 12,345");
    v.rule = Violation::Rule::min_concurrency;
    v.actual = 3.456;
    v.limit = 4;
    v.tokens = 8192;
    CHECK(violation_message(v) == "maximum concurrency 3.46x at 8,192 tokens, policy needs 4.00x");
    v.rule = Violation::Rule::max_restore_seconds;
    v.actual = 12.34;
    v.limit = 10;
    CHECK(violation_message(v) == "GPU-snapshot restore takes 12.3 s (physical lower bound), policy allows 10.0 s");
    CHECK(std::string(rule_name(Violation::Rule::min_graph_headroom_gib)) == "min_graph_headroom_gib");
}

TEST_CASE("check report: text, with the fix and the summary line", "[report][check]") {
    const std::string text = render_check_text({failing()});
    CHECK(text == "FAIL deploy/serve.sh:3: Qwen/Qwen3-8B on l4 (vLLM 0.19.0)\n"
                  "  - max_gpu_memory_utilization: utilization 0.95 exceeds policy 0.90\n"
                  "    fix: --gpu-memory-utilization 0.90\n"
                  "\n1 check, 0 passed, 1 failed\n");
}

TEST_CASE("check report: GitHub annotations point at the flag's line and escape properties", "[report][check]") {
    DeploymentCheck r = failing();
    r.source = "a,b:c.sh";
    const std::string gh = render_check_github({r});
    CHECK(gh == "::error file=a%2Cb%3Ac.sh,line=5,title=vramplan max_gpu_memory_utilization (Qwen/Qwen3-8B on l4 (vLLM 0.19.0))::"
                "utilization 0.95 exceeds policy 0.90 Fix: --gpu-memory-utilization 0.90\n");
}

TEST_CASE("check report: JSON and JUnit carry the same verdict", "[report][check]") {
    DeploymentCheck ok = failing();
    ok.violations.clear();
    ok.violation_lines.clear();
    const nlohmann::json j = check_json({failing(), ok});
    CHECK(j["schema_version"] == 1);
    CHECK(j["passed"] == false);
    CHECK(j["results"][0]["violations"][0]["rule"] == "max_gpu_memory_utilization");
    CHECK(j["results"][0]["violations"][0]["line"] == 5);
    CHECK(j["results"][0]["violations"][0]["fix"] == "--gpu-memory-utilization 0.90");
    CHECK(j["results"][1]["passed"] == true);
    const std::string xml = render_check_junit({failing(), ok});
    CHECK(xml.find("tests=\"2\" failures=\"1\" errors=\"0\"") != std::string::npos);
    CHECK(xml.find("<failure message=\"utilization 0.95 exceeds policy 0.90\" type=\"max_gpu_memory_utilization\">") != std::string::npos);
}

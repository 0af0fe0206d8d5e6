// Solver answers as text (report/recommend.hpp), from hand-built data.
#include <vramplan/report/recommend.hpp>

#include <catch2/catch.hpp>

using namespace vramplan;

TEST_CASE("recommend report: goals", "[report][recommend]") {
    SolveGoal g;
    g.kind = SolveGoal::Kind::min_for_concurrency;
    g.concurrency = 16;
    g.max_model_len = 4096;
    CHECK(goal_text(g) == "lowest utilization that serves 16 requests of 4,096 tokens");
    g.preset = "balanced";
    CHECK(goal_text(g) == "preset balanced: lowest utilization that serves 16 requests of 4,096 tokens");
    SolveGoal kv;
    kv.kind = SolveGoal::Kind::min_for_kv_tokens;
    kv.kv_tokens = 1000000;
    CHECK(goal_text(kv) == "lowest utilization with 1,000,000 tokens of KV cache");
    SolveGoal safe;
    safe.kind = SolveGoal::Kind::max_safe;
    safe.margin = Bytes{1} << 29;
    CHECK(goal_text(safe) == "largest utilization that starts and leaves 0.50 GiB free after vLLM's own use");
    SolveGoal len;
    len.kind = SolveGoal::Kind::max_model_len;
    len.utilization = 0.9;
    len.max_model_len_cap = 65536;
    CHECK(goal_text(len) == "largest max-model-len that fits at utilization 0.90 (capped at 65,536)");
}

TEST_CASE("recommend report: checks round concurrency as vLLM prints it", "[report][recommend]") {
    SolveCheck c;
    c.kind = SolveCheck::Kind::capacity;
    c.utilization = 0.23;
    c.concurrency = 16.415;
    CHECK(check_text(c) == "at 0.23: 16.42 requests");
    c.beyond = true;
    c.utilization = 0.22;
    c.concurrency = 15.2;
    CHECK(check_text(c) == "at 0.22: 15.20 requests (short of the target)");
    c.starts = false;
    CHECK(check_text(c) == "at 0.22: 15.20 requests (vLLM would not start)");
    SolveCheck t;
    t.kind = SolveCheck::Kind::capacity;
    t.by_concurrency = false;
    t.utilization = 0.5;
    t.tokens = 123456;
    CHECK(check_text(t) == "at 0.50: 123,456 tokens");
    SolveCheck ctx;
    ctx.kind = SolveCheck::Kind::context;
    ctx.max_model_len = 32768;
    ctx.kv_cache = SignedBytes{5} << 30;
    CHECK(check_text(ctx) == "at 32,768 tokens: starts, 5.00 GiB of KV");
    ctx.beyond = true;
    ctx.max_model_len = 32769;
    ctx.starts = false;
    CHECK(check_text(ctx) == "at 32,769 tokens: vLLM would not start");
}

TEST_CASE("recommend report: notes say why the answer differs from the request", "[report][recommend]") {
    SolveNote n;
    n.kind = SolveNote::Kind::larger_tp;
    n.from_tp = 1;
    n.to_tp = 2;
    n.why = "needs 1.3";
    CHECK(note_text(n) == "does not fit at TP 1: the smallest tensor-parallel size that fits is 2 (needs 1.3)");
    n.kind = SolveNote::Kind::fp8_kv_cache;
    n.max_gpus = 8;
    n.kv_cache_dtype = "bfloat16";
    n.why.clear();
    CHECK(note_text(n) == "does not fit on 8 GPU(s) with a bfloat16 KV cache: an fp8 KV cache halves it");
    SolveNote reach;
    reach.kind = SolveNote::Kind::preset_target_out_of_reach;
    reach.concurrency = 64;
    reach.to_tp = 1;
    reach.why = std::string(1, 'x');
    CHECK(note_text(reach) == "the preset's 64 requests are out of reach on 1 GPU(s) (x); this is the largest safe utilization instead");
}

TEST_CASE("recommend report: serve flags leave vLLM's defaults out", "[report][recommend]") {
    PlanRequest r;
    r.tensor_parallel_size = 2;
    r.kv_cache_dtype = "fp8";
    r.enforce_eager = true;
    ResolvedConfig c;
    c.gpu_memory_utilization = 0.85;
    c.max_model_len = 8192;
    CHECK(serve_command("m", serve_flags(r, c, false)) ==
          "vllm serve m --gpu-memory-utilization 0.85 --max-model-len 8192 --tensor-parallel-size 2 --kv-cache-dtype fp8 --enforce-eager");
    r.kv_cache_memory_bytes = 1000;
    CHECK(serve_command("m", serve_flags(r, c, true)).find("--kv-cache-memory-bytes 1000 --max-model-len 8192") != std::string::npos);
}

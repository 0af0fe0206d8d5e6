// Fixes as people type them (report/fix.hpp): one rendering for every command.
#include <vramplan/report/fix.hpp>

#include <catch2/catch.hpp>

using namespace vramplan;

TEST_CASE("fix: flags in the order people write them", "[report][fix]") {
    CHECK(fix_text(Fix::utilization(0.73)) == "--gpu-memory-utilization 0.73");
    Fix f = Fix::utilization(0.5);
    f.max_model_len = 8192;
    CHECK(fix_text(f) == "--gpu-memory-utilization 0.50 --max-model-len 8192");
    Fix eager;
    eager.enforce_eager = true;
    CHECK(fix_text(eager) == "--enforce-eager");
    Fix kv;
    kv.kv_cache_memory_bytes = 123;
    kv.kv_cache_dtype = "fp8";
    CHECK(fix_text(kv) == "--kv-cache-memory-bytes 123 --kv-cache-dtype fp8");
}

TEST_CASE("fix: actions outside vLLM's flags", "[report][fix]") {
    Fix f;
    f.action = Fix::Action::smaller_model_or_more_gpus;
    f.bytes = SignedBytes{12} << 30;
    CHECK(fix_text(f) == "a smaller model or more GPUs (nothing fits in 12.00 GiB per GPU)");
    f.action = Fix::Action::more_gpus_or_fp8;
    f.why = "at most 3.2x at 1.0";
    CHECK(fix_text(f) == "more GPUs or an fp8 KV cache (at most 3.2x at 1.0)");
    f.action = Fix::Action::free_other_processes;
    f.bytes = SignedBytes{3} << 29;
    CHECK(fix_text(f) == "free the 1.50 GiB other processes hold on the card");
}

TEST_CASE("fix: only a utilization-only fix bounds the utilization", "[report][fix]") {
    CHECK(Fix::utilization(0.4).only_utilization() == 0.4);
    Fix f = Fix::utilization(0.4);
    f.max_model_len = 1024;
    CHECK_FALSE(f.only_utilization());
    Fix a;
    a.action = Fix::Action::enforce_eager_or_smaller;
    CHECK_FALSE(a.only_utilization());
}

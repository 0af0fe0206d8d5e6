// Arithmetic that cannot lie: byte, token, block and parameter counts at the edge of 64 bits.
// Each case is an input, within the config parser's and validate()'s bounds or built directly
// with larger values, where the planner used to wrap, convert an out-of-range double, overflow a
// signed value or loop forever. Now it throws OverflowError (the CLI's "input too large"), or
// gives the exact answer where one fits.
#include "../support/models.hpp"
#include "../support/plan_checks.hpp"

#include <vramplan/coldstart.hpp>
#include <vramplan/estimates.hpp>
#include <vramplan/kv.hpp>
#include <vramplan/plan.hpp>
#include <vramplan/recommend.hpp>
#include <vramplan/weights.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

using namespace vramplan;

namespace {

constexpr std::uint64_t k_max = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t k_2_63 = std::uint64_t{1} << 63;
/// 3 x this is 2^64 + 2: it wraps to 2.
constexpr std::uint64_t k_third_of_2_64 = 6'148'914'691'236'517'206ULL;

using test::request;

/// One layer, hidden size 1, one head of 1: every term but the one under test is tiny.
LinearAttentionShape gdn(std::uint64_t k_heads, std::uint64_t v_heads, std::uint64_t k_dim, std::uint64_t v_dim, std::uint64_t kernel) {
    LinearAttentionShape la;
    la.num_k_heads = k_heads;
    la.num_v_heads = v_heads;
    la.k_head_dim = k_dim;
    la.v_head_dim = v_dim;
    la.conv_kernel = kernel;
    return la;
}

ModelSpec tiny_model(LayerAttention attention = LayerAttention::full) {
    ModelSpec m = test::dense_model(1, 1, 1, 1, 1, 0, 64);
    m.layers[0].attention = attention;
    m.linear_attention = gdn(1, 1, 1, 1, 4);
    return m;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

} // namespace

TEST_CASE("overflow: weight shapes are multiplied and added with checks", "[overflow][weights]") {
    // estimate_weights(model, dtype_bytes 1, TP 1, PP 1, rank 0). Each model below used to give a
    // small, wrong weight size.
    SECTION("linear attention: key heads x key head dim") {
        ModelSpec m = tiny_model(LayerAttention::linear);
        m.linear_attention.num_k_heads = std::uint64_t{1} << 32;
        m.linear_attention.k_head_dim = std::uint64_t{1} << 32;   // product 2^64 wrapped to 0
        CHECK_THROWS_AS(estimate_weights(m, 1, 1, 1, 0), OverflowError);
    }
    SECTION("linear attention: conv1d width x kernel") {
        ModelSpec m = tiny_model(LayerAttention::linear);
        m.linear_attention.conv_kernel = k_third_of_2_64;   // (2k + v) = 3 channels x kernel wrapped to 2
        CHECK_THROWS_AS(estimate_weights(m, 1, 1, 1, 0), OverflowError);
    }
    SECTION("MLA: qk_nope_head_dim + qk_rope_head_dim") {
        ModelSpec m = tiny_model(LayerAttention::mla);
        m.attention.kv_lora_rank = 1;
        m.attention.qk_rope_head_dim = 1;
        m.attention.qk_nope_head_dim = k_max;   // the sum wrapped to 0
        m.attention.v_head_dim = 1;
        CHECK_THROWS_AS(estimate_weights(m, 1, 1, 1, 0), OverflowError);
    }
    SECTION("MLA: heads x (qk_nope_head_dim + v_head_dim)") {
        ModelSpec m = tiny_model(LayerAttention::mla);
        m.attention.num_heads = std::uint64_t{1} << 32;
        m.attention.kv_lora_rank = 1;
        m.attention.qk_rope_head_dim = 1;
        m.attention.qk_nope_head_dim = 0;
        m.attention.v_head_dim = std::uint64_t{1} << 32;   // kv_b_proj and o_proj widths wrapped to 0
        CHECK_THROWS_AS(estimate_weights(m, 1, 1, 1, 0), OverflowError);
    }
    SECTION("GQA: KV heads x (head_dim + head_dim_v)") {
        ModelSpec m = tiny_model();
        m.attention.num_kv_heads = 2;
        m.attention.head_dim = std::uint64_t{1} << 62;
        m.attention.head_dim_v = std::uint64_t{1} << 62;   // 2 x 2^63 wrapped to 0
        CHECK_THROWS_AS(estimate_weights(m, 1, 1, 1, 0), OverflowError);
    }
    SECTION("dense MLP: 2 x intermediate_size (gate and up)") {
        ModelSpec m = tiny_model();
        m.intermediate_size = k_2_63;
        CHECK_THROWS_AS(estimate_weights(m, 1, 1, 1, 0), OverflowError);
    }
    SECTION("MoE: 2 x expert intermediate size") {
        ModelSpec m = tiny_model();
        m.layers[0].moe = true;
        m.moe.num_experts = 1;
        m.moe.top_k = 1;
        m.moe.expert_intermediate = k_2_63;
        CHECK_THROWS_AS(estimate_weights(m, 1, 1, 1, 0), OverflowError);
    }
    SECTION("MoE: 2 x shared expert width") {
        ModelSpec m = tiny_model();
        m.layers[0].moe = true;
        m.moe.num_experts = 1;
        m.moe.top_k = 1;
        m.moe.expert_intermediate = 1;
        m.moe.shared_intermediate = k_2_63;
        CHECK_THROWS_AS(estimate_weights(m, 1, 1, 1, 0), OverflowError);
    }
    SECTION("LayerNorm: weight and bias, 2 x hidden_size") {
        // TP 128 leaves no vocabulary rows on the rank, so only the norms see the hidden size.
        ModelSpec m = tiny_model(LayerAttention::linear);
        m.norm = NormKind::layer;
        m.hidden_size = k_2_63;
        m.linear_attention = gdn(0, 0, 0, 0, 4);
        CHECK_THROWS_AS(estimate_weights(m, 1, 128, 1, 0), OverflowError);
    }
}

TEST_CASE("overflow: KV page sizes are checked", "[overflow][kv]") {
    KvOptions o;
    SECTION("head_dim + head_dim_v") {
        ModelSpec m = tiny_model();
        m.attention.head_dim = k_2_63;
        m.attention.head_dim_v = k_2_63;   // the sum wrapped to 0: a free KV cache
        CHECK_THROWS_AS(kv_geometry(m, o), OverflowError);
    }
    SECTION("MLA latent: kv_lora_rank + qk_rope_head_dim") {
        ModelSpec m = test::deepseek_v2_lite();
        m.attention.kv_lora_rank = k_max;
        m.attention.qk_rope_head_dim = 1;
        CHECK_THROWS_AS(kv_geometry(m, o), OverflowError);
    }
    SECTION("linear-attention conv state: 2 x key heads x key head dim") {
        ModelSpec m = tiny_model(LayerAttention::linear);
        m.linear_attention.num_k_heads = k_2_63;
        CHECK_THROWS_AS(kv_geometry(m, o), OverflowError);
    }
    SECTION("hybrid alignment: 16 x bytes per token (was a division by zero)") {
        ModelSpec m = tiny_model();
        m.layers.push_back(LayerSpec{LayerAttention::linear, 0, false});
        m.attention.head_dim = std::uint64_t{1} << 58;
        m.attention.head_dim_v = std::uint64_t{1} << 58;   // 2^60 bytes per token at 2 bytes
        CHECK_THROWS_AS(kv_geometry(m, o), OverflowError);
    }
    SECTION("hybrid alignment: the raised block size") {
        // One byte per token; a state page of 2^64 - 2 bytes needs 2^64 tokens of 16-aligned
        // attention block, which wrapped to 0 and left the block size unraised.
        ModelSpec m = tiny_model(LayerAttention::linear);
        m.layers.push_back(LayerSpec{});   // an attention layer: only hybrids are aligned
        m.attention.head_dim_v = 0;
        m.linear_attention = gdn(0, k_2_63 - 1, 1, 1, 1);
        o.element_bytes = 1;
        CHECK_THROWS_AS(kv_geometry(m, o), OverflowError);
    }
}

TEST_CASE("overflow: a sliding window near 2^64 is capped by max_model_len instead of wrapping", "[overflow][kv]") {
    SECTION("the window is capped: (4096 / 16 + 1) blocks of 32 bytes") {
        // Used to give 129 blocks: window - 1 + 2048 wrapped to 2046 tokens.
        const KvLayerType t{LayerAttention::sliding, k_max, 1, 32};
        CHECK(layer_request_bytes(t, 16, 4096, 2048) == 257 * 32);
    }
    SECTION("2^64 - 1 tokens at block size 1 need 2^64 blocks") {
        // Used to give 0 bytes: the block count plus one wrapped.
        const KvLayerType t{LayerAttention::sliding, k_max, 1, 1};
        CHECK_THROWS_AS(layer_request_bytes(t, 1, k_max, 1), OverflowError);
    }
}

TEST_CASE("overflow: estimate_max_model_len terminates at max_model_len 2^64 - 1", "[overflow][kv]") {
    // A recurrent state page fits at any length. The binary search used to step past 2^64 - 1 to 0
    // and search again, forever (the old code hangs here).
    KvGeometry g;
    g.types.push_back(KvLayerType{LayerAttention::linear, 0, 1, 10});
    CHECK(estimate_max_model_len(g, {1}, 100, k_max, 1) == k_max);
}

TEST_CASE("overflow: activation widths are checked", "[overflow][estimates]") {
    const EraRules era = rules_for(VllmVersion{0, 19, 0});
    const WorkerShape w;
    SECTION("fused MoE: top_k x (3 x expert intermediate + hidden)") {
        ModelSpec m = tiny_model();
        m.layers[0].moe = true;
        m.moe.num_experts = 1;
        m.moe.expert_intermediate = 1;
        m.moe.top_k = std::uint64_t{1} << 62;   // x 4 elements wrapped to 0: no workspace
        CHECK_THROWS_AS(estimate_activation(m, w, era), OverflowError);
    }
    SECTION("dense: 3 x intermediate_size") {
        ModelSpec m = tiny_model();
        m.intermediate_size = k_third_of_2_64;   // wrapped to 2 elements per token
        CHECK_THROWS_AS(estimate_activation(m, w, era), OverflowError);
    }
}

TEST_CASE("overflow: the sampler peak is range-checked before it becomes bytes", "[overflow][estimates]") {
    // The largest vocabulary the parser accepts (2^28) with --max-num-seqs and
    // --max-num-batched-tokens at their limit (2^32): slope x 2^60 bytes, past what llround holds.
    const ModelSpec m = test::dense_model(1, 64, 1, 1, 64, 128, std::uint64_t{1} << 28);
    WorkerShape w;
    w.max_num_seqs = std::uint64_t{1} << 32;
    w.max_num_batched_tokens = std::uint64_t{1} << 32;
    w.compute_major = 9;
    SECTION("vLLM 0.10.2's 37 bytes per row and entry: past 2^64") {
        CHECK_THROWS_AS(estimate_activation(m, w, rules_for(VllmVersion{0, 10, 2})), OverflowError);
    }
    SECTION("v0.19's 14.41 bytes: between 2^63 and 2^64, exact") {
        // Used to come out as 2^63 (llround's out-of-range result) plus the hidden states.
        const ActivationEstimate e = estimate_activation(m, w, rules_for(VllmVersion{0, 19, 0}));
        const auto logits = static_cast<Bytes>(14.41 * 1152921504606846976.0);   // exact: 14.41 x 2^60
        CHECK(e.sampler == logits + (std::uint64_t{1} << 32) * 64 * 2);
    }
}

TEST_CASE("overflow: CUDA-graph capture sizes and pieces", "[overflow][estimates]") {
    SECTION("V0: max_num_seqs rounded up to 8 (used to wrap to 0 sizes above 4)") {
        const EraRules v0 = rules_for(VllmVersion{0, 6, 0});
        REQUIRE(v0.capture_schedule == CaptureSchedule::v0_to_seqs);
        CHECK(capture_sizes(v0, k_max, 2048).size() == 3 + 32);
    }
    SECTION("V1 0.10: 2 x max_num_seqs (used to wrap to 0)") {
        const EraRules v1 = rules_for(VllmVersion{0, 10, 0});
        REQUIRE(v1.capture_schedule == CaptureSchedule::step8_to_2s);
        CHECK(capture_sizes(v1, k_2_63, 8192).size() == 3 + 64);
    }
    SECTION("layers + 1 pieces (used to wrap to 0 bytes)") {
        CHECK_THROWS_AS(estimate_cuda_graphs(rules_for(VllmVersion{0, 19, 0}), k_max, 256, 2048), OverflowError);
    }
}

TEST_CASE("overflow: V1 KV token count (max concurrency x max_model_len) past 2^64", "[overflow][plan]") {
    // Within the parser's and validate()'s bounds: one sliding layer of window 1, one KV head of
    // dimension 1 in fp8 (2 bytes per token), block size 1, one batched token, on a 2^30 MiB card.
    // 2 blocks per request, ~2^48 blocks: concurrency ~2^47 times 2^36 tokens. vLLM 0.21 prints
    // int(concurrency x max_model_len); the conversion of a double past 2^64 used to give 0.
    ModelSpec m = test::dense_model(1, 64, 1, 1, 1, 128, 64);
    m.layers[0] = LayerSpec{LayerAttention::sliding, 1, false};
    m.max_model_len = std::uint64_t{1} << 36;
    GpuSpec gpu = test::h100();
    gpu.total = std::uint64_t{1} << 50;
    PlanRequest r = request(m, gpu, VllmVersion{0, 21, 0});
    r.kv_cache_dtype = "fp8";
    r.block_size = 1;
    r.max_num_batched_tokens = 1;
    REQUIRE(validate(r).empty());
    CHECK_THROWS_AS(make_plan(r), OverflowError);

    SECTION("2^15 tokens: 2^62-odd tokens still plan, exactly") {
        r.max_model_len = std::uint64_t{1} << 15;
        REQUIRE(validate(r).empty());
        const Plan p = make_plan(r);
        test::check_invariants(p);
        REQUIRE(p.capacity.blocks_per_request == 2);
        CHECK(p.capacity.tokens == p.capacity.num_blocks * 16384);   // num_blocks / 2 x 2^15
        CHECK(p.capacity.tokens > k_2_63 / 2);
    }
}

TEST_CASE("overflow: the KV cache's error bar", "[overflow][plan]") {
    // Weights just under 2^63 (a vision tower of 2^62 - 2^54 parameters in bf16): the KV cache is
    // about -2^63 and its 1 % error bar takes the low end below INT64_MIN, which used to wrap to
    // a large positive KV cache in the capacity range.
    ModelSpec m = test::dense_model(1, 64, 1, 1, 64, 128, 64);
    m.vision.params = (std::uint64_t{1} << 62) - (std::uint64_t{1} << 54);
    PlanRequest r = request(m, test::h100());
    REQUIRE(validate(r).empty());
    CHECK_THROWS_AS(make_plan(r), OverflowError);

    SECTION("weights of 2^62 still plan, with the range exact") {
        r.model.vision.params = std::uint64_t{1} << 61;
        const Plan p = make_plan(r);
        test::check_invariants(p);
        const WorkerPlan& w = p.workers.front();
        CHECK(p.verdict.failure == Failure::no_kv_memory);
        CHECK(p.range.kv_low == w.kv_cache - to_signed(w.errors.kv_cache));
        CHECK(p.range.kv_high == w.kv_cache + to_signed(w.errors.kv_cache));
    }
}

TEST_CASE("overflow: the margin note compares a very negative KV cache with a large request", "[overflow][plan]") {
    // KV cache about -0.75 x 2^63 (weights 3 x 2^61), one request 2^62 (head_dim 2^24, 2^36 tokens):
    // their difference is below INT64_MIN. Signed overflow, undefined: an ordinary build happened to
    // wrap to the same empty note; the sanitizer build (-fsanitize=undefined) stopped here.
    ModelSpec m = test::dense_model(1, 64, 1, 1, std::uint64_t{1} << 24, 128, 64);
    m.max_model_len = std::uint64_t{1} << 36;
    m.vision.params = std::uint64_t{3} << 60;
    const PlanRequest r = request(m, test::h100());
    REQUIRE(validate(r).empty());
    const Plan p = make_plan(r);
    test::check_invariants(p);
    REQUIRE(p.workers.front().request_bytes == std::uint64_t{1} << 62);
    CHECK(p.verdict.failure == Failure::no_kv_memory);
    CHECK(p.verdict.margin_note.empty());
}

TEST_CASE("overflow: V0 before 0.7.1 views MLA as heads of qk_nope + qk_rope dimensions", "[overflow][plan]") {
    ModelSpec m = test::deepseek_v2_lite();
    m.attention.qk_nope_head_dim = k_max;
    m.attention.qk_rope_head_dim = 2;   // the sum wrapped to 1
    const PlanRequest r = request(m, test::h100(), VllmVersion{0, 6, 0});
    REQUIRE(validate(r).empty());
    CHECK_THROWS_AS(make_plan(r), OverflowError);
}

TEST_CASE("overflow: a calibration delta of INT64_MIN", "[overflow][plan]") {
    // -INT64_MIN is undefined; the magnitude is now taken in unsigned arithmetic. An ordinary build
    // happened to give the same 0; the sanitizer build stopped here.
    PlanRequest r = request(test::llama31_8b(), test::h100());
    Calibration cal;
    cal.activation_delta = std::numeric_limits<SignedBytes>::min();
    r.calibration = cal;
    const Plan p = make_plan(r);
    CHECK(p.workers.front().activation == 0);
}

TEST_CASE("overflow: recommend on a card far too small", "[overflow][recommend]") {
    // Llama-3.1-8B on a 1-byte card: need / total x 100 is ~1.6e12, converted to int (undefined;
    // x86 happened to give INT_MIN and the search still ended at 101 %). Now capped first.
    GpuSpec gpu = test::h100();
    gpu.total = 1;
    const PlanRequest r = request(test::llama31_8b(), gpu);
    REQUIRE(validate(r).empty());
    ServeTarget t;
    t.concurrency = 1;
    const UtilizationAnswer a = min_utilization_for(r, t);
    CHECK_FALSE(a.utilization);
    CHECK(starts_with(a.why_not, "the weights, activation peak and KV cache for this target need more than the whole card"));
}

TEST_CASE("overflow: max_safe_utilization with a margin of INT64_MAX", "[overflow][recommend]") {
    // Other processes hold all but one byte, so what sits outside the budget exceeds the card:
    // total - outside - margin is below INT64_MIN (undefined; the sanitizer build stopped here).
    PlanRequest r = request(test::llama31_8b(), test::h100());
    r.other_processes_memory = r.gpu.total - 1;
    REQUIRE(validate(r).empty());
    const UtilizationAnswer a = max_safe_utilization(r, static_cast<Bytes>(std::numeric_limits<SignedBytes>::max()));
    CHECK_FALSE(a.utilization);
    CHECK(starts_with(a.why_not, "no utilization leaves "));
}

TEST_CASE("overflow: valid_tp_sizes up to 2^32 - 1 GPUs terminates", "[overflow][recommend]") {
    // A uint32 doubled past 2^31 wrapped to 0 and the loop never ended (the old code hangs here).
    const ModelSpec m = test::llama31_8b();
    CHECK(valid_tp_sizes(m, std::numeric_limits<std::uint32_t>::max()) == std::vector<std::uint32_t>{1, 2, 4, 8, 16, 32});
}

TEST_CASE("overflow: snapshot sizes", "[overflow][coldstart]") {
    const Plan p = make_plan(request(test::llama31_8b(), test::h100()));
    SECTION("--data-ratio 1e-300: the compressed image is not a 64-bit size") {
        // llround(inf) used to give 2^63 bytes.
        SnapshotParams q;
        q.data_ratio = 1e-300;
        CHECK_THROWS_AS(estimate_snapshot(p, q, std::nullopt), OverflowError);
    }
    SECTION("TP x PP past 2^32 GPUs") {
        // 2^16 x 2^16 wrapped to 0 GPUs: an image of the host memory alone.
        Plan big = p;
        big.request.tensor_parallel_size = std::uint32_t{1} << 16;
        big.request.pipeline_parallel_size = std::uint32_t{1} << 16;
        CHECK_THROWS_AS(estimate_snapshot(big, SnapshotParams{}, std::nullopt), OverflowError);
    }
}

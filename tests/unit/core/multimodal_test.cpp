// The multimodal profile (include/vramplan/multimodal.hpp) against addendum 3 §23's worked numbers.
// Every expected number is derived in a comment.
#include "../support/models.hpp"

#include <vramplan/multimodal.hpp>

#include <catch2/catch.hpp>

#include <cstdint>

using namespace vramplan;
using namespace vramplan::test;

namespace {

/// Qwen2.5-VL-7B's language model and tower: LM hidden 3584; ViT 32 blocks x 1280, MLP 3420,
/// patch 14, 2x2 merge, max_pixels 12,845,056.
ModelSpec qwen25_vl() {
    ModelSpec m = dense_model(28, 3584, 28, 4, 128, 18944, 152064);
    m.architecture = "Qwen2_5_VLForConditionalGeneration";
    m.model_type = "qwen2_5_vl";
    m.vision.params = 670'000'000;
    m.vision.depth = 32;
    m.vision.hidden = 1280;
    m.vision.intermediate = 3420;
    m.vision.patch = 14;
    m.vision.merge = 2;
    m.vision.max_pixels = 12'845'056;
    m.vision.video = true;
    m.vision.gated_mlp = true;   // hidden_act silu: gate_up_proj
    m.vision.rule = MmTokenRule::qwen_pixels;
    return m;
}

/// Gemma-3: 256 tokens per image of a 896-pixel SigLIP tile of 14-pixel patches.
ModelSpec gemma3() {
    ModelSpec m = dense_model(34, 2560, 8, 4, 256, 10240, 262208);
    m.architecture = "Gemma3ForConditionalGeneration";
    m.vision.params = 400'000'000;
    m.vision.depth = 27;
    m.vision.hidden = 1152;
    m.vision.intermediate = 4304;
    m.vision.patch = 14;
    m.vision.image_size = 896;
    m.vision.fixed_tokens = 256;
    m.vision.rule = MmTokenRule::fixed;
    return m;
}

MmContext context(std::uint64_t b, std::uint64_t s = 256, std::uint64_t l = 128000) {
    MmContext c;
    c.max_num_batched_tokens = b;
    c.max_num_seqs = s;
    c.max_model_len = l;
    c.version = VllmVersion{0, 27, 0};
    return c;
}

} // namespace

// §23.3: Qwen2.5-VL default max_pixels 12,845,056 / (14 x 2)^2 = 16,384 tokens; at B = 8192,
// E = max(8192, 16384) = 16,384 and N = max(1, min(16384 // 16384, ...)) = 1 image of 65,536 patches.
TEST_CASE("Qwen2.5-VL profiles one image of 16,384 tokens at B = 8192 (addendum 3 §23.3)", "[multimodal]") {
    const ModelSpec m = qwen25_vl();
    const MmProfile p = plan_multimodal(m, MmSettings{}, context(8192));
    REQUIRE(p.profiled);
    CHECK(p.tokens_per_item == 16384);
    CHECK(p.patches_per_item == 65536);
    CHECK(p.budget == 16384);
    CHECK(p.items == 1);
    // encoder = 65,536 x 2 B x (4 x 1280 + 3 x 3420) + embeddings 16,384 x 3584 x 2
    //         = 65,536 x 2 x 15,380 + 117,440,512 = 2,015,887,360 + 117,440,512.
    CHECK(p.encoder_activation == 2'015'887'360ULL + 117'440'512ULL);
    // cache = N x t x h_LM x 2 B = 16,384 x 3584 x 2 = 117,440,512.
    CHECK(p.encoder_cache == 117'440'512ULL);
}

// §23.3: max_pixels 1,003,520 → t = 1,280; E = 8192 → 6 images = 7,680 tokens.
TEST_CASE("Qwen2.5-VL with max_pixels 1,003,520 profiles 6 images (addendum 3 §23.3)", "[multimodal]") {
    MmSettings s;
    s.max_pixels = 1'003'520;
    const MmProfile p = plan_multimodal(qwen25_vl(), s, context(8192));
    CHECK(p.tokens_per_item == 1280);
    CHECK(p.budget == 8192);
    CHECK(p.items == 6);
    CHECK(p.items * p.tokens_per_item == 7680);
}

// §23.3: Gemma-3 (t = 256): B = 8192 → 32 images; 16384 → 64; 2048 → 8.
TEST_CASE("Gemma-3 profiles B / 256 images (addendum 3 §23.3)", "[multimodal]") {
    const ModelSpec m = gemma3();
    CHECK(plan_multimodal(m, MmSettings{}, context(8192)).items == 32);
    CHECK(plan_multimodal(m, MmSettings{}, context(16384)).items == 64);
    CHECK(plan_multimodal(m, MmSettings{}, context(2048)).items == 8);
    // One 896-pixel tile = 64 x 64 = 4096 patches per image.
    CHECK(plan_multimodal(m, MmSettings{}, context(2048)).patches_per_item == 4096);
}

// §23.1: items_per_prompt = max(1, min(limit, L // t)); N = min(E // t, S · items_per_prompt).
TEST_CASE("The number of dummy items is capped by S x items per prompt (addendum 3 §23.1)", "[multimodal]") {
    // Gemma-3 at B 8192, S 2, L 512: per prompt min(999, 512 // 256) = 2 → N = min(32, 2 x 2) = 4.
    CHECK(plan_multimodal(gemma3(), MmSettings{}, context(8192, 2, 512)).items == 4);
    // A limit of 1 image: N = min(32, 2 x 1) = 2.
    MmSettings s;
    s.image_limit = 1;
    CHECK(plan_multimodal(gemma3(), s, context(8192, 2, 512)).items == 2);
}

// §23.4: every modality of the tower at limit 0 → no profile; the tower leaves W from 0.15.
TEST_CASE("Text-only mode skips the encoder and, from 0.15, its weights (addendum 3 §23.4)", "[multimodal]") {
    MmSettings s;
    s.image_limit = 0;
    // Image 0 alone: the Qwen tower also serves video (default 999), so it is still profiled.
    CHECK(plan_multimodal(qwen25_vl(), s, context(8192)).profiled);
    s.video_limit = 0;
    const MmProfile off = plan_multimodal(qwen25_vl(), s, context(8192));
    CHECK_FALSE(off.profiled);
    CHECK_FALSE(off.tower_loaded);
    CHECK(multimodal_tower_bytes(1000, 2, off, false) == 0);
    MmContext old = context(8192);
    old.version = VllmVersion{0, 14, 0};
    CHECK(plan_multimodal(qwen25_vl(), s, old).tower_loaded);
    MmSettings lm_only;
    lm_only.language_model_only = true;
    CHECK_FALSE(plan_multimodal(qwen25_vl(), lm_only, context(8192)).profiled);
    // Gemma-3's tower serves images only: image 0 is enough.
    MmSettings image_off;
    image_off.image_limit = 0;
    CHECK_FALSE(plan_multimodal(gemma3(), image_off, context(8192)).profiled);
}

// §23.5: data mode replicates the tower (W x TP) and splits the items: ceil(N / TP) per rank.
TEST_CASE("Encoder data parallel: replicated weights, ceil(N/TP) items per GPU (addendum 3 §23.5)", "[multimodal]") {
    MmSettings s;
    s.encoder_data_parallel = true;
    MmContext c = context(8192);
    c.tp = 4;
    // Gemma-3 at B 8192: N = 32 → 8 per GPU.
    const MmProfile p = plan_multimodal(gemma3(), s, c);
    CHECK(p.items == 32);
    CHECK(p.items_per_gpu == 8);
    CHECK(multimodal_tower_bytes(250, 4, p, true) == 1000);
    // Qwen2.5-VL: N = 1 → 1 per GPU, no saving (§23.5).
    CHECK(plan_multimodal(qwen25_vl(), s, c).items_per_gpu == 1);
}

// §23.2: A = max(base + A_encoder, A_LM + cache); --skip-mm-profiling drops both.
TEST_CASE("The activation peak is the larger of the encoder and the LM with the cache (addendum 3 §23.2)", "[multimodal]") {
    MmProfile p;
    p.profiled = true;
    p.encoder_activation = 5000;
    p.encoder_cache = 100;
    CHECK(multimodal_activation(1000, 76, p) == 5076);
    p.encoder_activation = 500;
    CHECK(multimodal_activation(1000, 76, p) == 1100);
    MmSettings skip;
    skip.skip_profiling = true;
    const MmProfile none = plan_multimodal(qwen25_vl(), skip, context(8192));
    CHECK_FALSE(none.profiled);
    CHECK(multimodal_activation(1000, 76, none) == 1000);
}

// Pixtral / Mistral-3: 1540 / 14 = 110 patches a side, 55 tokens a side after the 2x2 merge,
// + 55 [IMG_BREAK] = 3025 + 55 = 3080 tokens; 12,100 patches.
TEST_CASE("Pixtral's item is 3,080 tokens of 12,100 patches", "[multimodal]") {
    VisionShape v;
    v.params = 1;
    v.patch = 14;
    v.merge = 2;
    v.image_size = 1540;
    v.rule = MmTokenRule::pixtral;
    const MmItemSize size = mm_item_size(v, MmSettings{});
    CHECK(size.tokens == 3080);
    CHECK(size.patches == 12100);
}

// An unknown family is planned with an assumption and the encoder term as its error bar.
TEST_CASE("A tower without a rule is planned with an assumption, never as 0", "[multimodal]") {
    ModelSpec m = gemma3();
    m.vision.rule = MmTokenRule::none;
    m.architecture = "SomeVLM";
    const MmProfile p = plan_multimodal(m, MmSettings{}, context(8192));
    REQUIRE(p.profiled);
    CHECK(p.assumed);
    CHECK(p.tokens_per_item == 4096);   // 896/14 = 64 patches a side, one token per patch
    CHECK(p.encoder_activation > 0);
    CHECK(p.error == p.encoder_activation);
    CHECK_FALSE(p.notes.empty());
}

#include <vramplan/multimodal.hpp>

#include <vramplan/estimates.hpp>

#include <algorithm>

namespace vramplan {

namespace {

/// vLLM's default per-modality limit: 999 on V1 (`MultiModalConfig.limit_per_prompt`,
/// vllm/config/multimodal.py @main), 1 on V0 (addendum 3 §23.6).
constexpr std::uint64_t k_default_limit_v1 = 999;
constexpr std::uint64_t k_default_limit_v0 = 1;
/// Tokens per item assumed for a family without a rule and without `image_size` (warned).
constexpr std::uint64_t k_assumed_tokens = 4096;
/// mllama: 4 tiles per image, each (image_size/patch)^2 patches + 1 class token (addendum 3 §23.6).
constexpr std::uint64_t k_mllama_tiles = 4;

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return b == 0 ? 0 : (a + b - 1) / b; }

std::string num(std::uint64_t x) { return std::to_string(x); }

/// Pixtral / Mistral-3: one token per merge x merge patches, one [IMG_BREAK] per row
/// (PixtralHFEncoderInfo.get_patch_grid_size, vllm/model_executor/models/pixtral.py @main).
MmItemSize pixtral_size(const VisionShape& v, const MmSettings& s) {
    const std::uint64_t width = std::min(s.image_width.value_or(v.image_size), v.image_size);
    const std::uint64_t height = std::min(s.image_height.value_or(v.image_size), v.image_size);
    const std::uint64_t unit = v.patch * v.merge;
    const std::uint64_t cols = ceil_div(width, unit);
    const std::uint64_t rows = ceil_div(height, unit);
    return {checked_add(checked_mul(rows, cols), rows), checked_mul(checked_mul(rows, cols), v.merge * v.merge)};
}

/// Encoder work of `patches` patch tokens on one GPU: the transformer-block working set of the
/// LM's forward estimate (calib::k_forward_hidden_factor hidden-wide and
/// k_forward_intermediate_factor MLP-wide tensors per token for a gated MLP, one fewer for
/// fc1 → act, estimates.hpp) at the encoder's width, the MLP split over `tp` (ColumnParallelLinear in the tower, e.g.
/// models/qwen2_5_vl.py:320-388 @main), flash/varlen attention (no quadratic term).
Bytes encoder_forward(const VisionShape& v, std::uint64_t patches, std::uint32_t tp, std::uint32_t d) {
    const std::uint64_t inter = v.intermediate > 0 ? v.intermediate : 4 * v.hidden;
    // A gate/up MLP holds gate_up (2 I) and its product (I); fc1 → act holds two I-wide tensors.
    const std::uint64_t inter_factor = v.gated_mlp ? calib::k_forward_intermediate_factor : calib::k_forward_intermediate_factor - 1;
    const std::uint64_t width = checked_add(checked_mul(calib::k_forward_hidden_factor, v.hidden),
                                            checked_mul(inter_factor, inter / std::max<std::uint32_t>(tp, 1)));
    return checked_mul(checked_mul(patches, d), width);
}

/// N_items of the V1 profile (multimodal/encoder_budget.py:45-220 @C28; v0.10.0 had no L // t).
std::uint64_t v1_items(const MmContext& c, std::uint64_t t, std::uint64_t limit, std::uint64_t budget) {
    const std::uint64_t per_prompt = c.version > VllmVersion{0, 10, 0}
                                         ? std::max<std::uint64_t>(1, std::min(limit, c.max_model_len / t))
                                         : limit;
    const std::uint64_t seqs = c.chunked_prefill ? c.max_num_seqs : std::min(c.max_num_seqs, c.max_num_batched_tokens / t);
    return std::max<std::uint64_t>(1, std::min(budget / t, checked_mul(seqs, per_prompt)));
}

/// The limits after --language-model-only; whether any modality of the tower stays enabled.
bool encoder_enabled(const VisionShape& v, const MmSettings& s, Engine engine, std::uint64_t& limit) {
    const std::uint64_t def = engine == Engine::v0 ? k_default_limit_v0 : k_default_limit_v1;
    const std::uint64_t image = s.language_model_only ? 0 : s.image_limit.value_or(def);
    const std::uint64_t video = s.language_model_only || !v.video ? 0 : s.video_limit.value_or(def);
    limit = image > 0 ? image : video;
    return limit > 0;
}

/// The note when image 0 leaves the tower on for video (addendum 3 §23.4).
void video_note(const MmSettings& s, MmProfile& p) {
    if (s.image_limit == std::uint64_t{0}) {
        p.notes.push_back("multimodal: image limit 0, but the tower also serves video (limit " +
                          (s.video_limit ? num(*s.video_limit) : std::string("default")) +
                          "): still loaded and profiled with video items; set video to 0 too for text only (addendum 3 §23.4)");
    }
}

} // namespace

MmItemSize mm_item_size(const VisionShape& v, const MmSettings& s) {
    switch (v.rule) {
    case MmTokenRule::qwen_pixels: {
        // Qwen2VLProcessingInfo.get_image_size_with_most_features (models/qwen2_vl.py @main):
        // max_pixels / (patch·merge)^2 tokens; 12,845,056 → 16,384 for Qwen2.5-VL (§23.3).
        const std::uint64_t unit = checked_mul(v.patch * v.merge, v.patch * v.merge);
        std::uint64_t pixels = s.max_pixels.value_or(v.max_pixels);
        if (s.image_width && s.image_height) {
            pixels = std::min(pixels, checked_mul(*s.image_width, *s.image_height));
        }
        const std::uint64_t t = std::max<std::uint64_t>(1, pixels / std::max<std::uint64_t>(unit, 1));
        return {t, checked_mul(t, v.merge * v.merge)};
    }
    case MmTokenRule::fixed: {
        const std::uint64_t side = v.patch > 0 ? v.image_size / v.patch : 0;
        return {v.fixed_tokens, v.fixed_patches > 0 ? v.fixed_patches : std::max(v.fixed_tokens, side * side)};
    }
    case MmTokenRule::pixtral: return pixtral_size(v, s);
    case MmTokenRule::mllama: {
        const std::uint64_t side = v.patch > 0 ? v.image_size / v.patch : 0;
        const std::uint64_t p = checked_mul(k_mllama_tiles, side * side + 1);
        return {p, p};
    }
    case MmTokenRule::none: break;
    }
    const std::uint64_t side = v.patch > 0 ? v.image_size / v.patch : 0;
    if (side == 0) {
        return {k_assumed_tokens, k_assumed_tokens};
    }
    const std::uint64_t merge = std::max<std::uint64_t>(v.merge, 1);
    return {std::max<std::uint64_t>(1, side * side / (merge * merge)), side * side};
}

MmProfile plan_multimodal(const ModelSpec& model, const MmSettings& s, const MmContext& c) {
    MmProfile p;
    const VisionShape& v = model.vision;
    if (v.params == 0) {
        return p;
    }
    p.multimodal = true;
    std::uint64_t limit = 0;
    if (!encoder_enabled(v, s, c.engine, limit)) {
        // Budget (0, 0): no encoder profile, no cache (encoder_cache_manager.py:301-307 @C28); the
        // tower is a StageMissingLayer since #32605 (≈0.15, models/interfaces.py:302-344 @C28).
        p.tower_loaded = c.engine == Engine::v0 || c.version < VllmVersion{0, 15, 0};
        p.notes.push_back(std::string("multimodal: every modality of the encoder has limit 0: no encoder profile (addendum 3 §23.4)") +
                          (p.tower_loaded ? "; the tower is still loaded before 0.15" : "; tower not built, its weights leave W"));
        return p;
    }
    video_note(s, p);
    if (s.skip_profiling) {
        p.notes.push_back("multimodal: --skip-mm-profiling: the encoder is not profiled; its peak at the first image is not in the "
                          "budget (addendum 3 §23.2)");
        return p;
    }
    if (!c.first_stage) {
        return p;   // the encoder runs on pipeline rank 0 only
    }
    const MmItemSize size = mm_item_size(v, s);
    p.tokens_per_item = size.tokens;
    p.patches_per_item = size.patches;
    p.assumed = v.rule == MmTokenRule::none;
    const std::uint64_t t = std::max<std::uint64_t>(size.tokens, 1);
    if (c.engine == Engine::v0) {
        // V0: min(S, B // (t · limit)) dummy sequences, each with `limit` items
        // (worker/model_runner.py:1262-1333 @v0.8.5); mllama: S sequences of one image
        // (worker/enc_dec_model_runner.py:264-341 @v0.6.5), §23.6.
        const std::uint64_t seqs = v.rule == MmTokenRule::mllama
                                       ? c.max_num_seqs
                                       : std::max<std::uint64_t>(1, std::min(c.max_num_seqs, c.max_num_batched_tokens / checked_mul(t, limit)));
        p.items = checked_mul(seqs, v.rule == MmTokenRule::mllama ? 1 : limit);
        p.budget = 0;
    } else {
        p.budget = std::max(c.max_num_batched_tokens, t);   // scheduler.py:238-239, encoder_cache_manager.py:322-327 @C28
        p.items = v1_items(c, t, limit, p.budget);
    }
    p.items_per_gpu = s.encoder_data_parallel ? ceil_div(p.items, c.tp) : p.items;
    const std::uint32_t enc_tp = s.encoder_data_parallel ? 1 : c.tp;
    const Bytes embeddings = checked_mul(checked_mul(p.items_per_gpu, t), checked_mul(model.hidden_size, c.dtype_bytes));
    p.encoder_activation = checked_add(encoder_forward(v, checked_mul(p.items_per_gpu, size.patches), enc_tp, c.dtype_bytes), embeddings);
    p.encoder_cache = checked_mul(checked_mul(p.items, t), checked_mul(model.hidden_size, c.dtype_bytes));
    p.profiled = true;
    // A_encoder has no public calibration (§23.2): half its size either way; all of it when t is assumed.
    p.error = p.assumed ? p.encoder_activation : p.encoder_activation / 2;
    if (p.assumed) {
        p.notes.push_back("multimodal: no tokens-per-item rule for " + model.architecture + ": assumed " + num(t) +
                          " tokens (" + num(size.patches) + " encoder patches) per item; error bar widened by the encoder term");
    }
    return p;
}

Bytes multimodal_activation(Bytes lm_peak, Bytes base, const MmProfile& p) {
    if (!p.profiled) {
        return lm_peak;
    }
    return std::max(checked_add(base, p.encoder_activation), checked_add(lm_peak, p.encoder_cache));
}

Bytes multimodal_tower_bytes(Bytes tp_sharded, std::uint32_t tp, const MmProfile& p, bool data_parallel) {
    if (!p.tower_loaded) {
        return 0;
    }
    // --mm-encoder-tp-mode data: the tower's linears are built with disable_tp=True (§23.5).
    return data_parallel ? checked_mul(tp_sharded, std::max<std::uint32_t>(tp, 1)) : tp_sharded;
}

} // namespace vramplan

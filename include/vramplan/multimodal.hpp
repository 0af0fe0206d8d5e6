#pragma once
/// The multimodal part of vLLM's profile run (addendum 3 §23): the encoder budget, the number of
/// dummy items, the encoder's activation peak and cache, text-only mode and encoder data parallel.
///
/// Standard library only. Bytes per GPU.

#include <vramplan/bytes.hpp>
#include <vramplan/model.hpp>
#include <vramplan/version.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vramplan {

/// The multimodal flags of a request (`--limit-mm-per-prompt`, `--mm-processor-kwargs`,
/// `--mm-encoder-tp-mode`, `--skip-mm-profiling`, `--language-model-only`).
struct MmSettings {
    std::optional<std::uint64_t> image_limit;  ///< unset: vLLM's default (V1 999, V0 1)
    std::optional<std::uint64_t> video_limit;  ///< unset: as image_limit's default
    std::optional<std::uint64_t> max_pixels;   ///< `max_pixels` of --mm-processor-kwargs (changes t, §23.3)
    std::optional<std::uint64_t> image_width;  ///< dummy size of --limit-mm-per-prompt {"image": {"width": …}}
    std::optional<std::uint64_t> image_height;
    bool encoder_data_parallel = false;        ///< --mm-encoder-tp-mode data (§23.5)
    bool skip_profiling = false;               ///< --skip-mm-profiling (§23.2)
    bool language_model_only = false;          ///< --language-model-only: every limit 0 (§23.4)
};

/// The scheduler settings the encoder budget depends on.
struct MmContext {
    std::uint64_t max_num_batched_tokens = 0; ///< B
    std::uint64_t max_num_seqs = 0;           ///< S
    std::uint64_t max_model_len = 0;          ///< L
    bool chunked_prefill = true;
    std::uint32_t tp = 1;
    std::uint32_t dtype_bytes = 2;
    bool first_stage = true;                  ///< the encoder lives on PP rank 0
    Engine engine = Engine::v1;
    VllmVersion version;
};

/// What the profile run does with the encoder, per GPU.
struct MmProfile {
    bool multimodal = false;          ///< the model has an encoder at all
    bool tower_loaded = true;         ///< false: text-only mode dropped the tower's weights (≈0.15+)
    bool profiled = false;            ///< the encoder runs in the profile
    bool assumed = false;             ///< t follows no known family rule (warned, wider error bar)
    std::uint64_t tokens_per_item = 0;   ///< t
    std::uint64_t patches_per_item = 0;  ///< encoder sequence per item (t · merge² for Qwen)
    std::uint64_t budget = 0;            ///< E = max(B, t) tokens (0: no encoder cache)
    std::uint64_t items = 0;             ///< N_items profiled at once
    std::uint64_t items_per_gpu = 0;     ///< ceil(N/TP) with encoder data parallel, else N
    Bytes encoder_activation = 0;        ///< A_encoder of items_per_gpu items
    Bytes encoder_cache = 0;             ///< N · t · h_LM · dtype held while the LM dummy batch runs
    Bytes error = 0;                     ///< half-width added to the activation error bar
    std::vector<std::string> notes;      ///< what was assumed, with the section it follows
};

/// vLLM's default tokens per item and encoder patches per item for the model's family, after
/// the processor settings (addendum 3 §23.1, §23.3). {0, 0} for a text-only model.
struct MmItemSize {
    std::uint64_t tokens = 0;
    std::uint64_t patches = 0;
};
MmItemSize mm_item_size(const VisionShape& v, const MmSettings& s);

/// The encoder profile of one worker (addendum 3 §23.1-§23.6). Never fails: a family without a
/// rule is planned with an assumption recorded in `notes` and `assumed`.
MmProfile plan_multimodal(const ModelSpec& model, const MmSettings& s, const MmContext& c);

/// Activation peak with the encoder (§23.2): max(base + A_encoder, A_LM + encoder cache).
/// `lm_peak` is the text-only estimate, `base` its constant term.
Bytes multimodal_activation(Bytes lm_peak, Bytes base, const MmProfile& p);

/// Weight bytes of the tower on one worker after text-only mode and encoder data parallel:
/// `tp_sharded` is the tower's bytes as sharded over TP (WeightBreakdown::vision).
Bytes multimodal_tower_bytes(Bytes tp_sharded, std::uint32_t tp, const MmProfile& p, bool data_parallel);

} // namespace vramplan

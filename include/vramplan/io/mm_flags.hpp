#pragma once
/// The multimodal flags as written → MmSettings (addendum 3 §23): `--limit-mm-per-prompt`,
/// `--mm-processor-kwargs`, `--mm-encoder-tp-mode`, `--skip-mm-profiling`, `--language-model-only`.

#include <vramplan/multimodal.hpp>

#include <string>

namespace vramplan {

/// Parses the flags (each "" when not given; the switches as "true"/"false"). `--limit-mm-per-prompt`
/// takes JSON (`{"image": 2, "video": 0}`, `{"image": {"count": 1, "width": 512, "height": 512}}`)
/// or vLLM ≤ 0.8's `image=1,video=0`. Throws InputError naming the flag on a bad value.
MmSettings parse_mm_flags(const std::string& limit_mm_per_prompt, const std::string& mm_processor_kwargs,
                          const std::string& mm_encoder_tp_mode, bool skip_mm_profiling, bool language_model_only);

} // namespace vramplan

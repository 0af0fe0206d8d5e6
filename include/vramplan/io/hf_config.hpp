#pragma once
/// Hugging Face `config.json` → `ModelSpec`.

#include <vramplan/model.hpp>

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace vramplan {

/// A parsed model and what the parser had to assume.
struct ParsedModel {
    ModelSpec spec;
    std::vector<std::string> notes;
    /// What a report must show as a warning: an architecture vramplan does not know, planned on
    /// stated assumptions.
    std::vector<std::string> warnings;
};

/// The `model_type`s whose layer shapes vramplan reads (the families parse_hf_config() names,
/// and the plain Llama-shaped decoders of the catalog), sorted.
const std::vector<std::string>& known_model_types();

/// Reads the architecture from a `config.json` object. `where` names the file in error messages.
/// Keys a config leaves out take the transformers class defaults (gemma3_text: vocab 262208, …).
/// Throws InputError for wrong types, missing essentials or absurd sizes.
ParsedModel parse_hf_config(const nlohmann::json& config, const std::string& where);

/// Applies vLLM's `--quantization` flag: online fp8 / bitsandbytes on an unquantized checkpoint,
/// or a kernel variant (`gptq_marlin`, `awq_marlin`) of the checkpoint's own method.
/// Throws InputError when the flag contradicts the checkpoint or is unknown.
void apply_quantization_flag(ParsedModel& model, const std::string& flag);

} // namespace vramplan

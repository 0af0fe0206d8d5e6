#pragma once
/// `--model` resolution: a config.json path, a model directory, or a catalog / Hugging Face id.

#include <vramplan/io/catalog.hpp>
#include <vramplan/io/hf_config.hpp>
#include <vramplan/io/safetensors.hpp>

#include <optional>
#include <string>

namespace vramplan {

struct ResolvedModel {
    ParsedModel parsed;
    std::string label;   ///< Hugging Face id, or the path
    std::string id;      ///< catalog id, or the path
    std::string source;  ///< where the config came from
    std::optional<CheckpointSize> checkpoint;
};

/// Resolves `--model`: an existing path (config.json file or directory holding one, with optional
/// safetensors headers) wins over the catalog. Throws InputError with a suggestion when unknown.
ResolvedModel resolve_model(const Catalog& catalog, const std::string& arg);

} // namespace vramplan

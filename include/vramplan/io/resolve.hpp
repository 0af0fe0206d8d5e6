#pragma once
/// `--model` resolution, in this order: a local path (config.json or a model directory), the local
/// Hugging Face cache, the Hugging Face Hub (ids the catalog does not know), the embedded catalog.

#include <vramplan/io/catalog.hpp>
#include <vramplan/io/hf_config.hpp>
#include <vramplan/io/hub.hpp>
#include <vramplan/io/safetensors.hpp>

#include <optional>
#include <string>

namespace vramplan {

/// Where a model's config came from (JSON `model.resolved_from`).
enum class ModelOrigin { path, hf_cache, hub, catalog };

/// "path", "hf_cache", "hub", "catalog".
const char* model_origin_name(ModelOrigin origin);

struct ResolvedModel {
    ParsedModel parsed;
    std::string label;   ///< Hugging Face id, or the path
    std::string id;      ///< catalog id, Hugging Face id (with @REVISION when given), or the path
    std::string source;  ///< where the config came from: a file, a cache snapshot, a Hub URL, a profile's source
    ModelOrigin origin = ModelOrigin::catalog;
    std::optional<CheckpointSize> checkpoint;
};

/// Resolves `--model`:
///  1. an existing path (config.json file or directory holding one, with optional safetensors
///     headers);
///  2. `ORG/NAME[@REVISION]` (or a catalog id, by its Hugging Face id) in the Hugging Face cache;
///  3. an `ORG/NAME` the catalog does not know (or any id with an explicit @REVISION) from the Hub,
///     unless HF_HUB_OFFLINE is set; what is fetched is cached for step 2;
///  4. the catalog (never the network for ids it knows).
/// Throws InputError with a suggestion when unknown, and one line for every Hub failure.
ResolvedModel resolve_model(const Catalog& catalog, const std::string& arg, const HubEnv& env);
/// resolve_model with the process environment.
ResolvedModel resolve_model(const Catalog& catalog, const std::string& arg);

} // namespace vramplan

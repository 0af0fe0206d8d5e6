#pragma once
/// The catalogs (`vramplan gpus`, `models`, `presets`, `show`): aligned lists and JSON.

#include <vramplan/io/catalog.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

namespace vramplan {

/// `width`: the terminal's columns; a wider table is split into column blocks keyed by the id.
std::string render_gpu_list(const Catalog& catalog, std::size_t width);
nlohmann::json gpu_list_json(const Catalog& catalog);
std::string render_model_list(const Catalog& catalog, std::size_t width);
nlohmann::json model_list_json(const Catalog& catalog);
/// The presets: id, goal and description, one a line.
std::string render_preset_list(const Catalog& catalog);
/// The presets as written, by id, with `schema_version`.
nlohmann::json preset_list_json(const Catalog& catalog);
/// One entry as `show` prints it: the profile with what vramplan derives from it.
nlohmann::json gpu_entry_json(const GpuProfile& gpu);
nlohmann::json model_entry_json(const ModelProfile& model);
/// A preset as written, with the file it came from (`origin`).
nlohmann::json preset_entry_json(const PresetProfile& preset);

} // namespace vramplan

#pragma once
/// The catalogs (`vramplan gpus`, `models`, `show`): aligned lists and JSON.

#include <vramplan/io/catalog.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace vramplan {

std::string render_gpu_list(const Catalog& catalog);
nlohmann::json gpu_list_json(const Catalog& catalog);
std::string render_model_list(const Catalog& catalog);
nlohmann::json model_list_json(const Catalog& catalog);
/// One entry as `show` prints it: the profile with what vramplan derives from it.
nlohmann::json gpu_entry_json(const GpuProfile& gpu);
nlohmann::json model_entry_json(const ModelProfile& model);

} // namespace vramplan

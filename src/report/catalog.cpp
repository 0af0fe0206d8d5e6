// The catalogs as text and JSON (report/catalog.hpp).
#include <vramplan/report/catalog.hpp>

#include <vramplan/io/hf_config.hpp>
#include <vramplan/report/render.hpp>
#include <vramplan/report/table.hpp>
#include <vramplan/weights.hpp>

#include <fmt/format.h>

namespace vramplan {

std::string render_gpu_list(const Catalog& catalog, std::size_t width) {
    TextTable t({{TextTable::Align::left, 16, ""}, {TextTable::Align::left, 46, " "}, {TextTable::Align::right, 10, " "},
                 {TextTable::Align::right, 8, " "}, {TextTable::Align::left, 0, "  "}});
    t.add_row({"id", "name", "CUDA GiB", "compute", "basis"});
    for (const auto& [id, g] : catalog.gpus()) {
        t.add_row({id, g.spec.name, gib2(to_signed(g.spec.total)), std::to_string(g.spec.compute_major) + "." + std::to_string(g.spec.compute_minor),
                   g.spec.total_basis});
    }
    return t.render_blocks(width, 1);
}

nlohmann::json gpu_list_json(const Catalog& catalog) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& [id, g] : catalog.gpus()) {
        arr.push_back(g.raw);
    }
    return nlohmann::json{{"schema_version", k_schema_version}, {"gpus", arr}};
}

std::string render_model_list(const Catalog& catalog, std::size_t width) {
    TextTable t({{TextTable::Align::left, 44, ""}, {TextTable::Align::left, 56, " "}, {TextTable::Align::right, 8, " "}});
    t.add_row({"id", "Hugging Face id", "params"});
    for (const auto& [id, m] : catalog.models()) {
        const ParsedModel p = parse_hf_config(m.config, m.origin + ": /config");
        t.add_row({id, m.hf_id, fixed(static_cast<double>(count_parameters(p.spec)) / 1e9, 2) + "B"});
    }
    return t.render_blocks(width, 1);
}

nlohmann::json model_list_json(const Catalog& catalog) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& [id, m] : catalog.models()) {
        arr.push_back({{"id", id}, {"hf_id", m.hf_id}, {"source", m.source}});
    }
    return nlohmann::json{{"schema_version", k_schema_version}, {"models", arr}};
}

nlohmann::json gpu_entry_json(const GpuProfile& g) {
    nlohmann::json j = g.raw;
    j["cuda_total_bytes"] = g.spec.total;
    j["origin"] = g.origin;
    return j;
}

nlohmann::json model_entry_json(const ModelProfile& m) {
    const ParsedModel p = parse_hf_config(m.config, m.origin + ": /config");
    return nlohmann::json{{"id", m.id}, {"hf_id", m.hf_id}, {"source", m.source}, {"origin", m.origin},
                          {"parameters", count_parameters(p.spec)}, {"max_model_len", p.spec.max_model_len}, {"layers", p.spec.layers.size()},
                          {"config", m.config}};
}

std::string render_preset_list(const Catalog& catalog) {
    TextTable t({{TextTable::Align::left, 22, ""}, {TextTable::Align::left, 15, " "}, {TextTable::Align::left, 0, " "}});
    t.add_row({"id", "goal", "description"});
    for (const auto& [id, p] : catalog.presets()) {
        t.add_row({id, p.spec.min_for_target ? "min_for_target" : "max_safe", p.description});
    }
    return t.render();
}

nlohmann::json preset_list_json(const Catalog& catalog) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& [id, p] : catalog.presets()) {
        arr.push_back(p.raw);
    }
    return nlohmann::json{{"schema_version", k_schema_version}, {"presets", arr}};
}

nlohmann::json preset_entry_json(const PresetProfile& p) {
    nlohmann::json j = p.raw;
    j["origin"] = p.origin;
    return j;
}

} // namespace vramplan

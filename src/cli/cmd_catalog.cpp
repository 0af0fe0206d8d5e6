// `vramplan gpus`, `vramplan models`, `vramplan show gpu|model ID`: the catalogs.
#include "commands.hpp"

#include <vramplan/io/catalog.hpp>
#include <vramplan/io/errors.hpp>
#include <vramplan/io/hf_config.hpp>
#include <vramplan/io/resolve.hpp>
#include <vramplan/report/render.hpp>
#include <vramplan/weights.hpp>

#include <fmt/format.h>

#include <iostream>
#include <memory>

namespace vramplan::cli {

namespace {
struct ListOptions {
    std::string format = "text";
};
} // namespace

Action add_gpus_command(CLI::App& app, const GlobalOptions& global) {
    auto opts = std::make_shared<ListOptions>();
    CLI::App* cmd = app.add_subcommand("gpus", "List the GPU catalog");
    cmd->add_option("--format,-f", opts->format, "text or json")->check(CLI::IsMember({"text", "json"}));
    return [opts, &global]() -> int {
        const Catalog catalog = Catalog::load(profile_directories(global));
        if (opts->format == "json") {
            nlohmann::json arr = nlohmann::json::array();
            for (const auto& [id, g] : catalog.gpus()) {
                arr.push_back(g.raw);
            }
            std::cout << nlohmann::json{{"schema_version", k_schema_version}, {"gpus", arr}}.dump(2) << "\n";
            return k_exit_ok;
        }
        std::cout << fmt::format("{:<16} {:<46} {:>10} {:>8}  {}\n", "id", "name", "CUDA GiB", "compute", "basis");
        for (const auto& [id, g] : catalog.gpus()) {
            std::cout << fmt::format("{:<16} {:<46} {:>10} {:>8}  {}\n", id, g.spec.name, gib2(to_signed(g.spec.total)),
                                     std::to_string(g.spec.compute_major) + "." + std::to_string(g.spec.compute_minor), g.spec.total_basis);
        }
        return k_exit_ok;
    };
}

Action add_models_command(CLI::App& app, const GlobalOptions& global) {
    auto opts = std::make_shared<ListOptions>();
    CLI::App* cmd = app.add_subcommand("models", "List the model catalog");
    cmd->add_option("--format,-f", opts->format, "text or json")->check(CLI::IsMember({"text", "json"}));
    return [opts, &global]() -> int {
        const Catalog catalog = Catalog::load(profile_directories(global));
        if (opts->format == "json") {
            nlohmann::json arr = nlohmann::json::array();
            for (const auto& [id, m] : catalog.models()) {
                arr.push_back({{"id", id}, {"hf_id", m.hf_id}, {"source", m.source}});
            }
            std::cout << nlohmann::json{{"schema_version", k_schema_version}, {"models", arr}}.dump(2) << "\n";
            return k_exit_ok;
        }
        std::cout << fmt::format("{:<44} {:<56} {:>8}\n", "id", "Hugging Face id", "params");
        for (const auto& [id, m] : catalog.models()) {
            const ParsedModel p = parse_hf_config(m.config, m.origin + ": /config");
            std::cout << fmt::format("{:<44} {:<56} {:>7.2f}B\n", id, m.hf_id, static_cast<double>(count_parameters(p.spec)) / 1e9);
        }
        return k_exit_ok;
    };
}

Action add_show_command(CLI::App& app, const GlobalOptions& global) {
    struct ShowOptions {
        std::string kind;
        std::string id;
    };
    auto opts = std::make_shared<ShowOptions>();
    CLI::App* cmd = app.add_subcommand("show", "Print one catalog entry as JSON: show gpu ID | show model ID");
    cmd->add_option("kind", opts->kind, "gpu or model")->required()->check(CLI::IsMember({"gpu", "model"}));
    cmd->add_option("id", opts->id, "catalog id")->required();
    return [opts, &global]() -> int {
        const Catalog catalog = Catalog::load(profile_directories(global));
        if (opts->kind == "gpu") {
            const GpuProfile& g = catalog.gpu(opts->id);
            nlohmann::json j = g.raw;
            j["cuda_total_bytes"] = g.spec.total;
            j["origin"] = g.origin;
            std::cout << j.dump(2) << "\n";
            return k_exit_ok;
        }
        const ModelProfile& m = catalog.model(opts->id);
        const ParsedModel p = parse_hf_config(m.config, m.origin + ": /config");
        nlohmann::json j{{"id", m.id}, {"hf_id", m.hf_id}, {"source", m.source}, {"origin", m.origin},
                         {"parameters", count_parameters(p.spec)}, {"max_model_len", p.spec.max_model_len}, {"layers", p.spec.layers.size()},
                         {"config", m.config}};
        std::cout << j.dump(2) << "\n";
        return k_exit_ok;
    };
}

} // namespace vramplan::cli

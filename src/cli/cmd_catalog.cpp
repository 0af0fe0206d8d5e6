// `vramplan gpus`, `vramplan models`, `vramplan presets`, `vramplan show gpu|model|preset ID`: the catalogs.
#include "commands.hpp"
#include "terminal.hpp"

#include <vramplan/io/catalog.hpp>
#include <vramplan/report/catalog.hpp>

#include <iostream>
#include <memory>

namespace vramplan::cli {

namespace {
struct ListOptions {
    std::string format = "text";
};
} // namespace

Action add_gpus_command(CLI::App* cmd, const GlobalOptions& global) {
    auto opts = std::make_shared<ListOptions>();
    cmd->add_option("--format,-f", opts->format, "text or json")->check(CLI::IsMember({"text", "json"}));
    return [opts, &global]() -> int {
        const Catalog catalog = Catalog::load(profile_directories(global));
        if (opts->format == "json") {
            std::cout << gpu_list_json(catalog).dump(2) << "\n";
        } else {
            std::cout << render_gpu_list(catalog, terminal_width());
        }
        return k_exit_ok;
    };
}

Action add_models_command(CLI::App* cmd, const GlobalOptions& global) {
    auto opts = std::make_shared<ListOptions>();
    cmd->add_option("--format,-f", opts->format, "text or json")->check(CLI::IsMember({"text", "json"}));
    return [opts, &global]() -> int {
        const Catalog catalog = Catalog::load(profile_directories(global));
        if (opts->format == "json") {
            std::cout << model_list_json(catalog).dump(2) << "\n";
        } else {
            std::cout << render_model_list(catalog, terminal_width());
        }
        return k_exit_ok;
    };
}

Action add_presets_command(CLI::App* cmd, const GlobalOptions& global) {
    auto opts = std::make_shared<ListOptions>();
    cmd->add_option("--format,-f", opts->format, "text or json")->check(CLI::IsMember({"text", "json"}));
    return [opts, &global]() -> int {
        const Catalog catalog = Catalog::load(profile_directories(global));
        if (opts->format == "json") {
            std::cout << preset_list_json(catalog).dump(2) << "\n";
        } else {
            print_text(render_preset_list(catalog));
        }
        return k_exit_ok;
    };
}

Action add_show_command(CLI::App* cmd, const GlobalOptions& global) {
    struct ShowOptions {
        std::string kind;
        std::string id;
    };
    auto opts = std::make_shared<ShowOptions>();
    cmd->add_option("kind", opts->kind, "gpu, model or preset")->required()->check(CLI::IsMember({"gpu", "model", "preset"}));
    cmd->add_option("id", opts->id, "catalog id")->required();
    return [opts, &global]() -> int {
        const Catalog catalog = Catalog::load(profile_directories(global));
        const nlohmann::json j = opts->kind == "gpu"     ? gpu_entry_json(catalog.gpu(opts->id))
                                 : opts->kind == "model" ? model_entry_json(catalog.model(opts->id))
                                                         : preset_entry_json(catalog.preset(opts->id));
        std::cout << j.dump(2) << "\n";
        return k_exit_ok;
    };
}

} // namespace vramplan::cli

// `vramplan gpus`, `vramplan models`, `vramplan presets`, `vramplan show gpu|model|preset ID`: the catalogs.
#include "commands.hpp"
#include "terminal.hpp"

#include <vramplan/io/catalog.hpp>
#include <vramplan/report/catalog.hpp>

#include <iostream>
#include <memory>

namespace vramplan::cli {

namespace {

/// A catalog listing: text fitted to the terminal, or JSON.
Action add_list_command(CLI::App* cmd, const GlobalOptions& global, std::string (*text)(const Catalog&, std::size_t width),
                        nlohmann::json (*json)(const Catalog&)) {
    auto format = std::make_shared<std::string>("text");
    cmd->add_option("--format,-f", *format, "text or json")->check(CLI::IsMember({"text", "json"}));
    return [format, &global, text, json]() -> int {
        const Catalog catalog = Catalog::load(profile_directories(global));
        if (*format == "json") {
            std::cout << json(catalog).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        } else {
            print_text(text(catalog, terminal_width()));
        }
        return k_exit_ok;
    };
}

std::string preset_list(const Catalog& catalog, std::size_t /*width: prose, wrapped when printed*/) { return render_preset_list(catalog); }

} // namespace

Action add_gpus_command(CLI::App* cmd, const GlobalOptions& global) { return add_list_command(cmd, global, render_gpu_list, gpu_list_json); }

Action add_models_command(CLI::App* cmd, const GlobalOptions& global) {
    return add_list_command(cmd, global, render_model_list, model_list_json);
}

Action add_presets_command(CLI::App* cmd, const GlobalOptions& global) { return add_list_command(cmd, global, preset_list, preset_list_json); }

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
        std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        return k_exit_ok;
    };
}

} // namespace vramplan::cli

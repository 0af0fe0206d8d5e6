#include <vramplan/io/resolve.hpp>

#include <vramplan/io/errors.hpp>

#include <filesystem>

namespace vramplan {

namespace fs = std::filesystem;

ResolvedModel resolve_model(const Catalog& catalog, const std::string& arg) {
    ResolvedModel out;
    std::error_code ec;
    const bool looks_like_path = (arg.size() >= 5 && arg.compare(arg.size() - 5, 5, ".json") == 0) || arg.rfind("./", 0) == 0 ||
                                 arg.rfind("/", 0) == 0 || arg.rfind("../", 0) == 0;
    if (!arg.empty() && fs::exists(arg, ec)) {
        std::string config_path = arg;
        if (fs::is_directory(arg, ec)) {
            config_path = (fs::path(arg) / "config.json").string();
            if (!fs::exists(config_path, ec)) {
                throw InputError("--model " + arg + ": directory has no config.json");
            }
            out.checkpoint = checkpoint_size(arg);
        }
        const nlohmann::json j = parse_json_text(read_file(config_path, 16u << 20), config_path);
        out.parsed = parse_hf_config(j, config_path);
        out.label = arg;
        out.id = arg;
        out.source = config_path;
        return out;
    }
    if (const ModelProfile* p = catalog.find_model(arg)) {
        out.parsed = parse_hf_config(p->config, p->origin + ": /config");
        out.label = p->hf_id;
        out.id = p->id;
        out.source = p->source;
        return out;
    }
    if (looks_like_path) {
        throw InputError("--model " + arg + ": no such file");
    }
    (void)catalog.model(arg); // throws with a suggestion
    return out;
}

} // namespace vramplan

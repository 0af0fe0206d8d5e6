#include <vramplan/io/resolve.hpp>

#include <vramplan/io/errors.hpp>

#include <filesystem>

namespace vramplan {

namespace fs = std::filesystem;

const char* model_origin_name(ModelOrigin origin) {
    switch (origin) {
    case ModelOrigin::path: return "path";
    case ModelOrigin::hf_cache: return "hf_cache";
    case ModelOrigin::hub: return "hub";
    case ModelOrigin::catalog: return "catalog";
    }
    return "catalog";
}

namespace {

/// A config.json file, parsed; errors name the file.
ParsedModel read_config(const std::string& config_path) {
    return parse_hf_config(parse_json_text(read_file(config_path, 16u << 20), config_path), config_path);
}

ResolvedModel from_snapshot(const HubSnapshot& s, const std::string& label, ModelOrigin origin, const std::string& source,
                            std::optional<CheckpointSize> checkpoint) {
    ResolvedModel out;
    const std::string config_path = (s.snapshot / "config.json").string();
    out.parsed = read_config(config_path);
    out.checkpoint = std::move(checkpoint);
    out.label = label;
    out.id = label;
    out.source = source;
    out.origin = origin;
    return out;
}

} // namespace

ResolvedModel resolve_model(const Catalog& catalog, const std::string& arg, const HubEnv& env) {
    ResolvedModel out;
    std::error_code ec;
    const bool looks_like_path = (arg.size() >= 5 && arg.compare(arg.size() - 5, 5, ".json") == 0) || arg.rfind("./", 0) == 0 ||
                                 arg.rfind("/", 0) == 0 || arg.rfind("../", 0) == 0;
    // 1. A local path.
    if (!arg.empty() && fs::exists(arg, ec)) {
        std::string config_path = arg;
        if (fs::is_directory(arg, ec)) {
            config_path = (fs::path(arg) / "config.json").string();
            if (!fs::exists(config_path, ec)) {
                throw InputError("--model", arg + ": directory has no config.json", " ");
            }
            out.checkpoint = checkpoint_size(arg);
        }
        out.parsed = read_config(config_path);
        out.label = arg;
        out.id = arg;
        out.source = config_path;
        out.origin = ModelOrigin::path;
        return out;
    }
    if (looks_like_path) {
        throw InputError("--model", arg + ": no such file", " ");
    }

    // The id, with any @REVISION; a catalog id stands for its Hugging Face id.
    const std::size_t at = arg.find('@');
    const std::string name = arg.substr(0, at);
    const ModelProfile* profile = catalog.find_model(name);
    std::optional<HubModelId> hub_id = parse_hub_model_id(profile && !profile->hf_id.empty() ? profile->hf_id + arg.substr(name.size()) : arg);
    if (at != std::string::npos && !hub_id) {
        throw InputError("--model", arg + ": expected ORG/NAME@REVISION (a branch, tag or commit of letters, digits, '-', '_', '.', '/')", " ");
    }

    // 2. The local Hugging Face cache. A record there is trusted no more than the Hub's answer
    // was: one that fails the same checks (a ref, a header marker, config.json) is fetched again
    // where the Hub may be asked, and refused with its file named where it may not.
    const fs::path cache = hub_cache_dir(env);
    const bool fetchable = hub_id && (!profile || hub_id->revision_given) && !hub_offline(env);
    if (hub_id) {
        const std::string label = hub_id->repo + (hub_id->revision_given ? "@" + hub_id->revision : "");
        std::optional<HubSnapshot> s;
        std::optional<CheckpointSize> checkpoint;
        try {
            s = find_in_hub_cache(cache, *hub_id);
            checkpoint = s ? snapshot_checkpoint_size(s->snapshot) : std::nullopt;
        } catch (const HubCacheAccessError& e) {
            throw InputError("--model", label + ": " + e.what(), " ");   // not "absent", not "damaged"
        } catch (const InputError& e) {
            if (!fetchable) {
                throw InputError("--model", label + ": a record in the Hugging Face cache is damaged: " + e.what() +
                                                " (delete it, or run once with network access to fetch it again)", " ");
            }
            s.reset();
        }
        if (s) {
            return from_snapshot(*s, label, ModelOrigin::hf_cache, "Hugging Face cache " + s->snapshot.string(), std::move(checkpoint));
        }
    }

    // 3. The Hub, for ids the catalog cannot answer: unknown ones, or a specific revision.
    if (hub_id && (!profile || hub_id->revision_given)) {
        const std::string label = hub_id->repo + (hub_id->revision_given ? "@" + hub_id->revision : "");
        if (hub_offline(env)) {
            throw InputError("--model", label + ": not in the Hugging Face cache (" + cache.string() +
                             ") and HF_HUB_OFFLINE is set; download it once with network access, or give a model directory", " ");
        }
        std::vector<std::string> hf_ids;
        for (const auto& [id, p] : catalog.models()) {
            hf_ids.push_back(p.hf_id);
        }
        const HubSnapshot s = fetch_from_hub(env, *hub_id, hf_ids);
        return from_snapshot(s, label, ModelOrigin::hub,
                             "Hugging Face Hub " + hub_endpoint(env) + "/" + hub_id->repo + " commit " + s.commit + ", cached in " + s.snapshot.string(),
                             snapshot_checkpoint_size(s.snapshot));
    }

    // 4. The catalog.
    if (profile) {
        out.parsed = parse_hf_config(profile->config, profile->origin + ": /config");
        out.label = profile->hf_id;
        out.id = profile->id;
        out.source = profile->source;
        out.origin = ModelOrigin::catalog;
        return out;
    }
    (void)catalog.model(arg); // throws with a suggestion
    return out;
}

ResolvedModel resolve_model(const Catalog& catalog, const std::string& arg) {
    return resolve_model(catalog, arg, HubEnv::from_environment());
}

} // namespace vramplan

// The weight files vLLM loads from a local model directory, and the checkpoint size they imply.
// Issue 16 item 2: summing every `*.safetensors` counted a Mistral-layout folder twice and sized a
// half-downloaded one from the shards that happened to be there.
#include <vramplan/io/safetensors.hpp>

#include <vramplan/io/catalog.hpp>
#include <vramplan/io/errors.hpp>
#include <vramplan/io/hub.hpp>

#include <algorithm>
#include <array>
#include <set>

namespace vramplan {

namespace fs = std::filesystem;

namespace {

/// One of vLLM's allow_patterns, all of the form PREFIX*SUFFIX.
struct WeightPattern {
    std::string_view prefix;
    std::string_view suffix;
    CheckpointFiles::Format format;
    const char* text;
};

/// glob.glob's `*`: any name (a leading dot excepted) with that prefix and suffix.
bool matches_weight_pattern(const std::string& name, const WeightPattern& p) {
    return name.size() >= p.prefix.size() + p.suffix.size() && name.front() != '.' && name.compare(0, p.prefix.size(), p.prefix) == 0 &&
           name.compare(name.size() - p.suffix.size(), p.suffix.size(), p.suffix) == 0;
}

using WeightFormat = CheckpointFiles::Format;

/// load_format "mistral": allow_patterns ["consolidated*.safetensors"], index
/// "consolidated.safetensors.index.json" (vllm/model_executor/model_loader/default_loader.py:175-178 @main).
constexpr WeightPattern k_mistral_pattern{"consolidated", ".safetensors", WeightFormat::safetensors, "consolidated*.safetensors"};
/// load_format "hf": ["*.safetensors", "*.bin"] (default_loader.py:166-167 @main), then "*.pt" since
/// fall_back_to_pt defaults to True (default_loader.py:188-189, :330 @main).
constexpr std::array<WeightPattern, 3> k_hf_patterns{{
    {"", ".safetensors", WeightFormat::safetensors, "*.safetensors"},
    {"", ".bin", WeightFormat::bin, "*.bin"},
    {"", ".pt", WeightFormat::pt, "*.pt"},
}};

/// filter_files_not_needed_for_inference's blacklist (vllm/model_executor/model_loader/weight_utils.py:602-618 @main).
constexpr std::array<std::string_view, 5> k_training_files{"training_args.bin", "optimizer.bin", "optimizer.pt", "scheduler.pt", "scaler.pt"};

/// filter_duplicate_safetensors_files (weight_utils.py:573-599 @main): with an index, only the
/// files its weight_map names, and every one of them must be there.
void filter_by_index(CheckpointFiles& out, const std::string& directory, const std::string& index_name) {
    const fs::path index = fs::path(directory) / index_name;
    std::error_code ec;
    if (!fs::is_regular_file(index, ec)) {
        return;
    }
    const std::vector<std::string> shards = parse_safetensors_index_shards(read_file(index.string(), 64u << 20), index.string());
    std::set<std::string> present;
    for (const fs::path& f : out.files) {
        present.insert(f.filename().string());
    }
    std::vector<std::string> missing;
    for (const std::string& s : shards) {
        if (!present.count(s)) {
            missing.push_back(s);
        }
    }
    if (!missing.empty()) {
        std::string list;
        for (std::size_t i = 0; i < missing.size() && i < 3; ++i) {
            list += (i ? ", " : "") + one_line(missing[i]);
        }
        if (missing.size() > 3) {
            list += " and " + std::to_string(missing.size() - 3) + " more";
        }
        throw InputError(directory, "incomplete download: " + index_name + " names " + std::to_string(shards.size()) + " shard" +
                                        (shards.size() == 1 ? "" : "s") + ", " + std::to_string(missing.size()) + " missing (" + list +
                                        "); vLLM refuses it (weight files referenced in index but missing)");
    }
    const std::set<std::string> wanted(shards.begin(), shards.end());
    out.files.erase(std::remove_if(out.files.begin(), out.files.end(), [&](const fs::path& f) { return !wanted.count(f.filename().string()); }),
                    out.files.end());
    out.rule = index_name + " weight_map";
}

} // namespace

CheckpointFiles checkpoint_files(const std::string& directory) {
    std::error_code ec;
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(directory, ec)) {
        if (entry.is_regular_file(ec)) {
            names.push_back(entry.path().filename().string());
        }
    }
    std::sort(names.begin(), names.end());
    // load_format "auto" is "mistral" when any consolidated*.safetensors is there
    // (default_loader.py:149-163 @main; vLLM lists the tree, vramplan the directory itself).
    const bool mistral = std::any_of(names.begin(), names.end(), [](const std::string& n) { return matches_weight_pattern(n, k_mistral_pattern); });
    std::vector<WeightPattern> patterns(k_hf_patterns.begin(), k_hf_patterns.end());
    if (mistral) {
        patterns = {k_mistral_pattern};
    }
    CheckpointFiles out;
    // The first pattern that matches anything wins (default_loader.py:209-215 @main).
    for (const WeightPattern& p : patterns) {
        for (const std::string& n : names) {
            if (matches_weight_pattern(n, p)) {
                out.files.push_back(fs::path(directory) / n);
            }
        }
        if (!out.files.empty()) {
            out.format = p.format;
            out.rule = p.text;
            break;
        }
    }
    if (out.format == WeightFormat::safetensors) {
        filter_by_index(out, directory, mistral ? "consolidated.safetensors.index.json" : "model.safetensors.index.json");
    } else {
        const auto training = [](const fs::path& f) {
            const std::string n = f.filename().string();
            return std::any_of(k_training_files.begin(), k_training_files.end(), [&](std::string_view t) {
                return n.size() >= t.size() && n.compare(n.size() - t.size(), t.size(), t) == 0;
            });
        };
        out.files.erase(std::remove_if(out.files.begin(), out.files.end(), training), out.files.end());
    }
    return out;
}

std::optional<CheckpointSize> checkpoint_size(const std::string& directory) {
    const CheckpointFiles files = checkpoint_files(directory);
    if (files.format == WeightFormat::safetensors) {
        CheckpointSize c;
        for (const fs::path& p : files.files) {
            c.bytes = checked_add(c.bytes, safetensors_data_bytes(p.string()));
        }
        c.source = std::to_string(files.files.size()) + " safetensors header" + (files.files.size() == 1 ? "" : "s") + " (the files vLLM loads: " +
                   files.rule + ")";
        return c;
    }
    if (files.format != WeightFormat::none) {
        return std::nullopt; // .bin/.pt: pickles, not read; the parameters are counted from config.json
    }
    // No weight file at all (config and index only, fetched to plan before downloading): the
    // index's declared total stands in for the headers.
    std::error_code ec;
    const fs::path index = fs::path(directory) / "model.safetensors.index.json";
    if (!fs::is_regular_file(index, ec)) {
        return std::nullopt;
    }
    return parse_safetensors_index(read_file(index.string(), 64u << 20), index.string());
}

} // namespace vramplan

#include <vramplan/io/catalog.hpp>

#include <vramplan/io/sizes.hpp>
#include <vramplan/io/errors.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace vramplan {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::size_t k_max_profile_bytes = 8u << 20;

std::string need_string(const json& j, const char* key, const std::string& where) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string() || it->get<std::string>().empty()) {
        throw InputError(where + ": /" + key + ": expected a non-empty string");
    }
    return it->get<std::string>();
}

std::uint64_t need_uint(const json& j, const char* key, const std::string& where, std::uint64_t max) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer() || it->get<std::int64_t>() <= 0 ||
        static_cast<std::uint64_t>(it->get<std::int64_t>()) > max) {
        throw InputError(where + ": /" + key + ": expected a positive integer up to " + std::to_string(max));
    }
    return static_cast<std::uint64_t>(it->get<std::int64_t>());
}

/// Limits nesting so a hostile file cannot exhaust the stack.
bool depth_ok(const std::string& text, int limit) {
    int depth = 0;
    bool in_string = false;
    bool escape = false;
    for (char c : text) {
        if (in_string) {
            if (escape) {
                escape = false;
            } else if (c == '\\') {
                escape = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > limit) {
                return false;
            }
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return true;
}

} // namespace

json parse_json_text(const std::string& text, const std::string& where) {
    // nlohmann skips a byte order mark; Python's json.loads refuses one ("Unexpected UTF-8 BOM"),
    // and transformers and vLLM read every JSON file with it, so a file with a BOM never loads there.
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) {
        throw InputError(where, "starts with a UTF-8 byte order mark, which Python's json (transformers, vLLM) refuses "
                                "(\"Unexpected UTF-8 BOM\"): save the file as UTF-8 without a BOM");
    }
    if (!depth_ok(text, 64)) {
        throw InputError(where + ": JSON nested deeper than 64 levels");
    }
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
            throw InputError(where + ": empty file, expected a JSON object");
        }
        throw InputError(where + ": invalid JSON at byte " + std::to_string(e.byte) + ": expected a complete JSON document");
    } catch (const json::out_of_range&) {
        // Found by fuzzing (fuzz/regressions/*/crash-*): `1e400` is valid JSON grammar, but no double.
        throw InputError(where + ": invalid JSON: a number beyond the range of a double, expected a finite number");
    }
}

std::string open_failure() {
    const int e = errno;
    if (e == EACCES || e == EPERM) {
        return "permission denied";
    }
    return e != 0 ? "cannot be read (" + std::string(std::strerror(e)) + ")" : "cannot be read";
}

std::string read_file(const std::string& path, std::size_t max_bytes, const std::string& expected) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
        throw InputError(path + ": no such file");
    }
    if (fs::is_directory(st)) {
        throw InputError(path + ": is a directory, expected " + expected);
    }
    const std::string cap = max_bytes % k_mib == 0 ? std::to_string(max_bytes / k_mib) + " MiB" : std::to_string(max_bytes) + " bytes";
    const std::string too_large = path + ": larger than " + cap + ", expected " + expected;
    if (fs::is_regular_file(st) && fs::file_size(path, ec) > max_bytes && !ec) {
        throw InputError(too_large);   // refused before reading
    }
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError(path, open_failure());
    }
    std::string data;
    std::array<char, 65536> buf{};
    while (in) {
        in.read(buf.data(), buf.size());
        data.append(buf.data(), static_cast<std::size_t>(in.gcount()));
        if (data.size() > max_bytes) {
            throw InputError(too_large);   // a pipe or device: no size up front
        }
    }
    if (in.bad()) {
        throw InputError(path + ": read error");
    }
    return data;
}

namespace {

GpuProfile parse_gpu(const json& j, const std::string& origin) {
    if (!j.is_object()) {
        throw InputError(origin + ": expected a JSON object");
    }
    GpuProfile p;
    p.origin = origin;
    p.raw = j;
    GpuSpec& s = p.spec;
    s.id = ascii_lower(need_string(j, "id", origin));
    s.name = need_string(j, "name", origin);
    s.device_name = need_string(j, "device_name", origin);
    p.source = need_string(j, "source", origin);
    const std::uint64_t mib = need_uint(j, "cuda_total_mib", origin, std::uint64_t{1} << 30);
    s.total = checked_mul(mib, k_mib);
    s.total_basis = need_string(j, "cuda_total_basis", origin);
    const std::string cc = need_string(j, "compute_capability", origin);
    const auto dot = cc.find('.');
    try {
        if (dot == std::string::npos) {
            throw InputError(cc);
        }
        s.compute_major = static_cast<int>(parse_integer(cc.substr(0, dot), "compute_capability", 0, 99));
        s.compute_minor = static_cast<int>(parse_integer(cc.substr(dot + 1), "compute_capability", 0, 99));
    } catch (const InputError&) {
        throw InputError(origin + ": /compute_capability: expected \"major.minor\", got \"" + cc + "\"");
    }
    if (auto it = j.find("host_link"); it != j.end() && it->is_string()) {
        s.host_link = it->get<std::string>();
    }
    if (auto it = j.find("host_link_gbs"); it != j.end() && !it->is_null()) {
        if (!it->is_number() || !(it->get<double>() > 0.0 && it->get<double>() < 100000.0)) {
            throw InputError(origin + ": /host_link_gbs: expected a bandwidth in GB/s greater than 0");
        }
        s.host_link_gbs = it->get<double>();
    }
    if (auto it = j.find("unified_memory"); it != j.end()) {
        if (!it->is_boolean()) {
            throw InputError(origin + ": /unified_memory: expected true or false");
        }
        s.unified_memory = it->get<bool>();
    }
    if (auto it = j.find("nvidia_smi_total_mib"); it != j.end() && it->is_null()) {
        s.nvml_total_unavailable = s.unified_memory;   // the profile says nvidia-smi shows no memory total
    }
    if (auto it = j.find("aliases"); it != j.end()) {
        if (!it->is_array()) {
            throw InputError(origin + ": /aliases: expected an array of strings");
        }
        for (const json& a : *it) {
            if (!a.is_string()) {
                throw InputError(origin + ": /aliases: expected an array of strings");
            }
            p.aliases.push_back(ascii_lower(a.get<std::string>()));
        }
    }
    return p;
}

ModelProfile parse_model(const json& j, const std::string& origin) {
    if (!j.is_object()) {
        throw InputError(origin + ": expected a JSON object");
    }
    ModelProfile p;
    p.origin = origin;
    p.id = ascii_lower(need_string(j, "id", origin));
    p.hf_id = need_string(j, "hf_id", origin);
    p.source = need_string(j, "source", origin);
    auto it = j.find("config");
    if (it == j.end() || !it->is_object()) {
        throw InputError(origin + ": /config: expected the model's config.json object");
    }
    p.config = *it;
    return p;
}

PresetProfile parse_preset(const json& j, const std::string& origin) {
    if (!j.is_object()) {
        throw InputError(origin + ": expected a JSON object");
    }
    PresetProfile p;
    p.origin = origin;
    p.raw = j;
    PresetGoal& g = p.spec;
    g.id = ascii_lower(need_string(j, "id", origin));
    p.description = need_string(j, "description", origin);
    p.source = need_string(j, "source", origin);
    const std::string goal = need_string(j, "goal", origin);
    if (goal != "min_for_target" && goal != "max_safe") {
        throw InputError(origin + ": /goal: expected \"min_for_target\" or \"max_safe\", got \"" + goal + "\"");
    }
    g.min_for_target = goal == "min_for_target";
    const auto opt_uint = [&](const char* key, std::uint64_t max) -> std::optional<std::uint64_t> {
        if (!j.contains(key)) {
            return std::nullopt;
        }
        const std::uint64_t v = need_uint(j, key, origin, max);
        if (v == 0) {
            throw InputError(origin + ": /" + key + ": expected an integer of at least 1");
        }
        return v;
    };
    g.concurrency = opt_uint("concurrency", std::uint64_t{1} << 32);
    if (g.min_for_target && !g.concurrency) {
        throw InputError(origin + ": /concurrency: expected the number of requests a min_for_target preset serves");
    }
    g.max_model_len = opt_uint("max_model_len", std::uint64_t{1} << 40).value_or(0);
    g.max_model_len_cap = opt_uint("max_model_len_cap", std::uint64_t{1} << 40).value_or(0);
    g.max_num_seqs = opt_uint("max_num_seqs", std::uint64_t{1} << 32);
    if (auto it = j.find("enforce_eager"); it != j.end()) {
        if (!it->is_boolean()) {
            throw InputError(origin + ": /enforce_eager: expected true or false");
        }
        g.enforce_eager = it->get<bool>();
    }
    if (auto it = j.find("margin_gib"); it != j.end()) {
        if (!it->is_number() || !(it->get<double>() >= 0.0 && it->get<double>() <= 1024.0)) {
            throw InputError(origin + ": /margin_gib: expected a number of GiB from 0 to 1024");
        }
        g.margin_gib = it->get<double>();
    }
    return p;
}

/// An embedded profile's text, parsed; "embedded:profiles/gpus/a10.json" names it in errors.
json parse_embedded(const EmbeddedFile& f) {
    return parse_json_text(std::string(reinterpret_cast<const char*>(f.data), f.size), std::string("embedded:") + f.path);
}

/// The profile `id` of a shelf, parsing it on first use with `parse`.
template <class Shelf, class Parse>
const auto& take(Shelf& shelf, const std::string& id, Parse parse) {
    if (auto it = shelf.unparsed.find(id); it != shelf.unparsed.end()) {
        const EmbeddedFile& f = *it->second;
        shelf.parsed.insert_or_assign(id, parse(parse_embedded(f), std::string("embedded:") + f.path));
        shelf.unparsed.erase(it);
    }
    return shelf.parsed.at(id);
}

/// Every profile of a shelf, parsed.
template <class Shelf, class Parse>
const auto& take_all(Shelf& shelf, Parse parse) {
    while (!shelf.unparsed.empty()) {
        const std::string id = shelf.unparsed.begin()->first;
        (void)take(shelf, id, parse);
    }
    return shelf.parsed;
}

/// The ids of a shelf, parsed or not, sorted.
template <class Shelf>
std::vector<std::string> ids_of(const Shelf& shelf) {
    std::vector<std::string> out;
    for (const auto& [id, p] : shelf.parsed) {
        out.push_back(id);
    }
    for (const auto& [id, f] : shelf.unparsed) {
        out.push_back(id);
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// Each line of `text` ("a\nb").
std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        const std::size_t end = std::min(text.find('\n'), text.size());
        out.emplace_back(text.substr(0, end));
        text.remove_prefix(std::min(end + 1, text.size()));
    }
    return out;
}

} // namespace

const GpuProfile& Catalog::gpu_by_id(const std::string& id) const {
    return take(m_gpus, id, parse_gpu);
}

const ModelProfile& Catalog::model_by_id(const std::string& id) const {
    return take(m_models, id, parse_model);
}

const PresetProfile& Catalog::preset_by_id(const std::string& id) const {
    return take(m_presets, id, parse_preset);
}

const std::map<std::string, GpuProfile>& Catalog::gpus() const {
    return take_all(m_gpus, parse_gpu);
}

const std::map<std::string, ModelProfile>& Catalog::models() const {
    return take_all(m_models, parse_model);
}

const std::map<std::string, PresetProfile>& Catalog::presets() const {
    return take_all(m_presets, parse_preset);
}

std::vector<std::string> Catalog::ids(ProfileKind kind) const {
    switch (kind) {
    case ProfileKind::gpu: return ids_of(m_gpus);
    case ProfileKind::model: return ids_of(m_models);
    case ProfileKind::preset: return ids_of(m_presets);
    }
    return {};
}

const PresetProfile& Catalog::preset(const std::string& name) const {
    const std::string id = ascii_lower(name);
    if (m_presets.parsed.count(id) == 0 && m_presets.unparsed.count(id) == 0) {
        throw InputError("--preset", unknown_name_message("preset", name, ids(ProfileKind::preset)));
    }
    return preset_by_id(id);
}

void Catalog::add_profile(ProfileKind kind, const json& profile, const std::string& origin) {
    switch (kind) {
    case ProfileKind::gpu: {
        GpuProfile p = parse_gpu(profile, origin);
        const std::string id = p.spec.id;
        m_gpu_alias[id] = id;
        for (const std::string& a : p.aliases) {
            m_gpu_alias[a] = id;
        }
        m_gpu_device[id] = p.spec.device_name;
        m_gpus.unparsed.erase(id);
        m_gpus.parsed.insert_or_assign(id, std::move(p));
        return;
    }
    case ProfileKind::model: {
        ModelProfile p = parse_model(profile, origin);
        const std::string id = p.id;
        m_model_alias[id] = id;
        m_model_alias[ascii_lower(p.hf_id)] = id;
        m_model_hf_id[id] = p.hf_id;
        m_models.unparsed.erase(id);
        m_models.parsed.insert_or_assign(id, std::move(p));
        return;
    }
    case ProfileKind::preset: {
        PresetProfile p = parse_preset(profile, origin);
        const std::string id = p.spec.id;
        m_presets.unparsed.erase(id);
        m_presets.parsed.insert_or_assign(id, std::move(p));
        return;
    }
    }
}

/// Registers an embedded profile's names from the build-time index, as add_profile registers a
/// parsed one's (the same order, so the same alias wins), and shelves its text unparsed.
void Catalog::index_embedded(const EmbeddedFile& f) {
    const std::string id = ascii_lower(f.id);
    switch (f.kind) {
    case ProfileKind::gpu:
        m_gpu_alias[id] = id;
        for (const std::string& a : lines_of(f.aliases)) {
            m_gpu_alias[ascii_lower(a)] = id;
        }
        m_gpu_device[id] = f.device_name;
        m_gpus.parsed.erase(id);
        m_gpus.unparsed[id] = &f;
        return;
    case ProfileKind::model:
        m_model_alias[id] = id;
        m_model_alias[ascii_lower(f.hf_id)] = id;
        m_model_hf_id[id] = f.hf_id;
        m_models.parsed.erase(id);
        m_models.unparsed[id] = &f;
        return;
    case ProfileKind::preset:
        m_presets.parsed.erase(id);
        m_presets.unparsed[id] = &f;
        return;
    }
}

void Catalog::add_directory(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        throw InputError(dir + ": not a directory (expected a profiles directory with gpus/ and/or models/)");
    }
    for (const char* kind : {"gpus", "models", "presets"}) {
        const fs::path sub = fs::path(dir) / kind;
        if (!fs::is_directory(sub, ec)) {
            continue;
        }
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(sub, ec)) {
            if (entry.path().extension() == ".json") {
                files.push_back(entry.path());
            }
        }
        std::sort(files.begin(), files.end());
        for (const fs::path& f : files) {
            const ProfileKind k = std::string(kind) == "gpus" ? ProfileKind::gpu : std::string(kind) == "models" ? ProfileKind::model : ProfileKind::preset;
            add_profile(k, parse_json_text(read_file(f.string(), k_max_profile_bytes), f.string()), f.string());
        }
    }
}

Catalog Catalog::load(const std::vector<std::string>& directories) {
    Catalog c;
    for (const EmbeddedFile& f : embedded_profiles()) {
        c.index_embedded(f);
    }
    for (const std::string& d : directories) {
        c.add_directory(d);
    }
    return c;
}

std::vector<NameCandidate> Catalog::gpu_names() const {
    std::vector<NameCandidate> names;
    for (const std::string& id : ids(ProfileKind::gpu)) {
        names.push_back({id, id});
    }
    for (const auto& [alias, id] : m_gpu_alias) {
        if (alias != id) {
            names.push_back({alias, id});
        }
    }
    for (const auto& [id, device] : m_gpu_device) {
        names.push_back({device, id});
    }
    return names;
}

const GpuProfile& Catalog::gpu(const std::string& name) const {
    const std::string wanted = ascii_lower(name);
    if (auto it = m_gpu_alias.find(wanted); it != m_gpu_alias.end()) {
        return gpu_by_id(it->second);
    }
    // The name a card reports (nvidia-smi, torch, vLLM's log), when it is one profile's.
    std::vector<std::string> by_device;
    for (const auto& [id, device] : m_gpu_device) {
        if (ascii_lower(device) == wanted) {
            by_device.push_back(id);
        }
    }
    if (by_device.size() == 1) {
        return gpu_by_id(by_device.front());
    }
    if (!by_device.empty()) {
        std::string ids;
        for (const std::string& id : by_device) {
            ids += (ids.empty() ? "" : ", ") + id;
        }
        throw InputError("--gpu", "GPU '" + name + "' is the device name of " + std::to_string(by_device.size()) + " profiles; did you mean one of " +
                                      ids + "? (`vramplan gpus` lists them)");
    }
    throw InputError("--gpu", unknown_name_message("GPU", name, gpu_names()) + " (`vramplan gpus` lists them)");
}

const GpuProfile* Catalog::gpu_by_device_name(const std::string& device_name) const {
    const std::string wanted = ascii_lower(device_name);
    for (const auto& [id, device] : m_gpu_device) {
        if (ascii_lower(device) == wanted) {
            return &gpu_by_id(id);
        }
    }
    return nullptr;
}

const ModelProfile* Catalog::find_model(const std::string& name) const {
    auto it = m_model_alias.find(ascii_lower(name));
    return it == m_model_alias.end() ? nullptr : &model_by_id(it->second);
}

const ModelProfile& Catalog::model(const std::string& name) const {
    if (const ModelProfile* p = find_model(name)) {
        return *p;
    }
    std::vector<NameCandidate> names;
    for (const auto& [id, hf_id] : m_model_hf_id) {
        names.push_back({id, id});
        names.push_back({hf_id, id});
    }
    throw InputError("--model", unknown_name_message("model", name, names) +
                     " (give a catalog id, a Hugging Face id the catalog knows, a config.json or a model directory; `vramplan models` lists them)");
}

} // namespace vramplan

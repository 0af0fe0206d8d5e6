#include <vramplan/io/catalog.hpp>

#include <vramplan/io/errors.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
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
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError(path + ": cannot be read (permission denied?)");
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

void write_file_atomically(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        if (!f || !(f << text) || !f.flush()) {
            std::remove(tmp.c_str());
            throw InputError(path + ": cannot be written");
        }
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        std::remove(tmp.c_str());
        throw InputError(path + ": cannot be written (" + ec.message() + ")");
    }
}

void Catalog::add_gpu(const json& j, const std::string& origin) {
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
            throw std::invalid_argument(cc);
        }
        s.compute_major = std::stoi(cc.substr(0, dot));
        s.compute_minor = std::stoi(cc.substr(dot + 1));
    } catch (const std::exception&) {
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
    m_gpu_alias[s.id] = s.id;
    for (const std::string& a : p.aliases) {
        m_gpu_alias[a] = s.id;
    }
    m_gpus[s.id] = std::move(p);
}

void Catalog::add_model(const json& j, const std::string& origin) {
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
    m_model_alias[p.id] = p.id;
    m_model_alias[ascii_lower(p.hf_id)] = p.id;
    m_models[p.id] = std::move(p);
}

void Catalog::add_preset(const json& j, const std::string& origin) {
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
    m_presets[p.spec.id] = std::move(p);
}

const PresetProfile& Catalog::preset(const std::string& name) const {
    auto it = m_presets.find(ascii_lower(name));
    if (it == m_presets.end()) {
        std::vector<std::string> ids;
        for (const auto& [id, p] : m_presets) {
            ids.push_back(id);
        }
        throw InputError("--preset", unknown_name_message("preset", name, ids));
    }
    return it->second;
}

void Catalog::add_profile(ProfileKind kind, const json& profile, const std::string& origin) {
    switch (kind) {
    case ProfileKind::gpu: add_gpu(profile, origin); return;
    case ProfileKind::model: add_model(profile, origin); return;
    case ProfileKind::preset: add_preset(profile, origin); return;
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
        const std::string path = f.path;
        const std::string origin = "embedded:" + path;
        const json j = parse_json_text(std::string(reinterpret_cast<const char*>(f.data), f.size), origin);
        if (path.rfind("profiles/gpus/", 0) == 0) {
            c.add_profile(ProfileKind::gpu, j, origin);
        } else if (path.rfind("profiles/models/", 0) == 0) {
            c.add_profile(ProfileKind::model, j, origin);
        } else if (path.rfind("profiles/presets/", 0) == 0) {
            c.add_profile(ProfileKind::preset, j, origin);
        }
    }
    for (const std::string& d : directories) {
        c.add_directory(d);
    }
    return c;
}

const GpuProfile& Catalog::gpu(const std::string& name) const {
    auto it = m_gpu_alias.find(ascii_lower(name));
    if (it == m_gpu_alias.end()) {
        std::vector<std::string> names;
        for (const auto& [alias, id] : m_gpu_alias) {
            names.push_back(alias);
        }
        throw InputError("--gpu", unknown_name_message("GPU", name, names) + " (`vramplan gpus` lists them)");
    }
    return m_gpus.at(it->second);
}

const GpuProfile* Catalog::gpu_by_device_name(const std::string& device_name) const {
    const std::string wanted = ascii_lower(device_name);
    for (const auto& [id, g] : m_gpus) {
        if (ascii_lower(g.spec.device_name) == wanted) {
            return &g;
        }
    }
    return nullptr;
}

const ModelProfile* Catalog::find_model(const std::string& name) const {
    auto it = m_model_alias.find(ascii_lower(name));
    return it == m_model_alias.end() ? nullptr : &m_models.at(it->second);
}

const ModelProfile& Catalog::model(const std::string& name) const {
    if (const ModelProfile* p = find_model(name)) {
        return *p;
    }
    std::vector<std::string> names;
    for (const auto& [id, p] : m_models) {
        names.push_back(id);
        names.push_back(p.hf_id);
    }
    throw InputError("--model", unknown_name_message("model", name, names) +
                     " (give a catalog id, a Hugging Face id the catalog knows, a config.json or a model directory; `vramplan models` lists them)");
}

} // namespace vramplan

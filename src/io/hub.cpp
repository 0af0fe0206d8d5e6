#include <vramplan/io/hub.hpp>

#include <vramplan/io/catalog.hpp>
#include <vramplan/io/errors.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <set>

namespace vramplan {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool repo_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

// One half of ORG/NAME, as huggingface_hub's validate_repo_id accepts it: word characters, '-'
// and '.', starting and ending with neither '-' nor '.', no "--" or "..".
bool valid_repo_part(std::string_view s) {
    if (s.empty() || !std::all_of(s.begin(), s.end(), repo_char)) {
        return false;
    }
    if (s.front() == '-' || s.front() == '.' || s.back() == '-' || s.back() == '.') {
        return false;
    }
    return s.find("--") == std::string_view::npos && s.find("..") == std::string_view::npos;
}

bool valid_revision(std::string_view r) {
    if (r.empty() || r.size() > 256 || r.front() == '/' || r.back() == '/') {
        return false;
    }
    for (char c : r) {
        if (!repo_char(c) && c != '/') {
            return false;
        }
    }
    // Revisions become paths under refs/ and snapshots/: no empty, "." or ".." component.
    std::size_t start = 0;
    while (start <= r.size()) {
        const std::size_t slash = std::min(r.find('/', start), r.size());
        const std::string_view part = r.substr(start, slash - start);
        if (part.empty() || part == "." || part == "..") {
            return false;
        }
        start = slash + 1;
    }
    return true;
}

bool is_commit_sha(std::string_view s) {
    return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string trim(std::string_view s) {
    const auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && ws(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && ws(s.back())) {
        s.remove_suffix(1);
    }
    return std::string(s);
}

bool plain_safetensors_name(const std::string& name) {
    return name.size() > 12 && name.size() <= 255 && name.compare(name.size() - 12, 12, ".safetensors") == 0 && name.front() != '.' &&
           std::all_of(name.begin(), name.end(), repo_char);
}

} // namespace

std::optional<HubModelId> parse_hub_model_id(std::string_view arg) {
    HubModelId id;
    if (const std::size_t at = arg.find('@'); at != std::string_view::npos) {
        const std::string_view rev = arg.substr(at + 1);
        if (!valid_revision(rev)) {
            return std::nullopt;
        }
        id.revision = std::string(rev);
        id.revision_given = true;
        arg = arg.substr(0, at);
    }
    const std::size_t slash = arg.find('/');
    if (arg.size() > 96 || slash == std::string_view::npos || !valid_repo_part(arg.substr(0, slash)) ||
        !valid_repo_part(arg.substr(slash + 1))) {
        return std::nullopt;
    }
    id.repo = std::string(arg);
    return id;
}

HubEnv HubEnv::from_environment() {
    HubEnv env;
    for (const char* name : {"HOME", "XDG_CACHE_HOME", "HF_HOME", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE",
                             "HF_ENDPOINT", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH"}) {
        if (const char* value = std::getenv(name)) {
            env.vars[name] = value;
        }
    }
    return env;
}

std::optional<std::string> HubEnv::get(const std::string& name) const {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::string expand_user(const std::string& path, const HubEnv& env) {
    if (path == "~" || path.rfind("~/", 0) == 0) {
        return env.get("HOME").value_or("") + path.substr(1);
    }
    return path;
}

// huggingface_hub/constants.py: an unset variable falls through; a set one is used as is, even
// when empty (os.getenv's default applies only to unset variables).
fs::path hf_home(const HubEnv& env) {
    if (auto v = env.get("HF_HOME")) {
        return expand_user(*v, env);
    }
    const std::string xdg = env.get("XDG_CACHE_HOME").value_or(expand_user("~/.cache", env));
    return fs::path(expand_user(xdg, env)) / "huggingface";
}

fs::path hub_cache_dir(const HubEnv& env) {
    if (auto v = env.get("HF_HUB_CACHE")) {
        return expand_user(*v, env);
    }
    if (auto v = env.get("HUGGINGFACE_HUB_CACHE")) {
        return expand_user(*v, env);
    }
    return hf_home(env) / "hub";
}

bool hub_offline(const HubEnv& env) {
    // `os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE")`: empty falls through.
    std::string v = env.get("HF_HUB_OFFLINE").value_or("");
    if (v.empty()) {
        v = env.get("TRANSFORMERS_OFFLINE").value_or("");
    }
    v = ascii_lower(v);
    return v == "1" || v == "on" || v == "yes" || v == "true";
}

std::string hub_endpoint(const HubEnv& env) {
    std::string e = env.get("HF_ENDPOINT").value_or("https://huggingface.co");
    while (!e.empty() && e.back() == '/') {
        e.pop_back();
    }
    return e;
}

std::optional<std::string> hub_token(const HubEnv& env) {
    for (const char* name : {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"}) {
        if (auto v = env.get(name)) {
            std::string t = trim(*v);
            if (!t.empty()) {
                return t;
            }
        }
    }
    const fs::path file = env.get("HF_TOKEN_PATH") ? fs::path(expand_user(*env.get("HF_TOKEN_PATH"), env)) : hf_home(env) / "token";
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
        return std::nullopt;
    }
    std::string t = trim(read_file(file.string(), 64u << 10, "a token file"));
    return t.empty() ? std::nullopt : std::optional<std::string>(t);
}

fs::path hub_repo_cache(const fs::path& cache, const std::string& repo) {
    std::string folder = "models--" + repo;
    const std::size_t slash = folder.find('/');
    if (slash != std::string::npos) {
        folder.replace(slash, 1, "--");
    }
    return cache / folder;
}

std::string parse_hub_ref(std::string_view text, const std::string& where) {
    std::string sha = trim(text);
    if (!is_commit_sha(sha)) {
        throw InputError(where + ": expected a 40-hex commit sha, got '" + one_line(sha.substr(0, 64)) + "'");
    }
    return sha;
}

fs::file_status hub_cache_status(const fs::path& path, const fs::file_status& status, const std::error_code& ec) {
    if (ec == std::errc::permission_denied || ec == std::errc::operation_not_permitted) {
        throw HubCacheAccessError(path.string(), "permission denied (the Hugging Face cache cannot be read there)");
    }
    return ec ? fs::file_status(fs::file_type::not_found) : status;
}

namespace {

/// fs::status of a cache path, a permission error thrown (hub_cache_status).
fs::file_status cache_status(const fs::path& path) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    return hub_cache_status(path, status, ec);
}

} // namespace

std::optional<fs::path> hub_snapshot_dir(const fs::path& repo_cache, const std::string& revision) {
    std::string commit = revision;
    const fs::path ref = repo_cache / "refs" / revision;
    if (fs::is_regular_file(cache_status(ref))) {
        commit = parse_hub_ref(read_file(ref.string(), 4096, "a refs file"), ref.string());
    }
    const fs::path snapshot = repo_cache / "snapshots" / commit;
    if (fs::is_directory(cache_status(snapshot))) {
        return snapshot;
    }
    return std::nullopt;
}

SafetensorsHeaderMarker parse_header_marker(const std::string& text, const std::string& where) {
    const json j = parse_json_text(text, where);
    const auto get = [&](const char* key) {
        auto it = j.is_object() ? j.find(key) : j.end();
        if (it == j.end() || !it->is_number_unsigned() || it->get<std::uint64_t>() > (std::uint64_t{1} << 50)) {
            throw InputError(where + ": /" + key + ": expected a byte count up to 2^50");
        }
        return it->get<std::uint64_t>();
    };
    SafetensorsHeaderMarker m{get("file_size"), get("data_bytes")};
    if (m.data_bytes > m.file_size) {
        throw InputError(where + ": /data_bytes: larger than /file_size");
    }
    return m;
}

std::string header_marker_json(const SafetensorsHeaderMarker& marker) {
    return json{{"file_size", marker.file_size}, {"data_bytes", marker.data_bytes}}.dump() + "\n";
}

fs::path header_marker_path(const fs::path& snapshot, const std::string& file) {
    return snapshot / ".vramplan" / (file + ".header.json");
}

std::vector<std::string> parse_safetensors_index_shards(const std::string& text, const std::string& where) {
    const json j = parse_json_text(text, where);
    auto map = j.is_object() ? j.find("weight_map") : j.end();
    if (map == j.end() || !map->is_object()) {
        throw InputError(where + ": /weight_map: expected an object of tensor names to file names");
    }
    std::set<std::string> shards;
    for (const auto& [tensor, file] : map->items()) {
        if (!file.is_string() || !plain_safetensors_name(file.get<std::string>())) {
            throw InputError(where + ": /weight_map/" + one_line(tensor.substr(0, 200)) + ": expected a file name ending in .safetensors");
        }
        shards.insert(file.get<std::string>());
    }
    if (shards.size() > 10'000) {
        throw InputError(where + ": /weight_map: more than 10,000 shards");
    }
    return {shards.begin(), shards.end()};
}

std::optional<CheckpointSize> snapshot_checkpoint_size(const fs::path& snapshot) {
    std::error_code ec;
    // Bytes per shard: the file's own header where the file is there (huggingface_hub's symlink
    // into blobs/), else the marker vramplan left when it read only the header.
    std::map<std::string, Bytes> headers;
    for (const auto& entry : fs::directory_iterator(snapshot, ec)) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() == ".safetensors" && entry.is_regular_file(ec)) {
            headers[name] = safetensors_data_bytes(entry.path().string());
        }
    }
    for (const auto& entry : fs::directory_iterator(snapshot / ".vramplan", ec)) {
        const std::string name = entry.path().filename().string();
        const std::string suffix = ".header.json";
        if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
            const std::string shard = name.substr(0, name.size() - suffix.size());
            if (!headers.count(shard)) {
                headers[shard] = parse_header_marker(read_file(entry.path().string(), 4096), entry.path().string()).data_bytes;
            }
        }
    }
    const fs::path index = snapshot / "model.safetensors.index.json";
    std::optional<std::string> index_text;
    if (fs::is_regular_file(index, ec)) {
        index_text = read_file(index.string(), 64u << 20);
    }
    std::vector<std::string> wanted;
    if (index_text) {
        wanted = parse_safetensors_index_shards(*index_text, index.string());
    } else if (headers.count("model.safetensors")) {
        wanted = {"model.safetensors"};
    } else {
        for (const auto& [name, bytes] : headers) {
            wanted.push_back(name);
        }
    }
    const bool all_there = !wanted.empty() && std::all_of(wanted.begin(), wanted.end(), [&](const std::string& s) { return headers.count(s) > 0; });
    if (all_there) {
        CheckpointSize c;
        for (const std::string& s : wanted) {
            c.bytes = checked_add(c.bytes, headers.at(s));
        }
        c.source = std::to_string(wanted.size()) + " safetensors header" + (wanted.size() == 1 ? "" : "s");
        return c;
    }
    if (index_text) {
        return parse_safetensors_index(*index_text, index.string());
    }
    return std::nullopt;
}

std::optional<HubSnapshot> find_in_hub_cache(const fs::path& cache, const HubModelId& id) {
    const auto snapshot = hub_snapshot_dir(hub_repo_cache(cache, id.repo), id.revision);
    if (!snapshot || !fs::is_regular_file(cache_status(*snapshot / "config.json"))) {
        return std::nullopt;
    }
    return HubSnapshot{*snapshot, snapshot->filename().string()};
}

} // namespace vramplan

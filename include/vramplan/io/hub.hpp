#pragma once
/// Hugging Face model ids, the local Hugging Face cache and the Hub: the conventions of
/// huggingface_hub (constants.py, file_download.py), so a cache filled by `huggingface-cli
/// download` is found, and what vramplan fetches is found offline the next time.

#include <vramplan/io/errors.hpp>
#include <vramplan/io/safetensors.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace vramplan {

/// `ORG/NAME[@REVISION]`.
struct HubModelId {
    std::string repo;             ///< "ORG/NAME"
    std::string revision = "main";
    bool revision_given = false;  ///< `@REVISION` was written
};

/// Splits `ORG/NAME[@REVISION]`; nullopt when `arg` does not have that shape (one '/', ids of
/// letters, digits, '-', '_', '.', no "--" or "..", at most 96 characters, as huggingface_hub's
/// validate_repo_id). A revision may hold '/' ("refs/pr/1") but no ".." component. Never throws.
std::optional<HubModelId> parse_hub_model_id(std::string_view arg);

/// The environment variables huggingface_hub reads, captured once so tests can pass their own.
struct HubEnv {
    std::map<std::string, std::string> vars;
    /// The process environment (only the variables below are read).
    static HubEnv from_environment();
    [[nodiscard]] std::optional<std::string> get(const std::string& name) const;
};

/// `~` and `~/…` expanded against HOME, as Python's os.path.expanduser.
std::string expand_user(const std::string& path, const HubEnv& env);
/// HF_HOME, else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`.
std::filesystem::path hf_home(const HubEnv& env);
/// HF_HUB_CACHE, else HUGGINGFACE_HUB_CACHE, else `hf_home()/hub`.
std::filesystem::path hub_cache_dir(const HubEnv& env);
/// HF_HUB_OFFLINE (else TRANSFORMERS_OFFLINE) is 1, ON, YES or TRUE (any case).
bool hub_offline(const HubEnv& env);
/// HF_ENDPOINT without trailing '/', else https://huggingface.co.
std::string hub_endpoint(const HubEnv& env);
/// HF_TOKEN (else HUGGING_FACE_HUB_TOKEN), else the file HF_TOKEN_PATH, else `hf_home()/token`;
/// whitespace stripped; nullopt when none is set or the file is missing or empty.
std::optional<std::string> hub_token(const HubEnv& env);

/// `models--ORG--NAME` under the cache directory.
std::filesystem::path hub_repo_cache(const std::filesystem::path& cache, const std::string& repo);

/// A `refs/REVISION` file's text: a 40-hex commit sha (surrounding whitespace ignored). Throws
/// InputError naming `where` for anything else.
std::string parse_hub_ref(std::string_view text, const std::string& where);

/// The snapshot directory a revision names in a repo's cache folder: `refs/REVISION` holds the
/// commit, else REVISION names `snapshots/REVISION` itself (huggingface_hub's
/// try_to_load_from_cache). nullopt when neither exists. Throws InputError on a malformed ref.
std::optional<std::filesystem::path> hub_snapshot_dir(const std::filesystem::path& repo_cache, const std::string& revision);

/// What vramplan keeps of a safetensors file it did not download: its size and the bytes its
/// header declares (`snapshots/SHA/.vramplan/FILE.header.json`).
struct SafetensorsHeaderMarker {
    std::uint64_t file_size = 0;
    Bytes data_bytes = 0;
};
/// The marker's JSON, `{"file_size": N, "data_bytes": M}` (data_bytes <= file_size). Throws
/// InputError naming `where`.
SafetensorsHeaderMarker parse_header_marker(const std::string& text, const std::string& where);
std::string header_marker_json(const SafetensorsHeaderMarker& marker);
/// Where the marker of `file` lives in a snapshot directory.
std::filesystem::path header_marker_path(const std::filesystem::path& snapshot, const std::string& file);

/// The shard file names of `model.safetensors.index.json`'s weight_map, sorted, unique; each a
/// plain file name ending in `.safetensors`. Throws InputError naming `where`.
std::vector<std::string> parse_safetensors_index_shards(const std::string& text, const std::string& where);

/// The checkpoint size of a cache snapshot: the headers of its `*.safetensors` files and of the
/// header markers vramplan left, when they cover every shard the index names (or, without an
/// index, when there is any); else the index's total_size; nullopt when there is neither.
std::optional<CheckpointSize> snapshot_checkpoint_size(const std::filesystem::path& snapshot);

/// A model found in the cache or fetched from the Hub.
struct HubSnapshot {
    std::filesystem::path snapshot;  ///< `…/models--ORG--NAME/snapshots/SHA`
    std::string commit;              ///< SHA
};

/// Looks `id` up in the cache: a snapshot holding config.json. Throws InputError on a broken ref.
std::optional<HubSnapshot> find_in_hub_cache(const std::filesystem::path& cache, const HubModelId& id);

/// A part of the Hugging Face cache that exists but cannot be looked at (EACCES, EPERM): not
/// "absent", not "damaged". Thrown by the cache lookups; resolve names the model and the path.
class HubCacheAccessError : public InputError {
public:
    using InputError::InputError;
};

/// The status of `path` from `fs::status`'s result `ec`: throws HubCacheAccessError naming the
/// path when `ec` is a permission error; any other error reads as "not there".
std::filesystem::file_status hub_cache_status(const std::filesystem::path& path, const std::filesystem::file_status& status,
                                              const std::error_code& ec);

/// Downloads config.json, model.safetensors.index.json and the safetensors headers (HTTP Range,
/// never the weights) of `id` from `endpoint` into the cache, in the hub layout, and returns the
/// snapshot. Throws InputError with one line for HTTP 401/403/404, timeouts and unreachable hosts;
/// `catalog_hf_ids` feed the "did you mean" of a 404. libcurl is opened here, at run time
/// (`libcurl.so.4`, or the file or soname in `VRAMPLAN_LIBCURL`): where it cannot be, or lacks a
/// function vramplan calls, InputError("--model", "ORG/NAME: fetching from the Hugging Face Hub
/// needs libcurl …"), before any request.
/// Every request is bounded by the run's deadline (io/deadline.hpp, `--timeout`): past it,
/// InputError("--model", "ORG/NAME: the Hugging Face Hub fetch did not finish within the run's
/// N s deadline …"), with nothing of the unfinished fetch in the cache but empty folders.
HubSnapshot fetch_from_hub(const HubEnv& env, const HubModelId& id, const std::vector<std::string>& catalog_hf_ids);

} // namespace vramplan

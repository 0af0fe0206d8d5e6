#pragma once
/// GPU and model profiles: the embedded defaults, then directories from VRAMPLAN_PROFILE_PATH and
/// --profiles (later ones override earlier ones by id).

#include <vramplan/io/errors.hpp>
#include <vramplan/io/file_write.hpp>   // write_file_atomically, here before it had its own header
#include <vramplan/plan.hpp>
#include <vramplan/solve.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace vramplan {

struct GpuProfile {
    GpuSpec spec;
    std::vector<std::string> aliases;
    std::string source;
    std::string origin;   ///< "embedded:profiles/gpus/a10.json" or the file path
    nlohmann::json raw;   ///< the profile as written
};

struct ModelProfile {
    std::string id;
    std::string hf_id;
    std::string source;
    std::string origin;
    nlohmann::json config;
};

/// A recommendation preset (profiles/presets/*.json): what to aim for, never a fixed utilization;
/// `vramplan recommend --preset` derives the utilization from the model and the card.
struct PresetProfile {
    PresetGoal spec;   ///< what the solver needs: id, goal, context, batch, margin
    std::string description;
    std::string source;
    std::string origin;
    nlohmann::json raw;
};

/// The three kinds of profile, as the subdirectories of a profiles directory name them.
enum class ProfileKind { gpu, model, preset };

/// One embedded profile file (generated at build time from profiles/ by cmake/embed.cmake), with
/// the names it answers to, read at build time so that finding a profile parses only that one.
struct EmbeddedFile {
    const char* path;           ///< "profiles/gpus/a10.json"
    const unsigned char* data;  ///< the file's bytes
    std::size_t size;
    ProfileKind kind;
    const char* id;             ///< /id as written
    const char* aliases;        ///< GPUs: /aliases as written, one per line; "" when none
    const char* device_name;    ///< GPUs: /device_name; "" for other kinds
    const char* hf_id;          ///< models: /hf_id; "" for other kinds
};
/// All embedded profile files, sorted by path.
std::span<const EmbeddedFile> embedded_profiles();

/// The profiles a command can name. Embedded profiles are indexed by name when loaded and parsed
/// on first use (a lookup parses one profile, a listing every one of its kind); a catalog is meant
/// for one thread, as the CLI uses it. Profiles from directories are parsed when loaded.
class Catalog {
public:
    /// Loads the embedded profiles' index and then each directory (with `gpus/`, `models/` and/or
    /// `presets/` subdirectories). Throws InputError for unreadable directories and malformed
    /// profiles in them.
    static Catalog load(const std::vector<std::string>& directories);

    /// By id or alias, or by the CUDA device name nvidia-smi and vLLM print ("NVIDIA A100-SXM4-80GB")
    /// when exactly one profile has it; case-insensitively. Throws InputError when unknown (with
    /// what the user may have meant: suggest_names) or when a device name fits several profiles.
    [[nodiscard]] const GpuProfile& gpu(const std::string& name) const;
    /// By the CUDA device name the driver reports ("NVIDIA H100 80GB HBM3"), case-insensitively;
    /// the first by id when several profiles have it; nullptr when none has it.
    [[nodiscard]] const GpuProfile* gpu_by_device_name(const std::string& device_name) const;

    /// By id or Hugging Face id, case-insensitively; nullptr when unknown. Never a near match: a
    /// model taken for another would be a wrong plan.
    [[nodiscard]] const ModelProfile* find_model(const std::string& name) const;
    /// Like find_model, but throws InputError with suggestions.
    [[nodiscard]] const ModelProfile& model(const std::string& name) const;

    /// By id, case-insensitively. Throws InputError with suggestions when unknown.
    [[nodiscard]] const PresetProfile& preset(const std::string& name) const;

    /// Every profile of a kind, by id. Parses the embedded ones not parsed yet (throws InputError
    /// if one is malformed: a build-time bug the unit tests catch).
    [[nodiscard]] const std::map<std::string, GpuProfile>& gpus() const;
    [[nodiscard]] const std::map<std::string, ModelProfile>& models() const;
    [[nodiscard]] const std::map<std::string, PresetProfile>& presets() const;
    /// The ids of a kind, sorted, without parsing a profile.
    [[nodiscard]] std::vector<std::string> ids(ProfileKind kind) const;

    /// Adds one profile (the JSON of a file under gpus/, models/ or presets/; `origin` names it in
    /// errors); a profile with an id already present replaces it. Throws InputError when malformed.
    void add_profile(ProfileKind kind, const nlohmann::json& profile, const std::string& origin);

private:
    /// Profiles of one kind by id: those parsed, and embedded ones not parsed yet.
    template <class Profile>
    struct Shelf {
        std::map<std::string, Profile> parsed;
        std::map<std::string, const EmbeddedFile*> unparsed;
    };

    void index_embedded(const EmbeddedFile& file);
    void add_directory(const std::string& dir);
    [[nodiscard]] const GpuProfile& gpu_by_id(const std::string& id) const;
    [[nodiscard]] const ModelProfile& model_by_id(const std::string& id) const;
    [[nodiscard]] const PresetProfile& preset_by_id(const std::string& id) const;
    [[nodiscard]] std::vector<NameCandidate> gpu_names() const;

    mutable Shelf<GpuProfile> m_gpus;
    mutable Shelf<ModelProfile> m_models;
    mutable Shelf<PresetProfile> m_presets;
    std::map<std::string, std::string> m_gpu_alias;   // lower-case alias or id -> id
    std::map<std::string, std::string> m_gpu_device;  // id -> device name as written
    std::map<std::string, std::string> m_model_alias; // lower-case id or Hugging Face id -> id
    std::map<std::string, std::string> m_model_hf_id; // id -> Hugging Face id as written
};

/// Parses JSON text; errors name `where` and the byte offset. Depth is limited.
nlohmann::json parse_json_text(const std::string& text, const std::string& where);

/// Reads a whole file (at most `max_bytes`; pipes and devices too, cut off at the cap). Throws
/// InputError naming the path and, for a directory or an oversized file, what was `expected`.
std::string read_file(const std::string& path, std::size_t max_bytes, const std::string& expected = "a JSON file");

/// Why a file that exists could not be opened, from errno right after the failed open:
/// "permission denied" (EACCES, EPERM), else "cannot be read (<strerror>)".
std::string open_failure();

} // namespace vramplan

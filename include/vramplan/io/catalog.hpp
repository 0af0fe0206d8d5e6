#pragma once
/// GPU and model profiles: the embedded defaults, then directories from VRAMPLAN_PROFILE_PATH and
/// --profiles (later ones override earlier ones by id).

#include <vramplan/plan.hpp>

#include <vramplan/solve.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
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

class Catalog {
public:
    /// Loads the embedded profiles and then each directory (with `gpus/` and/or `models/`
    /// subdirectories). Throws InputError for unreadable directories and malformed profiles.
    static Catalog load(const std::vector<std::string>& directories);

    /// By id or alias, case-insensitively. Throws InputError with a suggestion when unknown.
    [[nodiscard]] const GpuProfile& gpu(const std::string& name) const;
    /// By the CUDA device name the driver reports ("NVIDIA H100 80GB HBM3"), case-insensitively;
    /// nullptr when no profile has it.
    [[nodiscard]] const GpuProfile* gpu_by_device_name(const std::string& device_name) const;

    /// By id or Hugging Face id, case-insensitively; nullptr when unknown.
    [[nodiscard]] const ModelProfile* find_model(const std::string& name) const;
    /// Like find_model, but throws InputError with a suggestion.
    [[nodiscard]] const ModelProfile& model(const std::string& name) const;

    /// By id, case-insensitively. Throws InputError with a suggestion when unknown.
    [[nodiscard]] const PresetProfile& preset(const std::string& name) const;
    [[nodiscard]] const std::map<std::string, PresetProfile>& presets() const { return m_presets; }

    /// Adds one profile (the JSON of a file under gpus/, models/ or presets/; `origin` names it in
    /// errors); a profile with an id already present replaces it. Throws InputError when malformed.
    void add_profile(ProfileKind kind, const nlohmann::json& profile, const std::string& origin);

    [[nodiscard]] const std::map<std::string, GpuProfile>& gpus() const { return m_gpus; }
    [[nodiscard]] const std::map<std::string, ModelProfile>& models() const { return m_models; }

private:
    void add_gpu(const nlohmann::json& j, const std::string& origin);
    void add_model(const nlohmann::json& j, const std::string& origin);
    void add_preset(const nlohmann::json& j, const std::string& origin);
    void add_directory(const std::string& dir);

    std::map<std::string, GpuProfile> m_gpus;       // by id
    std::map<std::string, std::string> m_gpu_alias; // lower-case alias or id -> id
    std::map<std::string, ModelProfile> m_models;   // by id
    std::map<std::string, std::string> m_model_alias;
    std::map<std::string, PresetProfile> m_presets;
};

/// Parses JSON text; errors name `where` and the byte offset. Depth is limited.
nlohmann::json parse_json_text(const std::string& text, const std::string& where);

/// Reads a whole file (at most `max_bytes`; pipes and devices too, cut off at the cap). Throws
/// InputError naming the path and, for a directory or an oversized file, what was `expected`.
std::string read_file(const std::string& path, std::size_t max_bytes, const std::string& expected = "a JSON file");

/// Writes `text` to `path` through `path.tmp` and a rename: never a partial file. Throws
/// InputError naming the path when it cannot be written.
void write_file_atomically(const std::string& path, const std::string& text);

/// One embedded file (generated at build time from profiles/).
struct EmbeddedFile {
    const char* path;
    const unsigned char* data;
    std::size_t size;
};
/// All embedded profile files.
const std::vector<EmbeddedFile>& embedded_profiles();

} // namespace vramplan

#pragma once
/// Calibration files (`vramplan calibrate -o FILE`, read by `plan --calibration FILE`): what real
/// vLLM startups measured, next to what the planner estimated for the same configuration.
///
/// Format (JSON, `schema_version` 1, `kind` "vramplan-calibration"): `entries`, each with
/// `source` (log file), `model` (catalog id or path), `model_name`, `gpu` (catalog id),
/// `vllm_version`, `engine`, the configuration (`tensor_parallel_size`, `pipeline_parallel_size`,
/// `gpu_memory_utilization`, `max_model_len`, `max_num_seqs`, `max_num_batched_tokens`, `dtype`,
/// `kv_cache_dtype`, `enforce_eager`) and `measured` / `estimated` objects of integer bytes
/// (`weights`, `activation_peak`, `non_torch`, `cuda_graphs`, `kv_cache`; absent when unknown;
/// `non_torch` and `kv_cache` may be negative; every value is at most 2^50 bytes in magnitude).
/// `vllm_version_source` (optional) says how a release the log does not print was inferred.

#include <vramplan/bytes.hpp>
#include <vramplan/coldstart.hpp>
#include <vramplan/version.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vramplan {

/// Largest byte count a calibration file may hold (1 PiB; no GPU comes near).
inline constexpr Bytes k_calibration_max_bytes = Bytes{1} << 50;

/// The terms a log can measure, in bytes.
struct TermBytes {
    std::optional<Bytes> weights;
    std::optional<Bytes> activation;
    std::optional<SignedBytes> non_torch;   ///< can be negative (spec §2.4: not clamped)
    std::optional<Bytes> cuda_graphs;
    std::optional<SignedBytes> kv_cache;
};

struct CalibrationEntry {
    std::string source;
    std::string model;        ///< catalog id or path: the match key
    std::string model_name;   ///< Hugging Face id as logged
    std::string gpu;          ///< catalog id
    VllmVersion version;
    std::string version_source;   ///< "" when the log prints it; else how it was inferred
    std::string engine = "V1";
    std::uint32_t tensor_parallel_size = 1;
    std::uint32_t pipeline_parallel_size = 1;
    double gpu_memory_utilization = 0.9;
    std::uint64_t max_model_len = 0;
    std::uint64_t max_num_seqs = 0;
    std::uint64_t max_num_batched_tokens = 0;
    std::string dtype;
    std::string kv_cache_dtype;
    bool enforce_eager = false;
    TermBytes measured;
    TermBytes estimated;
};

struct CalibrationFile {
    std::vector<CalibrationEntry> entries;
};

/// The file as JSON (stable key order, integer bytes).
nlohmann::json calibration_json(const CalibrationFile& file);

/// Reads and validates a calibration file. Throws InputError naming the file and the JSON pointer
/// of the offending value.
CalibrationFile read_calibration(const std::string& path);
/// The same, from the file's text; `where` names it in errors.
CalibrationFile parse_calibration(const std::string& text, const std::string& where);

/// A restore-time fit (`vramplan calibrate-restore -o FILE`, read by `--restore-fit FILE`):
/// `kind` "vramplan-restore-fit", `schema_version` 1, `gpu`, `model`, `checkpoint` and `restore`
/// objects `{c, k}` (t = c × held GiB^k) and the measured `points`.
nlohmann::json restore_fit_json(const RestoreFit& fit, const std::vector<RestorePoint>& points, const std::string& gpu, const std::string& model);
RestoreFit read_restore_fit(const std::string& path);
/// The same, from the file's text; `where` names it in errors (and becomes the fit's source).
RestoreFit parse_restore_fit(const std::string& text, const std::string& where);

} // namespace vramplan

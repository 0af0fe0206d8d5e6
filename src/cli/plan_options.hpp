#pragma once
// The vLLM flags every planning subcommand shares (plan, calibrate --check, accuracy), and how
// they become a PlanRequest.

#include <vramplan/io/catalog.hpp>
#include <vramplan/io/resolve.hpp>
#include <vramplan/coldstart.hpp>
#include <vramplan/plan.hpp>

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace vramplan {
struct Deployment;
}

namespace vramplan::cli {

/// Flags as typed; parsed and range-checked by build_request so errors name the flag.
struct PlanOptions {
    std::string model;
    std::string gpu;
    std::string gpu_memory;
    std::string utilization;
    std::string max_model_len;
    unsigned tp = 1;
    unsigned pp = 1;
    std::string dtype = "auto";
    std::string kv_cache_dtype = "auto";
    std::string quantization;
    std::string max_num_seqs;
    std::string max_num_batched_tokens;
    std::string block_size;
    bool enforce_eager = false;
    std::string kv_cache_memory_bytes;
    std::string other_processes_memory;
    std::string vllm_version;
    std::string engine = "auto";
    std::string entrypoint = "serve";
};

/// GPU-snapshot (cold start) flags, as typed.
struct SnapshotOptions {
    std::string active_tokens;
    std::string link_gbs;
    std::string storage_read_gbs;
    std::string storage_write_gbs;
    std::string compress_gbs;
    std::string decompress_gbs;
    std::string threads;
    std::string data_ratio;
    std::string zero_ratio;
    std::string host_memory;
    std::string fixed_checkpoint;
    std::string fixed_restore;
    std::string restore_fit;
};

void add_snapshot_options(CLI::App* cmd, SnapshotOptions& options);
/// Parses the snapshot flags (InputError naming the flag) and reads --restore-fit.
SnapshotParams build_snapshot_params(const SnapshotOptions& options, std::optional<RestoreFit>& fit);

/// Registers the vLLM flags on `cmd`.
void add_plan_options(CLI::App* cmd, PlanOptions& options);

/// A request with what the report needs to say about its inputs.
struct BuiltRequest {
    PlanRequest request;
    ResolvedModel model;
    const GpuProfile* gpu = nullptr;
    std::vector<std::string> notes;   ///< from parsing the model (quantization, defaults)
};

/// Resolves the model and GPU and parses every flag. `default_scenario` fills in the documented
/// default plan (A10, Qwen2.5-1.5B, u 0.5, 2048 tokens) when neither model nor GPU is named.
/// Throws InputError naming the flag on bad input; the result has passed `validate`.
BuiltRequest build_request(const Catalog& catalog, const PlanOptions& options, bool default_scenario);

/// Reads a calibration file and attaches the best-matching entry's corrections to the request.
/// Returns notes for the report (which entry, which terms, or why none applied).
std::vector<std::string> apply_calibration_file(const std::string& path, BuiltRequest& built);

/// A model name as written in a log or a deployment that the catalog knows: as written, else its
/// last two path components ("/models/Qwen/Qwen3-8B" → "Qwen/Qwen3-8B"), else the one catalog
/// model whose Hugging Face name ends with the same folder name. Returns `name` unchanged when
/// none matches (or the path exists: a real directory is read as it is).
std::string catalog_model_name(const Catalog& catalog, const std::string& name);

/// A preset filled in for a request's model and GPU (`recommend --preset`, `compare --preset`).
struct PresetPlan {
    std::optional<PlanRequest> request;   ///< unset: nothing fits (see `why`)
    std::string goal;
    std::vector<std::string> notes;
    std::string why;
};
PresetPlan solve_preset(const PresetProfile& preset, const PlanRequest& base, bool user_len, bool user_seqs, unsigned max_gpus);

/// The vLLM flags of a deployment (`vramplan check`) that vramplan reads, copied onto `options`
/// as typed; returns the others ("--served-model-name"), which are noted and ignored. Throws
/// InputError for a malformed parallel size.
std::vector<std::string> apply_deployment_flags(const Deployment& deployment, PlanOptions& options);

/// Parses --vllm-version / --engine values (InputError on bad input).
VllmVersion parse_version_flag(const std::string& text, const std::string& flag);
std::optional<Engine> parse_engine_flag(const std::string& text, const std::string& flag);

} // namespace vramplan::cli

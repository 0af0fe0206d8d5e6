#pragma once
/// vLLM's engine arguments and vramplan's own plan inputs as written (flags, deployment files,
/// log replays), and how they become a PlanRequest: model and GPU resolved, every value parsed
/// with one number grammar (io/sizes.hpp), the result validated.

#include <vramplan/io/catalog.hpp>
#include <vramplan/io/resolve.hpp>
#include <vramplan/coldstart.hpp>
#include <vramplan/engine_args.hpp>
#include <vramplan/plan.hpp>

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace vramplan {

struct Deployment;

/// Plan inputs as written (text); parsed and range-checked by build_request so errors name the
/// flag. vLLM's engine arguments are held by the planner field they set (engine_args.hpp), so
/// every way in (flags, deployments, logs) fills the same slots.
struct PlanInputs {
    /// vLLM's modelled engine arguments, as written; "" = not given (vLLM's default). A switch
    /// holds "true" or "false".
    std::array<std::string, k_plan_field_count> args{};
    [[nodiscard]] std::string& operator[](PlanField field) { return args[static_cast<std::size_t>(field)]; }
    [[nodiscard]] const std::string& operator[](PlanField field) const { return args[static_cast<std::size_t>(field)]; }

    // vramplan's own inputs.
    std::string gpu;
    std::string gpu_memory;
    std::string other_processes_memory;
    std::string gpus_per_node;   ///< GPUs of one node, for the node count of DP × TP × PP (default 8)
    std::string vllm_version;
    std::string engine = "auto";
    std::string entrypoint = "serve";
};

/// GPU-snapshot (cold start) inputs, as written.
struct SnapshotInputs {
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

/// Parses the snapshot flags (InputError naming the flag) and reads --restore-fit.
SnapshotParams build_snapshot_params(const SnapshotInputs& options, std::optional<RestoreFit>& fit);

/// A request with what the report needs to say about its inputs.
struct BuiltRequest {
    PlanRequest request;
    ResolvedModel model;
    const GpuProfile* gpu = nullptr;
    std::vector<std::string> notes;   ///< from parsing the model (quantization, defaults)
    std::vector<std::string> warnings; ///< from parsing the model: an unknown architecture and what was assumed
};

/// make_plan(built.request), with an overflow of the plan's checked arithmetic (a config or flag
/// value too large for 64-bit bytes) reported as an InputError about the model and GPU it came
/// from ("--model X on --gpu Y: values too large: ...") instead of a bare OverflowError.
Plan make_plan_for(const BuiltRequest& built);

/// Resolves the model and GPU and parses every flag. `default_scenario` fills in the documented
/// default plan (A10, Qwen2.5-1.5B, u 0.5, 2048 tokens) when neither model nor GPU is named.
/// Throws InputError naming the flag on bad input; the result has passed `validate`.
BuiltRequest build_request(const Catalog& catalog, const PlanInputs& options, bool default_scenario);

/// Reads a calibration file and attaches the best-matching entry's corrections to the request.
/// Returns notes for the report (which entry, which terms, or why none applied).
std::vector<std::string> apply_calibration_file(const std::string& path, BuiltRequest& built);

/// A model name as written in a log or a deployment that the catalog knows: as written, else its
/// last two path components ("/models/Qwen/Qwen3-8B" → "Qwen/Qwen3-8B"), else the one catalog
/// model whose Hugging Face name ends with the same folder name. Returns `name` unchanged when
/// none matches (or the path exists: a real directory is read as it is).
std::string catalog_model_name(const Catalog& catalog, const std::string& name);

/// The vLLM flags of a deployment (`vramplan check`) that vramplan models, copied onto `options`
/// as written (a switch as its last state); returns the others ("--served-model-name"), which
/// are noted and ignored.
std::vector<std::string> apply_deployment_flags(const Deployment& deployment, PlanInputs& options);

/// Parses --vllm-version / --engine values (InputError on bad input).
VllmVersion parse_version_flag(const std::string& text, const std::string& flag);
std::optional<Engine> parse_engine_flag(const std::string& text, const std::string& flag);

} // namespace vramplan

#pragma once
/// Replaying a real vLLM startup log through the planner (`vramplan calibrate`): the log's
/// configuration becomes a request (model, GPU and release inferred where the log does not say
/// them), the plan is made, and the logged terms are set beside the predicted ones.

#include <vramplan/io/calibration.hpp>
#include <vramplan/io/catalog.hpp>
#include <vramplan/io/plan_inputs.hpp>
#include <vramplan/io/vllm_log.hpp>
#include <vramplan/plan.hpp>

#include <string>
#include <vector>

namespace vramplan {

/// What the user states instead of what the log says ("" = take the log's).
struct ReplayOverrides {
    std::string gpu;
    std::string model;
    std::string vllm_version;
};

/// One replayed log.
struct Replayed {
    VllmLog log;
    BuiltRequest built;
    Plan plan;
    std::vector<std::string> notes;   ///< what was inferred ("GPU a10 inferred from …")
    std::string version_source;       ///< "" when the log prints its release; else how it was inferred
    /// Arguments the logged startup passed that may move GPU memory and that the plan ignores.
    std::vector<NotModelledFlag> not_modelled;
};

/// The catalog GPU whose CUDA device name a log prints (`Your device 'Tesla T4'`, Triton's
/// `device_name=NVIDIA_H100_80GB_HBM3`, Unsloth's banner, a harness's `"name": "NVIDIA GeForce RTX
/// 4070 Laptop GPU"`), longest name first; nullptr when none or when two GPUs match equally.
const GpuProfile* gpu_named_in_log(const Catalog& catalog, const std::string& text);

/// Reads, replays and plans one log. Throws InputError naming the file when it holds no memory
/// lines, names no model, GPU or release that can be resolved, or its configuration is invalid.
/// The LoRA settings a log's `non-default args` (or command line) carry, applied to `q`
/// (addendum 3 §20); nothing when the log shows none.
void apply_logged_lora(const VllmLog& log, PlanRequest& q);
/// The multimodal settings a log carries (addendum 3 §23), applied to `q`; vLLM's defaults for
/// a value vramplan cannot read.
void apply_logged_multimodal(const VllmLog& log, PlanRequest& q);

/// The memory savers a log's `non-default args` (or command line) carry, applied to `q`
/// (addendum 3 §24): --cpu-offload-gb, --kv-offloading-size/-backend, --swap-space,
/// --enable-sleep-mode. Values that do not parse as GiB are left out.
void apply_logged_savers(const VllmLog& log, PlanRequest& q);

/// The data / expert parallel settings a log carries (addendum 3 §22), applied to `q`.
void apply_logged_parallel(const VllmLog& log, PlanRequest& q);

Replayed replay_log(const Catalog& catalog, const std::string& path, const ReplayOverrides& overrides);
/// replay_log of a log's text, or of one run of it (split_vllm_runs) starting at line
/// `first_line` of the file; `path` names it in messages.
Replayed replay_log_text(const Catalog& catalog, const std::string& text, const std::string& path, const ReplayOverrides& overrides,
                         std::size_t first_line = 1);

/// The calibration entry of a replayed log: measured terms (rank 0's) beside the estimates.
/// Throws InputError for logged sizes no GPU holds.
CalibrationEntry calibration_entry(const std::string& path, const Replayed& replayed);

} // namespace vramplan

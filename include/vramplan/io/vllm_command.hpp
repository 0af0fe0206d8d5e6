#pragma once
/// A whole vLLM command line pasted after `--` into `plan`, `compare` and `recommend`
/// (`vramplan plan --gpu l4 -- vllm serve MODEL --max-model-len 8192`), and the flags of any
/// deployment that the plan ignores although they may change GPU memory.

#include <vramplan/engine_args.hpp>
#include <vramplan/io/plan_inputs.hpp>

#include <string>
#include <vector>

namespace vramplan {

/// The flags of `deployment` that may change GPU memory and that the plan ignores, in the order
/// written, each once: `not_modelled` rows of engine_args() (a switch only when its last state is
/// on), and flags missing from the table. `no_memory_effect` rows and modelled rows are not listed.
std::vector<NotModelledFlag> not_modelled_flags(const Deployment& deployment);

/// Parses `argv` (the words after `--`: `vllm serve MODEL …`, `python -m
/// vllm.entrypoints.openai.api_server --model MODEL …`, `docker run … vllm/vllm-openai …`) with the
/// one vLLM argument parser (deployment.hpp) and copies its modelled flags onto `options`; the
/// model resolves as --model does. A `--config FILE.yaml` in the command is read as vLLM reads it:
/// the file's flags stand where --config stands (later command-line flags win). Returns the not-modelled flags (not_modelled_flags()) for the
/// report to warn about. Throws InputError when the words are not one vLLM command, the command
/// names no model, a flag is not in vramplan's table of vLLM's flags ("unknown vLLM flag
/// '--max-model-lenn' …; did you mean '--max-model-len'?"), or a modelled flag is also given
/// before `--` (the error names both values).
std::vector<NotModelledFlag> apply_vllm_command(const std::vector<std::string>& argv, PlanInputs& options);

} // namespace vramplan

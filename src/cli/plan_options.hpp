#pragma once
// The vLLM flags every planning subcommand shares (plan, recommend, compare, sweep, calibrate
// --check), registered on a CLI11 command; io/plan_inputs.hpp turns them into a PlanRequest.

#include <vramplan/io/plan_inputs.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vramplan::cli {

/// Registers the snapshot (cold start) flags on `cmd`.
void add_snapshot_options(CLI::App* cmd, SnapshotInputs& options);
/// Registers the vLLM flags on `cmd`: the engine arguments vramplan models, from the table
/// (engine_args.hpp), then vramplan's own (GPU, release, engine, entry point).
void add_plan_options(CLI::App* cmd, PlanInputs& options);
/// Registers only the modelled engine arguments; `lists` says so in their help (`compare`);
/// `after_model` registers what comes right after --model in `--help` (the GPU).
void add_engine_options(CLI::App* cmd, PlanInputs& options, bool lists, const std::function<void()>& after_model);
/// Registers the positional words after `--`: a whole vLLM command line (`vllm serve MODEL …`)
/// that io/vllm_command.hpp merges into the plan's inputs.
void add_vllm_command_option(CLI::App* cmd, std::vector<std::string>& words);
/// vLLM's two-letter short flags of modelled arguments ("-tp" → "--tensor-parallel-size"), which
/// CLI11 cannot name: spelt out before parsing.
const std::vector<std::pair<std::string, std::string>>& vllm_short_flags();

} // namespace vramplan::cli

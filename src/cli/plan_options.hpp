#pragma once
// The vLLM flags every planning subcommand shares (plan, recommend, compare, sweep, calibrate
// --check), registered on a CLI11 command; io/plan_inputs.hpp turns them into a PlanRequest.

#include <vramplan/io/plan_inputs.hpp>

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace vramplan::cli {

/// Registers the snapshot (cold start) flags on `cmd`.
void add_snapshot_options(CLI::App* cmd, SnapshotInputs& options);
/// Registers the vLLM flags on `cmd`.
void add_plan_options(CLI::App* cmd, PlanInputs& options);

} // namespace vramplan::cli

#pragma once
// Internal to vramplan_io: the one vLLM argument parser, shared by deployments (scripts, argv,
// docker) and vLLM logs (a pasted command line), and the flag vocabulary the YAML reader checks.

#include "shell_words.hpp"

#include <vramplan/io/deployment.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vramplan {

/// A switch (engine_args(): ArgType::boolean), or `no-X` of one. `name` is normalised.
bool is_vllm_switch(std::string_view name);

/// A flag vLLM knows to take a value (every known argument that is not a switch). `name` is
/// normalised.
bool vllm_flag_takes_value(std::string_view name);

/// How parse_vllm_arguments() treats what vLLM would refuse.
enum class ArgvMode {
    strict,  ///< throws InputError `source:line: …` (scripts, argv, YAML)
    /// Logs: the malformed part is dropped and parsing goes on: a second positional argument is
    /// skipped, a flag without its value or a switch with a value other than true/false is
    /// dropped, a positional model and --model may differ. Never throws.
    lenient,
};

/// vLLM's argument grammar (FlexibleArgumentParser, vllm/utils/argparse_utils.py) over
/// `words[first..]`, appending to `d.flags`: `--flag value`, `--flag=value`, `--flag_name`,
/// short forms (`-tp 2`, `-tp=2`, `-O3`, `-O.level=3`), switches (`--x`, `--no-x`, `--x=false`,
/// and vLLM ≤ 0.6's `--x False`), nargs='+' flags (every following non-option word, joined by a
/// space), `--` (no options after it), negative numbers as values. `d.entrypoint` decides the
/// positional argument: the model of "vllm serve" and "docker" (once), none for "api_server".
/// A flag vramplan does not know takes the next word as its value unless it is an option, and is
/// a switch otherwise. Names are normalised by normalize_engine_arg_name().
void parse_vllm_arguments(const std::vector<ShellWord>& words, std::size_t first, const std::string& source, ArgvMode mode,
                          Deployment& d);

} // namespace vramplan

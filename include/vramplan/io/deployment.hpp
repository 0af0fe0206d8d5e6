#pragma once
/// vLLM deployments as people write them: `vllm serve` / `python -m vllm.entrypoints...` /
/// `docker run ... vllm/vllm-openai` command lines in shell scripts and text files, argv handed
/// to `vramplan check -- ...`, and the YAML files of `vllm serve --config FILE`.
///
/// The result is each flag as written (normalised name, value as text, 1-based line) for
/// `vramplan check` to judge. Nothing is interpreted here: values are not converted, shell
/// variables (`$MODEL`, `$(cat f)`) are kept as written, not expanded, and a `--config FILE` named
/// on a command line is not opened.
///
/// Flag grammar (vLLM's FlexibleArgumentParser, in vllm/utils): `--flag value`,
/// `--flag=value`, `--flag_name` = `--flag-name` (only the part before a first '.' is rewritten:
/// `--compilation-config.cudagraph_capture_sizes`), short forms `-tp` `-pp` `-dp` `-q` `-O3`.
/// The vocabulary is engine_args() (vramplan/engine_args.hpp): a switch takes no value
/// (`--switch=true|false` is accepted), a known flag that is not a switch needs one, a nargs='+'
/// flag takes every following word that is not an option. For a flag vramplan does not know, the
/// next token is its value unless it starts with '-' (a negative number such as -1 is a value);
/// otherwise it is taken as a switch. The same parser reads the command lines of vLLM logs
/// (vllm_log.hpp), leniently.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vramplan {

/// One flag as written, normalised by normalize_engine_arg_name(): leading dashes removed,
/// '_' → '-' before a first '.', short forms expanded (-tp → tensor-parallel-size, -pp, -q, -dp,
/// -dpl, -dpa, -dpp, -dpr, -dcp; -O → compilation-config: `-O3` is value "3", `-O.level=3` is
/// name "compilation-config.level"). `--no-X` keeps its name ("no-enable-prefix-caching").
struct DeploymentFlag {
    std::string name;  ///< normalised: "max-model-len", "no-enable-prefix-caching"
    std::string value; ///< as written, quotes removed; a switch has "true" or "false"
    std::size_t line = 0; ///< 1-based line of the flag (of the key in YAML); 0 for argv
    bool boolean = false; ///< a switch (`--enforce-eager`, `enforce-eager: true`): read `value`
    /// YAML only: the value is a list, a mapping or a block scalar (`|`, `>`), kept as its raw
    /// text (the lines as written). vramplan reads none of these flags: callers skip them.
    bool raw = false;
};

/// One vLLM launch.
struct Deployment {
    std::string source;   ///< file path, or "command line"
    std::size_t line = 0; ///< 1-based line where the command / YAML document starts; 0 for argv
    /// "vllm serve", "api_server" (`python -m vllm.entrypoints.openai.api_server` and the older
    /// `vllm.entrypoints.api_server`), "docker" (`docker run ... <image containing vllm-openai>
    /// ARGS`: the image's entrypoint is `vllm serve`, older images' the api_server, so ARGS may hold
    /// a positional model or --model) or "yaml".
    std::string entrypoint;
    /// In order. The positional model of `vllm serve` (and of a docker image) appears as "model";
    /// when both a positional model and --model are given they must agree (vLLM uses the
    /// positional one), or parsing fails.
    std::vector<DeploymentFlag> flags;
    /// The environment vLLM starts with, KEY=VALUE: `export KEY=VALUE` lines earlier in the same
    /// text (minus later `unset KEY`), then the command's own prefixes (`CUDA_VISIBLE_DEVICES=0,1
    /// vllm serve`, `env KEY=VALUE`, docker `-e KEY=VALUE` / `--env KEY=VALUE`); a later
    /// entry for the same KEY replaces an earlier one. Exports inside `if`/functions count as if
    /// they always ran.
    std::vector<std::string> env;
    /// The flag `name` (normalised like the flags: dashes, '_'), last occurrence winning as in
    /// argparse, or nullptr.
    [[nodiscard]] const DeploymentFlag* find(const std::string& name) const;
    /// A switch as written, whatever the spelling: the last of `--name`, `--name=true|false`,
    /// `--no-name` and YAML `name: true|false` decides; nullopt when none is written (vLLM's
    /// default applies). `name` is normalised like find()'s.
    [[nodiscard]] std::optional<bool> switch_state(const std::string& name) const;
};

/// Parses argv-style tokens given after `--` on vramplan's own command line, e.g.
/// {"vllm", "serve", "Qwen/X", "--max-model-len", "8192"}; KEY=VALUE prefixes, wrappers (`env`,
/// `nohup`, ...), `python -m vllm.entrypoints.openai.api_server` and `docker run` are accepted
/// as in a script. Lines are 0. Throws InputError naming `source` when the tokens are not one
/// vLLM command, or a flag is malformed (`--max-model-len` without a value,
/// `--enforce-eager=maybe`, a second positional argument).
Deployment parse_vllm_argv(const std::vector<std::string>& argv, const std::string& source);

/// Every vLLM command in a shell-ish text: comments, backslash-newline continuations, '…' "…"
/// $'…' quotes, `$(…)` and `${…}` (kept verbatim), KEY=VALUE prefixes and `export`, wrappers
/// (`nohup`, `env`, `sudo`, `time`, `timeout 60`, `numactl …`, `uv run`, …), `bash -c '…'`
/// scripts, several commands per line (`;`, `&&`, `||`, `|`, `&`), redirections (`> log
/// 2>&1`) and here-documents (skipped). Linear in the size of `text`. Throws InputError
/// `source:line: ...` on an unterminated quote, a line over 1 MiB or a malformed flag, and
/// `source: expected a vLLM command ...` when there is none.
std::vector<Deployment> parse_vllm_commands(std::string_view text, const std::string& source);

/// A `vllm serve --config` YAML file: a flat mapping of flag names (dashes or underscores) to
/// scalars; `true`/`false` (and PyYAML's yes/no/on/off, which vLLM's yaml.safe_load reads as
/// booleans) make a switch. Lists and mappings (flow `{…}` / `[…]`, or indented blocks) and block
/// scalars are kept as raw text with `raw` set. Throws InputError `source:line: expected ...` on
/// malformed YAML (tabs for indentation, a key without ':', duplicate keys, unterminated or
/// multi-line quotes, a multi-line plain value, a non-mapping top level, a null value,
/// true/false for a flag that takes a value or the reverse) and on what vLLM's loader would not
/// read the same way (anchors, aliases, tags, several documents, directives).
Deployment parse_vllm_yaml(std::string_view text, const std::string& source);

/// Reads a path: a .yaml/.yml file → one deployment; another file → parse_vllm_commands; a
/// directory → the deployments of every .yaml/.yml/.sh/.txt file in it (sorted by name,
/// non-recursive, dotfiles skipped; a .sh/.txt file without a vLLM command is skipped, a
/// malformed one is an error). Throws InputError for missing or unreadable paths, files over
/// 16 MiB, and directories with no deployments.
std::vector<Deployment> read_deployments(const std::string& path);

/// The switches vramplan knows (the ArgType::boolean rows of engine_args(): vLLM's store_true /
/// BooleanOptionalAction flags), normalised names, sorted. `no-X` is a switch whenever X is.
const std::vector<std::string>& vllm_boolean_flags();

} // namespace vramplan

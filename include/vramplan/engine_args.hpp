#pragma once
/// vLLM's engine arguments: one table, read by every way in (vramplan's own flags, `vllm serve`
/// command lines, `--config` YAML files, the `non-default args` and engine-config lines of a log,
/// `LLM(...)` calls, calibration replay).
///
/// Each row is one vLLM argument: its canonical name (`max-num-batched-tokens`), its short form
/// (`-tp`), its type, vLLM's default by release where vramplan knows it, and how vramplan treats
/// it: `modelled` (it sets a planner field), `no_memory_effect` (it does not change GPU memory at
/// startup) or `not_modelled` (it may change GPU memory and vramplan does not model it yet).
/// Sources: vllm/engine/arg_utils.py (EngineArgs.add_cli_args), vllm/entrypoints/openai/cli_args.py
/// (the API server's flags), reference/vllm-memory-model-3.md (which flags move which term).
///
/// Adding a vLLM flag is one row in src/core/engine_args.cpp, plus the code that models it when
/// it is `modelled`.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace vramplan {

/// The planner inputs (PlanRequest fields) a vLLM argument can set.
enum class PlanField : std::uint8_t {
    model,
    gpu_memory_utilization,
    max_model_len,
    tensor_parallel_size,
    pipeline_parallel_size,
    dtype,
    kv_cache_dtype,
    quantization,
    max_num_seqs,
    max_num_batched_tokens,
    block_size,
    enforce_eager,
    kv_cache_memory_bytes,
    enable_prefix_caching,
    mamba_cache_mode,
    mamba_cache_dtype,
    mamba_ssm_cache_dtype,
    enable_lora,
    max_loras,
    max_lora_rank,
    lora_dtype,
    fully_sharded_loras,
    optimization_level,
    compilation_config,
    cuda_graph_sizes,
    cudagraph_capture_sizes,
    max_cudagraph_capture_size,
    // Memory savers (addendum 3 §24).
    cpu_offload_gb,
    offload_group_size,
    offload_num_in_group,
    offload_prefetch_step,
    kv_offloading_size,
    kv_offloading_backend,
    swap_space,
    enable_sleep_mode,
    // Speculative decoding (addendum 3 §21).
    speculative_config,
    // Multimodal (addendum 3 §23).
    limit_mm_per_prompt,
    mm_processor_kwargs,
    mm_encoder_tp_mode,
    skip_mm_profiling,
    language_model_only,
    // Data / expert parallel (addendum 3 §22).
    data_parallel_size,
    enable_expert_parallel,
    enable_eplb,
    eplb_config,
    num_redundant_experts,
    all2all_backend,
    decode_context_parallel_size,
    // Later additions: the offload backend (§24.1) and the speculative shorthands (§21).
    offload_backend,
    spec_method,
    spec_model,
    spec_tokens,
};
/// The number of PlanField values.
inline constexpr std::size_t k_plan_field_count = 52;

/// What an argument's value is, as vLLM's argparse reads it.
enum class ArgType : std::uint8_t {
    count,       ///< an integer; token counts accept vLLM's `human_readable_int` (`32k` = 32000, `32K` = 32768)
    fraction,    ///< a decimal number in (0, 1]
    size,        ///< an amount of memory (the note says the unit: bytes with suffixes, or GiB)
    text,        ///< free text: a name, a path, a URL
    choice,      ///< one of a fixed list of words (the list changes between releases; not checked here)
    boolean,     ///< a switch (store_true / BooleanOptionalAction): takes no value; `--no-X` negates it
    multi_value, ///< nargs='+': every following word that is not an option
    json_value,  ///< JSON: an object (or its dotted sub-keys: `--compilation-config.level 3`) or a list
};

/// How vramplan treats an argument.
enum class ArgTreatment : std::uint8_t {
    modelled,         ///< sets `EngineArg::field`
    no_memory_effect, ///< changes nothing in vLLM's GPU memory at startup (host RAM, networking, logging …)
    not_modelled,     ///< may change GPU memory; vramplan does not model it yet (the plan ignores it)
};

/// One vLLM engine argument.
struct EngineArg {
    std::string_view name;       ///< canonical, dashes, no leading dashes: "max-num-batched-tokens"
    std::string_view short_form; ///< without its dash ("tp" for -tp); empty when none
    ArgType type = ArgType::text;
    ArgTreatment treatment = ArgTreatment::not_modelled;
    std::optional<PlanField> field; ///< set exactly when `treatment` is modelled
    /// vLLM's default by release, with its source ("0.9; 0.92 from 0.21 (vllm/config/cache.py,
    /// #38284)"); empty when vramplan does not know it.
    std::string_view defaults;
    /// One line for reports: what is not modelled, or why there is no effect; empty for plain rows.
    std::string_view note;
    /// Another spelling vLLM accepts for this argument (an argparse abbreviation people write,
    /// "kv-cache-memory"); empty when none. normalize_engine_arg_name() keeps it as written.
    std::string_view alias;
    /// Modelled rows: what vramplan's own flag does, for its `--help` and man page.
    std::string_view help;
    /// A second short form vLLM accepts, without its dash ("cc" for -cc: --compilation-config has
    /// -O before 0.12 and -cc after, #26847); empty when none.
    std::string_view short_alias;

    [[nodiscard]] constexpr bool is_switch() const { return type == ArgType::boolean; }
};

/// A flag in a plan's inputs that may change GPU memory and that the plan ignores: a
/// `not_modelled` row (or a flag missing from the table), for reports to warn about.
struct NotModelledFlag {
    std::string name; ///< as vLLM spells it, with its dashes: "--enable-lora"
    std::string note; ///< the row's note: what it changes, with its addendum § ("(§20)")
};

/// Every row, in the table's order (modelled rows in PlanField order, then not_modelled, then
/// no_memory_effect, each alphabetical).
std::span<const EngineArg> engine_args();

/// The one normaliser of argument names: leading dashes stripped, '_' → '-' before the first
/// '.' (vLLM's FlexibleArgumentParser leaves the dotted sub-keys of JSON arguments alone:
/// `--compilation_config.cudagraph_capture_sizes` → "compilation-config.cudagraph_capture_sizes"),
/// a short form written with one dash expanded ("-tp" → "tensor-parallel-size", "-O.level" →
/// "compilation-config.level"; "tp" and "--tp" stay "tp", as argparse reads them), a "no-" prefix
/// kept ("--no-enable-prefix-caching" → "no-enable-prefix-caching"). Any text is accepted;
/// unknown names come back normalised.
std::string normalize_engine_arg_name(std::string_view written);

/// The row of an argument however it is written ("--max_num_batched_tokens",
/// "max-num-batched-tokens", "max_num_batched_tokens", "-tp", "tp", an alias), or nullptr when
/// vramplan does not know it. A short form is found with or without its dash (`LLM(tp=2)`). A negated switch ("no-enforce-eager") is not found here: see
/// find_negated_switch().
const EngineArg* find_engine_arg(std::string_view written);

/// The switch that `written` negates ("--no-enforce-eager", "no_enforce_eager" → the
/// enforce-eager row), or nullptr when `written` is not "no-" + a known switch. vLLM accepts
/// `--no-X` only for BooleanOptionalAction switches; vramplan accepts it for every switch.
const EngineArg* find_negated_switch(std::string_view written);

/// The modelled row that sets `field` (exactly one per PlanField).
const EngineArg& engine_arg_for(PlanField field);

/// The argument's Python name (argparse `dest`, the EngineArgs attribute, the `LLM(...)` keyword
/// and the key of `non-default args`): dashes → '_' ("max_num_batched_tokens").
std::string engine_arg_dest(const EngineArg& arg);

/// Stable snake_case names for reports and JSON: "count", "multi_value" …; "modelled",
/// "no_memory_effect", "not_modelled". (A PlanField's name is its row's dest:
/// engine_arg_dest(engine_arg_for(field)).)
std::string_view arg_type_name(ArgType type);
std::string_view arg_treatment_name(ArgTreatment treatment);

} // namespace vramplan

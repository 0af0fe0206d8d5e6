#pragma once
/// vLLM startup logs of every era: what vLLM was asked to run and the memory it measured.
///
/// A log states the configuration (the engine-config line, `non-default args: {...}`, a
/// `vllm serve` / `python -m vllm.entrypoints...` command or an `LLM(...)` call) and the memory
/// terms of each worker (weights, activation peak, non-torch, KV cache, CUDA graphs) plus the
/// engine's blocks, token capacity and concurrency. The wording changed many times between
/// v0.2 and v0.21+ (reference/vllm-memory-model.md §2.3–2.5, §3, §4, §7.2, §8, §9); every
/// wording listed there is recognised, and the wordings seen bound the vLLM version when the log
/// does not print it.
///
/// Settings are read through engine_args() (any spelling of an argument). A command line (after
/// `vllm serve`, the api_server module or a `vllm/vllm-openai` image, continued over lines ending
/// with a backslash) is read by the shell tokenizer and vLLM argument parser of deployment.hpp, as the
/// same line in a script, but leniently: what a script would refuse (an unterminated quote, a
/// second positional, a flag without its value) is dropped, and `<placeholder>` words are text.
///
/// Lines may carry Ray / multiprocess tags (`(Worker_TP1 pid=7)`, `(VllmWorker rank=1 pid=7)`,
/// `(EngineCore_DP0 pid=7) (RayWorkerWrapper pid=9)`, `(VllmWorkerProcess pid=7)`), ANSI colours,
/// CRLF or bare-CR (progress bar) line ends, `vLLM STDOUT:` (Unsloth) prefixes and Ray's
/// `[repeated 3x across cluster]` suffix.

#include <vramplan/io/release_fingerprints.hpp>
#include <vramplan/version.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vramplan {

/// One value as vLLM printed it, with the 1-based line it came from.
template <class T> struct Logged {
    T value{};
    std::size_t line = 0;
};

/// What one vLLM startup log says. Every field is empty when the log does not say it.
///
/// When several lines give the same field, the value kept is (1) rank 0's over other ranks',
/// then (2) the most direct source, then (3) the first seen. Sources, best first:
/// configuration: the engine-config line (effective values) > `non-default args` > effective
/// values printed later (`Chunked prefill is enabled with max_num_batched_tokens=N`,
/// `Desired GPU memory utilization is (u, …)`) > the command line / `LLM(...)` call > values
/// echoed in measurement lines (`gpu_memory_utilization (0.60)` rounded to 2 decimals,
/// `Maximum concurrency for L tokens`, `max seq len (L)` in errors); `Auto-fit max_model_len:
/// reduced from A to B` beats them all. Measured terms: the dedicated line (`Model loading
/// took`, `Available KV cache memory`, `Graph capturing finished … took`) > the summary lines
/// that repeat it (`Free memory on device … Actual usage …`, `CUDA graph pool memory`, the
/// DEBUG `MemoryProfilingResult`) > error messages (`available KV cache memory (Y GiB)`).
///
/// Rank 0 is a line without a worker tag (the V0 driver, a single-GPU V1 EngineCore), or a
/// worker tag naming rank 0 (`Worker_TP0`, `VllmWorker rank=0`). `VllmWorkerProcess` (V0
/// non-driver workers) and `RayWorkerWrapper` tags name no rank: they count as "other ranks".
struct VllmLog {
    // ---- Configuration -------------------------------------------------------------------
    std::optional<Logged<VllmVersion>> version; ///< `(v0.10.1)`, `API server version 0.10.1`, banner `version 0.19.0`, Unsloth `vLLM: 0.10.0.`
    std::optional<Logged<std::string>> engine;  ///< "V0" or "V1": stated (`V1 LLM engine`, `an LLM engine`), else inferred from the wording / tags / file names
    std::optional<Logged<std::string>> model;   ///< as printed (a repo id or a local path)
    std::optional<Logged<double>> gpu_memory_utilization; ///< a fraction, as printed
    std::optional<Logged<std::uint64_t>> max_model_len; ///< tokens (`max_seq_len=` in the engine-config line)
    std::optional<Logged<std::uint64_t>> max_num_seqs;
    std::optional<Logged<std::uint64_t>> max_num_batched_tokens;
    std::optional<Logged<std::uint64_t>> block_size; ///< tokens per block (only when passed: vLLM does not print it)
    std::optional<Logged<std::uint32_t>> tensor_parallel_size;
    std::optional<Logged<std::uint32_t>> pipeline_parallel_size;
    std::optional<Logged<std::string>> dtype;          ///< "bfloat16" (a `torch.` prefix is dropped), "half", "auto", …
    std::optional<Logged<std::string>> kv_cache_dtype; ///< "auto", "fp8", …
    std::optional<Logged<std::string>> quantization;   ///< "fp8", "awq", …; `quantization=None` leaves it empty
    std::optional<Logged<bool>> enforce_eager;
    // LoRA (addendum 3 §20), from `non-default args` or a command line.
    std::optional<Logged<bool>> enable_lora;
    std::optional<Logged<std::uint64_t>> max_loras;
    std::optional<Logged<std::uint64_t>> max_lora_rank;
    std::optional<Logged<std::string>> lora_dtype;
    std::optional<Logged<bool>> fully_sharded_loras;
    // Memory savers (addendum 3 §24), from `non-default args` or a command line: GiB as written.
    std::optional<Logged<std::string>> cpu_offload_gb;
    std::optional<Logged<std::string>> kv_offloading_size;
    std::optional<Logged<std::string>> kv_offloading_backend;
    std::optional<Logged<std::string>> swap_space;
    std::optional<Logged<bool>> enable_sleep_mode;
    /// `--speculative-config` as logged (JSON, a Python dict, or SpeculativeConfig(...)'s repr;
    /// addendum 3 §21); `speculative_config=None` leaves it empty.
    std::optional<Logged<std::string>> speculative_config;
    // Multimodal (addendum 3 §23), as written (a Python dict repr in `non-default args`).
    std::optional<Logged<std::string>> limit_mm_per_prompt;
    std::optional<Logged<std::string>> mm_processor_kwargs;
    std::optional<Logged<std::string>> mm_encoder_tp_mode;
    std::optional<Logged<bool>> skip_mm_profiling;
    std::optional<Logged<bool>> language_model_only;
    // Data / expert parallel (addendum 3 §22), from `non-default args` or a command line.
    std::optional<Logged<std::uint32_t>> data_parallel_size;
    std::optional<Logged<bool>> enable_expert_parallel;
    std::optional<Logged<bool>> enable_eplb;
    std::optional<Logged<std::uint64_t>> num_redundant_experts;
    std::optional<Logged<std::string>> all2all_backend;
    std::optional<Logged<std::uint32_t>> decode_context_parallel_size;
    /// "V2" (`Using V2 Model Runner`, or Model Runner V2's `[model_runner.py:N] Model loading took X GiB`)
    /// or "V1" (the `[gpu_model_runner.py:N]` loading line). Spec-2 §13.7, §14.1.
    std::optional<Logged<std::string>> model_runner;
    /// The attention block size vLLM raised a hybrid model to: `Setting attention block size to N
    /// tokens to ensure that attention page size is >= mamba page size.` (spec-2 §16.4). Not a
    /// setting the user passed: replay does not apply it.
    std::optional<Logged<std::uint64_t>> attention_block_size;
    /// Engine arguments the user passed (non-default args, the command line, `LLM(...)`) that
    /// engine_args() marks not_modelled, canonical names ("enable-lora"), each once, in order
    /// seen; switches only when on. The engine-config line (vLLM's defaults too) is not read for them.
    std::vector<std::string> not_modelled_args;

    // ---- Measured terms, GiB exactly as printed (the "GB" of `Loading model weights took X GB`
    // ---- and `Model loading took X GB` is GiB too, spec §8). Per worker: rank 0's, else the first seen.
    std::optional<Logged<double>> total_gib;        ///< T: `total_gpu_memory (T GiB)`, `total_gpu_memory=T`, `Free memory on device (F0/T GiB)`
    std::optional<Logged<double>> requested_gib;    ///< T·u: `= R GiB` (V0), `Requested memory: u (util), R GiB`, `Desired … is (u, R GiB)`
    std::optional<Logged<double>> initial_free_gib; ///< F0: `Initial free memory: F0 GiB`, `Free memory on device (F0/T GiB)`
    std::optional<Logged<double>> weights_gib;      ///< W
    std::optional<Logged<double>> activation_gib;   ///< A: `PyTorch activation peak memory takes`, `torch peak memory increase`, `for peak activation`
    std::optional<Logged<double>> non_torch_gib;    ///< N: `non_torch_memory takes`, `non_torch_memory=`, `non-torch forward increase memory`; from 0.27, consumed − weights (rounded to 0.01, the line of the consumed figure)
    /// W + N as 0.27+ prints it (spec-2 §13.3, §13.7): DEBUG `total consumed (from mem_get_info): X GiB`,
    /// INFO `Actual usage is X GiB for consumed memory (weights + non-torch)`. Device-wide: it
    /// also charges persistent buffers and fragmentation.
    std::optional<Logged<double>> consumed_gib;
    /// activation_gib came from the 0.27+ `… Y GiB for peak activation` (spec-2 §13.7), which vLLM
    /// computes as the transient torch peak plus the CUDA-graph estimate it applied.
    bool activation_includes_graph_estimate = false;
    std::optional<Logged<double>> non_kv_gib;       ///< W + A + N: DEBUG `Total non KV cache memory`
    std::optional<Logged<double>> kv_cache_gib;     ///< `Available KV cache memory`, `reserved for KV Cache is`, `kv_cache_size=`; may be negative
    std::optional<Logged<double>> cuda_graph_gib;   ///< measured: `Graph capturing finished in S secs, took X GiB`
    std::optional<Logged<double>> cuda_graph_estimate_gib; ///< `Estimated CUDA graph memory: X GiB total` (≈v0.17+)

    // ---- Per engine (printed once, by the EngineCore / V0 driver).
    std::optional<Logged<std::uint64_t>> gpu_blocks; ///< `# GPU blocks: N`, `# cuda blocks: N`, `num_gpu_blocks is: N`
    std::optional<Logged<std::uint64_t>> cpu_blocks; ///< `# CPU blocks: M` (V0 swap space)
    std::optional<Logged<std::uint64_t>> kv_tokens;  ///< `GPU KV cache size: N tokens`, or V0's `stored in KV cache (N)` error
    std::optional<Logged<double>> max_concurrency;   ///< `Maximum concurrency for L tokens per request: Cx`
    std::optional<Logged<std::uint64_t>> concurrency_tokens_per_request; ///< the L of that line

    /// The KV GiB of every worker, rank 0 first, then by (DP, PP, TP) rank, then workers without
    /// a rank number in order of appearance. Holds `Available KV cache memory` (V1) and also V0's
    /// `the rest of the memory reserved for KV Cache is K GiB` / `kv_cache_size=K` (one per
    /// worker). A worker printing again (an engine restarted in the same log) keeps its first value.
    std::vector<double> kv_cache_gib_per_rank;

    /// The first vLLM memory error, from its fixed wording to the end of the line (exception type
    /// and Ray suffix removed, at most 4096 bytes): `No available memory for the cache blocks…`,
    /// `To serve at least one request with the models's max seq len…`, `The model's max seq len
    /// (L) is larger than the maximum number of tokens…`, `Free memory on device … is less than
    /// desired GPU memory utilization…`, `Cannot auto-fit max_model_len…`, `Error in memory
    /// profiling…`, `Failed to load model - not enough GPU memory…`, `CUDA out of memory…`.
    std::optional<Logged<std::string>> error;

    /// The most specific wording family seen: "v1-0.21" (the `(default since v0.21.0)` CUDA graph
    /// line), "v1" (`Available KV cache memory`, `Free memory on device`, DEBUG `Initial free
    /// memory`), "v0-memory-profiling" (the three-line `the current vLLM instance can use …`),
    /// "v0.6.4-global" (`Memory profiling results:`), "v1-global" (a V1 log with blocks or tokens
    /// but none of the "v1" lines: V1 before v0.9.1), "v0-blocks" (`# GPU blocks` / `# cuda
    /// blocks` only). Empty when none was seen.
    std::string wording;

    /// The oldest and newest vLLM release whose wording matches every line seen (spec §3, §4, §8,
    /// §9). Computed whether or not a version is printed; meant for logs that print none. Patch
    /// 999 means "any patch release of that minor". Both are empty when nothing dated was seen, or
    /// when the wordings contradict each other (a log mixing several runs).
    std::optional<VllmVersion> wording_min;
    std::optional<VllmVersion> wording_max;

    /// The releases the `[file.py:LINE]` headers point to (release_fingerprints.hpp), with the
    /// lines that say so; computed whether or not a version is printed.
    std::optional<SourceLineRelease> source_release;

    std::size_t lines = 0; ///< physical lines in the input ('\n'-separated; a last line without '\n' counts)
};

/// Parses a vLLM log. Never throws on malformed input (garbage only leaves fields empty; only
/// std::bad_alloc can escape). Linear time: hand-written scanning, no regular expressions.
VllmLog parse_vllm_log(std::string_view text);
/// parse_vllm_log of a part of a log that starts at line `first_line` of it (one run of
/// split_vllm_runs): every Logged line is the whole file's; `lines` counts the part's.
VllmLog parse_vllm_log(std::string_view text, std::size_t first_line);

/// Reads and parses a file. Throws InputError naming the file when it does not exist, is a
/// directory, cannot be read or is larger than 256 MiB.
VllmLog read_vllm_log(const std::string& path);

} // namespace vramplan

namespace vramplan {

/// One vLLM launch within a log file (several are appended when a service restarts into the same
/// file, or a script builds several engines).
struct LogRun {
    std::size_t first_line = 1; ///< 1-based, as VllmLog counts lines
    std::size_t last_line = 0;
    std::size_t begin = 0;      ///< byte offsets of the run's text in the log
    std::size_t end = 0;
};

/// Splits a log into the runs appended in it: a run begins where a line that vLLM prints once per
/// launch appears again: the API server's version line or its banner, `non-default args:` (once
/// per `vllm serve` or `LLM(...)`), or the engine-config line `Initializing a V1 LLM engine`, `… a V0
/// LLM engine`, `… an LLM engine` of the same data-parallel engine (vLLM prints it only on each
/// node's local DP rank 0). Lines before the second run's first marker stay with the first run.
/// At least one run, covering the whole text; linear time; never throws.
std::vector<LogRun> split_vllm_runs(std::string_view text);

/// The text of `run` within `text`.
std::string_view log_run_text(std::string_view text, const LogRun& run);

} // namespace vramplan

#pragma once
/// Records of real vLLM startups in the JSON-lines format of reference/vllm-logs-dev.jsonl: the
/// launch configuration and what vLLM printed. `replay_request` turns one into a PlanRequest.

#include <vramplan/io/catalog.hpp>
#include <vramplan/plan.hpp>

#include <optional>
#include <string>
#include <vector>

namespace vramplan {

/// One record; absent numbers are nullopt. GiB values are as logged (two decimals).
struct LogRecord {
    std::string id;
    std::string model;            ///< Hugging Face id as logged
    std::string config;           ///< model folder under configs/ beside the file, or a path
    std::string engine;           ///< "V0" / "V1"
    std::string version;          ///< vllm_version_effective (else vllm_version)
    std::string gpu_id;
    std::string slice;            ///< "unsloth", "issue", … (Unsloth-patched runs are reported apart)
    std::string outcome;          ///< "ok…" or "error: …"
    std::string quantization, dtype, kv_cache_dtype;
    std::string log;              ///< the excerpt
    std::optional<double> gpu_memory_utilization, total_gib, weights_gib, activation_gib, non_torch_gib, cuda_graph_gib, kv_cache_gib,
        max_concurrency;
    std::optional<std::uint64_t> max_model_len, max_num_seqs, max_num_batched_tokens, block_size, gpu_blocks, kv_tokens;
    std::uint32_t tensor_parallel_size = 1;
    std::uint32_t pipeline_parallel_size = 1;
    bool enforce_eager = false;

    [[nodiscard]] bool logged_ok() const { return outcome.rfind("ok", 0) == 0; }
};

/// Reads a JSON-lines file of records. Throws InputError naming the file and line on malformed JSON.
std::vector<LogRecord> read_log_records(const std::string& path);
/// The same, from the file's text; `where` names it in errors.
std::vector<LogRecord> parse_log_records(const std::string& text, const std::string& where);

/// The planner request that replays `record`, or an explanation of why it cannot be replayed
/// (no config, unknown GPU, version not parseable, invalid combination).
struct Replay {
    std::optional<PlanRequest> request;
    std::string skip_reason;
};
Replay replay_request(const Catalog& catalog, const LogRecord& record, const std::string& configs_dir);

} // namespace vramplan

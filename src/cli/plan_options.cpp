// Shared vLLM flags (plan_options.hpp).
#include "plan_options.hpp"

#include <vramplan/version.hpp>

namespace vramplan::cli {

void add_snapshot_options(CLI::App* cmd, SnapshotInputs& o) {
    cmd->add_option("--active-tokens", o.active_tokens, "Snapshot: KV tokens written at checkpoint time (0)");
    cmd->add_option("--link-gbs", o.link_gbs, "Snapshot: GPU host link, GB/s per direction (default: the GPU profile's)");
    cmd->add_option("--storage-read-gbs", o.storage_read_gbs, "Snapshot: image storage read speed, GB/s (3.94: PCIe Gen3 x4 NVMe)");
    cmd->add_option("--storage-write-gbs", o.storage_write_gbs, "Snapshot: image storage write speed, GB/s (3.94)");
    cmd->add_option("--compress-gbs", o.compress_gbs, "Snapshot: compression speed per thread, GB/s (0.51: zstd -1)");
    cmd->add_option("--decompress-gbs", o.decompress_gbs, "Snapshot: decompression speed per thread, GB/s (1.55: zstd)");
    cmd->add_option("--compress-threads", o.threads, "Snapshot: compressor threads (1)");
    cmd->add_option("--data-ratio", o.data_ratio, "Snapshot: compression ratio of written memory (1.0)");
    cmd->add_option("--zero-ratio", o.zero_ratio, "Snapshot: compression ratio of never-written pages (1000)");
    cmd->add_option("--host-memory", o.host_memory, "Snapshot: the process's CPU memory in the image (0: not counted)");
    cmd->add_option("--fixed-checkpoint-s", o.fixed_checkpoint, "Snapshot: fixed seconds per checkpoint (0 in the lower bound)");
    cmd->add_option("--fixed-restore-s", o.fixed_restore, "Snapshot: fixed seconds per restore (0 in the lower bound)");
    cmd->add_option("--restore-fit", o.restore_fit, "Snapshot: a fit from `vramplan calibrate-restore` for calibrated times");
}

void add_plan_options(CLI::App* cmd, PlanInputs& o) {
    cmd->add_option("--model,-m", o.model,
                    "Catalog id, Hugging Face id, config.json path or model directory (default: qwen2.5-1.5b-instruct)");
    cmd->add_option("--gpu,-g", o.gpu, "GPU catalog id (default: a10; see `vramplan gpus`), or auto: this machine's cards (NVML or nvidia-smi)");
    cmd->add_option("--gpu-memory", o.gpu_memory, "CUDA-visible total per GPU, overrides the catalog (79.19GiB, 81559MiB)");
    cmd->add_option("--gpu-memory-utilization,--gpu_memory_utilization", o.utilization,
                    "Fraction of the GPU vLLM may use (vLLM default: 0.9, 0.92 from v0.21)");
    cmd->add_option("--max-model-len,--max_model_len", o.max_model_len, "Context length (default: the model's)");
    cmd->add_option("--tensor-parallel-size,--tensor_parallel_size", o.tp, "Tensor-parallel GPUs")->check(CLI::Range(1u, 1024u));
    cmd->add_option("--pipeline-parallel-size,--pipeline_parallel_size", o.pp, "Pipeline stages")->check(CLI::Range(1u, 1024u));
    cmd->add_option("--dtype", o.dtype, "Model dtype: auto, bfloat16, float16, float32");
    cmd->add_option("--kv-cache-dtype,--kv_cache_dtype", o.kv_cache_dtype, "auto, fp8, fp8_e4m3, fp8_e5m2, fp8_ds_mla, bfloat16, float16");
    cmd->add_option("--quantization,-q", o.quantization, "Quantization method (fp8, bitsandbytes online; gptq_marlin, awq_marlin …)");
    cmd->add_option("--max-num-seqs,--max_num_seqs", o.max_num_seqs, "Max sequences per batch (vLLM default by era and GPU)");
    cmd->add_option("--max-num-batched-tokens,--max_num_batched_tokens", o.max_num_batched_tokens,
                    "Max tokens per batch (vLLM default by era, GPU and entry point)");
    cmd->add_option("--block-size,--block_size", o.block_size, "KV block size in tokens (default 16; MLA backends force theirs)");
    cmd->add_flag("--enforce-eager,--enforce_eager", o.enforce_eager, "No CUDA graphs");
    cmd->add_option("--kv-cache-memory-bytes,--kv_cache_memory_bytes", o.kv_cache_memory_bytes,
                    "Pin the KV cache per GPU (40G = 40 GiB, 40g = 40 GB, as vLLM parses it)");
    cmd->add_option("--other-processes-memory", o.other_processes_memory,
                    "Memory other processes already hold on each GPU (counted in the budget by the global eras, must be free after 0.9.1)");
    cmd->add_option("--vllm-version", o.vllm_version, "vLLM release whose rules to apply (default and newest modelled: " +
                                                          k_newest_modelled.str() + "; oldest: " + k_oldest_modelled.str() + ")");
    cmd->add_option("--engine", o.engine, "auto (the release's default: V1 from 0.8.0), v0 (until 0.10.x) or v1 (from 0.6.5)");
    cmd->add_option("--entrypoint", o.entrypoint, "serve (vllm serve, default) or llm (the LLM class): batch defaults differ")
        ->check(CLI::IsMember({"serve", "llm"}));
}

} // namespace vramplan::cli

// `vramplan plan`: one plan, as a table, JSON, or with --explain.
#include "commands.hpp"

#include <vramplan/io/catalog.hpp>
#include <vramplan/io/errors.hpp>
#include <vramplan/io/resolve.hpp>
#include <vramplan/io/sizes.hpp>
#include <vramplan/plan.hpp>
#include <vramplan/report/render.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <sstream>

namespace vramplan::cli {

std::vector<std::string> profile_directories(const GlobalOptions& global) {
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("VRAMPLAN_PROFILE_PATH"); env != nullptr && *env != '\0') {
        std::stringstream ss(env);
        std::string item;
        while (std::getline(ss, item, ':')) {
            if (!item.empty()) {
                dirs.push_back(item);
            }
        }
    }
    dirs.insert(dirs.end(), global.profile_dirs.begin(), global.profile_dirs.end());
    return dirs;
}

namespace {

/// Default scenario (issue #2): an A10 serving Qwen2.5-1.5B-Instruct at 0.5 and 2048 tokens.
constexpr const char* k_default_gpu = "a10";
constexpr const char* k_default_model = "qwen2.5-1.5b-instruct";
constexpr const char* k_default_utilization = "0.5";
constexpr const char* k_default_max_len = "2048";

struct PlanOptions {
    std::string model;
    std::string gpu;
    std::string gpu_memory;
    std::string utilization;
    std::string max_model_len;
    unsigned tp = 1;
    unsigned pp = 1;
    std::string dtype = "auto";
    std::string kv_cache_dtype = "auto";
    std::string quantization;
    std::string max_num_seqs;
    std::string max_num_batched_tokens;
    std::string block_size;
    bool enforce_eager = false;
    std::string kv_cache_memory_bytes;
    std::string other_processes_memory;
    std::string vllm_version;
    std::string entrypoint = "serve";
    std::string format = "text";
    bool explain = false;
};

} // namespace

Action add_plan_command(CLI::App& app, const GlobalOptions& global) {
    auto opts = std::make_shared<PlanOptions>();
    CLI::App* cmd = app.add_subcommand("plan", "Predict vLLM's startup memory budget, KV cache, concurrency and verdict");
    cmd->add_option("--model,-m", opts->model,
                    "Catalog id, Hugging Face id, config.json path or model directory (default: qwen2.5-1.5b-instruct)");
    cmd->add_option("--gpu,-g", opts->gpu, "GPU catalog id (default: a10); see `vramplan gpus`");
    cmd->add_option("--gpu-memory", opts->gpu_memory, "CUDA-visible total per GPU, overrides the catalog (79.19GiB, 81559MiB)");
    cmd->add_option("--gpu-memory-utilization,--gpu_memory_utilization", opts->utilization,
                    "Fraction of the GPU vLLM may use (vLLM default: 0.9, 0.92 from v0.21)");
    cmd->add_option("--max-model-len,--max_model_len", opts->max_model_len, "Context length (default: the model's)");
    cmd->add_option("--tensor-parallel-size,--tensor_parallel_size", opts->tp, "Tensor-parallel GPUs")->check(CLI::Range(1u, 1024u));
    cmd->add_option("--pipeline-parallel-size,--pipeline_parallel_size", opts->pp, "Pipeline stages")->check(CLI::Range(1u, 1024u));
    cmd->add_option("--dtype", opts->dtype, "Model dtype: auto, bfloat16, float16, float32");
    cmd->add_option("--kv-cache-dtype,--kv_cache_dtype", opts->kv_cache_dtype, "auto, fp8, fp8_e4m3, fp8_e5m2, fp8_ds_mla, bfloat16, float16");
    cmd->add_option("--quantization,-q", opts->quantization, "Quantization method (fp8, bitsandbytes online; gptq_marlin, awq_marlin …)");
    cmd->add_option("--max-num-seqs,--max_num_seqs", opts->max_num_seqs, "Max sequences per batch (vLLM default by GPU: 1024 or 256)");
    cmd->add_option("--max-num-batched-tokens,--max_num_batched_tokens", opts->max_num_batched_tokens,
                    "Max tokens per batch (vLLM default by GPU: 8192 or 2048 for `vllm serve`)");
    cmd->add_option("--block-size,--block_size", opts->block_size, "KV block size in tokens (default 16; MLA backends force theirs)");
    cmd->add_flag("--enforce-eager,--enforce_eager", opts->enforce_eager, "No CUDA graphs");
    cmd->add_option("--kv-cache-memory-bytes,--kv_cache_memory_bytes", opts->kv_cache_memory_bytes,
                    "Pin the KV cache per GPU (40G = 40 GiB, 40g = 40 GB, as vLLM parses it)");
    cmd->add_option("--other-processes-memory", opts->other_processes_memory,
                    "Memory other processes already hold on each GPU (vLLM needs the budget free at startup)");
    cmd->add_option("--vllm-version", opts->vllm_version, "vLLM release whose rules to apply (default and newest modelled: " +
                                                              k_newest_modelled.str() + "; oldest: " + k_oldest_modelled.str() + ")");
    cmd->add_option("--entrypoint", opts->entrypoint, "serve (vllm serve, default) or llm (the LLM class): batch defaults differ")
        ->check(CLI::IsMember({"serve", "llm"}));
    cmd->add_option("--format,-f", opts->format, "text or json")->check(CLI::IsMember({"text", "json"}));
    cmd->add_flag("--explain", opts->explain, "Print every formula with its numbers");

    return [opts, &global]() -> int {
        const PlanOptions& o = *opts;
        const Catalog catalog = Catalog::load(profile_directories(global));
        const bool default_scenario = o.model.empty() && o.gpu.empty() && o.gpu_memory.empty();
        PlanRequest req;
        const ResolvedModel model = resolve_model(catalog, o.model.empty() ? k_default_model : o.model);
        req.model = model.parsed.spec;
        ParsedModel parsed = model.parsed;
        apply_quantization_flag(parsed, o.quantization);
        req.model = parsed.spec;
        const GpuProfile& gpu = catalog.gpu(o.gpu.empty() ? k_default_gpu : o.gpu);
        req.gpu = gpu.spec;
        if (!o.gpu_memory.empty()) {
            req.gpu.total = parse_size(o.gpu_memory, "--gpu-memory");
            req.gpu.total_basis = "--gpu-memory";
        }
        std::string util = o.utilization;
        std::string max_len = o.max_model_len;
        if (default_scenario) {
            util = util.empty() ? k_default_utilization : util;
            max_len = max_len.empty() ? k_default_max_len : max_len;
        }
        if (!util.empty()) {
            req.gpu_memory_utilization = parse_fraction(util, "--gpu-memory-utilization");
        }
        if (!max_len.empty()) {
            req.max_model_len = parse_count(max_len, "--max-model-len", std::uint64_t{1} << 40);
        }
        req.tensor_parallel_size = o.tp;
        req.pipeline_parallel_size = o.pp;
        req.dtype = o.dtype;
        req.kv_cache_dtype = o.kv_cache_dtype;
        if (!o.max_num_seqs.empty()) {
            req.max_num_seqs = parse_count(o.max_num_seqs, "--max-num-seqs", std::uint64_t{1} << 32);
        }
        if (!o.max_num_batched_tokens.empty()) {
            req.max_num_batched_tokens = parse_count(o.max_num_batched_tokens, "--max-num-batched-tokens", std::uint64_t{1} << 32);
        }
        if (!o.block_size.empty()) {
            req.block_size = parse_count(o.block_size, "--block-size", 4096);
        }
        req.enforce_eager = o.enforce_eager;
        if (!o.kv_cache_memory_bytes.empty()) {
            req.kv_cache_memory_bytes = parse_size(o.kv_cache_memory_bytes, "--kv-cache-memory-bytes");
        }
        if (!o.other_processes_memory.empty()) {
            req.other_processes_memory = parse_size(o.other_processes_memory, "--other-processes-memory");
        }
        if (!o.vllm_version.empty()) {
            const auto v = parse_vllm_version(o.vllm_version);
            if (!v) {
                throw InputError("--vllm-version: expected a release such as 0.19.0 or 0.21, got '" + o.vllm_version + "'");
            }
            req.version = *v;
        }
        req.entrypoint = o.entrypoint == "llm" ? Entrypoint::llm : Entrypoint::serve;
        if (model.checkpoint) {
            req.checkpoint_bytes = model.checkpoint->bytes;
            req.checkpoint_source = model.checkpoint->source;
        }
        if (const std::string problem = validate(req); !problem.empty()) {
            throw InputError(problem);
        }
        Plan plan = make_plan(req);
        for (const std::string& n : parsed.notes) {
            plan.notes.push_back(n);
        }
        if (model.checkpoint) {
            plan.notes.push_back("weights scaled to the exact checkpoint size from " + model.checkpoint->source + " (" +
                                 grouped(model.checkpoint->bytes) + " B)");
        }
        PlanContext ctx{model.label, model.id, model.source, gpu.source};
        if (o.format == "json") {
            nlohmann::json j = plan_json(plan, ctx);
            if (o.explain) {
                j["explain"] = render_explain(plan);
            }
            std::cout << j.dump(2) << "\n";
        } else {
            std::cout << render_text(plan, ctx);
            if (o.explain) {
                std::cout << "\n" << render_explain(plan);
            }
        }
        return plan.verdict.starts ? k_exit_ok : k_exit_fails;
    };
}

} // namespace vramplan::cli

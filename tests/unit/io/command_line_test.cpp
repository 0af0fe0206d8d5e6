// One `vllm serve` line, two ways in: as a script (parse_vllm_commands, deployment.hpp) and as a
// line of a vLLM log (parse_vllm_log, vllm_log.hpp). Both read it with the same tokenizer and
// argument parser, so every modelled flag must come out with the same value on the same line.
#include <vramplan/engine_args.hpp>
#include <vramplan/io/deployment.hpp>
#include <vramplan/io/vllm_log.hpp>

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

using namespace vramplan;

namespace {

/// A value with the line it came from, as text.
struct Seen {
    std::string value;
    std::size_t line = 0;
    bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const std::optional<Seen>& s) {
    return s ? os << "'" << s->value << "' on line " << s->line : os << "(none)";
}

/// What the script's deployment sets `field` to (argparse: the last occurrence wins), as the log
/// would print it: counts as decimal integers, switches "true"/"false".
std::optional<Seen> script_value(const Deployment& d, PlanField field) {
    std::optional<Seen> out;
    for (const DeploymentFlag& f : d.flags) {
        if (const EngineArg* a = find_engine_arg(f.name); a != nullptr && a->field == field) {
            out = Seen{f.value, f.line};
        } else if (const EngineArg* n = find_negated_switch(f.name); n != nullptr && n->field == field) {
            out = Seen{f.value == "true" ? "false" : "true", f.line};
        }
    }
    return out;
}

template <class T> std::optional<Seen> seen(const std::optional<Logged<T>>& v) {
    if (!v) {
        return std::nullopt;
    }
    if constexpr (std::is_same_v<T, std::string>) {
        return Seen{v->value, v->line};
    } else if constexpr (std::is_same_v<T, bool>) {
        return Seen{v->value ? "true" : "false", v->line};
    } else if constexpr (std::is_same_v<T, double>) {
        return Seen{std::to_string(v->value), v->line};
    } else {
        return Seen{std::to_string(v->value), v->line};
    }
}

std::optional<Seen> log_value(const VllmLog& g, PlanField field) {
    switch (field) {
    case PlanField::model: return seen(g.model);
    case PlanField::gpu_memory_utilization: return seen(g.gpu_memory_utilization);
    case PlanField::max_model_len: return seen(g.max_model_len);
    case PlanField::tensor_parallel_size: return seen(g.tensor_parallel_size);
    case PlanField::pipeline_parallel_size: return seen(g.pipeline_parallel_size);
    case PlanField::dtype: return seen(g.dtype);
    case PlanField::kv_cache_dtype: return seen(g.kv_cache_dtype);
    case PlanField::quantization: return seen(g.quantization);
    case PlanField::max_num_seqs: return seen(g.max_num_seqs);
    case PlanField::max_num_batched_tokens: return seen(g.max_num_batched_tokens);
    case PlanField::block_size: return seen(g.block_size);
    case PlanField::enforce_eager: return seen(g.enforce_eager);
    case PlanField::kv_cache_memory_bytes: return std::nullopt; // not in VllmLog
    case PlanField::enable_prefix_caching:
    case PlanField::mamba_cache_mode:
    case PlanField::mamba_cache_dtype:
    case PlanField::mamba_ssm_cache_dtype: return std::nullopt; // not read from logs yet
    case PlanField::enable_lora: return seen(g.enable_lora);
    case PlanField::max_loras: return seen(g.max_loras);
    case PlanField::max_lora_rank: return seen(g.max_lora_rank);
    case PlanField::lora_dtype: return seen(g.lora_dtype);
    case PlanField::fully_sharded_loras: return seen(g.fully_sharded_loras);
    case PlanField::optimization_level:
    case PlanField::compilation_config:
    case PlanField::cuda_graph_sizes:
    case PlanField::cudagraph_capture_sizes:
    case PlanField::max_cudagraph_capture_size: return std::nullopt; // not read from logs yet
    case PlanField::cpu_offload_gb: return seen(g.cpu_offload_gb);
    case PlanField::kv_offloading_size: return seen(g.kv_offloading_size);
    case PlanField::kv_offloading_backend: return seen(g.kv_offloading_backend);
    case PlanField::swap_space: return seen(g.swap_space);
    case PlanField::enable_sleep_mode: return seen(g.enable_sleep_mode);
    case PlanField::offload_group_size:
    case PlanField::offload_num_in_group:
    case PlanField::offload_prefetch_step: return std::nullopt; // not read from logs yet
    case PlanField::speculative_config: return seen(g.speculative_config);
    case PlanField::limit_mm_per_prompt: return seen(g.limit_mm_per_prompt);
    case PlanField::mm_processor_kwargs: return seen(g.mm_processor_kwargs);
    case PlanField::mm_encoder_tp_mode: return seen(g.mm_encoder_tp_mode);
    case PlanField::skip_mm_profiling: return seen(g.skip_mm_profiling);
    case PlanField::language_model_only: return seen(g.language_model_only);
    case PlanField::data_parallel_size: return seen(g.data_parallel_size);
    case PlanField::enable_expert_parallel: return seen(g.enable_expert_parallel);
    case PlanField::enable_eplb: return seen(g.enable_eplb);
    case PlanField::num_redundant_experts: return seen(g.num_redundant_experts);
    case PlanField::all2all_backend: return seen(g.all2all_backend);
    case PlanField::decode_context_parallel_size: return seen(g.decode_context_parallel_size);
    case PlanField::offload_backend:
    case PlanField::spec_method:
    case PlanField::spec_model:
    case PlanField::spec_tokens: return std::nullopt; // not read from logs yet
    case PlanField::eplb_config: return std::nullopt; // JSON: not read from logs yet
    }
    return std::nullopt;
}

/// Parses `text` both ways and compares every modelled field; returns the deployment.
Deployment same_both_ways(const std::string& text) {
    INFO(text);
    const std::vector<Deployment> script = parse_vllm_commands(text, "t.sh");
    REQUIRE(script.size() == 1);
    const VllmLog log = parse_vllm_log(text);
    for (std::size_t f = 0; f < k_plan_field_count; ++f) {
        const auto field = static_cast<PlanField>(f);
        if (field == PlanField::kv_cache_memory_bytes) {
            continue;
        }
        std::optional<Seen> want = script_value(script.front(), field);
        if (want && field == PlanField::gpu_memory_utilization) {
            want->value = std::to_string(std::stod(want->value));
        }
        INFO(engine_arg_for(field).name);
        CHECK(log_value(log, field) == want);
    }
    return script.front();
}

} // namespace

TEST_CASE("a vllm serve line gives the same flags in a script and in a log", "[deployment][vllm_log][argv]") {
    const Deployment all = same_both_ways(
        "vllm serve Qwen/Qwen2.5-7B-Instruct --tensor-parallel-size=2 -pp 2 --gpu_memory_utilization 0.85 --max-model-len 4096 "
        "--max-num-seqs=128 --max-num-batched-tokens 4096 --block-size 32 --dtype half --kv-cache-dtype fp8 -q fp8 --port 8000 "
        "--enforce-eager --served-model-name a b");
    CHECK(all.flags.size() == 14);

    // Continuation lines, the model after a flag's value, -tp, --no-X.
    same_both_ways("vllm serve \\\n  --port 8000 Qwen/X \\\n  -tp 4 --no-enforce-eager \\\n  --max-num-seqs 16\n");
    // The positional model of an image whose entrypoint is `vllm serve`.
    same_both_ways("docker run --gpus all vllm/vllm-openai:latest Qwen/Y --max-model-len 8192 -q awq");
    // The api_server: --model=, -tp=2, --switch=false.
    same_both_ways("python -m vllm.entrypoints.openai.api_server --model=M -tp=2 --max-num-seqs 8 --enforce-eager=false");
    // vLLM <= 0.6's `--switch False`; quotes; `--` ends the options.
    same_both_ways("vllm serve --enforce-eager False --dtype \"bfloat16\" --max-model-len='2048' -- 'M x'");
    // A pipe and a redirection after the command; env prefixes before it.
    same_both_ways("CUDA_VISIBLE_DEVICES=0 vllm serve M --max-model-len 1024 2>&1 | tee serve.log");
}

TEST_CASE("a log reads what a script refuses, and drops only the malformed part", "[vllm_log][argv]") {
    // A second positional, a flag without its value, a switch with a bad value: errors in a script.
    const std::string text = "vllm serve M extra --max-num-seqs 8 --enforce-eager=maybe --max-model-len";
    CHECK_THROWS(parse_vllm_commands(text, "t.sh"));
    const VllmLog g = parse_vllm_log(text);
    REQUIRE(g.model);
    CHECK(g.model->value == "M");
    REQUIRE(g.max_num_seqs);
    CHECK(g.max_num_seqs->value == 8);
    CHECK_FALSE(g.enforce_eager);
    CHECK_FALSE(g.max_model_len);
    // An unterminated quote ends with the line; `<local>` is a redacted path, not a redirection.
    const VllmLog h = parse_vllm_log("vllm serve <local>/OpenBMB/MiniCPM5-1B --max-model-len 4096 --chat-template '{{ x");
    REQUIRE(h.model);
    CHECK(h.model->value == "<local>/OpenBMB/MiniCPM5-1B");
    REQUIRE(h.max_model_len);
    CHECK(h.max_model_len->value == 4096);
}

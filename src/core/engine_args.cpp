#include <vramplan/engine_args.hpp>

#include <array>

namespace vramplan {

namespace {

using std::string_view;

constexpr EngineArg modelled(string_view help, string_view name, string_view short_form, ArgType type, PlanField field,
                             string_view defaults, string_view note = {}) {
    return EngineArg{name, short_form, type, ArgTreatment::modelled, field, defaults, note, {}, help, {}};
}
constexpr EngineArg not_modelled(string_view name, string_view short_form, ArgType type, string_view defaults, string_view note) {
    return EngineArg{name, short_form, type, ArgTreatment::not_modelled, std::nullopt, defaults, note, {}, {}, {}};
}
constexpr EngineArg no_effect(string_view name, string_view short_form, ArgType type, string_view defaults, string_view note = {}) {
    return EngineArg{name, short_form, type, ArgTreatment::no_memory_effect, std::nullopt, defaults, note, {}, {}, {}};
}
constexpr EngineArg with_alias(EngineArg arg, string_view alias) {
    arg.alias = alias;
    return arg;
}
constexpr EngineArg with_short_alias(EngineArg arg, string_view short_alias) {
    arg.short_alias = short_alias;
    return arg;
}
/// Either short form of `a` is `s`.
constexpr bool is_short_form(const EngineArg& a, string_view s) {
    return !s.empty() && (a.short_form == s || a.short_alias == s);
}

using T = ArgType;
using F = PlanField;

// vLLM's engine arguments. Sources: vllm/engine/arg_utils.py (EngineArgs.add_cli_args: the
// engine's flags, their short forms and types; get_batch_defaults for S and B),
// vllm/entrypoints/openai/cli_args.py (make_arg_parser: the API server's flags), vllm/config/*.py
// (the defaults), reference/vllm-memory-model.md (spec) and vllm-memory-model-3.md (addendum 3:
// which flag moves which memory term, §20–§26). A switch is a store_true or BooleanOptionalAction
// flag; `no-X` negates every switch.
constexpr auto k_engine_args = std::to_array<EngineArg>({
    // ---- Modelled: the planner's inputs, in PlanField order.
    modelled("Catalog id, Hugging Face id, config.json path or model directory (default: qwen2.5-1.5b-instruct)",
             "model", "", T::text, F::model,
             "facebook/opt-125m (EngineArgs.model); `vllm serve` takes it as its positional argument"),
    modelled("Fraction of the GPU vLLM may use (vLLM default: 0.9, 0.92 from v0.21)",
             "gpu-memory-utilization", "", T::fraction, F::gpu_memory_utilization,
             "0.9; 0.92 from 0.21 (vllm/config/cache.py, #38284)"),
    modelled("Context length (default: the model's)",
             "max-model-len", "", T::count, F::max_model_len,
             "the model's derived maximum (config.json); -1 / auto fits one request from ≈0.14 (#29431)",
             "-1 / auto: the longest context one request fits, after profiling (addendum 3 §26.1)"),
    modelled("Tensor-parallel GPUs",
             "tensor-parallel-size", "tp", T::count, F::tensor_parallel_size, "1 (vllm/config/parallel.py)"),
    modelled("Pipeline stages",
             "pipeline-parallel-size", "pp", T::count, F::pipeline_parallel_size, "1 (vllm/config/parallel.py)"),
    modelled("Model dtype: auto, bfloat16, float16, float32",
             "dtype", "", T::choice, F::dtype, "auto: the checkpoint's torch_dtype, float32 loaded as 16-bit (vllm/config/model.py)"),
    modelled("auto, bfloat16, float16, fp8 (and _e4m3, _e5m2, _inc, _ds_mla), int8/fp8_per_token_head (0.20+), nvfp4 (0.21+), int4_per_token_head (0.25+), nvfp4_4over6 (0.28+)",
             "kv-cache-dtype", "", T::choice, F::kv_cache_dtype, "auto: the model dtype (vllm/config/cache.py CacheDType; src/core/kv_dtype.cpp)"),
    modelled("Quantization method (fp8, bitsandbytes online; gptq_marlin, awq_marlin …)",
             "quantization", "q", T::choice, F::quantization, "none: the checkpoint's quantization_config (vllm/config/model.py)"),
    modelled("Max sequences per batch (vLLM default by era and GPU)",
             "max-num-seqs", "", T::count, F::max_num_seqs,
             "V1: 1024 on GPUs of ≥ 70 GiB other than A100, else 256 (get_batch_defaults, since ≈0.9.0; spec §6.3); V0: 256"),
    modelled("Max tokens per batch (vLLM default by era, GPU and entry point)",
             "max-num-batched-tokens", "", T::count, F::max_num_batched_tokens,
             "V1 serve: 8192 on GPUs of ≥ 70 GiB other than A100, else 2048; LLM: 16384 / 8192 (get_batch_defaults, "
             "spec §6.3); V0: max(max-model-len, 2048), or the chunked-prefill budget"),
    modelled("KV block size in tokens (default 16; MLA backends force theirs)",
             "block-size", "", T::count, F::block_size, "16 on CUDA (vllm/config/cache.py); MLA and hybrid models force larger blocks"),
    modelled("No CUDA graphs",
             "enforce-eager", "", T::boolean, F::enforce_eager, "off (CUDA graphs captured)"),
    with_alias(modelled("Pin the KV cache per GPU (40G = 40 GiB, 40g = 40 GB, as vLLM parses it)",
             "kv-cache-memory-bytes", "", T::size, F::kv_cache_memory_bytes,
                        "unset: profiling sizes the KV cache; the flag exists from 0.10.2 (#21489, V1)",
                        "bytes per GPU; `40G` = 40 GiB, `40g` = 40 GB (human_readable_int)"),
               "kv-cache-memory"),
    modelled("Prefix caching (hybrid models: 2 state pages per request in align mode; vLLM default on for them from v0.28)",
             "enable-prefix-caching", "", T::boolean, F::enable_prefix_caching,
             "V1: on; hybrid Mamba / linear-attention models off until 0.28, on from 0.28 (#50991, vllm/engine/arg_utils.py); V0: off",
             "no bytes for attention models; hybrids keep 2 state pages per request in align mode (addendum 2 §16.4)"),
    modelled("Hybrid state caching for prefix caching: none, align, all",
             "mamba-cache-mode", "", T::choice, F::mamba_cache_mode,
             "none without prefix caching; with it align (0.28+), or all where the model supports it before 0.28 "
             "(MambaModelConfig, vllm/model_executor/models/config.py)"),
    modelled("Hybrid conv (and SSM) state dtype: auto, float32, float16, bfloat16",
             "mamba-cache-dtype", "", T::choice, F::mamba_cache_dtype, "auto: the model dtype (vllm/config/cache.py)"),
    modelled("Hybrid SSM (temporal) state dtype: auto, float32, float16, bfloat16",
             "mamba-ssm-cache-dtype", "", T::choice, F::mamba_ssm_cache_dtype,
             "auto: the config's (Qwen3.5 mamba_ssm_dtype, Nemotron-H float32), else the conv state's (vllm/model_executor/models/config.py)"),
    modelled("LoRA adapter slots on the GPU: A/B stacks in the weights, CUDA graphs with and without LoRA (addendum 3 §20)",
             "enable-lora", "", T::boolean, F::enable_lora, "off (vllm/engine/arg_utils.py; V1 LoRA ≈0.7.2, #10957)",
             "stacks of every targeted linear and, for some architectures, the embedding and logits (§20.1-§20.2); "
             "graphs captured twice from 0.11.1 (§20.5)"),
    modelled("LoRA slots on the GPU (stacks grow with it; vLLM default 1)",
             "max-loras", "", T::count, F::max_loras, "1 (vllm/config/lora.py:37)"),
    modelled("LoRA rank of the slots: 1 (0.11.1+), 8, 16, 32, 64, 128, 256, 320, 512 (vLLM default 16)",
             "max-lora-rank", "", T::count, F::max_lora_rank, "16 (vllm/config/lora.py:27-35)"),
    modelled("dtype of the LoRA stacks: auto (the model dtype), float16, bfloat16",
             "lora-dtype", "", T::choice, F::lora_dtype, "auto: the model dtype (vllm/config/lora.py:136-139)"),
    modelled("Split LoRA A (column) and B (row) stacks over TP instead of replicating them",
             "fully-sharded-loras", "", T::boolean, F::fully_sharded_loras, "off (vllm/config/lora.py)",
             "embedding and logits stacks stay whole on every rank (§20.3)"),
    modelled("Optimization level 0-3 (vLLM 0.12+): O0 eager, O1 PIECEWISE graphs, O2/O3 FULL_AND_PIECEWISE",
             "optimization-level", "", T::count, F::optimization_level,
             "2 (vllm/config/vllm.py OptimizationLevel.O2); the flag exists from ≈0.12 (#26847)",
             "-O N is this flag from ≈0.12; before, the compilation level (graphs only at 3) (§25.1)"),
    with_short_alias(
        modelled("JSON: cudagraph_mode, cudagraph_capture_sizes, max_cudagraph_capture_size (or a level: -O3)",
                 "compilation-config", "O", T::json_value, F::compilation_config,
                 "the optimization level's (FULL_AND_PIECEWISE from 0.11, #25444; PIECEWISE before); sizes by S and B (spec §7.1)",
                 "graph modes and capture sizes (§25.2-25.3); -O means --optimization-level from ≈0.12 (#26847), -cc is this flag "
                 "from #29557"),
        "cc"),
    modelled("Capture sizes (vLLM 0.9-0.12): one value is the largest, several are the list",
             "cuda-graph-sizes", "", T::multi_value, F::cuda_graph_sizes,
             "unset: min(2·S, 512) (SchedulerConfig, #17201); removed by #30396 (0.13)",
             "explicit capture sizes (§25.3)"),
    modelled("Capture sizes (vLLM 0.11.1+): the list, as compilation-config cudagraph_capture_sizes",
             "cudagraph-capture-sizes", "", T::multi_value, F::cudagraph_capture_sizes,
             "unset: generated up to the largest size (vllm/config/compilation.py); the flag exists from #26016 (≈0.11.1)",
             "explicit capture sizes (§25.3)"),
    modelled("Largest capture size (vLLM 0.11.1+), as compilation-config max_cudagraph_capture_size",
             "max-cudagraph-capture-size", "", T::count, F::max_cudagraph_capture_size,
             "unset: min(2·S, 512) (vllm/config/vllm.py); the flag exists from #26016 (≈0.11.1)",
             "the largest generated capture size (§25.3)"),
    modelled("GiB of decoder-layer weights per GPU moved to pinned host memory (UVA; decoding slows)",
             "cpu-offload-gb", "", T::size, F::cpu_offload_gb, "0 (vllm/config/offload.py:23 UVAOffloadConfig)",
             "GiB per GPU: layers offloaded parameter by parameter until the total reaches it (addendum 3 §24.1)"),
    modelled("Prefetch offload (vLLM 0.17+): group every N decoder layers, offload the last few of each",
             "offload-group-size", "", T::count, F::offload_group_size, "0: off (vllm/config/offload.py:54; #29941, ≈0.17)",
             "offloaded layers leave the GPU; a static pool of prefetch-step layers stays (§24.1)"),
    modelled("Prefetch offload: layers offloaded per group (vLLM default 1)",
             "offload-num-in-group", "", T::count, F::offload_num_in_group, "1 (vllm/config/offload.py:62)"),
    modelled("Prefetch offload: layers prefetched ahead = GPU buffer slots (vLLM default 1)",
             "offload-prefetch-step", "", T::count, F::offload_prefetch_step, "1 (vllm/config/offload.py:66)"),
    modelled("GiB of host memory for offloaded KV blocks (vLLM 0.11.1+; GPU KV cache unchanged)",
             "kv-offloading-size", "", T::size, F::kv_offloading_size, "unset: off (vllm/config/cache.py; #27621, ≈0.11.1)",
             "GiB of host memory, total over the TP ranks; the GPU KV budget is unchanged (§24.3)"),
    modelled("KV offloading backend: native (vLLM's CPU connector) or lmcache",
             "kv-offloading-backend", "", T::choice, F::kv_offloading_backend, "native (vllm/config/cache.py)",
             "lmcache keeps its store in its own process and may disable the hybrid KV manager (§24.3)"),
    modelled("GiB of host swap space per GPU (V0 CPU KV blocks; V1 ignores it; removed in vLLM 0.18)",
             "swap-space", "", T::size, F::swap_space, "4 (GiB per GPU; vllm/config/cache.py); removed by #36216 (≈0.18)",
             "host memory only, no GPU effect (§24.2)"),
    modelled("Sleep mode (cuMem pools): before 0.27 repacked weights over-size the KV cache",
             "enable-sleep-mode", "", T::boolean, F::enable_sleep_mode, "off (vllm/config/model.py)",
             "≤ 0.13 and 0.17-0.26: the KV cache over-sized by the weights freed while loading (§24.4)"),
    modelled("JSON: method (draft_model, eagle, eagle3, mtp, medusa, ngram, suffix), model, num_speculative_tokens, draft_tensor_parallel_size",
             "speculative-config", "sc", T::json_value, F::speculative_config, "none (vllm/config/speculative.py)",
             "draft weights in W, draft KV layers in bytes/token, Mamba +k pages, capture sizes x(1+k) (§21); ngram and suffix add nothing"),
    modelled("Items per prompt and modality, JSON ('{\"image\": 2, \"video\": 0}', sizes as {\"count\", \"width\", \"height\"})",
             "limit-mm-per-prompt", "", T::json_value, F::limit_mm_per_prompt, "V1: 999 per modality; V0: 1 (vllm/config/multimodal.py)",
             "the profile's dummy items (addendum 3 §23.1); 0 for every modality of the tower: no encoder profile, tower not built from 0.15 (§23.4)"),
    modelled("Processor settings, JSON: max_pixels changes the tokens per image (Qwen-VL family)",
             "mm-processor-kwargs", "", T::json_value, F::mm_processor_kwargs, "the processor's (max_pixels 12,845,056 for Qwen2.5-VL)",
             "tokens per item t, hence the number of dummy items (addendum 3 §23.3)"),
    modelled("Encoder parallelism: weights (TP-sharded) or data (replicated, images split over TP ranks)",
             "mm-encoder-tp-mode", "", T::choice, F::mm_encoder_tp_mode, "weights (vllm/config/multimodal.py; #23190 ≈0.10.2)",
             "data: encoder weights on every rank, ceil(N/TP) items per rank (addendum 3 §23.5)"),
    modelled("Do not profile the multimodal encoder (smaller activation peak; risk of OOM at the first image)",
             "skip-mm-profiling", "", T::boolean, F::skip_mm_profiling, "off (vllm/config/multimodal.py)",
             "no encoder activation and cache in the profile (addendum 3 §23.2)"),
    modelled("Serve a multimodal model as text only: every modality limit 0",
             "language-model-only", "", T::boolean, F::language_model_only, "off (vllm/config/multimodal.py:101-103 @main)",
             "as --limit-mm-per-prompt 0 for every modality (addendum 3 §23.4)"),
    modelled("Data-parallel engines: per GPU like one engine, but MoE experts shard over TP x DP",
             "data-parallel-size", "dp", T::count, F::data_parallel_size, "1 (vllm/config/parallel.py)",
             "each DP rank is its own engine with its own KV cache; routed experts split over TP×DP (§22.1)"),
    modelled("Whole routed experts per GPU over TP x DP ranks instead of splitting each expert",
             "enable-expert-parallel", "ep", T::boolean, F::enable_expert_parallel, "off (vllm/config/parallel.py; #14305 ≈0.8.0)",
             "routed experts / (TP×DP); attention, shared experts, embeddings replicated across DP (§22.2)"),
    modelled("EPLB: redundant experts, an expert buffer and a load window per GPU",
             "enable-eplb", "", T::boolean, F::enable_eplb, "off (#18343 ≈0.9.2)",
             "experts × (E+R)/E, + one MoE layer of local experts, + window × layers × (E+R) int32 (§22.3)"),
    modelled("JSON of EPLB: num_redundant_experts (R) is read",
             "eplb-config", "", T::json_value, F::eplb_config, "num_redundant_experts 0, window_size 1000 (vllm/config/parallel.py:56-75)",
             "num_redundant_experts and window_size size the experts and the load window (§22.3)"),
    modelled("Redundant experts R (old spelling of --eplb-config num_redundant_experts)",
             "num-redundant-experts", "", T::count, F::num_redundant_experts, "0",
             "EPLB's R before --eplb-config (§22.3)"),
    modelled("MoE all-to-all: allgather_reducescatter, deepep_high_throughput, deepep_low_latency, ...",
             "all2all-backend", "", T::choice, F::all2all_backend,
             "allgather_reducescatter (vllm/config/parallel.py; env VLLM_ALL2ALL_BACKEND until #33535)",
             "DeepEP: 1 GiB NVL (+1 GiB RDMA across nodes; low latency: RDMA by E, h, B) in non-torch memory; "
             "low latency + EP + DP > 1 lowers the batch default to 256 from 0.20 (§22.4, §22.1)"),
    modelled("Decode context parallel: each request's KV interleaved over d ranks of the TP group",
             "decode-context-parallel-size", "dcp", T::count, F::decode_context_parallel_size, "1 (vllm/config/parallel.py)",
             "KV tokens per rank / d, token capacity × d; tp % d == 0 (§22.5)"),
    modelled("Weight offloader: auto (prefetch when --offload-group-size > 0, else UVA), uva or prefetch",
             "offload-backend", "", T::choice, F::offload_backend, "auto (vllm/config/offload.py:85; #29941, ≈0.17)",
             "uva ignores the prefetch settings, prefetch ignores --cpu-offload-gb (vllm/config/offload.py:98-135; §24.1)"),
    modelled("Speculation method, as --speculative-config's \"method\" (vLLM 0.22+)",
             "spec-method", "", T::text, F::spec_method, "none (vllm/engine/arg_utils.py create_speculative_config; #42476, ≈0.22)",
             "merged into --speculative-config; the same key in both is vLLM's error (§21)"),
    modelled("Draft model, as --speculative-config's \"model\" (vLLM 0.22+)",
             "spec-model", "", T::text, F::spec_model, "none (#42476, ≈0.22)", "merged into --speculative-config (§21)"),
    modelled("Speculative tokens per step, as --speculative-config's \"num_speculative_tokens\" (vLLM 0.22+)",
             "spec-tokens", "", T::count, F::spec_tokens, "none (#42476, ≈0.22)", "merged into --speculative-config (§21)"),

    // ---- Not modelled: may change GPU memory (addendum 3 section in each note).
    not_modelled("async-scheduling", "", T::boolean, "on in recent releases unless pooling or an unsupported speculation (addendum 2 §15.2)",
                 "KV bytes unchanged; changes the per-request block cap of sliding-window models (addendum 2 §16.2)"),
    not_modelled("attention-backend", "", T::choice, "auto: by GPU, dtype and model (vllm/config/attention.py)",
                 "attention kernel: workspaces and KV block-size rules differ by backend; the plan assumes vLLM's default"),
    not_modelled("attention-config", "ac", T::json_value, "", "attention backend settings (-ac): see attention-backend"),
    not_modelled("config", "", T::text, "",
                 "a YAML file of more flags: a pasted command's is read; `vramplan check` reads one given to it, not one named inside a command"),
    not_modelled("convert", "", T::choice, "auto",
                 "adapts a generative checkpoint to pooling: no sampler, a different profile run"),
    not_modelled("cpu-offload-params", "", T::multi_value, "empty: every parameter",
                 "a name filter for --cpu-offload-gb: only matching parameters leave the GPU, the plan offloads in module order (§24.1)"),
    not_modelled("dcp-comm-backend", "", T::choice, "ag_rs", "a2a: all-to-all buffers for decode context parallel (§22.5)"),
    not_modelled("diffusion-config", "dc", T::json_value, "", "diffusion models: not planned (-dc)"),
    not_modelled("disable-custom-all-reduce", "", T::boolean, "off", "drops the custom all-reduce buffers of non-torch memory at TP ≥ 2 (§26.6)"),
    not_modelled("disable-hybrid-kv-cache-manager", "", T::boolean, "off",
                 "sliding-window layers sized as full attention (spec §5.4, §26.3)"),
    not_modelled("disable-nccl-for-dp-synchronization", "", T::boolean, "off",
                 "data-parallel synchronisation without its NCCL communicator buffers"),
    not_modelled("disable-sliding-window", "", T::boolean, "off", "caps the context at the window, SWA layers become full (§26.3)"),
    not_modelled("ec-manager-config", "", T::json_value, "", "encoder-cache connector (disaggregated encoders): its buffers"),
    not_modelled("ec-transfer-config", "", T::json_value, "",
                 "encoder-cache transfer connector (disaggregated encoders): its buffers"),
    not_modelled("enable-chunked-prefill", "", T::boolean, "V1: on; V0: on above 32K tokens (≥ 0.5.3)",
                 "V0 without chunked prefill batches max-model-len tokens: a larger activation peak"),
    not_modelled("enable-dbo", "", T::boolean, "off", "dual-batch overlap captures micro-batched graphs (§26.6, unverified)"),
    not_modelled("enable-elastic-ep", "", T::boolean, "off", "elastic expert parallel: ranks join and leave, experts move at run time (§22.2)"),
    not_modelled("enable-lora-bias", "", T::boolean, "off", "LoRA bias stacks (§20.7); removed ≈0.11.1"),
    not_modelled("enable-mixed-moe-lora-format", "", T::boolean, "off", "another layout of the MoE LoRA stacks (§20.7)"),
    not_modelled("enable-moe-shared-loras", "", T::boolean, "off",
                 "shared-outer MoE LoRA stacks: w13 A and w2 B stored once (§20.7)"),
    not_modelled("enable-prompt-adapter", "", T::boolean, "off", "prompt-adapter embeddings on the GPU (V0)"),
    not_modelled("enable-prompt-embeds", "", T::boolean, "off", "prompt-embedding input buffers"),
    not_modelled("enable-return-routed-experts", "", T::boolean, "off", "routed-expert capture buffers (§26.6)"),
    not_modelled("enable-tower-connector-lora", "", T::boolean, "off", "LoRA stacks for the vision tower and connector (§20.7)"),
    not_modelled("hf-overrides", "", T::json_value, "", "edits config.json (layers, heads, lengths, RoPE) before everything (§26.2)"),
    not_modelled("kv-cache-dtype-skip-layers", "", T::multi_value, "none",
                 "layers whose KV cache stays in the model dtype: more bytes per token (§26.6)"),
    not_modelled("kv-sharing-fast-prefill", "", T::boolean, "off", "forces the V1 model runner (§26.3)"),
    not_modelled("kv-transfer-config", "", T::json_value, "", "KV connector buffers and registration (§26.6)"),
    not_modelled("load-format", "", T::choice, "auto", "bitsandbytes and gguf change the weights (§26.6)"),
    not_modelled("logits-processors", "", T::multi_value, "",
                 "custom logits processors force the V1 model runner on Model Runner V2 releases (§26.6)"),
    not_modelled("lora-extra-vocab-size", "", T::count, "256", "extra vocabulary rows in the model and its embedding/logits stacks (§20.7); removed ≈0.12"),
    not_modelled("lora-target-modules", "", T::multi_value, "", "restricts the LoRA stacks to the modules named (§20.2); vramplan sizes all of them"),
    not_modelled("mamba-block-size", "", T::count, "", "mamba_cache_mode all: the chunk hybrid blocks align to (the model's chunk size when unset)"),
    not_modelled("max-seq-len-to-capture", "", T::count, "8192",
                 "V0: longer sequences run eagerly (fewer graphs); removed ≈0.11.0 (§25.3)"),
    not_modelled("mm-encoder-attn-backend", "", T::choice, "auto", "the vision encoder's attention kernel: its activation differs (§23.2)"),
    not_modelled("mm-encoder-attn-dtype", "", T::choice, "the model dtype",
                 "fp8 vision attention: a smaller encoder activation plus amax history buffers (§23.2)"),
    not_modelled("mm-encoder-only", "", T::boolean, "off", "an encoder-only process (disaggregated encoding): no language model, no KV cache"),
    not_modelled("mm-ipc-gpu-memory-gb", "", T::size, "0",
                 "GPU memory for frontend media decoding, carved out of the KV cache (vllm/multimodal/gpu_ipc_memory.py reserve_mm_ipc_gpu_memory)"),
    not_modelled("mm-processor-device", "", T::choice, "auto", "multimodal preprocessing on the GPU: the frontend's tensors on the card"),
    not_modelled("model-class-overrides", "", T::json_value, "", "a different model class for the architecture"),
    not_modelled("model-impl", "", T::choice, "auto",
                 "transformers or terratorch implementations: other activations than vLLM's own"),
    not_modelled("num-gpu-blocks-override", "", T::count, "", "fixes the number of KV blocks regardless of memory"),
    not_modelled("offload-params", "", T::multi_value, "empty: every parameter",
                 "a name filter for the prefetch offloader: only matching parameters of each offloaded layer leave the GPU (§24.1)"),
    not_modelled("performance-mode", "", T::choice, "", "throughput doubles the batch defaults; interactivity changes capture sizes (§26.6)"),
    not_modelled("prefill-context-parallel-size", "pcp", T::count, "1", "KV split over prefill context-parallel ranks (§26.6)"),
    not_modelled("prompt-adapters", "", T::multi_value, "", "prompt adapters (V0): see enable-prompt-adapter"),
    not_modelled("quantization-config", "", T::json_value, "", "on-the-fly quantization settings (§26.5, §26.6)"),
    not_modelled("replayssm-buffer-len", "", T::count, "16 (vllm/config/cache.py)",
                 "ReplaySSM's per-request history buffer of Mamba2 layers (with use-replayssm)"),
    not_modelled("return-sampling-mask", "", T::boolean, "off", "a per-row vocabulary mask kept by the sampler"),
    not_modelled("rope-scaling", "", T::json_value, "", "changes the derived context length and the RoPE cache; removed ≈0.11.1 (§26.2)"),
    not_modelled("runner", "", T::choice, "auto", "pooling or draft runners profile without the sampler"),
    not_modelled("specialize-active-lora", "", T::boolean, "off",
                 "LoRA graphs for every power of 2 ≤ max-loras: ⌊log2 m⌋ + 3 cases instead of 2 (§20.5); ≈0.16"),
    not_modelled("ubatch-size", "", T::count, "0", "micro-batched graphs with enable-dbo (§26.6, unverified)"),
    not_modelled("use-fp64-gumbel", "", T::boolean, "off", "fp64 sampling noise: twice the sampler's per-row vocabulary buffers"),
    not_modelled("use-replayssm", "", T::boolean, "off", "ReplaySSM: a history buffer of recent SSM inputs per Mamba2 request"),
    not_modelled("video-pruning-method", "", T::choice, "evs", "with --video-pruning-rate: fewer tokens per video (§23.3)"),
    not_modelled("video-pruning-rate", "", T::text, "none", "prunes video tokens: the encoder profile's tokens per video shrink (§23.3)"),
    not_modelled("worker-cls", "", T::text, "auto", "a custom worker class may allocate anything"),

    // ---- No effect on GPU memory at startup (addendum 3 §26.7 unless the note says otherwise).
    no_effect("additional-config", "", T::json_value, "", "platform plug-in settings (not read on CUDA)"),
    no_effect("aggregate-engine-logging", "", T::boolean, "off", "logging"),
    no_effect("allow-credentials", "", T::boolean, "off", "CORS"),
    no_effect("allow-deprecated-quantization", "", T::boolean, "off", "permission only"),
    no_effect("allowed-headers", "", T::json_value, "[\"*\"]", "CORS"),
    no_effect("allowed-local-media-path", "", T::text, "", "media access"),
    no_effect("allowed-media-domains", "", T::multi_value, "", "media access"),
    no_effect("allowed-methods", "", T::json_value, "[\"*\"]", "CORS"),
    no_effect("allowed-origins", "", T::json_value, "[\"*\"]", "CORS"),
    no_effect("api-key", "", T::text, "", "API server authentication"),
    no_effect("api-server-count", "asc", T::count, "", "API server processes on the host"),
    no_effect("calculate-kv-scales", "", T::boolean, "off", "the first step runs eagerly (§26.4)"),
    no_effect("chat-template", "", T::text, "", "prompt formatting"),
    no_effect("chat-template-content-format", "", T::choice, "auto", "prompt formatting"),
    no_effect("code-revision", "", T::text, "", "which revision of the model's code"),
    no_effect("cohere-format", "", T::text, "cmd4", "prompt formatting"),
    no_effect("cohere-is-reasoning-model", "", T::boolean, "on", "output parsing"),
    no_effect("collect-detailed-traces", "", T::multi_value, "", "tracing"),
    no_effect("config-format", "", T::choice, "auto", "how config.json is read"),
    no_effect("cp-kv-cache-interleave-size", "", T::count, "1", "the order tokens are spread over context-parallel ranks; bytes unchanged"),
    no_effect("cpu-distributed-timeout-seconds", "", T::count, "", "networking"),
    no_effect("cudagraph-metrics", "", T::boolean, "off", "metrics"),
    no_effect("data-parallel-address", "dpa", T::text, "", "networking"),
    no_effect("data-parallel-backend", "dpb", T::choice, "mp", "how DP engines are launched (mp or ray)"),
    no_effect("data-parallel-external-lb", "dpe", T::boolean, "off", "load balancing"),
    no_effect("data-parallel-hybrid-lb", "dph", T::boolean, "off", "load balancing"),
    no_effect("data-parallel-multi-port-external-lb", "dpm", T::boolean, "off", "API-server placement"),
    no_effect("data-parallel-rank", "dpn", T::count, "", "which DP rank this process is; per GPU unchanged"),
    no_effect("data-parallel-rpc-port", "dpp", T::count, "", "networking"),
    no_effect("data-parallel-size-local", "dpl", T::count, "", "placement of DP ranks; per GPU unchanged"),
    no_effect("data-parallel-start-rank", "dpr", T::count, "", "placement of DP ranks; per GPU unchanged"),
    no_effect("data-parallel-supervisor-port", "", T::count, "9256", "supervisor networking"),
    no_effect("dbo-decode-token-threshold", "", T::count, "32",
              "when dual-batch overlap splits a batch (enable-dbo is not modelled)"),
    no_effect("dbo-prefill-token-threshold", "", T::count, "512",
              "when dual-batch overlap splits a batch (enable-dbo is not modelled)"),
    no_effect("dcp-kv-cache-interleave-size", "", T::count, "1", "the order tokens are spread over DCP ranks; bytes unchanged"),
    no_effect("default-chat-template-kwargs", "", T::json_value, "", "prompt formatting"),
    no_effect("default-mm-loras", "", T::json_value, "", "which adapter a modality uses; the slots are --max-loras"),
    no_effect("device-ids", "", T::multi_value, "", "which GPUs (vramplan plans one kind of GPU)"),
    no_effect("disable-access-log-for-endpoints", "", T::text, "", "logging"),
    no_effect("disable-async-output-proc", "", T::boolean, "off", "V0 output processing on the host"),
    no_effect("disable-cascade-attn", "", T::boolean, "off", "an attention kernel choice"),
    no_effect("disable-chunked-mm-input", "", T::boolean, "off", "scheduling"),
    no_effect("disable-fastapi-docs", "", T::boolean, "off", "API server"),
    no_effect("disable-frontend-multiprocessing", "", T::boolean, "off", "API server process layout"),
    no_effect("disable-log-requests", "", T::boolean, "off", "logging"),
    no_effect("disable-log-stats", "", T::boolean, "off", "logging"),
    no_effect("disable-mm-preprocessor-cache", "", T::boolean, "off", "a host-memory cache"),
    no_effect("disable-uvicorn-access-log", "", T::boolean, "off", "logging"),
    no_effect("distributed-executor-backend", "", T::choice, "mp on one node, ray across nodes", "process launcher"),
    no_effect("distributed-timeout-seconds", "", T::count, "", "networking"),
    no_effect("download-dir", "", T::text, "the Hugging Face cache", "disk"),
    no_effect("dp-supervisor-probe-failure-threshold", "", T::count, "3", "supervisor health checks"),
    no_effect("dp-supervisor-probe-interval-s", "", T::text, "5.0", "supervisor health checks"),
    no_effect("dp-supervisor-probe-timeout-s", "", T::text, "5.0", "supervisor health checks"),
    no_effect("enable-auto-tool-choice", "", T::boolean, "off", "tool calling"),
    no_effect("enable-bf16x3-router-gemm", "", T::boolean, "off", "a kernel choice"),
    no_effect("enable-cumem-allocator", "", T::boolean, "off; on with --enable-sleep-mode",
                 "the cuMem allocator without sleep mode (multi-node NVLink); the pools' accounting is --enable-sleep-mode's (§24.4)"),
    no_effect("enable-ep-weight-filter", "", T::boolean, "off",
                 "skips reading other ranks' experts from the checkpoint; the GPU holds the same experts"),
    no_effect("enable-fault-tolerance", "", T::boolean, "off", "recovery at run time"),
    no_effect("enable-flash-late-interaction", "", T::boolean, "on", "pooling scores at run time"),
    no_effect("enable-flashinfer-autotune", "", T::boolean, "", "kernel tuning at warm-up"),
    no_effect("enable-force-include-usage", "", T::boolean, "off", "API responses"),
    no_effect("enable-layerwise-nvtx-tracing", "", T::boolean, "off", "tracing"),
    no_effect("enable-log-deltas", "", T::boolean, "on", "logging"),
    no_effect("enable-log-outputs", "", T::boolean, "off", "logging"),
    no_effect("enable-log-requests", "", T::boolean, "off", "logging"),
    no_effect("enable-logging-iteration-details", "", T::boolean, "off", "logging"),
    no_effect("enable-mamba-cache-stochastic-rounding", "", T::boolean, "off",
              "rounding mode of the hybrid state cache; same bytes"),
    no_effect("enable-mfu-metrics", "", T::boolean, "off", "metrics"),
    no_effect("enable-mm-embeds", "", T::boolean, "off", "accepts precomputed embeddings; the encoder profile is unchanged"),
    no_effect("enable-offline-docs", "", T::boolean, "off", "API server"),
    no_effect("enable-per-request-metrics", "", T::boolean, "off", "metrics"),
    no_effect("enable-prompt-tokens-details", "", T::boolean, "off", "API responses"),
    no_effect("enable-reasoning", "", T::boolean, "off", "output parsing"),
    no_effect("enable-request-id-headers", "", T::boolean, "off", "API responses"),
    no_effect("enable-server-load-tracking", "", T::boolean, "off", "metrics"),
    no_effect("enable-ssl-refresh", "", T::boolean, "off", "TLS"),
    no_effect("enable-tokenizer-info-endpoint", "", T::boolean, "off", "API server"),
    no_effect("exclude-tools-when-tool-choice-none", "", T::boolean, "off", "prompt formatting"),
    no_effect("expert-placement-strategy", "", T::choice, "linear", "which experts a rank holds, not how many (§22.2)"),
    no_effect("fail-on-environ-validation", "", T::boolean, "off", "start-up validation"),
    no_effect("fault-tolerance-config", "", T::json_value, "", "recovery at run time"),
    no_effect("fingerprint-mode", "", T::choice, "full", "API responses"),
    no_effect("fingerprint-value", "", T::text, "", "API responses"),
    no_effect("gdn-prefill-backend", "", T::choice, "", "a kernel choice"),
    no_effect("generation-config", "", T::text, "auto", "sampling defaults"),
    no_effect("grpc", "", T::boolean, "off", "API server protocol"),
    no_effect("guided-decoding-backend", "", T::text, "", "structured output runs on the host"),
    no_effect("h11-max-header-count", "", T::count, "256", "API server"),
    no_effect("h11-max-incomplete-event-size", "", T::count, "4194304", "API server"),
    no_effect("headless", "", T::boolean, "off", "no API server on this node"),
    no_effect("hf-config-path", "", T::text, "", "where config.json is read: give vramplan that config"),
    no_effect("hf-token", "", T::text, "", "Hub access"),
    no_effect("host", "", T::text, "all interfaces", "networking"),
    no_effect("ignore-patterns", "", T::multi_value, "", "which files are downloaded"),
    no_effect("interleave-mm-strings", "", T::boolean, "off", "prompt formatting"),
    no_effect("io-processor-plugin", "", T::text, "", "host-side input and output processing"),
    no_effect("ir-op-priority", "", T::json_value, "", "a kernel choice"),
    no_effect("jit-monitor-mode", "", T::choice, "", "observability"),
    no_effect("jit-monitor-verbose", "", T::boolean, "off", "observability"),
    no_effect("kda-prefill-backend", "", T::choice, "auto", "a kernel choice"),
    no_effect("kernel-config", "", T::json_value, "", "kernel choices"),
    no_effect("kv-cache-metrics", "", T::boolean, "off", "metrics"),
    no_effect("kv-cache-metrics-sample", "", T::fraction, "", "metrics"),
    no_effect("kv-events-config", "", T::json_value, "", "KV events published at run time"),
    no_effect("linear-backend", "", T::choice, "", "a kernel choice; weights the same size"),
    no_effect("log-config-file", "", T::text, "", "logging"),
    no_effect("log-error-stack", "", T::boolean, "off", "logging"),
    no_effect("logprobs-mode", "", T::choice, "raw_logprobs", "sampling output"),
    no_effect("long-prefill-token-threshold", "", T::count, "0", "scheduling"),
    no_effect("lora-modules", "", T::multi_value, "", "adapters held in host memory, copied into the --enable-lora slots (§20.1, §20.7)"),
    no_effect("mamba-backend", "", T::choice, "", "a kernel choice"),
    no_effect("mamba-cache-philox-rounds", "", T::count, "", "rounding of the hybrid state cache; same bytes"),
    no_effect("mamba-ssu-algorithm", "", T::choice, "", "a kernel choice"),
    no_effect("master-addr", "", T::text, "127.0.0.1", "multi-node networking"),
    no_effect("master-port", "", T::count, "29501", "multi-node networking"),
    no_effect("max-cpu-loras", "", T::count, "max-loras", "a host-memory cache of adapters (§20.7)"),
    no_effect("max-log-len", "", T::count, "", "logging"),
    no_effect("max-logprobs", "", T::count, "20", "sampling output"),
    no_effect("max-long-partial-prefills", "", T::count, "1", "V0 scheduling (§26.4)"),
    no_effect("max-num-partial-prefills", "", T::count, "1", "V0 scheduling (§26.4)"),
    no_effect("max-num-scheduled-tokens", "", T::count, "max-num-batched-tokens",
              "tokens issued per step, at most max-num-batched-tokens, which sizes the profile run"),
    no_effect("max-parallel-loading-workers", "", T::count, "", "load speed"),
    no_effect("media-io-kwargs", "", T::json_value, "", "media decoding on the host"),
    no_effect("middleware", "", T::multi_value, "", "API server"),
    no_effect("mm-device-do-normalize", "", T::boolean, "on", "normalises pixels inside the encoder's input instead of on the CPU"),
    no_effect("mm-encoder-fp8-scale-path", "", T::text, "", "scale file for --mm-encoder-attn-dtype fp8"),
    no_effect("mm-encoder-fp8-scale-save-margin", "", T::text, "1.5", "scale file for --mm-encoder-attn-dtype fp8"),
    no_effect("mm-encoder-fp8-scale-save-path", "", T::text, "", "scale file for --mm-encoder-attn-dtype fp8"),
    no_effect("mm-hasher-algorithm", "", T::choice, "blake3", "hashing of cached media"),
    no_effect("mm-processor-cache-gb", "", T::size, "4", "GiB of host memory"),
    no_effect("mm-processor-cache-type", "", T::choice, "lru", "host memory of the processor cache"),
    no_effect("mm-shm-cache-max-object-size-mb", "", T::count, "128", "host shared memory"),
    no_effect("mm-tensor-ipc", "", T::choice, "direct_rpc", "how media tensors reach the engine (host)"),
    no_effect("model-loader-extra-config", "", T::json_value, "", "loader options"),
    no_effect("moe-backend", "", T::choice, "", "a kernel choice; weights the same size"),
    no_effect("nnodes", "n", T::count, "1", "nodes of a multi-node launch; vramplan takes the node size from --gpus-per-node (§22.6)"),
    no_effect("node-rank", "r", T::count, "0", "which node this process is"),
    no_effect("numa-bind", "", T::boolean, "off", "host placement"),
    no_effect("numa-bind-cpus", "", T::text, "", "host placement"),
    no_effect("numa-bind-nodes", "", T::text, "", "host placement"),
    no_effect("otlp-traces-endpoint", "", T::text, "", "tracing"),
    no_effect("override-generation-config", "", T::json_value, "", "sampling defaults"),
    no_effect("pooler-config", "", T::json_value, "", "pooling output options"),
    no_effect("port", "", T::count, "8000", "networking"),
    no_effect("prefill-schedule-interval", "", T::count, "", "scheduling"),
    no_effect("prefix-cache-retention-interval", "", T::count, "", "scheduling"),
    no_effect("prefix-caching-hash-algo", "", T::choice, "sha256", "host-side hashing"),
    no_effect("prefix-match-unit", "", T::count, "the block size", "prefix-cache key granularity"),
    no_effect("profiler-config", "", T::json_value, "", "profiling on request"),
    no_effect("pt-load-map-location", "", T::text, "cpu", "where .pt checkpoints are read"),
    no_effect("ray-workers-use-nsight", "", T::boolean, "off", "profiling"),
    no_effect("reasoning-config", "", T::json_value, "", "output parsing"),
    no_effect("reasoning-parser", "", T::text, "", "output parsing"),
    no_effect("reasoning-parser-plugin", "", T::text, "", "output parsing"),
    no_effect("renderer-num-workers", "", T::count, "", "host-side rendering"),
    no_effect("response-role", "", T::text, "assistant", "API responses"),
    no_effect("return-tokens-as-token-ids", "", T::boolean, "off", "API responses"),
    no_effect("revision", "", T::text, "main", "which checkpoint revision (the planner reads the config it is given)"),
    no_effect("root-path", "", T::text, "", "API server"),
    no_effect("safetensors-load-strategy", "", T::choice, "", "load speed"),
    no_effect("safetensors-prefetch-block-size", "", T::count, "", "load speed"),
    no_effect("safetensors-prefetch-num-threads", "", T::count, "", "load speed"),
    no_effect("scheduler-cls", "", T::text, "", "scheduling"),
    no_effect("scheduler-reserve-full-isl", "", T::boolean, "off", "scheduling"),
    no_effect("scheduling-policy", "", T::choice, "fcfs", "scheduling"),
    no_effect("seed", "", T::count, "", "sampling"),
    no_effect("served-model-name", "", T::multi_value, "the model", "API names"),
    no_effect("show-hidden-metrics-for-version", "", T::text, "", "metrics"),
    no_effect("shutdown-timeout", "", T::count, "0", "shutdown"),
    no_effect("skip-tokenizer-init", "", T::boolean, "off", "host"),
    no_effect("ssl-ca-certs", "", T::text, "", "TLS"),
    no_effect("ssl-cert-reqs", "", T::count, "0", "TLS"),
    no_effect("ssl-certfile", "", T::text, "", "TLS"),
    no_effect("ssl-ciphers", "", T::text, "", "TLS"),
    no_effect("ssl-keyfile", "", T::text, "", "TLS"),
    no_effect("stream-interval", "", T::count, "1", "streaming"),
    no_effect("structured-outputs-config", "", T::json_value, "", "a host-side bitmask at run time"),
    no_effect("tokenizer", "", T::text, "the model", "host"),
    no_effect("tokenizer-mode", "", T::choice, "auto", "host"),
    no_effect("tokenizer-revision", "", T::text, "", "host"),
    no_effect("tokens-only", "", T::boolean, "off", "API responses"),
    no_effect("tool-call-parser", "", T::text, "", "output parsing"),
    no_effect("tool-parser-plugin", "", T::text, "", "output parsing"),
    no_effect("tool-server", "", T::text, "", "tool calling"),
    no_effect("trust-remote-code", "", T::boolean, "off", "allows the model's own code; the model is the same"),
    no_effect("trust-request-chat-template", "", T::boolean, "off", "prompt formatting"),
    no_effect("uds", "", T::text, "", "networking"),
    no_effect("use-tqdm-on-load", "", T::boolean, "on", "a progress bar"),
    no_effect("use-v2-block-manager", "", T::boolean, "off", "V0 block bookkeeping on the host"),
    no_effect("uvicorn-log-level", "", T::choice, "info", "logging"),
    no_effect("watermark", "", T::fraction, "", "scheduling"),
    no_effect("weight-transfer-config", "", T::json_value, "", "weight updates at run time"),
    no_effect("worker-extension-cls", "", T::text, "", "worker plug-in"),
    no_effect("worker-use-ray", "", T::boolean, "off", "process launcher (old spelling of distributed-executor-backend ray)"),
});

// ---- The table's own rules, checked when it compiles.

constexpr bool valid_name(string_view s) {
    if (s.empty() || s.front() == '-' || s.back() == '-' || s.substr(0, 3) == "no-") {
        return false;
    }
    for (const char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            return false;
        }
    }
    return true;
}

constexpr bool rows_are_valid() {
    for (const EngineArg& a : k_engine_args) {
        if (!valid_name(a.name) || (!a.alias.empty() && !valid_name(a.alias))) {
            return false;
        }
        if ((a.treatment == ArgTreatment::modelled) != a.field.has_value()) {
            return false;
        }
        if (a.treatment != ArgTreatment::modelled && a.note.empty()) {
            return false; // reports say why
        }
    }
    return true;
}

/// No spelling (name, short forms, alias) names two rows.
constexpr bool spellings_are_unique() {
    std::array<string_view, k_engine_args.size() * 4> all{};
    std::size_t n = 0;
    for (const EngineArg& a : k_engine_args) {
        for (const string_view s : {a.name, a.short_form, a.alias, a.short_alias}) {
            if (!s.empty()) {
                all[n++] = s;
            }
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = i + 1; j < n; ++j) {
            if (all[i] == all[j]) {
                return false;
            }
        }
    }
    return true;
}

constexpr bool one_row_per_field() {
    for (std::size_t f = 0; f < k_plan_field_count; ++f) {
        std::size_t rows = 0;
        for (const EngineArg& a : k_engine_args) {
            rows += a.field && static_cast<std::size_t>(*a.field) == f ? 1 : 0;
        }
        if (rows != 1) {
            return false;
        }
    }
    return true;
}

static_assert(static_cast<std::size_t>(PlanField::spec_tokens) + 1 == k_plan_field_count);
static_assert(rows_are_valid(), "a row has an invalid name, a field without 'modelled' (or the reverse), or no note");
static_assert(spellings_are_unique(), "two rows share a name, short form or alias");
static_assert(one_row_per_field(), "every PlanField needs exactly one modelled row");

const EngineArg* find_normalized(string_view name) {
    for (const EngineArg& a : k_engine_args) {
        if (a.name == name || (!a.alias.empty() && a.alias == name)) {
            return &a;
        }
    }
    return nullptr;
}

} // namespace

std::span<const EngineArg> engine_args() { return k_engine_args; }

std::string normalize_engine_arg_name(string_view written) {
    std::size_t dashes = 0;
    while (dashes < written.size() && written[dashes] == '-') {
        ++dashes;
    }
    std::string out(written.substr(dashes));
    const std::size_t dot = out.find('.');
    for (std::size_t k = 0; k < out.size() && k != dot; ++k) {
        if (out[k] == '_') {
            out[k] = '-';
        }
    }
    if (dashes != 1) {
        return out; // argparse: a short form is written with one dash
    }
    const string_view head = string_view(out).substr(0, dot);
    for (const EngineArg& a : k_engine_args) {
        if (is_short_form(a, head)) {
            return std::string(a.name) + out.substr(head.size());
        }
    }
    return out;
}

const EngineArg* find_engine_arg(string_view written) {
    const std::string name = normalize_engine_arg_name(written);
    if (const EngineArg* a = find_normalized(name)) {
        return a;
    }
    for (const EngineArg& a : k_engine_args) {
        if (is_short_form(a, name)) {
            return &a; // "tp", "--tp": a short form written without its dash
        }
    }
    return nullptr;
}

const EngineArg* find_negated_switch(string_view written) {
    const std::string name = normalize_engine_arg_name(written);
    if (name.size() <= 3 || name.compare(0, 3, "no-") != 0) {
        return nullptr;
    }
    const EngineArg* a = find_normalized(string_view(name).substr(3));
    return a != nullptr && a->is_switch() ? a : nullptr;
}

const EngineArg& engine_arg_for(PlanField field) {
    // The static_asserts above guarantee a row; the table is short, a scan is enough.
    const EngineArg* found = &k_engine_args.front();
    for (const EngineArg& a : k_engine_args) {
        if (a.field == field) {
            found = &a;
            break;
        }
    }
    return *found;
}

std::string engine_arg_dest(const EngineArg& arg) {
    std::string out(arg.name);
    for (char& c : out) {
        if (c == '-') {
            c = '_';
        }
    }
    return out;
}

string_view arg_type_name(ArgType type) {
    switch (type) {
    case ArgType::count: return "count";
    case ArgType::fraction: return "fraction";
    case ArgType::size: return "size";
    case ArgType::text: return "text";
    case ArgType::choice: return "choice";
    case ArgType::boolean: return "switch";
    case ArgType::multi_value: return "multi_value";
    case ArgType::json_value: return "json";
    }
    return "text";
}

string_view arg_treatment_name(ArgTreatment treatment) {
    switch (treatment) {
    case ArgTreatment::modelled: return "modelled";
    case ArgTreatment::no_memory_effect: return "no_memory_effect";
    case ArgTreatment::not_modelled: return "not_modelled";
    }
    return "not_modelled";
}

} // namespace vramplan

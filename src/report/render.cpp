#include <vramplan/report/render.hpp>

#include <vramplan/engine_args.hpp>
#include <vramplan/report/fix.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace vramplan {

using nlohmann::json;

namespace {

/// The graph mode for --explain: the era's default, or the mode chosen (addendum 3 §25.2).
std::string graph_mode_explain(const GraphSetting& g) {
    return std::string(cudagraph_mode_name(g.mode)) + (g.mode == g.era_default ? ", " : " (" + g.source + "), ");
}

/// " x captures/default captures (...)" when the mode is not the era's default: the per-piece
/// constant was fitted to the default mode, and the estimate is linear in graphs (addendum 3 §25.4).
std::string graph_mode_scale(const Plan& p) {
    const ResolvedConfig& c = p.config;
    if (p.era.engine == Engine::v0 || c.graphs.mode == c.graphs.era_default) {
        return "";
    }
    const std::vector<std::uint64_t> sizes = capture_sizes(p.era, c.graphs, c.max_num_seqs, c.max_num_batched_tokens, p.request.gpu.compute_major == 10);
    return fmt::format(" x {}/{} graph captures ({} of {}, addendum 3 §25.4)", graph_captures(c.graphs.mode, sizes, c.max_num_seqs),
                       graph_captures(c.graphs.era_default, sizes, c.max_num_seqs), cudagraph_mode_name(c.graphs.mode),
                       cudagraph_mode_name(c.graphs.era_default));
}

/// The drafter's derivation for --explain (addendum 3 §21.1-§21.5).
std::string speculative_explain(const Plan& p, const WorkerPlan& w) {
    const ResolvedConfig& c = p.config;
    const SpeculativeConfig& sc = p.request.speculative;
    std::string text = fmt::format("{} (k {}): {}; weights {} B = {} GiB (addendum 3 §21.2)", sc.method_label, sc.num_speculative_tokens,
                                   c.speculative.basis, grouped(w.weight_parts.draft), gib2(to_signed(w.weight_parts.draft)));
    if (c.speculative.kv.layers > 0) {
        text += fmt::format("; + {} draft KV layer(s) x {} B/token{} (get_kv_cache_spec registers every attention layer, "
                            "gpu_model_runner.py:7896-7934 @C28; addendum 3 §21.3)",
                            c.speculative.kv.layers, grouped(c.speculative.kv.token_bytes),
                            p.kv.uniform_type ? ", own page size: UniformTypeKVCacheSpecs, num_blocks = avail // sum of pages" : "");
    } else {
        text += "; no draft KV layers";
    }
    if (c.speculative_tokens > 0 && c.cuda_graphs && p.era.engine == Engine::v1) {
        text += fmt::format("; graphs: sizes up to min(2 x S x (1+k), 512), multiples of 1+k = {} with FULL decode graphs (addendum 3 §21.5)",
                            c.speculative_tokens + 1);
    }
    return text;
}

std::string pct(SignedBytes b, Bytes total) {
    return fixed(100.0 * static_cast<double>(b) / static_cast<double>(total), 1) + "%";
}

std::string kv_dtype_label(const Plan& p) { return p.config.kv_cache_dtype; }

std::string worker_label(const Plan& p, const WorkerPlan& w) {
    if (p.workers.size() == 1) {
        return p.request.tensor_parallel_size > 1 ? "each GPU" : "GPU";
    }
    return fmt::format("PP{} (layers {}-{})", w.pp_rank, w.first_layer, w.end_layer - 1);
}

struct Row {
    std::string label;
    std::vector<SignedBytes> values;
    bool header = false;
};

std::string two_decimals(double x) { return fixed(round_concurrency(x), 2); }

} // namespace

/// How the token capacity follows from the blocks, for the plans where it is not plain
/// blocks x block size: hybrid models (blocks shared by layer groups) and pipeline parallelism
/// (the stage with the fewest blocks decides). "" otherwise.
std::string token_derivation(const Plan& p) {
    const KvGeometry& kv = p.kv;
    const bool pp = p.workers.size() > 1;
    if (!kv.hybrid && !pp) {
        return "";
    }
    const std::string blocks = grouped(p.capacity.num_blocks) + " blocks" + (pp ? " of PP" + std::to_string(p.workers[p.deciding_worker].pp_rank) : "");
    switch (p.era.token_rule) {
    case TokenRule::blocks_times_block_size:
        return kv.hybrid ? fmt::format(" = {} // {} groups x {}", blocks, kv.num_groups, kv.block_size)
                         : fmt::format(" = {} x {}", blocks, kv.block_size);
    case TokenRule::v0_blocks: return fmt::format(" = {} x {}", blocks, kv.block_size);
    case TokenRule::concurrency_times_len:
        return fmt::format(" = int({} / {} blocks per request x {})", blocks, grouped(p.capacity.blocks_per_request), grouped(p.config.max_model_len));
    }
    return "";
}

/// Where the model came from and whether its weights are exact.
std::string model_origin_text(const Plan& p, const PlanContext& ctx) {
    std::string from;
    if (ctx.model_resolved_from == "catalog") {
        from = "the catalog";
    } else if (ctx.model_resolved_from == "hf_cache") {
        from = "the Hugging Face cache";
    } else if (ctx.model_resolved_from == "hub") {
        from = "the Hugging Face Hub";
    } else if (ctx.model_resolved_from == "path") {
        from = "a local path";
    } else {
        return "";
    }
    const std::string weights = p.request.checkpoint_bytes ? "weights exact (the checkpoint's safetensors headers)"
                                                          : "weights estimated from config.json (no checkpoint read)";
    return "  from   " + from + "; " + weights + "\n";
}

std::string render_snapshot(const SnapshotEstimate& s) {
    std::string out = fmt::format("GPU snapshot (CRIU + cuda-checkpoint), {} GPU{}\n", s.gpus, s.gpus == 1 ? "" : "s");
    out += fmt::format("  device memory held        {} GiB per GPU: {} GiB data, {} GiB never-written KV pages\n", gib2(to_signed(s.held_per_gpu)),
                       gib2(to_signed(s.data_per_gpu)), gib2(to_signed(s.zero_per_gpu)));
    out += fmt::format("  image                     {} GiB raw, {} GiB compressed\n", gib2(to_signed(s.image_raw)), gib2(to_signed(s.image_compressed)));
    out += fmt::format("  checkpoint / restore      >= {} s / >= {} s (physical lower bounds: {}, storage and zstd rated speeds)\n",
                       fixed(s.checkpoint_lower_s, 1), fixed(s.restore_lower_s, 1), s.link);
    if (s.checkpoint_s && s.restore_s) {
        out += fmt::format("                            {} s / {} s calibrated on your measured points\n", fixed(*s.checkpoint_s, 1), fixed(*s.restore_s, 1));
    }
    return out;
}

nlohmann::json snapshot_json(const SnapshotEstimate& s) {
    return nlohmann::json{{"gpus", s.gpus},
                          {"held_bytes_per_gpu", s.held_per_gpu},
                          {"data_bytes_per_gpu", s.data_per_gpu},
                          {"zero_bytes_per_gpu", s.zero_per_gpu},
                          {"image_raw_bytes", s.image_raw},
                          {"image_compressed_bytes", s.image_compressed},
                          {"checkpoint_seconds_lower_bound", std::round(s.checkpoint_lower_s * 100.0) / 100.0},
                          {"restore_seconds_lower_bound", std::round(s.restore_lower_s * 100.0) / 100.0},
                          {"checkpoint_seconds_calibrated", s.checkpoint_s ? nlohmann::json(std::round(*s.checkpoint_s * 10.0) / 10.0) : nlohmann::json(nullptr)},
                          {"restore_seconds_calibrated", s.restore_s ? nlohmann::json(std::round(*s.restore_s * 10.0) / 10.0) : nlohmann::json(nullptr)},
                          {"link", s.link}};
}

std::string not_modelled_text(const NotModelledFlag& flag) {
    // The engine table's notes cite addendum 3 as "(§20.1)"; other documents by name.
    std::string note = flag.note;
    for (std::size_t at = note.find("(§"); at != std::string::npos; at = note.find("(§", at + 1)) {
        note.replace(at, 1, "(addendum 3 ");
    }
    return flag.name + ": " + note;
}

std::string not_modelled_warning(const std::vector<NotModelledFlag>& flags) {
    if (flags.empty()) {
        return "";
    }
    std::string out = "warning: this plan ignores flags it does not model:\n";
    for (const NotModelledFlag& f : flags) {
        out += "  " + not_modelled_text(f) + "\n";
    }
    return out;
}

nlohmann::json not_modelled_json(const std::vector<NotModelledFlag>& flags) {
    nlohmann::json out = nlohmann::json::array();
    for (const NotModelledFlag& f : flags) {
        out.push_back({{"name", f.name}, {"note", f.note}});
    }
    return out;
}
/// Whether the plan shows its data / expert parallel layout and nodes (addendum 3 §22): only
/// when one of those flags is set or the GPUs span more than one node.
bool shows_parallel(const Plan& p) {
    const PlanRequest& r = p.request;
    return r.data_parallel_size > 1 || r.enable_expert_parallel || r.decode_context_parallel_size > 1 ||
           p.config.topology.internode();
}

/// The nodes and GPUs assumed, and how the experts sit on one GPU.
std::string parallel_text(const Plan& p) {
    if (!shows_parallel(p)) {
        return {};
    }
    const PlanRequest& r = p.request;
    const ResolvedConfig& c = p.config;
    const Topology& t = c.topology;
    std::string out = fmt::format("  nodes  {} node{} x {} GPUs: {} GPUs = TP {} x PP {} x DP {} (--gpus-per-node {}); the table is one GPU{}\n",
                                  t.nodes, t.nodes > 1 ? "s" : "", t.gpus_per_node, t.gpus, r.tensor_parallel_size,
                                  r.pipeline_parallel_size, r.data_parallel_size, t.gpus_per_node,
                                  t.engines > 1 ? fmt::format(" of one of {} DP engines", t.engines) : std::string());
    if (r.model.is_moe() && (r.data_parallel_size > 1 || r.enable_expert_parallel)) {
        out += c.experts.ep_size > 1
                   ? fmt::format("         experts EP {}: {} of {} routed experts per GPU{}{}\n", c.experts.ep_size, c.experts.local_experts,
                                 r.model.moe.num_experts,
                                 r.enable_eplb ? fmt::format(" ({} redundant, EPLB)", r.num_redundant_experts) : std::string(),
                                 r.all2all_backend.empty() ? std::string() : ", --all2all-backend " + r.all2all_backend)
                   : fmt::format("         experts: each routed expert split over TP x DP = {} GPUs\n", c.experts.moe_tp);
    }
    if (r.decode_context_parallel_size > 1) {
        out += fmt::format("         -dcp {}: each request's KV over {} GPUs, {} tokens per block\n", r.decode_context_parallel_size,
                           r.decode_context_parallel_size, p.kv.block_size);
    }
    return out;
}


/// The memory savers given (addendum 3 §24), one flags line; empty without any.
std::string saver_flags_text(const Plan& p) {
    const PlanRequest& r = p.request;
    std::string s;
    const auto gib = [](Bytes b) { return fmt::format("{}", static_cast<double>(b) / static_cast<double>(k_gib)); };
    if (r.offload_backend != OffloadBackend::automatic) {
        s += fmt::format(" --offload-backend {}", offload_backend_name(r.offload_backend));
    }
    if (r.offload_group_size > 0) {
        s += fmt::format(" --offload-group-size {} --offload-num-in-group {} --offload-prefetch-step {}", r.offload_group_size,
                         r.offload_num_in_group, r.offload_prefetch_step);
    }
    if (r.cpu_offload_bytes > 0) {
        s += " --cpu-offload-gb " + gib(r.cpu_offload_bytes);
    }
    if (r.kv_offloading_bytes) {
        s += " --kv-offloading-size " + gib(*r.kv_offloading_bytes) + " --kv-offloading-backend " + r.kv_offloading_backend;
    }
    if (r.swap_space_bytes) {
        s += " --swap-space " + gib(*r.swap_space_bytes);
    }
    if (r.enable_sleep_mode) {
        s += " --enable-sleep-mode";
    }
    return s.empty() ? s : "        " + s + "\n";
}

/// Host RAM the memory savers need (addendum 3 §24): a section after the per-GPU table; empty
/// when none needs any.
std::string host_memory_text(const Plan& p) {
    const HostMemory& h = p.host;
    if (h.total() == 0) {
        return "";
    }
    const Topology& t = p.config.topology;
    const std::uint64_t gpus = t.gpus;
    std::string out = "Host memory (memory savers; not on the GPU)\n";
    if (h.cpu_offload > 0) {
        const CpuOffload& o = p.workers[p.deciding_worker].offload;
        out += fmt::format("  offloaded weights (pinned)  {} GiB over {} GPU(s): {} whole layers + {} parameters per GPU{}; read over UVA "
                           "at every step, decoding slows\n",
                           gib2(to_signed(h.cpu_offload)), gpus, o.whole_layers, o.partial_parameters,
                           o.prefetch_buffers > 0 ? fmt::format(", prefetch pool {} GiB on the GPU", gib2(to_signed(o.prefetch_buffers)))
                                                  : std::string());
    }
    if (h.swap_space > 0) {
        out += fmt::format("  swap space (V0 CPU blocks)  {} GiB over {} GPU(s); no GPU effect\n", gib2(to_signed(h.swap_space)), gpus);
    }
    if (h.kv_offload > 0) {
        out += fmt::format("  KV offloading ({})      {} GiB in all{}; the GPU KV cache is unchanged\n", p.request.kv_offloading_backend,
                           gib2(to_signed(h.kv_offload)), t.engines > 1 ? fmt::format(" over {} DP engines", t.engines) : std::string());
    }
    out += fmt::format("  host RAM needed             {} GiB{} (addendum 3 §24)\n\n", gib2(to_signed(h.total())),
                       t.nodes > 1 ? fmt::format(", {} GiB per node on average over {} nodes", gib2(to_signed(h.total() / t.nodes)), t.nodes)
                                   : std::string());
    return out;
}

std::string render_text(const Plan& p, const PlanContext& ctx, const SnapshotEstimate* snapshot) {
    const ResolvedConfig& c = p.config;
    const WorkerPlan& w0 = p.workers[p.deciding_worker];
    std::string out;
    out += fmt::format("vramplan {}: vLLM {} memory plan{}\n", k_tool_version, p.request.version.str(),
                       p.era.extrapolated ? " (rules of " + k_newest_modelled.str() + ")" : "");
    const std::uint64_t params = count_parameters(p.request.model);
    out += fmt::format("  rules  {}\n", era_name(p.era));
    if (p.era.mrv2_default != Mrv2Default::none) {
        out += fmt::format("  runs   {}\n", c.runner.reason);
    }
    out += fmt::format("  model  {} ({}, {:.2f}B parameters, {})\n", ctx.model_label, p.request.model.architecture,
                       static_cast<double>(params) / 1e9, c.dtype);
    out += model_origin_text(p, ctx);
    out += fmt::format("  gpu    {} x{}: {} GiB visible to CUDA ({})\n", p.request.gpu.name,
                       p.request.tensor_parallel_size * p.request.pipeline_parallel_size, gib2(to_signed(p.request.gpu.total)),
                       p.request.gpu.total_basis);
    using F = PlanField;
    const auto flag = [](PlanField f) { return "--" + std::string(engine_arg_for(f).name); };
    const auto short_flag = [](PlanField f) { return "-" + std::string(engine_arg_for(f).short_form); };
    out += fmt::format("  flags  {} {}{} {} {}{} {} {} {} {}\n", flag(F::gpu_memory_utilization), fixed(c.gpu_memory_utilization, 2),
                       c.utilization_is_default ? " (default)" : "", flag(F::max_model_len), c.max_model_len,
                       c.max_model_len_auto ? " (auto-fit)" : c.max_model_len_is_default ? " (model default)" : "", short_flag(F::tensor_parallel_size), p.request.tensor_parallel_size,
                       short_flag(F::pipeline_parallel_size), p.request.pipeline_parallel_size);
    out += fmt::format("         {} {}{} {} {}{} {} {}{}\n", flag(F::max_num_seqs), c.max_num_seqs, c.max_num_seqs_is_default ? " (default)" : "",
                       flag(F::max_num_batched_tokens), c.max_num_batched_tokens, c.max_num_batched_tokens_is_default ? " (default)" : "",
                       flag(F::kv_cache_dtype), kv_dtype_label(p), p.request.enforce_eager ? " " + flag(F::enforce_eager) : "");
    if (c.max_loras > 0) {
        out += fmt::format("         {} {} {} {} {} {} {}{}\n", flag(F::enable_lora), flag(F::max_loras), c.max_loras, flag(F::max_lora_rank),
                           c.max_lora_rank, flag(F::lora_dtype), p.request.lora_dtype,
                           p.request.fully_sharded_loras ? " " + flag(F::fully_sharded_loras) : "");
    }
    out += saver_flags_text(p);
    if (p.request.speculative.active()) {
        // Speculative decoding (addendum 3 §21.6): the drafter, k, and what it adds.
        const SpeculativeConfig& sc = p.request.speculative;
        const bool cpu = sc.method == SpecMethod::ngram || sc.method == SpecMethod::suffix;
        out += fmt::format("         {} {}{} k {}: {}\n", flag(F::speculative_config), sc.method_label, sc.model_label.empty() ? "" : " " + sc.model_label,
                           sc.num_speculative_tokens,
                           cpu ? std::string("CPU proposer, nothing on the GPU")
                               : fmt::format("draft weights {} GiB, draft KV layers {}", gib2(to_signed(c.speculative.weights)), c.speculative.kv.layers));
    }
    if (const MmProfile& mm = p.workers.front().multimodal; mm.multimodal) {
        // Multimodal (addendum 3 §23): what the profile run pushes through the encoder.
        out += mm.profiled ? fmt::format("         encoder profile: {} item(s) x {} tokens ({} patches) of budget {}{}: "
                                         "encoder {} GiB, cache {} GiB{}\n", mm.items, mm.tokens_per_item, mm.patches_per_item, mm.budget,
                                         p.request.mm.encoder_data_parallel ? fmt::format(", {} per GPU (encoder data parallel)", mm.items_per_gpu) : "",
                                         gib2(to_signed(mm.encoder_activation)), gib2(to_signed(mm.encoder_cache)), mm.assumed ? " (assumed size)" : "")
                           : fmt::format("         encoder profile: none ({}){}\n",
                                         p.request.mm.skip_profiling ? "--skip-mm-profiling" : "text-only: every modality limit 0",
                                         mm.tower_loaded ? "" : ", tower not loaded");
    }
    if (p.request.graphs.any() && p.era.engine == Engine::v1) {
        // Graph flags given (addendum 3 §25): the mode they resolve to and how many sizes.
        out += fmt::format("         cudagraph_mode {}{}{}\n", cudagraph_mode_name(c.graphs.mode),
                           c.graphs.source.empty() ? "" : " (" + c.graphs.source + ")",
                           c.cuda_graphs ? fmt::format(", {} capture sizes{}", w0.capture_sizes, c.graphs.sizes.empty() ? "" : " (explicit)") : "");
    }
    out += parallel_text(p);
    for (const std::string& w : ctx.warnings) {
        out += "warning: " + w + "\n";
    }
    out += not_modelled_warning(ctx.not_modelled);
    out += "\n";

    // Breakdown table: one column of GiB and % per worker.
    const bool graphs_in = w0.cuda_graphs_in_budget;
    std::vector<Row> rows;
    auto col = [&](auto get) {
        std::vector<SignedBytes> v;
        for (const WorkerPlan& w : p.workers) {
            v.push_back(get(w));
        }
        return v;
    };
    const std::string budget_label =
        p.request.kv_cache_memory_bytes ? "vLLM budget (pinned KV + profile)" : "vLLM budget (" + fixed(c.gpu_memory_utilization, 2) + " x total)";
    rows.push_back({budget_label, col([](const WorkerPlan& w) { return to_signed(w.budget); }), true});
    if (w0.weight_parts.draft > 0 && !p.request.calibration) {
        // The drafter is loaded inside the target's memory profiler (addendum 3 §21.2): shown apart, summing to the weights.
        rows.push_back({"  weights", col([](const WorkerPlan& w) { return to_signed(w.weights - w.weight_parts.draft - w.weight_parts.lora); })});
        if (w0.weight_parts.lora > 0) {
            rows.push_back({"  LoRA adapter slots (in weights)", col([](const WorkerPlan& w) { return to_signed(w.weight_parts.lora); })});
        }
        rows.push_back({"  speculative draft (in weights)", col([](const WorkerPlan& w) { return to_signed(w.weight_parts.draft); })});
    } else if (w0.weight_parts.lora > 0 && !p.request.calibration) {
        // LoRA slots are part of what vLLM logs as the weights (addendum 3 §20.1): shown apart, summing to them.
        rows.push_back({"  weights", col([](const WorkerPlan& w) { return to_signed(w.weights - w.weight_parts.lora); })});
        rows.push_back({"  LoRA adapter slots (in weights)", col([](const WorkerPlan& w) { return to_signed(w.weight_parts.lora); })});
    } else {
        rows.push_back({"  weights", col([](const WorkerPlan& w) { return to_signed(w.weights); })});
    }
    rows.push_back({"  activation peak (profile run)", col([](const WorkerPlan& w) { return to_signed(w.activation); })});
    if (w0.non_torch_in_budget) {
        rows.push_back({"  non-torch memory", col([](const WorkerPlan& w) { return to_signed(w.non_torch); })});
    }
    if (w0.card_in_budget) {
        rows.push_back({"  CUDA context (global limit)", col([](const WorkerPlan& w) { return to_signed(w.cuda_context); })});
        if (p.request.other_processes_memory > 0) {
            rows.push_back({"  other processes (global limit)", col([](const WorkerPlan& w) { return to_signed(w.other_processes); })});
        }
    }
    if (graphs_in) {
        rows.push_back({"  CUDA graphs (estimate)", col([](const WorkerPlan& w) { return to_signed(w.cuda_graphs); })});
    }
    const bool buffers = w0.runner_buffers > 0;
    if (buffers && w0.runner_buffers_in_budget) {
        rows.push_back({"  MRv2 penalty buffers", col([](const WorkerPlan& w) { return to_signed(w.runner_buffers); })});
    }
    if (w0.sleep_mode_uncharged > 0) {
        // Sleep mode before 0.27 (addendum 3 §24.4.2): the repack frees X the budget does not charge.
        rows.push_back({"  sleep mode: freed in pool (uncounted)", col([](const WorkerPlan& w) { return -to_signed(w.sleep_mode_uncharged); })});
    }
    rows.push_back({"  KV cache", col([](const WorkerPlan& w) { return w.kv_cache; })});
    rows.push_back({"outside the budget", {}, true});
    if (w0.sleep_mode_uncharged > 0) {
        rows.push_back({"  sleep mode: held beyond the budget", col([](const WorkerPlan& w) { return to_signed(w.sleep_mode_uncharged); })});
    }
    if (!w0.card_in_budget) {
        rows.push_back({"  CUDA context", col([](const WorkerPlan& w) { return to_signed(w.cuda_context); })});
    }
    if (!w0.non_torch_in_budget) {
        rows.push_back({"  non-torch memory (not counted)", col([](const WorkerPlan& w) { return to_signed(w.non_torch); })});
    }
    if (buffers && !w0.runner_buffers_in_budget) {
        rows.push_back({"  MRv2 buffers (not counted)", col([](const WorkerPlan& w) { return to_signed(w.runner_buffers); })});
    }
    if (!w0.card_in_budget && p.request.other_processes_memory > 0) {
        rows.push_back({"  other processes (at startup)", col([](const WorkerPlan& w) { return to_signed(w.other_processes); })});
    }
    if (!graphs_in) {
        rows.push_back({c.cuda_graphs            ? "  CUDA graphs (captured after KV)"
                        : p.request.enforce_eager ? "  CUDA graphs (--enforce-eager)"
                        : p.request.graphs.any() && c.graphs.mode == CudaGraphMode::none ? "  CUDA graphs (cudagraph_mode NONE)"
                                                  : "  CUDA graphs (none before 0.2.6)",
                        col([](const WorkerPlan& w) { return to_signed(w.cuda_graphs); })});
    }
    rows.push_back({"  free for other processes", col([](const WorkerPlan& w) { return w.free; })});
    rows.push_back({"total", col([](const WorkerPlan& w) { return to_signed(w.total); }), true});

    std::size_t label_width = 0;
    for (const Row& r : rows) {
        label_width = std::max(label_width, r.label.size());
    }
    std::string head = fmt::format("{:<{}}", "per GPU", label_width);
    for (const WorkerPlan& w : p.workers) {
        head += fmt::format("  {:>18}", worker_label(p, w));
    }
    out += head + "\n";
    std::string sub = fmt::format("{:<{}}", "", label_width);
    for (std::size_t i = 0; i < p.workers.size(); ++i) {
        sub += fmt::format("  {:>9} {:>8}", "GiB", "% card");
    }
    out += sub + "\n";
    for (const Row& r : rows) {
        std::string line = fmt::format("{:<{}}", r.label, label_width);
        for (std::size_t i = 0; i < r.values.size(); ++i) {
            line += fmt::format("  {:>9} {:>8}", gib2(r.values[i]), pct(r.values[i], p.workers[i].total));
        }
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        out += line + "\n";
    }
    out += "\n";

    out += host_memory_text(p);
    const KvGeometry& kv = p.kv;
    out += "KV cache\n";
    out += fmt::format("  bytes per token per GPU   {} ({})\n", grouped(kv.bytes_per_token), c.kv_cache_dtype);
    out += fmt::format("  block size                {} tokens ({})\n", kv.block_size, kv.block_size_reason);
    if (kv.hybrid) {
        out += fmt::format("  layer groups              {} groups of {} layers (hybrid KV manager)\n", kv.num_groups, kv.group_size);
    }
    out += fmt::format("  blocks                    {}{}\n", grouped(p.capacity.num_blocks),
                       p.workers.size() > 1 ? fmt::format(" (minimum over stages: PP{})", w0.pp_rank) : std::string());
    const CapacityRange& range = p.range;
    const bool show_range = range.estimated && range.tokens_low != range.tokens_high;
    out += fmt::format("  token capacity            {} tokens{}{}\n", grouped(p.capacity.tokens), token_derivation(p),
                       show_range ? fmt::format(" (range {} to {})", grouped(range.tokens_low), grouped(range.tokens_high)) : std::string());
    out += fmt::format("  max concurrency           {}x at {} tokens per request{}\n", two_decimals(p.capacity.max_concurrency),
                       grouped(c.max_model_len),
                       show_range ? fmt::format(" (range {}x to {}x)", two_decimals(range.concurrency_low), two_decimals(range.concurrency_high))
                                  : std::string());
    if (range.estimated) {
        out += fmt::format("  KV cache error bar        +/-{} GiB per GPU (estimated terms; docs/calibration.md)\n",
                           gib2(to_signed(w0.errors.kv_cache)));
    }
    out += "\n";
    if (snapshot != nullptr) {
        out += render_snapshot(*snapshot) + "\n";
    }
    if (p.verdict.starts) {
        out += "verdict: vLLM starts\n";
        if (!p.verdict.margin_note.empty()) {
            out += "  margin: " + p.verdict.margin_note + "\n";
        }
    } else {
        out += "verdict: vLLM fails to start\n";
        out += "  error: " + p.verdict.error + "\n";
        for (const std::string& f : fix_texts(p.verdict.fixes)) {
            out += "  fix:   " + f + "\n";
        }
        if (!p.verdict.margin_note.empty()) {
            out += "  margin: " + p.verdict.margin_note + "\n";
        }
    }
    for (const std::string& n : p.notes) {
        out += "note: " + n + "\n";
    }
    return out;
}

std::string render_bar(const Plan& p, std::size_t width) {
    const WorkerPlan& w = p.workers[p.deciding_worker];
    struct Part {
        char glyph;
        const char* name;
        SignedBytes bytes;
    };
    const auto s = [](Bytes b) { return to_signed(b); };
    const std::vector<Part> parts{
        {'W', "weights", s(w.weights)},
        {'A', "activation", s(w.activation)},
        {'N', "non-torch", s(w.non_torch)},
        {'C', "CUDA context", s(w.cuda_context)},
        {'G', "CUDA graphs", s(w.cuda_graphs)},
        {'K', "KV cache", std::max<SignedBytes>(w.kv_cache, 0)},
        {'O', "other processes", s(w.other_processes)},
        {'.', "free", std::max<SignedBytes>(w.free, 0)},
    };
    // Largest-remainder apportionment of `width` cells, so the bar always has exactly `width`.
    const double total = static_cast<double>(w.total);
    std::vector<std::size_t> cells(parts.size(), 0);
    std::vector<std::pair<double, std::size_t>> remainders;
    std::size_t used = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const double exact = static_cast<double>(parts[i].bytes) / total * static_cast<double>(width);
        cells[i] = static_cast<std::size_t>(std::floor(exact));
        used += cells[i];
        remainders.emplace_back(exact - std::floor(exact), i);
    }
    std::stable_sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; used < width && k < remainders.size(); ++k, ++used) {
        ++cells[remainders[k].second];
    }
    std::string bar = "[";
    std::string legend = " ";
    for (std::size_t i = 0; i < parts.size(); ++i) {
        bar.append(cells[i], parts[i].glyph);
        if (parts[i].bytes > 0) {
            legend += fmt::format(" {} {} {}", parts[i].glyph, parts[i].name, gib2(parts[i].bytes));
        }
    }
    return bar + "]\n" + legend + " (GiB)\n";
}

/// The offloader's derivation for one worker (addendum 3 §24.1).
std::string offload_explain(const Plan& p, const WorkerPlan& s) {
    const CpuOffload& o = s.offload;
    if (effective_offload_backend(p.request.offload_backend, p.request.offload_group_size) == OffloadBackend::prefetch) {
        return fmt::format("prefetch: the last {} of every {} layers = {} layers, {} B to host; + {} slot(s) x widest offloaded layer = {} B "
                           "GPU pool (offloader/prefetch.py:179-180, 338-342 @main; addendum 3 §24.1)",
                           p.request.offload_num_in_group, p.request.offload_group_size, o.prefetch_layers, grouped(o.offloaded),
                           p.request.offload_prefetch_step, grouped(o.prefetch_buffers));
    }
    return fmt::format("limit {} B per GPU; layers {}.. in order, checked before each parameter: {} whole layers + {} parameters = {} B "
                       "= {} GiB to pinned host memory (offloader/uva.py:75-110 @main; addendum 3 §24.1)",
                       grouped(o.limit), s.first_layer, o.whole_layers, o.partial_parameters, grouped(o.offloaded),
                       gib2(to_signed(o.offloaded)));
}

std::string render_explain(const Plan& p, const PlanContext* ctx) {
    const ResolvedConfig& c = p.config;
    const ModelSpec& m = p.request.model;
    const KvGeometry& kv = p.kv;
    std::string out = "how each number is computed\n";
    auto line = [&](const std::string& name, const std::string& text) { out += fmt::format("  {:<17} {}\n", name, text); };
    const WorkerPlan& w = p.workers[p.deciding_worker];
    if (ctx != nullptr && !ctx->model_resolved_from.empty()) {
        line("model", fmt::format("{} from {}: {}", ctx->model_label, ctx->model_resolved_from, ctx->model_source));
    }
    line("total", fmt::format("{} B = {} GiB ({}, GPU profile {})", grouped(w.total), gib2(to_signed(w.total)), p.request.gpu.total_basis,
                              p.request.gpu.id));
    if (p.request.kv_cache_memory_bytes) {
        line("budget", fmt::format("weights + activation + non-torch + pinned KV = {} B (--kv-cache-memory-bytes skips the utilization budget)",
                                   grouped(w.budget)));
    } else {
        const char* where = p.era.engine == Engine::v0 ? "vllm/worker/worker.py determine_num_available_blocks"
                            : p.era.free_memory_check  ? "vllm/v1/worker/utils.py request_memory"
                                                       : "vllm/v1/worker/gpu_worker.py determine_available_memory";
        line("budget", fmt::format("ceil(total x {}) = {} B = {} GiB   ({}; era {})", fixed(c.gpu_memory_utilization, 4), grouped(w.budget),
                                   gib2(to_signed(w.budget)), where, era_name(p.era)));
    }
    for (const WorkerPlan& s : p.workers) {
        const std::string tag = p.workers.size() > 1 ? fmt::format(" [PP{}]", s.pp_rank) : std::string();
        const WeightBreakdown& b = s.weight_parts;
        line("weights" + tag, fmt::format("embedding {} + attention {} + mlp {} + norms {} + lm_head {} + rope cache {}{}{}{}{} = {} B = {} GiB",
                                          grouped(b.embedding), grouped(b.attention), grouped(b.mlp), grouped(b.norms), grouped(b.lm_head),
                                          grouped(b.rope_cache), b.mla_absorbed ? " + MLA absorbed " + grouped(b.mla_absorbed) : "",
                                          b.vision ? " + vision " + grouped(b.vision) : "",
                                          std::string(b.lora ? " + LoRA " + grouped(b.lora) : "") +
                                              (b.prefetch_buffers ? " + prefetch pool " + grouped(b.prefetch_buffers) : "") +
                                              (b.cpu_offloaded ? " - offloaded to host " + grouped(b.cpu_offloaded) : "") +
                                              (b.draft ? " + draft " + grouped(b.draft) : ""),
                                          b.eplb ? " + EPLB buffer and window " + grouped(b.eplb) : "",
                                          grouped(s.weights), gib2(to_signed(s.weights))));
        if (s.offload.offloaded > 0) {
            line("cpu offload" + tag, offload_explain(p, s));
        }
        if (s.sleep_mode_uncharged > 0) {
            line("sleep mode" + tag,
                 fmt::format("X = attention {} + mlp {} = {} B = {} GiB freed by the Marlin repack inside the cuMem weights pool; vLLM {} "
                             "reports N − X and KV + X (addendum 3 §24.4.2; device_allocator/cumem.py:397-411 @main)",
                             grouped(b.attention), grouped(b.mlp), grouped(s.sleep_mode_uncharged), gib2(to_signed(s.sleep_mode_uncharged)),
                             p.request.version.str()));
        }
        if (p.request.speculative.active() && s.pp_rank + 1 == p.request.pipeline_parallel_size) {
            line("speculative" + tag, speculative_explain(p, s));
        }
        if (b.lora > 0) {
            line("LoRA slots" + tag,
                 fmt::format("{} slot(s) x rank {} x {} B: attention {} + mlp {} + embedding/logits {}{} + Punica metadata {} = {} B = {} GiB "
                             "(addendum 3 §20.1-§20.3; vllm/lora/model_manager.py, lora/layers/*.py){}",
                             c.max_loras, c.max_lora_rank, c.lora_dtype_bytes, grouped(s.lora.attention), grouped(s.lora.mlp),
                             grouped(s.lora.embedding), c.lora_embeddings ? "" : " (no embedding_modules)", grouped(s.lora.metadata),
                             grouped(b.lora), gib2(to_signed(b.lora)),
                             s.lora.skipped_layers > 0 ? fmt::format("; {} MLA/recurrent layers' mixer stacks not modelled", s.lora.skipped_layers)
                                                       : std::string()));
        }
        line("activation" + tag,
             fmt::format("{:.4f} GiB + max(forward {}, sampler {}{}) = {} B = {} GiB; forward = B {} x {} B x ({} x widest MLP/tp + {} x hidden {}), "
                         "sampler = {} B x min(S {}, B) x vocab {} + B x hidden x dtype",
                         static_cast<double>(calib::k_activation_base) / static_cast<double>(k_gib), grouped(s.activation_parts.forward),
                         grouped(s.activation_parts.sampler),
                         s.activation_parts.moe_workspace > 0 ? " + fused-MoE workspace " + grouped(s.activation_parts.moe_workspace) : "",
                         grouped(s.activation), gib2(to_signed(s.activation)), c.max_num_batched_tokens,
                         c.dtype_bytes, calib::k_forward_intermediate_factor, calib::k_forward_hidden_factor, m.hidden_size,
                         fixed(s.activation_parts.sampler_slope, 2), c.max_num_seqs, m.vocab_size));
        if (s.multimodal.profiled) {
            const MmProfile& mm = s.multimodal;
            line("encoder" + tag,
                 fmt::format("t {} tokens/item ({} patches); {}; N = {} item(s){} (addendum 3 §23.1, "
                             "multimodal/encoder_budget.py:45-220); encoder = {} patches x {} B x ({} x {} + {} x {}/tp) + embeddings "
                             "= {} B; cache = N x t x hidden {} x {} B = {} B; activation = max(base + encoder, LM + cache) (§23.2; A_encoder unmeasured: +/-50 % in the error bar)",
                             mm.tokens_per_item, mm.patches_per_item,
                             mm.budget > 0 ? fmt::format("budget E = max(B, t) = {}", mm.budget) : std::string("V0: min(S, B // t) sequences, no encoder budget (§23.6)"),
                             mm.items,
                             mm.items_per_gpu != mm.items ? fmt::format(", {} per GPU (--mm-encoder-tp-mode data, §23.5)", mm.items_per_gpu) : "",
                             mm.items_per_gpu * mm.patches_per_item, c.dtype_bytes, calib::k_forward_hidden_factor, m.vision.hidden,
                             m.vision.gated_mlp ? calib::k_forward_intermediate_factor : calib::k_forward_intermediate_factor - 1, m.vision.intermediate,
                             grouped(mm.encoder_activation), m.hidden_size,
                             c.dtype_bytes, grouped(mm.encoder_cache)));
        }
        line("non-torch" + tag, fmt::format("{} B = {} GiB (calibrated: TP {}, compute {}.{}, vLLM {}; docs/calibration.md)", grouped(s.non_torch),
                                            gib2(to_signed(s.non_torch)), p.request.tensor_parallel_size, p.request.gpu.compute_major,
                                            p.request.gpu.compute_minor, p.request.version.str()));
        if (c.cuda_graphs) {
            line("cuda graphs" + tag, fmt::format("{} capture sizes{} x ({} layers + 1) x {} B{} = {} B = {} GiB, {}", s.capture_sizes,
                                                  c.lora_graph_cases > 1 ? fmt::format(" x {} LoRA cases (no LoRA, max-loras + 1; addendum 3 §20.5)", c.lora_graph_cases) : std::string(),
                                                  s.end_layer - s.first_layer + s.draft_kv_layers, grouped(graph_bytes_per_piece(p.era)), graph_mode_scale(p),
                                                  grouped(s.cuda_graphs),
                                                  gib2(to_signed(s.cuda_graphs)),
                                                  std::string(p.era.engine == Engine::v0 ? "V0 full decode graphs, "
                                                              : graph_mode_explain(c.graphs)) +
                                                      (s.cuda_graphs_in_budget ? "vLLM's estimate subtracted from the budget (v0.21+)"
                                                                               : "captured after the KV cache, outside the budget")));
        }
        if (s.runner_buffers > 0) {
            const bool last = s.pp_rank + 1 == p.request.pipeline_parallel_size;
            std::string what = last ? fmt::format("penalty table S {} x vocab {} x 4 B + prompt mask S x ceil(vocab/32) x 4 B "
                                                  "(sample/penalties.py:31-41)", c.max_num_seqs, m.vocab_size)
                                    : std::string();
            if (s.pp_rank > 0) {
                what += fmt::format("{}received hidden states + residual 2 x B {} x hidden {} x {} B (make_empty_intermediate_tensors)",
                                    last ? " + " : "", c.max_num_batched_tokens, m.hidden_size, c.dtype_bytes);
            }
            line("MRv2 buffers" + tag, fmt::format("{} = {} B = {} GiB, {} (addendum 2 §13.3)", what, grouped(s.runner_buffers),
                                                   gib2(to_signed(s.runner_buffers)),
                                                   s.runner_buffers_in_budget ? "charged by the 0.27 free-memory-drop formula"
                                                                              : "allocated after the baseline, not charged before 0.27"));
        }
        if (!p.request.kv_cache_memory_bytes) {
            std::string charged = "budget - weights - activation";
            charged += s.non_torch_in_budget ? " - non-torch" : "";
            charged += s.card_in_budget ? " - CUDA context - other processes" : "";
            charged += s.cuda_graphs_in_budget ? " - graphs" : "";
            charged += s.runner_buffers_in_budget && s.runner_buffers > 0 ? " - MRv2 buffers" : "";
            line("kv cache" + tag, fmt::format("{} = {} B = {} GiB", charged,
                                               s.kv_cache >= 0 ? grouped(static_cast<Bytes>(s.kv_cache)) : "-" + grouped(static_cast<Bytes>(-s.kv_cache)),
                                               gib2(s.kv_cache)));
        }
        std::string outside = "total - budget";
        outside += s.card_in_budget ? "" : " - CUDA context";
        outside += s.card_in_budget || s.other_processes == 0 ? "" : " - other processes";
        outside += s.non_torch_in_budget ? "" : " - non-torch";
        outside += s.cuda_graphs_in_budget || !c.cuda_graphs ? "" : " - graphs";
        outside += s.runner_buffers_in_budget || s.runner_buffers == 0 ? "" : " - MRv2 buffers";
        line("free" + tag, fmt::format("{} = {} GiB", outside, gib2(s.free)));
        if (c.cuda_graphs && !s.cuda_graphs_in_budget) {
            line("graph headroom" + tag,
                 fmt::format("free {} + activation {} - its sampler part {} (freed after profiling, needed back by the sampler warm-up; "
                             "vllm/utils.py memory_profiling, gpu_worker.py compile_or_warm_up_model) = {} GiB (negative: OOM during capture)",
                             gib2(s.free), gib2(to_signed(s.activation)), gib2(to_signed(std::min(s.activation, s.activation_parts.sampler))),
                             gib2(s.graph_headroom)));
        }
        line("error bar" + tag, fmt::format("KV +/-{} GiB = weights {} + activation {}{}{}{} (docs/calibration.md)",
                                            gib2(to_signed(s.errors.kv_cache)), gib2(to_signed(s.errors.weights)),
                                            gib2(to_signed(s.errors.activation)),
                                            s.non_torch_in_budget ? " + non-torch " + gib2(to_signed(s.errors.non_torch)) : "",
                                            s.cuda_graphs_in_budget ? " + graphs " + gib2(to_signed(s.errors.cuda_graphs)) : "",
                                            s.card_in_budget ? " + CUDA context " + gib2(to_signed(calib::k_err_cuda_context)) : ""));
    }
    const AttentionShape& a = m.attention;
    if (m.is_mla()) {
        line("bytes/token", fmt::format("MLA: {} layers x (kv_lora_rank {} + qk_rope_head_dim {}) x {} B = {} (one latent, every TP rank)",
                                        m.layers.size(), a.kv_lora_rank, a.qk_rope_head_dim, kv.element_bytes, grouped(kv.bytes_per_token)));
    } else if (std::any_of(m.layers.begin(), m.layers.end(), [](const LayerSpec& l) { return l.kv_shared || l.head_dim > 0 || l.num_kv_heads > 0; }) ||
               kv_quant_mode(p.config.kv_cache_dtype) != KvQuantMode::none) {
        line("bytes/token", fmt::format("sum over the layer types below of layers x page / block = {}", grouped(kv.bytes_per_token)));
    } else {
        line("bytes/token", fmt::format("attention layers x max(1, {} KV heads / TP {}) x (head_dim {} + {}) x {} B = {}", a.num_kv_heads,
                                        p.request.tensor_parallel_size, a.head_dim, a.head_dim_v, kv.element_bytes, grouped(kv.bytes_per_token)));
    }
    const Bytes page = kv.types.empty() ? 0 : kv.types.front().page_bytes;
    if (kv.state_page_bytes > 0) {
        line("state page", fmt::format("{} B per recurrent layer (conv {} + temporal {}, split over TP {}); block {} ({})",
                                       grouped(kv.state_page_bytes), c.mamba_conv_dtype, c.mamba_ssm_dtype, p.request.tensor_parallel_size,
                                       kv.block_size, kv.block_size_reason));
    }
    const std::size_t shared = static_cast<std::size_t>(std::count_if(m.layers.begin(), m.layers.end(), [](const LayerSpec& l) { return l.kv_shared; }));
    const auto first_attention = std::find_if(kv.types.begin(), kv.types.end(), [](const KvLayerType& t) { return t.attention != LayerAttention::linear; });
    const bool mixed = std::any_of(kv.types.begin(), kv.types.end(), [&](const KvLayerType& t) {
        return t.attention != LayerAttention::linear && (t.token_bytes != first_attention->token_bytes || type_block_size(kv, t) != kv.block_size);
    });
    if (mixed || shared > 0 || kv_quant_mode(p.config.kv_cache_dtype) != KvQuantMode::none) {
        // Per layer type: its own head geometry, block size (unify_kv_cache_spec_page_size) and page.
        for (const KvLayerType& t : kv.types) {
            if (t.attention == LayerAttention::linear) {
                continue;
            }
            const std::string kind = t.attention == LayerAttention::sliding ? "sliding" : t.attention == LayerAttention::mla ? "MLA" : "full";
            const std::string window = t.attention == LayerAttention::sliding ? fmt::format(" (window {})", t.window) : "";
            line("  " + kind, fmt::format("{} layers{} x {} B/token ({}); page block {} x {} = {} B{}", t.layers, window, grouped(t.token_bytes),
                                          p.config.kv_cache_dtype, type_block_size(kv, t), grouped(t.token_bytes),
                                          grouped(t.page_bytes), type_block_size(kv, t) != kv.block_size ? " (block raised to unify page sizes)" : ""));
        }
        if (shared > 0) {
            line("  KV-shared", fmt::format("{} layers reuse an earlier layer's KV (kv_sharing_target_layer_name): no pages", shared));
        }
    }
    line("page", fmt::format("block {} x bytes per token per layer = {} B per layer", kv.block_size, grouped(page)));
    if (kv.hybrid) {
        line("num_blocks", fmt::format("kv // (page x group_size {}) = {} (hybrid: {} groups)", kv.group_size, grouped(w.num_blocks), kv.num_groups));
    } else {
        line("num_blocks", fmt::format("kv // page // layers on the GPU = {}", grouped(w.num_blocks)));
    }
    if (p.era.token_rule == TokenRule::v0_blocks) {
        line("tokens", fmt::format("num_blocks x block {} = {} (V0, V1 < 0.9.1)", kv.block_size, grouped(p.capacity.tokens)));
        line("concurrency", fmt::format("tokens / max_model_len {} = {} (V0, V1 < 0.9.1)", c.max_model_len, fixed(p.capacity.max_concurrency, 4)));
    } else {
        line("concurrency", fmt::format("num_blocks {} / {} blocks per request = {}", grouped(p.capacity.num_blocks),
                                        grouped(p.capacity.blocks_per_request), fixed(p.capacity.max_concurrency, 4)));
        line("tokens", p.era.token_rule == TokenRule::concurrency_times_len
                           ? fmt::format("int(concurrency x max_model_len {}) = {} (v0.21+)", c.max_model_len, grouped(p.capacity.tokens))
                           : fmt::format("num_blocks // groups {} x block {} = {}", kv.num_groups, kv.block_size, grouped(p.capacity.tokens)));
    }
    line("one request", fmt::format("{} B = {} GiB of KV at max_model_len {}, {} {} GiB available", grouped(w.request_bytes),
                                    gib2(to_signed(w.request_bytes)), c.max_model_len, w.kv_cache >= 0 && w.request_bytes <= static_cast<Bytes>(w.kv_cache) ? "<=" : ">",
                                    gib2(w.kv_cache)));
    return out;
}

json plan_json(const Plan& p, const PlanContext& ctx) {
    const ResolvedConfig& c = p.config;
    auto worker_json = [&](const WorkerPlan& w) {
        const WeightBreakdown& b = w.weight_parts;
        json j = json{
            {"pp_rank", w.pp_rank},
            {"layers", json::array({w.first_layer, w.end_layer})},
            {"total_bytes", w.total},
            {"budget_bytes", w.budget},
            {"weights_bytes", w.weights},
            {"activation_peak_bytes", w.activation},
            {"non_torch_bytes", w.non_torch},
            {"non_torch_in_budget", w.non_torch_in_budget},
            {"cuda_graph_bytes", w.cuda_graphs},
            {"cuda_graph_in_budget", w.cuda_graphs_in_budget},
            {"cuda_graph_capture_sizes", w.capture_sizes},
            {"runner_buffer_bytes", w.runner_buffers},
            {"runner_buffers_in_budget", w.runner_buffers_in_budget},
            {"cuda_graph_headroom_bytes", w.graph_headroom},
            {"cuda_context_bytes", w.cuda_context},
            {"cuda_context_in_budget", w.card_in_budget},
            {"other_processes_bytes", w.other_processes},
            {"kv_cache_bytes", w.kv_cache},
            {"free_bytes", w.free},
            {"num_blocks", w.num_blocks},
            {"request_kv_bytes", w.request_bytes},
            {"error_bytes",
             {{"weights", w.errors.weights}, {"activation_peak", w.errors.activation}, {"non_torch", w.errors.non_torch},
              {"cuda_graphs", w.errors.cuda_graphs}, {"kv_cache", w.errors.kv_cache}}},
            {"weights_breakdown",
             {{"embedding", b.embedding}, {"attention", b.attention}, {"mlp", b.mlp}, {"norms", b.norms}, {"lm_head", b.lm_head},
              {"rope_cache", b.rope_cache}, {"mla_absorbed", b.mla_absorbed}, {"vision", b.vision}}},
        };
        if (w.offload.offloaded > 0 || w.sleep_mode_uncharged > 0) {
            // Present only with a memory saver that moves GPU bytes (addendum 3 §24.1, §24.4.2).
            j["weights_breakdown"]["cpu_offloaded"] = b.cpu_offloaded;
            j["weights_breakdown"]["prefetch_buffers"] = b.prefetch_buffers;
            j["cpu_offload"] = json{{"limit_bytes", w.offload.limit}, {"offloaded_bytes", w.offload.offloaded},
                                    {"whole_layers", w.offload.whole_layers}, {"partial_parameters", w.offload.partial_parameters},
                                    {"prefetch_buffer_bytes", w.offload.prefetch_buffers}};
            j["sleep_mode_uncharged_bytes"] = w.sleep_mode_uncharged;
        }
        if (p.request.speculative.active()) {
            // Present only with --speculative-config: the draft's bytes are inside weights_bytes (addendum 3 §21.2).
            j["weights_breakdown"]["draft"] = b.draft;
        }
        if (c.max_loras > 0) {
            // Present only with --enable-lora: the slots' bytes are inside weights_bytes (addendum 3 §20.1).
            j["weights_breakdown"]["lora"] = b.lora;
            j["lora"] = json{{"attention_bytes", w.lora.attention}, {"mlp_bytes", w.lora.mlp}, {"embedding_bytes", w.lora.embedding},
                             {"metadata_bytes", w.lora.metadata}, {"skipped_layers", w.lora.skipped_layers},
                             {"max_loras", c.max_loras}, {"max_lora_rank", c.max_lora_rank}, {"dtype_bytes", c.lora_dtype_bytes},
                             {"fully_sharded", p.request.fully_sharded_loras}, {"cuda_graph_cases", c.lora_graph_cases}};
        }
        if (w.multimodal.multimodal) {
            // Present only for a model with an encoder (addendum 3 §23).
            const MmProfile& mm = w.multimodal;
            j["multimodal"] = json{{"profiled", mm.profiled}, {"tower_loaded", mm.tower_loaded}, {"tokens_per_item", mm.tokens_per_item},
                                   {"patches_per_item", mm.patches_per_item}, {"encoder_budget_tokens", mm.budget},
                                   {"items", mm.items}, {"items_per_gpu", mm.items_per_gpu},
                                   {"encoder_activation_bytes", mm.encoder_activation}, {"encoder_cache_bytes", mm.encoder_cache},
                                   {"assumed_item_size", mm.assumed}};
        }
        if (shows_parallel(p)) {
            // Present only with DP, EP, DCP or more than one node (addendum 3 §22).
            j["weights_breakdown"]["eplb"] = b.eplb;
            j["all2all_buffers_bytes"] = w.all2all_buffers;
        }
        return j;
    };
    json workers = json::array();
    for (const WorkerPlan& w : p.workers) {
        workers.push_back(worker_json(w));
    }
    json verdict{{"starts", p.verdict.starts}, {"reason", nullptr}, {"estimated_max_model_len", nullptr}, {"failure", "none"}, {"fixes", fix_texts(p.verdict.fixes)}};
    static constexpr const char* failures[] = {"none", "max_model_len_exceeds_model", "free_memory", "no_kv_memory", "kv_too_small",
                                               "graph_capture_oom", "mamba_blocks_short", "sleep_mode_kv_oom"};
    verdict["failure"] = failures[static_cast<int>(p.verdict.failure)];
    if (!p.verdict.starts) {
        verdict["reason"] = p.verdict.error;
    }
    if (p.verdict.estimated_max_model_len) {
        verdict["estimated_max_model_len"] = *p.verdict.estimated_max_model_len;
    }
    verdict["margin_note"] = p.verdict.margin_note.empty() ? json(nullptr) : json(p.verdict.margin_note);
    const CapacityRange& range = p.range;
    json out = json{
        {"schema_version", k_schema_version},
        {"tool_version", k_tool_version},
        {"vllm_version", p.request.version.str()},
        {"vllm_rules_extrapolated", p.era.extrapolated},
        {"vllm_rules_source_verified", p.era.source_verified},
        {"newest_modelled_vllm_version", k_newest_modelled.str()},
        {"engine", engine_name(p.era.engine)},
        {"model_runner", c.runner.runner == ModelRunner::v2 ? "v2" : "v1"},
        {"model_runner_reason", c.runner.reason},
        {"era", era_name(p.era)},
        {"calibration", p.request.calibration ? json{{"source", p.request.calibration->source}, {"exact", p.request.calibration->exact}}
                                              : json(nullptr)},
        {"model",
         {{"id", ctx.model_id}, {"name", ctx.model_label}, {"architecture", p.request.model.architecture},
          {"parameters", count_parameters(p.request.model)}, {"source", ctx.model_source},
          {"resolved_from", ctx.model_resolved_from.empty() ? json(nullptr) : json(ctx.model_resolved_from)}}},
        {"gpu",
         {{"id", p.request.gpu.id}, {"name", p.request.gpu.name}, {"total_bytes", p.request.gpu.total}, {"total_basis", p.request.gpu.total_basis},
          {"count", p.request.tensor_parallel_size * p.request.pipeline_parallel_size}}},
        {"config",
         {{"gpu_memory_utilization", c.gpu_memory_utilization}, {"max_model_len", c.max_model_len},
          {"tensor_parallel_size", p.request.tensor_parallel_size}, {"pipeline_parallel_size", p.request.pipeline_parallel_size},
          {"max_num_seqs", c.max_num_seqs}, {"max_num_batched_tokens", c.max_num_batched_tokens}, {"dtype", c.dtype},
          {"kv_cache_dtype", c.kv_cache_dtype}, {"enforce_eager", !c.cuda_graphs},
          {"entrypoint", p.request.entrypoint == Entrypoint::serve ? "serve" : "llm"}, {"chunked_prefill", c.chunked_prefill},
          {"kv_cache_memory_bytes", p.request.kv_cache_memory_bytes ? json(*p.request.kv_cache_memory_bytes) : json(nullptr)}}},
        {"per_gpu", worker_json(p.workers[p.deciding_worker])},
        {"workers", workers},
        {"kv_cache",
         {{"bytes_per_token", p.kv.bytes_per_token}, {"block_size", p.kv.block_size}, {"num_blocks", p.capacity.num_blocks},
          {"tokens", p.capacity.tokens}, {"max_model_len", c.max_model_len},
          {"max_concurrency", round_concurrency(p.capacity.max_concurrency)}, {"blocks_per_request", p.capacity.blocks_per_request},
          {"num_groups", p.kv.num_groups}, {"hybrid", p.kv.hybrid}, {"estimated", range.estimated},
          {"kv_cache_bytes_low", range.kv_low}, {"kv_cache_bytes_high", range.kv_high},
          {"tokens_low", range.tokens_low}, {"tokens_high", range.tokens_high},
          {"max_concurrency_low", round_concurrency(range.concurrency_low)},
          {"max_concurrency_high", round_concurrency(range.concurrency_high)}}},
        {"verdict", verdict},
        {"notes", p.notes},
    };
    if (shows_parallel(p)) {
        const Topology& t = c.topology;
        out["parallel"] = json{{"nodes", t.nodes}, {"gpus_per_node", t.gpus_per_node}, {"gpus", t.gpus},
                               {"gpus_per_engine", t.gpus_per_engine}, {"data_parallel_size", p.request.data_parallel_size},
                               {"enable_expert_parallel", p.request.enable_expert_parallel},
                               {"expert_parallel_size", c.experts.ep_size}, {"local_experts", c.experts.local_experts},
                               {"moe_tensor_parallel_size", c.experts.moe_tp}, {"enable_eplb", p.request.enable_eplb},
                               {"num_redundant_experts", p.request.num_redundant_experts},
                               {"all2all_backend", p.request.all2all_backend.empty() ? "allgather_reducescatter" : p.request.all2all_backend},
                               {"decode_context_parallel_size", p.request.decode_context_parallel_size}};
    }
    if (p.kv.state_page_bytes > 0) {
        // Hybrid models only: the recurrent state and why the block size is what it is.
        out["kv_cache"]["block_size_reason"] = p.kv.block_size_reason;
        out["kv_cache"]["recurrent_state"] = json{{"state_page_bytes", p.kv.state_page_bytes},
                                                  {"mamba_cache_mode", mamba_cache_mode_name(p.kv.mamba_cache_mode)},
                                                  {"prefix_caching", c.prefix_caching},
                                                  {"conv_dtype", c.mamba_conv_dtype},
                                                  {"ssm_dtype", c.mamba_ssm_dtype},
                                                  {"ssm_dtype_source", c.mamba_dtype_source}};
    }
    if (p.request.speculative.active()) {
        // Only with --speculative-config: the drafter and what it adds (addendum 3 §21); other reports keep their keys.
        const SpeculativeConfig& sc = p.request.speculative;
        out["speculative"] = json{{"method", sc.method_label},
                                  {"model", sc.model_label.empty() ? json(nullptr) : json(sc.model_label)},
                                  {"num_speculative_tokens", sc.num_speculative_tokens},
                                  {"draft_weights_bytes", c.speculative.weights},
                                  {"draft_params", c.speculative.params},
                                  {"draft_kv_layers", c.speculative.kv.layers},
                                  {"draft_kv_token_bytes", c.speculative.kv.token_bytes},
                                  {"uniform_type_kv_specs", p.kv.uniform_type}};
    }
    if (!ctx.warnings.empty()) {
        out["warnings"] = ctx.warnings;   // only when there are any
    }
    if (!ctx.not_modelled.empty()) {
        out["not_modelled_flags"] = not_modelled_json(ctx.not_modelled);   // only when there are any: other reports keep their keys
    }
    if (p.host.total() > 0 || p.request.enable_sleep_mode) {
        // Only with a memory saver (addendum 3 §24): other reports keep their keys.
        out["host_memory"] = json{{"cpu_offload_bytes", p.host.cpu_offload}, {"swap_space_bytes", p.host.swap_space},
                                  {"kv_offload_bytes", p.host.kv_offload}, {"total_bytes", p.host.total()},
                                  {"kv_offloading_backend", p.request.kv_offloading_bytes ? json(p.request.kv_offloading_backend) : json(nullptr)}};
        out["sleep_mode"] = p.request.enable_sleep_mode ? json{{"accounting", sleep_accounting_name(p.sleep_accounting)}} : json(nullptr);
    }
    if (p.request.gpu.unified_memory) {
        out["gpu"]["unified_memory"] = true;   // only on unified-memory GPUs: other reports keep their keys
    }
    return out;
}

} // namespace vramplan

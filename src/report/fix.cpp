// Fixes as text (report/fix.hpp).
#include <vramplan/report/fix.hpp>

#include <vramplan/plan.hpp>

namespace vramplan {

std::string fix_text(const Fix& f) {
    switch (f.action) {
    case Fix::Action::set_flags: break;
    case Fix::Action::free_other_processes: return "free the " + gib2(f.bytes) + " GiB other processes hold on the card";
    case Fix::Action::more_gpus_or_fp8: return "more GPUs or an fp8 KV cache (" + f.why + ")";
    case Fix::Action::smaller_model_or_more_gpus: return "a smaller model or more GPUs (nothing fits in " + gib2(f.bytes) + " GiB per GPU)";
    case Fix::Action::enforce_eager_or_smaller: return "--enforce-eager, a smaller model or a faster link";
    case Fix::Action::env_graph_estimate: return "VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=1 (counts the graphs in the budget)";
    }
    std::string s;
    const auto add = [&s](const std::string& part) { s += (s.empty() ? "" : " ") + part; };
    if (f.gpu_memory_utilization) {
        add("--gpu-memory-utilization " + fixed(*f.gpu_memory_utilization, 2));
    }
    if (f.max_model_len) {
        add("--max-model-len " + std::to_string(*f.max_model_len));
    }
    if (f.kv_cache_memory_bytes) {
        add("--kv-cache-memory-bytes " + std::to_string(*f.kv_cache_memory_bytes));
    }
    if (f.kv_cache_dtype) {
        add("--kv-cache-dtype " + *f.kv_cache_dtype);
    }
    if (f.max_num_seqs) {
        add("--max-num-seqs " + std::to_string(*f.max_num_seqs));
    }
    if (f.enforce_eager) {
        add("--enforce-eager");
    }
    switch (f.effect) {
    case Fix::Effect::none: break;
    case Fix::Effect::halves_kv_per_token: add("(halves the KV cache per token)"); break;
    case Fix::Effect::no_cuda_graphs: add("(no CUDA graphs; slower decoding)"); break;
    }
    return s;
}

std::vector<std::string> fix_texts(const std::vector<Fix>& fixes) {
    std::vector<std::string> out;
    for (const Fix& f : fixes) {
        out.push_back(fix_text(f));
    }
    return out;
}

} // namespace vramplan

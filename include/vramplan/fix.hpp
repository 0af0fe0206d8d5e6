#pragma once
/// A fix: the smallest change that makes a plan start or a policy rule hold, as data: which vLLM
/// flags to set to which values, or what to do outside vLLM's flags. Rendered at the edge
/// (report/fix.hpp); never text that another command parses back.

#include <vramplan/bytes.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace vramplan {

struct Fix {
    /// What to do besides (or instead of) setting flags.
    enum class Action {
        set_flags,                 ///< only the flags below
        free_other_processes,      ///< free the `bytes` other processes hold on the card
        more_gpus_or_fp8,          ///< no utilization reaches the target (`why`)
        smaller_model_or_more_gpus,///< nothing fits in `bytes` per GPU
        enforce_eager_or_smaller,  ///< --enforce-eager, a smaller model or a faster link (restore time)
        env_graph_estimate,        ///< VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=1: graphs counted in the budget
    };
    /// What the flags cost, said beside them.
    enum class Effect {
        none,
        halves_kv_per_token,   ///< an fp8 KV cache
        no_cuda_graphs,        ///< --enforce-eager: slower decoding
    };
    Action action = Action::set_flags;
    Effect effect = Effect::none;
    std::optional<double> gpu_memory_utilization;
    std::optional<std::uint64_t> max_model_len;
    std::optional<Bytes> kv_cache_memory_bytes;
    std::optional<std::string> kv_cache_dtype;
    std::optional<std::uint64_t> max_num_seqs;
    bool enforce_eager = false;
    SignedBytes bytes = 0;   ///< free_other_processes, smaller_model_or_more_gpus
    std::string why;         ///< more_gpus_or_fp8: what stands in the way

    /// A fix that sets only the utilization.
    static Fix utilization(double u) {
        Fix f;
        f.gpu_memory_utilization = u;
        return f;
    }
    /// The utilization when this fix changes nothing else, else nullopt.
    [[nodiscard]] std::optional<double> only_utilization() const {
        if (action != Action::set_flags || max_model_len || kv_cache_memory_bytes || kv_cache_dtype || max_num_seqs || enforce_eager) {
            return std::nullopt;
        }
        return gpu_memory_utilization;
    }
};

} // namespace vramplan

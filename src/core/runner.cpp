#include <vramplan/runner.hpp>

#include <algorithm>
#include <array>
#include <string_view>

namespace vramplan {

namespace {

/// True when `arch` is one of `names`.
template <std::size_t N>
bool among(const std::string& arch, const std::array<std::string_view, N>& names) {
    return std::find(names.begin(), names.end(), arch) != names.end();
}

/// MoE architectures on MRv2 by default (DEFAULT_V2_MODEL_RUNNER_ARCHITECTURES, vllm/config/vllm.py:69
/// @main; 0.24's list, vllm.py:68-77 @C24). Inkling/LongcatFlashNgram (0.26), Kimi-K3 (0.27) and
/// DeepSeek-V3.2/V4, GLM-MoE-DSA (0.28) joined later; none has a catalog profile yet.
constexpr std::array<std::string_view, 8> k_listed_moe{
    "DeepseekV2ForCausalLM", "Qwen2MoeForCausalLM", "GraniteMoeForCausalLM", "InklingForCausalLM",
    "LongcatFlashNgramForCausalLM", "KimiK3ForConditionalGeneration", "DeepseekV32ForCausalLM", "DeepseekV4ForCausalLM"};

bool hybrid(const ModelSpec& m) {
    return std::any_of(m.layers.begin(), m.layers.end(), [](const LayerSpec& l) { return l.attention == LayerAttention::linear; });
}

RunnerChoice v1_runner(std::string reason) { return {ModelRunner::v1, std::move(reason)}; }
RunnerChoice v2_runner(std::string reason) { return {ModelRunner::v2, std::move(reason)}; }

} // namespace

RunnerChoice choose_model_runner(const ModelSpec& m, const EraRules& era) {
    if (era.engine != Engine::v1 || era.mrv2_default == Mrv2Default::none) {
        return v1_runner("V1 model runner (Model Runner V2 is opt-in before vLLM 0.22)");
    }
    const std::string& arch = m.architecture;
    const bool quantized = m.quant.method != QuantMethod::none;
    switch (era.mrv2_default) {
    case Mrv2Default::none:   // returned above
    case Mrv2Default::dense:  // the rule below the switch
        break;
    case Mrv2Default::qwen3:
    case Mrv2Default::qwen3_llama_mistral: {
        const bool listed = arch == "Qwen3ForCausalLM" ||
                            (era.mrv2_default == Mrv2Default::qwen3_llama_mistral && (arch == "LlamaForCausalLM" || arch == "MistralForCausalLM"));
        if (listed && !m.is_moe() && !quantized) {
            return v2_runner("Model Runner V2: vLLM " + era.version.str() + " runs dense unquantized " + arch + " on it (#39337, #43458)");
        }
        return v1_runner("V1 model runner: vLLM " + era.version.str() + " runs only dense unquantized Qwen3" +
                         (era.mrv2_default == Mrv2Default::qwen3 ? "" : ", Llama and Mistral") + " on Model Runner V2");
    }
    case Mrv2Default::listed: {
        constexpr std::array<std::string_view, 6> k_0_24{"Qwen3ForCausalLM",      "LlamaForCausalLM",    "MistralForCausalLM",
                                                        "DeepseekV2ForCausalLM", "Qwen2MoeForCausalLM", "GraniteMoeForCausalLM"};
        if (among(arch, k_0_24)) {
            return v2_runner("Model Runner V2: " + arch + " is on vLLM 0.24's list (vllm/config/vllm.py:68-77)");
        }
        return v1_runner("V1 model runner: " + arch + " is not on vLLM 0.24's Model Runner V2 list");
    }
    }
    const bool listed_moe = among(arch, k_listed_moe);
    if (hybrid(m) && !listed_moe) {
        return v1_runner("V1 model runner: hybrid (Mamba / linear-attention) models stay on it (vllm/config/vllm.py:651)");
    }
    if (m.is_moe() && !listed_moe) {
        return v1_runner("V1 model runner: MoE models other than the listed ones stay on it (vllm/config/vllm.py:658)");
    }
    return v2_runner("Model Runner V2: vLLM 0.25+ runs every dense generative model on it (#44443)");
}

Bytes mrv2_penalty_buffers(std::uint64_t max_num_seqs, std::uint64_t vocab_size) {
    const Bytes counts = checked_mul(max_num_seqs, vocab_size, 4);
    const Bytes mask = checked_mul(max_num_seqs, cdiv(vocab_size, 32), 4);
    return checked_add(counts, mask);
}

Bytes mrv2_persistent_buffers(const ModelSpec& m, const WorkerShape& w, std::uint64_t max_num_seqs, std::uint64_t max_num_batched_tokens) {
    Bytes total = 0;
    if (w.pp_rank + 1 == w.pp) {
        total = mrv2_penalty_buffers(max_num_seqs, m.vocab_size);
    }
    if (w.pp_rank > 0) {
        total = checked_add(total, checked_mul(checked_mul(2, max_num_batched_tokens), checked_mul(m.hidden_size, w.dtype_bytes)));
    }
    return total;
}

} // namespace vramplan

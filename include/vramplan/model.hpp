#pragma once
/// A model architecture reduced to what decides its memory in vLLM.
///
/// The I/O layer turns a Hugging Face `config.json` into a `ModelSpec`; the core never sees JSON.
/// Sizes are element counts, not bytes; dtypes are resolved by the planner.

#include <cstdint>
#include <string>
#include <vector>

namespace vramplan {

/// How a decoder layer caches keys and values (vllm/v1/kv_cache_interface.py).
enum class LayerAttention {
    full,    ///< FullAttentionSpec
    sliding, ///< SlidingWindowSpec (`window` tokens)
    mla,     ///< MLAAttentionSpec: one latent of kv_lora_rank + qk_rope_head_dim per token
    linear,  ///< recurrent state (Mamba / gated delta-net): constant per request, no per-token KV
    none,    ///< no token mixer (Nemotron-H MLP/MoE-only layers, pattern '-' / 'E'): no KV spec at all
};

/// One decoder layer.
struct LayerSpec {
    LayerAttention attention = LayerAttention::full;
    std::uint64_t window = 0; ///< sliding window in tokens (sliding layers only)
    bool moe = false;         ///< MLP is a mixture of experts
    /// Falcon-H1: the layer runs a Mamba mixer beside its attention, so it holds both a KV page
    /// and a state page (two KV specs per decoder layer in vLLM).
    bool parallel_mamba = false;
    // Per-layer attention geometry (Gemma-4: full layers use `global_head_dim`, and with
    // `attention_k_eq_v` `num_global_key_value_heads`; vllm/transformers_utils/configs/gemma4.py
    // `gemma4_layer_config`). Zero: the model-wide AttentionShape value.
    std::uint64_t head_dim = 0;          ///< head size of this layer's q, k and v (0: attention.head_dim)
    std::uint64_t num_kv_heads = 0;      ///< KV heads of this layer (0: attention.num_kv_heads)
    std::uint64_t intermediate_size = 0; ///< dense MLP width of this layer (0: ModelSpec::intermediate_size)
    /// Reuses an earlier layer's KV cache (`kv_sharing_target_layer_name`): no KV spec, no pages
    /// (vllm/v1/worker/gpu_model_runner.py get_kv_cache_spec @main).
    bool kv_shared = false;
};

/// Weight quantization of the checkpoint (`quantization_config`).
enum class QuantMethod {
    none,
    fp8,          ///< 8-bit float weights (`fp8`, compressed-tensors float 8-bit, FBGEMM fp8)
    int8,         ///< 8-bit integer weights (compressed-tensors w8a8 int, GPTQ/AWQ 8-bit)
    int4_group,   ///< 4-bit packed integer weights with group scales (GPTQ, AWQ, compressed-tensors w4a16)
    mxfp4,        ///< MXFP4 experts, e8m0 scales per 32 elements (gpt-oss); other linears unquantized
    nvfp4,        ///< NVFP4 (ModelOpt, compressed-tensors nvfp4): fp4 values, fp8 scale per 16, fp32 global scales
    bitsandbytes, ///< NF4/FP4 with per-64 absmax
};

struct QuantSpec {
    QuantMethod method = QuantMethod::none;
    std::string name;               ///< as in the config ("gptq", "awq", "compressed-tensors", …)
    std::uint32_t bits = 16;
    std::uint32_t group_size = 0;   ///< 0: per output channel; >0: per group of input elements
    bool zero_point = false;        ///< stores packed zero points (AWQ, asymmetric GPTQ)
    std::uint32_t fp8_block = 0;    ///< fp8 block-scale edge (128 for 128x128); 0 = per channel/tensor
    bool kv_cache_fp8 = false;      ///< compressed-tensors `kv_cache_scheme`: forces fp8 KV
    /// The config omits the list of modules left unquantized (compressed-tensors `ignore`, AWQ
    /// `modules_to_not_convert`): the attention projections may be stored in the model dtype.
    bool unsure_ignore = false;
    /// The config omits the key that decides zero points (GPTQ `sym`, AWQ `zero_point`,
    /// compressed-tensors `symmetric`): the estimate takes the default, the other reading is possible.
    bool unsure_zero_point = false;
    /// MXFP4 experts run on Marlin (GPUs outside SM 9.0-10.x, where the OAI Triton and TRT-LLM
    /// kernels are not available): intermediate padded to 128 instead of 256
    /// (`mxfp4_round_up_hidden_size_and_intermediate_size`, fused_moe/oracle/mxfp4.py:632 @main).
    bool mxfp4_marlin = false;
    /// Size the tensors as the checkpoint stores them (no kernel padding): the reference that an
    /// exact checkpoint size is compared with.
    bool as_stored = false;
};

/// The attention of a standard layer (GQA/MHA) and of an MLA layer.
struct AttentionShape {
    std::uint64_t num_heads = 0;
    std::uint64_t num_kv_heads = 0;
    std::uint64_t head_dim = 0;
    std::uint64_t head_dim_v = 0;
    bool qkv_bias = false;
    bool o_bias = false;
    bool qk_norm = false;   ///< per-head q/k RMSNorm (Qwen3, Gemma 3)
    bool sinks = false;     ///< per-head attention sinks (gpt-oss)
    // MLA (DeepSeek V2/V3, Kimi): zero kv_lora_rank means standard attention.
    std::uint64_t q_lora_rank = 0;
    std::uint64_t kv_lora_rank = 0;
    std::uint64_t qk_nope_head_dim = 0;
    std::uint64_t qk_rope_head_dim = 0;
    std::uint64_t v_head_dim = 0;
};

/// Which recurrent mixer the `linear` layers run: the vLLM state calculator that sizes their
/// state (vllm/model_executor/layers/mamba/mamba_utils.py MambaStateShapeCalculator).
enum class LinearKind : std::uint8_t {
    gated_delta_net, ///< Qwen3-Next, Qwen3.5 / 3.8: conv (3 heads' worth) + (v_heads, v_dim, k_dim) state
    mamba2,          ///< Granite-4, Nemotron-H, Falcon-H1, Bamba: conv + (heads, head_dim, d_state)
    mamba1,          ///< Jamba: conv + (d_inner, d_state)
    kda,             ///< Kimi-Linear (Kimi delta attention): conv + (heads, head_dim, head_dim) in float32
};

/// The recurrent layers of a hybrid model (Mamba, gated delta-net, KDA). Element counts; the
/// state dtypes are resolved by the planner (`--mamba-cache-dtype`, `--mamba-ssm-cache-dtype`).
struct LinearAttentionShape {
    LinearKind kind = LinearKind::gated_delta_net;
    // Gated delta-net (linear_num_key_heads …).
    std::uint64_t num_k_heads = 0;
    std::uint64_t num_v_heads = 0;
    std::uint64_t k_head_dim = 0;
    std::uint64_t v_head_dim = 0;
    std::uint64_t conv_kernel = 4;      ///< d_conv / linear_conv_kernel_dim / short_conv_kernel_size
    // Mamba1 / Mamba2 / KDA.
    std::uint64_t intermediate = 0;     ///< Mamba d_inner (mamba_expand x hidden, mamba_d_ssm, heads x head_dim)
    std::uint64_t state_size = 0;       ///< Mamba d_state
    std::uint64_t n_groups = 1;         ///< Mamba2 B/C groups
    std::uint64_t num_heads = 0;        ///< Mamba2 / KDA heads
    std::uint64_t head_dim = 0;         ///< Mamba2 / KDA head dimension
    std::uint64_t dt_rank = 0;          ///< Mamba1 dt projection rank
    std::uint64_t chunk_size = 2048;    ///< ModelConfig.get_mamba_chunk_size (mamba_chunk_size, chunk_size, else 2048)
    /// The model implements SupportsMambaPrefixCaching, so mamba_cache_mode "all" is allowed
    /// (Jamba, Granite-4, Nemotron-H, Falcon-H1, Mamba/Mamba2); others fall back to "align".
    bool supports_all_mode = false;
    /// The state dtype the model's config imposes when --mamba-ssm-cache-dtype is auto
    /// ("float32"; "" when none): Qwen3.5's `mamba_ssm_dtype`, Nemotron-H's `mamba_ssm_cache_dtype`
    /// (float32 by default). vllm/model_executor/models/config.py.
    std::string ssm_dtype;
};

enum class MlpKind { gated, plain };

struct MoeShape {
    std::uint64_t num_experts = 0;
    std::uint64_t top_k = 0;
    std::uint64_t expert_intermediate = 0;
    std::uint64_t shared_intermediate = 0; ///< total width of the shared experts (0: none)
    bool shared_gate = false;              ///< Qwen2-MoE `shared_expert_gate`
    bool router_bias = false;              ///< gpt-oss router bias, DeepSeek-V3 correction bias
};

enum class NormKind { rms, layer };

/// Gemma-4 per-layer embeddings (PLE): `embed_tokens_per_layer` (vocab_size_per_layer_input x
/// layers·hidden_size_per_layer_input), `per_layer_model_projection`, its norm, and per layer a
/// gate, a projection and a norm (vllm/model_executor/models/gemma4.py @main).
struct PerLayerEmbedding {
    std::uint64_t hidden = 0; ///< hidden_size_per_layer_input (0: no PLE)
    std::uint64_t vocab = 0;  ///< vocab_size_per_layer_input
};

/// How the tokens of one multimodal item follow from its pixels: which of vLLM's
/// `get_mm_max_tokens_per_item` rules the model family uses (addendum 3 §23.1, §23.3).
enum class MmTokenRule : std::uint8_t {
    none,          ///< no rule known: one token per patch of one `image_size` tile assumed (warned)
    qwen_pixels,   ///< Qwen2-VL / 2.5-VL / 3-VL / 3.5: t = max_pixels / (patch · merge)^2
    fixed,         ///< a fixed count per image (Gemma-3 `mm_tokens_per_image`)
    pixtral,       ///< Pixtral / Mistral-3: (image_size/patch/merge)^2 + one break token per row
    mllama,        ///< Llama-3.2-Vision (V0 encoder-decoder): 4 tiles of (image_size/patch)^2 + 1 patches
};

/// The encoder (vision tower) of a multimodal model: its weights and the shape of its profile run.
struct VisionShape {
    std::uint64_t params = 0;       ///< encoder + projector parameters (0: text-only model)
    std::uint64_t depth = 0;        ///< encoder blocks
    std::uint64_t hidden = 0;       ///< encoder width
    std::uint64_t intermediate = 0; ///< encoder MLP width
    std::uint64_t patch = 0;        ///< patch edge in pixels
    std::uint64_t merge = 1;        ///< spatial merge edge (2: 2x2 patches make one LM token)
    std::uint64_t image_size = 0;   ///< tile edge in pixels (0: dynamic resolution)
    std::uint64_t fixed_tokens = 0; ///< MmTokenRule::fixed: tokens per item
    std::uint64_t fixed_patches = 0; ///< MmTokenRule::fixed: encoder patches per item (0: one image_size tile)
    std::uint64_t max_pixels = 0;   ///< MmTokenRule::qwen_pixels: the processor's default max_pixels
    bool video = false;             ///< the tower also serves video (both limits 0 drop it, §23.4)
    bool gated_mlp = false;         ///< gate/up MLP (hidden_act silu: Qwen2.5-VL, Pixtral); else fc1 → act → fc2
    MmTokenRule rule = MmTokenRule::none;
};

/// A decoder-only language model, as far as memory is concerned.
struct ModelSpec {
    std::string architecture;         ///< first entry of `architectures`
    std::string model_type;
    std::uint64_t hidden_size = 0;
    std::uint64_t vocab_size = 0;
    bool tie_word_embeddings = false;
    std::uint64_t max_model_len = 0;  ///< derived default max_model_len (vLLM `_get_and_verify_max_len`)
    std::string max_len_source;       ///< which key (and rope factor) gave max_model_len
    std::string torch_dtype;          ///< config `torch_dtype` ("bfloat16", "float16", "float32", "")

    AttentionShape attention;
    LinearAttentionShape linear_attention;
    MlpKind mlp_kind = MlpKind::gated;
    std::uint64_t intermediate_size = 0; ///< dense MLP width
    bool mlp_bias = false;
    MoeShape moe;
    std::vector<LayerSpec> layers;

    NormKind norm = NormKind::rms;
    std::uint64_t norms_per_layer = 2;    ///< Gemma 2/3: 4 (pre/post attention and MLP)
    std::uint64_t learned_positions = 0;  ///< rows of a learned position embedding (GPT-2, OPT)
    std::uint64_t rotary_dim = 0;         ///< 0: no rotary embedding
    std::uint64_t rope_max_positions = 0; ///< rows of vLLM's cos/sin cache
    std::uint64_t rope_caches = 1;        ///< distinct RoPE caches (Gemma 3: local and global)
    bool lm_head_bias = false;

    QuantSpec quant;
    VisionShape vision;
    /// Multimodal prefix-LM models (Gemma-4) must fit one multimodal item in a batch: vLLM 0.22+
    /// raises a defaulted max_num_batched_tokens to the largest per-item token count (#43051,
    /// addendum 2 §15.1). 0: not such a model.
    std::uint64_t mm_prefix_lm_min_batched_tokens = 0;
    PerLayerEmbedding ple;

    [[nodiscard]] bool is_mla() const { return attention.kv_lora_rank > 0; }
    [[nodiscard]] bool is_moe() const { return moe.num_experts > 0; }
    /// Any layer holds a recurrent (Mamba-style) state: vLLM's `is_hybrid` / attention-free models.
    [[nodiscard]] bool has_linear_layers() const {
        for (const LayerSpec& l : layers) {
            if (l.attention == LayerAttention::linear || l.parallel_mamba) {
                return true;
            }
        }
        return false;
    }
};

} // namespace vramplan

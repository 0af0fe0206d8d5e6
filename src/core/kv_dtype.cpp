#include <vramplan/kv_dtype.hpp>

#include <vramplan/bytes.hpp>

namespace vramplan {

namespace {

/// An fp32 scale (`get_dtype_size(torch.float32)`, triton_attn.py:287 @main).
constexpr std::uint64_t k_fp32_scale_bytes = 4;

/// NVFP4 packs two fp4 values per byte and one fp8 (e4m3) scale per 16 values
/// (`nvfp4_kv_cache_full_dim`, vllm/utils/torch_utils.py:531 @main).
constexpr std::uint64_t k_nvfp4_values_per_byte = 2;
constexpr std::uint64_t k_nvfp4_scale_group = 16;

} // namespace

const std::vector<KvCacheDtypeInfo>& kv_cache_dtypes() {
    using M = KvQuantMode;
    // Releases: the one whose cut follows the merge (spec vllm-memory-model.md §5.1 and
    // vllm-memory-model-2.md §16.1 give the pull requests; merge dates from the vLLM history).
    static const std::vector<KvCacheDtypeInfo> table{
        {"auto", M::none, {0, 1, 0}, "vllm/config/cache.py", true},
        {"float16", M::none, {0, 1, 0}, "vllm/config/cache.py", true},
        {"bfloat16", M::none, {0, 1, 0}, "vllm/config/cache.py", true},
        {"fp8", M::fp8_per_tensor, {0, 1, 0}, "vllm/config/cache.py", true},
        {"fp8_e4m3", M::fp8_per_tensor, {0, 1, 0}, "vllm/config/cache.py", true},
        {"fp8_e5m2", M::fp8_per_tensor, {0, 1, 0}, "vllm/config/cache.py", true},
        {"fp8_inc", M::fp8_per_tensor, {0, 1, 0}, "vllm/config/cache.py", true},
        {"fp8_ds_mla", M::fp8_per_tensor, {0, 1, 0}, "DeepSeek-V3.2 latent format (656 B/token)", true},
        {"turboquant_k8v4", M::none, {0, 21, 0}, "#38479", false},
        {"turboquant_4bit_nc", M::none, {0, 21, 0}, "#38479", false},
        {"turboquant_k3v4_nc", M::none, {0, 21, 0}, "#38479", false},
        {"turboquant_3bit_nc", M::none, {0, 21, 0}, "#38479", false},
        {"int4_per_token_head", M::int4_per_token_head, {0, 25, 0}, "#40835 (2026-06-24)", true},
        {"int8_per_token_head", M::int8_per_token_head, {0, 20, 0}, "#38378 (2026-04-02)", true},
        {"fp8_per_token_head", M::fp8_per_token_head, {0, 20, 0}, "#38378 (2026-04-02)", true},
        {"nvfp4", M::nvfp4, {0, 21, 0}, "#40177 (2026-04-30)", true},
        {"nvfp4_4over6", M::nvfp4, {0, 28, 0}, "#45187 (2026-08-07)", true},
    };
    return table;
}

std::optional<KvCacheDtypeInfo> find_kv_cache_dtype(const std::string& name) {
    for (const KvCacheDtypeInfo& d : kv_cache_dtypes()) {
        if (d.name == name) {
            return d;
        }
    }
    return std::nullopt;
}

std::string kv_cache_dtype_problem(const std::string& name, VllmVersion version) {
    const std::optional<KvCacheDtypeInfo> d = find_kv_cache_dtype(name);
    if (!d) {
        const std::vector<KvCacheDtypeInfo>& all = kv_cache_dtypes();
        std::string list;
        for (std::size_t i = 0; i < all.size(); ++i) {
            list += (i == 0 ? "" : i + 1 == all.size() ? " or " : ", ") + all[i].name;
        }
        return "--kv-cache-dtype: expected " + list;
    }
    if (version < d->since) {
        return "--kv-cache-dtype " + name + ": vLLM accepts it from " + d->since.str() + " (" + d->source + "), not in " +
               version.str();
    }
    if (!d->modelled) {
        return "--kv-cache-dtype " + name + ": vLLM " + d->since.str() + "+ accepts it, but vramplan does not size its "
               "packed slots yet";
    }
    return "";
}

KvQuantMode kv_quant_mode(const std::string& name) {
    const std::optional<KvCacheDtypeInfo> d = find_kv_cache_dtype(name);
    return d ? d->mode : KvQuantMode::none;
}

std::uint64_t kv_head_token_bytes(KvQuantMode mode, std::uint64_t element_bytes, std::uint64_t head_size,
                                  std::uint64_t head_size_v) {
    switch (mode) {
    case KvQuantMode::none:
        return checked_mul(checked_add(head_size, head_size_v), element_bytes);
    case KvQuantMode::fp8_per_tensor:
        return checked_add(head_size, head_size_v);
    case KvQuantMode::int8_per_token_head:
    case KvQuantMode::fp8_per_token_head:
        // TritonAttentionBackend.customize_spec (triton_attn.py:278-289 @main): (hs_k + hs_v) one-byte
        // elements plus one fp32 scale per side.
        return checked_add(checked_add(head_size, head_size_v), 2 * k_fp32_scale_bytes);
    case KvQuantMode::int4_per_token_head:
        // Same, with hs // 2 bytes per side (two int4 per uint8).
        return checked_add(head_size / 2 + head_size_v / 2, 2 * k_fp32_scale_bytes);
    case KvQuantMode::nvfp4:
        // FlashInferBackend.customize_spec (flashinfer.py:393-405 @main): 2 x num_kv_heads head slots of
        // nvfp4_kv_cache_full_dim(hs) = hs // 2 + hs // 16 uint8 bytes each.
        return checked_add(head_size / k_nvfp4_values_per_byte + head_size / k_nvfp4_scale_group,
                           head_size_v / k_nvfp4_values_per_byte + head_size_v / k_nvfp4_scale_group);
    }
    return checked_mul(checked_add(head_size, head_size_v), element_bytes);
}

} // namespace vramplan

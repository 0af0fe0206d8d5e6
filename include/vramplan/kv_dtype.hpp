#pragma once
/// KV-cache dtypes as vLLM names them (`--kv-cache-dtype`, vllm/config/cache.py `CacheDType`), the
/// quantization mode each selects (vllm/v1/kv_cache_interface.py `get_kv_quant_mode`), the release
/// each name appeared in, and the bytes one KV head of one token occupies in a page, scales included.
///
/// Sub-byte formats stay exact in integers: vLLM's page is `num_head_slots x block_size x
/// state_content_bytes` with `state_content_bytes` an integer for every format (packed fp4 data
/// plus fp8 block scales; int4 halves plus fp32 scales), so the planner counts bytes per
/// (KV head, token) and never a fractional element size.

#include <vramplan/version.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vramplan {

/// vLLM's `KVQuantMode` (vllm/v1/kv_cache_interface.py:36 @main), for the modes vramplan models.
enum class KvQuantMode {
    none,                ///< the element size of the dtype (bf16/fp16/fp32), K and V dense
    fp8_per_tensor,      ///< fp8, fp8_e4m3, fp8_e5m2, fp8_inc: 1 byte per element, per-tensor scales
    int8_per_token_head, ///< 1 byte per element + one fp32 scale per (token, head) for K and for V
    fp8_per_token_head,  ///< same layout as int8_per_token_head
    int4_per_token_head, ///< head_size/2 bytes (2 x int4 per byte) + one fp32 scale per side
    nvfp4,               ///< head_size/2 bytes of fp4 + head_size/16 fp8 block scales per side
};

/// One `--kv-cache-dtype` name vLLM accepts.
struct KvCacheDtypeInfo {
    std::string name;
    KvQuantMode mode = KvQuantMode::none;
    VllmVersion since;      ///< first release that accepts the name
    std::string source;     ///< the pull request (and merge date) that added it
    bool modelled = true;   ///< false: vLLM accepts it, vramplan does not size it (turboquant_*)
};

/// Every name vLLM's `CacheDType` lists (vllm/config/cache.py:19-37 @main), in that order.
const std::vector<KvCacheDtypeInfo>& kv_cache_dtypes();

/// The entry for `name`, or nullopt when vLLM has no such KV-cache dtype.
std::optional<KvCacheDtypeInfo> find_kv_cache_dtype(const std::string& name);

/// Why `name` cannot be planned with vLLM `version` ("" when it can): unknown to vLLM, newer than
/// the release, or accepted by vLLM but not sized by vramplan.
std::string kv_cache_dtype_problem(const std::string& name, VllmVersion version);

/// The quantization mode of a resolved KV dtype name ("bfloat16", "fp8", "nvfp4", …); `none` for
/// the 16/32-bit model dtypes.
KvQuantMode kv_quant_mode(const std::string& name);

/// Bytes one KV head of one token takes in a page, K and V together, scales included:
/// vLLM's `state_content_size_bytes` (`AttentionSpec`, kv_cache_interface.py @main) after the
/// backend's `customize_spec`. `element_bytes` is the dense element size (mode `none`).
std::uint64_t kv_head_token_bytes(KvQuantMode mode, std::uint64_t element_bytes, std::uint64_t head_size,
                                  std::uint64_t head_size_v);

} // namespace vramplan

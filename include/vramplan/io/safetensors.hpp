#pragma once
/// Exact checkpoint sizes from safetensors headers, without reading the weights.

#include <vramplan/bytes.hpp>

#include <optional>
#include <string>

namespace vramplan {

/// Largest header accepted, as the safetensors format itself caps it (100 MB, `MAX_HEADER_SIZE`).
inline constexpr Bytes k_max_safetensors_header = 100'000'000;

/// Sum of the tensor data sizes declared in one `.safetensors` file's header (8-byte little-endian
/// length, then JSON). Validates offsets against the file size. Throws InputError naming the file.
Bytes safetensors_data_bytes(const std::string& path);

struct CheckpointSize {
    Bytes bytes = 0;
    std::string source; ///< "3 safetensors headers" or "model.safetensors.index.json metadata.total_size"
};

/// The checkpoint size of a model directory: the sum over `*.safetensors` headers, else
/// `model.safetensors.index.json`'s `metadata.total_size`; nullopt when the directory has neither.
std::optional<CheckpointSize> checkpoint_size(const std::string& directory);

} // namespace vramplan

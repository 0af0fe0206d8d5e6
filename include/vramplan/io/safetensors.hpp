#pragma once
/// Exact checkpoint sizes from safetensors headers, without reading the weights.

#include <vramplan/bytes.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace vramplan {

/// Largest header accepted, as the safetensors format itself caps it (100 MB, `MAX_HEADER_SIZE`).
inline constexpr Bytes k_max_safetensors_header = 100'000'000;

/// Sum of the tensor data sizes declared in one `.safetensors` file's header (8-byte little-endian
/// length, then JSON). Validates offsets against the file size. Throws InputError naming the file.
Bytes safetensors_data_bytes(const std::string& path);

/// The header length from the first 8 bytes of a file of `file_size` bytes, checked against the
/// format's cap and the file size before anything is allocated. Throws InputError naming `where`.
std::uint64_t safetensors_header_length(std::string_view start, std::uint64_t file_size, const std::string& where);
/// Sum of the tensor sizes declared in a header's JSON, each checked against the `data_size`-byte
/// data section that follows it.
Bytes safetensors_header_data_bytes(const std::string& header, std::uint64_t data_size, const std::string& where);
/// safetensors_data_bytes over a whole file already in memory.
Bytes safetensors_data_bytes_in(std::string_view file, const std::string& where);

struct CheckpointSize {
    Bytes bytes = 0;
    std::string source; ///< "3 safetensors headers" or "model.safetensors.index.json metadata.total_size"
};

/// The checkpoint size of a model directory: the sum over `*.safetensors` headers, else
/// `model.safetensors.index.json`'s `metadata.total_size`; nullopt when the directory has neither.
std::optional<CheckpointSize> checkpoint_size(const std::string& directory);

/// `model.safetensors.index.json`'s `metadata.total_size`. Throws InputError naming `where`.
CheckpointSize parse_safetensors_index(const std::string& text, const std::string& where);

} // namespace vramplan

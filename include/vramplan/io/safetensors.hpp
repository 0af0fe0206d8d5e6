#pragma once
/// Exact checkpoint sizes from safetensors headers, without reading the weights.

#include <vramplan/bytes.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vramplan {

/// Largest header accepted, as the safetensors format itself caps it (100 MB, `MAX_HEADER_SIZE`).
inline constexpr Bytes k_max_safetensors_header = 100'000'000;

/// Sum of the tensor data sizes declared in one `.safetensors` file's header (8-byte little-endian
/// length, then JSON). Validates offsets against the file size. Throws InputError naming the file.
Bytes safetensors_data_bytes(const std::string& path);

/// The header length from the first 8 bytes of a file of `file_size` bytes, checked against the
/// format's cap and the file size before anything is allocated. Throws InputError naming `where`.
std::uint64_t safetensors_header_length(std::string_view start, std::uint64_t file_size, const std::string& where);
/// What a safetensors header declares, validated as the safetensors library validates it.
struct SafetensorsHeaderScan {
    std::uint64_t tensors = 0; ///< tensors declared (`__metadata__` is not one)
    /// End of the last tensor's range: the exact size the data section must have, and the sum of
    /// the tensor sizes (the ranges run contiguously from 0).
    Bytes data_end = 0;
    std::string last_tensor; ///< the tensor that ends at data_end ("" when none)
    Bytes last_begin = 0;    ///< where it begins
};

/// Validates a header's JSON in one SAX pass, without building a JSON DOM (memory: the tensor names
/// plus 24 bytes a tensor), as safetensors' `read_metadata`/`Metadata::validate` do
/// (safetensors/src/tensor.rs): an object of tensors {dtype, shape, data_offsets} and an optional
/// `__metadata__` string map; known dtypes; non-negative dimensions; product(shape) x dtype bits a
/// whole number of bytes equal to end - begin; ranges, sorted, contiguous from 0 (no gap, no
/// overlap); no name twice. Throws InputError{where, "safetensors header: ..."} naming the tensor.
SafetensorsHeaderScan scan_safetensors_header(std::string_view header, const std::string& where);

/// Sum of the tensor sizes declared in a header's JSON (scan_safetensors_header), the ranges
/// required to end exactly at the end of the `data_size`-byte data section that follows it, as
/// safetensors requires (MetadataIncompleteBuffer). Throws InputError naming `where`.
Bytes safetensors_header_data_bytes(const std::string& header, std::uint64_t data_size, const std::string& where);
/// safetensors_data_bytes over a whole file already in memory.
Bytes safetensors_data_bytes_in(std::string_view file, const std::string& where);

struct CheckpointSize {
    Bytes bytes = 0;
    std::string source; ///< "3 safetensors headers" or "model.safetensors.index.json metadata.total_size"
};

/// The weight files vLLM's default loader reads from a local model directory (load_format auto),
/// and the rule that chose them.
struct CheckpointFiles {
    enum class Format { none, safetensors, bin, pt };
    Format format = Format::none;
    std::vector<std::filesystem::path> files; ///< sorted by name
    std::string rule;                          ///< "*.safetensors", "model.safetensors.index.json weight_map", ...
};

/// vLLM's choice of weight files in `directory` (DefaultModelLoader._prepare_weights): the Mistral
/// layout (`consolidated*.safetensors`, filtered by `consolidated.safetensors.index.json`) when
/// one is there, else the first of `*.safetensors`, `*.bin`, `*.pt` that matches; safetensors
/// files filtered by the index's weight_map when there is an index, other formats by the
/// training-file blacklist. Throws InputError{directory, ...} listing the shards the index names
/// that are absent (an incomplete download: vLLM raises FileNotFoundError).
CheckpointFiles checkpoint_files(const std::string& directory);

/// The checkpoint size of a model directory: the sum over the headers of the safetensors files
/// vLLM would load (checkpoint_files); with no weight file at all, `model.safetensors.index.json`'s
/// `metadata.total_size`; nullopt when neither (or a .bin/.pt checkpoint, whose sizes vramplan does
/// not read). Throws InputError for an incomplete download or a header safetensors would refuse.
std::optional<CheckpointSize> checkpoint_size(const std::string& directory);

/// `model.safetensors.index.json`'s `metadata.total_size`. Throws InputError naming `where`.
CheckpointSize parse_safetensors_index(const std::string& text, const std::string& where);

} // namespace vramplan

#include <vramplan/io/safetensors.hpp>

#include <vramplan/io/catalog.hpp>
#include <vramplan/io/errors.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <vector>

namespace vramplan {

namespace fs = std::filesystem;
using nlohmann::json;

std::uint64_t safetensors_header_length(std::string_view start, std::uint64_t file_size, const std::string& where) {
    if (start.size() < 8 || file_size < 8) {
        throw InputError(where + ": truncated safetensors file, expected an 8-byte header length");
    }
    std::uint64_t header_len = 0;
    for (int i = 7; i >= 0; --i) {
        header_len = (header_len << 8) | static_cast<unsigned char>(start[static_cast<std::size_t>(i)]);
    }
    if (header_len < 2 || header_len > k_max_safetensors_header) {
        throw InputError(where + ": safetensors header length " + std::to_string(header_len) + " is out of range (expected 2 to " +
                         std::to_string(k_max_safetensors_header) + " bytes)");
    }
    if (header_len > file_size - 8) {
        throw InputError(where + ": truncated safetensors file: header claims " + std::to_string(header_len) + " bytes, file has " +
                         std::to_string(file_size - 8));
    }
    return header_len;
}

Bytes safetensors_header_data_bytes(const std::string& header, std::uint64_t data_size, const std::string& where) {
    const SafetensorsHeaderScan scan = scan_safetensors_header(header, where);
    // safetensors' read_metadata: data end + 8 + header length == file length, exactly
    // (MetadataIncompleteBuffer, safetensors/src/tensor.rs:420 @24b0b28).
    if (scan.data_end > data_size) {
        throw InputError(where, "safetensors header: /" + scan.last_tensor + "/data_offsets: [" + std::to_string(scan.last_begin) + ", " +
                                    std::to_string(scan.data_end) + "] outside the " + std::to_string(data_size) + "-byte data section");
    }
    if (scan.data_end < data_size) {
        throw InputError(where, "safetensors header: the tensors cover " + std::to_string(scan.data_end) + " bytes of the " +
                                    std::to_string(data_size) + "-byte data section; safetensors refuses a file with bytes no tensor owns");
    }
    return scan.data_end;
}

Bytes safetensors_data_bytes_in(std::string_view file, const std::string& where) {
    const std::uint64_t header_len = safetensors_header_length(file, file.size(), where);
    return safetensors_header_data_bytes(std::string(file.substr(8, header_len)), file.size() - 8 - header_len, where);
}

Bytes safetensors_data_bytes(const std::string& path) {
    std::error_code ec;
    const auto file_size = fs::file_size(path, ec);
    if (ec) {
        throw InputError(path + ": cannot be read");
    }
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError(path, open_failure());   // not "truncated": the file was never read
    }
    std::array<char, 8> len_bytes{};
    if (!in.read(len_bytes.data(), 8)) {
        throw InputError(path + ": truncated safetensors file, expected an 8-byte header length");
    }
    // Nothing is allocated before the claimed length is checked against the cap and the file size.
    const std::uint64_t header_len = safetensors_header_length(std::string_view(len_bytes.data(), 8), file_size, path);
    std::string header(header_len, '\0');
    if (!in.read(header.data(), static_cast<std::streamsize>(header_len))) {
        throw InputError(path + ": truncated safetensors header");
    }
    return safetensors_header_data_bytes(header, file_size - 8 - header_len, path);
}

CheckpointSize parse_safetensors_index(const std::string& text, const std::string& where) {
    const json j = parse_json_text(text, where);
    auto meta = j.is_object() ? j.find("metadata") : j.end();
    if (meta == j.end() || !meta->is_object() || !meta->contains("total_size") || !(*meta)["total_size"].is_number_unsigned() ||
        (*meta)["total_size"].get<std::uint64_t>() == 0 || (*meta)["total_size"].get<std::uint64_t>() > (std::uint64_t{1} << 50)) {
        throw InputError(where + ": /metadata/total_size: expected a positive byte count up to 2^50");
    }
    return CheckpointSize{(*meta)["total_size"].get<std::uint64_t>(), "model.safetensors.index.json metadata.total_size"};
}

} // namespace vramplan

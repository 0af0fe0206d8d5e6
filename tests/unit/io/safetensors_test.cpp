// safetensors header reading (include/vramplan/io/safetensors.hpp) on small files written here:
// 8-byte little-endian header length, JSON header, then the data section.
#include <vramplan/io/errors.hpp>
#include <vramplan/io/safetensors.hpp>

#include <catch2/catch.hpp>

#include "../support/temp_dir.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <unistd.h>

using namespace vramplan;
namespace fs = std::filesystem;

namespace {

using test::TempDir;

std::string le64(std::uint64_t v) {
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i) {
        s[static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
    }
    return s;
}

void write_bytes(const fs::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// A safetensors file: the header's own length, the header, `data_bytes` zero bytes.
std::string safetensors(const std::string& header, std::uint64_t data_bytes) {
    return le64(header.size()) + header + std::string(data_bytes, '\0');
}

} // namespace

TEST_CASE("safetensors: data bytes are the sum of the declared tensor sizes", "[io][safetensors]") {
    TempDir dir("sum");
    // Two tensors: a bf16 [4, 2] (16 bytes at [0, 16)) and a float32 [8] (32 bytes at [16, 48)),
    // plus __metadata__, which is not a tensor. 16 + 32 = 48.
    const std::string header = R"({"__metadata__": {"format": "pt"},
        "a": {"dtype": "BF16", "shape": [4, 2], "data_offsets": [0, 16]},
        "b": {"dtype": "F32", "shape": [8], "data_offsets": [16, 48]}})";
    const fs::path p = dir.path / "model.safetensors";
    write_bytes(p, safetensors(header, 48));
    CHECK(safetensors_data_bytes(p.string()) == 48);

    // A header padded with trailing spaces (the format allows it) and an empty tensor: 0 + 8 = 8.
    const fs::path q = dir.path / "padded.safetensors";
    write_bytes(q, safetensors(R"({"e": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]},)"
                               R"( "f": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8]}}    )",
                               8));
    CHECK(safetensors_data_bytes(q.string()) == 8);

    // Data section longer than the tensors (trailing bytes): only declared tensors count.
    const fs::path r = dir.path / "slack.safetensors";
    write_bytes(r, safetensors(R"({"a": {"dtype": "U8", "shape": [10], "data_offsets": [0, 10]}})", 100));
    CHECK(safetensors_data_bytes(r.string()) == 10);
}

TEST_CASE("safetensors: malformed files are InputErrors naming the file", "[io][safetensors]") {
    TempDir dir("bad");
    auto expect_bad = [&](const std::string& name, const std::string& bytes) {
        const fs::path p = dir.path / name;
        write_bytes(p, bytes);
        INFO("file " << name);
        CHECK_THROWS_AS(safetensors_data_bytes(p.string()), InputError);
        CHECK_THROWS_WITH(safetensors_data_bytes(p.string()), Catch::Contains(name));
    };
    // Shorter than the 8-byte length prefix.
    expect_bad("short.safetensors", std::string("\x01\x02\x03", 3));
    expect_bad("empty.safetensors", std::string());
    // Header length 2^63.
    expect_bad("huge.safetensors", le64(std::uint64_t{1} << 63) + std::string("{}"));
    // Header length larger than the rest of the file: claims 1000, has 2.
    expect_bad("truncated.safetensors", le64(1000) + std::string("{}"));
    // Offsets beyond the 48-byte data section.
    expect_bad("offsets.safetensors", safetensors(R"({"a": {"dtype": "F32", "shape": [25], "data_offsets": [0, 100]}})", 48));
    // Begin after end.
    expect_bad("reversed.safetensors", safetensors(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}})", 48));
    // Header that is valid JSON but not an object.
    expect_bad("array.safetensors", safetensors("[1, 2, 3]", 0));
    // Malformed JSON.
    expect_bad("json.safetensors", safetensors(R"({"a": {"dtype": )", 16));
    // A tensor without data_offsets.
    expect_bad("nooffsets.safetensors", safetensors(R"({"a": {"dtype": "F32", "shape": [1]}})", 4));
    // A missing file.
    CHECK_THROWS_AS(safetensors_data_bytes((dir.path / "missing.safetensors").string()), InputError);
}

TEST_CASE("checkpoint_size: shards, index metadata, nothing", "[io][safetensors]") {
    SECTION("two shards are summed") {
        TempDir dir("shards");
        write_bytes(dir.path / "model-00001-of-00002.safetensors",
                    safetensors(R"({"a": {"dtype": "BF16", "shape": [24], "data_offsets": [0, 48]}})", 48));
        write_bytes(dir.path / "model-00002-of-00002.safetensors",
                    safetensors(R"({"b": {"dtype": "BF16", "shape": [16], "data_offsets": [0, 32]}})", 32));
        write_bytes(dir.path / "config.json", "{}");
        const std::optional<CheckpointSize> c = checkpoint_size(dir.path.string());
        REQUIRE(c.has_value());
        CHECK(c->bytes == 80); // 48 + 32
        CHECK_THAT(c->source, Catch::Contains("2"));
    }
    SECTION("only the index: metadata.total_size") {
        TempDir dir("index");
        write_bytes(dir.path / "model.safetensors.index.json",
                    R"({"metadata": {"total_size": 16060522496}, "weight_map": {"lm_head.weight": "model-00004-of-00004.safetensors"}})");
        const std::optional<CheckpointSize> c = checkpoint_size(dir.path.string());
        REQUIRE(c.has_value());
        CHECK(c->bytes == 16060522496ULL);
        CHECK_THAT(c->source, Catch::Contains("total_size"));
    }
    SECTION("an index without total_size is an InputError") {
        TempDir dir("index-bad");
        write_bytes(dir.path / "model.safetensors.index.json", R"({"weight_map": {}})");
        CHECK_THROWS_AS(checkpoint_size(dir.path.string()), InputError);
    }
    SECTION("an empty directory has no size") {
        TempDir dir("empty");
        CHECK_FALSE(checkpoint_size(dir.path.string()).has_value());
    }
}

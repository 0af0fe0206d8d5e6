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

    // Data section longer than the tensors (90 trailing bytes): safetensors refuses it
    // (MetadataIncompleteBuffer: data end 10 + 8 + header length != file length).
    const fs::path r = dir.path / "slack.safetensors";
    write_bytes(r, safetensors(R"({"a": {"dtype": "U8", "shape": [10], "data_offsets": [0, 10]}})", 100));
    CHECK_THROWS_WITH(safetensors_data_bytes(r.string()), Catch::Contains("the tensors cover 10 bytes of the 100-byte data section"));
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
        CHECK_THAT(c->source, Catch::Contains("2 safetensors headers") && Catch::Contains("*.safetensors"));
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

namespace {

/// The validation error of `header` over a `data`-byte data section ("" when it is accepted).
std::string header_error(const std::string& header, std::uint64_t data) {
    try {
        (void)safetensors_header_data_bytes(header, data, "x.safetensors");
    } catch (const InputError& e) {
        CHECK(e.subject() == "x.safetensors");
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("safetensors: headers are validated as the safetensors library validates them", "[io][safetensors]") {
    SECTION("a good header: every dtype width, any order, extra fields, null metadata") {
        // BF16 [4, 2]: 8 x 16 bits = 16 bytes at [0, 16); F4 [2, 3]: 6 x 4 bits = 24 bits = 3 bytes at
        // [16, 19); F6_E2M3 [4]: 24 bits = 3 bytes at [19, 22); C64 [1]: 8 bytes at [22, 30);
        // an empty F32 [0, 7] at [30, 30). Declared out of order; 30 bytes in all.
        const std::string header = R"({"c": {"dtype": "C64", "shape": [1], "data_offsets": [22, 30], "extra": {"x": [1, {"y": null}]}},
            "__metadata__": null, "a": {"dtype": "BF16", "shape": [4, 2], "data_offsets": [0, 16]},
            "e": {"dtype": "F32", "shape": [0, 7], "data_offsets": [30, 30]},
            "b": {"shape": [2, 3], "data_offsets": [16, 19], "dtype": "F4"},
            "f": {"dtype": "F6_E2M3", "shape": [4], "data_offsets": [19, 22]}})";
        const SafetensorsHeaderScan scan = scan_safetensors_header(header, "x.safetensors");
        CHECK(scan.tensors == 5);
        CHECK(scan.data_end == 30);
        CHECK(scan.last_tensor == "e"); // [30, 30) sorts after [22, 30)
        CHECK(safetensors_header_data_bytes(header, 30, "x.safetensors") == 30);
        // No tensors at all: an empty data section.
        CHECK(safetensors_header_data_bytes(R"({"__metadata__": {"format": "pt"}})", 0, "x.safetensors") == 0);
    }
    SECTION("each rule, refused with the file and the tensor named") {
        CHECK_THAT(header_error(R"({"a": {"dtype": "F33", "shape": [4], "data_offsets": [0, 16]}})", 16),
                   Catch::StartsWith("x.safetensors: safetensors header: /a/dtype: unknown dtype 'F33'"));
        // F32 [5] = 5 x 4 = 20 bytes, the range holds 16.
        CHECK(header_error(R"({"a": {"dtype": "F32", "shape": [5], "data_offsets": [0, 16]}})", 16) ==
              "x.safetensors: safetensors header: /a: shape [5] of F32 is 20 bytes, but data_offsets [0, 16] hold 16");
        // U8 [16] at [0, 16) and U8 [16] at [8, 24): the second starts inside the first.
        CHECK(header_error(R"({"a": {"dtype": "U8", "shape": [16], "data_offsets": [0, 16]},
                              "b": {"dtype": "U8", "shape": [16], "data_offsets": [8, 24]}})", 24) ==
              "x.safetensors: safetensors header: /b/data_offsets: [8, 24] overlaps /a [0, 16]");
        // U8 [8] at [0, 8) and at [16, 24): bytes [8, 16) belong to nobody.
        CHECK_THAT(header_error(R"({"a": {"dtype": "U8", "shape": [8], "data_offsets": [0, 8]},
                                   "b": {"dtype": "U8", "shape": [8], "data_offsets": [16, 24]}})", 24),
                   Catch::StartsWith("x.safetensors: safetensors header: /b/data_offsets: [16, 24] leaves a gap: bytes [8, 16)"));
        // The first tensor must start at 0.
        CHECK_THAT(header_error(R"({"a": {"dtype": "U8", "shape": [8], "data_offsets": [4, 12]}})", 12), Catch::Contains("(tensors start at 0)"));
        // U8 [100] at [0, 100) in a 48-byte data section.
        CHECK(header_error(R"({"w": {"dtype": "U8", "shape": [100], "data_offsets": [0, 100]}})", 48) ==
              "x.safetensors: safetensors header: /w/data_offsets: [0, 100] outside the 48-byte data section");
        CHECK(header_error(R"({"a": {"dtype": "F32", "shape": [-1, 4], "data_offsets": [0, 16]}})", 16) ==
              "x.safetensors: safetensors header: /a/shape: dimension -1 is negative, expected a non-negative integer");
        CHECK_THAT(header_error(R"({"a": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}})", 4), Catch::Contains("/a/shape: expected non-negative"));
        // F4 [3] = 12 bits: not a whole number of bytes (MisalignedSlice).
        CHECK_THAT(header_error(R"({"a": {"dtype": "F4", "shape": [3], "data_offsets": [0, 2]}})", 2), Catch::Contains("12 bits, not a whole number of bytes"));
        // 2^32 x 2^32 elements overflow 64 bits (ValidationOverflow).
        CHECK_THAT(header_error(R"({"a": {"dtype": "U8", "shape": [4294967296, 4294967296], "data_offsets": [0, 0]}})", 0), Catch::Contains("overflows 64 bits"));
        CHECK_THAT(header_error(R"({"a": {"dtype": "U8", "shape": [1], "data_offsets": [4, 3]}})", 4), Catch::Contains("[4, 3] ends before it begins"));
        CHECK_THAT(header_error(R"({"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1, 2]}})", 1), Catch::Contains("expected [begin, end]"));
        CHECK_THAT(header_error(R"({"a": {"dtype": "U8", "shape": [1]}})", 1), Catch::Contains("/a: missing data_offsets"));
        CHECK_THAT(header_error(R"({"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}, "a": {"dtype": "U8", "shape": [1], "data_offsets": [1, 2]}})", 2),
                   Catch::Contains("/a: appears twice"));
        CHECK_THAT(header_error(R"({"a": {"dtype": "U8", "dtype": "U8", "shape": [1], "data_offsets": [0, 1]}})", 1), Catch::Contains("/a/dtype: appears twice"));
        CHECK_THAT(header_error(R"({"__metadata__": {"format": 1}})", 0), Catch::Contains("/__metadata__/format: expected a string"));
        CHECK_THAT(header_error(R"({"__metadata__": ["pt"]})", 0), Catch::Contains("/__metadata__: expected an object of strings"));
        CHECK_THAT(header_error(R"({"a": [0, 1]})", 1), Catch::Contains("/a: expected an object {dtype, shape, data_offsets}"));
        CHECK_THAT(header_error(R"({"a": {"dtype": "U8", "shape": "1", "data_offsets": [0, 1]}})", 1), Catch::Contains("/a/shape: expected an array"));
        CHECK_THAT(header_error(R"({"a": {"dtype": 8, "shape": [1], "data_offsets": [0, 1]}})", 1), Catch::Contains("/a/dtype: expected a dtype name"));
        CHECK_THAT(header_error(R"({"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1e400]}})", 1), Catch::Contains("beyond the range of a double"));
        CHECK_THAT(header_error(R"({"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}} x)", 1), Catch::Contains("invalid JSON at byte"));
        CHECK_THAT(header_error("[]", 0), Catch::Contains("expected a JSON object"));
    }
}

TEST_CASE("safetensors: a header at the format's 100 MB limit is scanned without a DOM", "[io][safetensors]") {
    // 1.3 million one-byte tensors ("t0000001" ...), about 71 bytes each: about 92 MB of header,
    // under the 100,000,000 limit. The data section is 1,300,000 bytes, one per tensor.
    const std::uint64_t n = 1'300'000;
    std::string header = "{";
    header.reserve(100'000'000);
    for (std::uint64_t i = 0; i < n; ++i) {
        const std::string b = std::to_string(i);
        const std::string e = std::to_string(i + 1);
        header += (i ? ",\"t" : "\"t") + std::string(7 - std::min<std::size_t>(7, b.size()), '0') + b +
                  R"(":{"dtype":"U8","shape":[1],"data_offsets":[)" + b + "," + e + "]}";
    }
    header += "}";
    REQUIRE(header.size() <= k_max_safetensors_header);
    REQUIRE(header.size() > 90'000'000);
    const SafetensorsHeaderScan scan = scan_safetensors_header(header, "big.safetensors");
    CHECK(scan.tensors == n);
    CHECK(scan.data_end == n);
    CHECK(scan.last_tensor == "t1299999");
    // One byte over the limit is refused before any parsing.
    header.append(k_max_safetensors_header + 1 - header.size(), ' ');
    CHECK_THROWS_WITH(scan_safetensors_header(header, "big.safetensors"), Catch::Contains("larger than the format's 100000000-byte limit"));
}

TEST_CASE("checkpoint_files: vLLM's choice of weight files", "[io][safetensors]") {
    const auto shard = [](std::uint64_t bytes) {
        return safetensors(R"({"w": {"dtype": "U8", "shape": [)" + std::to_string(bytes) + R"(], "data_offsets": [0, )" + std::to_string(bytes) + "]}}",
                           bytes);
    };
    const std::string index2 = R"({"metadata": {"total_size": 80}, "weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}})";
    SECTION("the Mistral layout: consolidated.safetensors beside indexed shards is loaded alone, counted once") {
        // vLLM's load_format auto picks "mistral" (consolidated*.safetensors): 80 bytes, not 80 + 48 + 32.
        TempDir dir("mistral");
        write_bytes(dir.path / "consolidated.safetensors", shard(80));
        write_bytes(dir.path / "model-00001-of-00002.safetensors", shard(48));
        write_bytes(dir.path / "model-00002-of-00002.safetensors", shard(32));
        write_bytes(dir.path / "model.safetensors.index.json", index2);
        const CheckpointFiles f = checkpoint_files(dir.path.string());
        CHECK(f.rule == "consolidated*.safetensors");
        REQUIRE(f.files.size() == 1);
        CHECK(f.files[0].filename() == "consolidated.safetensors");
        const std::optional<CheckpointSize> c = checkpoint_size(dir.path.string());
        REQUIRE(c.has_value());
        CHECK(c->bytes == 80);
    }
    SECTION("with an index, exactly the files its weight_map names") {
        // A stray adapter_model.safetensors (16 bytes) the index does not name: 48 + 32 = 80.
        TempDir dir("indexed");
        write_bytes(dir.path / "model-00001-of-00002.safetensors", shard(48));
        write_bytes(dir.path / "model-00002-of-00002.safetensors", shard(32));
        write_bytes(dir.path / "adapter_model.safetensors", shard(16));
        write_bytes(dir.path / "model.safetensors.index.json", index2);
        const CheckpointFiles f = checkpoint_files(dir.path.string());
        CHECK(f.rule == "model.safetensors.index.json weight_map");
        CHECK(f.files.size() == 2);
        CHECK(checkpoint_size(dir.path.string())->bytes == 80);
    }
    SECTION("an incomplete download is refused, naming the directory and what is missing") {
        // The index names five shards; one is there: four missing, the first three listed.
        TempDir dir("partial");
        std::string map;
        for (int i = 1; i <= 5; ++i) {
            map += std::string(i > 1 ? ", " : "") + "\"t" + std::to_string(i) + "\": \"model-0000" + std::to_string(i) + "-of-00005.safetensors\"";
        }
        write_bytes(dir.path / "model.safetensors.index.json", R"({"metadata": {"total_size": 100}, "weight_map": {)" + map + "}}");
        write_bytes(dir.path / "model-00002-of-00005.safetensors", shard(20));
        CHECK_THROWS_WITH(checkpoint_size(dir.path.string()),
                          dir.path.string() +
                              ": incomplete download: model.safetensors.index.json names 5 shards, 4 missing (model-00001-of-00005.safetensors, "
                              "model-00003-of-00005.safetensors, model-00004-of-00005.safetensors and 1 more); vLLM refuses it (weight files "
                              "referenced in index but missing)");
    }
    SECTION("no safetensors: *.bin, then *.pt, training files left out; no size read") {
        TempDir dir("bin");
        write_bytes(dir.path / "pytorch_model.bin", "x");
        write_bytes(dir.path / "training_args.bin", "x");
        write_bytes(dir.path / "other.pt", "x");
        const CheckpointFiles f = checkpoint_files(dir.path.string());
        CHECK(f.format == CheckpointFiles::Format::bin);
        REQUIRE(f.files.size() == 1);
        CHECK(f.files[0].filename() == "pytorch_model.bin");
        CHECK_FALSE(checkpoint_size(dir.path.string()).has_value());
    }
}

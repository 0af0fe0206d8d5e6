// GPU and model catalog (include/vramplan/io/catalog.hpp): embedded profiles, lookups, errors.
#include <vramplan/io/catalog.hpp>
#include <vramplan/io/errors.hpp>
#include <vramplan/io/hf_config.hpp>
#include <vramplan/weights.hpp>

#include <catch2/catch.hpp>

#include "../support/temp_dir.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <unistd.h>

using namespace vramplan;
namespace fs = std::filesystem;

namespace {

const Catalog& embedded() {
    static const Catalog c = Catalog::load({});
    return c;
}

using test::TempDir;

void write_text(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << text;
}

} // namespace

TEST_CASE("catalog: GPU lookup by id and alias, case-insensitively", "[io][catalog]") {
    const Catalog& c = embedded();
    const GpuProfile& h = c.gpu("h100");
    CHECK(h.spec.id == "h100-sxm");
    // 81,079 MiB = 81,079 x 1,048,576 = 85,017,493,504 bytes.
    CHECK(h.spec.total == 81079ULL * 1048576ULL);
    CHECK(h.spec.total == 85017493504ULL);
    CHECK(h.spec.compute_major == 9);
    CHECK(h.spec.device_name == "NVIDIA H100 80GB HBM3");
    CHECK(c.gpu("H100-SXM").spec.id == "h100-sxm");
    const GpuProfile& a = c.gpu("A10");
    CHECK(a.spec.id == "a10");
    CHECK(a.spec.total == 22712ULL * 1048576ULL);
    CHECK(a.spec.compute_major == 8);
    CHECK(a.spec.compute_minor == 6);
}

TEST_CASE("catalog: an unknown GPU suggests the closest id", "[io][catalog]") {
    const Catalog& c = embedded();
    CHECK_THROWS_AS(c.gpu("h100-sxn"), InputError);
    CHECK_THROWS_WITH(c.gpu("h100-sxn"), Catch::Contains("did you mean 'h100-sxm'"));
    CHECK_THROWS_AS(c.gpu("definitely-not-a-gpu-model-name"), InputError);
}

TEST_CASE("catalog: every required GPU profile exists", "[io][catalog]") {
    const Catalog& c = embedded();
    for (const char* id : {"t4", "v100-16gb", "v100-32gb", "a10", "a10g", "a2", "a30", "a40", "l4", "l40", "l40s", "rtx-a5000",
                           "rtx-a6000", "rtx-6000-ada", "rtx-3090", "rtx-4090", "rtx-5090", "rtx-pro-6000", "a100-40gb", "a100-80gb",
                           "h100-pcie", "h100-sxm", "h100-nvl", "h20", "h200", "gh200", "b200", "mi300x"}) {
        INFO("gpu " << id);
        CHECK(c.gpus().count(id) == 1);
        CHECK_NOTHROW(c.gpu(id));
        if (c.gpus().count(id) == 1) {
            const GpuSpec& s = c.gpus().at(id).spec;
            CHECK(s.id == id);
            CHECK(s.total > 0);
            CHECK_FALSE(s.device_name.empty());
        }
    }
}

TEST_CASE("catalog: model lookup by Hugging Face id, case-insensitively", "[io][catalog]") {
    const Catalog& c = embedded();
    const ModelProfile* a = c.find_model("Qwen/Qwen2.5-1.5B-Instruct");
    const ModelProfile* b = c.find_model("qwen/qwen2.5-1.5b-instruct");
    REQUIRE(a != nullptr);
    REQUIRE(b != nullptr);
    CHECK(a == b);
    CHECK(a->hf_id == "Qwen/Qwen2.5-1.5B-Instruct");
    CHECK(c.find_model("no-such/model-anywhere") == nullptr);
    CHECK_THROWS_AS(c.model("no-such/model-anywhere"), InputError);
    // The catalog's Qwen2.5-1.5B config counts 1,543,714,304 parameters (spec §10 ex. 1).
    CHECK(count_parameters(parse_hf_config(a->config, a->origin).spec) == 1543714304ULL);
}

TEST_CASE("catalog: every model profile parses", "[io][catalog]") {
    const Catalog& c = embedded();
    REQUIRE_FALSE(c.models().empty());
    for (const auto& [id, p] : c.models()) {
        INFO("model " << id << " (" << p.origin << ")");
        ParsedModel parsed;
        CHECK_NOTHROW(parsed = parse_hf_config(p.config, p.origin));
        CHECK_FALSE(parsed.spec.layers.empty());
        CHECK(count_parameters(parsed.spec) > 0);
    }
}

TEST_CASE("catalog: a malformed profile in a --profiles directory is an InputError naming the file", "[io][catalog]") {
    TempDir dir("catalog");
    write_text(dir.path / "gpus" / "x.json", "{\"id\": \"x\", \"name\": ");
    CHECK_THROWS_AS(Catalog::load({dir.path.string()}), InputError);
    CHECK_THROWS_WITH(Catalog::load({dir.path.string()}), Catch::Contains("x.json"));
}

TEST_CASE("catalog: a well-formed profile directory adds and overrides GPUs", "[io][catalog]") {
    TempDir dir("catalog-ok");
    write_text(dir.path / "gpus" / "mygpu.json", R"({"id": "my-gpu", "name": "My GPU", "device_name": "My GPU 48GB",
        "source": "unit test", "cuda_total_mib": 49152, "cuda_total_basis": "measured", "compute_capability": "8.9",
        "aliases": ["mine"]})");
    const Catalog c = Catalog::load({dir.path.string()});
    CHECK(c.gpu("mine").spec.id == "my-gpu");
    CHECK(c.gpu("MY-GPU").spec.total == 49152ULL * 1048576ULL); // 48 GiB = 51,539,607,552
    CHECK(c.gpu("h100").spec.id == "h100-sxm");                 // embedded profiles are still there
    // A directory that does not exist.
    CHECK_THROWS_AS(Catalog::load({(dir.path / "missing").string()}), InputError);
}

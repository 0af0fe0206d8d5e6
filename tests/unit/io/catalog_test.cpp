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

TEST_CASE("catalog: a GPU given by the device name nvidia-smi and vLLM print is that GPU", "[io][catalog]") {
    const Catalog& c = embedded();
    CHECK(c.gpu("NVIDIA A100-SXM4-80GB").spec.id == "a100-80gb");
    CHECK(c.gpu("NVIDIA H100 80GB HBM3").spec.id == "h100-sxm");
    CHECK(c.gpu("nvidia h100 80gb hbm3").spec.id == "h100-sxm");
    CHECK(c.gpu("Tesla T4").spec.id == "t4");
    // A board the profile covers under another name is suggested, not taken.
    CHECK_THROWS_WITH(c.gpu("NVIDIA A100 80GB PCIe"), Catch::Contains("did you mean 'a100-80gb-pcie'?"));
}

TEST_CASE("catalog: an unknown name lists what the user may have meant", "[io][catalog]") {
    const Catalog& c = embedded();
    CHECK_THROWS_WITH(c.gpu("a100"), Catch::Contains("unknown GPU 'a100'; did you mean one of a100-40gb, a100-80gb?"));
    CHECK_THROWS_WITH(c.gpu("h1000"), Catch::Contains("did you mean 'h100'?"));
    // A model is never taken for a near name: a 3B for a 70B would be a wrong plan.
    CHECK(c.find_model("llama-3.1-70b") == nullptr);
    CHECK_THROWS_WITH(c.model("llama-3.1-70b"), Catch::Contains("unknown model 'llama-3.1-70b'; did you mean 'llama-3.1-70b-instruct'?"));
    CHECK_THROWS_WITH(c.model("qwen2.5-1.5b"), Catch::Contains("did you mean 'qwen2.5-1.5b-instruct'?"));
    CHECK_THROWS_WITH(c.model("Meta-Llama/Llama-3.1-70B"), Catch::Contains("did you mean 'meta-llama/Llama-3.1-70B-Instruct'?"));
    CHECK_THROWS_WITH(c.preset("balance"), Catch::Contains("did you mean 'balanced'?"));
}

TEST_CASE("catalog: a device name several profiles have is not taken for one of them", "[io][catalog]") {
    TempDir dir("catalog-device");
    write_text(dir.path / "gpus" / "my-a10.json", R"({"id": "my-a10", "name": "My A10", "device_name": "NVIDIA A10",
        "source": "unit test", "cuda_total_mib": 22000, "cuda_total_basis": "measured", "compute_capability": "8.6"})");
    const Catalog c = Catalog::load({dir.path.string()});
    CHECK_THROWS_WITH(c.gpu("NVIDIA A10"), Catch::Equals("--gpu: GPU 'NVIDIA A10' is the device name of 2 profiles; did you mean one of a10, my-a10? "
                                                         "(`vramplan gpus` lists them)"));
    CHECK(c.gpu("my-a10").spec.total == 22000ULL * 1048576ULL);
    // --gpu auto keeps its rule: the first by id.
    REQUIRE(c.gpu_by_device_name("NVIDIA A10") != nullptr);
    CHECK(c.gpu_by_device_name("NVIDIA A10")->spec.id == "a10");
}

TEST_CASE("catalog: the build-time index agrees with every embedded profile, and every one parses", "[io][catalog]") {
    const Catalog c = Catalog::load({});
    std::size_t gpus = 0;
    std::size_t models = 0;
    std::size_t presets = 0;
    for (const EmbeddedFile& f : embedded_profiles()) {
        INFO(f.path);
        const nlohmann::json j = parse_json_text(std::string(reinterpret_cast<const char*>(f.data), f.size), f.path);
        CHECK(j.at("id").get<std::string>() == f.id);
        const std::string id = ascii_lower(f.id);
        switch (f.kind) {
        case ProfileKind::gpu: {
            ++gpus;
            CHECK(std::string(f.path).rfind("profiles/gpus/", 0) == 0);
            CHECK(j.at("device_name").get<std::string>() == f.device_name);
            std::string aliases;
            for (const auto& a : j.value("aliases", nlohmann::json::array())) {
                if (!aliases.empty()) {
                    aliases += '\n';
                }
                aliases += a.get<std::string>();
            }
            CHECK(aliases == f.aliases);
            CHECK(c.gpus().at(id).origin == std::string("embedded:") + f.path);
            break;
        }
        case ProfileKind::model:
            ++models;
            CHECK(std::string(f.path).rfind("profiles/models/", 0) == 0);
            CHECK(j.at("hf_id").get<std::string>() == f.hf_id);
            CHECK(c.models().at(id).hf_id == f.hf_id);
            break;
        case ProfileKind::preset:
            ++presets;
            CHECK(std::string(f.path).rfind("profiles/presets/", 0) == 0);
            CHECK(c.presets().at(id).origin == std::string("embedded:") + f.path);
            break;
        }
    }
    CHECK(gpus == c.gpus().size());
    CHECK(models == c.models().size());
    CHECK(presets == c.presets().size());
    CHECK(c.ids(ProfileKind::preset) == std::vector<std::string>{"balanced", "high-concurrency", "max-throughput", "serverless-cold-start"});
    CHECK(c.ids(ProfileKind::gpu).size() == gpus);
}

TEST_CASE("catalog: a profile directory's names win over the embedded ones, before and after they are parsed", "[io][catalog]") {
    TempDir dir("catalog-override");
    write_text(dir.path / "gpus" / "h100-sxm.json", R"({"id": "h100-sxm", "name": "Mine", "device_name": "My H100",
        "source": "unit test", "cuda_total_mib": 80000, "cuda_total_basis": "measured", "compute_capability": "9.0"})");
    write_text(dir.path / "gpus" / "my-gpu.json", R"({"id": "my-gpu", "name": "My GPU", "device_name": "My GPU",
        "source": "unit test", "cuda_total_mib": 1024, "cuda_total_basis": "measured", "compute_capability": "8.0", "aliases": ["a10"]})");
    const Catalog c = Catalog::load({dir.path.string()});
    for (int pass = 0; pass < 2; ++pass) {
        INFO("pass " << pass);
        CHECK(c.gpu("h100-sxm").spec.total == 80000ULL * 1048576ULL);
        CHECK(c.gpu("h100").spec.total == 80000ULL * 1048576ULL);   // the embedded alias, now the directory's profile
        CHECK(c.gpu("a10").spec.id == "my-gpu");                      // an alias taken from an embedded id
        CHECK(c.gpu_by_device_name("NVIDIA H100 80GB HBM3") == nullptr);
        CHECK(c.gpus().at("h100-sxm").origin == (dir.path / "gpus" / "h100-sxm.json").string());
    }
}

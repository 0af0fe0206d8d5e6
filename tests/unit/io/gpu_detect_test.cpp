// `--gpu auto` readings (include/vramplan/io/gpu_detect.hpp) on the nvidia-smi output recorded on a
// real H100 (tests/data/gpu/README.md) and constructed variants.
#include <vramplan/io/catalog.hpp>
#include <vramplan/io/errors.hpp>
#include <vramplan/io/gpu_detect.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace vramplan;

namespace {
std::string recorded(const std::string& name) {
    std::ifstream in(std::string(VRAMPLAN_SOURCE_DIR) + "/tests/data/gpu/" + name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}
constexpr Bytes MiB = 1048576;
} // namespace

TEST_CASE("nvidia-smi reading of a real H100: the CUDA total is total minus the reserve", "[io][gpu_detect]") {
    const std::vector<GpuReading> cards = parse_nvidia_smi(recorded("h100-nvidia-smi.csv"), "nvidia-smi");
    REQUIRE(cards.size() == 1);
    CHECK(cards[0].name == "NVIDIA H100 80GB HBM3");
    CHECK(cards[0].total == 81559 * MiB);
    CHECK(cards[0].reserved == 480 * MiB);
    CHECK(cards[0].used == 0);
    // torch.cuda.mem_get_info() on that card: 85,017,493,504 bytes.
    CHECK(cards[0].cuda_total() == 85017493504ULL);
    // ... which is the catalog's logged total for the card it maps to.
    const Catalog catalog = Catalog::load({});
    const GpuProfile* p = catalog.gpu_by_device_name(cards[0].name);
    REQUIRE(p != nullptr);
    CHECK(p->spec.id == "h100-sxm");
    CHECK(p->spec.total == cards[0].cuda_total());
    CHECK(catalog.gpu_by_device_name("nvidia h100 80gb hbm3") == p);
    CHECK(catalog.gpu_by_device_name("NVIDIA H100") == nullptr);
}

TEST_CASE("nvidia-smi: several cards, old drivers, malformed output", "[io][gpu_detect]") {
    const std::vector<GpuReading> two = parse_nvidia_smi(recorded("two-h100-busy.csv"), "smi");
    REQUIRE(two.size() == 2);
    CHECK(two[1].index == 1);
    CHECK(two[1].used == 35843 * MiB);
    const std::vector<GpuReading> old = parse_nvidia_smi(recorded("old-driver-no-reserved.csv"), "smi");
    REQUIRE(old.size() == 1);
    CHECK_FALSE(old[0].reserved.has_value());
    CHECK(old[0].used == 0);
    CHECK(parse_nvidia_smi("\n  \n", "smi").empty());
    CHECK_THROWS_WITH(parse_nvidia_smi("NVIDIA A10, 23028\n", "smi"),
                      "smi:1: expected 'name, memory.total, memory.reserved, memory.used' in MiB, got 'NVIDIA A10, 23028'");
    CHECK_THROWS_WITH(parse_nvidia_smi("A10, 23028, [N/A], 0\n", "smi"), "smi:1: memory.reserved (MiB): expected an integer from 0 to 1073741824, got '[N/A]'");
    CHECK_THROWS_WITH(parse_nvidia_smi("A10, 100, 200, 0\n", "smi"),
                      "smi:1: expected a GPU name and a total above its reserve, got 'A10, 100, 200, 0'");
}

TEST_CASE("CUDA_VISIBLE_DEVICES selects and orders the cards", "[io][gpu_detect]") {
    const std::vector<GpuReading> two = parse_nvidia_smi(recorded("two-h100-busy.csv"), "smi");
    CHECK(apply_cuda_visible_devices(two, nullptr).size() == 2);
    CHECK(apply_cuda_visible_devices(two, "").size() == 2);
    const std::vector<GpuReading> swapped = apply_cuda_visible_devices(two, "1,0");
    REQUIRE(swapped.size() == 2);
    CHECK(swapped[0].index == 1);
    CHECK(apply_cuda_visible_devices(two, "0,7,1").size() == 1);   // CUDA stops at the first invalid index
    CHECK_THROWS_AS(apply_cuda_visible_devices(two, "GPU-5528c5ca"), InputError);
}

// Unified-memory GPUs (include/vramplan/unified_memory.hpp).
#include <vramplan/unified_memory.hpp>

#include <catch2/catch.hpp>

using namespace vramplan;

TEST_CASE("unified memory: the host's share is other processes' memory", "[core][unified_memory]") {
    GpuSpec gpu;
    gpu.id = "gb10";
    gpu.total = Bytes{122573} << 20;   // 119.70 GiB, the profile's estimate
    SECTION("a discrete GPU has no rule") {
        CHECK_FALSE(unified_memory_rule(gpu, std::nullopt));
    }
    gpu.unified_memory = true;
    SECTION("default: 4 GiB, and the note says it is a default to measure") {
        const auto rule = unified_memory_rule(gpu, std::nullopt);
        REQUIRE(rule);
        CHECK(rule->other_processes == Bytes{4} << 30);
        CHECK(rule->note.find("119.70 GiB") != std::string::npos);
        CHECK(rule->note.find("MemAvailable") != std::string::npos);
        CHECK(rule->note.find("4.00 GiB (default") != std::string::npos);
    }
    SECTION("--other-processes-memory wins") {
        const auto rule = unified_memory_rule(gpu, Bytes{10} << 30);
        REQUIRE(rule);
        CHECK(rule->other_processes == Bytes{10} << 30);
        CHECK(rule->note.find("10.00 GiB (--other-processes-memory)") != std::string::npos);
    }
}

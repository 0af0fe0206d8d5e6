// --compilation-config, -O / --optimization-level and --cuda-graph-sizes as written (addendum 3 §25).
#include <vramplan/io/errors.hpp>
#include <vramplan/io/graph_flags.hpp>

#include <catch2/catch.hpp>

using namespace vramplan;

namespace {

std::string error_of(const std::string& level, const std::string& cc, const std::string& sizes) {
    try {
        (void)parse_graph_flags(level, cc, sizes);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("graph flags: the JSON keys and their older spellings", "[io][graphs]") {
    GraphFlags g = parse_graph_flags("", R"({"cudagraph_mode": "full_decode_only", "cudagraph_capture_sizes": [8, 1, 2], "custom_ops": ["none"]})", "");
    CHECK(g.mode == CudaGraphMode::full_decode_only);
    CHECK(g.sizes == std::vector<std::uint64_t>{8, 1, 2});
    CHECK_FALSE(g.level);
    // Older spellings: max_capture_size, cuda_graph_sizes; the enum's integer for the mode.
    g = parse_graph_flags("", R"({"max_capture_size": 128, "cudagraph_mode": 1})", "");
    CHECK(g.max_size == 128U);
    CHECK(g.mode == CudaGraphMode::piecewise);
    g = parse_graph_flags("", R"({"cuda_graph_sizes": [4], "level": 3, "use_cudagraph": false})", "");
    CHECK(g.sizes == std::vector<std::uint64_t>{4});
    CHECK(g.level == 3U);
    CHECK(g.use_cudagraph_off);
    // -O3 gives the bare level; --optimization-level says which flag it was.
    g = parse_graph_flags("", "3", "");
    CHECK(g.level == 3U);
    CHECK_FALSE(g.level_is_optimization_flag);
    g = parse_graph_flags("1", "", "");
    CHECK(g.level == 1U);
    CHECK(g.level_is_optimization_flag);
    // --cuda-graph-sizes: one value is the maximum, several the list (brackets from YAML).
    g = parse_graph_flags("", "", "64");
    CHECK(g.max_size == 64U);
    CHECK(g.from_scheduler_flag);
    g = parse_graph_flags("", "", "[1, 2, 4]");
    CHECK(g.sizes == std::vector<std::uint64_t>{1, 2, 4});
}

TEST_CASE("graph flags: one error line naming the flag", "[io][graphs]") {
    CHECK(error_of("", R"({"cudagraph_mod": 1})", "") ==
          "--compilation-config: unknown key 'cudagraph_mod' (vLLM's CompilationConfig accepts no other keys)");
    CHECK(error_of("", "[1, 2]", "") == "--compilation-config: expected a JSON object, got [1,2]");
    CHECK(error_of("", R"({"cudagraph_capture_sizes": []})", "") ==
          "--compilation-config: cudagraph_capture_sizes: expected a non-empty list of positive integers, got []");
    CHECK(error_of("", R"({"max_cudagraph_capture_size": -4})", "") ==
          "--compilation-config: max_cudagraph_capture_size: expected a positive integer, got -4");
    CHECK(error_of("4", "", "") == "--optimization-level: expected an optimization level 0, 1, 2 or 3, got '4'");
    CHECK(error_of("", "{", "") == "--compilation-config: invalid JSON at byte 2: expected a JSON object");
}

TEST_CASE("graph flags: top-level --cudagraph-capture-sizes and --max-cudagraph-capture-size", "[io][graphs]") {
    // #26016: each flag sets its compilation-config key (vllm/engine/arg_utils.py:2471-2488 @main).
    GraphFlags g = parse_graph_flags("", R"({"cudagraph_mode": "PIECEWISE"})", "");
    apply_capture_size_flags(g, "1 2 4 8", "8");
    CHECK(g.sizes == std::vector<std::uint64_t>{1, 2, 4, 8});
    CHECK(g.max_size == 8U);
    CHECK_FALSE(g.from_scheduler_flag);
    CHECK(g.mode == CudaGraphMode::piecewise);
    g = GraphFlags{};
    apply_capture_size_flags(g, "", "");
    CHECK_FALSE(g.any());
    // Both spellings of one key: vLLM's ValueError, as one line naming the flag.
    const auto error_of_both = [](const std::string& cc, const std::string& sizes, const std::string& max) {
        GraphFlags flags = parse_graph_flags("", cc, "");
        try {
            apply_capture_size_flags(flags, sizes, max);
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(error_of_both(R"({"cudagraph_capture_sizes": [4]})", "8", "") ==
          "--cudagraph-capture-sizes: cudagraph_capture_sizes and compilation_config.cudagraph_capture_sizes are mutually exclusive");
    CHECK(error_of_both(R"({"max_cudagraph_capture_size": 4})", "", "8") ==
          "--max-cudagraph-capture-size: max_cudagraph_capture_size and compilation_config.max_cudagraph_capture_size are mutually exclusive");
    CHECK(error_of_both("", "0", "").rfind("--cudagraph-capture-sizes: ", 0) == 0);
    CHECK(error_of_both("", "", "x").rfind("--max-cudagraph-capture-size: ", 0) == 0);
}

// Every flag of `vllm serve` on vLLM main (tests/data/vllm-flags/vllm-main-flags.txt, extracted
// from vllm/engine/arg_utils.py and cli_args.py; see its README) has a row in the flag table,
// and every short form finds the same row.
#include <vramplan/engine_args.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace vramplan;

TEST_CASE("The flag table knows every vllm serve flag of vLLM main", "[engine_args]") {
    std::ifstream in(std::string(VRAMPLAN_SOURCE_DIR) + "/tests/data/vllm-flags/vllm-main-flags.txt");
    REQUIRE(in.good());
    std::size_t flags = 0;
    std::vector<std::string> missing;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line.front() == '#') {
            continue;
        }
        std::istringstream words(line);
        std::string long_form;
        words >> long_form;
        ++flags;
        const EngineArg* row = find_engine_arg(long_form);
        if (row == nullptr) {
            missing.push_back(long_form);
            continue;
        }
        for (std::string short_form; words >> short_form;) {
            if (find_engine_arg(short_form) != row) {
                missing.push_back(short_form + " (short form of " + long_form + ")");
            }
        }
    }
    // The list is whole: at least the 285 flags of the vendored commit.
    CHECK(flags >= 285);
    INFO("flags vramplan's table lacks: " << missing.size());
    for (const std::string& m : missing) {
        UNSCOPED_INFO(m);
    }
    CHECK(missing.empty());
}

// A vLLM startup log (`vramplan calibrate LOG`): any era, INFO or DEBUG, Ray and multiprocess
// prefixes, CR and ANSI colour codes.
#include "../fuzz.hpp"

#include <vramplan/io/vllm_log.hpp>

VRAMPLAN_FUZZ_TARGET(vllm_log) {
    using namespace vramplan;
    fuzz::accepts([&] { (void)parse_vllm_log(std::string_view(reinterpret_cast<const char*>(data), size)); });
    return 0;
}

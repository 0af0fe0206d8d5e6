// vramplan_fuzz_replay TARGET PATH...: runs one fuzz target over files (directories recursively,
// in sorted order), without libFuzzer. ctest uses it to replay the seed corpora and every input
// that ever crashed a target (fuzz/regressions/TARGET/), in the normal and the sanitizer build.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#define VRAMPLAN_FUZZ_DECLARE(name) extern "C" int vramplan_fuzz_##name(const std::uint8_t* data, std::size_t size);
VRAMPLAN_FUZZ_DECLARE(size)
VRAMPLAN_FUZZ_DECLARE(profile)
VRAMPLAN_FUZZ_DECLARE(hf_config)
VRAMPLAN_FUZZ_DECLARE(safetensors)
VRAMPLAN_FUZZ_DECLARE(safetensors_index)
VRAMPLAN_FUZZ_DECLARE(safetensors_header)
VRAMPLAN_FUZZ_DECLARE(vllm_log)
VRAMPLAN_FUZZ_DECLARE(deployment)
VRAMPLAN_FUZZ_DECLARE(policy)
VRAMPLAN_FUZZ_DECLARE(calibration)
VRAMPLAN_FUZZ_DECLARE(nvidia_smi)
VRAMPLAN_FUZZ_DECLARE(hub)

namespace {

struct Target {
    const char* name;
    int (*run)(const std::uint8_t*, std::size_t);
};

constexpr Target k_targets[] = {
    {"size", vramplan_fuzz_size},           {"profile", vramplan_fuzz_profile},         {"hf_config", vramplan_fuzz_hf_config},
    {"safetensors", vramplan_fuzz_safetensors}, {"safetensors_index", vramplan_fuzz_safetensors_index},
    {"safetensors_header", vramplan_fuzz_safetensors_header},
    {"vllm_log", vramplan_fuzz_vllm_log},   {"deployment", vramplan_fuzz_deployment},   {"policy", vramplan_fuzz_policy},
    {"calibration", vramplan_fuzz_calibration}, {"nvidia_smi", vramplan_fuzz_nvidia_smi}, {"hub", vramplan_fuzz_hub},
};

} // namespace

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    if (argc < 3) {
        std::fprintf(stderr, "usage: vramplan_fuzz_replay TARGET PATH...\n");
        return 2;
    }
    const std::string name = argv[1];
    const auto target = std::find_if(std::begin(k_targets), std::end(k_targets), [&](const Target& t) { return name == t.name; });
    if (target == std::end(k_targets)) {
        std::fprintf(stderr, "vramplan_fuzz_replay: unknown target '%s'\n", name.c_str());
        return 2;
    }
    std::vector<fs::path> files;
    for (int i = 2; i < argc; ++i) {
        const fs::path p = argv[i];
        if (fs::is_directory(p)) {
            for (const auto& e : fs::recursive_directory_iterator(p)) {
                if (e.is_regular_file()) {
                    files.push_back(e.path());
                }
            }
        } else if (fs::is_regular_file(p)) {
            files.push_back(p);
        } else {
            std::fprintf(stderr, "vramplan_fuzz_replay: %s: no such file or directory\n", p.c_str());
            return 2;
        }
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
        std::fprintf(stderr, "%s\n", f.c_str());   // the last name printed is the input that crashed
        std::ifstream in(f, std::ios::binary);
        const std::string data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        target->run(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
    }
    std::printf("%s: replayed %zu inputs\n", name.c_str(), files.size());
    return files.empty() ? 1 : 0;
}

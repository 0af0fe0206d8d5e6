// What the user meant (include/vramplan/io/errors.hpp suggest_names, unknown_name_message): the
// ranking's kinds of match, one suggestion per target, ties and the message's wording.
#include <vramplan/io/errors.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace vramplan;

namespace {

using Names = std::vector<std::string>;

/// Each name its own target.
std::vector<NameCandidate> plain(const Names& names) {
    std::vector<NameCandidate> out;
    for (const std::string& n : names) {
        out.push_back({n, n});
    }
    return out;
}

} // namespace

TEST_CASE("suggest: the same name once separators are dropped comes first", "[io][suggest]") {
    // vLLM's short form -tp, typed with two dashes: --gpu, two edits away, was the old answer.
    const std::vector<NameCandidate> flags{{"--gpu", "--gpu"},
                                           {"--tensor-parallel-size", "--tensor-parallel-size"},
                                           {"--tensor_parallel_size", "--tensor-parallel-size"},
                                           {"-tp", "--tensor-parallel-size"}};
    CHECK(suggest_names("--tp", flags) == Names{"-tp"});
    // The name exactly as typed before one that differs in its separators.
    CHECK(suggest_names("--tensor_parallel_size", flags) == Names{"--tensor_parallel_size"});
    CHECK(suggest_names("NVIDIA_A10", plain({"NVIDIA A10", "NVIDIA A100-SXM4-80GB"})) == Names{"NVIDIA A10"});
    CHECK(suggest_names("H100-SXM", plain({"h100-sxm", "h100-sxm5"})) == Names{"h100-sxm"});
}

TEST_CASE("suggest: names that start with the typed text beat a shorter name by edit distance", "[io][suggest]") {
    // a100 → a10 was one edit away; both A100 profiles start with it.
    const std::vector<NameCandidate> gpus{{"a10", "a10"},
                                          {"a100-40gb", "a100-40gb"},
                                          {"a100-80gb", "a100-80gb"},
                                          {"a100-40gb-sxm", "a100-40gb"},
                                          {"a100-80gb-pcie", "a100-80gb"},
                                          {"a800-80gb", "a800-80gb"}};
    CHECK(suggest_names("a100", gpus) == Names{"a100-40gb", "a100-80gb"});
    CHECK(suggest_names("A100-80", gpus) == Names{"a100-80gb"});
    // The shortest completion first (then by name).
    CHECK(suggest_names("llama-3.2-3b", plain({"llama-3.2-3b-instruct", "llama-3.2-3b-it"})) == Names{"llama-3.2-3b-it", "llama-3.2-3b-instruct"});
    // A model missing its suffix: its own family, not a neighbour two edits away.
    const Names models{"llama-3.2-3b", "llama-3.1-70b-instruct", "llama-3.3-70b-instruct", "qwen3-1.7b", "qwen2.5-1.5b-instruct", "qwen2.5-14b-instruct"};
    CHECK(suggest_names("llama-3.1-70b", plain(models)) == Names{"llama-3.1-70b-instruct"});
    CHECK(suggest_names("qwen2.5-1.5b", plain(models)) == Names{"qwen2.5-1.5b-instruct"});
}

TEST_CASE("suggest: token matches: each typed word starts a word of the name, in order", "[io][suggest]") {
    const Names flags{"--gpu", "--gpu-memory", "--gpu-memory-utilization", "--max-model-len"};
    // --gpu-util → --gpu-memory-utilization (not --gpu, which the text contains).
    CHECK(suggest_names("--gpu-util", plain(flags)) == Names{"--gpu-memory-utilization"});
    CHECK(suggest_names("--max-len", plain(flags)) == Names{"--max-model-len"});
    // The words must come in the name's order, starting at its first word.
    CHECK(suggest_names("--len-max", plain(flags)).empty());
    // A Hugging Face id matches from its repository's first word too.
    const std::vector<NameCandidate> models{{"llama-3.2-3b", "llama-3.2-3b"}, {"meta-llama/Llama-3.1-70B-Instruct", "llama-3.1-70b-instruct"}};
    CHECK(suggest_names("Llama-3.1-70B", models) == Names{"meta-llama/Llama-3.1-70B-Instruct"});
    // A version is one word: 3.1 is not 3.2.
    CHECK(suggest_names("llama-3.1", plain({"llama-3.2-3b-instruct"})).empty());
}

TEST_CASE("suggest: names whose words all appear in the typed text, most words first", "[io][suggest]") {
    // nvidia-smi's name for the PCIe board the a100-80gb profile covers.
    const std::vector<NameCandidate> gpus{{"a100-80gb", "a100-80gb"},
                                          {"a100-80gb-pcie", "a100-80gb-pcie"},
                                          {"a100-40gb-pcie", "a100-40gb-pcie"},
                                          {"NVIDIA A100-SXM4-80GB", "a100-80gb"}};
    CHECK(suggest_names("NVIDIA A100 80GB PCIe", gpus) == Names{"a100-80gb-pcie"});
    // One word is not enough (--gpu is all of --gpu-memroy's first word): edit distance decides.
    CHECK(suggest_names("--gpu-memroy", plain({"--gpu", "--gpu-memory"})) == Names{"--gpu-memory"});
}

TEST_CASE("suggest: edit distance, every nearest name on a tie", "[io][suggest]") {
    CHECK(suggest_names("h100-sxn", plain({"h100-sxm", "h100-nvl", "h200"})) == Names{"h100-sxm"});
    CHECK(suggest_names("plna", plain({"plan", "presets", "show"})) == Names{"plan"});
    CHECK(suggest_names("l41", plain({"l4", "l40", "t4"})) == Names{"l4", "l40"});
    // A third of the length, at least 2 edits; a name inside the typed text is eligible at any distance.
    CHECK(suggest_names("h1000", plain({"h100", "h200"})) == Names{"h100"});
    CHECK(suggest_names("definitely-not-a-gpu", plain({"a10", "h100"})).empty());
    CHECK(suggest_names(std::string(300, 'a'), plain({"a10"})).empty());
}

TEST_CASE("suggest: one suggestion per target, by the name that matched best", "[io][suggest]") {
    const std::vector<NameCandidate> gpus{{"h100-sxm", "h100-sxm"}, {"h100", "h100-sxm"}, {"NVIDIA H100 80GB HBM3", "h100-sxm"}};
    CHECK(suggest_names("h1000", gpus) == Names{"h100"});
    CHECK(suggest_names("h100-sx", gpus) == Names{"h100-sxm"});
    CHECK(suggest_names("nvidia h100 80gb", gpus) == Names{"NVIDIA H100 80GB HBM3"});
    // The closest completion of one target shows; on a tie the first listed (a catalog id before its aliases).
    CHECK(suggest_names("h10", gpus) == Names{"h100"});
    CHECK(suggest_names("abc", std::vector<NameCandidate>{{"abc-2", "t"}, {"abc-1", "t"}}) == Names{"abc-2"});
}

TEST_CASE("suggest: the message names one, several or no suggestions", "[io][suggest]") {
    CHECK(unknown_name_message("GPU", "h100-sxn", Names{"h100-sxm", "a10"}) == "unknown GPU 'h100-sxn'; did you mean 'h100-sxm'?");
    CHECK(unknown_name_message("GPU", "a100", Names{"a10", "a100-40gb", "a100-80gb"}) ==
          "unknown GPU 'a100'; did you mean one of a100-40gb, a100-80gb?");
    CHECK(unknown_name_message("GPU", "zzz", Names{"a10"}) == "unknown GPU 'zzz'");
    const Names many{"q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10"};
    CHECK(unknown_name_message("model", "q", many) == "unknown model 'q'; did you mean one of q1, q2, q3, q4, q5, q6, q7, q8 (and 2 more)?");
    CHECK(closest_match("balancd", {"balanced", "max-throughput"}) == "balanced");
    CHECK(closest_match("zzz", {"balanced"}).empty());
}

// A vLLM command pasted after `--` (io/vllm_command.hpp), and the flags a plan ignores.
#include <vramplan/io/deployment.hpp>
#include <vramplan/io/errors.hpp>
#include <vramplan/io/vllm_command.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace vramplan;

namespace {

std::vector<std::string> names(const std::vector<NotModelledFlag>& flags) {
    std::vector<std::string> out;
    for (const NotModelledFlag& f : flags) {
        out.push_back(f.name);
    }
    return out;
}

} // namespace

TEST_CASE("a pasted vllm serve line fills the same slots as vramplan's own flags", "[io][vllm_command]") {
    PlanInputs p;
    p.gpu = "a10";
    const auto ignored = apply_vllm_command({"vllm", "serve", "Qwen/Qwen2.5-1.5B-Instruct", "--max_model_len", "8192", "-tp", "2",
                                             "--enforce-eager", "--host", "0.0.0.0", "--num-gpu-blocks-override", "100"},
                                            p);
    CHECK(p[PlanField::model] == "Qwen/Qwen2.5-1.5B-Instruct");
    CHECK(p[PlanField::max_model_len] == "8192");
    CHECK(p[PlanField::tensor_parallel_size] == "2");
    CHECK(p[PlanField::enforce_eager] == "true");
    CHECK(p.gpu == "a10");
    // --host has no effect on GPU memory (no_memory_effect): not listed; the override is not modelled.
    CHECK(names(ignored) == std::vector<std::string>{"--num-gpu-blocks-override"});
}

TEST_CASE("the api_server form takes the model as --model", "[io][vllm_command]") {
    PlanInputs p;
    (void)apply_vllm_command({"python", "-m", "vllm.entrypoints.openai.api_server", "--model", "m/x", "--gpu-memory-utilization", "0.8"}, p);
    CHECK(p[PlanField::model] == "m/x");
    CHECK(p[PlanField::gpu_memory_utilization] == "0.8");
}

TEST_CASE("a pasted command is refused when vLLM would refuse it or it repeats a flag", "[io][vllm_command]") {
    PlanInputs p;
    CHECK_THROWS_WITH(apply_vllm_command({"vllm", "serve", "--max-model-len", "8192"}, p),
                      "the vLLM command: expected a model (`vllm serve MODEL` or --model MODEL)");
    CHECK_THROWS_WITH(apply_vllm_command({"vllm", "serve", "m/x", "--max-model-lenn", "8192"}, p),
                      "the vLLM command: unknown vLLM flag '--max-model-lenn'; did you mean '--max-model-len'?");
    PlanInputs before;
    before[PlanField::max_model_len] = "4096";
    CHECK_THROWS_WITH(apply_vllm_command({"vllm", "serve", "m/x", "--max-model-len", "8192"}, before),
                      "--max-model-len is given twice: '4096' before -- and '8192' in the vLLM command after it; keep one");
    PlanInputs model_before;
    model_before[PlanField::model] = "m/x";
    CHECK_NOTHROW(apply_vllm_command({"vllm", "serve", "--max-model-len", "8192"}, model_before));
}

TEST_CASE("not_modelled_flags: not_modelled rows that are on, unknown flags, each once, in order", "[io][vllm_command]") {
    const Deployment d = parse_vllm_argv({"vllm", "serve", "m/x", "--kv-sharing-fast-prefill", "--no-enable-prompt-embeds", "--swap-space", "4",
                                          "--hf-overrides.num_hidden_layers", "3", "--frobnicate", "--kv-sharing-fast-prefill"},
                                         "test");
    const auto flags = not_modelled_flags(d);
    // --enable-prompt-embeds is switched off (vLLM's default); --swap-space is modelled (host
    // memory only, addendum 3 §24.2); a dotted sub-key belongs to its JSON argument.
    CHECK(names(flags) == std::vector<std::string>{"--kv-sharing-fast-prefill", "--hf-overrides", "--frobnicate"});
    REQUIRE(flags.size() == 3);
    CHECK(flags[2].note.find("not in vramplan's table") != std::string::npos);
}

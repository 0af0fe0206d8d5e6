// vLLM deployment parsing (include/vramplan/io/deployment.hpp).
//
// Every fixture in tests/data/deployments/ (provenance in its README.md) has a hand-checked
// oracle of every deployment: source, line, entrypoint, environment and each flag with its value,
// line and kind. Then the flag grammar, the shell syntax around commands, the YAML subset, one
// test per error message, the file/directory reader, and garbage: random bytes, 10,000 nested
// quotes, huge inputs.
#include <vramplan/io/deployment.hpp>
#include <vramplan/io/errors.hpp>

#include "../support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace vramplan;

namespace {

std::string fixture(const std::string& name) { return std::string(VRAMPLAN_SOURCE_DIR) + "/tests/data/deployments/" + name; }

/// An expected flag.
struct F {
    std::string name;
    std::string value;
    std::size_t line;
    bool boolean = false;
    bool raw = false;
};
/// A flag with a value.
F val(std::string name, std::string value, std::size_t line) { return F{std::move(name), std::move(value), line, false, false}; }
/// A switch.
F sw(std::string name, std::size_t line, std::string value = "true") { return F{std::move(name), std::move(value), line, true, false}; }
/// A raw YAML list / mapping / block scalar.
F raw(std::string name, std::string value, std::size_t line) { return F{std::move(name), std::move(value), line, false, true}; }

struct Expected {
    std::string source;
    std::size_t line;
    std::string entrypoint;
    std::vector<std::string> env;
    std::vector<F> flags;
};

void check(const Deployment& d, const Expected& e) {
    INFO(e.source << ":" << e.line);
    CHECK(d.source == e.source);
    CHECK(d.line == e.line);
    CHECK(d.entrypoint == e.entrypoint);
    CHECK(d.env == e.env);
    REQUIRE(d.flags.size() == e.flags.size());
    for (std::size_t i = 0; i < e.flags.size(); ++i) {
        INFO("flag " << i << ": " << e.flags[i].name);
        CHECK(d.flags[i].name == e.flags[i].name);
        CHECK(d.flags[i].value == e.flags[i].value);
        CHECK(d.flags[i].line == e.flags[i].line);
        CHECK(d.flags[i].boolean == e.flags[i].boolean);
        CHECK(d.flags[i].raw == e.flags[i].raw);
    }
}

void check_all(const std::vector<Deployment>& got, const std::vector<Expected>& want) {
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        check(got[i], want[i]);
    }
}

std::vector<Deployment> commands(const std::string& text) { return parse_vllm_commands(text, "t.sh"); }
Deployment one(const std::string& text) {
    auto all = commands(text);
    REQUIRE(all.size() == 1);
    return all.front();
}
Deployment yaml(const std::string& text) { return parse_vllm_yaml(text, "c.yaml"); }

std::string commands_error(const std::string& text) {
    try {
        parse_vllm_commands(text, "t.sh");
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}
std::string yaml_error(const std::string& text) {
    try {
        parse_vllm_yaml(text, "c.yaml");
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}
std::string argv_error(const std::vector<std::string>& argv) {
    try {
        parse_vllm_argv(argv, "command line");
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}
std::string read_error(const std::string& path) {
    try {
        read_deployments(path);
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

void write_file(const std::filesystem::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary);
    out << text;
}

/// Creates a UNIX-domain socket file at PATH: bound, then closed (the file stays).
void make_socket_file(const std::filesystem::path& path) {
    const std::string name = path.string();
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    REQUIRE(name.size() < sizeof(address.sun_path));
    std::copy(name.begin(), name.end(), address.sun_path);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    const int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
    ::close(fd);
    REQUIRE(bound == 0);
}

const std::string k_none = ": expected a vLLM command (vllm serve MODEL ..., python -m vllm.entrypoints.openai.api_server ..., "
                           "or docker run ... vllm/vllm-openai ...), found none";

// ---- The fixtures' oracles --------------------------------------------------------------------

Expected lmcache(const std::string& source, std::size_t line) {
    return {source, line, "vllm serve", {"CUDA_VISIBLE_DEVICES=0,1,2,3"},
            {val("model", "/path/to/Qwen3-235B-A22B-FP8", line), val("tensor-parallel-size", "4", line),
             val("kv-transfer-config", R"({"kv_connector":"LMCacheConnectorV1","kv_role":"kv_both"})", line)}};
}

Expected codellama(const std::string& source, std::size_t line) {
    return {source, line, "api_server", {},
            {val("model", "TheBloke/CodeLlama-13B-Instruct-fp16", line), val("max-model-len", "16384", line),
             val("max-num-seqs", "16", line), val("tensor-parallel-size", "2", line), val("swap-space", "8", line),
             val("gpu-memory-utilization", "0.95", line), sw("disable-log-requests", line)}};
}

Expected qwen3_coder(const std::string& source, std::size_t line) {
    return {source, line, "vllm serve", {},
            {val("model", "/tmp/model/Qwen3-Coder-480B-A35B-Instruct-FP8", line),
             val("served-model-name", "Qwen3-Coder-480B-A35B-FP8", line), val("data-parallel-size", "8", line),
             sw("enable-expert-parallel", line), sw("enable-auto-tool-choice", line), val("tool-call-parser", "qwen3_coder", line),
             val("gpu-memory-utilization", "0.95", line)}};
}

const std::vector<Expected>& fixture_oracles() {
    static const std::vector<Expected> k_all = [] {
        std::vector<Expected> all;
        const std::string txt = fixture("deployments.txt");
        all.push_back({txt, 2, "vllm serve", {},
                       {val("model", "openai/gpt-oss-120b", 2), val("gpu-memory-utilization", "0.95", 2),
                        val("max-num-batched-tokens", "1024", 2)}});
        all.push_back(lmcache(txt, 3));
        all.push_back(codellama(txt, 4));
        all.push_back(qwen3_coder(txt, 6));
        all.push_back({txt, 7, "vllm serve", {},
                       {val("model", "microsoft/Phi-4-mini-instruct", 7), val("host", "0.0.0.0", 7),
                        sw("enable-auto-tool-choice", 7), val("tool-call-parser", "phi4_mini_json", 7),
                        sw("trust-remote-code", 7), val("max-model-len", "4096", 7), val("gpu-memory-utilization", "0.8", 7)}});
        all.push_back({txt, 8, "vllm serve", {},
                       {val("model", "Qwen2-7B-Instruct", 8), val("port", "8081", 8), val("max-model-len", "16384", 8),
                        val("gpu-memory-utilization", "0.25", 8)}});

        const std::string docker = fixture("docker-vllm-openai.sh");
        all.push_back({docker, 6, "docker", {"HUGGING_FACE_HUB_TOKEN=$HF_TOKEN", "CUDA_VISIBLE_DEVICES=0,1"},
                       {val("model", "Qwen2-7B-Instruct", 12), val("port", "8081", 12), val("max-model-len", "16384", 12),
                        val("tensor-parallel-size", "2", 12), val("gpu-memory-utilization", "0.5", 12)}});
        all.push_back({docker, 15, "docker", {},
                       {val("model", "/models/llama3-70b-awq", 16), val("api-server-count", "1", 16), val("port", "8002", 16),
                        val("tensor-parallel-size", "2", 16)}});

        all.push_back(lmcache(fixture("issue-21348-lmcache.sh"), 3));
        all.push_back(codellama(fixture("issue-2136-api-server.sh"), 4));

        const std::string kv8 = fixture("llama-3.1-8b-kvfp8.yaml");
        all.push_back({kv8, 2, "yaml", {},
                       {val("model", "meta-llama/Llama-3.1-8B-Instruct", 2), val("dtype", "bfloat16", 3),
                        val("max-model-len", "8192", 4), val("gpu-memory-utilization", "0.95", 5), val("kv-cache-dtype", "fp8", 6),
                        sw("enable-prefix-caching", 8, "false")}});

        const std::string tp2 = fixture("llama-3.3-70b-fp8-tp2.yaml");
        all.push_back({tp2, 3, "yaml", {},
                       {val("model", "RedHatAI/Llama-3.3-70B-Instruct-fp8-dynamic", 4), val("max-model-len", "8192", 5),
                        val("tensor-parallel-size", "2", 6), val("gpu-memory-utilization", "0.95", 7),
                        sw("enable-prefix-caching", 8, "false")}});

        const std::string sweep = fixture("llm-d-sweep-v0.19.sh");
        all.push_back({sweep, 9, "vllm serve", {"VLLM_LOGGING_LEVEL=DEBUG", "CUDA_VISIBLE_DEVICES=0,1"},
                       {val("model", "RedHatAI/Llama-3.3-70B-Instruct-fp8-dynamic", 9), val("max-model-len", "8192", 10),
                        val("tensor-parallel-size", "2", 10), val("gpu-memory-utilization", "0.95", 11),
                        sw("no-enable-prefix-caching", 11)}});
        all.push_back({sweep, 14, "vllm serve", {"VLLM_LOGGING_LEVEL=DEBUG"},
                       {val("model", "meta-llama/Llama-3.1-8B-Instruct", 14), val("max-model-len", "8192", 14),
                        val("pipeline-parallel-size", "2", 14), val("gpu-memory-utilization", "0.95", 14),
                        sw("no-enable-prefix-caching", 14)}});
        all.push_back({sweep, 17, "vllm serve", {"VLLM_LOGGING_LEVEL=DEBUG"},
                       {val("model", "meta-llama/Llama-3.1-8B-Instruct", 17), val("dtype", "bfloat16", 17),
                        val("kv-cache-dtype", "fp8", 17), val("max-model-len", "8192", 18), val("gpu-memory-utilization", "0.95", 18),
                        sw("no-enable-prefix-caching", 18)}});
        all.push_back({sweep, 22, "vllm serve", {},
                       {val("model", "moonshotai/Kimi-Dev-72B", 22), sw("trust-remote-code", 22), val("max-model-len", "8192", 22),
                        val("tensor-parallel-size", "4", 23), val("gpu-memory-utilization", "0.95", 23),
                        sw("no-enable-prefix-caching", 23)}});

        const std::string minicpm = fixture("minicpm5-tutorial.sh");
        all.push_back({minicpm, 2, "vllm serve", {},
                       {val("model", "/models/OpenBMB/MiniCPM5-1B", 2), val("max-model-len", "4096", 3),
                        val("gpu-memory-utilization", "0.6", 4), sw("trust-remote-code", 5)}});

        const std::string phi = fixture("phi-4-mini-tools.yaml");
        all.push_back({phi, 2, "yaml", {},
                       {val("model", "microsoft/Phi-4-mini-instruct", 2), val("host", "0.0.0.0", 3), sw("trust-remote-code", 4),
                        val("max-model-len", "4096", 5), val("gpu-memory-utilization", "0.8", 6), sw("enable-auto-tool-choice", 7),
                        val("tool-call-parser", "phi4_mini_json", 8),
                        raw("served-model-name", "  - phi-4-mini\n  - microsoft/Phi-4-mini-instruct", 11),
                        raw("override-generation-config", "  temperature: 0.0   # greedy\n  max_new_tokens: 512", 14),
                        val("uvicorn-log-level", "info", 17)}});

        const std::string gptq = fixture("qwen-issue-16-gptq.sh");
        all.push_back({gptq, 2, "api_server", {"CUDA_VISIBLE_DEVICES=7"},
                       {val("model", "qwen/Qwen1.5-7B-Chat-GPTQ-Int4", 2), val("served-model-name", "qwen/Qwen1.5-7B-Chat-GPTQ-Int4", 2),
                        val("quantization", "gptq", 2)}});
        all.push_back({gptq, 5, "vllm serve", {"CUDA_VISIBLE_DEVICES=7"},
                       {val("model", "qwen/Qwen1.5-7B-Chat-GPTQ-Int4", 5), val("quantization", "gptq", 5),
                        val("served-model-name", "qwen/Qwen1.5-7B-Chat-GPTQ-Int4", 5)}});

        const std::string unsloth = fixture("qwen3-8b-fp8-unsloth.yaml");
        all.push_back({unsloth, 3, "yaml", {},
                       {val("model", "unsloth/Qwen3-8B-FP8", 3), val("dtype", "bfloat16", 4), val("seed", "0", 5),
                        val("max-model-len", "2048", 6), sw("enable-prefix-caching", 7), sw("disable-cascade-attn", 8),
                        val("gpu-memory-utilization", "0.8661508568217998", 9), val("max-num-batched-tokens", "2048", 10),
                        val("max-num-seqs", "224", 11), val("max-logprobs", "0", 12), sw("disable-log-stats", 13),
                        sw("enable-lora", 14), val("max-lora-rank", "32", 15), sw("enable-chunked-prefill", 16),
                        raw("compilation-config", "{\"level\": 3,\n  \"cudagraph_capture_sizes\": [1, 2, 4, 8, 16]}", 17)}});

        all.push_back(qwen3_coder(fixture("recipes-12-qwen3-coder.sh"), 6));
        return all;
    }();
    return k_all;
}

} // namespace

TEST_CASE("every fixture file parses to its hand-checked oracle", "[deployment][fixtures]") {
    for (const Expected& e : fixture_oracles()) {
        const auto got = read_deployments(e.source);
        std::vector<Expected> want;
        for (const Expected& x : fixture_oracles()) {
            if (x.source == e.source) {
                want.push_back(x);
            }
        }
        check_all(got, want);
    }
}

TEST_CASE("the fixture directory reads every file, sorted by name", "[deployment][fixtures]") {
    // read_deployments(dir) names each file dir/NAME; the oracles use the same spelling.
    check_all(read_deployments(std::string(VRAMPLAN_SOURCE_DIR) + "/tests/data/deployments"), fixture_oracles());
}

TEST_CASE("find: last occurrence wins, names normalised like the flags", "[deployment]") {
    const Deployment d = one("vllm serve M --max-model-len 4096 --max_model_len=8192 -tp 2\n");
    REQUIRE(d.find("max-model-len") != nullptr);
    CHECK(d.find("max-model-len")->value == "8192");
    CHECK(d.find("--max_model_len")->value == "8192");
    CHECK(d.find("tensor-parallel-size")->value == "2");
    CHECK(d.find("model")->value == "M");
    CHECK(d.find("dtype") == nullptr);
    CHECK(d.find("tp") == nullptr); // short forms are expanded when parsed, not when looked up
}

TEST_CASE("switch_state: --x, --x=false, --no-x and YAML agree; the last one decides", "[deployment]") {
    CHECK(one("vllm serve M").switch_state("enforce-eager") == std::nullopt);
    CHECK(one("vllm serve M --enforce-eager").switch_state("enforce-eager") == true);
    CHECK(one("vllm serve M --enforce_eager=False").switch_state("--enforce-eager") == false);
    CHECK(one("vllm serve M --no-enable-prefix-caching").switch_state("enable-prefix-caching") == false);
    CHECK(one("vllm serve M --no-enable-prefix-caching=false").switch_state("enable-prefix-caching") == true);
    CHECK(one("vllm serve M --no-enable-prefix-caching --enable-prefix-caching").switch_state("enable-prefix-caching") == true);
    CHECK(one("vllm serve M --enable-prefix-caching --no-enable-prefix-caching").switch_state("enable_prefix_caching") == false);
    CHECK(yaml("enable_prefix_caching: off\n").switch_state("enable-prefix-caching") == false);
    CHECK(yaml("enforce-eager: yes\n").switch_state("enforce-eager") == true);
    // A flag with a value is not a switch.
    CHECK(one("vllm serve M --new-knob 7").switch_state("new-knob") == std::nullopt);
}

// ---- Flag grammar -----------------------------------------------------------------------------

TEST_CASE("flags: spaces, '=', underscores, short forms", "[deployment][flags]") {
    check(one("vllm serve M --max-model-len 4096 --gpu_memory_utilization=0.85 -tp 4 -pp=2 -dp 2 -dpl 1 -dcp 2 -q awq "
              "--kv-cache-dtype=fp8_e4m3 --hf-overrides '{\"a\": 1}' --compilation-config.cudagraph_capture_sizes=[1,2]"),
          {"t.sh", 1, "vllm serve", {},
           {val("model", "M", 1), val("max-model-len", "4096", 1), val("gpu-memory-utilization", "0.85", 1),
            val("tensor-parallel-size", "4", 1), val("pipeline-parallel-size", "2", 1), val("data-parallel-size", "2", 1),
            val("data-parallel-size-local", "1", 1), val("decode-context-parallel-size", "2", 1), val("quantization", "awq", 1),
            val("kv-cache-dtype", "fp8_e4m3", 1), val("hf-overrides", "{\"a\": 1}", 1),
            val("compilation-config.cudagraph_capture_sizes", "[1,2]", 1)}});
}

TEST_CASE("flags: -O is vLLM's --compilation-config", "[deployment][flags]") {
    check(one("vllm serve M -O3 -O.level=2 -O 1 -O=0"),
          {"t.sh", 1, "vllm serve", {},
           {val("model", "M", 1), val("compilation-config", "3", 1), val("compilation-config.level", "2", 1),
            val("compilation-config", "1", 1), val("compilation-config", "0", 1)}});
}

TEST_CASE("flags: switches take no value, but true/false may be written", "[deployment][flags]") {
    check(one("vllm serve --enforce-eager M --trust-remote-code=True --enable-prefix-caching=false "
              "--enable-chunked-prefill False --no-enable-chunked-prefill --disable-log-stats"),
          {"t.sh", 1, "vllm serve", {},
           {sw("enforce-eager", 1), val("model", "M", 1), sw("trust-remote-code", 1), sw("enable-prefix-caching", 1, "false"),
            sw("enable-chunked-prefill", 1, "false"), sw("no-enable-chunked-prefill", 1), sw("disable-log-stats", 1)}});
}

TEST_CASE("flags: unknown flags take the next token unless it is a flag; -1 is a value", "[deployment][flags]") {
    check(one("vllm serve M --new-knob 7 --new-switch --max-model-len -1 --offset -0.5 --other-switch"),
          {"t.sh", 1, "vllm serve", {},
           {val("model", "M", 1), val("new-knob", "7", 1), sw("new-switch", 1), val("max-model-len", "-1", 1),
            val("offset", "-0.5", 1), sw("other-switch", 1)}});
    // The ambiguity the rule leaves: an unknown switch before the positional model takes it.
    check(one("vllm serve --new-switch M"), {"t.sh", 1, "vllm serve", {}, {val("new-switch", "M", 1)}});
}

TEST_CASE("flags: nargs='+' flags take every following value", "[deployment][flags]") {
    check(one("vllm serve M --served-model-name a b c --port 8000 --lora-modules x=/l/x y=/l/y"),
          {"t.sh", 1, "vllm serve", {},
           {val("model", "M", 1), val("served-model-name", "a b c", 1), val("port", "8000", 1),
            val("lora-modules", "x=/l/x y=/l/y", 1)}});
}

TEST_CASE("flags: the model after flags, `--`, --model with vllm serve", "[deployment][flags]") {
    check(one("vllm serve --port 8000 --enforce-eager Qwen/X --max-model-len 8192"),
          {"t.sh", 1, "vllm serve", {},
           {val("port", "8000", 1), sw("enforce-eager", 1), val("model", "Qwen/X", 1), val("max-model-len", "8192", 1)}});
    check(one("vllm serve --port 8000 -- -weird-model-name"),
          {"t.sh", 1, "vllm serve", {}, {val("port", "8000", 1), val("model", "-weird-model-name", 1)}});
    check(one("vllm serve --model Qwen/X --max-model-len 8192"),
          {"t.sh", 1, "vllm serve", {}, {val("model", "Qwen/X", 1), val("max-model-len", "8192", 1)}});
    check(one("vllm serve Qwen/X --model Qwen/X"), {"t.sh", 1, "vllm serve", {}, {val("model", "Qwen/X", 1), val("model", "Qwen/X", 1)}});
}

TEST_CASE("flag errors", "[deployment][flags][errors]") {
    CHECK(commands_error("vllm serve M --max-model-len") == "t.sh:1: --max-model-len: expected a value");
    CHECK(commands_error("vllm serve M \\\n  -tp --enforce-eager") == "t.sh:2: -tp: expected a value");
    CHECK(commands_error("vllm serve M --enforce-eager=yes") == "t.sh:1: --enforce-eager: expected true or false, found 'yes'");
    CHECK(commands_error("vllm serve A B") ==
          "t.sh:1: unexpected argument 'B' (vllm serve takes one positional model, already 'A')");
    CHECK(commands_error("vllm serve A --enforce-eager\\\n yes") ==
          "t.sh:2: unexpected argument 'yes' (vllm serve takes one positional model, already 'A')");
    CHECK(commands_error("python -m vllm.entrypoints.openai.api_server --model A ...") ==
          "t.sh:1: unexpected argument '...' (the api_server takes the model as --model)");
    CHECK(commands_error("vllm serve A \\\n --model B") ==
          "t.sh:2: the model is given twice, 'A' (positional) and --model 'B'; vLLM uses the positional one");
}

// ---- Recognising commands ---------------------------------------------------------------------

TEST_CASE("entrypoints: vllm, python -m, paths", "[deployment][commands]") {
    check_all(commands("/opt/venv/bin/vllm serve A\n"
                       "python3.11 -m vllm.entrypoints.api_server --model B\n"
                       "python -X dev -W ignore -mvllm.entrypoints.openai.api_server --model C\n"
                       "python -m vllm.entrypoints.cli.main serve D\n"
                       "uv run --with vllm vllm serve E\n"),
              {{"t.sh", 1, "vllm serve", {}, {val("model", "A", 1)}},
               {"t.sh", 2, "api_server", {}, {val("model", "B", 2)}},
               {"t.sh", 3, "api_server", {}, {val("model", "C", 3)}},
               {"t.sh", 4, "vllm serve", {}, {val("model", "D", 4)}},
               {"t.sh", 5, "vllm serve", {}, {val("model", "E", 5)}}});
}

TEST_CASE("what is not a vLLM deployment", "[deployment][commands]") {
    const std::string text = "pip install vllm\n"
                             "vllm bench serve --model X\n"
                             "vllm chat\n"
                             "echo \"vllm serve X\"\n"
                             "echo vllm serve X\n"
                             "python script.py --model X\n"
                             "python -c 'import vllm' --model X\n"
                             "python -m vllm.entrypoints.openai.run_batch --model X\n"
                             "docker run ubuntu vllm-openai\n"
                             "docker pull vllm/vllm-openai:latest\n"
                             "# vllm serve X\n"
                             "MODEL=X\n"
                             "bash script.sh\n";
    CHECK(commands_error(text) == "t.sh" + k_none);
}

TEST_CASE("environment: prefixes, env, sudo, export and unset", "[deployment][commands]") {
    check_all(commands("export CUDA_VISIBLE_DEVICES=0 VLLM_USE_V1=1\n"
                       "export HF_HOME\n"
                       "CUDA_VISIBLE_DEVICES=2,3 NCCL_P2P_DISABLE=1 vllm serve A\n"
                       "unset VLLM_USE_V1\n"
                       "env -u X PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True vllm serve B\n"
                       "sudo -E VLLM_LOGGING_LEVEL=DEBUG vllm serve C\n"
                       "LOCAL=1\n"
                       "vllm serve D\n"),
              {{"t.sh", 3, "vllm serve", {"VLLM_USE_V1=1", "CUDA_VISIBLE_DEVICES=2,3", "NCCL_P2P_DISABLE=1"}, {val("model", "A", 3)}},
               {"t.sh", 5, "vllm serve", {"CUDA_VISIBLE_DEVICES=0", "PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True"},
                {val("model", "B", 5)}},
               {"t.sh", 6, "vllm serve", {"CUDA_VISIBLE_DEVICES=0", "VLLM_LOGGING_LEVEL=DEBUG"}, {val("model", "C", 6)}},
               {"t.sh", 8, "vllm serve", {"CUDA_VISIBLE_DEVICES=0"}, {val("model", "D", 8)}}});
    // A quoted name is not an assignment: "A=1" is the command.
    CHECK(commands_error("'A=1' vllm serve X") == "t.sh" + k_none);
}

TEST_CASE("wrappers and shell keywords before the command", "[deployment][commands]") {
    check_all(commands("nohup vllm serve A > a.log 2>&1 &\n"
                       "time numactl --cpunodebind=0 --membind=0 vllm serve B\n"
                       "timeout 60 vllm serve C || exit 1\n"
                       "if true; then vllm serve D; fi\n"
                       "{ vllm serve E; }\n"
                       "(cd /srv && exec vllm serve F)\n"
                       "while :; do vllm serve G; done\n"),
              {{"t.sh", 1, "vllm serve", {}, {val("model", "A", 1)}},
               {"t.sh", 2, "vllm serve", {}, {val("model", "B", 2)}},
               {"t.sh", 3, "vllm serve", {}, {val("model", "C", 3)}},
               {"t.sh", 4, "vllm serve", {}, {val("model", "D", 4)}},
               {"t.sh", 5, "vllm serve", {}, {val("model", "E", 5)}},
               {"t.sh", 6, "vllm serve", {}, {val("model", "F", 6)}},
               {"t.sh", 7, "vllm serve", {}, {val("model", "G", 7)}}});
}

TEST_CASE("bash -c scripts: their commands, with the outer environment", "[deployment][commands]") {
    check_all(commands("export A=1\n"
                       "B=2 bash -c 'vllm serve X --max-model-len 8192; C=3 vllm serve Y'\n"
                       "nohup sh -lc \"\n"
                       "  vllm serve Z \\\n"
                       "    -tp 2\" &\n"
                       "bash -c 'export D=4; vllm serve W'; vllm serve V\n"
                       "bash -e -o pipefail +x -c 'vllm serve U | tee u.log'\n"
                       "bash run.sh -c 'vllm serve NOT-A-SCRIPT'\n"),
              {{"t.sh", 2, "vllm serve", {"A=1", "B=2"}, {val("model", "X", 2), val("max-model-len", "8192", 2)}},
               {"t.sh", 2, "vllm serve", {"A=1", "B=2", "C=3"}, {val("model", "Y", 2)}},
               // Inside the double-quoted script the backslash-newline was already removed by the
               // outer quoting, so the flag is on the script's second line.
               {"t.sh", 4, "vllm serve", {"A=1"}, {val("model", "Z", 4), val("tensor-parallel-size", "2", 4)}},
               {"t.sh", 6, "vllm serve", {"A=1", "D=4"}, {val("model", "W", 6)}},
               {"t.sh", 6, "vllm serve", {"A=1"}, {val("model", "V", 6)}},
               {"t.sh", 7, "vllm serve", {"A=1"}, {val("model", "U", 7)}}});
}

TEST_CASE("docker and podman: options, -e, an inner command after the image", "[deployment][commands]") {
    check_all(commands("docker run -it --rm --gpus=all -eHF_TOKEN=x --env=A=1 --env B=2 -e HF_HOME -p8000:8000 "
                       "--name vllm vllm/vllm-openai:latest --model Qwen/X -q fp8\n"
                       "podman container run --device nvidia.com/gpu=all quay.io/x/vllm-openai:v0.11 Qwen/Y\n"
                       "docker run --gpus all --entrypoint '' rocm/vllm:latest vllm serve Z --max-model-len 4096\n"
                       "docker run -e A=1 rocm/vllm:latest python3 -m vllm.entrypoints.openai.api_server --model W\n"),
              {{"t.sh", 1, "docker", {"HF_TOKEN=x", "A=1", "B=2"}, {val("model", "Qwen/X", 1), val("quantization", "fp8", 1)}},
               {"t.sh", 2, "docker", {}, {val("model", "Qwen/Y", 2)}},
               {"t.sh", 3, "vllm serve", {}, {val("model", "Z", 3), val("max-model-len", "4096", 3)}},
               {"t.sh", 4, "api_server", {"A=1"}, {val("model", "W", 4)}}});
}

// ---- Shell syntax -----------------------------------------------------------------------------

TEST_CASE("quotes and escapes", "[deployment][shell]") {
    check(one("vllm serve 'my model' --chat-template \"{{ \\\"x\\\" }} \\$HOME \\q\" --served-model-name $'a\\tb\\'c' "
              "--api-key abc\\ def --tokenizer ''\n"),
          {"t.sh", 1, "vllm serve", {},
           {val("model", "my model", 1), val("chat-template", "{{ \"x\" }} $HOME \\q", 1), val("served-model-name", "a\tb'c", 1),
            val("api-key", "abc def", 1), val("tokenizer", "", 1)}});
}

TEST_CASE("substitutions are kept as written", "[deployment][shell]") {
    check(one("vllm serve $MODEL --download-dir \"$(dirname \"$0\")/models\" --port ${PORT:-8000 0} "
              "--seed `date +%s` --max-model-len $((4096 * 2))\n"),
          {"t.sh", 1, "vllm serve", {},
           {val("model", "$MODEL", 1), val("download-dir", "$(dirname \"$0\")/models", 1), val("port", "${PORT:-8000 0}", 1),
            val("seed", "`date +%s`", 1), val("max-model-len", "$((4096 * 2))", 1)}});
}

TEST_CASE("comments, separators and redirections", "[deployment][shell]") {
    check_all(commands("vllm serve A --port 1 # --port 2\n"
                       "vllm serve B#not-a-comment; vllm serve C && vllm serve D | tee log\n"
                       "vllm serve E >> e.log 2> err.log < /dev/null &> all.log >&2 --port 3\n"),
              {{"t.sh", 1, "vllm serve", {}, {val("model", "A", 1), val("port", "1", 1)}},
               {"t.sh", 2, "vllm serve", {}, {val("model", "B#not-a-comment", 2)}},
               {"t.sh", 2, "vllm serve", {}, {val("model", "C", 2)}},
               {"t.sh", 2, "vllm serve", {}, {val("model", "D", 2)}},
               {"t.sh", 3, "vllm serve", {}, {val("model", "E", 3), val("port", "3", 3)}}});
}

TEST_CASE("here-documents are skipped", "[deployment][shell]") {
    check_all(commands("cat > cfg.yaml <<'EOF'\n"
                       "model: don't parse me\n"
                       "vllm serve NOT-A-COMMAND\n"
                       "EOF\n"
                       "cat <<-END | vllm serve A --config cfg.yaml\n"
                       "\tvllm serve ALSO-NOT\n"
                       "\tEND\n"
                       "vllm serve B\n"),
              {{"t.sh", 5, "vllm serve", {}, {val("model", "A", 5), val("config", "cfg.yaml", 5)}},
               {"t.sh", 8, "vllm serve", {}, {val("model", "B", 8)}}});
}

TEST_CASE("lines: continuations, multi-line quotes, CRLF", "[deployment][shell]") {
    check_all(commands("\n"
                       "CUDA_VISIBLE_DEVICES=0 \\\n"
                       "  vllm serve A \\\r\n"
                       "  --chat-template '{% for m in messages %}\r\n"
                       "{{ m }}{% endfor %}' \\\n"
                       "  --max-model-len 8192\r\n"
                       "vllm serve B\r\n"),
              {{"t.sh", 2, "vllm serve", {"CUDA_VISIBLE_DEVICES=0"},
                {val("model", "A", 3), val("chat-template", "{% for m in messages %}\r\n{{ m }}{% endfor %}", 4),
                 val("max-model-len", "8192", 6)}},
               {"t.sh", 7, "vllm serve", {}, {val("model", "B", 7)}}});
}

TEST_CASE("shell errors", "[deployment][shell][errors]") {
    CHECK(commands_error("echo hi\nvllm serve 'A\n") == "t.sh:2: unterminated single quote: expected a closing '");
    CHECK(commands_error("vllm serve \"A\n\n") == "t.sh:1: unterminated double quote: expected a closing \"");
    CHECK(commands_error("vllm serve $'A") == "t.sh:1: unterminated $'...' quote: expected a closing '");
    CHECK(commands_error("vllm serve `A") == "t.sh:1: unterminated backquote: expected a closing `");
    CHECK(commands_error("\nvllm serve $(A") == "t.sh:2: unterminated $(: expected a closing )");
    CHECK(commands_error("vllm serve ${A") == "t.sh:1: unterminated ${: expected a closing }");
    CHECK(commands_error("# vllm serve X\n") == "t.sh" + k_none);
    CHECK(commands_error("") == "t.sh" + k_none);
    CHECK(commands_error("vllm serve A\n" + std::string((1u << 20) + 1, 'x') + "\n") == "t.sh:2: line longer than 1048576 bytes");
    std::string exports;
    for (int i = 0; i < 257; ++i) {
        exports += "export V" + std::to_string(i) + "=1\n";
    }
    CHECK(commands_error(exports + "vllm serve A\n") == "t.sh:257: expected at most 256 exported variables of 65536 bytes in all");
}

// ---- argv ---------------------------------------------------------------------------------------

TEST_CASE("parse_vllm_argv: tokens as the shell passed them", "[deployment][argv]") {
    check(parse_vllm_argv({"vllm", "serve", "Qwen/X", "--max-model-len", "8192", "--chat-template", "{{ 'a b' }}", "--enforce-eager"},
                          "command line"),
          {"command line", 0, "vllm serve", {},
           {val("model", "Qwen/X", 0), val("max-model-len", "8192", 0), val("chat-template", "{{ 'a b' }}", 0), sw("enforce-eager", 0)}});
    check(parse_vllm_argv({"CUDA_VISIBLE_DEVICES=0,1", "python3", "-m", "vllm.entrypoints.openai.api_server", "--model=M", "-tp=2"},
                          "command line"),
          {"command line", 0, "api_server", {"CUDA_VISIBLE_DEVICES=0,1"}, {val("model", "M", 0), val("tensor-parallel-size", "2", 0)}});
    check(parse_vllm_argv({"docker", "run", "--gpus", "all", "vllm/vllm-openai", "--model", "M"}, "command line"),
          {"command line", 0, "docker", {}, {val("model", "M", 0)}});
    check(parse_vllm_argv({"bash", "-c", "vllm serve M\n--port 1"}, "command line"),
          {"command line", 0, "vllm serve", {}, {val("model", "M", 0)}});
}

TEST_CASE("parse_vllm_argv errors", "[deployment][argv][errors]") {
    CHECK(argv_error({}) == "command line" + k_none);
    CHECK(argv_error({"ls", "-l"}) == "command line" + k_none);
    CHECK(argv_error({"bash", "-c", "vllm serve A; vllm serve B"}) == "command line: expected one vLLM command, found 2");
    CHECK(argv_error({"vllm", "serve", "A", "--max-num-seqs"}) == "command line: --max-num-seqs: expected a value");
}

// ---- YAML ---------------------------------------------------------------------------------------

TEST_CASE("yaml: scalars, quotes, escapes, PyYAML booleans", "[deployment][yaml]") {
    check(yaml("\xEF\xBB\xBF# config\r\n"
               "---\r\n"
               "\"model\": \"Qwen/X\\t\\u00e9\\x41\\\\\"   # c\r\n"
               "'served_model_name': 'it''s'\n"
               "enforce-eager: on\n"
               "trust_remote_code: NO\n"
               "new-switch: yes\n"
               "max-model-len: 8192 # tokens\n"
               "chat-template: a#b\n"
               "api-key: http://x:1/y\n"
               "compilation-config.level: 3\n"
               "...\n"
               "# trailing comment\n"),
          {"c.yaml", 2, "yaml", {},
           {val("model", "Qwen/X\t\xC3\xA9" "A\\", 3), val("served-model-name", "it's", 4), sw("enforce-eager", 5),
            sw("trust-remote-code", 6, "false"), sw("new-switch", 7), val("max-model-len", "8192", 8), val("chat-template", "a#b", 9),
            val("api-key", "http://x:1/y", 10), val("compilation-config.level", "3", 11)}});
}

TEST_CASE("yaml: lists, mappings and block scalars are raw", "[deployment][yaml]") {
    check(yaml("model: M\n"
               "cuda-graph-sizes: [1, 2, 4]\n"
               "limit-mm-per-prompt: {\"image\": 2, \"video\": 0}  # c\n"
               "hf-overrides: {\n"
               "  \"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4.0},   # ] not the end\n"
               "  'a': \"}\"\n"
               "}\n"
               "served-model-name:\n"
               "- a\n"
               "# between\n"
               "- b\n"
               "\n"
               "chat-template: |\n"
               "  {% for m in messages %}\n"
               "\n"
               "    {{ m }}\n"
               "port: 8000\n"),
          {"c.yaml", 1, "yaml", {},
           {val("model", "M", 1), raw("cuda-graph-sizes", "[1, 2, 4]", 2), raw("limit-mm-per-prompt", "{\"image\": 2, \"video\": 0}", 3),
            raw("hf-overrides", "{\n  \"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4.0},\n  'a': \"}\"\n}", 4),
            raw("served-model-name", "- a\n# between\n- b", 8), raw("chat-template", "{% for m in messages %}\n\n  {{ m }}", 13),
            val("port", "8000", 17)}});
}

TEST_CASE("yaml errors", "[deployment][yaml][errors]") {
    CHECK(yaml_error("model: M\n\tmax-model-len: 1\n") == "c.yaml:2: expected spaces for indentation, found a tab");
    CHECK(yaml_error("a:\n  - 1\n\t- 2\n") == "c.yaml:3: expected spaces for indentation, found a tab");
    CHECK(yaml_error("model M\n") == "c.yaml:1: expected 'key: value', found no ':'");
    CHECK(yaml_error("model: A\nmodel: B\n") == "c.yaml:2: duplicate key 'model' (already set on line 1)");
    CHECK(yaml_error("max-model-len: 1\n# c\nmax_model_len: 2\n") == "c.yaml:3: duplicate key 'max_model_len' (already set on line 1)");
    CHECK(yaml_error("model: \"A\n") == "c.yaml:1: expected a closing \" on the same line (multi-line quoted values are not supported)");
    CHECK(yaml_error("model: 'A''\n") == "c.yaml:1: expected a closing ' on the same line (multi-line quoted values are not supported)");
    CHECK(yaml_error("\"model: A\n") == "c.yaml:1: expected a closing \" on the same line (multi-line quoted values are not supported)");
    CHECK(yaml_error("- model: A\n") == "c.yaml:1: expected a mapping of vLLM flags ('key: value' lines) at the top level, found a list");
    CHECK(yaml_error("{model: A}\n") ==
          "c.yaml:1: expected a mapping of vLLM flags ('key: value' lines) at the top level, found a flow collection");
    CHECK(yaml_error("just text\n") == "c.yaml:1: expected 'key: value', found no ':'");
    CHECK(yaml_error("model: A\n  B\n") == "c.yaml:2: expected 'key: value' at the start of the line, found indentation (a value "
                                           "spanning lines must be a list or a mapping)");
    CHECK(yaml_error("base: &b 1\n") == "c.yaml:1: expected a plain value, found an anchor ('&name', not supported): write the value out");
    CHECK(yaml_error("port: *p\n") == "c.yaml:1: expected a plain value, found an alias ('*name', not supported): write the value out");
    CHECK(yaml_error("&a model: M\n") == "c.yaml:1: expected a plain value, found an anchor ('&name', not supported): write the value out");
    CHECK(yaml_error("port: !!int 8000\n") == "c.yaml:1: expected a plain value, found a tag ('!tag', not supported)");
    CHECK(yaml_error("<<: {a: 1}\n") == "c.yaml:1: expected a flag name as the key, found a merge key ('<<', not supported)");
    CHECK(yaml_error("model: A\n---\nmodel: B\n") ==
          "c.yaml:2: expected a single YAML document, found a second '---' (multi-document files are not supported)");
    CHECK(yaml_error("---\n---\n") ==
          "c.yaml:2: expected a single YAML document, found a second '---' (multi-document files are not supported)");
    CHECK(yaml_error("model: A\n...\nport: 1\n") == "c.yaml:3: expected a single YAML document, found more after '...' (line 2)");
    CHECK(yaml_error("--- model: A\n") == "c.yaml:1: expected the document to start on the line after '---'");
    CHECK(yaml_error("%YAML 1.2\n---\nmodel: A\n") == "c.yaml:1: expected 'key: value', found a YAML directive (not supported)");
    CHECK(yaml_error("max-model-len: ~\n") == "c.yaml:1: expected a value for 'max-model-len', found null");
    CHECK(yaml_error("max-model-len:\nport: 1\n") == "c.yaml:1: expected a value for 'max-model-len'");
    CHECK(yaml_error("max-model-len:   # later\n") == "c.yaml:1: expected a value for 'max-model-len'");
    CHECK(yaml_error("max-model-len: true\n") == "c.yaml:1: expected a value for 'max-model-len', found the boolean 'true'");
    CHECK(yaml_error("enforce-eager: 1\n") == "c.yaml:1: expected true or false for 'enforce-eager', found '1'");
    CHECK(yaml_error("enforce_eager: \"true\"\n") == "c.yaml:1: expected true or false for 'enforce_eager', found a quoted string");
    CHECK(yaml_error("model: \"a\\qb\"\n") == "c.yaml:1: expected a valid escape in a double-quoted value, found '\\q'");
    CHECK(yaml_error("model: \"\\uD800\"\n") == "c.yaml:1: expected a valid escape in a double-quoted value, found '\\u'");
    CHECK(yaml_error("model: M\nhf-overrides: {\"a\": [1,\n  2}\n") == "c.yaml:2: expected a closing '}' for the value of 'hf-overrides'");
    CHECK(yaml_error("cuda-graph-sizes: [1, 2\n") == "c.yaml:1: expected a closing ']' for the value of 'cuda-graph-sizes'");
    CHECK(yaml_error("model: \"A\" B\n") == "c.yaml:1: expected the end of the line after the closing quote");
    CHECK(yaml_error("cuda-graph-sizes: [1] 2\n") == "c.yaml:1: expected the end of the line after the closing ']'");
    CHECK(yaml_error("\"max model len\": 1\n") == "c.yaml:1: expected a flag name as the key, found 'max model len'");
    CHECK(yaml_error("--model: M\n") == "c.yaml:1: expected a flag name as the key, found '--model'");
    CHECK(yaml_error("\"model\" M\n") == "c.yaml:1: expected ':' after the key");
    CHECK(yaml_error("? model\n: M\n") == "c.yaml:1: expected 'key: value', found a complex key ('? ', not supported)");
    CHECK(yaml_error("") == "c.yaml: expected a mapping of vLLM flags ('key: value' lines), found an empty document");
    CHECK(yaml_error("# only a comment\n---\n") ==
          "c.yaml: expected a mapping of vLLM flags ('key: value' lines), found an empty document");
    CHECK(yaml_error("model: @me\n") == "c.yaml:1: expected a plain value, found '@' (reserved in YAML): quote the value");
    CHECK(yaml_error("model: %me\n") == "c.yaml:1: expected a plain value, found '%' (reserved in YAML): quote the value");
    CHECK(yaml_error("served-model-name: - a\n") ==
          "c.yaml:1: expected a value after 'served-model-name:', found a list entry (a list starts on the next line)");
    CHECK(yaml_error("model: ]\n") == "c.yaml:1: expected a value after 'model:', found ']'");
    CHECK(yaml_error("model: a: b\n") ==
          "c.yaml:1: expected one 'key: value' per line, found a second ': ' (quote a value that contains ': ')");
    CHECK(yaml_error("chat-template: |x\n  a\n") == "c.yaml:1: expected a block scalar header ('|', '|-', '>', ...) after 'chat-template:'");
    CHECK(yaml_error("model: M\n" + std::string((1u << 20) + 1, 'x') + "\n") == "c.yaml:2: line longer than 1048576 bytes");
}

// ---- Files and directories -----------------------------------------------------------------------

TEST_CASE("read_deployments: extensions, skipped files, errors", "[deployment][read]") {
    test::TempDir dir("deployments");
    const std::string root = dir.path.string();

    CHECK(read_error(root + "/missing.sh") == root + "/missing.sh: no such file or directory");
    CHECK(read_error(root) == root + ": no vLLM deployments found (expected .yaml, .yml, .sh or .txt files with vLLM commands)");

    write_file(dir.path / "setup.sh", "pip install vllm\n");
    write_file(dir.path / "notes.txt", "no commands here\n");
    write_file(dir.path / "README.md", "vllm serve IGNORED\n");
    write_file(dir.path / ".hidden.sh", "vllm serve HIDDEN\n");
    std::filesystem::create_directories(dir.path / "sub");
    write_file(dir.path / "sub" / "deep.sh", "vllm serve DEEP\n");
    CHECK(read_error(root) == root + ": no vLLM deployments found (expected .yaml, .yml, .sh or .txt files with vLLM commands)");
    CHECK(read_error(root + "/setup.sh") == root + "/setup.sh" + k_none);

    write_file(dir.path / "b.YML", "model: B\n");
    write_file(dir.path / "a.yaml", "model: A\n");
    write_file(dir.path / "c.txt", "vllm serve C1\nvllm serve C2\n");
    write_file(dir.path / "serve", "vllm serve D\n");
    const auto all = read_deployments(root);
    REQUIRE(all.size() == 4);
    CHECK(all[0].source == (dir.path / "a.yaml").string());
    CHECK(all[0].find("model")->value == "A");
    CHECK(all[1].source == (dir.path / "b.YML").string());
    CHECK(all[1].entrypoint == "yaml");
    CHECK(all[2].find("model")->value == "C1");
    CHECK(all[3].find("model")->value == "C2");
    // A file without a known extension is read when named, as commands.
    const auto d = read_deployments(root + "/serve");
    REQUIRE(d.size() == 1);
    CHECK(d[0].find("model")->value == "D");
    CHECK(read_deployments(root + "/b.YML").at(0).entrypoint == "yaml");

    write_file(dir.path / "bad.yaml", "model A\n");
    CHECK(read_error(root) == (dir.path / "bad.yaml").string() + ":1: expected 'key: value', found no ':'");
    std::filesystem::remove(dir.path / "bad.yaml");

    write_file(dir.path / "big.sh", std::string((std::size_t{16} << 20) + 1, '\n'));
    CHECK(read_error(root + "/big.sh") == root + "/big.sh: larger than 16 MiB, expected a vLLM command or config file");
}

TEST_CASE("read_deployments: an unreadable file", "[deployment][read]") {
    // A file that exists, is not a directory, and cannot be opened. Permission bits do not stop
    // root (the test command runs as root); a UNIX socket cannot be opened by anyone (ENXIO).
    test::TempDir dir("deployments-unreadable");
    const auto file = dir.path / "serve.sh";
    make_socket_file(file);
    REQUIRE(std::filesystem::exists(file));
    REQUIRE(!std::ifstream(file));
    // The reason as the open reports it (ENXIO here); EACCES would read "permission denied".
    CHECK(read_error(file.string()) == file.string() + ": cannot be read (No such device or address)");
}

// ---- Vocabulary -------------------------------------------------------------------------------

TEST_CASE("the switch list", "[deployment][flags]") {
    const auto& list = vllm_boolean_flags();
    CHECK(std::is_sorted(list.begin(), list.end()));
    for (const char* name : {"enforce-eager", "trust-remote-code", "enable-prefix-caching", "enable-chunked-prefill",
                             "disable-log-requests", "disable-log-stats", "enable-auto-tool-choice", "enable-lora",
                             "disable-custom-all-reduce", "enable-expert-parallel", "disable-sliding-window", "enable-reasoning",
                             "async-scheduling", "headless", "enable-log-requests", "disable-frontend-multiprocessing",
                             "skip-tokenizer-init", "enable-sleep-mode"}) {
        INFO(name);
        CHECK(std::find(list.begin(), list.end(), name) != list.end());
        // Each is a switch in both spellings: it does not take the model as its value.
        const Deployment d = one(std::string("vllm serve --") + name + " --no-" + name + " M");
        REQUIRE(d.flags.size() == 3);
        CHECK(d.flags[0].boolean);
        CHECK(d.flags[1].boolean);
        CHECK(d.flags[2].name == "model");
    }
}

// ---- Garbage ----------------------------------------------------------------------------------

TEST_CASE("random bytes never crash the parsers", "[deployment][garbage]") {
    std::mt19937 rng(20240611);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<int> length(0, 600);
    const std::vector<std::string> shellish = {"vllm", " serve", " ", "\n", "'", "\"", "\\", "$(", ")", "${", "}", "`", "$'", "#",
                                               "<<", "EOF", "-tp", "--max-model-len", "=", "-1", ";", "&", "|", ">", "2>&1",
                                               "bash -c ", "docker run ", "vllm/vllm-openai ", "python -m vllm.entrypoints.api_server",
                                               "A=1 ", "export B=2\n", "\r\n", "-O", "--model ", "M"};
    const std::vector<std::string> yamlish = {"model", ":", " ", "\n", "'", "\"", "\\", "{", "}", "[", "]", "- ", "#", "\t",
                                              "---", "...", "&a", "*a", "!", "|", ">", "true", "~", "_", "-", "enforce-eager",
                                              "max-model-len", "8192", ",", "\\u12", "?", "%", "\r\n", "  "};
    for (int round = 0; round < 3000; ++round) {
        std::string text;
        const int n = length(rng);
        for (int i = 0; i < n; ++i) {
            if (round % 3 == 0) {
                text.push_back(static_cast<char>(byte(rng)));
            } else {
                const auto& alphabet = round % 3 == 1 ? shellish : yamlish;
                text += alphabet[static_cast<std::size_t>(byte(rng)) % alphabet.size()];
            }
        }
        INFO("round " << round);
        // Either a result or InputError; anything else (or a crash) fails the test.
        std::vector<Deployment> found;
        try {
            found = parse_vllm_commands(text, "r.sh");
        } catch (const InputError&) {
        }
        for (const Deployment& d : found) {
            CHECK(d.line >= 1);
        }
        std::size_t keys = 1;
        try {
            keys = parse_vllm_yaml(text, "r.yaml").flags.size();
        } catch (const InputError&) {
        }
        CHECK(keys >= 1);
    }
}

TEST_CASE("10,000 nested quotes", "[deployment][garbage]") {
    const std::size_t n = 10000;
    std::string nested;
    for (std::size_t i = 0; i < n; ++i) {
        nested += "\"$(";
    }
    nested += "x";
    for (std::size_t i = 0; i < n; ++i) {
        nested += ")\"";
    }
    // The outer double quote is removed; everything inside the substitution is kept verbatim.
    const Deployment d = one("vllm serve M --served-model-name " + nested + " --port 1\n");
    REQUIRE(d.flags.size() == 3);
    CHECK(d.flags[1].value == nested.substr(1, nested.size() - 2));
    CHECK(d.flags[2].value == "1");

    std::string open;
    for (std::size_t i = 0; i < n; ++i) {
        open += "\"$('";
    }
    CHECK(commands_error("\nvllm serve " + open) == "t.sh:2: unterminated double quote: expected a closing \"");

    std::string alternating;
    for (std::size_t i = 0; i < n; ++i) {
        alternating += i % 2 == 0 ? "'\"'" : "\"'\"";
    }
    CHECK(one("vllm serve " + alternating).flags.at(0).value.size() == n);

    const std::string brackets = std::string(n, '[') + std::string(n, ']');
    CHECK(yaml("cuda-graph-sizes: " + brackets + "\n").flags.at(0).value == brackets);
    CHECK(yaml_error("cuda-graph-sizes: " + std::string(n, '{') + "\n") ==
          "c.yaml:1: expected a closing '}' for the value of 'cuda-graph-sizes'");
}

TEST_CASE("large inputs stay linear", "[deployment][garbage]") {
    std::string text;
    for (int i = 0; i < 50000; ++i) {
        text += "CUDA_VISIBLE_DEVICES=0 vllm serve M" + std::to_string(i) + " --max-model-len 8192 -tp 2 --enforce-eager\n";
    }
    const auto all = commands(text);
    REQUIRE(all.size() == 50000);
    CHECK(all.back().line == 50000);
    CHECK(all.back().find("model")->value == "M49999");

    std::string words = "vllm serve M --served-model-name";
    for (int i = 0; i < 100000; ++i) { // ~0.7 MB: under the 1 MiB line cap
        words += " n" + std::to_string(i);
    }
    CHECK(one(words).flags.at(1).value.size() == words.size() - std::string("vllm serve M --served-model-name ").size());

    std::string config;
    for (int i = 0; i < 50000; ++i) {
        config += "key-" + std::to_string(i) + ": " + std::to_string(i) + "\n";
    }
    CHECK(yaml(config).flags.size() == 50000);
}

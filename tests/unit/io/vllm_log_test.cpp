// vLLM startup-log parsing (include/vramplan/io/vllm_log.hpp).
//
// Every real excerpt in tests/data/logs/ (provenance in its README.md) has a hand-checked oracle
// of every field, present or absent, with the line it comes from; then prefixes (ranks, ANSI,
// CRLF), the wordings no excerpt shows (v0.21, start-up errors), source precedence, garbage and
// huge input, and the file reader's errors.
#include <vramplan/io/errors.hpp>
#include <vramplan/io/vllm_log.hpp>

#include "../support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

using namespace vramplan;

namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Built by appending: GCC 12 at -O2 reports a false -Warray-bounds/-Wstringop-overflow inside
// libstdc++ for `std::string(VRAMPLAN_SOURCE_DIR) + "/tests/data/logs/" + name`.
std::string fixture_path(const std::string& name) {
    std::string path = VRAMPLAN_SOURCE_DIR "/tests/data/logs/";
    path += name;
    return path;
}
VllmLog fixture(const std::string& name) { return read_vllm_log(fixture_path(name)); }

/// An expected value and its 1-based line.
template <class T> struct At {
    T value;
    std::size_t line;
};
template <class T> using Want = std::optional<At<T>>;

Want<std::string> text(std::string v, std::size_t line) { return At<std::string>{std::move(v), line}; }
Want<double> real(double v, std::size_t line) { return At<double>{v, line}; }
Want<std::uint64_t> count(std::uint64_t v, std::size_t line) { return At<std::uint64_t>{v, line}; }
Want<std::uint32_t> small(std::uint32_t v, std::size_t line) { return At<std::uint32_t>{v, line}; }
Want<bool> flag(bool v, std::size_t line) { return At<bool>{v, line}; }

/// Every field of VllmLog; what is left out is expected to be empty.
struct Expected {
    Want<std::string> version{}; // VllmVersion::str()
    Want<std::string> engine{};
    Want<std::string> model{};
    Want<double> gpu_memory_utilization{};
    Want<std::uint64_t> max_model_len{};
    Want<std::uint64_t> max_num_seqs{};
    Want<std::uint64_t> max_num_batched_tokens{};
    Want<std::uint64_t> block_size{};
    Want<std::uint32_t> tensor_parallel_size{};
    Want<std::uint32_t> pipeline_parallel_size{};
    Want<std::string> dtype{};
    Want<std::string> kv_cache_dtype{};
    Want<std::string> quantization{};
    Want<bool> enforce_eager{};
    Want<std::string> model_runner{};
    Want<std::uint64_t> attention_block_size{};
    Want<double> total_gib{};
    Want<double> requested_gib{};
    Want<double> initial_free_gib{};
    Want<double> weights_gib{};
    Want<double> activation_gib{};
    Want<double> non_torch_gib{};
    Want<double> non_kv_gib{};
    Want<double> consumed_gib{};
    Want<double> kv_cache_gib{};
    Want<double> cuda_graph_gib{};
    Want<double> cuda_graph_estimate_gib{};
    Want<std::uint64_t> gpu_blocks{};
    Want<std::uint64_t> cpu_blocks{};
    Want<std::uint64_t> kv_tokens{};
    Want<double> max_concurrency{};
    Want<std::uint64_t> concurrency_tokens_per_request{};
    std::vector<double> kv_cache_gib_per_rank{};
    Want<std::string> error{};
    std::string wording{};
    std::string wording_min{}; // "" = none
    std::string wording_max{};
    std::size_t lines = 0;
};

template <class T, class U> void check_field(const char* name, const std::optional<Logged<T>>& got, const Want<U>& want) {
    INFO("field " << name);
    CHECK(got.has_value() == want.has_value());
    if (got && want) {
        // Doubles compare exactly: the parser and the compiler both round the same decimal text.
        CHECK(got->value == want->value);
        CHECK(got->line == want->line);
    }
}

void check_field(const char* name, const std::optional<Logged<VllmVersion>>& got, const Want<std::string>& want) {
    INFO("field " << name);
    CHECK(got.has_value() == want.has_value());
    if (got && want) {
        CHECK(got->value.str() == want->value);
        CHECK(got->line == want->line);
    }
}

std::string version_text(const std::optional<VllmVersion>& v) { return v ? v->str() : ""; }

void check_log(const VllmLog& g, const Expected& e) {
    check_field("version", g.version, e.version);
    check_field("engine", g.engine, e.engine);
    check_field("model", g.model, e.model);
    check_field("gpu_memory_utilization", g.gpu_memory_utilization, e.gpu_memory_utilization);
    check_field("max_model_len", g.max_model_len, e.max_model_len);
    check_field("max_num_seqs", g.max_num_seqs, e.max_num_seqs);
    check_field("max_num_batched_tokens", g.max_num_batched_tokens, e.max_num_batched_tokens);
    check_field("block_size", g.block_size, e.block_size);
    check_field("tensor_parallel_size", g.tensor_parallel_size, e.tensor_parallel_size);
    check_field("pipeline_parallel_size", g.pipeline_parallel_size, e.pipeline_parallel_size);
    check_field("dtype", g.dtype, e.dtype);
    check_field("kv_cache_dtype", g.kv_cache_dtype, e.kv_cache_dtype);
    check_field("quantization", g.quantization, e.quantization);
    check_field("enforce_eager", g.enforce_eager, e.enforce_eager);
    check_field("model_runner", g.model_runner, e.model_runner);
    check_field("attention_block_size", g.attention_block_size, e.attention_block_size);
    check_field("consumed_gib", g.consumed_gib, e.consumed_gib);
    check_field("total_gib", g.total_gib, e.total_gib);
    check_field("requested_gib", g.requested_gib, e.requested_gib);
    check_field("initial_free_gib", g.initial_free_gib, e.initial_free_gib);
    check_field("weights_gib", g.weights_gib, e.weights_gib);
    check_field("activation_gib", g.activation_gib, e.activation_gib);
    check_field("non_torch_gib", g.non_torch_gib, e.non_torch_gib);
    check_field("non_kv_gib", g.non_kv_gib, e.non_kv_gib);
    check_field("kv_cache_gib", g.kv_cache_gib, e.kv_cache_gib);
    check_field("cuda_graph_gib", g.cuda_graph_gib, e.cuda_graph_gib);
    check_field("cuda_graph_estimate_gib", g.cuda_graph_estimate_gib, e.cuda_graph_estimate_gib);
    check_field("gpu_blocks", g.gpu_blocks, e.gpu_blocks);
    check_field("cpu_blocks", g.cpu_blocks, e.cpu_blocks);
    check_field("kv_tokens", g.kv_tokens, e.kv_tokens);
    check_field("max_concurrency", g.max_concurrency, e.max_concurrency);
    check_field("concurrency_tokens_per_request", g.concurrency_tokens_per_request, e.concurrency_tokens_per_request);
    check_field("error", g.error, e.error);
    CHECK(g.kv_cache_gib_per_rank == e.kv_cache_gib_per_rank);
    CHECK(g.wording == e.wording);
    CHECK(version_text(g.wording_min) == e.wording_min);
    CHECK(version_text(g.wording_max) == e.wording_max);
    CHECK(g.lines == e.lines);
}

/// Every field as text, to compare two parses (CRLF / ANSI variants of one log).
std::string describe(const VllmLog& g) {
    std::ostringstream o;
    o.precision(17);
    auto put = [&](const char* name, const auto& x) {
        o << name << '=';
        if (x) {
            o << x->value << '@' << x->line;
        }
        o << '\n';
    };
    o << "version=" << (g.version ? g.version->value.str() + "@" + std::to_string(g.version->line) : "") << '\n';
    put("engine", g.engine);
    put("model", g.model);
    put("util", g.gpu_memory_utilization);
    put("max_model_len", g.max_model_len);
    put("max_num_seqs", g.max_num_seqs);
    put("max_num_batched_tokens", g.max_num_batched_tokens);
    put("block_size", g.block_size);
    put("tp", g.tensor_parallel_size);
    put("pp", g.pipeline_parallel_size);
    put("dtype", g.dtype);
    put("kv_cache_dtype", g.kv_cache_dtype);
    put("quantization", g.quantization);
    put("enforce_eager", g.enforce_eager);
    put("total", g.total_gib);
    put("requested", g.requested_gib);
    put("initial_free", g.initial_free_gib);
    put("weights", g.weights_gib);
    put("activation", g.activation_gib);
    put("non_torch", g.non_torch_gib);
    put("non_kv", g.non_kv_gib);
    put("consumed", g.consumed_gib);
    put("model_runner", g.model_runner);
    put("attention_block_size", g.attention_block_size);
    o << "activation_with_graphs=" << g.activation_includes_graph_estimate << '\n';
    o << "source_release=" << (g.source_release ? g.source_release->range() + " " + g.source_release->evidence_text() : "") << '\n';
    put("kv", g.kv_cache_gib);
    put("graph", g.cuda_graph_gib);
    put("graph_estimate", g.cuda_graph_estimate_gib);
    put("gpu_blocks", g.gpu_blocks);
    put("cpu_blocks", g.cpu_blocks);
    put("kv_tokens", g.kv_tokens);
    put("concurrency", g.max_concurrency);
    put("concurrency_tokens", g.concurrency_tokens_per_request);
    put("error", g.error);
    o << "per_rank=";
    for (double d : g.kv_cache_gib_per_rank) {
        o << d << ' ';
    }
    o << "\nwording=" << g.wording << " [" << version_text(g.wording_min) << ", " << version_text(g.wording_max)
      << "]\nlines=" << g.lines << '\n';
    return o.str();
}

bool is_empty(const VllmLog& g) {
    VllmLog empty;
    empty.lines = g.lines;
    return describe(g) == describe(empty);
}

} // namespace

// =============================================================================================
// Real excerpts, oldest era first.

TEST_CASE("vllm log: V0 0.2.x user summary and --flag=value command (vllm-logs#19)", "[io][vllm_log]") {
    // Line 1 is the api_server command (`--flag=value`, an elided "..."); lines 2-4 are the user's
    // quotes of three versions' `# GPU blocks` lines, so the first (0.2.3) is the one kept. The
    // `, # CPU blocks` tail is gpu_executor.py's V0 wording (≤ v0.6.6).
    check_log(fixture("vllm-logs_19.log"),
              Expected{.engine = text("V0", 2),
                       .model = text("TheBloke/CodeLlama-13B-Instruct-fp16", 1),
                       .gpu_memory_utilization = real(0.95, 1),
                       .max_model_len = count(16384, 1),
                       .max_num_seqs = count(16, 1),
                       .tensor_parallel_size = small(2, 1),
                       .gpu_blocks = count(1464, 2),
                       .cpu_blocks = count(1310, 2),
                       .wording = "v0-blocks",
                       .wording_max = "0.6.6",
                       .lines = 4});
}

TEST_CASE("vllm log: V0 ~0.4.1 LLM() call and # GPU blocks (vllm-logs#14)", "[io][vllm_log]") {
    check_log(fixture("vllm-logs_14.log"), Expected{.engine = text("V0", 2),
                                                    .model = text("meta-llama/Meta-Llama-3-8B-Instruct", 1),
                                                    .gpu_blocks = count(13248, 2),
                                                    .cpu_blocks = count(2048, 2),
                                                    .wording = "v0-blocks",
                                                    .wording_max = "0.6.6",
                                                    .lines = 2});
}

TEST_CASE("vllm log: V0 0.5.4 engine line, 'Loading model weights took X GB' (vllm-logs-2#15)", "[io][vllm_log]") {
    // "5.1933 GB" is GiB (spec §8). `Graph capturing finished in 18 secs.` without a size is the
    // wording before #10027 (≤ v0.6.3). The engine line is cut at "tensor_parallel_si ...".
    check_log(fixture("vllm-logs-2_15.log"), Expected{.version = text("0.5.4", 3),
                                                      .engine = text("V0", 3),
                                                      .model = text("microsoft/phi-2", 3),
                                                      .max_model_len = count(2048, 3),
                                                      .dtype = text("float16", 3),
                                                      .weights_gib = real(5.1933, 4),
                                                      .gpu_blocks = count(2881, 5),
                                                      .cpu_blocks = count(819, 5),
                                                      .wording = "v0-blocks",
                                                      .wording_max = "0.6.3",
                                                      .lines = 6});
}

TEST_CASE("vllm log: V0 0.6.4 'Memory profiling results:' (vllm-logs-2#7)", "[io][vllm_log]") {
    // total_gpu_memory, non_torch_memory and kv_cache_size map to T, N and KV; the utilization is
    // only the %.2f echo. initial_memory_usage / peak_torch_memory (weights included) /
    // memory_usage_post_profile have no field.
    check_log(fixture("vllm-logs-2_7.log"), Expected{.version = text("0.6.4", 1),
                                                     .engine = text("V0", 1),
                                                     .model = text("gpt2", 1),
                                                     .gpu_memory_utilization = real(0.50, 3),
                                                     .max_model_len = count(1024, 1),
                                                     .tensor_parallel_size = small(1, 1),
                                                     .dtype = text("float16", 1),
                                                     .total_gib = real(14.75, 3),
                                                     .weights_gib = real(0.2378, 2),
                                                     .non_torch_gib = real(0.15, 3),
                                                     .kv_cache_gib = real(6.52, 3),
                                                     .cuda_graph_gib = real(0.42, 6),
                                                     .gpu_blocks = count(11861, 4),
                                                     .cpu_blocks = count(7281, 4),
                                                     .max_concurrency = real(185.33, 5),
                                                     .concurrency_tokens_per_request = count(1024, 5),
                                                     .kv_cache_gib_per_rank = {6.52},
                                                     .wording = "v0.6.4-global",
                                                     .wording_min = "0.6.4",
                                                     .wording_max = "0.6.4",
                                                     .lines = 6});
}

TEST_CASE("vllm log: V0 three-line message, two ranks with different KV (vllm-logs#26)", "[io][vllm_log]") {
    // Lines 1-2 come from a `(VllmWorkerProcess pid=...)` (a non-driver rank), lines 3-4 from the
    // untagged driver = rank 0, whose N (0.43) and KV (0.04) are kept although printed later. The
    // utilization is a configuration echo: first seen, any rank.
    check_log(fixture("vllm-logs_26.log"), Expected{.engine = text("V0", 1),
                                                    .gpu_memory_utilization = real(0.95, 1),
                                                    .total_gib = real(39.38, 3),
                                                    .requested_gib = real(37.41, 3),
                                                    .weights_gib = real(34.43, 4),
                                                    .activation_gib = real(2.51, 4),
                                                    .non_torch_gib = real(0.43, 4),
                                                    .kv_cache_gib = real(0.04, 4),
                                                    .kv_cache_gib_per_rank = {0.04, 0.13},
                                                    .wording = "v0-memory-profiling",
                                                    .wording_min = "0.6.5",
                                                    .wording_max = "0.10.999",
                                                    .lines = 4});
}

TEST_CASE("vllm log: V0 0.8.2 through Unsloth, 'Model loading took X GB and' (vllm-logs-2#61)", "[io][vllm_log]") {
    // `vLLM STDOUT: ` prefixes every vLLM line. Unsloth's "actual GPU utilization = 89.39%" is the
    // value vLLM echoes as (0.89): 0.8939 wins over the 2-decimal echo. "GB and" dates the log to
    // v0.8.0-0.8.2 (#14063 .. #15807).
    check_log(fixture("vllm-logs-2_61.log"), Expected{.version = text("0.8.2", 5),
                                                      .engine = text("V0", 5),
                                                      .model = text("unsloth/Llama-3.2-3B-Instruct", 5),
                                                      .gpu_memory_utilization = real(0.8939, 1),
                                                      .max_model_len = count(2048, 5),
                                                      .max_num_seqs = count(192, 2),
                                                      .dtype = text("float16", 5),
                                                      .total_gib = real(14.74, 7),
                                                      .requested_gib = real(13.18, 7),
                                                      .weights_gib = real(6.0160, 6),
                                                      .activation_gib = real(0.90, 8),
                                                      .non_torch_gib = real(0.05, 8),
                                                      .kv_cache_gib = real(6.22, 8),
                                                      .cuda_graph_gib = real(0.17, 11),
                                                      .gpu_blocks = count(3637, 9),
                                                      .cpu_blocks = count(1170, 9),
                                                      .max_concurrency = real(28.41, 10),
                                                      .concurrency_tokens_per_request = count(2048, 10),
                                                      .kv_cache_gib_per_rank = {6.22},
                                                      .wording = "v0-memory-profiling",
                                                      .wording_min = "0.8.0",
                                                      .wording_max = "0.8.2",
                                                      .lines = 11});
}

TEST_CASE("vllm log: V0 0.10.0 complete startup (vllm-logs-2#63)", "[io][vllm_log]") {
    // The %.4f "Model loading took 15.2683 GiB" beats the %.2f "model weights take 15.27GiB".
    // `Chunked prefill is enabled with max_num_batched_tokens=2048.` is an effective value; line 2's
    // "enabled by default for models with max_model_len > 32K" is not.
    check_log(fixture("vllm-logs-2_63.log"), Expected{.version = text("0.10.0", 4),
                                                      .engine = text("V0", 4),
                                                      .model = text("<local>/Qwen/Qwen3-8B", 4),
                                                      .gpu_memory_utilization = real(0.90, 6),
                                                      .max_model_len = count(40960, 4),
                                                      .max_num_batched_tokens = count(2048, 3),
                                                      .dtype = text("float16", 4),
                                                      .total_gib = real(31.74, 6),
                                                      .requested_gib = real(28.57, 6),
                                                      .weights_gib = real(15.2683, 5),
                                                      .activation_gib = real(1.40, 7),
                                                      .non_torch_gib = real(0.09, 7),
                                                      .kv_cache_gib = real(11.81, 7),
                                                      .cuda_graph_gib = real(1.29, 10),
                                                      .gpu_blocks = count(5374, 8),
                                                      .cpu_blocks = count(1820, 8),
                                                      .max_concurrency = real(2.10, 9),
                                                      .concurrency_tokens_per_request = count(40960, 9),
                                                      .kv_cache_gib_per_rank = {11.81},
                                                      .wording = "v0-memory-profiling",
                                                      .wording_min = "0.8.3",
                                                      .wording_max = "0.10.999",
                                                      .lines = 10});
}

TEST_CASE("vllm log: V0 0.7.2 negative KV and 'No available memory' twice (vllm-logs-2#19)", "[io][vllm_log]") {
    // The engine starts twice (lines 6-12 and 13-21): the first values are kept, -0.96 GiB KV
    // included, and the driver appears once in the per-rank list. The first error is line 12's plain
    // message; line 19 (`raise ValueError("No available …`) is traceback source, skipped anyway.
    // Unsloth's 7.9% beats vLLM's (0.08) echo.
    check_log(fixture("vllm-logs-2_19.log"),
              Expected{.version = text("0.7.2", 6),
                       .engine = text("V0", 6),
                       .model = text("unsloth/qwen2.5-1.5b-instruct-unsloth-bnb-4bit", 6),
                       .gpu_memory_utilization = real(0.079, 3),
                       .max_model_len = count(256, 6),
                       .max_num_seqs = count(128, 4),
                       .dtype = text("float16", 6),
                       .total_gib = real(14.74, 8),
                       .requested_gib = real(1.16, 8),
                       .weights_gib = real(1.4331, 7),
                       .activation_gib = real(0.69, 9),
                       .non_torch_gib = real(0.00, 9),
                       .kv_cache_gib = real(-0.96, 9),
                       .gpu_blocks = count(0, 10),
                       .cpu_blocks = count(0, 10),
                       .max_concurrency = real(0.00, 11),
                       .concurrency_tokens_per_request = count(256, 11),
                       .kv_cache_gib_per_rank = {-0.96},
                       .error = text("No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when "
                                     "initializing the engine.",
                                     12),
                       .wording = "v0-memory-profiling",
                       .wording_min = "0.7.0",
                       .wording_max = "0.7.999",
                       .lines = 21});
}

TEST_CASE("vllm log: V1 0.8.5 before 'Available KV cache memory' (vllm-logs-2#35)", "[io][vllm_log]") {
    // Tokens and concurrency but no per-instance line: the "v1-global" family (V1 before v0.9.1).
    check_log(fixture("vllm-logs-2_35.log"), Expected{.version = text("0.8.5", 7),
                                                      .engine = text("V1", 7),
                                                      .model = text("<local>/test0/DeepSeek-R1-0528-Qwen3-8B", 7),
                                                      .gpu_memory_utilization = real(0.696, 3),
                                                      .max_model_len = count(1024, 7),
                                                      .max_num_seqs = count(320, 4),
                                                      .max_num_batched_tokens = count(1024, 6),
                                                      .dtype = text("bfloat16", 7),
                                                      .model_runner = text("V1", 8),
                                                      .weights_gib = real(5.9071, 8),
                                                      .cuda_graph_gib = real(1.64, 11),
                                                      .kv_tokens = count(341328, 9),
                                                      .max_concurrency = real(333.33, 10),
                                                      .concurrency_tokens_per_request = count(1024, 10),
                                                      .wording = "v1-global",
                                                      .wording_min = "0.8.3",
                                                      .wording_max = "0.11.0",
                                                      .lines = 12});
}

TEST_CASE("vllm log: V1 0.10.0 TP8, ranks 0 and 6 print different KV (vllm-logs-2#12)", "[io][vllm_log]") {
    // `(VllmWorker rank=N pid=...)` tags; the engine min over ranks is what the tokens reflect.
    // `num_gpu_blocks is: 99421` (loggers.py) is V1's block count.
    check_log(fixture("vllm-logs-2_12.log"), Expected{.version = text("0.10.0", 1),
                                                      .engine = text("V1", 3),
                                                      .model = text("<local>/Qwen3-235B-A22B-FP8", 2),
                                                      .max_model_len = count(32768, 2),
                                                      .tensor_parallel_size = small(8, 2),
                                                      .kv_cache_dtype = text("fp8", 2),
                                                      .model_runner = text("V1", 3),
                                                      .weights_gib = real(27.6656, 3),
                                                      .kv_cache_gib = real(35.74, 5),
                                                      .cuda_graph_gib = real(2.60, 9),
                                                      .gpu_blocks = count(99421, 10),
                                                      .kv_tokens = count(1590736, 7),
                                                      .max_concurrency = real(48.55, 8),
                                                      .concurrency_tokens_per_request = count(32768, 8),
                                                      .kv_cache_gib_per_rank = {35.74, 35.65},
                                                      .wording = "v1",
                                                      .wording_min = "0.9.1",
                                                      .wording_max = "0.11.0",
                                                      .lines = 10});
}

TEST_CASE("vllm log: V1 0.10.1.1 over Ray, nested tags (vllm-logs-2#4)", "[io][vllm_log]") {
    // `(EngineCore_0 pid=1257) (RayWorkerWrapper pid=1384)`: a Ray worker names no rank, so its
    // values are "first seen" ones.
    check_log(fixture("vllm-logs-2_4.log"), Expected{.version = text("0.10.1", 1),
                                                     .engine = text("V1", 4),
                                                     .model = text("Qwen2-7B-Instruct", 2),
                                                     .gpu_memory_utilization = real(0.5, 2),
                                                     .max_model_len = count(16384, 2),
                                                     .max_num_batched_tokens = count(2048, 3),
                                                     .tensor_parallel_size = small(2, 2),
                                                     .model_runner = text("V1", 4),
                                                     .weights_gib = real(7.1217, 4),
                                                     .kv_cache_gib = real(11.03, 5),
                                                     .cuda_graph_gib = real(1.00, 8),
                                                     .gpu_blocks = count(25809, 9),
                                                     .kv_tokens = count(412944, 6),
                                                     .max_concurrency = real(25.20, 7),
                                                     .concurrency_tokens_per_request = count(16384, 7),
                                                     .kv_cache_gib_per_rank = {11.03},
                                                     .wording = "v1",
                                                     .wording_min = "0.9.1",
                                                     .wording_max = "0.11.0",
                                                     .lines = 9});
}

TEST_CASE("vllm log: V1 0.10.2 'Free memory on device … Desired …' (vllm-logs-2#59)", "[io][vllm_log]") {
    // The engine-config line (8) beats `non-default args` (6) for max_model_len and dtype; args beat
    // the chunked-prefill echo (7) and Unsloth's 86.62%. Line 14 gives T and F0, and repeats W
    // (8.96 < the direct 8.9638), A, N and the graph size (same as line 13).
    check_log(fixture("vllm-logs-2_59.log"), Expected{.version = text("0.10.2", 8),
                                                      .engine = text("V1", 8),
                                                      .model = text("unsloth/Qwen3-8B-FP8", 8),
                                                      .gpu_memory_utilization = real(0.8661508568217998, 6),
                                                      .max_model_len = count(2048, 8),
                                                      .max_num_seqs = count(224, 6),
                                                      .max_num_batched_tokens = count(2048, 6),
                                                      .tensor_parallel_size = small(1, 8),
                                                      .pipeline_parallel_size = small(1, 8),
                                                      .dtype = text("bfloat16", 8),
                                                      .model_runner = text("V1", 9),
                                                      .total_gib = real(22.16, 14),
                                                      .requested_gib = real(19.19, 14),
                                                      .initial_free_gib = real(21.91, 14),
                                                      .weights_gib = real(8.9638, 9),
                                                      .activation_gib = real(1.23, 14),
                                                      .non_torch_gib = real(0.02, 14),
                                                      .kv_cache_gib = real(8.98, 10),
                                                      .cuda_graph_gib = real(1.12, 13),
                                                      .kv_tokens = count(65376, 11),
                                                      .max_concurrency = real(31.92, 12),
                                                      .concurrency_tokens_per_request = count(2048, 12),
                                                      .kv_cache_gib_per_rank = {8.98},
                                                      .wording = "v1",
                                                      .wording_min = "0.10.2",
                                                      .wording_max = "0.11.0",
                                                      .lines = 15});
}

TEST_CASE("vllm log: V1 0.13.0 EngineCore_DP0, enforce_eager (vllm-logs-2#38)", "[io][vllm_log]") {
    // "0.6750 GiB memory and" (%.4f + "memory") dates it to v0.11.1-0.13.x.
    check_log(fixture("vllm-logs-2_38.log"), Expected{.version = text("0.13.0", 3),
                                                      .engine = text("V1", 3),
                                                      .model = text("HuggingFaceTB/SmolLM2-360M-Instruct", 3),
                                                      .gpu_memory_utilization = real(0.75, 1),
                                                      .max_model_len = count(8192, 3),
                                                      .max_num_batched_tokens = count(8192, 2),
                                                      .dtype = text("bfloat16", 3),
                                                      .enforce_eager = flag(true, 1),
                                                      .model_runner = text("V1", 4),
                                                      .weights_gib = real(0.6750, 4),
                                                      .kv_cache_gib = real(3.33, 5),
                                                      .kv_tokens = count(87168, 6),
                                                      .max_concurrency = real(10.64, 7),
                                                      .concurrency_tokens_per_request = count(8192, 7),
                                                      .kv_cache_gib_per_rank = {3.33},
                                                      .wording = "v1",
                                                      .wording_min = "0.11.1",
                                                      .wording_max = "0.13.999",
                                                      .lines = 7});
}

TEST_CASE("vllm log: V1 0.19.0 TP2 at DEBUG, every term (vllm-logs#28)", "[io][vllm_log]") {
    // The spec §10 worked-example format: T from line 12, F0 / R from the DEBUG line 4, W A N and
    // W+A+N from the MemoryProfilingResult repr (line 5), the graph estimate (line 6, ≈v0.17+) and the
    // measured capture (line 10). "33.88 GiB memory and" (2 decimals) is str(round()): v0.14+.
    check_log(fixture("vllm-logs_28.log"), Expected{.version = text("0.19.0", 2),
                                                    .engine = text("V1", 3),
                                                    .model = text("RedHatAI/Llama-3.3-70B-Instruct-fp8-dynamic", 1),
                                                    .gpu_memory_utilization = real(0.95, 1),
                                                    .max_model_len = count(8192, 1),
                                                    .tensor_parallel_size = small(2, 1),
                                                    .model_runner = text("V1", 3),
                                                    .total_gib = real(79.19, 12),
                                                    .requested_gib = real(75.23, 4),
                                                    .initial_free_gib = real(77.66, 4),
                                                    .weights_gib = real(33.88, 3),
                                                    .activation_gib = real(1.96, 5),
                                                    .non_torch_gib = real(2.1, 5),
                                                    .non_kv_gib = real(37.95, 5),
                                                    .kv_cache_gib = real(37.28, 7),
                                                    .cuda_graph_gib = real(1.79, 10),
                                                    .cuda_graph_estimate_gib = real(1.82, 6),
                                                    .kv_tokens = count(244304, 8),
                                                    .max_concurrency = real(29.82, 9),
                                                    .concurrency_tokens_per_request = count(8192, 9),
                                                    .kv_cache_gib_per_rank = {37.28},
                                                    .wording = "v1",
                                                    .wording_min = "0.17.0",
                                                    .wording_max = "0.26.999", // the <= 0.26 suggestion wording ("X GiB for weight")
                                                    .lines = 12});
}

TEST_CASE("vllm log: V1 0.23.0 multi-line vllm serve command (vllm-logs-2#36)", "[io][vllm_log]") {
    // Lines 1-3 form one command with backslash continuations; line 4 (a tagged log line) ends it.
    // Tags without pid, no timestamps; Model Runner V2's "2.09 GiB and".
    check_log(fixture("vllm-logs-2_36.log"), Expected{.version = text("0.23.0", 5),
                                                      .engine = text("V1", 5),
                                                      .model = text("<local>/OpenBMB/MiniCPM5-1B", 1),
                                                      .gpu_memory_utilization = real(0.6, 3),
                                                      .max_model_len = count(4096, 2),
                                                      .model_runner = text("V2", 6),
                                                      .weights_gib = real(2.09, 6),
                                                      .kv_cache_gib = real(11.54, 7),
                                                      .kv_tokens = count(504192, 8),
                                                      .kv_cache_gib_per_rank = {11.54},
                                                      .wording = "v1",
                                                      .wording_min = "0.14.0", // MRv2 "X GiB and" (format_gib)
                                                      .wording_max = "0.27.999", // tokens without the concurrency on its line
                                                      .lines = 8});
}

TEST_CASE("vllm log: V1 'To serve at least one request' error (vllm-logs#60)", "[io][vllm_log]") {
    // The command is commented out ("# vllm serve ..."); `-dp=8` and unknown flags are ignored. The
    // error quotes L (262144) and the available KV (48.66 GiB, not a per-rank line); "GiB" and the
    // estimated-length hint date it to ≥ v0.8.4.
    check_log(fixture("vllm-logs_60.log"),
              Expected{.engine = text("V1", 2),
                       .model = text("/tmp/model/Qwen3-Coder-480B-A35B-Instruct-FP8", 1),
                       .max_model_len = count(262144, 2),
                       .kv_cache_gib = real(48.66, 2),
                       .error = text("To serve at least one request with the models's max seq len (262144), (62.00 GiB KV cache is "
                                     "needed, which is larger than the available KV cache memory (48.66 GiB). Based on the available "
                                     "memory, the estimated maximum model length is 205728.",
                                     2),
                       .wording_min = "0.8.4",
                       .lines = 2});
}

TEST_CASE("vllm log: V0 'max seq len is larger than the maximum number of tokens' error (vllm-logs#59)", "[io][vllm_log]") {
    // The error text starts after "ValueError: "; N = 24320 is the KV token capacity (V0 wording).
    check_log(fixture("vllm-logs_59.log"),
              Expected{.engine = text("V0", 2),
                       .model = text("qwen/Qwen1.5-7B-Chat-GPTQ-Int4", 1),
                       .max_model_len = count(32768, 2),
                       .quantization = text("gptq", 1),
                       .kv_tokens = count(24320, 2),
                       .error = text("The model's max seq len (32768) is larger than the maximum number of tokens that can be stored in "
                                     "KV cache (24320). Try increasing `gpu_memory_utilization` or decreasing `max_model_len` when "
                                     "initializing the engine.",
                                     2),
                       .wording_max = "0.10.999",
                       .lines = 2});
}

// =============================================================================================
// Every dev record: what the curators read off each log, and the version it states.

TEST_CASE("vllm log: agrees with the curated fields of every dev record", "[io][vllm_log]") {
    const std::string path = std::string(VRAMPLAN_LOG_DATA_DIR) + "/vllm-logs-dev.jsonl";
    INFO("vendored records: " << path);
    REQUIRE(std::filesystem::exists(path));
    std::ifstream in(path);
    std::string row;
    int records = 0;
    // Fields a record's `log` holds no vLLM line for: vllm-logs-4#7 quotes a report's paraphrase
    // ("Weights loaded in 20 s (17.71 GiB resident)", "267,509 tokens, 2.04x at 131,072"), and
    // vllm-logs-4#32/#33 hold a benchmark harness's JSON of values it parsed from the log;
    // vllm-logs-4#28..#31 take the card's total from their notes (another boot, the blog post).
    const std::map<std::string, std::set<std::string>> not_in_log = {
        {"vllm-logs-4#28", {"total_gpu_memory_gib", "cuda_graph_gib"}}, // the graph figure is from the report, outside the excerpt
        {"vllm-logs-4#29", {"total_gpu_memory_gib"}},
        {"vllm-logs-4#30", {"total_gpu_memory_gib"}},
        {"vllm-logs-4#31", {"total_gpu_memory_gib"}},
        {"vllm-logs-4#7", {"weights_gib", "kv_cache_tokens", "max_concurrency", "max_concurrency_tokens_per_request"}},
        {"vllm-logs-4#32", {"weights_gib", "kv_cache_gib", "kv_cache_tokens", "max_concurrency", "max_concurrency_tokens_per_request", "engine"}},
        {"vllm-logs-4#33", {"weights_gib", "kv_cache_gib", "kv_cache_tokens", "max_concurrency", "max_concurrency_tokens_per_request", "engine"}},
    };
    while (std::getline(in, row)) {
        auto r = nlohmann::json::parse(row); // non-const: operator[] on a missing key gives null
        const std::string id = r.at("id").get<std::string>();
        INFO("record " << id);
        const VllmLog g = parse_vllm_log(r.at("log").get<std::string>());
        ++records;
        const auto exempt = [&](const std::string& key) {
            const auto it = not_in_log.find(id);
            return it != not_in_log.end() && it->second.count(key) > 0;
        };
        auto same_real = [&](const char* key, const std::optional<Logged<double>>& got) {
            INFO(key);
            if (!r[key].is_null() && !exempt(key)) {
                CHECK(got);
                CHECK((got && got->value == r[key].get<double>()));
            }
        };
        auto same_count = [&](const char* key, const std::optional<Logged<std::uint64_t>>& got) {
            INFO(key);
            if (!r[key].is_null() && !exempt(key)) {
                CHECK(got);
                CHECK((got && got->value == r[key].get<std::uint64_t>()));
            }
        };
        same_real("total_gpu_memory_gib", g.total_gib);
        same_real("weights_gib", g.weights_gib);
        same_real("activation_peak_gib", g.activation_gib);
        same_real("non_torch_gib", g.non_torch_gib);
        same_real("kv_cache_gib", g.kv_cache_gib);
        same_real("cuda_graph_gib", g.cuda_graph_gib);
        same_real("max_concurrency", g.max_concurrency);
        same_count("cpu_blocks", g.cpu_blocks);
        same_count("kv_cache_tokens", g.kv_tokens);
        same_count("max_concurrency_tokens_per_request", g.concurrency_tokens_per_request);
        if (id != "vllm-logs#20") { // its excerpt quotes 0.2.3/0.2.4 (1464) before 0.2.5 (112)
            same_count("gpu_blocks", g.gpu_blocks);
        }
        if (!r["engine"].is_null() && !exempt("engine")) {
            REQUIRE(g.engine);
            CHECK(g.engine->value == r["engine"].get<std::string>());
        }
        // The wording never contradicts the version the record states (or its log format implies).
        const auto effective = parse_vllm_version(r.at("vllm_version_effective").get<std::string>());
        REQUIRE(effective);
        if (g.wording_min) {
            CHECK(*g.wording_min <= *effective);
        }
        if (g.wording_max) {
            CHECK(*effective <= *g.wording_max);
        }
        if (g.version) {
            CHECK(g.version->value == *effective);
        }
        // So do the source line numbers.
        if (g.source_release) {
            INFO("source lines " << g.source_release->evidence_text() << " say " << g.source_release->range());
            CHECK(g.source_release->first <= *effective);
            CHECK(*effective <= g.source_release->last);
        }
    }
    CHECK(records == 74);
}

// =============================================================================================
// Prefixes and line ends.

TEST_CASE("vllm log: CRLF and bare CR give the same result as LF", "[io][vllm_log]") {
    for (const char* name : {"vllm-logs_28.log", "vllm-logs-2_36.log", "vllm-logs-2_19.log"}) {
        INFO(name);
        const std::string lf = read_text(fixture_path(name));
        std::string crlf;
        for (char c : lf) {
            if (c == '\n') {
                crlf += '\r';
            }
            crlf += c;
        }
        CHECK(describe(parse_vllm_log(crlf)) == describe(parse_vllm_log(lf)));
        CHECK(describe(parse_vllm_log(crlf + "\r\n")) == describe(parse_vllm_log(lf + "\n")));
    }
    // A progress bar redrawn with bare CRs shares its physical line with the next log line.
    const VllmLog g = parse_vllm_log("Loading safetensors: 50%\rLoading safetensors: 100%\r"
                                     "INFO 04-22 00:18:23 [gpu_worker.py:436] Available KV cache memory: 37.28 GiB\n");
    REQUIRE(g.kv_cache_gib);
    CHECK(g.kv_cache_gib->value == 37.28);
    CHECK(g.kv_cache_gib->line == 1);
    CHECK(g.lines == 1);
}

TEST_CASE("vllm log: ANSI colours are ignored", "[io][vllm_log]") {
    // Colour the tag, the level and the numbers of every line the way Ray and vLLM's coloured
    // formatter do; add a cursor sequence and an OSC title.
    const std::string plain = read_text(fixture_path("vllm-logs_28.log"));
    std::string coloured = "\x1b]0;vllm\x07";
    std::istringstream lines(plain);
    std::string l;
    bool first = true;
    while (std::getline(lines, l)) {
        if (!first) {
            coloured += '\n';
        }
        first = false;
        const std::size_t close = l.find(") ");
        std::string rest = l.substr(close + 2);
        for (const char* lvl : {"INFO", "DEBUG"}) {
            if (rest.rfind(lvl, 0) == 0) {
                rest = std::string("\x1b[32m") + lvl + "\x1b[0m" + rest.substr(std::string(lvl).size());
            }
        }
        coloured += "\x1b[36m" + l.substr(0, close + 1) + "\x1b[0m \x1b[2K" + rest + "\x1b[0m";
    }
    CHECK(coloured != plain);
    CHECK(describe(parse_vllm_log(coloured)) == describe(parse_vllm_log(plain)));
}

TEST_CASE("vllm log: ranks in any order, KV per rank sorted by rank", "[io][vllm_log]") {
    // Four V1 workers print out of order; rank 0's value is kept whatever comes first, the list is
    // in rank order, and a worker printing twice (a restart) keeps its first value.
    const VllmLog g = parse_vllm_log(
        "(Worker_TP1 pid=11) INFO 05-01 12:00:00 [gpu_worker.py:245] Available KV cache memory: 35.00 GiB\n"
        "(Worker_TP3 pid=13) INFO 05-01 12:00:00 [gpu_worker.py:245] Available KV cache memory: 35.20 GiB\n"
        "(Worker_TP0 pid=10) INFO 05-01 12:00:00 [gpu_worker.py:245] Available KV cache memory: 34.50 GiB\n"
        "(Worker_TP2 pid=12) INFO 05-01 12:00:00 [gpu_worker.py:245] Available KV cache memory: 35.10 GiB\n"
        "(Worker_TP1 pid=21) INFO 05-01 12:10:00 [gpu_worker.py:245] Available KV cache memory: 99.00 GiB\n"
        "(Worker_TP1 pid=11) INFO 05-01 12:00:00 [gpu_model_runner.py:2007] Model loading took 7.1217 GiB and 1.0 seconds\n"
        "(Worker_TP0 pid=10) INFO 05-01 12:00:00 [gpu_model_runner.py:2007] Model loading took 7.1216 GiB and 1.0 seconds\n");
    REQUIRE(g.kv_cache_gib);
    CHECK(g.kv_cache_gib->value == 34.50);
    CHECK(g.kv_cache_gib->line == 3);
    CHECK(g.kv_cache_gib_per_rank == std::vector<double>{34.50, 35.00, 35.10, 35.20});
    REQUIRE(g.weights_gib);
    CHECK(g.weights_gib->value == 7.1216);
    CHECK(g.weights_gib->line == 7);
    REQUIRE(g.engine);
    CHECK(g.engine->value == "V1");
    CHECK(g.engine->line == 1);

    // PP x TP and DP tags: (dp, pp, tp) order; `VllmWorker rank=N`; workers without a rank last.
    const VllmLog h = parse_vllm_log("(Worker_PP1_TP0 pid=3) Available KV cache memory: 3.00 GiB\n"
                                     "(RayWorkerWrapper pid=9, ip=10.0.0.2) Available KV cache memory: 9.00 GiB\n"
                                     "(Worker_PP0_TP1 pid=2) Available KV cache memory: 2.00 GiB\n"
                                     "(EngineCore_DP1 pid=5) (Worker_TP0 pid=6) Available KV cache memory: 6.00 GiB\n"
                                     "(pid=8) Available KV cache memory: 8.00 GiB\n"
                                     "(VllmWorker rank=0 pid=1) Available KV cache memory: 1.00 GiB\n");
    CHECK(h.kv_cache_gib_per_rank == std::vector<double>{1.00, 2.00, 3.00, 6.00, 9.00, 8.00});
    REQUIRE(h.kv_cache_gib);
    CHECK(h.kv_cache_gib->value == 1.00);
    CHECK(h.kv_cache_gib->line == 6);
}

TEST_CASE("vllm log: Ray's repeated-lines suffix and other prefixes", "[io][vllm_log]") {
    const VllmLog g = parse_vllm_log(
        "\xEF\xBB\xBF(RayWorkerWrapper pid=1384) INFO 09-03 04:42:58 [gpu_model_runner.py:2708] Graph capturing finished in 11 "
        "secs, took 1.00 GiB [repeated 3x across cluster]\n"
        "(RayWorkerWrapper pid=1385) ERROR 09-03 04:42:58 [core.py:1] ValueError: No available memory for the cache blocks. Try "
        "increasing `gpu_memory_utilization` when initializing the engine. [repeated 2x across cluster]\n");
    REQUIRE(g.cuda_graph_gib);
    CHECK(g.cuda_graph_gib->value == 1.00);
    REQUIRE(g.error);
    CHECK(g.error->value ==
          "No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.");
    CHECK(g.error->line == 2);
    CHECK(version_text(g.wording_min) == "0.6.4");
}

// =============================================================================================
// Wordings no excerpt shows.

TEST_CASE("vllm log: v0.21 CUDA graph profiling line", "[io][vllm_log]") {
    const VllmLog g = parse_vllm_log(
        "(EngineCore pid=7) INFO 05-10 10:00:00 [gpu_worker.py:480] Available KV cache memory: 57.27 GiB\n"
        "(EngineCore pid=7) INFO 05-10 10:00:00 [gpu_worker.py:490] CUDA graph memory profiling is enabled (default since "
        "v0.21.0). The current --gpu-memory-utilization=0.9200 is equivalent to --gpu-memory-utilization=0.9094 without CUDA "
        "graph memory profiling. To maintain the same effective KV cache size as before, increase "
        "--gpu-memory-utilization to 0.9306. To disable, set VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS=0.\n"
        "(EngineCore pid=7) INFO 05-10 10:00:00 [gpu_model_runner.py:5955] Estimated CUDA graph memory: 0.84 GiB total\n");
    check_log(g, Expected{.engine = text("V1", 1),
                          .gpu_memory_utilization = real(0.92, 2),
                          .kv_cache_gib = real(57.27, 1),
                          .cuda_graph_estimate_gib = real(0.84, 3),
                          .kv_cache_gib_per_rank = {57.27},
                          .wording = "v1-0.21",
                          .wording_min = "0.21.0",
                          .lines = 3});
}

TEST_CASE("vllm log: free-memory start-up error, with and without the device name", "[io][vllm_log]") {
    const std::string old_text = "Free memory on device (10.5/79.19 GiB) on startup is less than desired GPU memory utilization "
                                 "(0.9, 71.27 GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.";
    const VllmLog g = parse_vllm_log("(EngineCore_DP0 pid=1) ERROR 06-10 10:00:00 [core.py:700] ValueError: " + old_text + "\n");
    check_log(g, Expected{.engine = text("V1", 1),
                          .gpu_memory_utilization = real(0.9, 1),
                          .total_gib = real(79.19, 1),
                          .requested_gib = real(71.27, 1),
                          .initial_free_gib = real(10.5, 1),
                          .error = text(old_text, 1),
                          .wording = "v1",
                          .wording_min = "0.9.1",
                          .lines = 1});
    // #30868 (≈v0.14) names the device.
    const VllmLog h = parse_vllm_log(
        "ValueError: Free memory on device cuda:0 (1.2/22.05 GiB) on startup is less than desired GPU memory utilization (0.9, "
        "19.85 GiB). Decrease GPU memory utilization or reduce GPU memory used by other processes.");
    REQUIRE(h.initial_free_gib);
    CHECK(h.initial_free_gib->value == 1.2);
    CHECK(h.total_gib->value == 22.05);
    CHECK(h.requested_gib->value == 19.85);
    CHECK(h.wording_min->str() == "0.14.0");
    REQUIRE(h.error);
    CHECK(h.error->value.rfind("Free memory on device cuda:0 (1.2/22.05 GiB) on startup is less than", 0) == 0);
}

TEST_CASE("vllm log: the other errors and their dating", "[io][vllm_log]") {
    // Pre-#15807 "GB" wording of the V1 max-length error, without the estimate hint.
    const VllmLog gb = parse_vllm_log(
        "ERROR 03-20 10:00:00 [core.py:1] ValueError: To serve at least one request with the models's max seq len (131072), "
        "(16.00 GB KV cache is needed, which is larger than the available KV cache memory (4.16 GB). Try increasing "
        "`gpu_memory_utilization` or decreasing `max_model_len` when initializing the engine.");
    CHECK(gb.wording_min->str() == "0.7.0");
    CHECK(gb.wording_max->str() == "0.8.2");
    CHECK(gb.kv_cache_gib->value == 4.16);
    CHECK(gb.max_model_len->value == 131072);

    struct Case {
        std::string line;
        std::string error_start;
    };
    for (const Case& c : std::vector<Case>{
             {"RuntimeError: Cannot auto-fit max_model_len: even 16 tokens do not fit", "Cannot auto-fit max_model_len"},
             {"AssertionError: Error in memory profiling. Initial free memory 70.1 GiB, current free memory 71.2 GiB.",
              "Error in memory profiling."},
             {"ERROR 01-01 00:00:00 [gpu_model_runner.py:1] Failed to load model - not enough GPU memory. Try lowering "
              "--gpu-memory-utilization",
              "Failed to load model"},
             {"torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB.", "CUDA out of memory."},
         }) {
        INFO(c.line);
        const VllmLog g = parse_vllm_log(c.line);
        REQUIRE(g.error);
        CHECK(g.error->value.rfind(c.error_start, 0) == 0);
    }

    // Traceback source lines quoting the message are not the error.
    const VllmLog tb = parse_vllm_log("    raise ValueError(\"No available memory for the cache blocks. \"\n"
                                      "    raise ValueError(f'To serve at least one request with the models')\n");
    CHECK_FALSE(tb.error);
}

TEST_CASE("vllm log: kv_cache_memory_bytes and auto-fit lines", "[io][vllm_log]") {
    const VllmLog g = parse_vllm_log(
        "(EngineCore_DP0 pid=1) INFO 01-20 10:00:00 [gpu_worker.py:300] Initial free memory 78.5 GiB, reserved 40.0 GiB memory for "
        "KV Cache as specified by kv_cache_memory_bytes config and skipped memory profiling. This does not respect the "
        "gpu_memory_utilization config. Only use kv_cache_memory_bytes config when you want manual control of KV cache memory "
        "size.\n"
        "(EngineCore_DP0 pid=1) INFO 01-20 10:00:00 [kv_cache_utils.py:900] Auto-fit max_model_len: reduced from 131072 to 34032 "
        "to fit in available GPU memory (4.16 GiB available for KV cache)\n");
    check_log(g, Expected{.engine = text("V1", 1),
                          .max_model_len = count(34032, 2),
                          .initial_free_gib = real(78.5, 1),
                          .kv_cache_gib = real(40.0, 1),
                          .kv_cache_gib_per_rank = {40.0},
                          .wording = "v1",
                          .wording_min = "0.14.0",
                          .lines = 2});
}

TEST_CASE("vllm log: dating by the weights wording (spec §8)", "[io][vllm_log]") {
    struct Case {
        const char* line;
        const char* min;
        const char* max;
    };
    for (const Case& c : std::vector<Case>{
             {"INFO 02-06 14:27:55 model_runner.py:1116] Loading model weights took 5.3541 GB", "", "0.7.999"},
             {"INFO [gpu_model_runner.py:1] Model loading took 6.0160 GB and 597.363926 seconds", "0.8.0", "0.8.2"},
             {"INFO [gpu_model_runner.py:1] Model loading took 7.1694 GiB and 38.402155 seconds", "0.8.3", "0.11.0"},
             {"INFO [gpu_model_runner.py:1] Model loading took 0.6750 GiB memory and 3.259518 seconds", "0.11.1", "0.13.999"},
             {"INFO [gpu_model_runner.py:1] Model loading took 67.8 GiB memory and 101.493961 seconds", "0.14.0", ""},
             {"INFO [gpu_worker.py:1] Available KV cache memory: 42.8 GiB", "0.14.0", ""},
             {"INFO [executor_base.py:111] # cuda blocks: 3637, # CPU blocks: 1170", "0.7.0", "0.10.999"},
             {"INFO [kv_cache_utils.py:1] # GPU blocks: 1234", "", "0.7.999"},
             {"INFO [gpu_worker.py:1] CUDA graph pool memory: 1.1 GiB (actual), 0.82 GiB (estimated), difference: 0.28 GiB (25.6%).",
              "0.17.0", ""},
         }) {
        INFO(c.line);
        const VllmLog g = parse_vllm_log(c.line);
        CHECK(version_text(g.wording_min) == c.min);
        CHECK(version_text(g.wording_max) == c.max);
    }
    // Wordings of different eras in one log (two runs pasted together) bound nothing.
    const VllmLog mixed = parse_vllm_log("INFO [x.py:1] Loading model weights took 5.3541 GB\n"
                                         "INFO [x.py:1] Model loading took 67.8 GiB memory and 1.0 seconds\n");
    CHECK_FALSE(mixed.wording_min);
    CHECK_FALSE(mixed.wording_max);
    REQUIRE(mixed.weights_gib);
    CHECK(mixed.weights_gib->value == 5.3541);
}

// =============================================================================================
// Configuration sources and their precedence.

TEST_CASE("vllm log: command-line flags, all spellings", "[io][vllm_log]") {
    const VllmLog g = parse_vllm_log(
        "$ CUDA_VISIBLE_DEVICES=0,1 vllm serve \"meta-llama/Llama-3.1-8B-Instruct\" --tensor-parallel-size=2 -pp 2 "
        "--gpu_memory_utilization 0.85 --max-model-len 32k --max-num-seqs=128 --max-num-batched-tokens 4096 --block-size 32 "
        "--dtype half --kv-cache-dtype fp8 -q fp8 --port 8000 --enforce-eager --served-model-name x");
    check_log(g, Expected{.model = text("meta-llama/Llama-3.1-8B-Instruct", 1),
                          .gpu_memory_utilization = real(0.85, 1),
                          .max_model_len = count(32000, 1), // human_readable_int: k = 1000
                          .max_num_seqs = count(128, 1),
                          .max_num_batched_tokens = count(4096, 1),
                          .block_size = count(32, 1),
                          .tensor_parallel_size = small(2, 1),
                          .pipeline_parallel_size = small(2, 1),
                          .dtype = text("half", 1),
                          .kv_cache_dtype = text("fp8", 1),
                          .quantization = text("fp8", 1),
                          .enforce_eager = flag(true, 1),
                          .lines = 1});

    const VllmLog docker = parse_vllm_log("docker run --gpus all vllm/vllm-openai:v0.6.4 --model Qwen/Qwen2.5-7B --max-model-len 32K "
                                          "--no-enforce-eager");
    REQUIRE(docker.model);
    CHECK(docker.model->value == "Qwen/Qwen2.5-7B");
    CHECK(docker.max_model_len->value == 32768); // K = 1024
    CHECK(docker.enforce_eager->value == false);

    const VllmLog call = parse_vllm_log(
        ">>> llm = LLM(model=\"Qwen/Qwen2.5-1.5B-Instruct\", tensor_parallel_size=2, gpu_memory_utilization=0.8, "
        "max_model_len=4096, enforce_eager=True, dtype='bfloat16', quantization=None, seed=0)");
    check_log(call, Expected{.model = text("Qwen/Qwen2.5-1.5B-Instruct", 1),
                             .gpu_memory_utilization = real(0.8, 1),
                             .max_model_len = count(4096, 1),
                             .tensor_parallel_size = small(2, 1),
                             .dtype = text("bfloat16", 1),
                             .enforce_eager = flag(true, 1),
                             .lines = 1});
    // Not commands: log lines and prose mentioning a flag.
    const VllmLog prose = parse_vllm_log(
        "INFO 05-10 10:00:00 [x.py:1] Run vllm serve --max-model-len 1024 to retry\n"
        "WARNING 05-10 10:00:00 [x.py:1] The current --gpu-memory-utilization=0.9000 is too high\n"
        "vllm served 12 requests; AsyncLLM(model='x')\n");
    CHECK(is_empty(prose));
}

TEST_CASE("vllm log: engine-config line beats non-default args beats the command", "[io][vllm_log]") {
    const VllmLog g = parse_vllm_log(
        "vllm serve cmd/model --max-model-len 1000 --tensor-parallel-size 4 --dtype half --max-num-seqs 8\n"
        "INFO 10-08 08:39:01 [utils.py:233] non-default args: {'model_tag': 'tag/model', 'model': 'args/model', 'max_model_len': "
        "2000, 'max_num_seqs': 16, 'compilation_config': {'max_num_seqs': 99, \"level\": 3}, 'quantization': 'awq', "
        "'dtype': torch.float16}\n"
        "INFO 10-08 08:39:23 [core.py:77] Initializing a V1 LLM engine (v0.11.0) with config: model='engine/model', "
        "speculative_config=None, tokenizer='engine/model', dtype=torch.bfloat16, max_seq_len=3000, "
        "decoding_config=DecodingConfig(backend='auto', max_num_seqs=77), tensor_parallel_size=2, pipeline_parallel_size=1, "
        "quantization=None, enforce_eager=False, kv_cache_dtype=auto, compilation_config={\"level\":3,\"max_capture_size\":512}\n");
    check_log(g, Expected{.version = text("0.11.0", 3),
                          .engine = text("V1", 3),
                          .model = text("engine/model", 3),
                          .max_model_len = count(3000, 3),
                          .max_num_seqs = count(16, 2), // nested keys (99, 77) are not top-level settings
                          .tensor_parallel_size = small(2, 3),
                          .pipeline_parallel_size = small(1, 3),
                          .dtype = text("bfloat16", 3),
                          .kv_cache_dtype = text("auto", 3),
                          .quantization = text("awq", 2), // `quantization=None` states nothing
                          .enforce_eager = flag(false, 3),
                          .lines = 3});
}

TEST_CASE("vllm log: V0 0.2.x engine line without a version", "[io][vllm_log]") {
    // The v0.2 wording (llm_engine.py): "an LLM engine", no "(vX)", the list closed by ")".
    const VllmLog g = parse_vllm_log(
        "INFO 12-13 10:00:00 llm_engine.py:72] Initializing an LLM engine with config: model='meta-llama/Llama-2-7b-hf', "
        "tokenizer='meta-llama/Llama-2-7b-hf', tokenizer_mode=auto, revision=None, tokenizer_revision=None, "
        "trust_remote_code=False, dtype=torch.float16, max_seq_len=4096, download_dir=None, load_format=auto, "
        "tensor_parallel_size=2, quantization=None, seed=0)\n"
        "INFO 12-13 10:00:10 llm_engine.py:207] # GPU blocks: 7448, # CPU blocks: 512\n");
    check_log(g, Expected{.engine = text("V0", 1),
                          .model = text("meta-llama/Llama-2-7b-hf", 1),
                          .max_model_len = count(4096, 1),
                          .tensor_parallel_size = small(2, 1),
                          .dtype = text("float16", 1),
                          .gpu_blocks = count(7448, 2),
                          .cpu_blocks = count(512, 2),
                          .wording = "v0-blocks",
                          .wording_max = "0.6.6",
                          .lines = 2});
}

// =============================================================================================
// Robustness.

TEST_CASE("vllm log: empty and blank input", "[io][vllm_log]") {
    const VllmLog empty = parse_vllm_log("");
    CHECK(empty.lines == 0);
    CHECK(is_empty(empty));
    const VllmLog blank = parse_vllm_log("\n\n \t\r\n");
    CHECK(blank.lines == 3);
    CHECK(is_empty(blank));
}

TEST_CASE("vllm log: binary garbage never throws and yields nothing", "[io][vllm_log]") {
    std::mt19937 rng(20260514);
    for (int round = 0; round < 200; ++round) {
        std::string junk(static_cast<std::size_t>(rng() % 4096), '\0');
        for (char& c : junk) {
            c = static_cast<char>(rng() & 0xff);
        }
        VllmLog g;
        REQUIRE_NOTHROW(g = parse_vllm_log(junk));
        CHECK(is_empty(g));
    }
}

TEST_CASE("vllm log: mutated real logs never throw", "[io][vllm_log]") {
    // Cut, splice and flip bytes of every fixture: a scanner that reads past a bound or trusts a
    // delimiter would throw (std::out_of_range) or crash here, and the sanitizer build checks reads.
    std::vector<std::string> logs;
    for (const auto& entry : std::filesystem::directory_iterator(std::string(VRAMPLAN_SOURCE_DIR) + "/tests/data/logs")) {
        if (entry.path().extension() == ".log") {
            logs.push_back(read_text(entry.path().string()));
        }
    }
    REQUIRE(logs.size() >= 8);
    const std::string specials = "()[]{}'\"\\=,:;/#\x1b\r\n-.0123456789 ";
    std::mt19937 rng(7);
    for (int round = 0; round < 3000; ++round) {
        std::string s = logs[rng() % logs.size()];
        const int edits = 1 + static_cast<int>(rng() % 8);
        for (int e = 0; e < edits && !s.empty(); ++e) {
            const std::size_t at = rng() % s.size();
            switch (rng() % 4) {
            case 0: s.resize(at); break;
            case 1: s[at] = specials[rng() % specials.size()]; break;
            case 2: s.erase(at, rng() % 40); break;
            default: s.insert(at, logs[rng() % logs.size()].substr(0, rng() % 200)); break;
            }
        }
        REQUIRE_NOTHROW(parse_vllm_log(s));
    }
}

TEST_CASE("vllm log: 1 MB lines are scanned in linear time", "[io][vllm_log]") {
    const std::size_t mb = std::size_t{1} << 20;
    // A 1 MB line, then a real line: the real line is still found, on line 2.
    const VllmLog g = parse_vllm_log(std::string(mb, 'x') + "\nINFO 04-22 00:18:23 [gpu_worker.py:436] Available KV cache memory: 3.00 GiB");
    REQUIRE(g.kv_cache_gib);
    CHECK(g.kv_cache_gib->value == 3.00);
    CHECK(g.kv_cache_gib->line == 2);
    CHECK(g.lines == 2);
    // Pathological 1 MB lines for each scanner: unclosed brackets and quotes in a config line and a
    // call, a million flags, digits, tag openers, separators, CRs and ESCs. Quadratic scanning would
    // take hours; these must finish (well under a second each in a Release build).
    const std::vector<std::string> lines = {
        "INFO 1-1 [core.py:1] Initializing a V1 LLM engine (v0.11.0) with config: model='" + std::string(mb, '('),
        "INFO 1-1 [utils.py:1] non-default args: {" + std::string(mb, '{'),
        "LLM(" + std::string(mb, '\''),
        "vllm serve m " + [&] {
            std::string f;
            while (f.size() < mb) {
                f += "--max-model-len 1 ";
            }
            return f;
        }(),
        "Available KV cache memory: " + std::string(mb, '9'),
        "GPU KV cache size: " + std::string(mb, '1'),
        std::string(mb, '('),
        "Maximum concurrency for " + std::string(mb, ','),
        std::string(mb, '\r'),
        std::string(mb, '\x1b'),
        "# " + std::string(mb, 'a') + " blocks: 1",
        std::string(mb / 2, '[') + " [repeated 2x across cluster]",
    };
    for (const std::string& line : lines) {
        VllmLog h;
        REQUIRE_NOTHROW(h = parse_vllm_log(line + "\n" + line));
        CHECK(h.lines == 2);
    }
    // A count beyond 2^64 is rejected, not wrapped.
    CHECK_FALSE(parse_vllm_log("GPU KV cache size: 99999999999999999999999 tokens").kv_tokens);
}

// =============================================================================================
// read_vllm_log.

TEST_CASE("read_vllm_log: reads a file, and names it in every error", "[io][vllm_log]") {
    const VllmLog g = read_vllm_log(fixture_path("vllm-logs-2_12.log"));
    CHECK(describe(g) == describe(parse_vllm_log(read_text(fixture_path("vllm-logs-2_12.log")))));

    test::TempDir dir("vllm-log");
    const std::string missing = (dir.path / "missing.log").string();
    CHECK_THROWS_AS(read_vllm_log(missing), InputError);
    CHECK_THROWS_WITH(read_vllm_log(missing), missing + ": no such file");
    CHECK_THROWS_WITH(read_vllm_log(dir.path.string()), dir.path.string() + ": is a directory, expected a vLLM startup log");

    // A sparse file one byte over 256 MiB: refused from its size, without reading it.
    const std::string big = (dir.path / "big.log").string();
    {
        std::ofstream out(big, std::ios::binary);
    }
    std::filesystem::resize_file(big, (std::uintmax_t{256} << 20) + 1);
    CHECK_THROWS_WITH(read_vllm_log(big), big + ": larger than 256 MiB, expected a vLLM startup log");
}

// =============================================================================================
// vLLM 0.22 – 0.32 wordings (spec-2 §13.3, §13.7, §16.4). Lines are real (dev records named in
// each case) unless the case says it is a source template.

TEST_CASE("vllm log: 0.28 tokens and concurrency on one line (vllm-logs-4#12)", "[io][vllm_log][v0.28]") {
    const VllmLog g = parse_vllm_log(
        "(EngineCore pid=9542) INFO 09-05 16:37:01 [kv_cache_utils.py:1869] GPU KV cache size: 112,912 tokens, Maximum "
        "concurrency for 2,048 tokens per request: 55.13x");
    REQUIRE(g.kv_tokens);
    CHECK(g.kv_tokens->value == 112912);
    REQUIRE(g.max_concurrency);
    CHECK(g.max_concurrency->value == 55.13);
    REQUIRE(g.concurrency_tokens_per_request);
    CHECK(g.concurrency_tokens_per_request->value == 2048);
    // One line: #50462 (0.28). The line number dates it too (the 0.28.0 log of vllm-logs-4#12).
    CHECK(version_text(g.wording_min) == "0.28.0");
    CHECK(version_text(g.wording_max) == "");
    REQUIRE(g.source_release);
    CHECK(g.source_release->range() == "0.28.0");
    CHECK(g.source_release->evidence_text() == "[kv_cache_utils.py:1869] (log line 1)");
}

TEST_CASE("vllm log: <= 0.27 tokens line alone (vllm-logs-4#27)", "[io][vllm_log][v0.28]") {
    const VllmLog g = parse_vllm_log(
        "(EngineCore pid=307) INFO 10-05 04:10:59 [kv_cache_utils.py:2235] GPU KV cache size: 93,632 tokens\n"
        "(EngineCore pid=307) INFO 10-05 04:10:59 [kv_cache_utils.py:2236] Maximum concurrency for 8,192 tokens per request: 11.43x");
    CHECK(g.kv_tokens->value == 93632);
    CHECK(g.max_concurrency->value == 11.43);
    CHECK(version_text(g.wording_max) == "0.27.999");
    REQUIRE(g.source_release);
    CHECK(g.source_release->range() == "0.27.1");
}

TEST_CASE("vllm log: 0.27+ suggestion, consumed memory (weights + non-torch) (vllm-logs-4#12)", "[io][vllm_log][v0.27]") {
    // W from the loading line, then the suggestion: X = W + N, Y = activation + applied graph estimate.
    const VllmLog g = parse_vllm_log(
        "(EngineCore pid=9542) INFO 09-05 16:36:57 [gpu_model_runner.py:5515] Model loading took 15.66 GiB memory and 23.182176 seconds\n"
        "(EngineCore pid=9542) INFO 09-05 16:37:01 [gpu_model_runner.py:6941] Estimated CUDA graph memory: 0.65 GiB total\n"
        "(EngineCore pid=9542) INFO 09-05 16:37:01 [gpu_worker.py:578] Available KV cache memory: 10.34 GiB\n"
        "(EngineCore pid=9542) INFO 09-05 16:37:09 [gpu_model_runner.py:7048] Graph capturing finished in 8 secs, took 0.58 GiB\n"
        "(EngineCore pid=9542) INFO 09-05 16:37:09 [gpu_worker.py:741] CUDA graph pool memory: 0.58 GiB (actual), 0.65 GiB (estimated), "
        "difference: 0.07 GiB (11.8%).\n"
        "(EngineCore pid=9542) INFO 09-05 16:37:09 [gpu_worker.py:804] Free memory on device (30.86/31.36 GiB) on startup. Desired GPU "
        "memory utilization is (0.9, 28.22 GiB). Actual usage is 16.7 GiB for consumed memory (weights + non-torch), 1.19 GiB for peak "
        "activation, and 0.58 GiB for CUDAGraph memory. Replace gpu_memory_utilization config with `--kv-cache-memory=10320620544` "
        "(9.61 GiB) to fit into requested memory, or `--kv-cache-memory=13156920320` (12.25 GiB) to fully utilize gpu memory. Current kv "
        "cache memory in use is 10.34 GiB.");
    CHECK(g.weights_gib->value == 15.66);
    CHECK(g.weights_gib->line == 1);
    REQUIRE(g.consumed_gib);
    CHECK(g.consumed_gib->value == 16.7);
    CHECK(g.consumed_gib->line == 6);
    // N = 16.7 − 15.66 = 1.04 (spec-2 §13.3: total_consumed − W), at the consumed figure's line.
    REQUIRE(g.non_torch_gib);
    CHECK(g.non_torch_gib->value == 1.04);
    CHECK(g.non_torch_gib->line == 6);
    CHECK(g.activation_gib->value == 1.19);
    CHECK(g.activation_includes_graph_estimate);
    CHECK(g.cuda_graph_estimate_gib->value == 0.65);
    CHECK(g.cuda_graph_gib->value == 0.58);
    CHECK(g.cuda_graph_gib->line == 4);
    CHECK(g.total_gib->value == 31.36);
    CHECK(g.requested_gib->value == 28.22);
    CHECK(g.kv_cache_gib->value == 10.34);
    CHECK(g.model_runner->value == "V1");
    CHECK(version_text(g.wording_min) == "0.27.0");
    REQUIRE(g.source_release);
    CHECK(g.source_release->range() == "0.28.0");
}

TEST_CASE("vllm log: 0.27+ DEBUG breakdown, total consumed (source template)", "[io][vllm_log][v0.27]") {
    // No dev record prints it: the line is MemoryProfilingResult.__repr__ (`vllm/utils/mem_utils.py:220-230
    // @main`) filled with the numbers of vllm-logs-4#14 (eager: W 15.66, activation 0.54, consumed 16.66).
    const VllmLog g = parse_vllm_log(
        "(EngineCore pid=10325) DEBUG 09-05 16:38:05 [gpu_worker.py:560] Memory profiling takes 1.84 seconds. Total non KV cache memory: "
        "17.2GiB; torch peak memory increase: 0.54GiB; total consumed (from mem_get_info): 16.66GiB; weights memory: 15.66GiB.");
    CHECK(g.non_kv_gib->value == 17.2);
    CHECK(g.activation_gib->value == 0.54);
    CHECK_FALSE(g.activation_includes_graph_estimate);
    CHECK(g.consumed_gib->value == 16.66);
    CHECK(g.weights_gib->value == 15.66);
    CHECK(g.non_torch_gib->value == 1.0); // 16.66 − 15.66
    CHECK(version_text(g.wording_min) == "0.27.0");
}

TEST_CASE("vllm log: <= 0.26 DEBUG breakdown keeps its non-torch field", "[io][vllm_log][v0.27]") {
    const VllmLog g = parse_vllm_log(
        "DEBUG 04-22 00:18:23 [gpu_worker.py:290] Memory profiling takes 3.50 seconds. Total non KV cache memory: 36.52GiB; torch peak "
        "memory increase: 1.96GiB; non-torch forward increase memory: 0.68GiB; weights memory: 33.88GiB.");
    CHECK(g.non_torch_gib->value == 0.68);
    CHECK_FALSE(g.consumed_gib);
    CHECK(version_text(g.wording_max) == "0.26.999");
}

TEST_CASE("vllm log: Model Runner V2 lines (vllm-logs-4#27, #15)", "[io][vllm_log][mrv2]") {
    SECTION("0.27.1: 'Model loading took X GiB and' from model_runner.py, 'Using V2 Model Runner'") {
        const VllmLog g = parse_vllm_log(
            "(EngineCore pid=307) INFO 10-05 04:09:59 [gpu_worker.py:385] Using V2 Model Runner\n"
            "(EngineCore pid=307) INFO 10-05 04:10:14 [model_runner.py:329] Model loading took 7.63 GiB and 14.183448 seconds");
        CHECK(g.weights_gib->value == 7.63);
        REQUIRE(g.model_runner);
        CHECK(g.model_runner->value == "V2");
        CHECK(g.model_runner->line == 1);
        // format_gib in MRv2 (#33266) .. "memory" added by #52374 (0.28 or 0.29).
        CHECK(version_text(g.wording_min) == "0.14.0");
        CHECK(version_text(g.wording_max) == "0.28.999");
        CHECK(g.source_release->range() == "0.27.1");
    }
    SECTION("0.30.0: 'GiB memory and' from model_runner.py, and the profiling capture before the KV line") {
        const VllmLog g = parse_vllm_log(
            "(EngineCore pid=44716) INFO 10-02 22:42:38 [model_runner.py:428] Model loading took 15.66 GiB memory and 28.781595 seconds\n"
            "(EngineCore pid=44716) INFO 10-02 22:45:37 [model_runner.py:1066] Graph capturing finished in 141 secs, took 0.11 GiB\n"
            "(EngineCore pid=44716) INFO 10-02 22:45:38 [gpu_worker.py:640] Available KV cache memory: 11.28 GiB\n"
            "(EngineCore pid=44716) INFO 10-02 22:46:54 [model_runner.py:1066] Graph capturing finished in 2 secs, took 0.07 GiB\n"
            "(EngineCore pid=44716) INFO 10-02 22:46:54 [gpu_worker.py:825] CUDA graph pool memory: 0.07 GiB (actual), 0.12 GiB "
            "(estimated), difference: 0.05 GiB (69.4%).");
        CHECK(g.model_runner->value == "V2");
        CHECK(version_text(g.wording_min) == "0.28.0");
        // The capture after the KV line is the real one (line 4); the first was the profiling capture.
        CHECK(g.cuda_graph_gib->value == 0.07);
        CHECK(g.cuda_graph_gib->line == 4);
        CHECK(g.cuda_graph_estimate_gib->value == 0.12);
        CHECK(g.source_release->range() == "0.30.0");
    }
    SECTION("a profiling capture alone still counts") {
        const VllmLog g = parse_vllm_log("INFO 10-02 22:45:37 [model_runner.py:1066] Graph capturing finished in 141 secs, took 0.11 GiB");
        CHECK(g.cuda_graph_gib->value == 0.11);
    }
}

TEST_CASE("vllm log: hybrid attention block size (source template)", "[io][vllm_log][hybrid]") {
    // The wording of `_align_hybrid_block_size` (`platforms/interface.py`, spec-2 §16.4); 528 is a
    // block size the issue quotes for Qwen3.5.
    const VllmLog g = parse_vllm_log(
        "(EngineCore pid=7) INFO 09-01 10:00:00 [interface.py:612] Setting attention block size to 528 tokens to ensure that attention "
        "page size is >= mamba page size.");
    REQUIRE(g.attention_block_size);
    CHECK(g.attention_block_size->value == 528);
    CHECK_FALSE(g.block_size); // not a setting the user passed
}

TEST_CASE("vllm log: the release from source line numbers", "[io][vllm_log][fingerprints]") {
    SECTION("0.30.0 without its engine line (vllm-logs-4#17, version line removed)") {
        const VllmLog g = parse_vllm_log(
            "(EngineCore pid=155972) INFO 10-03 01:53:23 [gpu_worker.py:441] Using V2 Model Runner\n"
            "(EngineCore pid=155972) INFO 10-03 01:53:46 [model_runner.py:428] Model loading took 15.66 GiB memory and 23.103876 seconds\n"
            "(EngineCore pid=155972) INFO 10-03 01:53:50 [gpu_worker.py:640] Available KV cache memory: 11.97 GiB\n"
            "(EngineCore pid=155972) INFO 10-03 01:53:50 [kv_cache_utils.py:2395] GPU KV cache size: 130,720 tokens, Maximum concurrency "
            "for 2,048 tokens per request: 63.83x");
        CHECK_FALSE(g.version);
        REQUIRE(g.source_release);
        CHECK(g.source_release->first == VllmVersion{0, 30, 0});
        CHECK(g.source_release->last == VllmVersion{0, 30, 0});
        CHECK(g.source_release->evidence_text() ==
              "[gpu_worker.py:441] (log line 1), [model_runner.py:428] (log line 2), [gpu_worker.py:640] (log line 3), "
              "[kv_cache_utils.py:2395] (log line 4)");
    }
    SECTION("0.31.0, the lines spec-2 §12 quotes") {
        const VllmLog g = parse_vllm_log(
            "INFO 10-08 09:00:00 [model_runner.py:407] Model loading took 5.38 GiB memory and 3.1 seconds\n"
            "INFO 10-08 09:00:09 [gpu_worker.py:692] Available KV cache memory: 60.1 GiB");
        CHECK(g.source_release->range() == "0.31.0");
    }
    SECTION("a line two releases print: a range") {
        // gpu_worker.py:578 is a 0.27.1 line (§12) and 0.28.0's `Available KV cache memory` (vllm-logs-4#12).
        const VllmLog g = parse_vllm_log("(EngineCore pid=1) INFO 09-05 16:37:01 [gpu_worker.py:578] Available KV cache memory: 10.34 GiB");
        CHECK(g.source_release->range() == "0.27.1 .. 0.28.0");
    }
    SECTION("contradicting lines (two runs in one log) and unknown lines date nothing") {
        CHECK_FALSE(parse_vllm_log("INFO [gpu_worker.py:692] Available KV cache memory: 1 GiB\nINFO [gpu_worker.py:640] Available KV cache "
                                   "memory: 1 GiB")
                        .source_release);
        CHECK_FALSE(parse_vllm_log("INFO [gpu_worker.py:12345] Available KV cache memory: 1 GiB").source_release);
        CHECK_FALSE(parse_vllm_log("Available KV cache memory: 1 GiB").source_release);
    }
}

TEST_CASE("release fingerprints: one table, every row sourced and unique", "[io][fingerprints]") {
    std::set<std::tuple<std::string_view, std::uint32_t, std::string_view>> seen;
    for (const ReleaseFingerprint& f : release_fingerprints()) {
        INFO(f.file << ":" << f.line);
        CHECK(!f.source.empty());
        CHECK(f.first <= f.last);
        CHECK(f.file.ends_with(".py"));
        CHECK(seen.insert({f.file, f.line, f.message}).second);
    }
    CHECK(seen.size() >= 50);
}

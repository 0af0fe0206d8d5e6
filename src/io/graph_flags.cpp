// The CUDA-graph flags as written → GraphFlags (io/graph_flags.hpp).
#include <vramplan/io/graph_flags.hpp>

#include <vramplan/io/errors.hpp>
#include <vramplan/io/sizes.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <sstream>
#include <string_view>

namespace vramplan {

namespace {

constexpr const char* k_cc_flag = "--compilation-config";

/// CompilationConfig's fields (vllm/config/compilation.py:380-800 @main) and older spellings
/// (level, use_cudagraph, full_cuda_graph, max_capture_size ≤ 0.11; cuda_graph_sizes as
/// SchedulerConfig had it) that change no memory vramplan models. vLLM refuses any other key
/// (ConfigDict(extra="forbid"), vllm/config/utils.py:68-69 @main).
constexpr auto k_other_compilation_keys = std::to_array<std::string_view>({
    "debug_dump_path", "cache_dir", "compile_cache_save_format", "backend", "custom_ops", "ir_enable_torch_wrap",
    "splitting_ops", "compile_mm_encoder", "cudagraph_mm_encoder", "encoder_cudagraph_token_budgets",
    "encoder_cudagraph_max_vision_items_per_batch", "encoder_cudagraph_max_frames_per_batch", "compile_sizes",
    "compile_ranges_endpoints", "inductor_compile_config", "inductor_passes", "cudagraph_num_of_warmups",
    "cudagraph_copy_inputs", "cudagraph_specialize_lora", "use_inductor_graph_partition", "pass_config",
    "dynamic_shapes_config", "local_cache_dir", "fast_moe_cold_start", "assume_32_bit_indexing", "full_cuda_graph",
    "use_inductor", "enabled_custom_ops", "disabled_custom_ops",
});

/// A level 0–3 as written ("3", "O3").
std::uint32_t graph_level(std::string text, const std::string& flag) {
    if (!text.empty() && (text.front() == 'O' || text.front() == 'o')) {
        text.erase(0, 1);
    }
    if (text.size() != 1 || text[0] < '0' || text[0] > '3') {
        throw InputError(flag, "expected an optimization level 0, 1, 2 or 3, got '" + text + "'");
    }
    return static_cast<std::uint32_t>(text[0] - '0');
}

/// A positive integer from JSON.
std::uint64_t positive(const nlohmann::json& v, const std::string& key) {
    if (!v.is_number_integer() || v.get<std::int64_t>() < 1) {
        throw InputError(k_cc_flag, key + ": expected a positive integer, got " + v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    return v.get<std::uint64_t>();
}

/// A non-empty list of positive integers (vLLM asserts it is not empty: vllm/config/vllm.py:1937-1940 @main).
std::vector<std::uint64_t> size_list(const nlohmann::json& v, const std::string& key) {
    if (!v.is_array() || v.empty()) {
        throw InputError(k_cc_flag, key + ": expected a non-empty list of positive integers, got " + v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    std::vector<std::uint64_t> out;
    for (const nlohmann::json& x : v) {
        out.push_back(positive(x, key));
    }
    return out;
}

/// cudagraph_mode: a name (any case) or the enum's integer 0–2.
CudaGraphMode graph_mode(const nlohmann::json& v) {
    if (v.is_number_integer() && v.get<std::int64_t>() >= 0 && v.get<std::int64_t>() <= 2) {
        return static_cast<CudaGraphMode>(v.get<std::int64_t>());   // NONE 0, PIECEWISE 1, FULL 2
    }
    if (v.is_string()) {
        if (const auto m = parse_cudagraph_mode(v.get<std::string>())) {
            return *m;
        }
    }
    throw InputError(k_cc_flag, "cudagraph_mode: expected NONE, PIECEWISE, FULL, FULL_DECODE_ONLY or FULL_AND_PIECEWISE, got " + v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

/// One key of the JSON object into `g`.
void compilation_key(const std::string& key, const nlohmann::json& v, GraphFlags& g) {
    if (key == "cudagraph_mode") {
        g.mode = graph_mode(v);
    } else if (key == "cudagraph_capture_sizes" || key == "cuda_graph_sizes") {
        g.sizes = size_list(v, key);
    } else if (key == "max_cudagraph_capture_size" || key == "max_capture_size") {
        g.max_size = positive(v, key);
    } else if (key == "level" || key == "mode") {
        // The compilation level / mode 0–3 (VLLM_COMPILE = 3); graphs need it before 0.12 (§25.1).
        if (v.is_number_integer()) {
            g.level = graph_level(std::to_string(v.get<std::int64_t>()), std::string(k_cc_flag) + " " + key);
        } else if (!v.is_string()) {
            throw InputError(k_cc_flag, key + ": expected an integer 0-3 or a mode name, got " + v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        }
    } else if (key == "use_cudagraph") {
        if (!v.is_boolean()) {
            throw InputError(k_cc_flag, "use_cudagraph: expected true or false, got " + v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        }
        g.use_cudagraph_off = !v.get<bool>();
    } else if (std::find(k_other_compilation_keys.begin(), k_other_compilation_keys.end(), key) == k_other_compilation_keys.end()) {
        throw InputError(k_cc_flag, "unknown key '" + key + "' (vLLM's CompilationConfig accepts no other keys)");
    }
}

/// --cuda-graph-sizes, --cudagraph-capture-sizes: integers separated by spaces or commas,
/// optionally in brackets (YAML).
std::vector<std::uint64_t> size_list(std::string text, const std::string& flag) {
    std::replace_if(text.begin(), text.end(), [](char c) { return c == ',' || c == '[' || c == ']'; }, ' ');
    std::istringstream in(text);
    std::vector<std::uint64_t> out;
    for (std::string word; in >> word;) {
        out.push_back(parse_count(word, flag, std::uint64_t{1} << 32));
    }
    if (out.empty()) {
        throw InputError(flag, "expected one or more positive integers");
    }
    return out;
}

} // namespace

GraphFlags parse_graph_flags(const std::string& optimization_level, const std::string& compilation_config,
                             const std::string& cuda_graph_sizes) {
    GraphFlags g;
    if (!compilation_config.empty()) {
        if (compilation_config.find_first_not_of("0123456789") == std::string::npos) {
            g.level = graph_level(compilation_config, "-O");   // -O3: a level, as vLLM's parser turns it
        } else {
            nlohmann::json j;
            try {
                j = nlohmann::json::parse(compilation_config);
            } catch (const nlohmann::json::parse_error& e) {
                throw InputError(k_cc_flag, "invalid JSON at byte " + std::to_string(e.byte) + ": expected a JSON object");
            } catch (const nlohmann::json::exception&) {
                // 1e400: valid JSON grammar, but no double (the library's own text names no subject).
                throw InputError(k_cc_flag, "invalid JSON: a number beyond the range of a double, expected a finite number");
            }
            if (!j.is_object()) {
                throw InputError(k_cc_flag, "expected a JSON object, got " + j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
            }
            for (const auto& [key, v] : j.items()) {
                compilation_key(key, v, g);
            }
        }
    }
    if (!optimization_level.empty()) {
        g.level = graph_level(optimization_level, "--optimization-level");
        g.level_is_optimization_flag = true;
    }
    if (!cuda_graph_sizes.empty()) {
        // One value is the largest size, several are the list (vllm/config.py:4760-4766 @v0.10.0).
        std::vector<std::uint64_t> sizes = size_list(cuda_graph_sizes, "--cuda-graph-sizes");
        if (sizes.size() == 1) {
            g.max_size = sizes.front();
        } else {
            g.sizes = std::move(sizes);
        }
        g.from_scheduler_flag = true;
    }
    return g;
}

void apply_capture_size_flags(GraphFlags& g, const std::string& cudagraph_capture_sizes,
                              const std::string& max_cudagraph_capture_size) {
    // With --cuda-graph-sizes (≤ 0.12) the keys came from the scheduler flag, which no release
    // that has these flags accepts: its values are replaced, not "given twice".
    const bool from_json = !g.from_scheduler_flag;
    if (!cudagraph_capture_sizes.empty()) {
        if (from_json && !g.sizes.empty()) {
            throw InputError("--cudagraph-capture-sizes",
                             "cudagraph_capture_sizes and compilation_config.cudagraph_capture_sizes are mutually exclusive");
        }
        g.sizes = size_list(cudagraph_capture_sizes, "--cudagraph-capture-sizes");
        g.from_scheduler_flag = false;
    }
    if (!max_cudagraph_capture_size.empty()) {
        if (from_json && g.max_size) {
            throw InputError("--max-cudagraph-capture-size",
                             "max_cudagraph_capture_size and compilation_config.max_cudagraph_capture_size are mutually exclusive");
        }
        g.max_size = parse_count(max_cudagraph_capture_size, "--max-cudagraph-capture-size", std::uint64_t{1} << 32);
        g.from_scheduler_flag = false;
    }
}

} // namespace vramplan

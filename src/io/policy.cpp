#include <vramplan/io/policy.hpp>

#include <vramplan/io/catalog.hpp>
#include <vramplan/io/errors.hpp>

#include <nlohmann/json.hpp>

#include <cmath>

namespace vramplan {

using nlohmann::json;

Policy read_policy(const std::string& path) {
    return parse_policy(read_file(path, std::size_t{1} << 20), path);
}

Policy parse_policy(const std::string& text, const std::string& path) {
    const json root = parse_json_text(text, path);
    const auto fail = [&path](const std::string& pointer, const std::string& expected) {
        throw InputError(path + ": " + (pointer.empty() ? std::string("(top level)") : pointer) + ": expected " + expected);
    };
    if (!root.is_object()) {
        fail("", "a JSON object");
    }
    if (!root.contains("kind") || root["kind"] != "vramplan-policy") {
        fail("/kind", "\"vramplan-policy\"");
    }
    if (!root.contains("schema_version") || !root["schema_version"].is_number_unsigned() || root["schema_version"].get<std::uint64_t>() != 1) {
        fail("/schema_version", "1");
    }
    Policy p;
    const auto gib = [&](const std::string& key, const json& v) -> Bytes {
        if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0.0 || v.get<double>() > 1048576.0) {
            fail("/" + key, "a number of GiB from 0 to 1048576");
        }
        return static_cast<Bytes>(std::llround(v.get<double>() * static_cast<double>(k_gib)));
    };
    for (const auto& [key, v] : root.items()) {
        if (key == "kind" || key == "schema_version" || key == "description") {
            continue;
        }
        if (key == "gpu") {
            if (!v.is_string() || v.get<std::string>().empty()) {
                fail("/gpu", "a GPU catalog id");
            }
            p.gpu = v.get<std::string>();
        } else if (key == "vllm_versions") {
            if (!v.is_array() || v.empty() || v.size() > 64) {
                fail("/vllm_versions", "an array of 1 to 64 vLLM releases");
            }
            for (std::size_t i = 0; i < v.size(); ++i) {
                if (!v[i].is_string()) {
                    fail("/vllm_versions/" + std::to_string(i), "a release such as \"0.19.0\"");
                }
                p.vllm_versions.push_back(v[i].get<std::string>());
            }
        } else if (key == "max_gpu_memory_utilization") {
            if (!v.is_number() || !(v.get<double>() > 0.0 && v.get<double>() <= 1.0)) {
                fail("/" + key, "a number in (0, 1]");
            }
            p.max_gpu_memory_utilization = v.get<double>();
        } else if (key == "max_vram_gib_per_gpu") {
            p.max_vram_per_gpu = gib(key, v);
        } else if (key == "min_free_gib") {
            p.min_free = gib(key, v);
        } else if (key == "min_graph_headroom_gib") {
            p.min_graph_headroom = gib(key, v);
        } else if (key == "min_kv_tokens") {
            if (!v.is_number_unsigned() || v.get<std::uint64_t>() > (std::uint64_t{1} << 48)) {
                fail("/" + key, "an integer from 0 to 2^48");
            }
            p.min_kv_tokens = v.get<std::uint64_t>();
        } else if (key == "min_concurrency") {
            if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0.0 || v.get<double>() > 1e9) {
                fail("/" + key, "a number of requests from 0 to 10^9");
            }
            p.min_concurrency = v.get<double>();
        } else if (key == "max_restore_seconds") {
            if (!v.is_number() || !std::isfinite(v.get<double>()) || !(v.get<double>() > 0.0) || v.get<double>() > 1e6) {
                fail("/" + key, "a number of seconds greater than 0");
            }
            p.max_restore_seconds = v.get<double>();
        } else if (key == "restore_fit") {
            if (!v.is_string() || v.get<std::string>().empty()) {
                fail("/" + key, "the path of a vramplan-restore-fit file");
            }
            p.restore_fit = v.get<std::string>();
        } else {
            static const std::vector<std::string> known{"max_restore_seconds", "restore_fit","gpu", "vllm_versions", "max_gpu_memory_utilization", "max_vram_gib_per_gpu", "min_free_gib",
                                                        "min_kv_tokens", "min_concurrency", "min_graph_headroom_gib", "description"};
            throw InputError(path + ": /" + key + ": " + unknown_name_message("policy key", key, known));
        }
    }
    return p;
}

} // namespace vramplan

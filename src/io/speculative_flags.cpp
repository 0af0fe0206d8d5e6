// `--speculative-config` as written → SpeculativeConfig (io/speculative_flags.hpp).
#include <vramplan/io/speculative_flags.hpp>

#include <vramplan/io/errors.hpp>
#include <vramplan/io/resolve.hpp>
#include <vramplan/io/sizes.hpp>

#include <nlohmann/json.hpp>

#include <cctype>

namespace vramplan {

namespace {

constexpr const char* k_flag = "--speculative-config";

/// A Python literal (a log's `non-default args` dict) as JSON: quotes, True/False/None.
std::string python_to_json(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        const bool word_start = i == 0 || !(std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '_');
        auto word = [&](std::string_view w) { return word_start && text.compare(i, w.size(), w) == 0; };
        if (ch == '\'') {
            out += '"';
        } else if (word("True")) {
            out += "true";
            i += 3;
        } else if (word("False")) {
            out += "false";
            i += 4;
        } else if (word("None")) {
            out += "null";
            i += 3;
        } else {
            out += ch;
        }
    }
    return out;
}

/// `SpeculativeConfig(method='eagle3', model='x', num_spec_tokens=3)` (SpeculativeConfig.__repr__,
/// vllm/config/speculative.py:1509-1523 @main) as a JSON object.
std::string repr_to_json(const std::string& text) {
    const std::size_t open = text.find('(');
    const std::size_t close = text.rfind(')');
    std::string body = text.substr(open + 1, close == std::string::npos || close < open ? std::string::npos : close - open - 1);
    std::string out = "{";
    std::size_t start = 0;
    while (start < body.size()) {
        std::size_t comma = body.find(", ", start);
        if (comma == std::string::npos) {
            comma = body.size();
        }
        const std::string item = body.substr(start, comma - start);
        if (const std::size_t eq = item.find('='); eq != std::string::npos) {
            std::string key = item.substr(0, eq);
            key = key == "num_spec_tokens" ? "num_speculative_tokens" : key;
            out += (out.size() > 1 ? ", \"" : "\"") + key + "\": " + python_to_json(item.substr(eq + 1));
        }
        start = comma + 2;
    }
    return out + "}";
}

/// A YAML block mapping of scalars (`speculative-config:` with indented `key: value` lines, as a
/// deployment YAML file hands it over raw) as a JSON object; discarded when a line is not one.
nlohmann::json yaml_block_to_json(const std::string& text) {
    nlohmann::json j = nlohmann::json::object();
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        end = end == std::string::npos ? text.size() : end;
        std::string item = text.substr(start, end - start);
        start = end + 1;
        const std::size_t first = item.find_first_not_of(' ');
        if (first == std::string::npos || item[first] == '#') {
            continue;
        }
        const std::size_t colon = item.find(':', first);
        if (colon == std::string::npos) {
            return nlohmann::json(nlohmann::json::value_t::discarded);
        }
        const std::string key = item.substr(first, colon - first);
        std::string value = item.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        const nlohmann::json parsed = nlohmann::json::parse(python_to_json(value), nullptr, false);
        std::string unquoted = value;
        if (unquoted.size() >= 2 && (unquoted.front() == '"' || unquoted.front() == '\'') && unquoted.back() == unquoted.front()) {
            unquoted = unquoted.substr(1, unquoted.size() - 2);
        }
        j[key] = parsed.is_discarded() ? nlohmann::json(unquoted) : parsed;
    }
    return j;
}

nlohmann::json parse_object(const std::string& text) {
    std::string body = text;
    if (body.rfind("SpeculativeConfig(", 0) == 0) {
        body = repr_to_json(body);
    }
    nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded()) {
        j = nlohmann::json::parse(python_to_json(body), nullptr, false);
    }
    if (j.is_discarded() && body.find(':') != std::string::npos && body.find('{') == std::string::npos) {
        j = yaml_block_to_json(body);
    }
    if (!j.is_object()) {
        throw InputError(k_flag, "expected a JSON object, got '" + one_line(text) + "'");
    }
    return j;
}

std::uint64_t positive_count(const nlohmann::json& v, const std::string& key) {
    if (!v.is_number_integer() || v.get<std::int64_t>() < 1) {
        throw InputError(k_flag, key + ": expected a positive integer, got " + v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    return v.get<std::uint64_t>();
}

/// vLLM's inference of the method from the draft's name when `method` is not given
/// (vllm/config/speculative.py:934-975 @main; model types it reads from the draft's config are
/// not known here: draft_model).
SpecMethod infer_method(const std::string& model) {
    const std::string name = ascii_lower(model);
    if (name.find("eagle-") != std::string::npos) {
        return SpecMethod::eagle;
    }
    if (name.find("eagle3") != std::string::npos) {
        return SpecMethod::eagle3;
    }
    if (name.find("medusa") != std::string::npos) {
        return SpecMethod::medusa;
    }
    return SpecMethod::draft_model;
}

} // namespace

SpeculativeConfig parse_speculative_config(const std::string& text) {
    SpeculativeConfig s;
    if (text.empty() || text == "None" || text == "null") {
        return s;
    }
    const nlohmann::json j = parse_object(text);
    if (const auto it = j.find("model"); it != j.end() && it->is_string()) {
        s.model_label = it->get<std::string>();
    }
    if (const auto it = j.find("method"); it != j.end() && it->is_string()) {
        s.method_label = it->get<std::string>();
        const auto method = parse_spec_method(s.method_label);
        if (!method) {
            throw InputError(k_flag, "unknown method '" + s.method_label +
                                         "' (draft_model, eagle, eagle3, mtp or *_mtp, medusa, mlp_speculator, ngram, ngram_gpu, suffix)");
        }
        s.method = *method;
    } else if (!s.model_label.empty()) {
        s.method = infer_method(s.model_label);
        s.method_label = std::string(spec_method_name(s.method));
    } else {
        throw InputError(k_flag, "expected a \"method\" or a \"model\"");
    }
    if (const auto it = j.find("num_speculative_tokens"); it != j.end() && !it->is_null()) {
        s.num_speculative_tokens = positive_count(*it, "num_speculative_tokens");
    } else if (s.method == SpecMethod::mtp) {
        s.num_speculative_tokens = 1;   // MTP: num_nextn_predict_layers (1 for the published models)
    }
    if (const auto it = j.find("draft_tensor_parallel_size"); it != j.end() && !it->is_null()) {
        s.draft_tensor_parallel_size = static_cast<std::uint32_t>(positive_count(*it, "draft_tensor_parallel_size"));
    }
    if (const auto it = j.find("draft_vocab_size"); it != j.end() && !it->is_null()) {
        s.draft_vocab = positive_count(*it, "draft_vocab_size");
    }
    return s;
}

std::string merge_speculative_shorthands(const std::string& config, const SpeculativeShorthands& s) {
    if (s.method.empty() && s.model.empty() && s.tokens.empty()) {
        return config;
    }
    nlohmann::json j = config.empty() || config == "None" || config == "null" ? nlohmann::json::object() : parse_object(config);
    // EngineArgs.create_speculative_config (vllm/engine/arg_utils.py:1845-1858 @main; #42476).
    const auto set = [&j](const char* flag, const char* key, nlohmann::json value) {
        if (j.contains(key)) {
            throw InputError(flag, std::string("and --speculative-config['") + key + "'] are mutually exclusive (vLLM's error)", " ");
        }
        j[key] = std::move(value);
    };
    if (!s.method.empty()) {
        set("--spec-method", "method", s.method);
    }
    if (!s.model.empty()) {
        set("--spec-model", "model", s.model);
    }
    if (!s.tokens.empty()) {
        set("--spec-tokens", "num_speculative_tokens", parse_count(s.tokens, "--spec-tokens", std::uint64_t{1} << 20));
    }
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void resolve_speculative_draft(const Catalog& catalog, SpeculativeConfig& s) {
    if (s.method != SpecMethod::draft_model || s.model_label.empty()) {
        return;
    }
    try {
        s.draft = resolve_model(catalog, s.model_label).parsed.spec;
    } catch (const InputError& e) {
        throw e.with_subject("--speculative-config model");
    }
}

} // namespace vramplan

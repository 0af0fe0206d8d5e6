#include <vramplan/io/mm_flags.hpp>

#include <vramplan/io/sizes.hpp>
#include <vramplan/io/errors.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <sstream>

namespace vramplan {

namespace {

using json = nlohmann::json;
constexpr const char* k_limit_flag = "--limit-mm-per-prompt";

std::uint64_t limit_count(const json& v, const std::string& key) {
    if (v.is_number_unsigned()) {
        return v.get<std::uint64_t>();
    }
    if (v.is_number_integer() && v.get<std::int64_t>() >= 0) {
        return static_cast<std::uint64_t>(v.get<std::int64_t>());
    }
    throw InputError(k_limit_flag, key + ": expected a non-negative integer");
}

void set_limit(MmSettings& s, const std::string& modality, std::uint64_t n) {
    if (modality == "image") {
        s.image_limit = n;
    } else if (modality == "video") {
        s.video_limit = n;
    }
    // audio and other modalities: no encoder of the models vramplan plans (addendum 3 §23.1).
}

/// `{"image": 2}` or `{"image": {"count": 2, "width": 512, "height": 512}}` (config/multimodal.py:20-63 @main).
void parse_limit_json(const json& j, MmSettings& s) {
    if (!j.is_object()) {
        throw InputError(k_limit_flag, "expected a JSON object such as {\"image\": 1, \"video\": 0}");
    }
    for (const auto& [modality, v] : j.items()) {
        if (v.is_object()) {
            set_limit(s, modality, v.contains("count") ? limit_count(v.at("count"), modality + ".count") : 999);
            if (modality == "image" && v.contains("width") && v.contains("height")) {
                s.image_width = limit_count(v.at("width"), "image.width");
                s.image_height = limit_count(v.at("height"), "image.height");
            }
        } else {
            set_limit(s, modality, limit_count(v, modality));
        }
    }
}

/// vLLM ≤ 0.8's `image=1,video=0`.
void parse_limit_pairs(const std::string& text, MmSettings& s) {
    std::stringstream in(text);
    std::string pair;
    while (std::getline(in, pair, ',')) {
        const std::size_t eq = pair.find('=');
        if (eq == std::string::npos) {
            throw InputError(k_limit_flag, "expected JSON or modality=count pairs, got '" + text + "'");
        }
        set_limit(s, pair.substr(0, eq), parse_integer(pair.substr(eq + 1), std::string(k_limit_flag) + " " + pair.substr(0, eq), 0, 999'999'999));
    }
}

} // namespace

MmSettings parse_mm_flags(const std::string& limit, const std::string& kwargs, const std::string& tp_mode, bool skip, bool text_only) {
    MmSettings s;
    if (!limit.empty()) {
        const json j = json::parse(limit, nullptr, false);
        if (!j.is_discarded()) {
            parse_limit_json(j, s);
        } else {
            parse_limit_pairs(limit, s);
        }
    }
    if (!kwargs.empty()) {
        const json j = json::parse(kwargs, nullptr, false);
        if (j.is_discarded() || !j.is_object()) {
            throw InputError("--mm-processor-kwargs", "expected a JSON object such as {\"max_pixels\": 1003520}");
        }
        if (j.contains("max_pixels")) {
            const json& v = j.at("max_pixels");
            if (!v.is_number_integer() || v.get<std::int64_t>() <= 0) {
                throw InputError("--mm-processor-kwargs", "max_pixels: expected a positive integer");
            }
            s.max_pixels = static_cast<std::uint64_t>(v.get<std::int64_t>());
        }
    }
    if (!tp_mode.empty() && tp_mode != "weights" && tp_mode != "data") {
        throw InputError("--mm-encoder-tp-mode", "expected weights or data, got '" + tp_mode + "'");
    }
    s.encoder_data_parallel = tp_mode == "data";
    s.skip_profiling = skip;
    s.language_model_only = text_only;
    return s;
}

} // namespace vramplan

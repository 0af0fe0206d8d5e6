#include <vramplan/io/hf_config.hpp>

#include <vramplan/bytes.hpp>
#include <vramplan/io/errors.hpp>

#include "hf_config_hybrid.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <optional>
#include <set>

namespace vramplan {

using nlohmann::json;

namespace {

/// Sizes beyond these are not real models; rejecting them keeps every later product in range and
/// stops a hostile config (10^9 layers) from allocating per-layer state.
constexpr std::uint64_t k_max_layers = 10'000;
constexpr std::uint64_t k_max_dim = std::uint64_t{1} << 24;
constexpr std::uint64_t k_max_vocab = std::uint64_t{1} << 28;
constexpr std::uint64_t k_max_experts = 1 << 16;
constexpr std::uint64_t k_max_positions = std::uint64_t{1} << 36;

class Reader {
public:
    /// `prefix` is the JSON pointer of `root` inside the file ("/vision_config"), "" for the file itself.
    Reader(const json& root, const json& text, std::string where, std::string prefix = "")
        : m_root(root), m_text(text), m_where(std::move(where)), m_prefix(std::move(prefix)) {}

    /// The value of the first key present (text config first, then the root), null when absent.
    [[nodiscard]] const json* find(std::initializer_list<const char*> keys) const {
        for (const char* k : keys) {
            for (const json* obj : {&m_text, &m_root}) {
                auto it = obj->find(k);
                if (it != obj->end() && !it->is_null()) {
                    m_last_key = k;
                    return &*it;
                }
            }
        }
        return nullptr;
    }

    std::optional<std::uint64_t> u64(std::initializer_list<const char*> keys, std::uint64_t max) const {
        const json* v = find(keys);
        if (v == nullptr) {
            return std::nullopt;
        }
        std::uint64_t out = 0;
        if (v->is_number_unsigned()) {
            out = v->get<std::uint64_t>();
        } else if (v->is_number_integer() && v->get<std::int64_t>() >= 0) {
            out = static_cast<std::uint64_t>(v->get<std::int64_t>());
        } else if (v->is_number_float() && std::isfinite(v->get<double>()) && v->get<double>() >= 0 &&
                   v->get<double>() <= 1e15 && std::floor(v->get<double>()) == v->get<double>()) {
            out = static_cast<std::uint64_t>(v->get<double>());
        } else {
            fail(m_last_key, "expected a non-negative integer");
        }
        if (out > max) {
            fail(m_last_key, "expected at most " + std::to_string(max) + ", got " + std::to_string(out));
        }
        return out;
    }

    std::uint64_t need_u64(std::initializer_list<const char*> keys, std::uint64_t max) const {
        auto v = u64(keys, max);
        if (!v || *v == 0) {
            fail(*keys.begin(), "expected a positive integer (required)");
        }
        return *v;
    }

    std::optional<bool> boolean(const char* key) const {
        const json* v = find({key});
        if (v == nullptr) {
            return std::nullopt;
        }
        if (!v->is_boolean()) {
            fail(key, "expected true or false");
        }
        return v->get<bool>();
    }

    std::optional<double> number(const json& obj, const char* key, const std::string& path) const {
        auto it = obj.find(key);
        if (it == obj.end() || it->is_null()) {
            return std::nullopt;
        }
        if (!it->is_number() || !std::isfinite(it->get<double>())) {
            fail(path + "/" + key, "expected a finite number");
        }
        return it->get<double>();
    }

    std::string str(std::initializer_list<const char*> keys) const {
        const json* v = find(keys);
        if (v == nullptr) {
            return {};
        }
        if (!v->is_string()) {
            fail(m_last_key, "expected a string");
        }
        return v->get<std::string>();
    }

    /// Throws InputError naming the file and the key's full JSON pointer ("/text_config/rope_scaling/factor").
    [[noreturn]] void fail(const std::string& key, const std::string& what) const {
        throw InputError(m_where, config_pointer(m_root, m_text, key, m_prefix) + ": " + what);
    }

    const json& root() const { return m_root; }
    const json& text() const { return m_text; }
    const std::string& where() const { return m_where; }

private:
    const json& m_root;
    const json& m_text;
    std::string m_where;
    std::string m_prefix;
    mutable std::string m_last_key;
};

bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

bool is_one_of(const std::string& s, std::initializer_list<const char*> options) {
    return std::any_of(options.begin(), options.end(), [&](const char* o) { return s == o; });
}

/// transformers defaults for keys that some configs leave out (the class default, not a guess).
bool default_tie(const std::string& model_type) {
    // GemmaConfig, Gemma2Config, Gemma3TextConfig, GPT2Config, OPTConfig default to tied embeddings.
    return is_one_of(model_type, {"gemma", "gemma2", "gemma3", "gemma3_text", "gemma4", "gemma4_text", "gpt2", "opt"});
}

/// A JSON value as an error message quotes it: compact, invalid UTF-8 replaced, at most 40 bytes.
std::string shown(const json& v) {
    std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
    return s.size() > 40 ? s.substr(0, 37) + "..." : s;
}

/// An FP8 block [rows, columns]: vLLM's Fp8Config refuses any other length ("must have 2
/// dimensions", quantization/fp8.py:121 @main); the block's row count is what vramplan sizes scales by.
std::uint32_t block_size(const Reader& r, const json& v, const std::string& key) {
    const auto positive = [](const json& x) { return x.is_number_integer() && x.get<std::int64_t>() > 0 && x.get<std::int64_t>() <= 65536; };
    if (!v.is_array() || v.size() != 2 || !positive(v[0]) || !positive(v[1])) {
        r.fail(key, "expected a list of two positive integers such as [128, 128], got " + shown(v) +
                        " (vLLM's Fp8Config refuses it: the block must have 2 dimensions)");
    }
    return static_cast<std::uint32_t>(v[0].get<std::int64_t>());
}

void parse_quantization(const Reader& r, ModelSpec& m, std::vector<std::string>& notes) {
    const json* q = nullptr;
    for (const json* obj : {&r.root(), &r.text()}) {
        auto it = obj->find("quantization_config");
        if (it != obj->end() && !it->is_null()) {
            q = &*it;
        }
    }
    if (q == nullptr) {
        return;
    }
    const std::string path = "quantization_config";
    if (!q->is_object()) {
        r.fail(path, "expected an object");
    }
    auto get_str = [&](const json& o, const char* k) -> std::string {
        auto it = o.find(k);
        if (it == o.end() || it->is_null()) {
            return {};
        }
        if (!it->is_string()) {
            r.fail(path + "/" + k, "expected a string");
        }
        return it->get<std::string>();
    };
    auto get_int = [&](const json& o, const char* k, std::int64_t dflt) -> std::int64_t {
        auto it = o.find(k);
        if (it == o.end() || it->is_null()) {
            return dflt;
        }
        if (!it->is_number_integer()) {
            r.fail(path + "/" + k, "expected an integer");
        }
        return it->get<std::int64_t>();
    };
    auto get_bool = [&](const json& o, const char* k, bool dflt) -> bool {
        auto it = o.find(k);
        if (it == o.end() || it->is_null()) {
            return dflt;
        }
        if (!it->is_boolean()) {
            r.fail(path + "/" + k, "expected true or false");
        }
        return it->get<bool>();
    };
    QuantSpec& qs = m.quant;
    qs.name = get_str(*q, "quant_method");
    const std::string method = qs.name;
    // -1 is one group per input row (channelwise): GPTQ and AWQ both read it so
    // (quantization/auto_gptq.py:361, auto_awq.py:427 @main). 0 or another negative size has no
    // meaning there: vLLM divides the input size by it (auto_awq.py:841 @main) and fails.
    auto group = [&](std::int64_t g, const std::string& key) -> std::uint32_t {
        if (g == -1) {
            return 0;
        }
        if (g <= 0) {
            r.fail(key, "expected a positive group size or -1 (one group per input row), got " + std::to_string(g) +
                            " (vLLM divides the input size by it and fails)");
        }
        if (g > (1 << 20)) {
            r.fail(key, "expected at most 1048576");
        }
        return static_cast<std::uint32_t>(g);
    };
    if (method == "fp8" || method == "fbgemm_fp8") {
        qs.method = QuantMethod::fp8;
        qs.bits = 8;
        auto it = q->find("weight_block_size");
        if (it != q->end() && !it->is_null()) {
            qs.fp8_block = block_size(r, *it, path + "/weight_block_size");
        } else if (method == "fp8") {
            qs.group_size = 1; // per-tensor scale (Fp8LinearMethod without blocks)
        }
    } else if (method == "gptq" || method == "gptq_marlin" || method == "awq" || method == "awq_marlin") {
        const std::int64_t bits = get_int(*q, "bits", get_int(*q, "w_bit", 4));
        if (bits != 2 && bits != 3 && bits != 4 && bits != 8) {
            r.fail(path + "/bits", "expected 2, 3, 4 or 8");
        }
        qs.method = QuantMethod::int4_group;
        qs.bits = static_cast<std::uint32_t>(bits);
        qs.group_size = group(get_int(*q, "group_size", get_int(*q, "q_group_size", 128)),
                              path + (q->contains("group_size") || !q->contains("q_group_size") ? "/group_size" : "/q_group_size"));
        const bool awq = method.rfind("awq", 0) == 0;
        qs.zero_point = awq ? get_bool(*q, "zero_point", true) : !get_bool(*q, "sym", true);
        qs.unsure_zero_point = !q->contains(awq ? "zero_point" : "sym");
        qs.unsure_ignore = awq && !q->contains("modules_to_not_convert");
        if (!q->contains("group_size") && !q->contains("q_group_size")) {
            notes.push_back("quantization_config has no group_size: assumed 128 (the AutoGPTQ/AutoAWQ default)");
        }
    } else if (method == "compressed-tensors") {
        auto groups = q->find("config_groups");
        if (groups == q->end() || !groups->is_object() || groups->empty()) {
            r.fail(path + "/config_groups", "expected an object with at least one group");
        }
        const json& g0 = groups->begin().value();
        auto w = g0.find("weights");
        if (!g0.is_object() || w == g0.end() || !w->is_object()) {
            r.fail(path + "/config_groups/" + groups->begin().key() + "/weights", "expected an object");
        }
        const std::int64_t bits = get_int(*w, "num_bits", 8);
        const std::string type = get_str(*w, "type");
        const std::string strategy = get_str(*w, "strategy");
        if (bits == 4 && type == "float") {
            qs.method = QuantMethod::nvfp4; // nvfp4-pack-quantized: fp4 + fp8 scale per 16
            qs.bits = 4;
            qs.group_size = 16;
        } else if (bits == 8 && type == "float") {
            qs.method = QuantMethod::fp8;
            qs.bits = 8;
            if (strategy == "block") {
                auto bs = w->find("block_structure");
                qs.fp8_block = bs != w->end() && !bs->is_null()
                                   ? block_size(r, *bs, path + "/config_groups/" + groups->begin().key() + "/weights/block_structure")
                                   : 128;
            } else if (strategy == "tensor") {
                qs.group_size = 1;
            }
        } else if (bits == 8) {
            qs.method = QuantMethod::int8;
            qs.bits = 8;
        } else if (bits == 4 || bits == 2 || bits == 3) {
            qs.method = QuantMethod::int4_group;
            qs.bits = static_cast<std::uint32_t>(bits);
            qs.group_size = strategy == "channel" ? 0 : group(get_int(*w, "group_size", 128), path + "/config_groups/" + groups->begin().key() + "/weights/group_size");
            qs.zero_point = !get_bool(*w, "symmetric", true);
            qs.unsure_zero_point = !w->contains("symmetric");
            if (strategy.empty() && !w->contains("group_size")) {
                notes.push_back("quantization_config weights give no strategy or group_size: groups of 128 assumed");
            }
        } else {
            r.fail(path + "/config_groups", "unsupported weight width " + std::to_string(bits) + " bits");
        }
        qs.unsure_ignore = !q->contains("ignore");
        auto kv = q->find("kv_cache_scheme");
        qs.kv_cache_fp8 = kv != q->end() && !kv->is_null();
    } else if (method == "modelopt" || method == "modelopt_fp4") {
        // ModelOptQuantConfigBase.from_config (quantization/modelopt.py:275-320 @main): quant_algo at
        // the top (config.json) or under "quantization" (hf_quant_config.json); modules left
        // unquantized under "ignore" or "exclude_modules".
        const json* inner = q;
        if (auto it = q->find("quantization"); it != q->end() && it->is_object()) {
            inner = &*it;
        }
        std::string algo = get_str(*inner, "quant_algo");
        std::transform(algo.begin(), algo.end(), algo.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
        if (algo == "NVFP4" || algo == "W4A16_NVFP4" || (algo.empty() && method == "modelopt_fp4")) {
            qs.method = QuantMethod::nvfp4;
            qs.bits = 4;
            qs.group_size = 16;
        } else if (algo == "FP8") {
            qs.method = QuantMethod::fp8;
            qs.bits = 8;
            qs.group_size = 1; // per-tensor scales
        } else {
            r.fail(path + "/quant_algo", "unsupported ModelOpt algorithm '" + algo + "' (supported: NVFP4, W4A16_NVFP4, FP8)");
        }
        qs.unsure_ignore = !inner->contains("ignore") && !inner->contains("exclude_modules");
        auto kv = inner->find("kv_cache_scheme");
        qs.kv_cache_fp8 = (kv != inner->end() && kv->is_object()) || get_str(*inner, "kv_cache_quant_algo") == "FP8";
    } else if (method == "mxfp4") {
        qs.method = QuantMethod::mxfp4;
        qs.bits = 4;
    } else if (method == "bitsandbytes") {
        const bool eight = get_bool(*q, "load_in_8bit", false);
        qs.method = eight ? QuantMethod::int8 : QuantMethod::bitsandbytes;
        qs.bits = eight ? 8 : 4;
    } else {
        r.fail(path + "/quant_method", "unsupported quantization '" + method +
                                           "' (supported: fp8, fbgemm_fp8, gptq, gptq_marlin, awq, awq_marlin, compressed-tensors, modelopt, modelopt_fp4, mxfp4, bitsandbytes)");
    }
    if (qs.unsure_ignore || qs.unsure_zero_point) {
        notes.push_back(std::string("quantization_config has no ") +
                        (qs.unsure_ignore ? (method == "compressed-tensors" ? "ignore list" : "modules_to_not_convert") : "") +
                        (qs.unsure_ignore && qs.unsure_zero_point ? " and no " : "") +
                        (qs.unsure_zero_point ? "symmetry key (zero points assumed absent)" : "") +
                        ": the weights error bar covers the other reading");
    }
}

/// rope_scaling / rope_parameters as transformers and vLLM read them: null or absent is no
/// scaling; anything else must be an object (patch_rope_parameters and standardize_rope_params
/// index it as a dict, transformers_utils/config.py:534 @main) whose factor, when given, is a
/// number (vLLM multiplies the context length by it, config/model.py:2399 @main; null is 1.0 there).
void check_rope(const Reader& r) {
    for (const char* key : {"rope_scaling", "rope_parameters"}) {
        const json* rope = r.find({key});
        if (rope == nullptr) {
            continue;
        }
        if (!rope->is_object()) {
            r.fail(key, "expected an object or null, got " + shown(*rope) + " (transformers and vLLM read it as a dict and fail)");
        }
        const auto f = rope->find("factor");
        if (f != rope->end() && !f->is_null() && !(f->is_number() && std::isfinite(f->get<double>()))) {
            r.fail(std::string(key) + "/factor", "expected a number, got " + shown(*f) + " (vLLM multiplies the context length by it and fails)");
        }
    }
}

/// Derived max_model_len (vllm/config/model.py `_get_and_verify_max_len`): the smallest of the
/// length keys, scaled by the RoPE factor except for llama3/longrope/su and Gemma 3.
void parse_max_len(const Reader& r, ModelSpec& m, const std::string& model_type) {
    std::uint64_t best = 0;
    std::string source;
    for (const char* key : {"max_position_embeddings", "n_positions", "max_seq_len", "seq_length", "max_sequence_length",
                            "max_seq_length", "seq_len"}) {
        auto v = r.u64({key}, k_max_positions);
        if (v && *v > 0 && (best == 0 || *v < best)) {
            best = *v;
            source = key;
        }
    }
    if (best == 0) {
        // vLLM reads the transformers config object, so a key the file omits takes the class
        // default (Qwen2Config 32768, MistralConfig 4096*32, LlamaConfig 2048, …).
        best = is_one_of(model_type, {"qwen2", "qwen2_moe", "qwen3", "qwen3_moe"})  ? 32768
               : is_one_of(model_type, {"mistral", "mixtral"})                        ? 131072
               : is_one_of(model_type, {"gemma", "gemma2"})                           ? 8192
               : is_one_of(model_type, {"gemma3", "gemma3_text", "gemma4", "gemma4_text"}) ? 131072
               : model_type == "phi3"                                                 ? 4096
                                                                                      : 2048;
        source = "max_position_embeddings";
    }
    m.rope_max_positions = best;
    check_rope(r);
    const json* rope = r.find({"rope_scaling", "rope_parameters"});
    if (rope != nullptr && rope->is_object() && !contains(model_type, "gemma3")) {
        std::string type;
        for (const char* k : {"rope_type", "type"}) {
            auto it = rope->find(k);
            if (it != rope->end() && it->is_string()) {
                type = it->get<std::string>();
                break;
            }
        }
        if (!type.empty() && !is_one_of(type, {"su", "longrope", "llama3", "default", "mrope"})) {
            const double factor = r.number(*rope, "factor", "rope_scaling").value_or(1.0);
            if (!(factor >= 1.0 && factor <= 1e6)) {
                r.fail("rope_scaling/factor", "expected a number from 1 to 1e6");
            }
            std::uint64_t base = best;
            if (type == "yarn") {
                if (auto orig = r.number(*rope, "original_max_position_embeddings", "rope_scaling")) {
                    if (!(*orig >= 1 && *orig <= 1e10)) {
                        r.fail("rope_scaling/original_max_position_embeddings", "expected a positive integer");
                    }
                    base = static_cast<std::uint64_t>(*orig);
                }
            }
            const double scaled = std::floor(static_cast<double>(base) * factor);
            if (scaled > static_cast<double>(k_max_positions)) {
                r.fail("rope_scaling/factor", "scaled context length exceeds 2^36 tokens");
            }
            best = static_cast<std::uint64_t>(scaled);
            source += " x rope factor";
            m.rope_max_positions = best;
        }
    }
    m.max_model_len = best;
    m.max_len_source = source == "default" ? "max_model_len" : source.substr(0, source.find(' '));
}

std::uint64_t vision_params(const Reader& r) {
    auto it = r.root().find("vision_config");
    if (it == r.root().end() || !it->is_object()) {
        return 0;
    }
    Reader v(*it, *it, r.where(), "/vision_config");
    const std::uint64_t depth = v.u64({"num_hidden_layers", "depth", "num_layers"}, 1000).value_or(0);
    const std::uint64_t hid = v.u64({"hidden_size", "embed_dim", "width"}, k_max_dim).value_or(0);
    std::uint64_t inter = v.u64({"intermediate_size"}, k_max_dim).value_or(4 * hid);
    const std::uint64_t patch = v.u64({"patch_size"}, 1024).value_or(14);
    const std::uint64_t text_hidden = r.u64({"hidden_size"}, k_max_dim).value_or(hid);
    if (depth == 0 || hid == 0) {
        return 0;
    }
    // ViT blocks (qkv + out = 4 h^2, MLP 2 h I, biases and norms), patch embedding, and a projector
    // from the (2x2-merged) vision width into the text width.
    const std::uint64_t block = 4 * hid * hid + 2 * hid * inter + 9 * hid + 2 * inter;
    return depth * block + 3 * patch * patch * hid + 4 * hid * text_hidden + text_hidden * text_hidden;
}

/// The encoder's geometry and vLLM's tokens-per-item rule of its family (addendum 3 §23.1, §23.3).
/// Defaults are the Hugging Face config classes' where a config omits a key.
VisionShape vision_shape(const Reader& r) {
    VisionShape out;
    out.params = vision_params(r);
    auto it = r.root().find("vision_config");
    if (out.params == 0 || it == r.root().end() || !it->is_object()) {
        return out;
    }
    Reader v(*it, *it, r.where(), "/vision_config");
    const auto mt_it = r.root().find("model_type");
    const std::string mt = mt_it != r.root().end() && mt_it->is_string() ? mt_it->get<std::string>() : "";
    const bool qwen3 = contains(mt, "qwen3");
    out.depth = v.u64({"num_hidden_layers", "depth", "num_layers"}, 1000).value_or(0);
    out.hidden = v.u64({"hidden_size", "embed_dim", "width"}, k_max_dim).value_or(0);
    // Qwen2_5_VLVisionConfig intermediate_size 3420; Qwen2-VL mlp_ratio 4 (transformers configs).
    out.intermediate = v.u64({"intermediate_size"}, k_max_dim).value_or(mt == "qwen2_5_vl" ? 3420 : 4 * out.hidden);
    out.patch = v.u64({"patch_size"}, 1024).value_or(qwen3 ? 16 : 14);
    // SiLU towers use a gate/up MLP (Qwen2_5_VisionMLP gate_up_proj + SiluAndMul, models/qwen2_5_vl.py;
    // PixtralHFMLP gate_up_proj, models/pixtral.py @main); GELU towers fc1 → act → fc2 (Qwen3_VisionMLP, SigLIP).
    const auto act = it->find("hidden_act");
    out.gated_mlp = act != it->end() && act->is_string() && act->get<std::string>() == "silu";
    out.image_size = v.u64({"image_size"}, 1u << 20).value_or(0);
    out.merge = v.u64({"spatial_merge_size"}, 64).value_or(r.u64({"spatial_merge_size"}, 64).value_or(mt == "mistral3" || contains(mt, "qwen") ? 2 : 1));
    if (contains(mt, "qwen") && (contains(mt, "vl") || contains(mt, "3_5") || contains(mt, "3_8"))) {
        // Qwen2-VL / 2.5-VL image processor max_pixels 12,845,056; Qwen3-VL (and the Qwen3.5 family
        // that reuses its processor) longest_edge 16,777,216 (models/qwen2_vl.py, qwen3_vl.py @main).
        out.rule = MmTokenRule::qwen_pixels;
        out.max_pixels = qwen3 ? 16'777'216 : 12'845'056;
        out.video = true;
    } else if (mt == "gemma3") {
        out.rule = MmTokenRule::fixed;   // Gemma3ProcessingInfo: mm_tokens_per_image (models/gemma3_mm.py @main)
        out.fixed_tokens = r.u64({"mm_tokens_per_image"}, 1u << 20).value_or(256);
        out.image_size = out.image_size > 0 ? out.image_size : 896;
    } else if (mt == "gemma4") {
        // Gemma4ProcessingInfo.get_mm_max_tokens_per_item (models/gemma4_mm.py:254-281 @main): the
        // largest item is a video of 32 frames x (70 soft tokens + boi + eoi + ~6 timestamps) = 2496
        // tokens; each soft token pools pooling_kernel_size^2 patches → 32 x 70 x 9 = 20,160 patches.
        const std::uint64_t pool = v.u64({"pooling_kernel_size"}, 64).value_or(3);
        out.rule = MmTokenRule::fixed;
        out.fixed_tokens = 32 * (70 + 2 + 6);
        out.fixed_patches = 32 * 70 * pool * pool;
        out.video = true;
    } else if (mt == "mistral3" || mt == "pixtral") {
        out.rule = MmTokenRule::pixtral;
        out.image_size = out.image_size > 0 ? out.image_size : 1540;
    } else if (mt == "mllama") {
        out.rule = MmTokenRule::mllama;  // MllamaVisionConfig: image_size 560, 32 + num_global_layers 8 blocks
        out.image_size = out.image_size > 0 ? out.image_size : 560;
        out.depth += v.u64({"num_global_layers"}, 1000).value_or(8);
    }
    return out;
}

/// Gemma-4's per-layer geometry (vllm/transformers_utils/configs/gemma4.py `gemma4_layer_config`,
/// vllm/model_executor/models/gemma4.py @main): full layers use `global_head_dim` and, with
/// `attention_k_eq_v`, `num_global_key_value_heads`; the last `num_kv_shared_layers` layers reuse
/// the KV of the last earlier layer of their type (gemma4.py:462-489) and, with
/// `use_double_wide_mlp`, have a twice as wide MLP (gemma4.py:589-600); per-layer embeddings
/// (`hidden_size_per_layer_input`, `vocab_size_per_layer_input`).
void parse_gemma4(const Reader& r, ModelSpec& m, std::vector<std::string>& notes) {
    if (m.architecture == "Gemma4ForConditionalGeneration") {
        // Gemma4ProcessingInfo.get_mm_max_tokens_per_item (vllm/model_executor/models/gemma4_mm.py:254-281
        // @main): image 280 soft tokens, video 32 frames x (70 soft tokens + boi + eoi + ~6 timestamp
        // tokens) = 2496, the largest item: the floor of max_num_batched_tokens (arg_utils.py:2811-2827).
        m.mm_prefix_lm_min_batched_tokens = 32 * (70 + 2 + 6);
    }
    const std::uint64_t n = m.layers.size();
    const std::uint64_t global_head = r.u64({"global_head_dim"}, k_max_dim).value_or(0);
    const bool k_eq_v = r.boolean("attention_k_eq_v").value_or(false);
    const std::uint64_t global_kv = k_eq_v ? r.u64({"num_global_key_value_heads"}, k_max_dim).value_or(0) : 0;
    if (global_kv > 0 && m.attention.num_heads % global_kv != 0) {
        r.fail("num_global_key_value_heads", "expected a divisor of num_attention_heads");
    }
    const std::uint64_t shared = r.u64({"num_kv_shared_layers"}, k_max_layers).value_or(0);
    if (shared >= n && shared > 0) {
        r.fail("num_kv_shared_layers", "expected fewer than num_hidden_layers (" + std::to_string(n) + ")");
    }
    const bool double_wide = r.boolean("use_double_wide_mlp").value_or(false);
    const std::uint64_t first_shared = n - shared;
    for (std::uint64_t i = 0; i < n; ++i) {
        LayerSpec& l = m.layers[i];
        if (l.attention == LayerAttention::full) {
            l.head_dim = global_head;
            l.num_kv_heads = global_kv;
        }
        const bool is_shared = shared > 0 && i >= first_shared;
        // Shared only when an earlier non-shared layer of the same type exists to take the KV from.
        bool has_target = false;
        for (std::uint64_t j = 0; j < first_shared && is_shared; ++j) {
            has_target = has_target || m.layers[j].attention == l.attention;
        }
        l.kv_shared = is_shared && has_target;
        if (double_wide && is_shared) {
            l.intermediate_size = checked_mul(2, m.intermediate_size);
        }
    }
    m.ple.hidden = r.u64({"hidden_size_per_layer_input"}, k_max_dim).value_or(0);
    m.ple.vocab = r.u64({"vocab_size_per_layer_input"}, k_max_vocab).value_or(m.vocab_size);
    m.attention.qk_norm = true; // q_norm and k_norm weights; v_norm has none (gemma4.py:433-436)
    m.norms_per_layer = 4;       // input, post-attention, pre- and post-feedforward
    // Two RoPE caches: sliding layers rotate head_dim; the global layers' proportional RoPE keeps a
    // cache of the full global_head_dim (Gemma4RotaryEmbedding passes rotary_dim = head_size,
    // rotary_embedding/gemma4_rope.py @main). One cache of the summed width has the same bytes.
    m.rotary_dim = checked_add(m.attention.head_dim, global_head > 0 ? global_head : m.attention.head_dim);
    m.rope_caches = 1;
    if (r.find({"layer_types"}) == nullptr) {
        notes.push_back("config.json has no layer_types: Gemma-4 layers taken as sliding except every sliding_window_pattern-th (6)");
    }
}

/// parse_hf_config without the translation of overflow and JSON-library errors.
ParsedModel parse_hf_config_unchecked(const json& config, const std::string& where);

} // namespace

ParsedModel parse_hf_config(const json& config, const std::string& where) {
    try {
        return parse_hf_config_unchecked(config, where);
    } catch (const OverflowError& e) {
        throw InputError(where, std::string("sizes too large for 64-bit bytes (") + e.what() + ")");
    } catch (const nlohmann::json::exception& e) {
        // A type the checks above missed: name the file, not the library.
        throw InputError(where, "a value of an unexpected JSON type (" + std::string(e.what()).substr(0, 80) + ")");
    }
}

namespace {

ParsedModel parse_hf_config_unchecked(const json& config, const std::string& where) {
    if (!config.is_object()) {
        throw InputError(where + ": expected a JSON object");
    }
    const json* text = &config;
    for (const char* k : {"text_config", "llm_config", "language_config"}) {
        auto it = config.find(k);
        if (it != config.end() && it->is_object()) {
            text = &*it;
            break;
        }
    }
    const Reader r(config, *text, where);
    ParsedModel out;
    ModelSpec& m = out.spec;
    auto& notes = out.notes;
    auto arch = config.find("architectures");
    if (arch != config.end() && arch->is_array() && !arch->empty() && (*arch)[0].is_string()) {
        m.architecture = (*arch)[0].get<std::string>();
    }
    m.model_type = r.str({"model_type"});
    const std::string& mt = m.model_type;
    const bool gemma3 = contains(mt, "gemma3");
    m.hidden_size = r.need_u64({"hidden_size", "n_embd", "d_model"}, k_max_dim);
    const std::uint64_t layers = r.need_u64({"num_hidden_layers", "n_layer", "num_layers"}, k_max_layers);
    m.vocab_size = r.u64({"vocab_size"}, k_max_vocab).value_or(gemma3 ? 262208 : 0); // Gemma3TextConfig default
    if (m.vocab_size == 0) {
        r.fail("vocab_size", "expected a positive integer (required)");
    }
    AttentionShape& a = m.attention;
    a.num_heads = r.need_u64({"num_attention_heads", "n_head", "num_heads"}, k_max_dim);
    a.num_kv_heads = r.u64({"num_key_value_heads", "num_kv_heads", "n_head_kv", "multi_query_group_num"}, k_max_dim).value_or(a.num_heads);
    if (a.num_kv_heads == 0) {
        r.fail("num_key_value_heads", "expected a positive integer");
    }
    if (a.num_kv_heads > a.num_heads) {
        r.fail("num_key_value_heads", "expected at most num_attention_heads (" + std::to_string(a.num_heads) + ")");
    }
    if (a.num_heads % a.num_kv_heads != 0) {   // grouped-query attention shares each KV head among a whole group
        r.fail("num_key_value_heads", "expected a divisor of num_attention_heads (" + std::to_string(a.num_heads) + "), got " +
                                          std::to_string(a.num_kv_heads));
    }
    // head_dim 0 (or null) is "not given": vLLM takes hidden_size / num_attention_heads
    // (ModelArchConfigConvertor.get_head_size, transformers_utils/model_arch_config_convertor.py:99-103
    // @main; the model classes read `head_dim or hidden_size // num_heads`). A negative one is the
    // head size of the model classes (`-1 or ...` is -1), where the attention layers fail.
    if (const json* hd = r.find({"head_dim"}); hd != nullptr && hd->is_number() && hd->get<double>() < 0) {
        r.fail("head_dim", "expected a positive integer, got " + shown(*hd) + " (vLLM's attention layers take it as the head size and fail)");
    }
    if (auto hd = r.u64({"head_dim"}, k_max_dim); hd && *hd > 0) {
        a.head_dim = *hd;
    } else if (gemma3) {
        a.head_dim = 256; // Gemma3TextConfig default
    } else {
        a.head_dim = m.hidden_size / a.num_heads;
        if (a.head_dim == 0) {
            r.fail("num_attention_heads", "expected at most hidden_size");
        }
    }
    a.head_dim_v = a.head_dim;
    m.torch_dtype = r.str({"torch_dtype", "dtype"});
    m.tie_word_embeddings = r.boolean("tie_word_embeddings").value_or(default_tie(mt));

    // MLA (DeepSeek V2/V3, Kimi).
    if (auto lora = r.u64({"kv_lora_rank"}, k_max_dim); lora && *lora > 0) {
        a.kv_lora_rank = *lora;
        a.q_lora_rank = r.u64({"q_lora_rank"}, k_max_dim).value_or(0);
        a.qk_rope_head_dim = r.need_u64({"qk_rope_head_dim"}, k_max_dim);
        a.qk_nope_head_dim = r.need_u64({"qk_nope_head_dim"}, k_max_dim);
        a.v_head_dim = r.need_u64({"v_head_dim"}, k_max_dim);
    }

    // Families: MLP shape, biases, norms, position embeddings.
    const bool plain_mlp = is_one_of(mt, {"gpt2", "opt", "phi", "gpt_neox", "gpt_bigcode", "starcoder2", "falcon", "bloom", "gptj"});
    m.mlp_kind = plain_mlp ? MlpKind::plain : MlpKind::gated;
    m.intermediate_size = r.u64({"intermediate_size", "n_inner", "ffn_dim"}, k_max_dim * 16).value_or(plain_mlp ? 4 * m.hidden_size : 0);
    m.mlp_bias = r.boolean("mlp_bias").value_or(plain_mlp || mt == "gpt_oss");
    const bool attention_bias = r.boolean("attention_bias").value_or(false);
    if (is_one_of(mt, {"qwen2", "qwen2_moe", "qwen2_vl", "qwen2_5_vl"})) {
        a.qkv_bias = true; // Qwen2Attention: bias on q/k/v, none on o_proj
    }
    if (attention_bias || plain_mlp) {
        a.qkv_bias = true;
        a.o_bias = true;
    }
    a.qk_norm = is_one_of(mt, {"qwen3", "qwen3_moe", "gemma3", "gemma3_text", "qwen3_5_text", "qwen3_5", "olmo2"});
    a.sinks = mt == "gpt_oss";
    if (is_one_of(mt, {"gemma2", "gemma3", "gemma3_text"})) {
        m.norms_per_layer = 4;
    } else if (mt == "phi") {
        m.norms_per_layer = 1; // parallel attention and MLP share input_layernorm
    }
    if (is_one_of(mt, {"gpt2", "opt", "phi", "gpt_neox", "gpt_bigcode", "falcon", "bloom", "gptj"})) {
        m.norm = NormKind::layer;
    }
    m.lm_head_bias = mt == "phi";
    if (mt == "gpt2") {
        m.learned_positions = r.u64({"n_positions"}, k_max_positions).value_or(1024);
    } else if (mt == "opt") {
        m.learned_positions = r.u64({"max_position_embeddings"}, k_max_positions).value_or(2048) + 2; // OPT offset 2
    }

    parse_max_len(r, m, mt);
    if (m.learned_positions == 0) {
        double partial = 1.0;
        const json* rope = r.find({"rope_parameters"});
        if (rope != nullptr && rope->is_object()) {
            partial = r.number(*rope, "partial_rotary_factor", "rope_parameters").value_or(1.0);
        }
        if (const json* p = r.find({"partial_rotary_factor"}); p != nullptr && p->is_number()) {
            partial = p->get<double>();
        }
        if (!(partial > 0.0 && partial <= 1.0)) {
            r.fail("partial_rotary_factor", "expected a number in (0, 1]");
        }
        const std::uint64_t rope_head = m.is_mla() ? a.qk_rope_head_dim : a.head_dim;
        m.rotary_dim = static_cast<std::uint64_t>(static_cast<double>(rope_head) * partial);
        m.rope_caches = gemma3 ? 2 : 1; // Gemma 3: local (base 10k) and global RoPE
    }

    // Mixture of experts.
    MoeShape& e = m.moe;
    e.num_experts = r.u64({"num_local_experts", "num_experts", "n_routed_experts", "moe_num_experts"}, k_max_experts).value_or(0);
    std::uint64_t dense_inter = m.intermediate_size;
    std::set<std::uint64_t> dense_layers;
    std::uint64_t first_dense = 0;
    std::uint64_t moe_every = 1;
    if (e.num_experts > 0) {
        e.top_k = r.u64({"num_experts_per_tok", "experts_per_token", "moe_topk"}, k_max_experts).value_or(2);
        e.expert_intermediate = r.u64({"moe_intermediate_size"}, k_max_dim * 16).value_or(m.intermediate_size);
        if (auto shared = r.u64({"shared_expert_intermediate_size"}, k_max_dim * 16); shared && *shared > 0) {
            e.shared_intermediate = *shared;
            e.shared_gate = is_one_of(mt, {"qwen2_moe"});
        } else if (auto n_shared = r.u64({"n_shared_experts"}, 1024); n_shared && *n_shared > 0) {
            e.shared_intermediate = *n_shared * e.expert_intermediate;
        }
        e.router_bias = mt == "gpt_oss" || r.str({"topk_method"}) == "noaux_tc";
        first_dense = r.u64({"first_k_dense_replace"}, k_max_layers).value_or(0);
        moe_every = std::max<std::uint64_t>(1, r.u64({"moe_layer_freq", "decoder_sparse_step", "interleave_moe_layer_step"}, k_max_layers).value_or(1));
        if (mt == "llama4" || mt == "llama4_text") {
            dense_inter = r.u64({"intermediate_size_mlp"}, k_max_dim * 16).value_or(m.intermediate_size);
            e.shared_intermediate = e.expert_intermediate; // Llama-4 has one shared expert per MoE layer
        }
        if (const json* only = r.find({"mlp_only_layers"}); only != nullptr) {
            if (!only->is_array()) {
                r.fail("mlp_only_layers", "expected an array of layer indices");
            }
            for (const json& i : *only) {
                if (!i.is_number_unsigned() || i.get<std::uint64_t>() >= layers) {
                    r.fail("mlp_only_layers", "expected layer indices below num_hidden_layers");
                }
                dense_layers.insert(i.get<std::uint64_t>());
            }
        }
    }
    m.intermediate_size = dense_inter;

    // Per-layer attention kind.
    std::vector<std::string> layer_types;
    if (const json* lt = r.find({"layer_types"}); lt != nullptr) {
        if (!lt->is_array() || lt->size() != layers) {
            r.fail("layer_types", "expected an array with num_hidden_layers (" + std::to_string(layers) + ") entries");
        }
        for (const json& t : *lt) {
            if (!t.is_string()) {
                r.fail("layer_types", "expected strings");
            }
            layer_types.push_back(t.get<std::string>());
        }
    }
    const std::optional<bool> use_sw = r.boolean("use_sliding_window");
    std::uint64_t window = r.u64({"sliding_window"}, k_max_positions).value_or(0);
    if (gemma3 && window == 0) {
        window = 4096; // Gemma3TextConfig default
    }
    const std::uint64_t pattern = r.u64({"sliding_window_pattern"}, k_max_layers).value_or(6);
    const std::uint64_t max_window_layers = r.u64({"max_window_layers"}, k_max_layers).value_or(0);
    bool chunked = r.find({"attention_chunk_size"}) != nullptr;
    m.layers.resize(layers);
    for (std::uint64_t i = 0; i < layers; ++i) {
        LayerSpec& l = m.layers[i];
        if (m.is_mla()) {
            l.attention = LayerAttention::mla;
        } else if (!layer_types.empty()) {
            const std::string& t = layer_types[i];
            if (t == "sliding_attention") {
                l.attention = window > 0 ? LayerAttention::sliding : LayerAttention::full;
            } else if (t == "linear_attention" || t == "mamba") {
                l.attention = LayerAttention::linear;
            } else if (t == "chunked_attention") {
                chunked = true;
            } else if (t != "full_attention" && t != "attention") {
                r.fail("layer_types", "unknown layer type '" + t + "'");
            }
        } else if (window > 0 && use_sw != false) {
            if (mt == "gemma2") {
                l.attention = i % 2 == 0 ? LayerAttention::sliding : LayerAttention::full; // even layers are local
            } else if (gemma3 || contains(mt, "gemma4")) {
                l.attention = (i + 1) % pattern != 0 ? LayerAttention::sliding : LayerAttention::full;
            } else if (use_sw == true) {
                l.attention = i >= max_window_layers ? LayerAttention::sliding : LayerAttention::full; // Qwen2
            } else if (window < m.max_model_len || !is_one_of(mt, {"phi3"})) {
                l.attention = LayerAttention::sliding; // Mistral-7B-v0.1 style: every layer
            }
        }
        if (l.attention == LayerAttention::sliding) {
            l.window = window;
        }
        l.moe = e.num_experts > 0 && i >= first_dense && dense_layers.count(i) == 0 &&
                (mt == "llama4" || mt == "llama4_text" ? (i + 1) % moe_every == 0
                 : is_one_of(mt, {"qwen2_moe", "qwen3_moe"}) ? (i + 1) % moe_every == 0
                                                             : i % moe_every == 0);
    }
    if (chunked) {
        notes.push_back("chunked local attention is planned as full attention: vLLM disables the hybrid KV-cache manager for it");
    }
    // Recurrent (Mamba / gated delta-net / KDA) layers of hybrid models, family by family.
    parse_hybrid_layers(config, *text, where, m, notes);
    if (contains(mt, "gemma4")) {
        parse_gemma4(r, m, notes);
    }
    m.vision = vision_shape(r);
    if (m.vision.params > 0 && m.vision.rule == MmTokenRule::none) {
        out.warnings.push_back("multimodal: vramplan has no tokens-per-item rule for " + m.architecture +
                               "'s encoder: the profile run's dummy items are planned as " +
                               (m.vision.image_size > 0 ? "one token per patch of one " + std::to_string(m.vision.image_size) + "-pixel tile"
                                                        : std::string("4096 tokens of 4096 patches each")) +
                               " (addendum 3 §23.1), with the encoder term as its error bar");
    }
    parse_quantization(r, m, notes);
    const std::vector<std::string>& known = known_model_types();
    if (!mt.empty() && !std::binary_search(known.begin(), known.end(), mt)) {
        out.warnings.push_back("architecture " + (m.architecture.empty() ? std::string("?") : m.architecture) + " (model_type '" + mt +
                               "') is not one vramplan knows: planned as a Llama-shaped decoder of config.json's sizes (gated MLP, "
                               "RMSNorm, rotary positions, every layer full attention with num_key_value_heads x head_dim KV), "
                               "which may be wrong for it");
    }
    return out;
}

} // namespace

const std::vector<std::string>& known_model_types() {
    // The families this parser names (hf_config.cpp, hf_config_hybrid.cpp) and the Llama-shaped
    // decoders the catalog plans (profiles/models), each read by the shapes above.
    static const std::vector<std::string> types = [] {
        std::vector<std::string> t{"bamba", "bloom", "deepseek_v2", "deepseek_v3", "falcon", "falcon_h1", "gemma", "gemma2", "gemma3",
                                   "gemma3_text", "gemma4", "gemma4_text", "gpt2", "gpt_bigcode", "gpt_neox", "gpt_oss", "gptj",
                                   "granitemoehybrid", "jamba", "kimi_linear", "kimi_vl", "llama", "llama4", "llama4_text", "mistral",
                                   "mistral3", "mixtral", "mllama", "nemotron_h", "olmo2", "opt", "phi", "phi3", "pixtral", "qwen2",
                                   "qwen2_5_vl", "qwen2_moe", "qwen2_vl", "qwen3", "qwen3_5", "qwen3_5_text", "qwen3_moe", "starcoder2"};
        std::sort(t.begin(), t.end());
        return t;
    }();
    return types;
}

void apply_quantization_flag(ParsedModel& model, const std::string& flag) {
    QuantSpec& q = model.spec.quant;
    if (flag.empty()) {
        return;
    }
    if (q.method != QuantMethod::none) {
        const std::string base = flag.substr(0, flag.find("_marlin"));
        const bool same = flag == q.name || base == q.name || (flag == "compressed-tensors" && q.name == "compressed-tensors") ||
                          (q.name == "compressed-tensors" && (flag == "fp8" || flag == "gptq_marlin" || flag == "awq_marlin")) ||
                          (q.name.rfind("modelopt", 0) == 0 && flag.rfind("modelopt", 0) == 0) ||
                          flag == "marlin";
        if (!same) {
            throw InputError("--quantization " + flag + ": the checkpoint is quantized with '" + q.name + "'");
        }
        return;
    }
    if (flag == "fp8" || flag == "fbgemm_fp8") {
        q.method = QuantMethod::fp8; // online dynamic fp8: per-tensor scales
        q.bits = 8;
        q.group_size = 1;
        q.name = flag;
        model.notes.push_back("--quantization " + flag + " quantizes the bf16 checkpoint to fp8 while loading");
    } else if (flag == "bitsandbytes") {
        q.method = QuantMethod::bitsandbytes;
        q.bits = 4;
        q.name = flag;
    } else {
        static const std::vector<std::string> known{"fp8", "fbgemm_fp8", "bitsandbytes", "gptq", "gptq_marlin", "awq", "awq_marlin",
                                                    "compressed-tensors", "modelopt", "modelopt_fp4", "mxfp4", "marlin"};
        if (std::find(known.begin(), known.end(), flag) == known.end()) {
            throw InputError("--quantization: " + unknown_name_message("method", flag, known));
        }
        throw InputError("--quantization " + flag + ": needs a checkpoint quantized with it (its config.json has no quantization_config)");
    }
}

} // namespace vramplan

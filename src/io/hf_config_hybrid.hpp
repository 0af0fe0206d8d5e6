#pragma once
// Hybrid (Mamba / linear-attention) families of config.json: which layers are recurrent and the
// shape of their state. Internal to the config parser (hf_config.cpp).

#include <vramplan/model.hpp>

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace vramplan {

/// Marks the recurrent layers of a hybrid model in `m.layers` (already sized to
/// num_hidden_layers, attention kinds set from `layer_types` where the config has them) and fills
/// `m.linear_attention`, from the keys each family's vLLM model reads in
/// get_mamba_state_shape_from_config: gated delta-net (qwen3_next, qwen3_5*), Mamba2
/// (granitemoehybrid, nemotron_h, falcon_h1, bamba), Mamba1 (jamba), KDA (kimi_linear).
/// `text` is the text config (or the root). Throws InputError naming the key on missing or
/// inconsistent values. A model without recurrent layers is left unchanged.
/// The JSON pointer of a key a config reader looked up in `text` then `root` ("head_dim",
/// "rope_scaling/factor"): "/text_config/head_dim" when `text` is the root's text_config (or
/// llm_config, language_config) and has the key's first segment, else "/head_dim". `prefix` is put
/// before it ("/vision_config"). Errors name this path so a nested value is found where it is.
std::string config_pointer(const nlohmann::json& root, const nlohmann::json& text, const std::string& key, const std::string& prefix = "");

void parse_hybrid_layers(const nlohmann::json& root, const nlohmann::json& text, const std::string& where, ModelSpec& m,
                         std::vector<std::string>& notes);

} // namespace vramplan

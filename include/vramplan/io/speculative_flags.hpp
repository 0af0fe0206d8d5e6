#pragma once
/// `--speculative-config` as written → SpeculativeConfig (addendum 3 §21): the JSON of the flag,
/// the Python dict of a log's `non-default args`, or the `SpeculativeConfig(method=..., model=...,
/// num_spec_tokens=...)` repr of a log's engine-config line.

#include <vramplan/io/catalog.hpp>
#include <vramplan/speculative.hpp>

#include <string>

namespace vramplan {

/// Parses the flag's value ("" or "None": no speculation). The method is inferred from the model
/// name as vLLM does when it is not given (vllm/config/speculative.py:934-975 @main). Throws
/// InputError naming the flag on bad JSON, an unknown method or a bad value. The draft is not
/// resolved here.
SpeculativeConfig parse_speculative_config(const std::string& text);

/// `--spec-method`, `--spec-model`, `--spec-tokens` as written (empty: not given).
struct SpeculativeShorthands {
    std::string method;
    std::string model;
    std::string tokens;
};

/// The speculative config with the shorthands folded in, as vLLM folds them (vLLM 0.22+, #42476):
/// `config` unchanged when none is given, else a JSON object. Throws InputError naming the
/// shorthand when `config` already has its key (vLLM's "mutually exclusive" error).
std::string merge_speculative_shorthands(const std::string& config, const SpeculativeShorthands& s);

/// Resolves a draft_model's `model` like `--model` (catalog, Hugging Face cache, path, Hub) into
/// `s.draft`; other methods are sized from the target (addendum 3 §21.2). Throws InputError naming
/// the speculative config's model.
void resolve_speculative_draft(const Catalog& catalog, SpeculativeConfig& s);

} // namespace vramplan

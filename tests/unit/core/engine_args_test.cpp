// The table of vLLM's engine arguments (include/vramplan/engine_args.hpp): every spelling finds
// its row, no spelling names two rows, every planner field has exactly one modelled row, and the
// rows the parsers rely on have the right type.
#include <vramplan/engine_args.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

using namespace vramplan;

namespace {

/// `prefix` then `name` (appended, not operator+: GCC 12 reports a false -Wstringop-overflow there).
std::string spelled(std::string_view prefix, std::string_view name) {
    std::string out(prefix);
    out.append(name);
    return out;
}

std::string found(std::string_view written) {
    const EngineArg* a = find_engine_arg(written);
    return a == nullptr ? "(none)" : std::string(a->name);
}

} // namespace

TEST_CASE("engine args: every spelling of a row finds it", "[engine_args]") {
    for (const char* written : {"--max-num-batched-tokens", "--max_num_batched_tokens", "max-num-batched-tokens",
                                "max_num_batched_tokens", "-max-num-batched-tokens"}) {
        INFO(written);
        CHECK(found(written) == "max-num-batched-tokens");
    }
    CHECK(found("-tp") == "tensor-parallel-size");
    CHECK(found("tp") == "tensor-parallel-size");
    CHECK(found("--tp") == "tensor-parallel-size");
    CHECK(found("-pp") == "pipeline-parallel-size");
    CHECK(found("-q") == "quantization");
    CHECK(found("-dp") == "data-parallel-size");
    CHECK(found("-dcp") == "decode-context-parallel-size");
    CHECK(found("-O") == "compilation-config");
    CHECK(found("--kv-cache-memory") == "kv-cache-memory-bytes"); // the alias
    CHECK(found("--kv_cache_memory_bytes") == "kv-cache-memory-bytes");
    CHECK(found("--model") == "model");

    // Every row, written every way: canonical, with dashes, as Python writes it, by short form.
    for (const EngineArg& a : engine_args()) {
        const std::string name(a.name);
        INFO(name);
        CHECK(find_engine_arg(name) == &a);
        CHECK(find_engine_arg(spelled("--", name)) == &a);
        CHECK(find_engine_arg(engine_arg_dest(a)) == &a);
        CHECK(find_engine_arg(spelled("--", engine_arg_dest(a))) == &a);
        if (!a.short_form.empty()) {
            CHECK(find_engine_arg(spelled("-", a.short_form)) == &a);
            CHECK(find_engine_arg(a.short_form) == &a);
        }
        if (!a.short_alias.empty()) {
            CHECK(find_engine_arg(spelled("-", a.short_alias)) == &a);
            CHECK(find_engine_arg(a.short_alias) == &a);
        }
        if (!a.alias.empty()) {
            CHECK(find_engine_arg(spelled("--", a.alias)) == &a);
        }
    }
}

TEST_CASE("engine args: unknown names, negated switches", "[engine_args]") {
    CHECK(find_engine_arg("--max-num-batched") == nullptr); // argparse abbreviations are not guessed
    CHECK(find_engine_arg("") == nullptr);
    CHECK(find_engine_arg("--") == nullptr);
    CHECK(find_engine_arg("--no-enforce-eager") == nullptr);
    CHECK(find_engine_arg("compilation-config.level") == nullptr);

    const EngineArg* eager = find_negated_switch("--no-enforce-eager");
    REQUIRE(eager != nullptr);
    CHECK(eager->name == "enforce-eager");
    CHECK(find_negated_switch("no_enforce_eager") == eager);
    CHECK(find_negated_switch("--enforce-eager") == nullptr);
    CHECK(find_negated_switch("--no-max-model-len") == nullptr); // not a switch
    CHECK(find_negated_switch("--no-") == nullptr);
    CHECK(find_negated_switch("--no-tp") == nullptr);
}

TEST_CASE("engine args: the one normaliser", "[engine_args]") {
    CHECK(normalize_engine_arg_name("--max_num_batched_tokens") == "max-num-batched-tokens");
    CHECK(normalize_engine_arg_name("-tp") == "tensor-parallel-size");
    // A short form is a short form with one dash only (argparse): `--tp` is another name.
    CHECK(normalize_engine_arg_name("tp") == "tp");
    CHECK(normalize_engine_arg_name("--tp") == "tp");
    CHECK(normalize_engine_arg_name("--no-enable-prefix-caching") == "no-enable-prefix-caching");
    CHECK(normalize_engine_arg_name("--no_enable_prefix_caching") == "no-enable-prefix-caching");
    // Only the part before a first '.' is rewritten: JSON sub-keys stay as written.
    CHECK(normalize_engine_arg_name("--compilation_config.cudagraph_capture_sizes") ==
          "compilation-config.cudagraph_capture_sizes");
    CHECK(normalize_engine_arg_name("-O.level") == "compilation-config.level");
    CHECK(normalize_engine_arg_name("--unknown_flag") == "unknown-flag");
    CHECK(normalize_engine_arg_name("---") == "");
    // Idempotent on every row.
    for (const EngineArg& a : engine_args()) {
        CHECK(normalize_engine_arg_name(a.name) == a.name);
    }
}

TEST_CASE("engine args: no spelling names two rows", "[engine_args]") {
    std::set<std::string> spellings;
    std::size_t count = 0;
    for (const EngineArg& a : engine_args()) {
        for (const std::string_view s : {a.name, a.short_form, a.alias, a.short_alias}) {
            if (!s.empty()) {
                INFO(s);
                CHECK(spellings.insert(std::string(s)).second);
                ++count;
            }
        }
    }
    CHECK(spellings.size() == count);
}

TEST_CASE("engine args: every planner field has exactly one modelled row", "[engine_args]") {
    for (std::size_t f = 0; f < k_plan_field_count; ++f) {
        const auto field = static_cast<PlanField>(f);
        std::size_t rows = 0;
        for (const EngineArg& a : engine_args()) {
            rows += a.field == field ? 1 : 0;
        }
        INFO("field " << f);
        CHECK(rows == 1);
        const EngineArg& row = engine_arg_for(field);
        CHECK(row.field == field);
        CHECK(row.treatment == ArgTreatment::modelled);
    }
    // The dest names are the PlanRequest field names.
    CHECK(engine_arg_dest(engine_arg_for(PlanField::max_num_batched_tokens)) == "max_num_batched_tokens");
    CHECK(engine_arg_dest(engine_arg_for(PlanField::kv_cache_memory_bytes)) == "kv_cache_memory_bytes");
    CHECK(engine_arg_dest(engine_arg_for(PlanField::model)) == "model");
    for (const EngineArg& a : engine_args()) {
        INFO(a.name);
        CHECK((a.treatment == ArgTreatment::modelled) == a.field.has_value());
        if (a.treatment != ArgTreatment::modelled) {
            CHECK_FALSE(a.note.empty()); // a report can say why it is ignored
        }
    }
}

TEST_CASE("engine args: types the parsers rely on", "[engine_args]") {
    const auto type = [](std::string_view name) {
        const EngineArg* a = find_engine_arg(name);
        REQUIRE(a != nullptr);
        return a->type;
    };
    for (const char* name : {"enforce-eager", "trust-remote-code", "enable-prefix-caching", "enable-chunked-prefill",
                             "disable-log-requests", "enable-lora", "enable-expert-parallel", "enable-sleep-mode",
                             "disable-custom-all-reduce", "headless", "async-scheduling"}) {
        INFO(name);
        CHECK(type(name) == ArgType::boolean);
        CHECK(find_engine_arg(name)->is_switch());
    }
    for (const char* name : {"cuda-graph-sizes", "served-model-name", "lora-modules", "prompt-adapters"}) {
        INFO(name);
        CHECK(type(name) == ArgType::multi_value);
    }
    for (const char* name : {"speculative-config", "compilation-config", "hf-overrides", "kv-transfer-config", "limit-mm-per-prompt"}) {
        INFO(name);
        CHECK(type(name) == ArgType::json_value);
    }
    CHECK(type("gpu-memory-utilization") == ArgType::fraction);
    CHECK(type("max-model-len") == ArgType::count);
    CHECK(type("tensor-parallel-size") == ArgType::count);
    CHECK(type("kv-cache-memory-bytes") == ArgType::size);
    CHECK(type("model") == ArgType::text);
    CHECK(type("kv-cache-dtype") == ArgType::choice);
    // The treatments the brief of issue 12 names (LoRA modelled since issue 15, addendum 3 §20).
    for (const char* name : {"enable-lora", "max-loras", "max-lora-rank", "lora-dtype", "fully-sharded-loras"}) {
        INFO(name);
        CHECK(find_engine_arg(name)->treatment == ArgTreatment::modelled);
    }
    // Speculative decoding modelled since issue 15 item 2 (addendum 3 §21).
    CHECK(find_engine_arg("speculative-config")->treatment == ArgTreatment::modelled);
    for (const char* name : {"num-gpu-blocks-override", "kv-transfer-config", "hf-overrides", "load-format"}) {
        INFO(name);
        CHECK(find_engine_arg(name)->treatment == ArgTreatment::not_modelled);
    }
    // Issue 15 item 4: the multimodal flags are modelled (addendum 3 §23).
    for (const char* name : {"limit-mm-per-prompt", "mm-processor-kwargs", "mm-encoder-tp-mode", "skip-mm-profiling", "language-model-only"}) {
        INFO(name);
        CHECK(find_engine_arg(name)->treatment == ArgTreatment::modelled);
    }
    // Issue 15 item 3: data / expert parallel are modelled (addendum 3 §22); placement is not memory.
    for (const char* name : {"data-parallel-size", "enable-expert-parallel", "enable-eplb", "eplb-config", "num-redundant-experts",
                             "all2all-backend", "decode-context-parallel-size"}) {
        INFO(name);
        CHECK(find_engine_arg(name)->treatment == ArgTreatment::modelled);
    }
    for (const char* name : {"data-parallel-size-local", "data-parallel-start-rank", "data-parallel-address"}) {
        INFO(name);
        CHECK(find_engine_arg(name)->treatment == ArgTreatment::no_memory_effect);
    }
    // Issue 15 item 6: the graph settings are modelled (addendum 3 §25).
    for (const char* name : {"compilation-config", "cuda-graph-sizes", "optimization-level"}) {
        INFO(name);
        CHECK(find_engine_arg(name)->treatment == ArgTreatment::modelled);
    }
    // Issue 15 item 5: the memory savers are modelled (addendum 3 §24).
    for (const char* name : {"cpu-offload-gb", "offload-group-size", "offload-num-in-group", "offload-prefetch-step", "kv-offloading-size",
                             "kv-offloading-backend", "swap-space", "enable-sleep-mode"}) {
        INFO(name);
        CHECK(find_engine_arg(name)->treatment == ArgTreatment::modelled);
    }
    for (const char* name : {"host", "port", "api-key", "served-model-name", "tool-call-parser", "max-cpu-loras", "lora-modules"}) {
        INFO(name);
        CHECK(find_engine_arg(name)->treatment == ArgTreatment::no_memory_effect);
    }
    CHECK(arg_type_name(ArgType::boolean) == "switch");
    CHECK(arg_treatment_name(ArgTreatment::no_memory_effect) == "no_memory_effect");
}

TEST_CASE("engine args: the table's order", "[engine_args]") {
    // Modelled rows first, in PlanField order; then not_modelled, then no_memory_effect, each
    // alphabetical (a reader finds a row, a diff shows where a new one went).
    const auto rows = engine_args();
    std::size_t i = 0;
    for (; i < k_plan_field_count; ++i) {
        REQUIRE(rows[i].field);
        CHECK(static_cast<std::size_t>(*rows[i].field) == i);
    }
    for (const ArgTreatment t : {ArgTreatment::not_modelled, ArgTreatment::no_memory_effect}) {
        const std::size_t start = i;
        while (i < rows.size() && rows[i].treatment == t) {
            ++i;
        }
        INFO(arg_treatment_name(t));
        CHECK(i > start);
        CHECK(std::is_sorted(rows.begin() + static_cast<std::ptrdiff_t>(start), rows.begin() + static_cast<std::ptrdiff_t>(i),
                             [](const EngineArg& a, const EngineArg& b) { return a.name < b.name; }));
    }
    CHECK(i == rows.size());
}

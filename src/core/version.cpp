#include <vramplan/version.hpp>

#include <charconv>

namespace vramplan {

std::string VllmVersion::str() const {
    return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

namespace {
bool parse_int(const char*& p, const char* end, int& out) {
    const auto [next, ec] = std::from_chars(p, end, out);
    if (ec != std::errc{} || next == p || out < 0 || out > 9999) {
        return false;
    }
    p = next;
    return true;
}
} // namespace

std::optional<VllmVersion> parse_vllm_version(const std::string& text) {
    if (text.empty() || text.size() > 64) {
        return std::nullopt;
    }
    const char* p = text.data();
    const char* end = p + text.size();
    if (*p == 'v' || *p == 'V') {
        ++p;
    }
    VllmVersion v;
    if (!parse_int(p, end, v.major) || p == end || *p != '.') {
        return std::nullopt;
    }
    ++p;
    if (!parse_int(p, end, v.minor)) {
        return std::nullopt;
    }
    if (p != end && *p == '.' && p + 1 != end && p[1] >= '0' && p[1] <= '9') {
        ++p;
        if (!parse_int(p, end, v.patch)) {
            return std::nullopt;
        }
    }
    // Accept the tails pip and vLLM print: "0.10.1.1", "0.11.0rc1", "0.9.2+cu128", "0.8.5.post1".
    if (p != end && *p != '.' && *p != '+' && *p != 'r' && *p != '-' && *p != 'p' && *p != 'd') {
        return std::nullopt;
    }
    return v;
}

std::string engine_name(Engine e) { return e == Engine::v0 ? "V0" : "V1"; }

Engine default_engine(VllmVersion v) { return v >= k_v1_default ? Engine::v1 : Engine::v0; }

bool v1_falls_back_to_v0(VllmVersion v, int compute_major) {
    return v >= k_v1_default && v < k_v1_pre_ampere && compute_major > 0 && compute_major < 8;
}

Engine default_engine(VllmVersion v, int compute_major) {
    return v1_falls_back_to_v0(v, compute_major) ? Engine::v0 : default_engine(v);
}

std::string engine_unavailable(VllmVersion v, Engine engine) {
    if (engine == Engine::v1 && v < k_v1_first) {
        return "vLLM " + v.str() + " has no V1 engine (opt-in from " + k_v1_first.str() + ", default from " + k_v1_default.str() + ")";
    }
    if (engine == Engine::v0 && v >= k_v0_removed) {
        return "vLLM " + v.str() + " has no V0 engine (removed in " + k_v0_removed.str() + ", #25321)";
    }
    return {};
}

namespace {

/// The V1 engine's rules (spec §2.3) over the defaults `rules_for` set.
void apply_v1_rules(EraRules& r, VllmVersion v) {
    // Global until #18974 (v0.9.1), per instance with a free-memory check after.
    r.budget_rule = v >= VllmVersion{0, 9, 1} ? BudgetRule::per_instance : BudgetRule::global;
    r.free_memory_check = v >= VllmVersion{0, 9, 1};
    if (v < VllmVersion{0, 9, 1}) {
        r.token_rule = TokenRule::v0_blocks;   // concurrency = blocks * block_size / L (spec §1.4)
    }
    if (v >= VllmVersion{0, 9, 0}) {
        r.batch_defaults = BatchDefaults::v1_by_size_no_a100;       // #17885 (2025-05-11)
    } else if (v >= VllmVersion{0, 8, 5}) {
        r.batch_defaults = BatchDefaults::v1_by_size;               // #17073 (2025-04-23)
    } else if (v >= VllmVersion{0, 8, 4}) {
        r.batch_defaults = BatchDefaults::v1_by_name_seqs;          // #16158 (2025-04-08)
    } else {
        r.batch_defaults = BatchDefaults::v1_by_name;               // #13726 (2025-03-15)
    }
}

/// The V0 engine's rules (spec §4, `vllm/worker/worker.py determine_num_available_blocks`) over
/// the defaults `rules_for` set.
void apply_v0_rules(EraRules& r, VllmVersion v) {
    r.free_memory_check = false;
    r.cuda_graph_in_budget = false;
    r.default_utilization = 0.9;
    r.token_rule = TokenRule::v0_blocks;
    r.batch_defaults = BatchDefaults::v0;
    r.capture_schedule = CaptureSchedule::v0_to_seqs;
    r.hybrid_group_ratio = 0.0;
    r.full_and_piecewise = false;
    if (v <= VllmVersion{0, 2, 4}) {
        r.budget_rule = BudgetRule::torch_peak;
    } else if (v <= VllmVersion{0, 3, 0}) {
        r.budget_rule = BudgetRule::device_peak;                        // #2031 (2023-12-12)
    } else if (v <= VllmVersion{0, 6, 3}) {
        r.budget_rule = BudgetRule::init_free_peak;                     // #2863 (2024-02-13)
    } else if (v <= VllmVersion{0, 6, 4}) {
        r.budget_rule = BudgetRule::global;                             // #9352 + #9516 (2024-10)
    } else {
        r.budget_rule = BudgetRule::per_instance;                       // #10511 (2024-12-16)
    }
    if (v >= VllmVersion{0, 6, 5}) {
        r.v0_chunked_prefill_tokens = 2048;                             // #10544
    } else if (v >= VllmVersion{0, 4, 2}) {
        r.v0_chunked_prefill_tokens = 512;
    }
    r.v0_chunked_prefill_auto = v >= VllmVersion{0, 5, 3};              // #6666
}

/// vLLM 0.22–0.32 (addendum 2, "What changed by release"; release ↔ source pins in §12).
void apply_0_22_rules(EraRules& r, VllmVersion v) {
    if (v >= VllmVersion{0, 25, 0}) {
        r.mrv2_default = Mrv2Default::dense;                  // #44443, vllm/config/vllm.py:557-575 @C25
    } else if (v >= VllmVersion{0, 24, 0}) {
        r.mrv2_default = Mrv2Default::listed;                 // vllm/config/vllm.py:68-77 @C24
    } else if (v >= VllmVersion{0, 23, 0}) {
        r.mrv2_default = Mrv2Default::qwen3_llama_mistral;    // #43458, vllm.py:69-75,558 @C23
    } else if (v >= VllmVersion{0, 22, 0}) {
        r.mrv2_default = Mrv2Default::qwen3;                  // #39337 (2026-05-14), vllm.py:69,532 @C22
    }
    r.error_texts_0_22 = v >= VllmVersion{0, 22, 0};                    // #42479 (2026-05-15)
    r.swa_in_flight_batches = v >= VllmVersion{0, 26, 0};               // #47728 (2026-07-08)
    r.non_kv_total_consumed = v >= VllmVersion{0, 27, 0};               // #49208; 0.26.0 logs still reconcile with W + A + N
    r.null_block_reserved = v >= VllmVersion{0, 28, 0};                 // #47272 (2026-08-20, in C28)
    r.large_card_serve_16k = v >= VllmVersion{0, 28, 0};                // #51726 (2026-08-11)
    r.sm100_capture_1024 = v >= VllmVersion{0, 28, 0};                  // #49390 (2026-08-07)
    r.mrv2_graphs_in_budget = v >= VllmVersion{0, 29, 0};               // #53306 (≈2026-08-24), not source-verified
    r.source_verified = v < VllmVersion{0, 29, 0};
    r.mrv2_sampler_fp32_copy = !(v >= VllmVersion{0, 26, 0} && v < VllmVersion{0, 27, 0});
}

} // namespace

EraRules rules_for(VllmVersion v) { return rules_for(v, default_engine(v)); }

EraRules rules_for(VllmVersion v, Engine engine) {
    EraRules r;
    r.version = v;
    r.engine = engine;
    r.extrapolated = v > VllmVersion{k_newest_modelled.major, k_newest_modelled.minor, 999};
    // Release cut dates used for "≈" mappings: v0.10.0 2025-07-24, v0.11.0 2025-10-02,
    // v0.11.1 2025-11-18, v0.12.0 2025-12-03, v0.13.0 2025-12-18; later releases roughly monthly.
    const bool v0_21 = v >= VllmVersion{0, 21, 0};
    r.default_utilization = v0_21 ? 0.92 : 0.9;     // #38284 (2026-04-21), vllm/config/cache.py
    r.cuda_graph_in_budget = v0_21;                   // #38284 turned the #30515 estimate on by default
    r.token_rule = v0_21 ? TokenRule::concurrency_times_len : TokenRule::blocks_times_block_size; // #41069
    if (v >= VllmVersion{0, 18, 0}) {
        r.hybrid_group_ratio = 1.5;                   // #36684 (2026-03-12)
    } else if (v >= VllmVersion{0, 12, 0}) {
        r.hybrid_group_ratio = 1.25;                  // #29303 (2025-11-24)
    }
    r.fa_mla_default_on_hopper = v >= VllmVersion{0, 12, 0};           // #27363 (2025-11-11)
    r.flashinfer_mla_default_on_blackwell = v0_21;                      // 2026-05 code, spec §5.3
    r.nccl_init_before_snapshot = v >= VllmVersion{0, 11, 0};           // #25359
    r.free_error_names_device = v >= VllmVersion{0, 14, 0};             // #30868 (2025-12-17)
    r.full_and_piecewise = v >= VllmVersion{0, 11, 0};                  // #25444
    // #50991 (2026-08-04, v0.28): default_prefix_caching = is_prefix_caching_supported, hybrids
    // included (vllm/engine/arg_utils.py:2658 @main); before, `... and not model_config.is_hybrid`.
    r.hybrid_prefix_caching_default = v >= VllmVersion{0, 28, 0};
    if (v >= VllmVersion{0, 11, 1}) {
        r.capture_schedule = CaptureSchedule::step8_then_16;            // #26016 (2025-10-24)
    } else if (v >= VllmVersion{0, 10, 0}) {
        r.capture_schedule = CaptureSchedule::step8_to_2s;              // #20628 (2025-07-09)
    } else {
        r.capture_schedule = CaptureSchedule::fixed_512;
    }
    r.kv_error_gib = v >= VllmVersion{0, 8, 3};                        // #15807 (2025-04-01)
    r.kv_error_length_hint = v >= VllmVersion{0, 8, 4};                // #16168 (2025-04-09)
    r.within_activation_fit = engine == Engine::v1 && v >= VllmVersion{0, 11, 0};
    r.kv_cache_memory_bytes_flag = engine == Engine::v1 && v >= VllmVersion{0, 10, 2};     // #21489 (2025-09-11)
    r.sampler_0_10_2 = engine == Engine::v1 && v >= VllmVersion{0, 10, 2} && v < VllmVersion{0, 11, 0};
    r.mla_latent_cache = engine == Engine::v1 || v >= VllmVersion{0, 7, 1};
    r.cuda_graphs_supported = v >= VllmVersion{0, 2, 6};               // #1926 (v0.2.6 release notes)

    if (engine == Engine::v1) {
        apply_v1_rules(r, v);
        apply_0_22_rules(r, v);
    } else {
        apply_v0_rules(r, v);
    }
    return r;
}

std::string era_name(const EraRules& era) {
    switch (era.budget_rule) {
    case BudgetRule::torch_peak:
        return "V0 <=0.2.4 (torch peak only)";
    case BudgetRule::device_peak:
        return "V0 0.2.5-0.3.0 (device-wide peak)";
    case BudgetRule::init_free_peak:
        return "V0 0.3.1-0.6.3 (per instance, reserved peak)";
    case BudgetRule::global:
        return era.engine == Engine::v0 ? "V0 0.6.4 (global)" : "V1 0.6.5-0.9.0 (global)";
    case BudgetRule::per_instance:
        break;
    }
    if (era.engine == Engine::v0) {
        return "V0 0.6.5-0.10 (per instance, memory_profiling)";
    }
    if (!era.cuda_graph_in_budget) {
        return "V1 0.9.1-0.20 (per instance, free-memory check)";
    }
    if (era.mrv2_graphs_in_budget) {
        return "V1 0.29+ (Model Runner V2 reserves graphs; not source-verified)";
    }
    if (era.non_kv_total_consumed) {
        return "V1 0.27-0.28 (non-KV from the free-memory drop; Model Runner V2 graphs outside)";
    }
    if (era.mrv2_default != Mrv2Default::none) {
        return "V1 0.22-0.26 (Model Runner V2 graphs outside the budget)";
    }
    return "V1 0.21 (CUDA-graph estimate in budget)";
}

} // namespace vramplan

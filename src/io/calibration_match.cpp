// Applying a calibration file to a request (`plan --calibration FILE`).
#include <vramplan/io/plan_inputs.hpp>

#include <vramplan/io/calibration.hpp>
#include <vramplan/io/errors.hpp>

#include <algorithm>
#include <cmath>
#include <utility>

namespace vramplan {

namespace {

double ratio(Bytes a, Bytes b) { return static_cast<double>(a) / static_cast<double>(b); }

} // namespace

namespace {

/// The entry for this model that matches the request best (GPU, then release, then TP size, then
/// batch, then PP size), or nullptr; `models` receives every entry's model for the suggestion.
const CalibrationEntry* best_entry(const CalibrationFile& file, const BuiltRequest& built, const Plan& probe, std::vector<std::string>& models) {
    const PlanRequest& req = built.request;
    const ResolvedConfig& c = probe.config;
    const CalibrationEntry* best = nullptr;
    int best_score = -1;
    for (const CalibrationEntry& e : file.entries) {
        models.push_back(e.model);
        if (e.model != built.model.id && e.model_name != built.model.label) {
            continue;
        }
        int score = 0;
        score += e.gpu == req.gpu.id ? 16 : 0;
        score += e.engine == engine_name(probe.era.engine) && e.version == req.version ? 8 : 0;
        score += e.tensor_parallel_size == req.tensor_parallel_size ? 4 : 0;
        score += e.max_num_seqs == c.max_num_seqs && e.max_num_batched_tokens == c.max_num_batched_tokens ? 2 : 0;
        score += e.pipeline_parallel_size == req.pipeline_parallel_size ? 1 : 0;
        if (score > best_score) {
            best_score = score;
            best = &e;
        }
    }
    return best;
}

/// Same configuration: the measured terms are the plan's.
void use_measured(const TermBytes& m, Calibration& cal, std::vector<std::string>& used) {
    cal.weights = m.weights;
    cal.activation = m.activation;
    if (m.non_torch) {
        cal.non_torch = static_cast<Bytes>(std::max<SignedBytes>(*m.non_torch, 0));
    }
    cal.cuda_graphs = m.cuda_graphs;
    for (const auto& [name, present] : {std::pair<const char*, bool>{"weights", m.weights.has_value()}, {"activation", m.activation.has_value()},
                                        {"non-torch", m.non_torch.has_value()}, {"CUDA graphs", m.cuda_graphs.has_value()}}) {
        if (present) {
            used.push_back(name);
        }
    }
}

/// A near match: ratios and offsets between measured and estimated terms, where the GPU, engine,
/// TP class and NCCL era make them transferable. Ratios and offsets far outside what estimates and
/// measurements ever differ by mean the file does not describe this model: such terms are named.
void use_corrections(const CalibrationEntry& e, const PlanRequest& req, const Plan& probe, Calibration& cal, std::vector<std::string>& used,
                     std::vector<std::string>& rejected) {
    const TermBytes& m = e.measured;
    const TermBytes& est = e.estimated;
    const bool same_gpu = e.gpu == req.gpu.id;
    const bool same_engine = e.engine == engine_name(probe.era.engine);
    const bool same_tp_class = (e.tensor_parallel_size > 1) == (req.tensor_parallel_size > 1);
    const bool same_nccl_era = (e.version >= VllmVersion{0, 11, 0}) == (req.version >= VllmVersion{0, 11, 0});
    const auto plausible_ratio = [](double x) { return x >= 0.2 && x <= 5.0; };
    constexpr SignedBytes k_max_offset = SignedBytes{64} << 30;
    const auto scale = [&](const char* name, bool applicable, const std::optional<Bytes>& measured, const std::optional<Bytes>& estimated,
                           std::optional<double>& dst) {
        if (!applicable || !measured || !estimated || *estimated == 0) {
            return;
        }
        const double x = ratio(*measured, *estimated);
        (plausible_ratio(x) ? used : rejected).push_back(name);
        if (plausible_ratio(x)) {
            dst = x;
        }
    };
    const auto offset = [&](const char* name, bool applicable, std::optional<SignedBytes> measured, std::optional<SignedBytes> estimated,
                            std::optional<SignedBytes>& dst) {
        if (!applicable || !measured || !estimated) {
            return;
        }
        const SignedBytes d = *measured - *estimated;
        if (d > k_max_offset || d < -k_max_offset) {
            rejected.push_back(name);
            return;
        }
        dst = d;
        used.push_back(name);
    };
    const auto as_signed = [](const std::optional<Bytes>& b) { return b ? std::optional<SignedBytes>(static_cast<SignedBytes>(*b)) : std::nullopt; };
    scale("weights", true, m.weights, est.weights, cal.weights_scale);
    offset("activation", same_gpu && same_engine, as_signed(m.activation), as_signed(est.activation), cal.activation_delta);
    offset("non-torch", same_gpu && same_tp_class && same_nccl_era, m.non_torch, est.non_torch, cal.non_torch_delta);
    scale("CUDA graphs", same_gpu && same_engine, m.cuda_graphs, est.cuda_graphs, cal.graphs_scale);
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) {
        out += (out.empty() ? "" : ", ") + n;
    }
    return out;
}

} // namespace

std::vector<std::string> apply_calibration_file(const std::string& path, BuiltRequest& built) {
    const CalibrationFile file = read_calibration(path);
    PlanRequest& req = built.request;
    // The configuration the request resolves to (vLLM's defaults applied), to compare with entries.
    const Plan probe = make_plan(req);
    const ResolvedConfig& c = probe.config;
    std::vector<std::string> models;
    const CalibrationEntry* best = best_entry(file, built, probe, models);
    if (best == nullptr) {
        return {path + " has no entry for model " + built.model.id + "; estimates used (" +
                unknown_name_message("calibrated model", built.model.id, models) + ")"};
    }
    const CalibrationEntry& e = *best;
    Calibration cal;
    const bool same_version = e.engine == engine_name(probe.era.engine) && e.version == req.version;
    cal.exact = e.gpu == req.gpu.id && same_version && e.tensor_parallel_size == req.tensor_parallel_size &&
                e.pipeline_parallel_size == req.pipeline_parallel_size && e.max_num_seqs == c.max_num_seqs &&
                e.max_num_batched_tokens == c.max_num_batched_tokens && e.dtype == c.dtype && e.kv_cache_dtype == c.kv_cache_dtype &&
                e.enforce_eager == !c.cuda_graphs;
    std::vector<std::string> used;
    std::vector<std::string> rejected;
    if (cal.exact && req.pipeline_parallel_size == 1) {
        use_measured(e.measured, cal, used);
    } else {
        cal.exact = false;
        use_corrections(e, req, probe, cal, used, rejected);
    }
    cal.source = path + ": " + e.source + " (vLLM " + e.version.str() + ", " + e.gpu + ", TP " + std::to_string(e.tensor_parallel_size) + ")";
    std::vector<std::string> notes;
    if (!rejected.empty()) {
        notes.push_back(path + ": ignored implausible calibration terms (" + joined(rejected) + "): measured and estimated differ by more than 5x or 64 GiB");
    }
    if (used.empty()) {
        notes.push_back("calibration " + cal.source + " measured nothing this plan can use; estimates kept");
        return notes;
    }
    notes.push_back(std::string(cal.exact ? "calibrated (same configuration): " : "calibrated (near match): ") + joined(used) + " from " + cal.source);
    req.calibration = cal;
    return notes;
}

} // namespace vramplan

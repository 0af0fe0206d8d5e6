// `vramplan check`: a CI gate. Reads deployments as they are written (a vLLM command after `--`,
// shell scripts, `vllm serve --config` YAML files, directories), plans each for every vLLM
// version the policy names, and reports every violated rule with the numbers and the smallest
// flag change that fixes it. Exit 0: all pass; 1: any fails; 2: bad input.
#include "commands.hpp"
#include "plan_options.hpp"

#include <vramplan/coldstart.hpp>
#include <vramplan/io/calibration.hpp>
#include <vramplan/io/deployment.hpp>
#include <vramplan/io/errors.hpp>
#include <vramplan/io/policy.hpp>
#include <vramplan/io/sizes.hpp>
#include <vramplan/recommend.hpp>
#include <vramplan/report/render.hpp>

#include <fmt/format.h>

#include <cmath>
#include <iostream>
#include <memory>

namespace vramplan::cli {

namespace {

struct CheckOptions {
    std::vector<std::string> inputs;     ///< files / directories, or the vLLM command after `--`
    std::string gpu;
    std::string gpu_memory;
    std::string policy;
    std::string max_utilization;
    std::string max_vram;
    std::string min_free;
    std::string min_kv_tokens;
    std::string min_concurrency;
    std::string min_graph_headroom;
    std::vector<std::string> vllm_versions;
    std::string other_processes_memory;
    std::string max_restore;
    std::string restore_fit;
    std::string format = "text";
    std::string output;
};

struct Violation {
    std::string rule;       ///< "starts", "max_gpu_memory_utilization", …
    std::string message;    ///< with the numbers
    std::string fix;        ///< the smallest flag change, or ""
    std::size_t line = 0;   ///< where to point an annotation
    std::optional<double> u_max = std::nullopt;   ///< the rule holds at utilizations up to this
    std::optional<double> u_min = std::nullopt;   ///< the rule holds at utilizations from this
};

/// "--gpu-memory-utilization 0.73" → 0.73 (a fix that only changes the utilization).
std::optional<double> fix_utilization(const std::string& fix) {
    const std::string flag = "--gpu-memory-utilization ";
    if (fix.rfind(flag, 0) != 0 || fix.find(' ', flag.size()) != std::string::npos) {
        return std::nullopt;
    }
    try {
        return std::stod(fix.substr(flag.size()));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

struct Result {
    const Deployment* deployment = nullptr;
    std::string model;
    std::string gpu;
    std::string version;
    std::optional<Plan> plan;
    std::vector<Violation> violations;
    std::vector<std::string> notes;
    std::string fix_all;    ///< one utilization that satisfies every rule, when the fixes disagree
    std::string error;      ///< the deployment could not be planned (bad input inside it)
    [[nodiscard]] bool passed() const { return error.empty() && violations.empty(); }
};

std::size_t flag_line(const Deployment& d, const std::string& name) {
    const DeploymentFlag* f = d.find(name);
    return f != nullptr && f->line > 0 ? f->line : d.line;
}

std::string gib(SignedBytes b) { return gib2(b) + " GiB"; }

/// vLLM's own use of one GPU: the budget and what it takes outside it (context, graphs).
SignedBytes vllm_use(const WorkerPlan& w) { return to_signed(w.total) - w.free - (w.card_in_budget ? 0 : to_signed(w.other_processes)); }

/// The largest utilization (0.01 steps) whose vLLM use stays ≤ `cap` bytes per GPU, re-planned;
/// with the context shortened when the KV cache no longer holds one request.
std::string fix_for_cap(const PlanRequest& r, const Plan& p, SignedBytes cap) {
    double u = 1.0;
    for (const WorkerPlan& w : p.workers) {
        const SignedBytes outside = vllm_use(w) - to_signed(w.budget);
        u = std::min(u, std::floor(static_cast<double>(cap - outside) / static_cast<double>(w.total) * 100.0) / 100.0);
    }
    while (u > 0.0) {
        PlanRequest q = r;
        q.gpu_memory_utilization = u;
        const Plan at = make_plan(q);
        bool within = true;
        for (const WorkerPlan& w : at.workers) {
            within = within && vllm_use(w) <= cap;
        }
        if (within) {
            if (at.verdict.starts) {
                return "--gpu-memory-utilization " + fixed(u, 2);
            }
            const std::uint64_t len = max_model_len_for(q, std::nullopt);
            return len > 0 ? "--gpu-memory-utilization " + fixed(u, 2) + " --max-model-len " + std::to_string(len)
                           : "a smaller model or more GPUs (nothing fits in " + gib(cap) + " per GPU)";
        }
        u = std::round(u * 100.0 - 1.0) / 100.0;
    }
    return "a smaller model or more GPUs (nothing fits in " + gib(cap) + " per GPU)";
}

void evaluate(Result& res, const PlanRequest& r, const Policy& pol) {
    const Plan& p = *res.plan;
    const Deployment& d = *res.deployment;
    const std::size_t util_line = flag_line(d, "gpu-memory-utilization");
    const WorkerPlan& w = *std::max_element(p.workers.begin(), p.workers.end(),
                                            [](const WorkerPlan& a, const WorkerPlan& b) { return vllm_use(a) < vllm_use(b); });
    if (!p.verdict.starts) {
        std::string fix = p.verdict.fixes.empty() ? "" : p.verdict.fixes.front();
        const std::size_t line = fix.rfind("--max-model-len", 0) == 0 ? flag_line(d, "max-model-len") : util_line;
        res.violations.push_back({"starts", "vLLM fails to start: " + p.verdict.error, fix, line});
    }
    if (pol.max_gpu_memory_utilization && p.config.gpu_memory_utilization > *pol.max_gpu_memory_utilization + 1e-12) {
        res.violations.push_back({"max_gpu_memory_utilization",
                                  fmt::format("utilization {} exceeds policy {}", fixed(p.config.gpu_memory_utilization, 2),
                                              fixed(*pol.max_gpu_memory_utilization, 2)),
                                  "--gpu-memory-utilization " + fixed(std::floor(*pol.max_gpu_memory_utilization * 100.0 + 1e-9) / 100.0, 2), util_line});
    }
    if (pol.max_vram_per_gpu && vllm_use(w) > to_signed(*pol.max_vram_per_gpu)) {
        const SignedBytes cap = to_signed(*pol.max_vram_per_gpu);
        res.violations.push_back({"max_vram_gib_per_gpu",
                                  fmt::format("vLLM uses {} per GPU (budget {} + {} outside it: CUDA context{}), exceeding policy {} by {}",
                                              gib(vllm_use(w)), gib(to_signed(w.budget)), gib(vllm_use(w) - to_signed(w.budget)),
                                              p.config.cuda_graphs && !w.cuda_graphs_in_budget ? ", CUDA graphs" : "", gib(cap), gib(vllm_use(w) - cap)),
                                  fix_for_cap(r, p, cap), util_line});
    }
    if (pol.min_free && w.free < to_signed(*pol.min_free)) {
        const SignedBytes cap = vllm_use(w) + w.free - to_signed(*pol.min_free);
        res.violations.push_back({"min_free_gib",
                                  fmt::format("{} left free for other processes, policy needs {} ({} short)", gib(w.free), gib(to_signed(*pol.min_free)),
                                              gib(to_signed(*pol.min_free) - w.free)),
                                  fix_for_cap(r, p, cap), util_line});
    }
    const auto target_fix = [&](const ServeTarget& t) {
        const UtilizationAnswer a = min_utilization_for(r, t);
        if (a.utilization) {
            return "--gpu-memory-utilization " + fixed(*a.utilization, 2);
        }
        const std::uint64_t len = max_model_len_for(r, std::nullopt);
        return std::string("more GPUs or an fp8 KV cache (") + a.why_not + (len > 0 ? "" : "") + ")";
    };
    if (pol.min_kv_tokens && p.capacity.tokens < *pol.min_kv_tokens) {
        res.violations.push_back({"min_kv_tokens",
                                  fmt::format("KV cache holds {} tokens, policy needs {}", grouped(p.capacity.tokens), grouped(*pol.min_kv_tokens)),
                                  target_fix(ServeTarget{std::nullopt, *pol.min_kv_tokens}), util_line});
    }
    if (pol.min_concurrency && p.capacity.max_concurrency + 1e-9 < *pol.min_concurrency) {
        const auto n = static_cast<std::uint64_t>(std::ceil(*pol.min_concurrency - 1e-9));
        res.violations.push_back({"min_concurrency",
                                  fmt::format("maximum concurrency {}x at {} tokens, policy needs {}x", fixed(p.capacity.max_concurrency, 2),
                                              grouped(p.config.max_model_len), fixed(*pol.min_concurrency, 2)),
                                  target_fix(ServeTarget{n, std::nullopt}), util_line});
    }
    if (pol.min_graph_headroom && p.config.cuda_graphs && !w.cuda_graphs_in_budget && w.graph_headroom < to_signed(*pol.min_graph_headroom)) {
        const UtilizationAnswer a = max_safe_utilization(r, *pol.min_graph_headroom);
        res.violations.push_back({"min_graph_headroom_gib",
                                  fmt::format("{} left after CUDA-graph capture, policy needs {}", gib(w.graph_headroom), gib(to_signed(*pol.min_graph_headroom))),
                                  a.utilization ? "--gpu-memory-utilization " + fixed(*a.utilization, 2) : "--enforce-eager", util_line});
    }
    // Memory caps bound the utilization from above, capacity targets from below: when several
    // rules are broken, one utilization may satisfy them all.
    double upper = 1.0;
    double lower = 0.0;
    int bounded = 0;
    for (Violation& v : res.violations) {
        const std::optional<double> u = fix_utilization(v.fix);
        if (!u) {
            continue;
        }
        ++bounded;
        if (v.rule == "min_kv_tokens" || v.rule == "min_concurrency" || (v.rule == "starts" && *u > p.config.gpu_memory_utilization)) {
            v.u_min = u;
            lower = std::max(lower, *u);
        } else {
            v.u_max = u;
            upper = std::min(upper, *u);
        }
    }
    if (bounded >= 2) {
        if (lower > upper + 1e-9) {
            res.fix_all = fmt::format("no single utilization satisfies every rule (capacity needs at least {}, memory allows at most {}): "
                                      "more GPUs (--tensor-parallel-size), a shorter --max-model-len or --kv-cache-dtype fp8",
                                      fixed(lower, 2), fixed(upper, 2));
        } else {
            const double u = upper < 1.0 ? upper : lower;
            PlanRequest q = r;
            q.gpu_memory_utilization = u;
            res.fix_all = make_plan(q).verdict.starts ? "--gpu-memory-utilization " + fixed(u, 2) : "";
        }
    }
}

/// GitHub Actions workflow-command escaping (data, and property values).
std::string gh_escape(const std::string& s, bool property) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '%': out += "%25"; break;
        case '\r': out += "%0D"; break;
        case '\n': out += "%0A"; break;
        case ':': out += property ? "%3A" : ":"; break;
        case ',': out += property ? "%2C" : ","; break;
        default: out += c;
        }
    }
    return out;
}

std::string xml_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
                out += ' ';   // not allowed in XML 1.0
            } else {
                out += c;
            }
        }
    }
    return out;
}

std::string where(const Result& r, std::size_t line) {
    const Deployment& d = *r.deployment;
    return line > 0 ? d.source + ":" + std::to_string(line) : d.source;
}

std::string title(const Result& r) { return fmt::format("{} on {} (vLLM {})", r.model, r.gpu, r.version); }

std::string render_text(const std::vector<Result>& results) {
    std::string out;
    std::size_t failed = 0;
    for (const Result& r : results) {
        failed += r.passed() ? 0 : 1;
        out += fmt::format("{} {}: {}\n", r.passed() ? "PASS" : "FAIL", where(r, r.deployment->line), r.error.empty() ? title(r) : r.error);
        if (r.plan && r.error.empty()) {
            const Plan& p = *r.plan;
            const WorkerPlan& w = p.workers[p.deciding_worker];
            out += fmt::format("     utilization {}, budget {}, KV {} ({} tokens, {}x at {}), free {}\n", fixed(p.config.gpu_memory_utilization, 2),
                               gib(to_signed(w.budget)), gib(w.kv_cache), grouped(p.capacity.tokens), fixed(p.capacity.max_concurrency, 2),
                               grouped(p.config.max_model_len), gib(w.free));
        }
        for (const Violation& v : r.violations) {
            out += fmt::format("  - {}: {}\n", v.rule, v.message);
            if (!v.fix.empty()) {
                out += "    fix: " + v.fix + "\n";
            }
        }
        if (!r.fix_all.empty()) {
            out += "  fix all: " + r.fix_all + "\n";
        }
        for (const std::string& n : r.notes) {
            out += "  note: " + n + "\n";
        }
    }
    out += fmt::format("\n{} check{}, {} passed, {} failed\n", results.size(), results.size() == 1 ? "" : "s", results.size() - failed, failed);
    return out;
}

nlohmann::json render_json(const std::vector<Result>& results) {
    nlohmann::json list = nlohmann::json::array();
    bool all = true;
    for (const Result& r : results) {
        all = all && r.passed();
        nlohmann::json v = nlohmann::json::array();
        for (const Violation& x : r.violations) {
            v.push_back({{"rule", x.rule}, {"message", x.message}, {"fix", x.fix.empty() ? nlohmann::json(nullptr) : nlohmann::json(x.fix)}, {"line", x.line}});
        }
        nlohmann::json j{{"source", r.deployment->source}, {"line", r.deployment->line}, {"entrypoint", r.deployment->entrypoint},
                         {"model", r.model}, {"gpu", r.gpu}, {"vllm_version", r.version}, {"passed", r.passed()},
                         {"error", r.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error)}, {"violations", v},
                         {"fix_all", r.fix_all.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.fix_all)}, {"notes", r.notes}};
        if (r.plan && r.error.empty()) {
            const Plan& p = *r.plan;
            const WorkerPlan& w = p.workers[p.deciding_worker];
            j["plan"] = {{"gpu_memory_utilization", p.config.gpu_memory_utilization}, {"max_model_len", p.config.max_model_len},
                         {"budget_bytes", w.budget}, {"vllm_use_bytes", vllm_use(w)}, {"kv_cache_bytes", w.kv_cache},
                         {"kv_tokens", p.capacity.tokens}, {"max_concurrency", std::round(p.capacity.max_concurrency * 100.0) / 100.0},
                         {"free_bytes", w.free}, {"starts", p.verdict.starts}};
        }
        list.push_back(j);
    }
    return {{"schema_version", k_schema_version}, {"tool_version", k_tool_version}, {"passed", all}, {"results", list}};
}

std::string render_github(const std::vector<Result>& results) {
    std::string out;
    for (const Result& r : results) {
        if (!r.error.empty()) {
            out += fmt::format("::error file={},line={},title={}::{}\n", gh_escape(r.deployment->source, true), std::max<std::size_t>(r.deployment->line, 1),
                               gh_escape("vramplan: bad deployment", true), gh_escape(r.error, false));
            continue;
        }
        for (const Violation& v : r.violations) {
            out += fmt::format("::error file={},line={},title={}::{}{}\n", gh_escape(r.deployment->source, true), std::max<std::size_t>(v.line, 1),
                               gh_escape("vramplan " + v.rule + " (" + title(r) + ")", true), gh_escape(v.message, false),
                               gh_escape(v.fix.empty() ? "" : " Fix: " + v.fix, false));
        }
        for (const std::string& n : r.notes) {
            out += fmt::format("::notice file={},line={}::{}\n", gh_escape(r.deployment->source, true), std::max<std::size_t>(r.deployment->line, 1),
                               gh_escape(n, false));
        }
    }
    return out;
}

std::string render_junit(const std::vector<Result>& results) {
    std::size_t failures = 0;
    std::size_t errors = 0;
    for (const Result& r : results) {
        errors += r.error.empty() ? 0 : 1;
        failures += r.error.empty() && !r.violations.empty() ? 1 : 0;
    }
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += fmt::format("<testsuites name=\"vramplan check\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n", results.size(), failures, errors);
    out += fmt::format("  <testsuite name=\"vramplan check\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n", results.size(), failures, errors);
    for (const Result& r : results) {
        out += fmt::format("    <testcase classname=\"{}\" name=\"{}\">\n", xml_escape(where(r, r.deployment->line)),
                           xml_escape(r.error.empty() ? title(r) : "deployment"));
        if (!r.error.empty()) {
            out += fmt::format("      <error message=\"{}\"/>\n", xml_escape(r.error));
        } else if (!r.violations.empty()) {
            std::string body;
            for (const Violation& v : r.violations) {
                body += v.rule + ": " + v.message + (v.fix.empty() ? "" : "\nfix: " + v.fix) + "\n";
            }
            out += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", xml_escape(r.violations.front().message),
                               xml_escape(r.violations.front().rule), xml_escape(body));
        }
        out += "    </testcase>\n";
    }
    out += "  </testsuite>\n</testsuites>\n";
    return out;
}


} // namespace

Action add_check_command(CLI::App& app, const GlobalOptions& global) {
    auto opts = std::make_shared<CheckOptions>();
    CLI::App* cmd = app.add_subcommand("check", "CI gate: check vLLM deployments (command after --, scripts, YAML, directories) against a VRAM policy");
    cmd->add_option("inputs", opts->inputs, "Deployment files or directories, or -- followed by a vLLM command");
    cmd->add_option("--gpu,-g", opts->gpu, "GPU catalog id (or the policy's `gpu`)");
    cmd->add_option("--gpu-memory", opts->gpu_memory, "CUDA-visible total per GPU, overrides the catalog");
    cmd->add_option("--policy", opts->policy, "Policy file (JSON, kind vramplan-policy); flags override its values");
    cmd->add_option("--max-utilization", opts->max_utilization, "Largest --gpu-memory-utilization allowed");
    cmd->add_option("--max-vram", opts->max_vram, "Largest memory vLLM may use per GPU (budget + context + graphs), e.g. 12GiB");
    cmd->add_option("--min-free", opts->min_free, "Memory that must stay free per GPU for other processes");
    cmd->add_option("--min-kv-tokens", opts->min_kv_tokens, "Smallest KV-cache token capacity");
    cmd->add_option("--min-concurrency", opts->min_concurrency, "Smallest concurrency at --max-model-len");
    cmd->add_option("--min-graph-headroom", opts->min_graph_headroom, "Memory that must remain after CUDA-graph capture (≤ v0.20)");
    cmd->add_option("--vllm-version", opts->vllm_versions, "vLLM release(s) to check against, comma-separated or repeated (all must pass)")
        ->delimiter(',')
        ->allow_extra_args(false);
    cmd->add_option("--max-restore-s", opts->max_restore, "Longest GPU-snapshot restore, seconds (calibrated with --restore-fit, else the lower bound)");
    cmd->add_option("--restore-fit", opts->restore_fit, "A `vramplan calibrate-restore` fit for calibrated restore times");
    cmd->add_option("--other-processes-memory", opts->other_processes_memory, "Memory other processes already hold on each GPU");
    cmd->add_option("--format,-f", opts->format, "text, json, github (Actions annotations) or junit (XML)")
        ->check(CLI::IsMember({"text", "json", "github", "junit"}));
    cmd->add_option("--output,-o", opts->output, "Write the report to FILE instead of stdout");
    return [opts, &global, cmd]() -> int {
        const CheckOptions& o = *opts;
        const Catalog catalog = Catalog::load(profile_directories(global));
        Policy pol = o.policy.empty() ? Policy{} : read_policy(o.policy);
        if (!o.max_utilization.empty()) {
            pol.max_gpu_memory_utilization = parse_fraction(o.max_utilization, "--max-utilization");
        }
        if (!o.max_vram.empty()) {
            pol.max_vram_per_gpu = parse_size(o.max_vram, "--max-vram");
        }
        if (!o.min_free.empty()) {
            pol.min_free = parse_size(o.min_free, "--min-free");
        }
        if (!o.min_graph_headroom.empty()) {
            pol.min_graph_headroom = parse_size(o.min_graph_headroom, "--min-graph-headroom");
        }
        if (!o.min_kv_tokens.empty()) {
            pol.min_kv_tokens = parse_count(o.min_kv_tokens, "--min-kv-tokens", std::uint64_t{1} << 48);
        }
        if (!o.min_concurrency.empty()) {
            pol.min_concurrency = static_cast<double>(parse_count(o.min_concurrency, "--min-concurrency", std::uint64_t{1} << 30));
        }
        if (!o.vllm_versions.empty()) {
            pol.vllm_versions = o.vllm_versions;
        }
        if (!o.max_restore.empty()) {
            try {
                std::size_t used = 0;
                const double v = std::stod(o.max_restore, &used);
                if (used != o.max_restore.size() || !(v > 0.0 && v <= 1e6)) {
                    throw std::invalid_argument(o.max_restore);
                }
                pol.max_restore_seconds = v;
            } catch (const std::exception&) {
                throw InputError("--max-restore-s: expected a number of seconds greater than 0, got '" + o.max_restore + "'");
            }
        }
        if (!o.restore_fit.empty()) {
            pol.restore_fit = o.restore_fit;
        }
        std::optional<RestoreFit> fit;
        if (!pol.restore_fit.empty()) {
            fit = read_restore_fit(pol.restore_fit);
        }
        if (!o.gpu.empty()) {
            pol.gpu = o.gpu;
        }
        if (pol.gpu.empty() && o.gpu_memory.empty()) {
            throw InputError("--gpu: expected the GPU the deployments run on (or `gpu` in the policy file)");
        }
        for (const std::string& v : pol.vllm_versions) {
            if (parse_version_flag(v, "--vllm-version") < k_oldest_modelled) {
                throw InputError("--vllm-version " + v + ": expected a vLLM release, " + k_oldest_modelled.str() + " or later");
            }
        }
        if (!pol.gpu.empty()) {
            (void)catalog.gpu(pol.gpu);   // an unknown GPU is one error, not one per deployment
        }
        if (pol.vllm_versions.empty()) {
            pol.vllm_versions.push_back(k_newest_modelled.str());
        }
        // Deployments: the command after `--`, else files and directories.
        std::vector<Deployment> deployments;
        const std::vector<std::string> rest = cmd->remaining();
        if (!rest.empty() || (!o.inputs.empty() && (o.inputs.front() == "vllm" || o.inputs.front() == "python" || o.inputs.front() == "python3" ||
                                                    o.inputs.front() == "docker"))) {
            std::vector<std::string> argv = o.inputs;
            argv.insert(argv.end(), rest.begin(), rest.end());
            deployments.push_back(parse_vllm_argv(argv, "command line"));
        } else {
            if (o.inputs.empty()) {
                throw InputError("check: expected deployment files, a directory, or -- followed by a vLLM command");
            }
            for (const std::string& path : o.inputs) {
                for (Deployment& d : read_deployments(path)) {
                    deployments.push_back(std::move(d));
                }
            }
        }
        std::vector<Result> results;
        for (const Deployment& d : deployments) {
            for (const std::string& version : pol.vllm_versions) {
                if (!results.empty() && results.back().deployment == &d && !results.back().error.empty()) {
                    break;   // bad input in the deployment itself: once is enough
                }
                Result res;
                res.deployment = &d;
                res.version = version;
                res.gpu = pol.gpu.empty() ? "--gpu-memory " + o.gpu_memory : pol.gpu;
                PlanOptions p;
                try {
                    const std::vector<std::string> ignored = apply_deployment_flags(d, p);
                    if (p.model.empty()) {
                        throw InputError("expected a model (the positional argument of `vllm serve`, --model, or `model:` in YAML)");
                    }
                    res.model = p.model;
                    if (const std::string known = catalog_model_name(catalog, p.model); known != p.model) {
                        res.notes.push_back("model '" + p.model + "' is not on this machine: planned as the catalog's " + known);
                        p.model = known;
                    }
                    p.gpu = pol.gpu;
                    p.gpu_memory = o.gpu_memory;
                    p.vllm_version = version;
                    p.other_processes_memory = o.other_processes_memory;
                    BuiltRequest built = build_request(catalog, p, false);
                    res.gpu = built.request.gpu.id;
                    res.plan = make_plan(built.request);
                    evaluate(res, built.request, pol);
                    if (pol.max_restore_seconds) {
                        const SnapshotEstimate snap = estimate_snapshot(*res.plan, SnapshotParams{}, fit);
                        const double t = snap.restore_s.value_or(snap.restore_lower_s);
                        if (t > *pol.max_restore_seconds) {
                            // Restore time grows with the KV cache held: the largest utilization within the limit.
                            std::string fix;
                            for (int pct = static_cast<int>(std::floor(res.plan->config.gpu_memory_utilization * 100.0)) - 1; pct > 0; --pct) {
                                PlanRequest q = built.request;
                                q.gpu_memory_utilization = pct / 100.0;
                                const Plan at = make_plan(q);
                                const SnapshotEstimate s2 = estimate_snapshot(at, SnapshotParams{}, fit);
                                if (at.verdict.starts && s2.restore_s.value_or(s2.restore_lower_s) <= *pol.max_restore_seconds) {
                                    fix = "--gpu-memory-utilization " + fixed(pct / 100.0, 2);
                                    break;
                                }
                            }
                            res.violations.push_back({"max_restore_seconds",
                                                      fmt::format("GPU-snapshot restore takes {} s ({}), policy allows {} s", fixed(t, 1),
                                                                  snap.restore_s ? "calibrated" : "physical lower bound",
                                                                  fixed(*pol.max_restore_seconds, 1)),
                                                      fix.empty() ? "--enforce-eager, a smaller model or a faster link" : fix,
                                                      flag_line(d, "gpu-memory-utilization")});
                        }
                    }
                    if (!ignored.empty()) {
                        std::string list;
                        for (const std::string& f : ignored) {
                            list += (list.empty() ? "" : ", ") + f;
                        }
                        res.notes.push_back("vLLM flags that do not change the memory plan were ignored: " + list);
                    }
                } catch (const InputError& e) {
                    // Name the deployment's value, not a vramplan flag the user never passed.
                    std::string what = e.what();
                    if (what.rfind("--model", 0) == 0) {
                        what = "the deployment's model" + what.substr(7);
                    }
                    res.error = what;
                }
                results.push_back(std::move(res));
            }
        }
        // Bad input anywhere: every error on stderr, no report, exit 2 (a CI gate must not pass or
        // fail a deployment it could not read).
        bool bad_input = false;
        for (const Result& r : results) {
            if (!r.error.empty()) {
                std::cerr << "vramplan: error: " << one_line(where(r, r.deployment->line) + ": " + r.error) << "\n";
                bad_input = true;
            }
        }
        if (bad_input) {
            return k_exit_usage;
        }
        std::string text;
        if (o.format == "json") {
            text = render_json(results).dump(2) + "\n";
        } else if (o.format == "github") {
            text = render_github(results);
        } else if (o.format == "junit") {
            text = render_junit(results);
        } else {
            text = render_text(results);
        }
        if (o.output.empty()) {
            std::cout << text;
        } else {
            write_file_atomically(o.output, text);
        }
        for (const Result& r : results) {
            if (!r.passed()) {
                return k_exit_fails;
            }
        }
        return k_exit_ok;
    };
}

} // namespace vramplan::cli

// `vramplan check` reports (report/check.hpp).
#include <vramplan/report/check.hpp>

#include <vramplan/report/fix.hpp>
#include <vramplan/report/render.hpp>
#include <vramplan/report/wrap.hpp>
#include <vramplan/units.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace vramplan {

namespace {

std::string gib(SignedBytes b) { return gib2(b) + " GiB"; }

std::string fix_all_text(const FixAll& all) {
    if (all.possible) {
        return "--gpu-memory-utilization " + fixed(all.utilization, 2);
    }
    return fmt::format("no single utilization satisfies every rule (capacity needs at least {}, memory allows at most {}): "
                       "more GPUs (--tensor-parallel-size), a shorter --max-model-len or --kv-cache-dtype fp8",
                       fixed(all.lower, 2), fixed(all.upper, 2));
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


std::string title(const DeploymentCheck& r) { return fmt::format("{} on {} (vLLM {})", r.model, r.gpu, r.version); }

} // namespace

std::string check_location(const DeploymentCheck& r, std::size_t line) { return line > 0 ? r.source + ":" + std::to_string(line) : r.source; }

std::string violation_message(const Violation& v) {
    using R = Violation::Rule;
    switch (v.rule) {
    case R::starts: return "vLLM fails to start: " + v.error;
    case R::max_gpu_memory_utilization: return fmt::format("utilization {} exceeds policy {}", fixed(v.actual, 2), fixed(v.limit, 2));
    case R::max_vram_gib_per_gpu:
        return fmt::format("vLLM uses {} per GPU (budget {} + {} outside it: CUDA context{}), exceeding policy {} by {}", gib(v.actual_bytes),
                           gib(v.budget), gib(v.actual_bytes - v.budget), v.graphs_outside_budget ? ", CUDA graphs" : "", gib(v.limit_bytes),
                           gib(v.actual_bytes - v.limit_bytes));
    case R::min_free_gib:
        return fmt::format("{} left free for other processes, policy needs {} ({} short)", gib(v.actual_bytes), gib(v.limit_bytes),
                           gib(v.limit_bytes - v.actual_bytes));
    case R::min_kv_tokens: return fmt::format("KV cache holds {} tokens, policy needs {}", grouped(v.tokens), grouped(v.limit_tokens));
    case R::min_concurrency:
        return fmt::format("maximum concurrency {}x at {} tokens, policy needs {}x", fixed(v.actual, 2), grouped(v.tokens), fixed(v.limit, 2));
    case R::min_graph_headroom_gib: return fmt::format("{} left after CUDA-graph capture, policy needs {}", gib(v.actual_bytes), gib(v.limit_bytes));
    case R::max_restore_seconds:
        return fmt::format("GPU-snapshot restore takes {} s ({}), policy allows {} s", fixed(v.actual, 1),
                           v.calibrated ? "calibrated" : "physical lower bound", fixed(v.limit, 1));
    }
    return "";
}

std::string render_check_text(const std::vector<DeploymentCheck>& results, std::size_t width) {
    std::string out;
    std::size_t failed = 0;
    std::size_t warned = 0;
    for (const DeploymentCheck& r : results) {
        failed += r.passed() ? 0 : 1;
        warned += r.warned() ? 1 : 0;
        const std::string head = check_location(r, r.line) + ": " + (r.error.empty() ? title(r) : r.error);
        out += wrap_paragraph(r.warned() ? "WARN " : r.passed() ? "PASS " : "FAIL ", head, 5, width) + "\n";
        if (r.plan && r.error.empty()) {
            const Plan& p = *r.plan;
            const WorkerPlan& w = p.workers[p.deciding_worker];
            out += fmt::format("     utilization {}, budget {}, KV {} ({} tokens, {}x at {}), free {}\n", fixed(p.config.gpu_memory_utilization, 2),
                               gib(to_signed(w.budget)), gib(w.kv_cache), grouped(p.capacity.tokens), fixed(round_concurrency(p.capacity.max_concurrency), 2),
                               grouped(p.config.max_model_len), gib(w.free));
        }
        for (const Violation& v : r.violations) {
            out += fmt::format("  - {}: {}\n", rule_name(v.rule), violation_message(v));
            if (v.fix) {
                out += "    fix: " + fix_text(*v.fix) + "\n";
            }
        }
        if (r.fix_all) {
            out += "  fix all: " + fix_all_text(*r.fix_all) + "\n";
        }
        if (r.error.empty()) {
            for (const NotModelledFlag& f : r.not_modelled) {
                out += "  warning: not modelled, the plan ignores " + not_modelled_text(f) + "\n";
            }
        }
        for (const std::string& n : r.notes) {
            out += "  note: " + n + "\n";
        }
    }
    // A pass with ignored flags is counted apart: it passed only as far as the plan could see.
    const std::string warned_count = warned > 0 ? fmt::format(", {} with warnings", warned) : "";
    out += fmt::format("\n{} check{}, {} passed{}, {} failed\n", results.size(), results.size() == 1 ? "" : "s",
                       results.size() - failed - warned, warned_count, failed);
    return out;
}

nlohmann::json check_json(const std::vector<DeploymentCheck>& results) {
    nlohmann::json list = nlohmann::json::array();
    bool all = true;
    for (const DeploymentCheck& r : results) {
        all = all && r.passed();
        nlohmann::json v = nlohmann::json::array();
        for (std::size_t i = 0; i < r.violations.size(); ++i) {
            const Violation& x = r.violations[i];
            v.push_back({{"rule", rule_name(x.rule)}, {"message", violation_message(x)},
                         {"fix", x.fix ? nlohmann::json(fix_text(*x.fix)) : nlohmann::json(nullptr)}, {"line", r.violation_lines[i]}});
        }
        nlohmann::json j{{"source", r.source}, {"line", r.line}, {"entrypoint", r.entrypoint},
                         {"model", r.model}, {"gpu", r.gpu}, {"vllm_version", r.version}, {"passed", r.passed()},
                         {"error", r.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error)}, {"violations", v},
                         {"fix_all", r.fix_all ? nlohmann::json(fix_all_text(*r.fix_all)) : nlohmann::json(nullptr)}, {"notes", r.notes}};
        if (r.error.empty() && !r.not_modelled.empty()) {
            // Only when there are any: other reports keep their keys.
            j["verdict"] = r.warned() ? "warn" : "fail";
            j["not_modelled_flags"] = not_modelled_json(r.not_modelled);
        }
        if (r.plan && r.error.empty()) {
            const Plan& p = *r.plan;
            const WorkerPlan& w = p.workers[p.deciding_worker];
            j["plan"] = {{"gpu_memory_utilization", p.config.gpu_memory_utilization}, {"max_model_len", p.config.max_model_len},
                         {"budget_bytes", w.budget}, {"vllm_use_bytes", vllm_use(w)}, {"kv_cache_bytes", w.kv_cache},
                         {"kv_tokens", p.capacity.tokens}, {"max_concurrency", round_concurrency(p.capacity.max_concurrency)},
                         {"free_bytes", w.free}, {"starts", p.verdict.starts}};
        }
        list.push_back(j);
    }
    return {{"schema_version", k_schema_version}, {"tool_version", k_tool_version}, {"passed", all}, {"results", list}};
}

std::string render_check_github(const std::vector<DeploymentCheck>& results) {
    std::string out;
    for (const DeploymentCheck& r : results) {
        if (!r.error.empty()) {
            out += fmt::format("::error file={},line={},title={}::{}\n", gh_escape(r.source, true), std::max<std::size_t>(r.line, 1),
                               gh_escape("vramplan: bad deployment", true), gh_escape(r.error, false));
            continue;
        }
        for (std::size_t i = 0; i < r.violations.size(); ++i) {
            const Violation& v = r.violations[i];
            out += fmt::format("::error file={},line={},title={}::{}{}\n", gh_escape(r.source, true), std::max<std::size_t>(r.violation_lines[i], 1),
                               gh_escape(std::string("vramplan ") + rule_name(v.rule) + " (" + title(r) + ")", true), gh_escape(violation_message(v), false),
                               gh_escape(v.fix ? " Fix: " + fix_text(*v.fix) : "", false));
        }
        for (const NotModelledFlag& f : r.not_modelled) {
            out += fmt::format("::warning file={},line={},title={}::{}\n", gh_escape(r.source, true), std::max<std::size_t>(r.line, 1),
                               gh_escape("vramplan not modelled (" + title(r) + ")", true),
                               gh_escape("the plan ignores " + not_modelled_text(f), false));
        }
        for (const std::string& n : r.notes) {
            out += fmt::format("::notice file={},line={}::{}\n", gh_escape(r.source, true), std::max<std::size_t>(r.line, 1),
                               gh_escape(n, false));
        }
    }
    return out;
}

std::string render_check_junit(const std::vector<DeploymentCheck>& results) {
    std::size_t failures = 0;
    std::size_t errors = 0;
    for (const DeploymentCheck& r : results) {
        errors += r.error.empty() ? 0 : 1;
        failures += r.error.empty() && !r.violations.empty() ? 1 : 0;
    }
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += fmt::format("<testsuites name=\"vramplan check\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n", results.size(), failures, errors);
    out += fmt::format("  <testsuite name=\"vramplan check\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n", results.size(), failures, errors);
    for (const DeploymentCheck& r : results) {
        out += fmt::format("    <testcase classname=\"{}\" name=\"{}\">\n", xml_escape(check_location(r, r.line)),
                           xml_escape(r.error.empty() ? title(r) : "deployment"));
        if (!r.error.empty()) {
            out += fmt::format("      <error message=\"{}\"/>\n", xml_escape(r.error));
        } else if (!r.violations.empty()) {
            std::string body;
            for (const Violation& v : r.violations) {
                body += std::string(rule_name(v.rule)) + ": " + violation_message(v) + (v.fix ? "\nfix: " + fix_text(*v.fix) : "") + "\n";
            }
            out += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", xml_escape(violation_message(r.violations.front())),
                               xml_escape(rule_name(r.violations.front().rule)), xml_escape(body));
        }
        if (r.error.empty() && !r.not_modelled.empty()) {
            // JUnit has no warning element: the lines go to system-out, where CI shows them.
            std::string body;
            for (const NotModelledFlag& f : r.not_modelled) {
                body += "warning: not modelled, the plan ignores " + not_modelled_text(f) + "\n";
            }
            out += fmt::format("      <system-out>{}</system-out>\n", xml_escape(body));
        }
        out += "    </testcase>\n";
    }
    out += "  </testsuite>\n</testsuites>\n";
    return out;
}


} // namespace vramplan

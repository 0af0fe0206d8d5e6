// `vramplan compare`: plans side by side, one column per scenario, with signed deltas against the
// first. Any vLLM flag may take a comma-separated list; several lists combine (at most 64
// scenarios). Text wraps its columns into blocks to fit the terminal; Markdown for pull requests.
#include "commands.hpp"
#include "plan_options.hpp"

#include <vramplan/coldstart.hpp>
#include <vramplan/io/errors.hpp>
#include <vramplan/io/sizes.hpp>
#include <vramplan/report/render.hpp>

#include <fmt/format.h>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>

namespace vramplan::cli {

namespace {

constexpr std::size_t k_max_scenarios = 64;

struct CompareOptions {
    PlanOptions vllm;
    std::string tp_list = "1";
    std::string pp_list = "1";
    std::string format = "text";
    std::string width;
    std::string presets;
};

/// "a,b,c" → {"a","b","c"}; "" → {""} (flag unset). An empty item in a list is an error.
std::vector<std::string> split(const std::string& s, const std::string& flag) {
    std::vector<std::string> out;
    if (s.empty()) {
        out.emplace_back();
        return out;
    }
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        out.push_back(item);
    }
    if (s.back() == ',') {
        out.emplace_back();
    }
    for (const std::string& x : out) {
        if (x.empty()) {
            throw InputError(flag + ": expected a comma-separated list without empty items, got '" + s + "'");
        }
    }
    return out;
}

struct Scenario {
    std::string label;
    Plan plan;
    std::string model;
};

/// One row: a label and a number per scenario (nullopt: not applicable), or text.
struct Row {
    std::string label;
    std::function<std::optional<double>(const Plan&)> value;
    int decimals = 2;
    std::string unit;
    std::function<std::string(const Plan&)> text;   ///< set for non-numeric rows
};

std::vector<Row> rows() {
    const auto w = [](const Plan& p) -> const WorkerPlan& { return p.workers[p.deciding_worker]; };
    const auto gib = [](SignedBytes b) { return static_cast<double>(b) / static_cast<double>(k_gib); };
    std::vector<Row> r;
    r.push_back({"utilization", [](const Plan& p) { return p.config.gpu_memory_utilization; }, 2, "", {}});
    r.push_back({"max-model-len", [](const Plan& p) { return static_cast<double>(p.config.max_model_len); }, 0, "", {}});
    r.push_back({"GPUs (TP x PP)", [](const Plan& p) { return static_cast<double>(p.request.tensor_parallel_size * p.request.pipeline_parallel_size); },
                 0, "", {}});
    r.push_back({"budget GiB", [=](const Plan& p) { return gib(to_signed(w(p).budget)); }, 2, "", {}});
    r.push_back({"  weights", [=](const Plan& p) { return gib(to_signed(w(p).weights)); }, 2, "", {}});
    r.push_back({"  activation peak", [=](const Plan& p) { return gib(to_signed(w(p).activation)); }, 2, "", {}});
    r.push_back({"  non-torch", [=](const Plan& p) { return gib(to_signed(w(p).non_torch)); }, 2, "", {}});
    r.push_back({"  CUDA graphs", [=](const Plan& p) { return gib(to_signed(w(p).cuda_graphs)); }, 2, "", {}});
    r.push_back({"  KV cache", [=](const Plan& p) { return gib(w(p).kv_cache); }, 2, "", {}});
    r.push_back({"CUDA context GiB", [=](const Plan& p) { return gib(to_signed(w(p).cuda_context)); }, 2, "", {}});
    r.push_back({"free GiB", [=](const Plan& p) { return gib(w(p).free); }, 2, "", {}});
    r.push_back({"KV tokens", [](const Plan& p) { return static_cast<double>(p.capacity.tokens); }, 0, "", {}});
    r.push_back({"max concurrency", [](const Plan& p) { return std::floor(p.capacity.max_concurrency * 100.0) / 100.0; }, 2, "x", {}});
    r.push_back({"snapshot image GiB", [](const Plan& p) {
                     return static_cast<double>(estimate_snapshot(p, SnapshotParams{}, std::nullopt).image_compressed) / static_cast<double>(k_gib);
                 }, 2, "", {}});
    r.push_back({"restore s (lower bound)", [](const Plan& p) { return estimate_snapshot(p, SnapshotParams{}, std::nullopt).restore_lower_s; }, 1, "", {}});
    r.push_back({"verdict", {}, 0, "", [](const Plan& p) {
                     return p.verdict.starts ? std::string("starts")
                                             : p.verdict.failure == Failure::graph_capture_oom ? std::string("OOM in graphs") : std::string("fails");
                 }});
    return r;
}

std::string number(double x, int decimals) { return decimals == 0 ? grouped(static_cast<std::uint64_t>(std::llround(std::max(0.0, x)))) : fixed(x, decimals); }

std::string cell(const Row& row, const Plan& p, const Plan& first, bool delta) {
    if (row.text) {
        return row.text(p);
    }
    const std::optional<double> v = row.value(p);
    if (!v) {
        return "-";
    }
    std::string s = (row.decimals == 0 && *v < 0 ? "-" + number(-*v, 0) : number(*v, row.decimals)) + row.unit;
    if (delta) {
        const double d = *v - *row.value(first);
        const double eps = row.decimals == 0 ? 0.5 : 0.5 * std::pow(10.0, -row.decimals);
        if (std::fabs(d) >= eps) {
            s += " (" + std::string(d > 0 ? "+" : "-") + number(std::fabs(d), row.decimals) + ")";
        }
    }
    return s;
}

/// --width as given (40 to 1000 columns), else $COLUMNS clamped to that range, else 80.
std::size_t terminal_width(const std::string& flag) {
    if (!flag.empty()) {
        return static_cast<std::size_t>(parse_count(flag, "--width", 1000, 40));
    }
    const char* env = std::getenv("COLUMNS");
    try {
        return env != nullptr ? std::clamp<std::size_t>(std::stoul(env), 40, 1000) : 80;
    } catch (const std::exception&) {
        return 80;
    }
}

std::string render_text(const std::vector<Scenario>& sc, std::size_t width) {
    const std::vector<Row> rs = rows();
    std::size_t label_w = 16;
    for (const Row& r : rs) {
        label_w = std::max(label_w, r.label.size());
    }
    std::vector<std::size_t> col_w;
    for (std::size_t i = 0; i < sc.size(); ++i) {
        std::size_t w = sc[i].label.size();
        for (const Row& r : rs) {
            w = std::max(w, cell(r, sc[i].plan, sc[0].plan, i > 0).size());
        }
        col_w.push_back(w);
    }
    // Blocks of columns that fit the width; the first column (the reference) repeats in each.
    std::string out;
    std::size_t start = 1;
    do {
        std::vector<std::size_t> cols{0};
        std::size_t used = label_w + 2 + col_w[0];
        while (start < sc.size() && (cols.size() == 1 || used + 2 + col_w[start] <= width)) {
            used += 2 + col_w[start];
            cols.push_back(start++);
        }
        if (!out.empty()) {
            out += "\n";
        }
        std::string head = fmt::format("{:<{}}", "", label_w);
        for (std::size_t c : cols) {
            head += fmt::format("  {:>{}}", sc[c].label, col_w[c]);
        }
        out += head + "\n";
        for (const Row& r : rs) {
            std::string line = fmt::format("{:<{}}", r.label, label_w);
            for (std::size_t c : cols) {
                line += fmt::format("  {:>{}}", cell(r, sc[c].plan, sc[0].plan, c > 0), col_w[c]);
            }
            out += line + "\n";
        }
    } while (start < sc.size());
    out += "\n(deltas against the first column; memory per GPU)\n";
    return out;
}

std::string render_markdown(const std::vector<Scenario>& sc) {
    std::string out = "| |";
    for (const Scenario& s : sc) {
        out += " " + s.label + " |";
    }
    out += "\n|---|";
    for (std::size_t i = 0; i < sc.size(); ++i) {
        out += "---:|";
    }
    out += "\n";
    for (const Row& r : rows()) {
        std::string label = r.label;
        while (!label.empty() && label.front() == ' ') {
            label.erase(label.begin());
        }
        out += "| " + label + " |";
        for (std::size_t i = 0; i < sc.size(); ++i) {
            out += ' ';
            out += cell(r, sc[i].plan, sc[0].plan, i > 0);
            out += " |";
        }
        out += "\n";
    }
    return out;
}

} // namespace

Action add_compare_command(CLI::App& app, const GlobalOptions& global) {
    auto opts = std::make_shared<CompareOptions>();
    CLI::App* cmd = app.add_subcommand("compare", "Plans side by side: any flag takes a comma-separated list (0.3,0.5,0.7,0.9)");
    PlanOptions& v = opts->vllm;
    cmd->add_option("--model,-m", v.model, "Model(s)");
    cmd->add_option("--gpu,-g", v.gpu, "GPU(s)");
    cmd->add_option("--gpu-memory", v.gpu_memory, "CUDA-visible total per GPU");
    cmd->add_option("--gpu-memory-utilization,--gpu_memory_utilization", v.utilization, "Utilization(s)");
    cmd->add_option("--max-model-len,--max_model_len", v.max_model_len, "Context length(s)");
    cmd->add_option("--tensor-parallel-size,--tensor_parallel_size", opts->tp_list, "TP size(s)");
    cmd->add_option("--pipeline-parallel-size,--pipeline_parallel_size", opts->pp_list, "PP size(s)");
    cmd->add_option("--dtype", v.dtype, "Model dtype(s)");
    cmd->add_option("--kv-cache-dtype,--kv_cache_dtype", v.kv_cache_dtype, "KV dtype(s)");
    cmd->add_option("--quantization,-q", v.quantization, "Quantization method(s)");
    cmd->add_option("--max-num-seqs,--max_num_seqs", v.max_num_seqs, "Max sequences");
    cmd->add_option("--max-num-batched-tokens,--max_num_batched_tokens", v.max_num_batched_tokens, "Max batched tokens");
    cmd->add_flag("--enforce-eager,--enforce_eager", v.enforce_eager, "No CUDA graphs");
    cmd->add_option("--other-processes-memory", v.other_processes_memory, "Memory other processes hold");
    cmd->add_option("--vllm-version", v.vllm_version, "vLLM release(s)");
    cmd->add_option("--engine", v.engine, "auto, v0 or v1");
    cmd->add_option("--entrypoint", v.entrypoint, "serve or llm")->check(CLI::IsMember({"serve", "llm"}));
    cmd->add_option("--preset", opts->presets, "Preset(s) filled in for each model and GPU (serverless-cold-start,balanced,…)");
    cmd->add_option("--format,-f", opts->format, "text, json or markdown")->check(CLI::IsMember({"text", "json", "markdown"}));
    cmd->add_option("--width", opts->width, "Terminal width for text (default: $COLUMNS, else 80)");
    return [opts, &global]() -> int {
        const CompareOptions& o = *opts;
        const Catalog catalog = Catalog::load(profile_directories(global));
        // One scenario's choices: the vLLM flags, and the preset to fill in (not a vLLM flag).
        struct Choice {
            PlanOptions vllm;
            std::string preset;
        };
        // Every list flag, as (name, values, setter).
        struct Axis {
            std::string flag;
            std::vector<std::string> values;
            std::function<void(Choice&, const std::string&)> set;
        };
        const PlanOptions& base = o.vllm;
        std::vector<Axis> axes{
            {"", split(base.model, "--model"), [](Choice& c, const std::string& x) { c.vllm.model = x; }},
            {"", split(base.gpu, "--gpu"), [](Choice& c, const std::string& x) { c.vllm.gpu = x; }},
            {"u", split(base.utilization, "--gpu-memory-utilization"), [](Choice& c, const std::string& x) { c.vllm.utilization = x; }},
            {"len", split(base.max_model_len, "--max-model-len"), [](Choice& c, const std::string& x) { c.vllm.max_model_len = x; }},
            {"tp", split(o.tp_list, "--tensor-parallel-size"), [](Choice& c, const std::string& x) {
                 try {
                     c.vllm.tp = static_cast<unsigned>(std::stoul(x));
                 } catch (const std::exception&) {
                     throw InputError("--tensor-parallel-size: expected integers from 1 to 1024, got '" + x + "'");
                 }
             }},
            {"pp", split(o.pp_list, "--pipeline-parallel-size"), [](Choice& c, const std::string& x) {
                 try {
                     c.vllm.pp = static_cast<unsigned>(std::stoul(x));
                 } catch (const std::exception&) {
                     throw InputError("--pipeline-parallel-size: expected integers from 1 to 1024, got '" + x + "'");
                 }
             }},
            {"", split(base.dtype, "--dtype"), [](Choice& c, const std::string& x) { c.vllm.dtype = x; }},
            {"kv", split(base.kv_cache_dtype, "--kv-cache-dtype"), [](Choice& c, const std::string& x) { c.vllm.kv_cache_dtype = x; }},
            {"q", split(base.quantization, "--quantization"), [](Choice& c, const std::string& x) { c.vllm.quantization = x; }},
            {"vLLM", split(base.vllm_version, "--vllm-version"), [](Choice& c, const std::string& x) { c.vllm.vllm_version = x; }},
            {"", split(o.presets, "--preset"), [](Choice& c, const std::string& x) { c.preset = x; }},
        };
        std::size_t count = 1;
        for (const Axis& a : axes) {
            count *= a.values.size();
            if (count > k_max_scenarios) {
                throw InputError("compare: at most " + std::to_string(k_max_scenarios) + " scenarios (the lists multiply)");
            }
        }
        std::vector<Scenario> scenarios;
        for (std::size_t i = 0; i < count; ++i) {
            Choice choice{base, ""};
            std::size_t rest = i;
            std::string label;
            for (auto it = axes.rbegin(); it != axes.rend(); ++it) {
                const std::size_t k = rest % it->values.size();
                rest /= it->values.size();
                it->set(choice, it->values[k]);
                if (it->values.size() > 1) {
                    label = (it->flag.empty() ? "" : it->flag + " ") + it->values[k] + (label.empty() ? "" : ", " + label);
                }
            }
            if (label.empty()) {
                label = "plan";
            }
            const PlanOptions& p = choice.vllm;
            const std::string& preset_id = choice.preset;
            if (!preset_id.empty() && !p.utilization.empty()) {
                throw InputError("--gpu-memory-utilization: a preset derives it; drop one of them");
            }
            BuiltRequest built = build_request(catalog, p, preset_id.empty());
            PlanRequest req = built.request;
            if (!preset_id.empty()) {
                const PresetPlan pp = solve_preset(catalog.preset(preset_id), req, !p.max_model_len.empty(), !p.max_num_seqs.empty(), 8);
                if (!pp.request) {
                    throw InputError("--preset " + preset_id + ": nothing fits (" + pp.why + ")");
                }
                req = *pp.request;
            }
            scenarios.push_back({label, make_plan(req), built.model.label});
        }
        if (o.format == "json") {
            nlohmann::json list = nlohmann::json::array();
            for (const Scenario& s : scenarios) {
                list.push_back({{"label", s.label}, {"plan", plan_json(s.plan, PlanContext{s.model, s.model, "", "", ""})}});
            }
            std::cout << nlohmann::json{{"schema_version", k_schema_version}, {"scenarios", list}}.dump(2) << "\n";
        } else if (o.format == "markdown") {
            std::cout << render_markdown(scenarios);
        } else {
            std::cout << render_text(scenarios, terminal_width(o.width));
        }
        return k_exit_ok;
    };
}

} // namespace vramplan::cli

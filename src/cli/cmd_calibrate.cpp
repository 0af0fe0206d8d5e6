// `vramplan calibrate LOG…`: measured terms from real vLLM startup logs, written as a calibration
// file for `plan --calibration`, or (`--check`) replayed through the planner term by term.
#include "commands.hpp"
#include "output.hpp"
#include "plan_options.hpp"
#include "terminal.hpp"

#include <vramplan/io/calibration.hpp>
#include <vramplan/io/catalog.hpp>
#include <vramplan/io/errors.hpp>
#include <vramplan/io/replay.hpp>
#include <vramplan/io/vllm_log.hpp>
#include <vramplan/report/render.hpp>
#include <vramplan/report/replay.hpp>

#include <iostream>
#include <memory>

namespace vramplan::cli {

namespace {

struct CalibrateOptions {
    std::vector<std::string> logs;
    std::string output;
    std::string gpu;
    std::string model;
    std::string vllm_version;
    bool check = false;
    std::string format = "text";
};

} // namespace

Action add_calibrate_command(CLI::App* cmd, const GlobalOptions& global) {
    auto opts = std::make_shared<CalibrateOptions>();
    cmd->add_option("logs", opts->logs, "vLLM startup logs (any era; INFO or DEBUG)")->required();
    cmd->add_option("--output,-o", opts->output, "Calibration file to write (default, or -: print it)");
    cmd->add_option("--gpu,-g", opts->gpu, "GPU catalog id (default: inferred from the logged total memory)");
    cmd->add_option("--model,-m", opts->model, "Model (default: the one the log names)");
    cmd->add_option("--vllm-version", opts->vllm_version, "vLLM release (default: the logged one, else dated from the wording)");
    cmd->add_flag("--check", opts->check, "Replay each log through the planner and print predicted vs logged, term by term");
    cmd->add_option("--format,-f", opts->format, "text or json (--check)")->check(CLI::IsMember({"text", "json"}));
    return [opts, &global]() -> int {
        const CalibrateOptions& o = *opts;
        const Catalog catalog = Catalog::load(profile_directories(global));
        if (o.check && !o.output.empty()) {
            throw InputError("--output: --check prints a report and writes no calibration file; drop one of them");
        }
        if (!o.check && o.format != "text") {
            throw InputError("--format: only --check has a JSON report (the calibration file is JSON already)");
        }
        check_output_path("-o", o.output);   // before the logs are read: one line, nothing else
        CalibrationFile file;
        std::string text;
        nlohmann::json checks = nlohmann::json::array();
        int failed = 0;
        bool outcome_mismatch = false;
        // Every log is read, and every run in it (split_vllm_runs) is replayed on its own: a file
        // holding two runs never calibrates a configuration that never ran. Any input that cannot
        // be read gets its own line on stderr and makes the whole command exit 2 with nothing on
        // stdout and no file written: no report that looks complete while an input is missing.
        std::vector<std::string> run_notes;
        for (const std::string& path : o.logs) {
            bool ok = true;
            try {
                const std::string log_text = read_file(path, std::size_t{256} << 20, "a vLLM startup log");
                const std::vector<LogRun> runs = split_vllm_runs(log_text);
                for (std::size_t i = 0; i < runs.size(); ++i) {
                    const std::string label = runs.size() == 1 ? path
                                                               : path + " (run " + std::to_string(i + 1) + " of " + std::to_string(runs.size()) + ", lines " +
                                                                     std::to_string(runs[i].first_line) + "-" + std::to_string(runs[i].last_line) + ")";
                    try {
                        const Replayed r = replay_log_text(catalog, std::string(log_run_text(log_text, runs[i])), label,
                                                           ReplayOverrides{o.gpu, o.model, o.vllm_version}, runs[i].first_line);
                        const CalibrationEntry e = calibration_entry(label, r);
                        if (o.check) {
                            text += (text.empty() ? "" : "\n") + render_replay_check(label, r);
                            checks.push_back(calibration_json(CalibrationFile{{e}})["entries"][0]);
                            outcome_mismatch = outcome_mismatch || r.plan.verdict.starts == r.log.error.has_value();
                        } else {
                            file.entries.push_back(e);
                            for (const std::string& n : r.notes) {
                                run_notes.push_back("vramplan: note: " + label + ": " + n + "\n");
                            }
                        }
                    } catch (const InputError& e) {
                        std::cerr << "vramplan: error: " << one_line(e.what()) << "\n";
                        ok = false;
                    }
                }
            } catch (const InputError& e) {
                std::cerr << "vramplan: error: " << one_line(e.what()) << "\n";
                ok = false;
            }
            failed += ok ? 0 : 1;
        }
        if (failed > 0) {
            if (o.logs.size() > 1) {
                std::cerr << "vramplan: error: " << failed << " of " << o.logs.size() << " logs could not be read; "
                          << (o.check ? "no report printed" : "no calibration file written") << "\n";
            }
            return k_exit_usage;
        }
        if (o.check) {
            if (o.format == "json") {
                std::cout << nlohmann::json{{"schema_version", k_schema_version}, {"checks", checks}}.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
            } else {
                print_text(text);
            }
            return outcome_mismatch ? k_exit_fails : k_exit_ok;
        }
        for (const std::string& n : run_notes) {
            std::cerr << n;
        }
        const std::string out = calibration_json(file).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        if (o.output.empty() || is_stdout(o.output)) {
            std::cout << out;
        } else {
            write_output("-o", o.output, out);
            std::cerr << "vramplan: wrote " << file.entries.size() << " calibration entr" << (file.entries.size() == 1 ? "y" : "ies") << " to "
                      << o.output << "\n";
        }
        return k_exit_ok;
    };
}

} // namespace vramplan::cli

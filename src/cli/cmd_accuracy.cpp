// `vramplan accuracy FILE.jsonl`: per-record and summary error of the planner against real logs.
#include "commands.hpp"
#include "terminal.hpp"

#include <vramplan/report/accuracy.hpp>

#include <iostream>
#include <memory>

namespace vramplan::cli {

namespace {

struct AccuracyOptions {
    std::string file;
    std::string configs;
    std::string format = "text";
};

} // namespace

Action add_accuracy_command(CLI::App* cmd, const GlobalOptions& global) {
    auto opts = std::make_shared<AccuracyOptions>();
    cmd->add_option("file", opts->file, "Records in the format of vllm-logs-dev.jsonl")->required();
    cmd->add_option("--configs", opts->configs, "Directory of <config>/config.json folders (default: configs/ beside the file)");
    cmd->add_option("--format,-f", opts->format, "text or json")->check(CLI::IsMember({"text", "json"}));
    return [opts, &global]() -> int {
        const Catalog catalog = Catalog::load(profile_directories(global));
        const std::vector<RecordScore> scores = score_records(catalog, opts->file, opts->configs);
        const std::vector<AccuracySummaryRow> summary = summarize(scores);
        if (opts->format == "json") {
            std::cout << accuracy_json(scores, summary).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        } else {
            print_text(render_accuracy_text(scores, summary));
        }
        return k_exit_ok;
    };
}

} // namespace vramplan::cli

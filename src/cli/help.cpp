// `--help` fitted to the terminal, with examples and exit statuses (help.hpp).
#include "help.hpp"

#include "commands.hpp"
#include "plan_options.hpp"
#include "terminal.hpp"

#include <vramplan/report/wrap.hpp>

#include <algorithm>
#include <sstream>

namespace vramplan::cli {

namespace {

constexpr std::size_t k_description_column = 30;   // CLI11's, and generated_docs.sh's

/// What a command's help ends with. Examples use catalog ids, so they run without a network.
struct CommandHelp {
    std::string_view command;
    std::vector<Example> examples;
    std::vector<ExitStatus> exit_statuses;
};

const ExitStatus k_usage_error{k_exit_usage, "usage or input error: one line on stderr names the flag or file and what was expected"};

const std::vector<CommandHelp>& command_help() {
    static const std::vector<CommandHelp> rows{
        {"",
         {{"Does Llama 3.1 8B start on one L4 with an 8k context, and how many requests fit?",
           "vramplan plan -g l4 -m llama-3.1-8b-instruct --max-model-len 8192"},
          {"The lowest utilization that serves 16 requests of 4,096 tokens at once",
           "vramplan recommend -g a10 -m qwen2.5-1.5b-instruct --concurrency 16 --max-model-len 4096"},
          {"Three utilizations side by side", "vramplan compare -g a10 --gpu-memory-utilization 0.5,0.7,0.9"},
          {"A CI gate for a vllm serve line", "vramplan check -g a10 -- vllm serve Qwen/Qwen2.5-1.5B-Instruct --max-model-len 8192"}},
         {{k_exit_ok, "vLLM would start, a check passed, or a listing or report was printed"},
          {k_exit_fails, "vLLM would not start, a check failed, or no recommendation fits"},
          k_usage_error}},
        {"plan",
         {{"Does it start, where does the memory go, how many requests fit?",
           "vramplan plan -g l4 -m llama-3.1-8b-instruct --max-model-len 8192"},
          {"Two GPUs, tensor parallel, as vLLM spells it", "vramplan plan -g a10 -m llama-3.1-8b-instruct -tp 2"},
          {"Every formula with its numbers", "vramplan plan --explain"},
          {"The plan for scripts", "vramplan plan -g h100-sxm -m llama-3.3-70b-instruct -tp 4 --format json"}},
         {{k_exit_ok, "vLLM would start"}, {k_exit_fails, "vLLM would not start (the verdict says why)"}, k_usage_error}},
        {"gpus", {{"The GPUs vramplan knows, with their CUDA-visible memory", "vramplan gpus"}}, {{k_exit_ok, "the list was printed"}, k_usage_error}},
        {"models", {{"The models known by name", "vramplan models"}}, {{k_exit_ok, "the list was printed"}, k_usage_error}},
        {"presets", {{"The recommendation presets, for recommend --preset and compare --preset", "vramplan presets"}},
         {{k_exit_ok, "the list was printed"}, k_usage_error}},
        {"show", {{"One GPU profile as JSON", "vramplan show gpu h100-sxm"}, {"One preset as JSON", "vramplan show preset balanced"}},
         {{k_exit_ok, "the entry was printed"}, k_usage_error}},
        {"accuracy",
         {{"The planner's error against recorded vLLM startups (one JSON record a line)", "vramplan accuracy startups.jsonl"}},
         {{k_exit_ok, "the report was printed"}, k_usage_error}},
        {"calibrate",
         {{"Measured terms from a real startup log, for plan --calibration", "vramplan calibrate vllm-startup.log -o calib.json"},
          {"Predicted against logged, term by term", "vramplan calibrate --check vllm-startup.log"}},
         {{k_exit_ok, "the calibration file was written; with --check, every log's outcome matches the plan's verdict"},
          {k_exit_fails, "with --check: a log started where the plan says vLLM fails, or the reverse"},
          {k_exit_usage, "usage or input error, or a log could not be read"}}},
        {"recommend",
         {{"The lowest utilization for 16 requests of 4,096 tokens",
           "vramplan recommend -g a10 -m qwen2.5-1.5b-instruct --concurrency 16 --max-model-len 4096"},
          {"The longest context that fits", "vramplan recommend -g l4 -m llama-3.1-8b-instruct --fit-max-model-len"},
          {"A preset as a vllm serve --config file",
           "vramplan recommend -g a10 -m qwen2.5-1.5b-instruct --preset serverless-cold-start --format yaml"}},
         {{k_exit_ok, "a recommendation was printed"}, {k_exit_fails, "no recommendation: nothing fits the goal"}, k_usage_error}},
        {"check",
         {{"Gate a vllm serve line", "vramplan check -g a10 -- vllm serve Qwen/Qwen2.5-1.5B-Instruct --max-model-len 8192"},
          {"Every deployment in a directory, as GitHub annotations", "vramplan check --policy vramplan-policy.json --format github deploy/"},
          {"Scripts and YAML files against flags", "vramplan check -g l4 --max-vram 12GiB --min-concurrency 8 serve.sh vllm-config.yaml"}},
         {{k_exit_ok, "every deployment passes"},
          {k_exit_fails, "a deployment fails the policy or would not start"},
          {k_exit_usage, "usage or input error, or a deployment could not be read (no report)"}}},
        {"compare",
         {{"Utilizations side by side", "vramplan compare -g a10 -m qwen2.5-1.5b-instruct --gpu-memory-utilization 0.3,0.5,0.9"},
          {"One model on three GPUs", "vramplan compare -g a10,l4,l40s -m llama-3.1-8b-instruct"},
          {"Two presets, as Markdown for a pull request", "vramplan compare -g a10 --preset balanced,max-throughput --format markdown"}},
         {{k_exit_ok, "the comparison was printed (whether each plan starts is in it)"}, k_usage_error}},
        {"calibrate-restore",
         {{"Fit restore times to two measured snapshots",
           "vramplan calibrate-restore -g a10 --max-model-len 2048 --point 0.9:63:121 --point 0.5:25:11 -o a10-restore.json"}},
         {{k_exit_ok, "the fit was printed (and written with -o)"}, k_usage_error}},
        {"sweep",
         {{"Every utilization from 0.2 to 0.95 for two context lengths, with a plot",
           "vramplan sweep -g a10 --gpu-memory-utilization 0.2:0.95:0.05 --max-model-len 2048,8192 --plot sweep.svg"},
          {"The same as CSV", "vramplan sweep -g a10 --gpu-memory-utilization 0.2:0.95:0.05 --format csv"}},
         {{k_exit_ok, "the table was printed (whether each plan starts is in it)"}, k_usage_error}},
    };
    return rows;
}

const CommandHelp* find_help(std::string_view command) {
    const auto& rows = command_help();
    const auto it = std::find_if(rows.begin(), rows.end(), [&](const CommandHelp& h) { return h.command == command; });
    return it == rows.end() ? nullptr : &*it;
}

std::string vllm_short_names(const CLI::Option* opt) {
    std::string out;
    for (const auto& [short_name, long_name] : vllm_short_flags()) {
        for (const std::string& l : opt->get_lnames()) {
            if ("--" + l == long_name) {
                out += short_name + ",";
            }
        }
    }
    return out;
}

} // namespace

std::vector<Example> examples_for(std::string_view command) {
    const CommandHelp* h = find_help(command);
    return h != nullptr ? h->examples : std::vector<Example>{};
}

std::vector<ExitStatus> exit_statuses_for(std::string_view command) {
    const CommandHelp* h = find_help(command);
    return h != nullptr ? h->exit_statuses : find_help("")->exit_statuses;
}

std::vector<std::string_view> commands_with_examples() {
    std::vector<std::string_view> out;
    for (const CommandHelp& h : command_help()) {
        if (!h.examples.empty()) {
            out.push_back(h.command);
        }
    }
    return out;
}

std::string wrap_command(const std::string& indent, const std::string& command, std::size_t width) {
    const std::size_t room = width > 2 ? width - 2 : width;   // for the " \" of a broken line
    const std::string wrapped = wrap_paragraph(indent, command, indent.size() + 4, room);
    std::string out;
    std::istringstream lines(wrapped);
    std::string line;
    bool first = true;
    while (std::getline(lines, line)) {
        out += (first ? "" : " \\\n") + line;
        first = false;
    }
    return out + "\n";
}

std::string HelpFormatter::make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const {
    m_width = terminal_width();
    std::string help = CLI::Formatter::make_help(app, std::move(name), mode);
    // CLI11 puts two blank lines before "Subcommands:" (after the hidden options' group): one.
    for (std::size_t at = help.find("\n\n\n"); at != std::string::npos; at = help.find("\n\n\n", at)) {
        help.erase(at, 1);
    }
    return help;
}

std::string HelpFormatter::entry(const std::string& name, const std::string& description) const {
    const std::size_t column = std::min(k_description_column, m_width / 2);
    std::string first = "  " + name;
    if (description.empty()) {
        return first + "\n";
    }
    std::string out;
    if (display_width(first) + 2 > column) {
        out = first + "\n";
        first.clear();
    }
    first.append(column - display_width(first), ' ');
    std::istringstream paragraphs(description);
    for (std::string paragraph; std::getline(paragraphs, paragraph);) {
        out += wrap_paragraph(first, paragraph, column, m_width) + "\n";
        first.assign(column, ' ');
    }
    return out;
}

std::string HelpFormatter::make_option(const CLI::Option* opt, bool is_positional) const {
    return entry(make_option_name(opt, is_positional) + make_option_opts(opt), make_option_desc(opt));
}

std::string HelpFormatter::make_option_name(const CLI::Option* opt, bool is_positional) const {
    const std::string names = CLI::Formatter::make_option_name(opt, is_positional);
    return is_positional ? names : vllm_short_names(opt) + names;
}

std::string HelpFormatter::make_subcommand(const CLI::App* sub) const { return entry(sub->get_display_name(true), sub->get_description()); }

std::string HelpFormatter::make_description(const CLI::App* app) const {
    // Prose paragraphs: continuation lines start at the margin ("vramplan: …" is no tag).
    std::string out;
    std::istringstream paragraphs(CLI::Formatter::make_description(app));
    for (std::string paragraph; std::getline(paragraphs, paragraph);) {
        out += wrap_paragraph("", paragraph, 0, m_width) + "\n";
    }
    return out;
}

std::string HelpFormatter::make_usage(const CLI::App* app, std::string name) const {
    return wrap_text(CLI::Formatter::make_usage(app, std::move(name)), m_width);
}

std::string HelpFormatter::make_footer(const CLI::App* app) const {
    const std::string command = app->get_parent() != nullptr ? app->get_name() : "";
    std::string out;
    if (const std::vector<Example> examples = examples_for(command); !examples.empty()) {
        out += "Examples:\n";
        for (const Example& e : examples) {
            out += wrap_text(std::string("  ") + e.what + "\n", m_width) + wrap_command("    ", e.command, m_width);
        }
        out += "\n";
    }
    out += "Exit status:\n";
    std::string statuses;
    for (const ExitStatus& s : exit_statuses_for(command)) {
        statuses += "  " + std::to_string(s.code) + "  " + s.meaning + "\n";
    }
    out += wrap_text(statuses, m_width);
    const std::string footer = CLI::Formatter::make_footer(app);
    return footer.empty() ? out : out + "\n" + wrap_text(footer, m_width);
}

} // namespace vramplan::cli

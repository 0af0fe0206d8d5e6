// The vramplan command line: the app, its parsing and the dispatch to a command (app.hpp).
#include "app.hpp"

#include "generate.hpp"
#include "help.hpp"
#include "usage.hpp"
#include "plan_options.hpp"

#include <vramplan/io/deadline.hpp>
#include <vramplan/io/errors.hpp>
#include <vramplan/io/sizes.hpp>
#include <vramplan/report/render.hpp>
#include <vramplan/version.hpp>

#include <algorithm>
#include <iostream>

namespace vramplan::cli {

std::unique_ptr<Cli> make_cli(const std::vector<std::string>& args) {
    auto cli = std::make_unique<Cli>();
    CLI::App& app = cli->app;
    app.description("vramplan: where every byte of the GPU goes when vLLM starts, before you launch it.\n"
                    "Models vLLM " + k_oldest_modelled.str() + " to " + k_newest_modelled.str() + " (V0 and V1 engines).");
    app.name("vramplan");
    // Before the subcommands: each takes its parent's formatter.
    app.formatter(std::make_shared<HelpFormatter>());
    app.set_version_flag("--version", std::string("vramplan ") + k_tool_version + " (models vLLM up to " + k_newest_modelled.str() +
                                          ", JSON schema " + std::to_string(k_schema_version) + ")");
    app.add_option("--profiles", cli->global.profile_dirs, "Extra profile directory (gpus/, models/); repeatable; overrides embedded profiles")
        ->check(CLI::ExistingDirectory)
        ->allow_extra_args(false);
    app.add_option("--timeout", cli->global.timeout,
                   "Deadline in seconds for all outside work of the run: Hugging Face Hub requests and nvidia-smi (default " +
                       std::to_string(k_default_timeout_s) + ")")
        ->type_name("SECONDS")
        ->allow_extra_args(false);
    // Hidden (no group): the man page, shell completions and catalog ids, for the build and the
    // completion scripts (src/cli/generate.hpp).
    app.add_option("--generate", cli->generate_what, "Print the man page, a completion script or catalog ids")
        ->check(CLI::IsMember(k_generate_kinds))
        ->group("");
    app.require_subcommand(0, 1);
    app.fallthrough();
    // Every command is listed, but only the one named on the command line gets its options: CLI11
    // checks each new option against the others, and registering all of them was most of the
    // start-up time of `vramplan --version`. --generate (man page, completions) needs them all.
    const auto named = [&args](const std::string& word) { return std::find(args.begin(), args.end(), word) != args.end(); };
    const bool all = std::any_of(args.begin(), args.end(), [](const std::string& a) { return a.rfind("--generate", 0) == 0; });
    for (const Command& c : k_commands) {
        CLI::App* sub = app.add_subcommand(c.name, c.description);
        if (all || named(c.name)) {
            cli->actions.emplace_back(c.name, c.add(sub, cli->global));
        }
    }
    return cli;
}

std::vector<std::string> arguments(int argc, char** argv) {
    // CLI11 takes them last first. vLLM's two-letter short flags (-tp, -pp) are not valid CLI11
    // names: spelt out.
    std::vector<std::string> args;
    for (int i = argc - 1; i >= 1; --i) {
        std::string a = argv[i];
        for (const auto& [short_name, long_name] : vllm_short_flags()) {
            const std::string with_value = std::string(short_name) + "=";
            if (a == short_name) {
                a = long_name;
            } else if (a.rfind(with_value, 0) == 0) {
                a = long_name + a.substr(with_value.size() - 1);
            }
        }
        args.push_back(a);
    }
    return args;
}

namespace {

/// An option given an empty value (`--model ''`, `--gpu=`) is an error, never "not given": the
/// one number grammar (issue 16) has no empty number, and an empty name would plan the default
/// scenario. Flags and the positional vLLM command (whose words may be empty) are not checked.
void refuse_empty_values(const CLI::App& app) {
    for (const CLI::Option* opt : app.get_options()) {
        if (opt->get_positional() || opt->get_expected_max() == 0 || opt->count() == 0) {
            continue;
        }
        for (const std::string& value : opt->results()) {
            if (value.empty()) {
                throw InputError(opt->get_name(), "expected a value, got ''");
            }
        }
    }
    for (const CLI::App* sub : app.get_subcommands()) {
        refuse_empty_values(*sub);
    }
}

} // namespace

std::optional<int> parse(Cli& cli, std::vector<std::string> args) {
    CLI::App& app = cli.app;
    try {
        app.parse(args);
        refuse_empty_values(app);
    } catch (const CLI::CallForHelp&) {
        std::cout << app.help();
        return k_exit_ok;
    } catch (const CLI::CallForAllHelp&) {
        std::cout << app.help("", CLI::AppFormatMode::All);
        return k_exit_ok;
    } catch (const CLI::CallForVersion&) {
        std::cout << app.version() << "\n";
        return k_exit_ok;
    } catch (const CLI::ParseError& e) {
        std::cerr << "vramplan: error: " << one_line(usage_error(app, e)) << "\n";
        return k_exit_usage;
    } catch (const InputError& e) {
        std::cerr << "vramplan: error: " << one_line(e.what()) << "\n";
        return k_exit_usage;
    }
    return std::nullopt;
}

int run(Cli& cli) {
    try {
        // Given and empty is an error, as for every number; not given is the default.
        const bool timeout_given = cli.app.get_option("--timeout")->count() > 0;
        set_run_deadline(timeout_given ? parse_count(cli.global.timeout, "--timeout", k_max_timeout_s) : k_default_timeout_s);
        if (!cli.generate_what.empty()) {
            return generate(cli.app, cli.generate_what, cli.global);
        }
        for (CLI::App* sub : cli.app.get_subcommands()) {
            for (const auto& [name, action] : cli.actions) {
                if (name == sub->get_name()) {
                    return action();
                }
            }
        }
        std::cout << cli.app.help();
        return k_exit_ok;
    } catch (const InputError& e) {
        std::cerr << "vramplan: error: " << one_line(e.what()) << "\n";
    } catch (const OverflowError& e) {
        std::cerr << "vramplan: error: input too large: " << one_line(e.what()) << "\n";
    } catch (const std::bad_alloc&) {
        std::cerr << "vramplan: error: out of memory\n";
    } catch (const std::exception& e) {
        std::cerr << "vramplan: error: " << one_line(e.what()) << "\n";
    }
    return k_exit_usage;
}

} // namespace vramplan::cli

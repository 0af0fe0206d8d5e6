// The vramplan command line: the app, its parsing and the dispatch to a command (app.hpp).
#include "app.hpp"

#include "generate.hpp"
#include "plan_options.hpp"

#include <vramplan/io/errors.hpp>
#include <vramplan/report/render.hpp>
#include <vramplan/version.hpp>

#include <algorithm>
#include <iostream>

namespace vramplan::cli {

namespace {

/// CLI11's parse errors in vramplan's words: what was wrong, a suggestion for a misspelt command
/// or flag, and where help is. One line.
std::string usage_error(const CLI::App& app, const CLI::ParseError& e) {
    using vramplan::unknown_name_message;
    const CLI::App* sub = app.get_subcommands().empty() ? nullptr : app.get_subcommands().front();
    const std::string help = sub != nullptr ? " (see vramplan " + sub->get_name() + " --help)" : " (see vramplan --help)";
    std::string msg = e.what();
    msg = msg.substr(0, msg.find('\n'));
    if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
        const std::vector<std::string> extras = app.remaining(true);
        auto flag = std::find_if(extras.begin(), extras.end(), [](const std::string& a) { return a.size() > 1 && a[0] == '-'; });
        if (flag != extras.end()) {
            const std::string name = flag->substr(0, flag->find('='));
            std::vector<std::string> known;
            for (const CLI::App* a : {sub, &app}) {
                if (a == nullptr) {
                    continue;
                }
                for (const CLI::Option* o : a->get_options([](const CLI::Option* x) { return !x->get_group().empty(); })) {
                    for (const std::string& l : o->get_lnames()) {
                        known.push_back("--" + l);
                    }
                }
            }
            return (sub != nullptr ? sub->get_name() + ": " : "") + unknown_name_message("flag", name, known) + help;
        }
        if (!extras.empty() && sub == nullptr) {
            std::vector<std::string> commands;
            for (const CLI::App* c : app.get_subcommands({})) {
                commands.push_back(c->get_name());
            }
            return unknown_name_message("command", extras.front(), commands) + help;
        }
        if (!extras.empty()) {
            return sub->get_name() + ": unexpected argument '" + extras.front() + "'" + help;
        }
    }
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr && msg.find("missing") != std::string::npos) {
        return msg.substr(0, msg.find(": ")) + ": expected a value" + help;
    }
    return msg + help;
}

} // namespace

std::unique_ptr<Cli> make_cli() {
    auto cli = std::make_unique<Cli>();
    CLI::App& app = cli->app;
    app.description("vramplan: where every byte of the GPU goes when vLLM starts, before you launch it.\n"
                    "Models vLLM " + k_oldest_modelled.str() + " to " + k_newest_modelled.str() + " (V0 and V1 engines).");
    app.name("vramplan");
    app.set_version_flag("--version", std::string("vramplan ") + k_tool_version + " (models vLLM up to " + k_newest_modelled.str() +
                                          ", JSON schema " + std::to_string(k_schema_version) + ")");
    app.add_option("--profiles", cli->global.profile_dirs, "Extra profile directory (gpus/, models/); repeatable; overrides embedded profiles")
        ->check(CLI::ExistingDirectory)
        ->allow_extra_args(false);
    // Hidden (no group): the man page, shell completions and catalog ids, for the build and the
    // completion scripts (src/cli/generate.hpp).
    app.add_option("--generate", cli->generate_what, "Print the man page, a completion script or catalog ids")
        ->check(CLI::IsMember(k_generate_kinds))
        ->group("");
    app.require_subcommand(0, 1);
    app.fallthrough();
    for (const Command& c : k_commands) {
        cli->actions.emplace_back(c.name, c.add(app, cli->global));
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

std::optional<int> parse(Cli& cli, std::vector<std::string> args) {
    CLI::App& app = cli.app;
    try {
        app.parse(args);
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
    }
    return std::nullopt;
}

int run(Cli& cli) {
    try {
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

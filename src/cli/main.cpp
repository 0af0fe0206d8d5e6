// vramplan: plans vLLM's GPU memory before launch. A thin driver over the library.
#include "commands.hpp"

#include <vramplan/bytes.hpp>
#include <vramplan/io/errors.hpp>
#include <vramplan/report/render.hpp>
#include <vramplan/version.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

int main(int argc, char** argv) {
    using namespace vramplan;
    CLI::App app{"vramplan: where every byte of the GPU goes when vLLM starts, before you launch it.\n"
                 "Models vLLM " + k_oldest_modelled.str() + " to " + k_newest_modelled.str() + " (V0 and V1 engines)."};
    app.name("vramplan");
    app.set_version_flag("--version", std::string("vramplan ") + k_tool_version + " (models vLLM up to " + k_newest_modelled.str() +
                                          ", JSON schema " + std::to_string(k_schema_version) + ")");
    cli::GlobalOptions global;
    app.add_option("--profiles", global.profile_dirs, "Extra profile directory (gpus/, models/); repeatable; overrides embedded profiles")
        ->check(CLI::ExistingDirectory)
        ->allow_extra_args(false);
    app.require_subcommand(0, 1);
    app.fallthrough();
    cli::Action plan = cli::add_plan_command(app, global);
    cli::Action gpus = cli::add_gpus_command(app, global);
    cli::Action models = cli::add_models_command(app, global);
    cli::Action show = cli::add_show_command(app, global);
    cli::Action accuracy = cli::add_accuracy_command(app, global);
    cli::Action calibrate = cli::add_calibrate_command(app, global);
    cli::Action recommend = cli::add_recommend_command(app, global);
    cli::Action check = cli::add_check_command(app, global);
    cli::Action compare = cli::add_compare_command(app, global);
    cli::Action calibrate_restore = cli::add_calibrate_restore_command(app, global);
    cli::Action sweep = cli::add_sweep_command(app, global);
    // vLLM's two-letter short flags (-tp, -pp) are not valid CLI11 names; spell them out.
    std::vector<std::string> args;
    for (int i = argc - 1; i >= 1; --i) {
        std::string a = argv[i];
        for (const auto& [short_name, long_name] : {std::pair<std::string, std::string>{"-tp", "--tensor-parallel-size"}, {"-pp", "--pipeline-parallel-size"}}) {
            if (a == short_name) {
                a = long_name;
            } else if (a.rfind(short_name + "=", 0) == 0) {
                a = long_name + a.substr(short_name.size());
            }
        }
        args.push_back(a);
    }
    try {
        app.parse(args);
    } catch (const CLI::CallForHelp&) {
        std::cout << app.help();
        return cli::k_exit_ok;
    } catch (const CLI::CallForAllHelp&) {
        std::cout << app.help("", CLI::AppFormatMode::All);
        return cli::k_exit_ok;
    } catch (const CLI::CallForVersion&) {
        std::cout << app.version() << "\n";
        return cli::k_exit_ok;
    } catch (const CLI::ParseError& e) {
        std::string msg = e.what();
        msg = msg.substr(0, msg.find('\n'));
        std::cerr << "vramplan: error: " << msg << " (see --help)\n";
        return cli::k_exit_usage;
    }
    try {
        for (CLI::App* sub : app.get_subcommands()) {
            const std::string name = sub->get_name();
            if (name == "plan") {
                return plan();
            }
            if (name == "gpus") {
                return gpus();
            }
            if (name == "models") {
                return models();
            }
            if (name == "show") {
                return show();
            }
            if (name == "accuracy") {
                return accuracy();
            }
            if (name == "calibrate") {
                return calibrate();
            }
            if (name == "recommend") {
                return recommend();
            }
            if (name == "check") {
                return check();
            }
            if (name == "compare") {
                return compare();
            }
            if (name == "calibrate-restore") {
                return calibrate_restore();
            }
            if (name == "sweep") {
                return sweep();
            }
        }
        std::cout << app.help();
        return cli::k_exit_ok;
    } catch (const InputError& e) {
        std::cerr << "vramplan: error: " << e.what() << "\n";
    } catch (const OverflowError& e) {
        std::cerr << "vramplan: error: input too large: " << e.what() << "\n";
    } catch (const std::bad_alloc&) {
        std::cerr << "vramplan: error: out of memory\n";
    } catch (const std::exception& e) {
        std::cerr << "vramplan: error: " << e.what() << "\n";
    }
    return cli::k_exit_usage;
}

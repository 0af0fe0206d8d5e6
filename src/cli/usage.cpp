// CLI11's parse errors in vramplan's words (usage.hpp).
#include "usage.hpp"

#include "plan_options.hpp"

#include <vramplan/io/errors.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace vramplan::cli {

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
            // Every spelling of every option, as one suggestion per option; vLLM's two-letter
            // short forms (-tp) too, which are spelt out before CLI11 sees them.
            std::vector<NameCandidate> known;
            for (const CLI::App* a : {sub, &app}) {
                if (a == nullptr) {
                    continue;
                }
                for (const CLI::Option* o : a->get_options([](const CLI::Option* x) { return !x->get_group().empty(); })) {
                    const std::vector<std::string>& names = o->get_lnames();
                    if (names.empty()) {
                        continue;
                    }
                    const std::string target = "--" + names.front();
                    for (const std::string& l : names) {
                        known.push_back({"--" + l, target});
                    }
                    for (const auto& [short_name, long_name] : vllm_short_flags()) {
                        if (std::find(names.begin(), names.end(), long_name.substr(2)) != names.end()) {
                            known.push_back({short_name, target});
                        }
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

} // namespace vramplan::cli

#include "vllm_argv.hpp"

#include <vramplan/engine_args.hpp>
#include <vramplan/io/errors.hpp>

#include <algorithm>
#include <optional>
#include <utility>

namespace vramplan {

using std::string_view;

namespace {

/// The row named `name` exactly (normalised: "tp" and "--tp" are not the short form -tp).
const EngineArg* known_flag(string_view name) {
    const EngineArg* a = find_engine_arg(name);
    return a != nullptr && (a->name == name || a->alias == name) ? a : nullptr;
}

} // namespace

bool is_vllm_switch(string_view name) {
    if (const EngineArg* a = known_flag(name); a != nullptr) {
        return a->is_switch();
    }
    return find_negated_switch(name) != nullptr;
}

bool vllm_flag_takes_value(string_view name) {
    const EngineArg* a = known_flag(name);
    return a != nullptr && !a->is_switch();
}

namespace {

/// argparse's negative-number pattern (`^-\d+$|^-\d*\.\d+$`): such a token is a value.
bool is_negative_number(string_view s) {
    if (s.size() < 2 || s[0] != '-') {
        return false;
    }
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    const std::size_t dot = s.find('.');
    const string_view whole = s.substr(1, dot == string_view::npos ? string_view::npos : dot - 1);
    if (!std::all_of(whole.begin(), whole.end(), digit)) {
        return false;
    }
    if (dot == string_view::npos) {
        return !whole.empty();
    }
    const string_view frac = s.substr(dot + 1);
    return !frac.empty() && std::all_of(frac.begin(), frac.end(), digit);
}

bool is_option(string_view s) { return s.size() > 1 && s[0] == '-' && !is_negative_number(s); }

bool is_true_or_false(const std::string& lower) { return lower == "true" || lower == "false"; }

/// Turns the words of one command, from `first`, into flags.
class ArgvParser {
public:
    ArgvParser(const std::vector<ShellWord>& w, const std::string& source, ArgvMode mode, Deployment& d)
        : m_w(w), m_source(source), m_strict(mode == ArgvMode::strict), m_d(d) {}

    void run(std::size_t first) {
        const std::string model_name(engine_arg_for(PlanField::model).name);
        const bool positional_model = m_d.entrypoint != "api_server";
        bool dashdash = false;
        const ShellWord* model = nullptr;
        for (std::size_t k = first; k < m_w.size();) {
            const ShellWord& t = m_w[k];
            if (!dashdash && t.text == "--") {
                dashdash = true;
                ++k;
                continue;
            }
            if (!dashdash && is_option(t.text)) {
                k = option(k);
                continue;
            }
            if (positional_model && model == nullptr) {
                model = &t;
                m_d.flags.push_back(DeploymentFlag{model_name, t.text, t.line, false, false});
                ++k;
                continue;
            }
            if (m_strict) {
                const std::string why = positional_model
                                            ? m_d.entrypoint + " takes one positional model, already '" + model->text + "'"
                                            : "the api_server takes the model as --model";
                throw InputError(source_at(m_source, t.line) + ": unexpected argument '" + t.text + "' (" + why + ")");
            }
            ++k; // lenient: an elided "...", a placeholder, prose after the command
        }
        if (model != nullptr && m_strict) {
            for (const DeploymentFlag& f : m_d.flags) {
                if (f.name == model_name && f.value != model->text) {
                    throw InputError(source_at(m_source, f.line) + ": the model is given twice, '" + model->text +
                                     "' (positional) and --model '" + f.value + "'; vLLM uses the positional one");
                }
            }
        }
    }

private:
    /// The option at k, with its value(s); returns the index after them.
    std::size_t option(std::size_t k) {
        const ShellWord& t = m_w[k];
        const std::string& s = t.text;
        const std::size_t eq = s.find('=');
        const std::string written = s.substr(0, eq);
        std::optional<std::string> joined;
        if (eq != std::string::npos) {
            joined = s.substr(eq + 1);
        }
        std::string name;
        if (s[1] == 'O' && s.size() > 2 && s[2] != '=' && s[2] != '.') {
            // -O3: the value joined to the short form (vLLM's alias of --compilation-config,
            // --optimization-level from ≈0.12).
            name = normalize_engine_arg_name("-O");
            joined = s.substr(2);
        } else {
            name = normalize_engine_arg_name(written);
        }
        const EngineArg* arg = known_flag(name);
        const bool is_switch = arg != nullptr ? arg->is_switch() : find_negated_switch(name) != nullptr;
        DeploymentFlag flag{name, "", t.line, false, false};
        std::size_t next = k + 1;
        if (is_switch) {
            flag.boolean = true;
            flag.value = "true";
            if (joined) {
                const std::string v = ascii_lower(*joined);
                if (!is_true_or_false(v)) {
                    if (m_strict) {
                        throw InputError(source_at(m_source, t.line) + ": " + written + ": expected true or false, found '" + *joined + "'");
                    }
                    return next;
                }
                flag.value = v;
            } else if (next < m_w.size() && is_true_or_false(ascii_lower(m_w[next].text))) {
                // `--enable-chunked-prefill False`: vLLM <= 0.6 declared some switches with
                // StoreBoolean (nargs='?'); no model or other value is spelled true/false.
                flag.value = ascii_lower(m_w[next++].text);
            }
        } else if (joined) {
            flag.value = *joined;
        } else if (next < m_w.size() && !is_option(m_w[next].text) && m_w[next].text != "--") {
            flag.value = m_w[next++].text;
            if (arg != nullptr && arg->type == ArgType::multi_value) {
                while (next < m_w.size() && !is_option(m_w[next].text) && m_w[next].text != "--") {
                    flag.value += ' ';
                    flag.value += m_w[next++].text;
                }
            }
        } else if (arg != nullptr) { // a known flag that takes a value
            if (m_strict) {
                throw InputError(source_at(m_source, t.line) + ": " + written + ": expected a value");
            }
            return next;
        } else {
            flag.boolean = true; // an unknown flag with no value: a switch
            flag.value = "true";
        }
        m_d.flags.push_back(std::move(flag));
        return next;
    }

    const std::vector<ShellWord>& m_w;
    const std::string& m_source;
    bool m_strict;
    Deployment& m_d;
};

} // namespace

void parse_vllm_arguments(const std::vector<ShellWord>& words, std::size_t first, const std::string& source, ArgvMode mode,
                          Deployment& d) {
    ArgvParser(words, source, mode, d).run(first);
}

} // namespace vramplan

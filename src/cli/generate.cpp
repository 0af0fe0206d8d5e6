// `vramplan --generate …`: the man page and bash/zsh/fish completions from the CLI11 App tree.
// The tree is first read into plain data (CliSpec), then each format is rendered from it, so the
// four outputs agree with each other and with the flags the binary parses.
#include "generate.hpp"
#include "help.hpp"
#include "plan_options.hpp"

#include <vramplan/io/catalog.hpp>
#include <vramplan/report/render.hpp>
#include <vramplan/version.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <set>
#include <sstream>

namespace vramplan::cli {

namespace {

/// Options whose values are catalog ids: the completions ask the binary for them at completion
/// time (`vramplan --generate gpus`), so --profiles directories in VRAMPLAN_PROFILE_PATH count.
struct CatalogOption {
    const char* long_name;
    const char* list;   ///< the --generate kind that prints the ids
    bool also_files;    ///< the option also takes a path (a config.json or a model directory)
    const char* see;    ///< where the man page sends the reader for the ids
};
constexpr std::array<CatalogOption, 3> k_catalog_options{{
    {"gpu", "gpus", false, "vramplan gpus"},
    {"model", "models", true, "vramplan models"},
    {"preset", "presets", false, "profiles/presets/ and --profiles DIR/presets/"},
}};

enum class ValueKind { none, choice, catalog, directory, file, other };

struct GenOption {
    std::vector<std::string> names;   ///< with dashes, short ones first: -g, --gpu
    std::string value_name;           ///< CLI11's type name without validators (TEXT, UINT, …); empty for flags
    ValueKind kind = ValueKind::none;
    std::vector<std::string> choices; ///< an IsMember set
    std::string catalog;              ///< gpus, models or presets
    std::string catalog_see;
    bool catalog_files = false;
    bool repeatable = false;
    std::string help;
};

struct GenPositional {
    std::string name;
    std::string help;
    std::vector<std::string> choices;
    bool required = false;
    bool many = false;
};

struct GenCommand {
    std::string name;
    std::string help;
    std::vector<GenOption> options;
    std::vector<GenPositional> positionals;
};

struct CliSpec {
    std::string description;
    std::string version;
    std::vector<GenOption> global;
    std::vector<GenCommand> commands;
};

/// The IsMember set from CLI11's type name ("TEXT:{text,json}"), if there is one.
std::vector<std::string> gen_choices(const std::string& type_name) {
    const std::size_t open = type_name.find(":{");
    const std::size_t close = type_name.find('}', open);
    if (open == std::string::npos || close == std::string::npos) {
        return {};
    }
    std::vector<std::string> out;
    std::istringstream in(type_name.substr(open + 2, close - open - 2));
    for (std::string item; std::getline(in, item, ',');) {
        out.push_back(item);
    }
    return out;
}

GenOption gen_option(const CLI::Option& o) {
    GenOption g;
    for (const std::string& s : o.get_snames()) {
        g.names.push_back("-" + s);
    }
    for (const std::string& l : o.get_lnames()) {
        g.names.push_back("--" + l);
        for (const auto& [short_name, long_name] : vllm_short_flags()) {
            if (g.names.back() == long_name) {
                g.names.insert(g.names.begin(), short_name);
            }
        }
    }
    g.help = o.get_description();
    g.repeatable = o.get_items_expected_max() > 1 || o.get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
    if (o.get_expected_max() == 0) {
        return g; // a flag (CLI11 leaves a bool flag's type size at 1)
    }
    const std::string type_name = o.get_type_name();
    g.value_name = type_name.substr(0, type_name.find(':'));
    g.choices = gen_choices(type_name);
    if (!g.choices.empty()) {
        g.kind = ValueKind::choice;
        return g;
    }
    for (const CatalogOption& c : k_catalog_options) {
        if (std::find(o.get_lnames().begin(), o.get_lnames().end(), c.long_name) != o.get_lnames().end()) {
            g.kind = ValueKind::catalog;
            g.catalog = c.list;
            g.catalog_files = c.also_files;
            g.catalog_see = c.see;
            return g;
        }
    }
    if (type_name.find(":DIR") != std::string::npos) {
        g.kind = ValueKind::directory;
        g.value_name = "DIR";
    } else if (g.value_name == "TEXT") {
        g.kind = ValueKind::file; // sizes and versions are TEXT too; offering files there is harmless
    } else {
        g.kind = ValueKind::other;
    }
    return g;
}

std::vector<GenOption> gen_options(const CLI::App& app) {
    std::vector<GenOption> out;
    for (const CLI::Option* o : app.get_options([](const CLI::Option* x) { return !x->get_group().empty() && x->nonpositional(); })) {
        out.push_back(gen_option(*o));
    }
    return out;
}

CliSpec gen_spec(const CLI::App& app) {
    CliSpec spec;
    spec.description = app.get_description();
    spec.version = std::string("vramplan ") + k_tool_version;
    spec.global = gen_options(app);
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); })) {
        GenCommand c;
        c.name = sub->get_name();
        c.help = sub->get_description();
        c.options = gen_options(*sub);
        for (const CLI::Option* o : sub->get_options([](const CLI::Option* x) { return x->get_positional(); })) {
            GenPositional p;
            p.name = o->get_name(true);
            p.help = o->get_description();
            p.choices = gen_choices(o->get_type_name());
            p.required = o->get_required();
            p.many = o->get_items_expected_max() > 1;
            c.positionals.push_back(p);
        }
        spec.commands.push_back(c);
    }
    return spec;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
        s.replace(at, from.size(), to);
    }
    return s;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
    std::string out;
    for (const std::string& item : items) {
        out += (out.empty() ? "" : sep) + item;
    }
    return out;
}

// ---- man page (roff) ---------------------------------------------------------------------------

/// Non-ASCII UTF-8 as groff's \[uXXXX] escapes, so the page needs no preconv (… ≤ × in help texts).
std::string roff_unicode(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const std::size_t len = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (len == 1 || i + len > text.size()) {
            out += lead < 0x80 ? text[i] : '?';
            ++i;
            continue;
        }
        unsigned code = lead & (0x7Fu >> len);
        for (std::size_t k = 1; k < len; ++k) {
            code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
        }
        char buf[16];
        std::snprintf(buf, sizeof buf, "\\[u%04X]", code);
        out += buf;
        i += len;
    }
    return out;
}

/// Roff text: backslashes and hyphens escaped (\- is what man renders as a copyable ASCII hyphen),
/// non-ASCII as \[uXXXX], and a line starting with a control character made literal.
std::string roff(const std::string& text) {
    std::string out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        line = roff_unicode(replace_all(replace_all(line, "\\", "\\e"), "-", "\\-"));
        if (!line.empty() && (line[0] == '.' || line[0] == '\'')) {
            line = "\\&" + line;
        }
        out += line + "\n";
    }
    return out;
}

/// roff() of one line, without its newline.
std::string roff_inline(const std::string& text) {
    std::string out = roff(text);
    return out.empty() ? out : out.substr(0, out.size() - 1);
}

std::string man_option(const GenOption& o) {
    std::vector<std::string> names;
    for (const std::string& n : o.names) {
        names.push_back("\\fB" + roff_inline(n) + "\\fR");
    }
    std::string s = ".TP\n" + join(names, ", ");
    if (!o.value_name.empty()) {
        s += " \\fI" + (o.kind == ValueKind::choice ? join(o.choices, "|") : o.value_name) + "\\fR";
    }
    s += "\n" + roff(o.help);
    if (o.kind == ValueKind::catalog) {
        s += ".RS\nIds: see \\fB" + roff_inline(o.catalog_see) + "\\fR.\n.RE\n";
    }
    if (o.repeatable) {
        s += ".RS\nMay be repeated.\n.RE\n";
    }
    return s;
}

/// EXAMPLES: vramplan's own, then each command's (help.hpp), each command line once.
std::string man_examples() {
    std::string s = ".SH EXAMPLES\n";
    std::set<std::string> seen;
    for (const std::string_view command : commands_with_examples()) {
        std::string section;
        for (const Example& e : examples_for(command)) {
            if (seen.insert(e.command).second) {
                section += ".TP\n\\fB" + roff_inline(e.command) + "\\fR\n" + roff(e.what);
            }
        }
        if (!section.empty()) {
            s += (command.empty() ? "" : ".SS " + std::string(command) + "\n") + section;
        }
    }
    return s;
}

std::string man_page(const CliSpec& spec) {
    std::string s;
    s += ".\\\" Generated by `vramplan --generate man` from the command-line definition; do not edit.\n";
    s += ".TH VRAMPLAN 1 \"\" \"" + roff_inline(spec.version) + "\" \"User Commands\"\n";
    s += ".SH NAME\nvramplan \\- plan vLLM's GPU memory before launch, without a GPU\n";
    s += ".SH SYNOPSIS\n.B vramplan\n[\\fB\\-\\-profiles\\fR \\fIDIR\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGS\\fR]\n";
    s += ".br\n.B vramplan \\-\\-version\n.br\n.B vramplan \\fICOMMAND\\fR \\-\\-help\n";
    s += ".SH DESCRIPTION\n" + roff(spec.description);
    s += ".PP\nvLLM's own flag names are used, so a \\fBvllm serve\\fR line can be pasted; underscore spellings and "
         "vLLM's short flags";
    for (const auto& [short_name, long_name] : vllm_short_flags()) {
        s += std::string(" \\fB") + roff_inline(short_name) + "\\fR";
    }
    s += " work too.\n";
    s += ".SH GLOBAL OPTIONS\nAccepted before or after the command.\n";
    for (const GenOption& o : spec.global) {
        s += man_option(o);
    }
    s += ".SH COMMANDS\n";
    for (const GenCommand& c : spec.commands) {
        std::string usage = "vramplan " + c.name + " [OPTIONS]";
        for (const GenPositional& p : c.positionals) {
            const std::string arg = p.name + (p.many ? "..." : "");
            usage += " " + (p.required ? arg : "[" + arg + "]");
        }
        s += ".SS \"" + roff_inline(usage) + "\"\n" + roff(c.help);
        for (const GenPositional& p : c.positionals) {
            s += ".TP\n\\fI" + roff_inline(p.name) + "\\fR\n" + roff(p.help);
            if (!p.choices.empty()) {
                s += ".RS\nOne of: " + roff_inline(join(p.choices, ", ")) + ".\n.RE\n";
            }
        }
        for (const GenOption& o : c.options) {
            s += man_option(o);
        }
    }
    s += man_examples();
    s += ".SH EXIT STATUS\n";
    for (const ExitStatus& e : exit_statuses_for("")) {
        s += ".TP\n" + std::to_string(e.code) + "\n" + roff(e.meaning);
    }
    s += ".PP\nEach command's \\fB\\-\\-help\\fR says what its codes mean.\n";
    s += ".SH ENVIRONMENT\n.TP\n.B VRAMPLAN_PROFILE_PATH\nColon-separated profile directories (gpus/, models/, presets/), "
         "read before \\fB\\-\\-profiles\\fR; they add to or override the embedded profiles by id.\n"
         ".TP\n.B NO_COLOR\nNo colour on a terminal.\n";
    s += ".SH VERSIONS\nModels vLLM " + roff_inline(k_oldest_modelled.str()) + " to " + roff_inline(k_newest_modelled.str()) +
         "; JSON schema version " + std::to_string(k_schema_version) + ".\n";
    return s;
}

// ---- bash --------------------------------------------------------------------------------------

/// A word list for `compgen -W '…'` (names and ids never contain quotes).
std::string bash_words(const std::vector<std::string>& words) { return "'" + join(words, " ") + "'"; }

std::vector<std::string> all_names(const std::vector<GenOption>& options) {
    std::vector<std::string> out;
    for (const GenOption& o : options) {
        out.insert(out.end(), o.names.begin(), o.names.end());
    }
    return out;
}

/// The bash `case` arms completing the value of each option in `options`, for `cmd` ("*": any).
std::string bash_value_arms(const std::string& cmd, const std::vector<GenOption>& options) {
    std::string s;
    for (const GenOption& o : options) {
        if (o.kind == ValueKind::none) {
            continue;
        }
        std::vector<std::string> patterns;
        for (const std::string& n : o.names) {
            patterns.push_back(cmd + ":" + n);
        }
        s += "        " + join(patterns, "|") + ")\n            ";
        switch (o.kind) {
        case ValueKind::choice:
            s += "COMPREPLY=($(compgen -W " + bash_words(o.choices) + " -- \"$cur\"))";
            break;
        case ValueKind::catalog:
            s += std::string("_vramplan_ids ") + o.catalog + " \"$cur\"" + (o.catalog_files ? "; _vramplan_files \"$cur\"" : "");
            break;
        case ValueKind::directory:
            s += "_vramplan_files \"$cur\" -d";
            break;
        case ValueKind::file:
            s += "_vramplan_files \"$cur\"";
            break;
        default:
            s += ":";
            break;
        }
        s += "\n            return ;;\n";
    }
    return s;
}

std::string bash_script(const CliSpec& spec) {
    std::vector<std::string> commands;
    for (const GenCommand& c : spec.commands) {
        commands.push_back(c.name);
    }
    std::vector<std::string> global_with_value;
    for (const GenOption& o : spec.global) {
        if (o.kind != ValueKind::none) {
            global_with_value.insert(global_with_value.end(), o.names.begin(), o.names.end());
        }
    }
    std::string s;
    s += "# bash completion for vramplan. Generated by `vramplan --generate bash` from the command-line\n"
         "# definition; do not edit.\n\n";
    s += "# Catalog ids (completes the last item of a comma-separated list, as compare takes).\n"
         "_vramplan_ids() {\n"
         "    local exe=\"${COMP_WORDS[0]}\" prefix=\"\" word=\"$2\" ids\n"
         "    [[ \"$exe\" == */* && -x \"$exe\" ]] || exe=vramplan\n"
         "    if [[ \"$word\" == *,* ]]; then\n"
         "        prefix=\"${word%,*},\"\n"
         "        word=\"${word##*,}\"\n"
         "    fi\n"
         "    ids=$(\"$exe\" --generate \"$1\" 2>/dev/null)\n"
         "    COMPREPLY+=($(compgen -P \"$prefix\" -W \"$ids\" -- \"$word\"))\n"
         "}\n\n"
         "_vramplan_files() {\n"
         "    local IFS=$'\\n'\n"
         "    COMPREPLY+=($(compgen ${2:--f} -- \"$1\"))\n"
         "    compopt -o filenames 2>/dev/null\n"
         "}\n\n";
    s += "_vramplan() {\n"
         "    local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"\" cmd=\"\" i\n"
         "    COMPREPLY=()\n"
         "    ((COMP_CWORD > 0)) && prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
         "    # --flag=value: bash splits at '=' (COMP_WORDBREAKS)\n"
         "    if [[ \"$cur\" == \"=\" ]]; then\n"
         "        cur=\"\"\n"
         "    elif [[ \"$prev\" == \"=\" ]] && ((COMP_CWORD > 1)); then\n"
         "        prev=\"${COMP_WORDS[COMP_CWORD-2]}\"\n"
         "    fi\n"
         "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "        case \"${COMP_WORDS[i]}\" in\n";
    if (!global_with_value.empty()) {
        s += "            " + join(global_with_value, "|") + ") ((i++)) ;;\n";
    }
    s += "            " + join(commands, "|") + ") cmd=\"${COMP_WORDS[i]}\"; break ;;\n"
         "        esac\n"
         "    done\n"
         "    case \"${cmd:-vramplan}:$prev\" in\n";
    s += bash_value_arms("*", spec.global);
    for (const GenCommand& c : spec.commands) {
        s += bash_value_arms(c.name, c.options);
    }
    s += "    esac\n"
         "    case \"$cmd\" in\n"
         "        \"\")\n"
         "            if [[ \"$cur\" == -* ]]; then\n"
         "                COMPREPLY=($(compgen -W " + bash_words(all_names(spec.global)) + " -- \"$cur\"))\n"
         "            else\n"
         "                COMPREPLY=($(compgen -W " + bash_words(commands) + " -- \"$cur\"))\n"
         "            fi ;;\n";
    const std::vector<std::string> global_names = all_names(spec.global);
    for (const GenCommand& c : spec.commands) {
        std::vector<std::string> names = all_names(c.options);
        for (const std::string& n : global_names) {
            if (std::find(names.begin(), names.end(), n) == names.end()) {
                names.push_back(n);
            }
        }
        s += "        " + c.name + ")\n"
             "            if [[ \"$cur\" == -* ]]; then\n"
             "                COMPREPLY=($(compgen -W " + bash_words(names) + " -- \"$cur\"))\n";
        if (!c.positionals.empty()) {
            s += "            else\n";
            if (!c.positionals.front().choices.empty()) {
                s += "                COMPREPLY=($(compgen -W " + bash_words(c.positionals.front().choices) + " -- \"$cur\"))\n";
            } else {
                s += "                _vramplan_files \"$cur\"\n";
            }
        }
        s += "            fi ;;\n";
    }
    s += "    esac\n"
         "}\n"
         "complete -F _vramplan vramplan\n";
    return s;
}

// ---- zsh ---------------------------------------------------------------------------------------

/// Text inside a single-quoted _arguments spec: quotes closed and reopened, brackets escaped.
std::string zsh_quote(const std::string& text) {
    std::string out;
    for (char ch : text) {
        if (ch == '\'') {
            out += "'\\''";
        } else if (ch == '[' || ch == ']' || ch == '\\' || ch == ':') {
            out += std::string("\\") + ch;
        } else if (ch == '\n') {
            out += ' ';
        } else {
            out += ch;
        }
    }
    return out;
}

std::string zsh_value(const GenOption& o) {
    std::string label = o.names.back().substr(2);
    switch (o.kind) {
    case ValueKind::choice:
        return ":" + label + ":(" + join(o.choices, " ") + ")";
    case ValueKind::catalog:
        return ":" + label + ":_vramplan_ids " + o.catalog + (o.catalog_files ? " files" : "");
    case ValueKind::directory:
        return ":" + label + ":_files -/";
    case ValueKind::file:
        return ":" + label + ":_files";
    case ValueKind::other:
        return ":" + label + ": ";
    case ValueKind::none:
        break;
    }
    return "";
}

std::string zsh_option_specs(const std::vector<GenOption>& options) {
    std::string s;
    for (const GenOption& o : options) {
        const bool exits = o.names.back() == "--help" || o.names.back() == "--version";
        std::vector<std::string> spelled;
        for (const std::string& n : o.names) {
            // A long option's value may follow in the same word after '='.
            spelled.push_back(n + (o.kind != ValueKind::none && n.rfind("--", 0) == 0 ? "=" : ""));
        }
        std::string prefix;
        if (exits) {
            prefix = "'(- *)'";
        } else if (o.repeatable) {
            prefix = "'*'";
        } else if (o.names.size() > 1) {
            prefix = "'(" + join(o.names, " ") + ")'";
        }
        const std::string body = "'[" + zsh_quote(o.help) + "]" + zsh_value(o) + "'";
        if (spelled.size() == 1) {
            s += "    " + prefix + "'" + spelled.front() + body.substr(1) + " \\\n";
        } else {
            s += "    " + prefix + "{" + join(spelled, ",") + "}" + body + " \\\n";
        }
    }
    return s;
}

/// The global options a command does not define itself (it has its own --help).
std::vector<GenOption> globals_not_in(const std::vector<GenOption>& global, const std::vector<GenOption>& options) {
    std::vector<GenOption> out;
    for (const GenOption& g : global) {
        if (std::none_of(options.begin(), options.end(), [&](const GenOption& o) { return o.names == g.names; })) {
            out.push_back(g);
        }
    }
    return out;
}

std::string zsh_function_name(const std::string& command) { return "_vramplan_" + replace_all(command, "-", "_"); }

std::string zsh_script(const CliSpec& spec) {
    std::string s;
    s += "#compdef vramplan\n"
         "# zsh completion for vramplan. Generated by `vramplan --generate zsh` from the command-line\n"
         "# definition; do not edit.\n\n";
    s += "# Catalog ids from the binary being completed ($1: gpus, models or presets; $2 = files: paths too).\n"
         "_vramplan_ids() {\n"
         "    local -a ids\n"
         "    ids=(${(f)\"$(${_vramplan_exe:-vramplan} --generate $1 2>/dev/null)\"})\n"
         "    _alternative \"ids:${1%s} id:compadd -a ids\" ${2:+'files:file:_files'}\n"
         "}\n\n";
    s += "_vramplan_commands() {\n    local -a commands\n    commands=(\n";
    for (const GenCommand& c : spec.commands) {
        s += "        '" + zsh_quote(c.name) + ":" + replace_all(c.help, "'", "'\\''") + "'\n";
    }
    s += "    )\n    _describe -t commands 'vramplan command' commands\n}\n\n";
    for (const GenCommand& c : spec.commands) {
        s += zsh_function_name(c.name) + "() {\n    _arguments -s -S \\\n";
        s += zsh_option_specs(c.options);
        s += zsh_option_specs(globals_not_in(spec.global, c.options));
        int index = 1;
        for (const GenPositional& p : c.positionals) {
            const std::string action = !p.choices.empty() ? "(" + join(p.choices, " ") + ")" : (p.name == "id" ? " " : "_files");
            s += "    '" + (p.many ? std::string("*") : std::to_string(index++)) + ":" + zsh_quote(p.name) + ":" + action + "' \\\n";
        }
        s += "    && return 0\n    return 1\n}\n\n";
    }
    s += "_vramplan() {\n"
         "    local _vramplan_exe=$words[1]\n"
         "    local curcontext=\"$curcontext\" state line\n"
         "    typeset -A opt_args\n"
         "    _arguments -C \\\n";
    s += zsh_option_specs(spec.global);
    s += "    '1: :_vramplan_commands' \\\n"
         "    '*:: :->args' && return 0\n"
         "    case $state in\n"
         "        args)\n"
         "            case $words[1] in\n";
    for (const GenCommand& c : spec.commands) {
        s += "                " + c.name + ") " + zsh_function_name(c.name) + " ;;\n";
    }
    s += "            esac ;;\n"
         "    esac\n"
         "}\n\n"
         "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n"
         "    _vramplan \"$@\"\n"
         "else\n"
         "    compdef _vramplan vramplan\n"
         "fi\n";
    return s;
}

// ---- fish --------------------------------------------------------------------------------------

std::string fish_quote(const std::string& text) {
    std::string out = "'";
    for (char ch : text) {
        if (ch == '\'' || ch == '\\') {
            out += '\\';
        }
        out += ch == '\n' ? ' ' : ch;
    }
    return out + "'";
}

std::string fish_option(const std::string& condition, const GenOption& o) {
    std::string s = "complete -c vramplan -n " + fish_quote(condition);
    for (const std::string& n : o.names) {
        if (n.rfind("--", 0) == 0) {
            s += " -l " + n.substr(2);
        } else if (n.size() == 2) {
            s += " -s " + n.substr(1);
        } else {
            s += " -o " + n.substr(1); // vLLM's -tp, -pp
        }
    }
    switch (o.kind) {
    case ValueKind::choice:
        s += " -x -a " + fish_quote(join(o.choices, " "));
        break;
    case ValueKind::catalog:
        s += std::string(o.catalog_files ? " -r -F" : " -x") + " -a " + fish_quote(std::string("(__vramplan_ids ") + o.catalog + ")");
        break;
    case ValueKind::directory:
        s += " -x -a '(__fish_complete_directories)'";
        break;
    case ValueKind::file:
        s += " -r -F";
        break;
    case ValueKind::other:
        s += " -x";
        break;
    case ValueKind::none:
        break;
    }
    return s + " -d " + fish_quote(o.help) + "\n";
}

std::string fish_script(const CliSpec& spec) {
    std::vector<std::string> commands;
    for (const GenCommand& c : spec.commands) {
        commands.push_back(c.name);
    }
    const std::string no_command = "not __fish_seen_subcommand_from " + join(commands, " ");
    std::string s;
    s += "# fish completion for vramplan. Generated by `vramplan --generate fish` from the command-line\n"
         "# definition; do not edit.\n\n"
         "# Catalog ids from the binary being completed: gpus, models or presets.\n"
         "function __vramplan_ids\n"
         "    set -l exe (commandline -opc)[1]\n"
         "    command $exe --generate $argv[1] 2>/dev/null\n"
         "end\n\n"
         "complete -c vramplan -f\n";
    for (const GenCommand& c : spec.commands) {
        s += "complete -c vramplan -n " + fish_quote(no_command) + " -a " + c.name + " -d " + fish_quote(c.help) + "\n";
    }
    for (const GenOption& o : spec.global) {
        const bool exits = o.names.back() == "--help" || o.names.back() == "--version";
        s += fish_option(exits ? no_command : "true", o);
    }
    for (const GenCommand& c : spec.commands) {
        const std::string condition = "__fish_seen_subcommand_from " + c.name;
        s += "\n";
        for (const GenOption& o : c.options) {
            s += fish_option(condition, o);
        }
        if (!c.positionals.empty()) {
            if (!c.positionals.front().choices.empty()) {
                s += "complete -c vramplan -n " + fish_quote(condition) + " -a " + fish_quote(join(c.positionals.front().choices, " ")) +
                     " -d " + fish_quote(c.positionals.front().help) + "\n";
            } else {
                s += "complete -c vramplan -n " + fish_quote(condition) + " -F\n";
            }
        }
    }
    return s;
}

// ---- catalog ids -------------------------------------------------------------------------------

std::string id_list(const std::string& what, const GlobalOptions& global) {
    const Catalog catalog = Catalog::load(profile_directories(global));
    std::set<std::string> ids;
    if (what == "gpus") {
        for (const auto& [id, g] : catalog.gpus()) {
            ids.insert(id);
            ids.insert(g.aliases.begin(), g.aliases.end());
        }
    } else if (what == "models") {
        for (const auto& [id, m] : catalog.models()) {
            ids.insert(id);
        }
    } else {
        for (const auto& [id, p] : catalog.presets()) {
            ids.insert(id);
        }
    }
    std::string out;
    for (const std::string& id : ids) {
        out += id + "\n";
    }
    return out;
}

} // namespace

int generate(const CLI::App& app, const std::string& what, const GlobalOptions& global) {
    if (what == "gpus" || what == "models" || what == "presets") {
        std::cout << id_list(what, global);
        return k_exit_ok;
    }
    const CliSpec spec = gen_spec(app);
    if (what == "man") {
        std::cout << man_page(spec);
    } else if (what == "bash") {
        std::cout << bash_script(spec);
    } else if (what == "zsh") {
        std::cout << zsh_script(spec);
    } else {
        std::cout << fish_script(spec);
    }
    return k_exit_ok;
}

} // namespace vramplan::cli

#include <vramplan/io/deployment.hpp>

#include "shell_words.hpp"
#include "vllm_argv.hpp"

#include <vramplan/engine_args.hpp>
#include <vramplan/io/catalog.hpp>
#include <vramplan/io/errors.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <iterator>
#include <optional>
#include <utility>

// vLLM commands in scripts and text files, and the files and directories that hold them. The
// grammars live apart: shell words (shell_words.cpp), vLLM's arguments (vllm_argv.cpp), the
// `--config` YAML (deployment_yaml.cpp).

namespace vramplan {

namespace fs = std::filesystem;
using std::string_view;

namespace {

constexpr std::size_t k_max_deployment_bytes = std::size_t{16} << 20;
/// `bash -c '... bash -c "..." ...'`: deeper scripts are not searched (each level rescans its
/// string, so the cap keeps the work linear).
constexpr int k_max_shell_depth = 8;
/// `export` lines tracked per text (each deployment carries a copy).
constexpr std::size_t k_max_exports = 256;
constexpr std::size_t k_max_export_bytes = std::size_t{64} << 10;

const char* const k_no_command =
    ": expected a vLLM command (vllm serve MODEL ..., python -m vllm.entrypoints.openai.api_server ..., "
    "or docker run ... vllm/vllm-openai ...), found none";

template <std::size_t N> bool listed(const std::array<string_view, N>& list, string_view name) {
    return std::find(list.begin(), list.end(), name) != list.end();
}

string_view basename(string_view s) {
    const std::size_t slash = s.rfind('/');
    return slash == string_view::npos ? s : s.substr(slash + 1);
}

// ---- Recognising vLLM commands ---------------------------------------------------------------

/// Sets KEY=VALUE in `env`, replacing an earlier KEY.
void set_env(std::vector<std::string>& env, const std::string& assignment) {
    const std::string key = assignment.substr(0, assignment.find('=') + 1);
    env.erase(std::remove_if(env.begin(), env.end(), [&](const std::string& e) { return e.rfind(key, 0) == 0; }), env.end());
    env.push_back(assignment);
}

void unset_env(std::vector<std::string>& env, const std::string& name) {
    const std::string key = name + "=";
    env.erase(std::remove_if(env.begin(), env.end(), [&](const std::string& e) { return e.rfind(key, 0) == 0; }), env.end());
}

bool is_python(string_view base) {
    if (base.substr(0, 6) != "python") {
        return false;
    }
    const string_view version = base.substr(6);
    return std::all_of(version.begin(), version.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

bool is_shell(string_view base) { return base == "bash" || base == "sh" || base == "zsh" || base == "dash"; }

/// Words that may stand before the command they run.
bool is_wrapper(string_view base) {
    static constexpr auto k_wrappers = std::to_array<string_view>(
        {"!", "{", "command", "conda", "do", "dumb-init", "elif", "else", "env", "exec", "if", "ionice", "mamba",
         "micromamba", "nice", "nohup", "numactl", "pipenv", "poetry", "setsid", "srun", "stdbuf", "sudo", "taskset",
         "then", "time", "timeout", "tini", "until", "uv", "while"});
    return listed(k_wrappers, base);
}

/// Where a vLLM command starts within a simple command.
struct Start {
    std::string entrypoint;
    std::size_t args = 0; // index of its first argument
    std::vector<std::string> env; // docker -e KEY=VALUE
};

std::optional<Start> vllm_start(const std::vector<ShellWord>& w, std::size_t j, bool allow_docker);

std::optional<Start> python_start(const std::vector<ShellWord>& w, std::size_t j) {
    std::size_t m = j + 1;
    std::string module;
    while (m < w.size()) {
        const std::string& t = w[m].text;
        if (t == "-m" && m + 1 < w.size()) {
            module = w[m + 1].text;
            m += 2;
            break;
        }
        if (t.size() > 2 && t.rfind("-m", 0) == 0) {
            module = t.substr(2);
            ++m;
            break;
        }
        if (t.empty() || t[0] != '-' || t == "-c" || t == "-" || t == "--") {
            return std::nullopt; // a script, `-c CODE`, stdin
        }
        m += (t == "-W" || t == "-X") ? 2 : 1; // -W arg / -X opt take a value
    }
    if (module == "vllm.entrypoints.openai.api_server" || module == "vllm.entrypoints.api_server") {
        return Start{"api_server", m, {}};
    }
    if (module == "vllm.entrypoints.cli.main" && m < w.size() && w[m].text == "serve") {
        return Start{"vllm serve", m + 1, {}};
    }
    return std::nullopt;
}

bool docker_switch(string_view name) {
    static constexpr auto k_docker_switches = std::to_array<string_view>(
        {"detach", "disable-content-trust", "help", "init", "interactive", "no-healthcheck", "oom-kill-disable",
         "privileged", "publish-all", "quiet", "read-only", "rm", "sig-proxy", "tty", "use-api-socket"});
    return listed(k_docker_switches, name);
}

/// `docker run [OPTIONS] IMAGE [ARGS]` at j (w[j] is docker / podman / nvidia-docker).
std::optional<Start> docker_start(const std::vector<ShellWord>& w, std::size_t j) {
    std::size_t m = j + 1;
    if (m < w.size() && w[m].text == "container") {
        ++m;
    }
    if (m >= w.size() || w[m].text != "run") {
        return std::nullopt;
    }
    ++m;
    std::vector<std::string> env;
    const auto env_value = [&](const std::string& v) {
        if (v.find('=') != std::string::npos && v.find('=') > 0) {
            set_env(env, v);
        }
    };
    std::optional<std::size_t> image;
    while (m < w.size()) {
        const std::string& t = w[m].text;
        if (t == "--") {
            ++m;
            continue;
        }
        if (t.size() < 2 || t[0] != '-') {
            image = m++;
            break;
        }
        if (t[1] == '-') {
            const std::size_t eq = t.find('=');
            const std::string name = t.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
            if (eq != std::string::npos) {
                if (name == "env") {
                    env_value(t.substr(eq + 1));
                }
                ++m;
            } else if (docker_switch(name)) {
                ++m;
            } else {
                if (name == "env" && m + 1 < w.size()) {
                    env_value(w[m + 1].text);
                }
                m += 2;
            }
            continue;
        }
        const string_view letters = string_view(t).substr(1);
        const bool all_switches = std::all_of(letters.begin(), letters.end(), [](char c) {
            return c == 'd' || c == 'i' || c == 't' || c == 'P' || c == 'q';
        });
        if (all_switches) {
            ++m;
        } else if (letters.size() == 1) {
            if (letters[0] == 'e' && m + 1 < w.size()) {
                env_value(w[m + 1].text);
            }
            m += 2;
        } else {
            if (letters[0] == 'e') {
                env_value(std::string(letters.substr(1))); // -eKEY=VALUE
            }
            ++m;
        }
    }
    if (!image) {
        return std::nullopt;
    }
    // ARGS may be a command of its own (`--entrypoint ""`, an image whose entrypoint is a shell).
    if (auto inner = vllm_start(w, m, false)) {
        inner->env.insert(inner->env.begin(), env.begin(), env.end());
        return inner;
    }
    if (w[*image].text.find("vllm-openai") == std::string::npos) {
        return std::nullopt;
    }
    return Start{"docker", m, std::move(env)};
}

std::optional<Start> vllm_start(const std::vector<ShellWord>& w, std::size_t j, bool allow_docker) {
    if (j >= w.size()) {
        return std::nullopt;
    }
    const string_view base = basename(w[j].text);
    if (base == "vllm") {
        if (j + 1 < w.size() && w[j + 1].text == "serve") {
            return Start{"vllm serve", j + 2, {}};
        }
        return std::nullopt;
    }
    if (is_python(base)) {
        return python_start(w, j);
    }
    if (allow_docker && (base == "docker" || base == "podman" || base == "nvidia-docker")) {
        return docker_start(w, j);
    }
    return std::nullopt;
}

/// Turns the words of one command, from `first`, into flags.

/// Finds the vLLM commands of a text, command by command, keeping the exported environment.
class CommandScanner {
public:
    CommandScanner(const std::string& source, std::vector<Deployment>& out, std::vector<std::string> exported, int depth)
        : m_source(source), m_out(out), m_exported(std::move(exported)), m_depth(depth) {}

    void operator()(const std::vector<ShellWord>& w) {
        std::vector<std::string> prefixes;
        std::size_t k = 0;
        while (k < w.size() && is_shell_assignment(w[k])) {
            prefixes.push_back(w[k++].text);
        }
        if (k == w.size()) {
            return; // NAME=VALUE alone: a shell variable, not exported
        }
        const string_view cmd = w[k].text;
        if (cmd == "export") {
            for (std::size_t j = k + 1; j < w.size(); ++j) {
                if (is_shell_assignment(w[j])) {
                    set_env(m_exported, w[j].text);
                    m_exported_bytes += w[j].text.size();
                }
            }
            // Every later deployment copies the exports: bounded, so the work stays linear.
            if (m_exported.size() > k_max_exports || m_exported_bytes > k_max_export_bytes) {
                throw InputError(source_at(m_source, w[k].line) + ": expected at most " + std::to_string(k_max_exports) +
                                 " exported variables of " + std::to_string(k_max_export_bytes) + " bytes in all");
            }
            return;
        }
        if (cmd == "unset") {
            for (std::size_t j = k + 1; j < w.size(); ++j) {
                unset_env(m_exported, w[j].text);
            }
            return;
        }
        if (try_at(w, k, prefixes)) {
            return;
        }
        if (!is_wrapper(basename(cmd))) {
            return;
        }
        for (std::size_t j = k + 1; j < w.size(); ++j) {
            if (is_shell_assignment(w[j])) {
                prefixes.push_back(w[j].text); // env KEY=VALUE, sudo KEY=VALUE
                continue;
            }
            if (try_at(w, j, prefixes)) {
                return;
            }
        }
    }

    void scan(string_view text, std::size_t first_line) {
        split_shell_commands(text, m_source, ShellSplitOptions{first_line, false}, [this](const std::vector<ShellWord>& w) { (*this)(w); });
    }

private:
    bool try_at(const std::vector<ShellWord>& w, std::size_t j, const std::vector<std::string>& prefixes) {
        if (is_shell(basename(w[j].text))) {
            return shell_script(w, j, prefixes);
        }
        std::optional<Start> start = vllm_start(w, j, true);
        if (!start) {
            return false;
        }
        Deployment d;
        d.source = m_source;
        d.line = w.front().line;
        d.entrypoint = start->entrypoint;
        d.env = m_exported;
        for (const std::string& e : prefixes) {
            set_env(d.env, e);
        }
        for (const std::string& e : start->env) {
            set_env(d.env, e);
        }
        parse_vllm_arguments(w, start->args, m_source, ArgvMode::strict, d);
        m_out.push_back(std::move(d));
        return true;
    }

    /// `bash [options] -c SCRIPT`: the script's commands, with this command's environment.
    bool shell_script(const std::vector<ShellWord>& w, std::size_t j, const std::vector<std::string>& prefixes) {
        for (std::size_t m = j + 1; m + 1 < w.size(); ++m) {
            const std::string& t = w[m].text;
            if (t == "-o" || t == "+o" || t == "-O" || t == "+O") {
                ++m; // `-o pipefail`: an option with a value
                continue;
            }
            if (t.size() < 2 || (t[0] != '-' && t[0] != '+') || t == "--") {
                return false; // `bash script.sh`
            }
            if (t[0] == '-' && t[1] != '-' && t.find('c') != std::string::npos) {
                if (m_depth >= k_max_shell_depth) {
                    return true;
                }
                std::vector<std::string> env = m_exported;
                for (const std::string& e : prefixes) {
                    set_env(env, e);
                }
                CommandScanner inner(m_source, m_out, std::move(env), m_depth + 1);
                inner.scan(w[m + 1].text, w[m + 1].line);
                return true;
            }
        }
        return false;
    }

    const std::string& m_source;
    std::vector<Deployment>& m_out;
    std::vector<std::string> m_exported;
    std::size_t m_exported_bytes = 0; // every export seen, replaced ones included
    int m_depth;
};

std::vector<Deployment> commands_in(string_view text, const std::string& source) {
    std::vector<Deployment> out;
    CommandScanner scanner(source, out, {}, 0);
    scanner.scan(text, 1);
    return out;
}

bool has_yaml_extension(const fs::path& p) {
    const std::string ext = ascii_lower(p.extension().string());
    return ext == ".yaml" || ext == ".yml";
}

std::string read_text(const std::string& path) { return read_file(path, k_max_deployment_bytes, "a vLLM command or config file"); }

} // namespace

const DeploymentFlag* Deployment::find(const std::string& name) const {
    const std::string wanted = normalize_engine_arg_name(name);
    for (auto it = flags.rbegin(); it != flags.rend(); ++it) {
        if (it->name == wanted) {
            return &*it;
        }
    }
    return nullptr;
}

std::optional<bool> Deployment::switch_state(const std::string& name) const {
    const std::string wanted = normalize_engine_arg_name(name);
    const std::string negated = "no-" + wanted;
    for (auto it = flags.rbegin(); it != flags.rend(); ++it) {
        if (it->boolean && (it->name == wanted || it->name == negated)) {
            return (it->value == "true") == (it->name == wanted);
        }
    }
    return std::nullopt;
}

Deployment parse_vllm_argv(const std::vector<std::string>& argv, const std::string& source) {
    std::vector<ShellWord> words;
    words.reserve(argv.size());
    for (const std::string& a : argv) {
        words.push_back(ShellWord{a, 0, std::string::npos});
    }
    std::vector<Deployment> out;
    CommandScanner scanner(source, out, {}, 0);
    scanner(words);
    if (out.empty()) {
        throw InputError(source + k_no_command);
    }
    if (out.size() > 1) {
        throw InputError(source + ": expected one vLLM command, found " + std::to_string(out.size()));
    }
    return std::move(out.front());
}

std::vector<Deployment> parse_vllm_commands(string_view text, const std::string& source) {
    std::vector<Deployment> out = commands_in(text, source);
    if (out.empty()) {
        throw InputError(source + k_no_command);
    }
    return out;
}

std::vector<Deployment> read_deployments(const std::string& path) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
        throw InputError(path + ": no such file or directory");
    }
    if (!fs::is_directory(st)) {
        const std::string text = read_text(path);
        if (has_yaml_extension(path)) {
            return {parse_vllm_yaml(text, path)};
        }
        return parse_vllm_commands(text, path);
    }
    std::vector<std::string> names;
    fs::directory_iterator it(path, ec);
    if (ec) {
        throw InputError(path + ": cannot be listed (permission denied?)");
    }
    for (const fs::directory_entry& e : it) {
        const std::string name = e.path().filename().string();
        const std::string ext = ascii_lower(e.path().extension().string());
        std::error_code file_ec;
        if (name.empty() || name[0] == '.' || !e.is_regular_file(file_ec)) {
            continue;
        }
        if (ext == ".yaml" || ext == ".yml" || ext == ".sh" || ext == ".txt") {
            names.push_back(name);
        }
    }
    std::sort(names.begin(), names.end());
    std::vector<Deployment> out;
    for (const std::string& name : names) {
        const std::string file = (fs::path(path) / name).string();
        const std::string text = read_text(file);
        if (has_yaml_extension(name)) {
            out.push_back(parse_vllm_yaml(text, file));
        } else {
            std::vector<Deployment> found = commands_in(text, file);
            std::move(found.begin(), found.end(), std::back_inserter(out));
        }
    }
    if (out.empty()) {
        throw InputError(path + ": no vLLM deployments found (expected .yaml, .yml, .sh or .txt files with vLLM commands)");
    }
    return out;
}

const std::vector<std::string>& vllm_boolean_flags() {
    static const std::vector<std::string> k_list = [] {
        std::vector<std::string> v;
        for (const EngineArg& a : engine_args()) {
            if (a.is_switch()) {
                v.emplace_back(a.name);
            }
        }
        std::sort(v.begin(), v.end());
        return v;
    }();
    return k_list;
}

} // namespace vramplan

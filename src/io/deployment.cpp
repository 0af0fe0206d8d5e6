#include <vramplan/io/deployment.hpp>

#include <vramplan/io/catalog.hpp>

#include <vramplan/io/errors.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <utility>

namespace vramplan {

namespace fs = std::filesystem;
using std::string_view;

namespace {

constexpr std::size_t k_max_deployment_bytes = std::size_t{16} << 20;
constexpr std::size_t k_max_line_bytes = std::size_t{1} << 20;
/// `bash -c '... bash -c "..." ...'`: deeper scripts are not searched (each level rescans its
/// string, so the cap keeps the work linear).
constexpr int k_max_shell_depth = 8;
/// `export` lines tracked per text (each deployment carries a copy).
constexpr std::size_t k_max_exports = 256;
constexpr std::size_t k_max_export_bytes = std::size_t{64} << 10;

const char* const k_no_command =
    ": expected a vLLM command (vllm serve MODEL ..., python -m vllm.entrypoints.openai.api_server ..., "
    "or docker run ... vllm/vllm-openai ...), found none";

std::string at(const std::string& source, std::size_t line) {
    return line == 0 ? source : source + ":" + std::to_string(line);
}

// ---- Flag vocabulary -------------------------------------------------------------------------

/// vLLM's switches (store_true and BooleanOptionalAction), normalised, sorted. Sources:
/// vllm/engine/arg_utils.py (EngineArgs.add_cli_args) and vllm/entrypoints/openai/cli_args.py.
constexpr auto k_switches = std::to_array<string_view>({
    "allow-credentials",
    "async-scheduling",
    "calculate-kv-scales",
    "data-parallel-external-lb",
    "data-parallel-hybrid-lb",
    "disable-async-output-proc",
    "disable-cascade-attn",
    "disable-chunked-mm-input",
    "disable-custom-all-reduce",
    "disable-fastapi-docs",
    "disable-frontend-multiprocessing",
    "disable-hybrid-kv-cache-manager",
    "disable-log-requests",
    "disable-log-stats",
    "disable-mm-preprocessor-cache",
    "disable-sliding-window",
    "disable-uvicorn-access-log",
    "enable-auto-tool-choice",
    "enable-chunked-prefill",
    "enable-dbo",
    "enable-eplb",
    "enable-expert-parallel",
    "enable-force-include-usage",
    "enable-log-outputs",
    "enable-log-requests",
    "enable-lora",
    "enable-lora-bias",
    "enable-prefix-caching",
    "enable-prompt-adapter",
    "enable-prompt-embeds",
    "enable-prompt-tokens-details",
    "enable-reasoning",
    "enable-request-id-headers",
    "enable-server-load-tracking",
    "enable-sleep-mode",
    "enable-ssl-refresh",
    "enable-tokenizer-info-endpoint",
    "enforce-eager",
    "exclude-tools-when-tool-choice-none",
    "fully-sharded-loras",
    "headless",
    "kv-sharing-fast-prefill",
    "ray-workers-use-nsight",
    "return-tokens-as-token-ids",
    "skip-mm-profiling",
    "skip-tokenizer-init",
    "trust-remote-code",
    "use-tqdm-on-load",
    "use-v2-block-manager",
    "worker-use-ray",
});

/// Flags that always take one value: a missing value is vLLM's "expected one argument".
constexpr auto k_value_flags = std::to_array<string_view>({
    "api-key", "block-size", "chat-template", "compilation-config", "config", "cpu-offload-gb",
    "data-parallel-address", "data-parallel-rpc-port", "data-parallel-size", "data-parallel-size-local",
    "data-parallel-start-rank", "decode-context-parallel-size", "distributed-executor-backend",
    "download-dir", "dtype", "generation-config", "gpu-memory-utilization", "hf-overrides", "host",
    "kv-cache-dtype", "kv-cache-memory", "kv-cache-memory-bytes", "kv-transfer-config", "limit-mm-per-prompt",
    "load-format", "max-logprobs", "max-lora-rank", "max-loras", "max-model-len", "max-num-batched-tokens",
    "max-num-seqs", "model", "num-gpu-blocks-override", "pipeline-parallel-size", "port", "quantization",
    "reasoning-parser", "revision", "seed", "speculative-config", "swap-space", "tensor-parallel-size",
    "tokenizer", "tool-call-parser",
});

/// Flags with nargs='+': every following non-flag token is theirs (argparse is greedy), joined
/// by single spaces.
constexpr auto k_multi_value_flags = std::to_array<string_view>(
    {"cuda-graph-sizes", "lora-modules", "prompt-adapters", "served-model-name"});

struct ShortForm {
    string_view written; // without the dash
    string_view name;
};
constexpr auto k_short_forms = std::to_array<ShortForm>({
    {"tp", "tensor-parallel-size"},
    {"pp", "pipeline-parallel-size"},
    {"dp", "data-parallel-size"},
    {"dpl", "data-parallel-size-local"},
    {"dpa", "data-parallel-address"},
    {"dpp", "data-parallel-rpc-port"},
    {"dpr", "data-parallel-start-rank"},
    {"dcp", "decode-context-parallel-size"},
    {"q", "quantization"},
});

template <std::size_t N> bool listed(const std::array<string_view, N>& list, string_view name) {
    return std::find(list.begin(), list.end(), name) != list.end();
}

bool is_switch(string_view name) {
    if (listed(k_switches, name)) {
        return true;
    }
    return name.size() > 3 && name.substr(0, 3) == "no-" && listed(k_switches, name.substr(3));
}

bool is_value_flag(string_view name) { return listed(k_value_flags, name) || listed(k_multi_value_flags, name); }

/// Dashes stripped, '_' → '-' before the first '.' (FlexibleArgumentParser leaves the dotted
/// sub-keys of JSON flags alone).
std::string normalize_name(string_view written) {
    std::size_t i = 0;
    while (i < written.size() && written[i] == '-') {
        ++i;
    }
    std::string out(written.substr(i));
    for (char& c : out) {
        if (c == '.') {
            break;
        }
        if (c == '_') {
            c = '-';
        }
    }
    return out;
}

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

string_view basename(string_view s) {
    const std::size_t slash = s.rfind('/');
    return slash == string_view::npos ? s : s.substr(slash + 1);
}

// ---- Shell words -----------------------------------------------------------------------------

/// One shell word after quote removal, with the line it starts on.
struct Word {
    std::string text;
    std::size_t line = 0;
    /// Index in `text` of the first character that came from quotes or a backslash escape; npos
    /// when none did (only an unquoted NAME=... is an assignment).
    std::size_t quoted_from = std::string::npos;
};

bool is_assignment(const Word& w) {
    const std::size_t eq = w.text.find('=');
    if (eq == std::string::npos || eq == 0 || eq > w.quoted_from) {
        return false;
    }
    for (std::size_t i = 0; i < eq; ++i) {
        const char c = w.text[i];
        const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
        if (!alpha && !(i > 0 && c >= '0' && c <= '9')) {
            return false;
        }
    }
    return true;
}

/// Splits shell text into simple commands (words up to `;`, `&`, `|`, `(`, `)` or a newline),
/// calling `sink(words)` for each. One pass, no recursion: nesting (`"$( '…' )"`) lives on an
/// explicit stack. Quoting inside `$(…)`, `${…}` and backquotes is kept verbatim (the
/// substitution is not run); redirections and their targets are dropped; here-document bodies
/// are skipped.
template <class Sink> class ShellSplitter {
public:
    ShellSplitter(string_view text, const std::string& source, std::size_t first_line, Sink& sink)
        : m_text(text), m_source(source), m_line(first_line), m_track_lines(first_line != 0), m_sink(sink) {}

    void run() {
        const std::size_t n = m_text.size();
        while (m_i < n) {
            if (m_stack.empty()) {
                top_level();
            } else {
                nested();
            }
        }
        if (!m_stack.empty()) {
            const Context& open = m_stack.front();
            throw InputError(at(m_source, open.line) + ": unterminated " + describe(open.kind));
        }
        check_line_length(n);
        end_command();
    }

private:
    enum class Kind : std::uint8_t { single_quote, double_quote, ansi_quote, backquote, paren, brace };
    struct Context {
        Kind kind;
        std::size_t line;
    };

    static std::string describe(Kind k) {
        switch (k) {
        case Kind::single_quote: return "single quote: expected a closing '";
        case Kind::double_quote: return "double quote: expected a closing \"";
        case Kind::ansi_quote: return "$'...' quote: expected a closing '";
        case Kind::backquote: return "backquote: expected a closing `";
        case Kind::paren: return "$(: expected a closing )";
        case Kind::brace: return "${: expected a closing }";
        }
        return "quote";
    }

    char peek(std::size_t ahead) const { return m_i + ahead < m_text.size() ? m_text[m_i + ahead] : '\0'; }

    void start_word() {
        if (!m_in_word) {
            m_in_word = true;
            m_word = Word{};
            m_word.line = m_line;
        }
    }
    void append(char c) {
        start_word();
        m_word.text.push_back(c);
    }
    void mark_quoted() {
        start_word();
        if (m_word.quoted_from == std::string::npos) {
            m_word.quoted_from = m_word.text.size();
        }
    }
    void end_word() {
        if (!m_in_word) {
            return;
        }
        m_in_word = false;
        if (m_drop_next) {
            m_drop_next = false;
            if (m_heredoc_next) {
                m_heredoc_next = false;
                m_heredocs.emplace_back(std::move(m_word.text), m_heredoc_strip_tabs);
            }
            return;
        }
        m_words.push_back(std::move(m_word));
    }
    void end_command() {
        end_word();
        m_drop_next = false;
        m_heredoc_next = false;
        if (!m_words.empty()) {
            m_sink(m_words);
            m_words.clear();
        }
    }
    void check_line_length(std::size_t end) const {
        if (end - m_line_start > k_max_line_bytes) {
            throw InputError(at(m_source, m_line) + ": line longer than " + std::to_string(k_max_line_bytes) + " bytes");
        }
    }
    /// Called with m_i on a '\n' that is consumed.
    void newline() {
        check_line_length(m_i);
        ++m_i;
        m_line_start = m_i;
        if (m_track_lines) {
            ++m_line;
        }
    }
    void push(Kind k) {
        m_stack.push_back(Context{k, m_line});
        if (k == Kind::paren || k == Kind::brace || k == Kind::backquote) {
            ++m_verbatim;
        }
    }
    void pop() {
        const Kind k = m_stack.back().kind;
        m_stack.pop_back();
        if (k == Kind::paren || k == Kind::brace || k == Kind::backquote) {
            --m_verbatim;
        }
    }

    /// After a newline that ends a command: the bodies of here-documents opened on that line.
    void skip_heredocs() {
        const std::size_t n = m_text.size();
        for (const auto& [delimiter, strip_tabs] : m_heredocs) {
            while (m_i < n) {
                std::size_t end = m_text.find('\n', m_i);
                if (end == string_view::npos) {
                    end = n;
                }
                string_view body_line = m_text.substr(m_i, end - m_i);
                if (!body_line.empty() && body_line.back() == '\r') {
                    body_line.remove_suffix(1);
                }
                if (strip_tabs) {
                    body_line.remove_prefix(std::min(body_line.find_first_not_of('\t'), body_line.size()));
                }
                m_i = end;
                if (m_i < n) {
                    newline();
                } else {
                    check_line_length(m_i);
                }
                if (body_line == delimiter) {
                    break;
                }
            }
        }
        m_heredocs.clear();
    }

    void redirection() {
        // `2>` / `10<`: an all-digit unquoted word right before the operator is its fd.
        if (m_in_word && m_word.quoted_from == std::string::npos && !m_word.text.empty() &&
            std::all_of(m_word.text.begin(), m_word.text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            m_in_word = false;
        } else {
            end_word();
        }
        bool heredoc = false;
        bool strip = false;
        const char c = peek(0);
        if (c == '&') { // &> &>>
            m_i += peek(2) == '>' ? 3 : 2;
        } else if (c == '<') {
            if (peek(1) == '<' && peek(2) == '<') {
                m_i += 3; // here-string: its word is dropped
            } else if (peek(1) == '<') {
                heredoc = true;
                strip = peek(2) == '-';
                m_i += strip ? 3 : 2;
            } else {
                m_i += (peek(1) == '&' || peek(1) == '>') ? 2 : 1;
            }
        } else { // '>'
            m_i += (peek(1) == '>' || peek(1) == '&' || peek(1) == '|') ? 2 : 1;
        }
        m_drop_next = true;
        m_heredoc_next = heredoc;
        m_heredoc_strip_tabs = strip;
    }

    void top_level() {
        const char c = m_text[m_i];
        switch (c) {
        case ' ':
        case '\t':
        case '\r':
        case '\v':
        case '\f':
            end_word();
            ++m_i;
            return;
        case '\n':
            end_command();
            newline();
            skip_heredocs();
            return;
        case '#':
            if (!m_in_word) {
                const std::size_t end = m_text.find('\n', m_i);
                m_i = end == string_view::npos ? m_text.size() : end;
                return;
            }
            break;
        case '\\':
            if (peek(1) == '\n') {
                ++m_i;
                newline(); // continuation: the word goes on
            } else if (peek(1) == '\r' && peek(2) == '\n') {
                m_i += 2;
                newline();
            } else if (m_i + 1 < m_text.size()) {
                mark_quoted();
                append(peek(1));
                m_i += 2;
            } else {
                ++m_i; // a lone backslash at the end of the text
            }
            return;
        case '\'':
            mark_quoted();
            push(Kind::single_quote);
            ++m_i;
            return;
        case '"':
            mark_quoted();
            push(Kind::double_quote);
            ++m_i;
            return;
        case '`':
            append('`');
            push(Kind::backquote);
            ++m_i;
            return;
        case '$':
            if (peek(1) == '\'') {
                mark_quoted();
                push(Kind::ansi_quote);
                m_i += 2;
                return;
            }
            if (substitution()) {
                return;
            }
            break;
        case '&':
            if (peek(1) == '>') {
                redirection();
                return;
            }
            end_command();
            ++m_i;
            return;
        case ';':
        case '|':
        case '(':
        case ')':
            end_command();
            ++m_i;
            return;
        case '<':
        case '>':
            redirection();
            return;
        default:
            break;
        }
        append(c);
        ++m_i;
    }

    /// `$(` or `${` at m_i: appended verbatim and pushed. False for a plain '$'.
    bool substitution() {
        if (peek(1) == '(') {
            append('$');
            append('(');
            push(Kind::paren);
            m_i += 2;
            return true;
        }
        if (peek(1) == '{') {
            append('$');
            append('{');
            push(Kind::brace);
            m_i += 2;
            return true;
        }
        return false;
    }

    /// A quote opened inside a verbatim context keeps its quote characters.
    void open_quote(Kind k, char quote) {
        if (m_verbatim > 0) {
            append(quote);
        } else {
            mark_quoted();
        }
        push(k);
        ++m_i;
    }
    void close_quote(char quote) {
        pop();
        if (m_verbatim > 0) {
            append(quote);
        }
        ++m_i;
    }
    /// A newline inside quotes or a substitution: kept, and counted.
    void inner_newline() {
        append('\n');
        newline();
    }

    void nested() {
        const char c = m_text[m_i];
        const Kind k = m_stack.back().kind;
        if (c == '\n' && k != Kind::double_quote) {
            inner_newline();
            return;
        }
        switch (k) {
        case Kind::single_quote:
            if (c == '\'') {
                close_quote('\'');
            } else {
                append(c);
                ++m_i;
            }
            return;
        case Kind::ansi_quote:
            if (c == '\'') {
                close_quote('\'');
            } else if (c == '\\' && m_i + 1 < m_text.size() && peek(1) != '\n') {
                ansi_escape(peek(1));
                m_i += 2;
            } else {
                append(c);
                ++m_i;
            }
            return;
        case Kind::double_quote:
            double_quoted(c);
            return;
        case Kind::backquote:
            if (c == '`') {
                pop();
                append('`');
                ++m_i;
            } else if (c == '\\' && m_i + 1 < m_text.size()) {
                verbatim_escape();
            } else {
                append(c);
                ++m_i;
            }
            return;
        case Kind::paren:
        case Kind::brace:
            in_substitution(c, k);
            return;
        }
    }

    void ansi_escape(char e) {
        if (m_verbatim > 0) {
            append('\\');
            append(e);
            return;
        }
        switch (e) {
        case 'n': append('\n'); return;
        case 't': append('\t'); return;
        case 'r': append('\r'); return;
        case '\\':
        case '\'':
        case '"': append(e); return;
        default:
            append('\\');
            append(e);
            return;
        }
    }

    /// A backslash and the next character kept as written (inside a substitution).
    void verbatim_escape() {
        append('\\');
        if (peek(1) == '\n') {
            ++m_i;
            inner_newline();
            return;
        }
        append(peek(1));
        m_i += 2;
    }

    void double_quoted(char c) {
        if (c == '"') {
            close_quote('"');
            return;
        }
        if (c == '\\' && m_i + 1 < m_text.size()) {
            const char e = peek(1);
            if (m_verbatim > 0) {
                verbatim_escape();
                return;
            }
            if (e == '\n') {
                ++m_i;
                newline(); // continuation inside double quotes
                return;
            }
            if (e == '$' || e == '`' || e == '"' || e == '\\') {
                append(e);
                m_i += 2;
                return;
            }
            append('\\');
            ++m_i;
            return;
        }
        if (c == '\n') {
            inner_newline();
            return;
        }
        if (c == '$' && substitution()) {
            return;
        }
        if (c == '`') {
            append('`');
            push(Kind::backquote);
            ++m_i;
            return;
        }
        append(c);
        ++m_i;
    }

    void in_substitution(char c, Kind k) {
        if (k == Kind::paren && c == ')') {
            pop();
            append(')');
            ++m_i;
            return;
        }
        if (k == Kind::brace && c == '}') {
            pop();
            append('}');
            ++m_i;
            return;
        }
        switch (c) {
        case '(':
            if (k == Kind::paren) {
                append('(');
                push(Kind::paren);
                ++m_i;
                return;
            }
            break;
        case '\'': open_quote(Kind::single_quote, '\''); return;
        case '"': open_quote(Kind::double_quote, '"'); return;
        case '`':
            append('`');
            push(Kind::backquote);
            ++m_i;
            return;
        case '\\':
            if (m_i + 1 < m_text.size()) {
                verbatim_escape();
                return;
            }
            break;
        case '$':
            if (substitution()) {
                return;
            }
            break;
        default: break;
        }
        append(c);
        ++m_i;
    }

    string_view m_text;
    const std::string& m_source;
    std::size_t m_i = 0;
    std::size_t m_line;
    std::size_t m_line_start = 0;
    bool m_track_lines;
    Sink& m_sink;
    std::vector<Context> m_stack;
    int m_verbatim = 0; // paren / brace / backquote contexts on the stack
    bool m_in_word = false;
    Word m_word;
    std::vector<Word> m_words;
    bool m_drop_next = false; // the next word is a redirection target
    bool m_heredoc_next = false;
    bool m_heredoc_strip_tabs = false;
    std::vector<std::pair<std::string, bool>> m_heredocs;
};

template <class Sink> void split_commands(string_view text, const std::string& source, std::size_t first_line, Sink& sink) {
    ShellSplitter<Sink> splitter(text, source, first_line, sink);
    splitter.run();
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

std::optional<Start> vllm_start(const std::vector<Word>& w, std::size_t j, bool allow_docker);

std::optional<Start> python_start(const std::vector<Word>& w, std::size_t j) {
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
std::optional<Start> docker_start(const std::vector<Word>& w, std::size_t j) {
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

std::optional<Start> vllm_start(const std::vector<Word>& w, std::size_t j, bool allow_docker) {
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
class ArgParser {
public:
    ArgParser(const std::vector<Word>& w, const std::string& source, Deployment& d) : m_w(w), m_source(source), m_d(d) {}

    void run(std::size_t first) {
        const bool positional_model = m_d.entrypoint != "api_server";
        bool dashdash = false;
        const Word* model = nullptr;
        for (std::size_t k = first; k < m_w.size();) {
            const Word& t = m_w[k];
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
                m_d.flags.push_back(DeploymentFlag{"model", t.text, t.line, false, false});
                ++k;
                continue;
            }
            const std::string why = positional_model
                                        ? m_d.entrypoint + " takes one positional model, already '" + model->text + "'"
                                        : "the api_server takes the model as --model";
            throw InputError(at(m_source, t.line) + ": unexpected argument '" + t.text + "' (" + why + ")");
        }
        if (model != nullptr) {
            for (const DeploymentFlag& f : m_d.flags) {
                if (f.name == "model" && f.value != model->text) {
                    throw InputError(at(m_source, f.line) + ": the model is given twice, '" + model->text +
                                     "' (positional) and --model '" + f.value + "'; vLLM uses the positional one");
                }
            }
        }
    }

private:
    /// One option at k; returns the index after it and its value(s).
    std::size_t option(std::size_t k) {
        const Word& t = m_w[k];
        const std::string& s = t.text;
        const std::size_t eq = s.find('=');
        const std::string written = s.substr(0, eq);
        std::optional<std::string> joined;
        if (eq != std::string::npos) {
            joined = s.substr(eq + 1);
        }
        std::string name;
        if (s[1] == '-') {
            name = normalize_name(written);
        } else if (s[1] == 'O' && s.size() > 2 && s[2] != '=') {
            // -O3 (level 3), -O.level=3 (a sub-key): vLLM's alias of --compilation-config.
            if (s[2] == '.') {
                name = "compilation-config" + written.substr(2);
            } else {
                name = "compilation-config";
                joined = s.substr(2);
            }
        } else {
            const string_view short_name = string_view(written).substr(1);
            name = short_name == "O" ? "compilation-config" : normalize_name(short_name);
            for (const ShortForm& f : k_short_forms) {
                if (f.written == short_name) {
                    name = std::string(f.name);
                }
            }
        }
        DeploymentFlag flag{name, "", t.line, false, false};
        std::size_t next = k + 1;
        if (is_switch(name)) {
            flag.boolean = true;
            flag.value = "true";
            if (joined) {
                const std::string v = ascii_lower(*joined);
                if (v != "true" && v != "false") {
                    throw InputError(at(m_source, t.line) + ": " + written + ": expected true or false, found '" + *joined + "'");
                }
                flag.value = v;
            } else if (next < m_w.size() && (ascii_lower(m_w[next].text) == "true" || ascii_lower(m_w[next].text) == "false")) {
                // `--enable-chunked-prefill False`: vLLM <= 0.6 declared some switches with
                // StoreBoolean (nargs='?'); no model or other value is spelled true/false.
                flag.value = ascii_lower(m_w[next++].text);
            }
        } else if (joined) {
            flag.value = *joined;
        } else if (next < m_w.size() && !is_option(m_w[next].text) && m_w[next].text != "--") {
            flag.value = m_w[next++].text;
            if (listed(k_multi_value_flags, name)) {
                while (next < m_w.size() && !is_option(m_w[next].text) && m_w[next].text != "--") {
                    flag.value += ' ';
                    flag.value += m_w[next++].text;
                }
            }
        } else if (is_value_flag(name)) {
            throw InputError(at(m_source, t.line) + ": " + written + ": expected a value");
        } else {
            flag.boolean = true; // an unknown flag with no value: a switch
            flag.value = "true";
        }
        m_d.flags.push_back(std::move(flag));
        return next;
    }

    const std::vector<Word>& m_w;
    const std::string& m_source;
    Deployment& m_d;
};

/// Finds the vLLM commands of a text, command by command, keeping the exported environment.
class CommandScanner {
public:
    CommandScanner(const std::string& source, std::vector<Deployment>& out, std::vector<std::string> exported, int depth)
        : m_source(source), m_out(out), m_exported(std::move(exported)), m_depth(depth) {}

    void operator()(const std::vector<Word>& w) {
        std::vector<std::string> prefixes;
        std::size_t k = 0;
        while (k < w.size() && is_assignment(w[k])) {
            prefixes.push_back(w[k++].text);
        }
        if (k == w.size()) {
            return; // NAME=VALUE alone: a shell variable, not exported
        }
        const string_view cmd = w[k].text;
        if (cmd == "export") {
            for (std::size_t j = k + 1; j < w.size(); ++j) {
                if (is_assignment(w[j])) {
                    set_env(m_exported, w[j].text);
                    m_exported_bytes += w[j].text.size();
                }
            }
            // Every later deployment copies the exports: bounded, so the work stays linear.
            if (m_exported.size() > k_max_exports || m_exported_bytes > k_max_export_bytes) {
                throw InputError(at(m_source, w[k].line) + ": expected at most " + std::to_string(k_max_exports) +
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
            if (is_assignment(w[j])) {
                prefixes.push_back(w[j].text); // env KEY=VALUE, sudo KEY=VALUE
                continue;
            }
            if (try_at(w, j, prefixes)) {
                return;
            }
        }
    }

    void scan(string_view text, std::size_t first_line) { split_commands(text, m_source, first_line, *this); }

private:
    bool try_at(const std::vector<Word>& w, std::size_t j, const std::vector<std::string>& prefixes) {
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
        ArgParser(w, m_source, d).run(start->args);
        m_out.push_back(std::move(d));
        return true;
    }

    /// `bash [options] -c SCRIPT`: the script's commands, with this command's environment.
    bool shell_script(const std::vector<Word>& w, std::size_t j, const std::vector<std::string>& prefixes) {
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

// ---- YAML ------------------------------------------------------------------------------------

bool blank(string_view l) { return l.find_first_not_of(" \t") == string_view::npos; }

bool comment_line(string_view l) {
    const std::size_t p = l.find_first_not_of(" \t");
    return p != string_view::npos && l[p] == '#';
}

/// The text before a ` #` comment, right-trimmed.
string_view strip_comment(string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t')) {
            s = s.substr(0, i);
            break;
        }
    }
    const std::size_t last = s.find_last_not_of(" \t");
    return last == string_view::npos ? string_view() : s.substr(0, last + 1);
}

bool indentation_has_tab(string_view l) {
    const std::size_t p = l.find_first_not_of(' ');
    return p != string_view::npos && l[p] == '\t' && !blank(l);
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

class YamlParser {
public:
    YamlParser(string_view text, const std::string& source) : m_source(source) {
        if (text.substr(0, 3) == "\xEF\xBB\xBF") {
            text.remove_prefix(3);
        }
        std::size_t start = 0;
        while (start <= text.size()) {
            std::size_t end = text.find('\n', start);
            if (end == string_view::npos) {
                end = text.size();
            }
            string_view l = text.substr(start, end - start);
            if (!l.empty() && l.back() == '\r') {
                l.remove_suffix(1);
            }
            if (l.size() > k_max_line_bytes) {
                throw InputError(at(m_source, m_lines.size() + 1) + ": line longer than " + std::to_string(k_max_line_bytes) + " bytes");
            }
            m_lines.push_back(l);
            if (end == text.size()) {
                break;
            }
            start = end + 1;
        }
    }

    Deployment parse() {
        Deployment d;
        d.source = m_source;
        d.entrypoint = "yaml";
        bool marker = false;
        std::optional<std::size_t> ended;
        std::map<std::string, std::size_t> seen;
        std::size_t i = 0;
        while (i < m_lines.size()) {
            const string_view l = m_lines[i];
            const std::size_t ln = i + 1;
            if (blank(l) || comment_line(l)) {
                ++i;
                continue;
            }
            if (ended) {
                fail(ln, "expected a single YAML document, found more after '...' (line " + std::to_string(*ended) + ")");
            }
            if (is_marker(l, "---")) {
                if (marker || !d.flags.empty()) {
                    fail(ln, "expected a single YAML document, found a second '---' (multi-document files are not supported)");
                }
                if (!strip_comment(l.substr(3)).empty()) {
                    fail(ln, "expected the document to start on the line after '---'");
                }
                marker = true;
                d.line = ln;
                ++i;
                continue;
            }
            if (is_marker(l, "...")) {
                ended = ln;
                ++i;
                continue;
            }
            top_level_checks(l, ln);
            if (d.line == 0) {
                d.line = ln;
            }
            i = entry(i, d, seen);
        }
        if (d.flags.empty()) {
            throw InputError(m_source + ": expected a mapping of vLLM flags ('key: value' lines), found an empty document");
        }
        return d;
    }

private:
    [[noreturn]] void fail(std::size_t line, const std::string& what) const { throw InputError(at(m_source, line) + ": " + what); }

    static bool is_marker(string_view l, string_view m) {
        return l.substr(0, 3) == m && (l.size() == 3 || l[3] == ' ' || l[3] == '\t');
    }

    void top_level_checks(string_view l, std::size_t ln) const {
        if (indentation_has_tab(l)) {
            fail(ln, "expected spaces for indentation, found a tab");
        }
        if (l[0] == ' ') {
            fail(ln, "expected 'key: value' at the start of the line, found indentation (a value spanning lines must be a "
                     "list or a mapping)");
        }
        if (l[0] == '%') {
            fail(ln, "expected 'key: value', found a YAML directive (not supported)");
        }
        if (l[0] == '-' && (l.size() == 1 || l[1] == ' ' || l[1] == '\t')) {
            fail(ln, "expected a mapping of vLLM flags ('key: value' lines) at the top level, found a list");
        }
        if (l[0] == '{' || l[0] == '[') {
            fail(ln, "expected a mapping of vLLM flags ('key: value' lines) at the top level, found a flow collection");
        }
        if (l[0] == '?' && (l.size() == 1 || l[1] == ' ')) {
            fail(ln, "expected 'key: value', found a complex key ('? ', not supported)");
        }
        refuse_indicator(l[0], ln);
    }

    /// Anchors, aliases and tags: vLLM's loader would resolve them; write the value out instead.
    void refuse_indicator(char c, std::size_t ln) const {
        if (c == '&') {
            fail(ln, "expected a plain value, found an anchor ('&name', not supported): write the value out");
        }
        if (c == '*') {
            fail(ln, "expected a plain value, found an alias ('*name', not supported): write the value out");
        }
        if (c == '!') {
            fail(ln, "expected a plain value, found a tag ('!tag', not supported)");
        }
        if (c == '@' || c == '`') {
            fail(ln, std::string("expected a plain value, found '") + c + "' (reserved in YAML): quote the value");
        }
    }

    /// One `key: value` entry starting at line index i; returns the next line index.
    std::size_t entry(std::size_t i, Deployment& d, std::map<std::string, std::size_t>& seen) {
        const string_view l = m_lines[i];
        const std::size_t ln = i + 1;
        std::string key;
        std::size_t after_colon = 0;
        if (l[0] == '"' || l[0] == '\'') {
            std::size_t end = 0;
            key = quoted(l, 0, ln, end);
            std::size_t p = end;
            while (p < l.size() && (l[p] == ' ' || l[p] == '\t')) {
                ++p;
            }
            if (p >= l.size() || l[p] != ':' || (p + 1 < l.size() && l[p + 1] != ' ' && l[p + 1] != '\t')) {
                fail(ln, "expected ':' after the key");
            }
            after_colon = p + 1;
        } else {
            const string_view content = strip_comment(l);
            std::size_t colon = string_view::npos;
            for (std::size_t p = 0; p < content.size(); ++p) {
                if (content[p] == ':' && (p + 1 == content.size() || content[p + 1] == ' ' || content[p + 1] == '\t')) {
                    colon = p;
                    break;
                }
            }
            if (colon == string_view::npos) {
                fail(ln, "expected 'key: value', found no ':'");
            }
            const string_view k = content.substr(0, colon);
            key = std::string(k.substr(0, k.find_last_not_of(" \t") + 1));
            after_colon = colon + 1;
        }
        if (key == "<<") {
            fail(ln, "expected a flag name as the key, found a merge key ('<<', not supported)");
        }
        const bool valid = !key.empty() && std::isalnum(static_cast<unsigned char>(key[0])) != 0 &&
                           std::all_of(key.begin(), key.end(), [](char c) {
                               return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
                           });
        if (!valid) {
            fail(ln, "expected a flag name as the key, found '" + key + "'");
        }
        DeploymentFlag flag{normalize_name(key), "", ln, false, false};
        if (const auto it = seen.find(flag.name); it != seen.end()) {
            fail(ln, "duplicate key '" + key + "' (already set on line " + std::to_string(it->second) + ")");
        }
        seen.emplace(flag.name, ln);

        string_view rest = l.substr(after_colon);
        rest.remove_prefix(std::min(rest.find_first_not_of(" \t"), rest.size()));
        std::size_t next = i + 1;
        if (rest.empty() || rest[0] == '#') {
            next = block(i, flag, key);
        } else if (rest[0] == '|' || rest[0] == '>') {
            next = block_scalar(i, rest, flag, key);
        } else if (rest[0] == '{' || rest[0] == '[') {
            next = flow(i, l.size() - rest.size(), flag, key);
        } else if (rest[0] == '"' || rest[0] == '\'') {
            std::size_t end = 0;
            const std::size_t start = l.size() - rest.size();
            flag.value = quoted(l, start, ln, end);
            if (!strip_comment(l.substr(end)).empty()) {
                fail(ln, "expected the end of the line after the closing quote");
            }
            if (is_switch(flag.name)) {
                fail(ln, "expected true or false for '" + key + "', found a quoted string");
            }
        } else {
            scalar(rest, ln, flag, key);
        }
        d.flags.push_back(std::move(flag));
        return next;
    }

    void scalar(string_view rest, std::size_t ln, DeploymentFlag& flag, const std::string& key) const {
        refuse_indicator(rest[0], ln);
        if (rest[0] == '%') {
            fail(ln, "expected a plain value, found '%' (reserved in YAML): quote the value");
        }
        if (rest[0] == '-' && (rest.size() == 1 || rest[1] == ' ' || rest[1] == '\t')) {
            fail(ln, "expected a value after '" + key + ":', found a list entry (a list starts on the next line)");
        }
        if (rest[0] == ',' || rest[0] == ']' || rest[0] == '}' || (rest[0] == '?' && (rest.size() == 1 || rest[1] == ' '))) {
            fail(ln, std::string("expected a value after '") + key + ":', found '" + rest[0] + "'");
        }
        const string_view v = strip_comment(rest);
        for (std::size_t p = 0; p < v.size(); ++p) {
            if (v[p] == ':' && (p + 1 == v.size() || v[p + 1] == ' ' || v[p + 1] == '\t')) {
                fail(ln, "expected one 'key: value' per line, found a second ': ' (quote a value that contains ': ')");
            }
        }
        if (v == "~" || v == "null" || v == "Null" || v == "NULL") {
            fail(ln, "expected a value for '" + key + "', found null");
        }
        // PyYAML (YAML 1.1), which vLLM's config loader uses, reads these as booleans.
        static constexpr auto k_true = std::to_array<string_view>({"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"});
        static constexpr auto k_false =
            std::to_array<string_view>({"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"});
        const bool t = listed(k_true, v);
        const bool f = listed(k_false, v);
        if (t || f) {
            if (is_value_flag(flag.name)) {
                fail(ln, "expected a value for '" + key + "', found the boolean '" + std::string(v) + "'");
            }
            flag.boolean = true;
            flag.value = t ? "true" : "false";
            return;
        }
        if (is_switch(flag.name)) {
            fail(ln, "expected true or false for '" + key + "', found '" + std::string(v) + "'");
        }
        flag.value = std::string(v);
    }

    /// `key:` followed by an indented block (or a list at the key's own column): raw text.
    std::size_t block(std::size_t i, DeploymentFlag& flag, const std::string& key) const {
        std::size_t last = i;
        for (std::size_t j = i + 1; j < m_lines.size(); ++j) {
            const string_view l = m_lines[j];
            if (blank(l) || comment_line(l)) {
                continue;
            }
            const bool nested = l[0] == ' ' || l[0] == '\t' || (l[0] == '-' && (l.size() == 1 || l[1] == ' '));
            if (!nested) {
                break;
            }
            if (indentation_has_tab(l)) {
                fail(j + 1, "expected spaces for indentation, found a tab");
            }
            last = j;
        }
        if (last == i) {
            fail(i + 1, "expected a value for '" + key + "'");
        }
        flag.raw = true;
        for (std::size_t j = i + 1; j <= last; ++j) {
            if (j > i + 1) {
                flag.value += '\n';
            }
            flag.value += m_lines[j];
        }
        return last + 1;
    }

    /// `key: |` / `key: >-` and the indented lines below, indentation removed.
    std::size_t block_scalar(std::size_t i, string_view header, DeploymentFlag& flag, const std::string& key) const {
        const string_view h = strip_comment(header);
        const bool valid = h.size() <= 3 && std::all_of(h.begin() + 1, h.end(), [](char c) {
                               return c == '+' || c == '-' || (c >= '1' && c <= '9');
                           });
        if (!valid) {
            fail(i + 1, "expected a block scalar header ('|', '|-', '>', ...) after '" + key + ":'");
        }
        std::size_t last = i;
        std::size_t indent = 0;
        for (std::size_t j = i + 1; j < m_lines.size(); ++j) {
            const string_view l = m_lines[j];
            if (blank(l)) {
                continue;
            }
            if (l[0] != ' ' && l[0] != '\t') {
                break;
            }
            if (indentation_has_tab(l)) {
                fail(j + 1, "expected spaces for indentation, found a tab");
            }
            if (indent == 0) {
                indent = l.find_first_not_of(' ');
            }
            last = j;
        }
        flag.raw = true;
        for (std::size_t j = i + 1; j <= last; ++j) {
            if (j > i + 1) {
                flag.value += '\n';
            }
            const string_view l = m_lines[j];
            flag.value += l.size() > indent ? l.substr(std::min(indent, l.find_first_not_of(' '))) : string_view();
        }
        return last + 1;
    }

    /// A flow collection `{...}` / `[...]` starting at column `col` of line i, possibly over
    /// several lines: raw text, comments dropped. Brackets inside quotes do not count; a quote
    /// opens a string only where a scalar starts (after `{`, `[`, `,`, `:` or a space).
    std::size_t flow(std::size_t i, std::size_t col, DeploymentFlag& flag, const std::string& key) const {
        const char open = m_lines[i][col];
        std::size_t depth = 0;
        char quote = '\0';
        std::string text;
        for (std::size_t j = i; j < m_lines.size(); ++j) {
            const string_view l = m_lines[j];
            const std::size_t from = j == i ? col : 0;
            if (j > i) {
                text += '\n';
            }
            char prev = ' ';
            std::size_t p = from;
            for (; p < l.size(); ++p) {
                const char c = l[p];
                if (quote == '"') {
                    if (c == '\\') {
                        ++p;
                    } else if (c == '"') {
                        quote = '\0';
                    }
                    continue;
                }
                if (quote == '\'') {
                    if (c == '\'' && p + 1 < l.size() && l[p + 1] == '\'') {
                        ++p;
                    } else if (c == '\'') {
                        quote = '\0';
                    }
                    continue;
                }
                if (c == '#' && (prev == ' ' || prev == '\t')) {
                    break; // a comment to the end of the line
                }
                if ((c == '"' || c == '\'') && string_view("{[,: \t").find(prev) != string_view::npos) {
                    quote = c;
                } else if (c == '{' || c == '[') {
                    ++depth;
                } else if ((c == '}' || c == ']') && --depth == 0) {
                    text += l.substr(from, p + 1 - from);
                    if (!strip_comment(l.substr(p + 1)).empty()) {
                        fail(j + 1, std::string("expected the end of the line after the closing '") + c + "'");
                    }
                    flag.value = std::move(text);
                    flag.raw = true;
                    return j + 1;
                }
                prev = c;
            }
            const string_view part = l.substr(std::min(from, l.size()), p - std::min(from, l.size()));
            text += part.substr(0, part.find_last_not_of(" \t") + 1);
        }
        fail(i + 1, std::string("expected a closing '") + (open == '{' ? '}' : ']') + "' for the value of '" + key + "'");
    }

    /// A quoted scalar starting at l[start] (on one line); `end` is set after the closing quote.
    std::string quoted(string_view l, std::size_t start, std::size_t ln, std::size_t& end) const {
        const char q = l[start];
        std::string out;
        for (std::size_t p = start + 1; p < l.size(); ++p) {
            const char c = l[p];
            if (q == '\'') {
                if (c == '\'') {
                    if (p + 1 < l.size() && l[p + 1] == '\'') {
                        out.push_back('\'');
                        ++p;
                        continue;
                    }
                    end = p + 1;
                    return out;
                }
                out.push_back(c);
                continue;
            }
            if (c == '"') {
                end = p + 1;
                return out;
            }
            if (c != '\\') {
                out.push_back(c);
                continue;
            }
            if (++p >= l.size()) {
                break;
            }
            if (!escape(l, p, out)) {
                fail(ln, "expected a valid escape in a double-quoted value, found '\\" + std::string(1, l[p]) + "'");
            }
        }
        fail(ln, std::string("expected a closing ") + q + " on the same line (multi-line quoted values are not supported)");
    }

    /// The escape at l[p] (after the backslash) appended to `out`; p left on its last character.
    static bool escape(string_view l, std::size_t& p, std::string& out) {
        switch (l[p]) {
        case '0': out.push_back('\0'); return true;
        case 'a': out.push_back('\a'); return true;
        case 'b': out.push_back('\b'); return true;
        case 't':
        case '\t': out.push_back('\t'); return true;
        case 'n': out.push_back('\n'); return true;
        case 'v': out.push_back('\v'); return true;
        case 'f': out.push_back('\f'); return true;
        case 'r': out.push_back('\r'); return true;
        case 'e': out.push_back('\x1b'); return true;
        case ' ':
        case '"':
        case '/':
        case '\\': out.push_back(l[p]); return true;
        case 'N': append_utf8(out, 0x85); return true;
        case '_': append_utf8(out, 0xA0); return true;
        case 'L': append_utf8(out, 0x2028); return true;
        case 'P': append_utf8(out, 0x2029); return true;
        case 'x':
        case 'u':
        case 'U': {
            const std::size_t digits = l[p] == 'x' ? 2 : l[p] == 'u' ? 4 : 8;
            if (p + digits >= l.size()) {
                return false;
            }
            std::uint32_t cp = 0;
            for (std::size_t k = 1; k <= digits; ++k) {
                const char h = l[p + k];
                const int v = (h >= '0' && h <= '9') ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
                if (v < 0) {
                    return false;
                }
                cp = cp * 16 + static_cast<std::uint32_t>(v);
            }
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            append_utf8(out, cp);
            p += digits;
            return true;
        }
        default: return false;
        }
    }

    const std::string& m_source;
    std::vector<string_view> m_lines;
};

bool has_yaml_extension(const fs::path& p) {
    const std::string ext = ascii_lower(p.extension().string());
    return ext == ".yaml" || ext == ".yml";
}

std::string read_text(const std::string& path) { return read_file(path, k_max_deployment_bytes, "a vLLM command or config file"); }

} // namespace

const DeploymentFlag* Deployment::find(const std::string& name) const {
    const std::string wanted = normalize_name(name);
    for (auto it = flags.rbegin(); it != flags.rend(); ++it) {
        if (it->name == wanted) {
            return &*it;
        }
    }
    return nullptr;
}

std::optional<bool> Deployment::switch_state(const std::string& name) const {
    const std::string wanted = normalize_name(name);
    const std::string negated = "no-" + wanted;
    for (auto it = flags.rbegin(); it != flags.rend(); ++it) {
        if (it->boolean && (it->name == wanted || it->name == negated)) {
            return (it->value == "true") == (it->name == wanted);
        }
    }
    return std::nullopt;
}

Deployment parse_vllm_argv(const std::vector<std::string>& argv, const std::string& source) {
    std::vector<Word> words;
    words.reserve(argv.size());
    for (const std::string& a : argv) {
        words.push_back(Word{a, 0, std::string::npos});
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

Deployment parse_vllm_yaml(string_view text, const std::string& source) { return YamlParser(text, source).parse(); }

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
        std::vector<std::string> v(k_switches.begin(), k_switches.end());
        std::sort(v.begin(), v.end());
        return v;
    }();
    return k_list;
}

} // namespace vramplan

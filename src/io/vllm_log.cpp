#include <vramplan/io/vllm_log.hpp>

#include "shell_words.hpp"
#include "vllm_argv.hpp"

#include <vramplan/engine_args.hpp>
#include <vramplan/io/catalog.hpp>
#include <vramplan/io/deployment.hpp>
#include <vramplan/io/errors.hpp>
#include <vramplan/io/release_fingerprints.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <system_error>
#include <tuple>
#include <utility>

// Scanning is hand-written over std::string_view: every search is a forward find() on one line,
// so the parse is linear in the input and cannot backtrack. Every wording below is quoted from
// reference/vllm-memory-model.md (section given), from a real log in tests/data/logs/, or (for
// `CUDA out of memory`) from PyTorch.

namespace vramplan {

namespace {

using std::string_view;

constexpr std::size_t k_max_log_bytes = std::size_t{256} << 20;
constexpr std::size_t k_max_error_bytes = 4096;
constexpr std::size_t k_max_continuation_lines = 256;

// ---------------------------------------------------------------------------------------------
// Small scanning helpers. None of them reads outside the view or throws.

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ident(char c) { return is_digit(c) || is_alpha(c) || c == '_'; }
bool is_space(char c) { return c == ' ' || c == '\t'; }

string_view tail(string_view s, std::size_t pos) { return pos >= s.size() ? string_view{} : s.substr(pos); }
string_view head(string_view s, std::size_t n) { return n >= s.size() ? s : s.substr(0, n); }

string_view ltrim(string_view s) {
    std::size_t i = 0;
    while (i < s.size() && is_space(s[i])) {
        ++i;
    }
    return s.substr(i);
}

string_view rtrim(string_view s) {
    std::size_t n = s.size();
    while (n > 0 && (is_space(s[n - 1]) || s[n - 1] == '\r' || s[n - 1] == '\n')) {
        --n;
    }
    return s.substr(0, n);
}

string_view trim(string_view s) { return rtrim(ltrim(s)); }

bool starts_with(string_view s, string_view p) { return s.size() >= p.size() && s.substr(0, p.size()) == p; }
bool ends_with(string_view s, string_view p) { return s.size() >= p.size() && s.substr(s.size() - p.size()) == p; }
bool contains(string_view s, string_view p) { return s.find(p) != string_view::npos; }

/// The text after the first `key` in `s`.
std::optional<string_view> after(string_view s, string_view key) {
    const std::size_t pos = s.find(key);
    if (pos == string_view::npos) {
        return std::nullopt;
    }
    return tail(s, pos + key.size());
}

/// A decimal number as Python's `%.2f` / `str(float)` print it: optional '-', digits, optional
/// fraction. No exponent, no "inf"/"nan".
struct Number {
    double value = 0;
    std::size_t length = 0;
    int decimals = 0;
};

std::optional<Number> number_at(string_view s) {
    std::size_t i = 0;
    if (i < s.size() && s[i] == '-') {
        ++i;
    }
    if (i >= s.size() || !is_digit(s[i])) {
        return std::nullopt;
    }
    while (i < s.size() && is_digit(s[i])) {
        ++i;
    }
    int decimals = 0;
    if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
        ++i;
        while (i < s.size() && is_digit(s[i])) {
            ++i;
            ++decimals;
        }
    }
    double v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + i, v, std::chars_format::fixed);
    if (ec != std::errc{} || p != s.data() + i) {
        return std::nullopt;
    }
    return Number{v, i, decimals};
}

/// The number right after `key` (spaces allowed in between).
std::optional<Number> number_after(string_view s, string_view key) {
    const auto rest = after(s, key);
    if (!rest) {
        return std::nullopt;
    }
    return number_at(ltrim(*rest));
}

/// A token count: digits, with V1's thousands separators ("1,590,736"). Returns the value and
/// the characters used.
std::optional<std::pair<std::uint64_t, std::size_t>> count_at(string_view s) {
    if (s.empty() || !is_digit(s[0])) {
        return std::nullopt;
    }
    std::uint64_t v = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        if (is_digit(s[i])) {
            const auto d = static_cast<std::uint64_t>(s[i] - '0');
            if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) {
                return std::nullopt;
            }
            v = v * 10 + d;
            ++i;
        } else if (s[i] == ',' && i + 3 < s.size() && is_digit(s[i + 1]) && is_digit(s[i + 2]) && is_digit(s[i + 3]) &&
                   (i + 4 >= s.size() || !is_digit(s[i + 4]))) {
            ++i; // a separator: exactly three digits follow
        } else {
            break;
        }
    }
    return std::pair{v, i};
}

std::optional<std::uint64_t> count_after(string_view s, string_view key) {
    const auto rest = after(s, key);
    if (!rest) {
        return std::nullopt;
    }
    const auto c = count_at(ltrim(*rest));
    if (!c) {
        return std::nullopt;
    }
    return c->first;
}

/// A version token ("0.10.1.dev101+gbda9d0535", "v0.6.4.post1") at the start of `s`.
std::optional<VllmVersion> version_at(string_view s) {
    std::size_t n = 0;
    while (n < s.size() && n < 64 && (is_ident(s[n]) || s[n] == '.' || s[n] == '+' || s[n] == '-')) {
        ++n;
    }
    string_view tok = s.substr(0, n);
    while (!tok.empty() && tok.back() == '.') {
        tok.remove_suffix(1); // "vLLM: 0.10.0." ends a sentence
    }
    if (tok.empty()) {
        return std::nullopt;
    }
    return parse_vllm_version(std::string(tok));
}

/// Removes one pair of Python / shell quotes ('x' or "x") and backslash escapes inside them.
std::string unquote(string_view v) {
    v = trim(v);
    if (v.size() >= 2 && (v.front() == '\'' || v.front() == '"') && v.back() == v.front()) {
        const string_view in = v.substr(1, v.size() - 2);
        std::string out;
        out.reserve(in.size());
        for (std::size_t i = 0; i < in.size(); ++i) {
            if (in[i] == '\\' && i + 1 < in.size()) {
                ++i;
            }
            out += in[i];
        }
        return out;
    }
    return std::string(v);
}

/// vLLM's `human_readable_int` for token counts: "32768", "32k" (×1000), "32K" (×1024).
std::optional<std::uint64_t> parse_uint_value(string_view v) {
    const std::string s = unquote(v);
    const auto c = count_at(s);
    if (!c) {
        return std::nullopt;
    }
    std::uint64_t value = c->first;
    string_view rest = tail(string_view(s), c->second);
    std::uint64_t factor = 1;
    if (!rest.empty()) {
        switch (rest.front()) {
        case 'k': factor = 1000; break;
        case 'm': factor = 1000 * 1000; break;
        case 'g': factor = 1000 * 1000 * 1000; break;
        case 'K': factor = 1024; break;
        case 'M': factor = 1024 * 1024; break;
        case 'G': factor = 1024 * 1024 * 1024; break;
        default: return std::nullopt;
        }
        if (rest.size() != 1) {
            return std::nullopt;
        }
    }
    if (value > std::numeric_limits<std::uint64_t>::max() / factor) {
        return std::nullopt;
    }
    return value * factor;
}

std::optional<double> parse_double_value(string_view v) {
    const std::string s = unquote(v);
    const auto n = number_at(s);
    if (!n || n->length != s.size()) {
        return std::nullopt;
    }
    return n->value;
}

std::optional<bool> parse_bool_value(string_view v) {
    const std::string s = unquote(v);
    if (s == "True" || s == "true" || s == "1") {
        return true;
    }
    if (s == "False" || s == "false" || s == "0") {
        return false;
    }
    return std::nullopt;
}

/// Calls `fn(item)` for each top-level item of a comma-separated list, honouring quotes and
/// (), [], {} nesting; stops at an unmatched closing bracket (the end of the list).
template <class Fn> void for_each_item(string_view s, Fn&& fn) {
    int depth = 0;
    char quote = 0;
    std::size_t start = 0;
    std::size_t i = 0;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if (quote != 0) {
            if (c == '\\') {
                ++i;
            } else if (c == quote) {
                quote = 0;
            }
            continue;
        }
        if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '(' || c == '[' || c == '{') {
            ++depth;
        } else if (c == ')' || c == ']' || c == '}') {
            if (depth == 0) {
                break;
            }
            --depth;
        } else if (c == ',' && depth == 0) {
            fn(s.substr(start, i - start));
            start = i + 1;
        }
    }
    i = std::min(i, s.size()); // a trailing backslash inside quotes steps one past the end
    fn(s.substr(start, i - start));
}

/// The position of the first top-level `sep` in `item` (outside quotes and brackets).
std::size_t top_level_find(string_view item, char sep) {
    int depth = 0;
    char quote = 0;
    for (std::size_t i = 0; i < item.size(); ++i) {
        const char c = item[i];
        if (quote != 0) {
            if (c == '\\') {
                ++i;
            } else if (c == quote) {
                quote = 0;
            }
            continue;
        }
        if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '(' || c == '[' || c == '{') {
            ++depth;
        } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
            --depth;
        } else if (c == sep && depth == 0) {
            return i;
        }
    }
    return string_view::npos;
}

// ---------------------------------------------------------------------------------------------
// Versions that bound each wording (spec sections in the comments at the call sites).

constexpr VllmVersion release(int major, int minor, int patch) { return VllmVersion{major, minor, patch}; }
constexpr VllmVersion k_any_patch_0_7 = release(0, 7, 999);
constexpr VllmVersion k_last_v0 = release(0, 10, 999); // V0 removed in v0.11.0 (#25321)

// ---------------------------------------------------------------------------------------------
// Which worker printed a line.

struct Rank {
    bool known = true; ///< dp/pp/tp are known (a tagged worker rank, or the untagged driver)
    int dp = 0;
    int pp = 0;
    int tp = 0;
    std::uint64_t pid = 0; ///< identifies a worker without a rank number

    [[nodiscard]] bool zero() const { return known && dp == 0 && pp == 0 && tp == 0; }
};

struct Line {
    std::size_t number = 0;
    Rank rank;
    bool header = false; ///< a vLLM log header (`INFO 05-01 12:00:00 [file.py:12]`) was found
    bool tagged = false; ///< a process tag was found
    string_view file;    ///< "v1/worker/gpu_worker.py", "gpu_executor.py", or empty
    std::uint32_t source_line = 0; ///< the LINE of `[file.py:LINE]` (0 when absent)
    string_view msg;     ///< the message after the header (the whole stripped line when none)
};

/// A field being filled, with what decides between competing lines. `Ranked` fields (the
/// per-worker terms) prefer rank 0's line; the others only compare sources.
template <class T, bool Ranked = true> struct Slot {
    std::optional<Logged<T>> value;
    int source = 0;
    bool rank0 = false;

    void offer(T v, const Line& line, int src) {
        const bool r0 = !Ranked || line.rank.zero();
        if (value) {
            if (rank0 && !r0) {
                return; // rank 0's value stays
            }
            if (rank0 == r0 && src >= source) {
                return; // same rank class: only a more direct source replaces it
            }
        }
        value = Logged<T>{std::move(v), line.number};
        source = src;
        rank0 = r0;
    }
};

// Source ranks (lower wins).
constexpr int k_src_autofit = 0;
constexpr int k_src_engine_config = 1;
constexpr int k_src_args = 2;
constexpr int k_src_effective = 3;
constexpr int k_src_command = 4;
constexpr int k_src_echo_exact = 5;
constexpr int k_src_echo = 6;

constexpr int k_src_direct = 1;  // the dedicated measurement line
constexpr int k_src_summary = 2; // a line repeating it
constexpr int k_src_error = 3;   // an error message quoting it
constexpr int k_src_profile_capture = 3; // a CUDA-graph capture made while profiling (MRv2 0.29+)

struct KvEntry {
    Rank rank;
    std::size_t order = 0;
    double gib = 0;
};

/// A command line being read: the text after its entry point, then the lines continuing it.
struct PendingCommand {
    std::string entrypoint;          ///< "vllm serve", "api_server" or "docker" (as in a script)
    std::string text;                ///< the pieces, joined by '\n' (each but the last ends with '\\')
    std::vector<std::size_t> lines;  ///< the log line of each piece
};

class Parser {
public:
    VllmLog run(string_view text, std::size_t first_line);

private:
    std::size_t scan(string_view text, std::size_t first_line);
    void fill(VllmLog& out) const;
    [[nodiscard]] std::vector<double> kv_per_rank() const;
    [[nodiscard]] std::string wording(bool v1) const;
    void segment(string_view raw, std::size_t line_no);
    static bool strip_tag(string_view& s, Line& line);
    static void header(string_view s, Line& line);
    void infer_engine(const Line& line, string_view tag_names);
    bool command(string_view s, const Line& line);
    void command_piece(string_view text, const Line& line);
    void flush_command();
    void llm_call(string_view s, const Line& line);
    void setting(string_view key, string_view value, const Line& line, int src);
    void set_field(PlanField field, string_view value, const Line& line, int src);
    void not_modelled_arg(const EngineArg& arg, string_view value);
    void engine_config(string_view msg, const Line& line);
    void measurements(string_view msg, const Line& line);
    void weights(string_view m, const Line& line);
    void v0_profiling(string_view m, const Line& line);
    void v1_profiling(string_view m, const Line& line);
    void free_memory_line(string_view m, const Line& line);
    void kv_capacity(string_view m, const Line& line);
    void cuda_graphs(string_view m, const Line& line);
    void model_runner_lines(string_view m, const Line& line);
    void consumed_memory(string_view r, const Line& line);
    void echoed_config(string_view m, const Line& line);
    void errors(string_view msg, const Line& line);
    void kv_value(double gib, const Line& line, int src, bool per_rank);
    void constrain(std::optional<VllmVersion> lo, std::optional<VllmVersion> hi);
    void set_engine(const char* name, const Line& line, int src) { m_engine.offer(name, line, src); }

    std::string m_buffer; // ANSI-stripped copy of the current segment
    std::optional<PendingCommand> m_command; // a command whose last line ended with '\'
    bool m_contradiction = false;
    std::optional<VllmVersion> m_min, m_max;

    bool m_saw_v021 = false, m_saw_v1_instance = false, m_saw_three_line = false, m_saw_v064 = false;
    bool m_saw_blocks = false, m_saw_tokens = false;
    bool m_saw_kv_line = false; // a worker's KV budget line was seen (graph captures after it are the real ones)
    SourceLineDating m_dating;

    template <class T> using Config = Slot<T, false>;
    Config<VllmVersion> m_version;
    Config<std::string> m_engine, m_model, m_dtype, m_kv_cache_dtype, m_quantization, m_error, m_model_runner, m_lora_dtype,
        m_cpu_offload_gb, m_kv_offloading_size, m_kv_offloading_backend, m_swap_space, m_speculative_config, m_mm_limit, m_mm_kwargs, m_mm_tp_mode;
    Config<double> m_util;
    Config<std::uint64_t> m_max_model_len, m_max_num_seqs, m_max_num_batched_tokens, m_block_size, m_attention_block_size, m_max_loras,
        m_max_lora_rank;
    Config<std::uint32_t> m_tp, m_pp, m_dp, m_dcp;
    Config<bool> m_enable_expert_parallel, m_enable_eplb;
    Config<std::uint64_t> m_num_redundant_experts;
    Config<std::string> m_all2all_backend;
    Config<bool> m_enforce_eager, m_enable_lora, m_fully_sharded_loras, m_enable_sleep_mode, m_skip_mm_profiling, m_language_model_only;
    std::vector<std::string> m_not_modelled; // VllmLog::not_modelled_args
    Slot<double> m_total, m_requested, m_initial_free, m_weights, m_activation, m_non_torch, m_non_kv, m_kv,
        m_graph, m_graph_estimate, m_concurrency, m_consumed;
    bool m_activation_with_graphs = false; // m_activation holds the 0.27+ suggestion's figure
    Slot<std::uint64_t> m_gpu_blocks, m_cpu_blocks, m_kv_tokens, m_concurrency_tokens;
    std::vector<KvEntry> m_kv_entries;
    std::set<std::tuple<int, int, int, int, std::uint64_t>> m_kv_seen;
};

void Parser::constrain(std::optional<VllmVersion> lo, std::optional<VllmVersion> hi) {
    if (lo && (!m_min || *m_min < *lo)) {
        m_min = lo;
    }
    if (hi && (!m_max || *hi < *m_max)) {
        m_max = hi;
    }
    if (m_min && m_max && *m_max < *m_min) {
        m_contradiction = true;
    }
}

// ---------------------------------------------------------------------------------------------
// Line prefixes.

/// The leading identifier of a tag's content ("Worker_TP0" of "Worker_TP0 pid=1").
string_view tag_name(string_view content) {
    std::size_t n = 0;
    while (n < content.size() && is_ident(content[n])) {
        ++n;
    }
    return content.substr(0, n);
}

/// The inside of a `(Name key=value ...)` process tag at the start of `s` (without its
/// parentheses), or nullopt when `s` does not start with one ("(see below)" is not a tag).
std::optional<string_view> tag_content(string_view s) {
    if (s.size() < 3 || s[0] != '(') {
        return std::nullopt;
    }
    const std::size_t close = head(s, 160).find(')');
    if (close == string_view::npos || close < 2) {
        return std::nullopt;
    }
    const string_view content = s.substr(1, close - 1);
    if (!is_alpha(content[0]) && content[0] != '_') {
        return std::nullopt;
    }
    for (char c : content) {
        if (!(is_ident(c) || c == '=' || c == '.' || c == ',' || c == ':' || c == ' ' || c == '-')) {
            return std::nullopt;
        }
    }
    const std::size_t name_len = tag_name(content).size();
    if (!contains(content, "=") && (name_len != content.size() || !(content[0] >= 'A' && content[0] <= 'Z'))) {
        return std::nullopt; // "(EngineCore)" is a tag; "(see below)" is not
    }
    return content;
}

/// The ranks and pid a tag states.
struct TagNumbers {
    std::optional<int> dp, pp, tp, rank;
    std::optional<std::uint64_t> pid;
};

TagNumbers tag_numbers(string_view content) {
    TagNumbers t;
    const string_view name = tag_name(content);
    auto small_int = [](string_view w) -> std::optional<int> {
        const auto c = count_at(w);
        if (!c || c->second != w.size() || c->first > 1'000'000) {
            return std::nullopt;
        }
        return static_cast<int>(c->first);
    };
    auto part = [&](string_view p) {
        // Name parts: "TP1", "PP0", "DP2"; a bare number after EngineCore_ is the DP rank (v0.10.1).
        if (p.size() > 2 && (starts_with(p, "TP") || starts_with(p, "PP") || starts_with(p, "DP"))) {
            if (const auto n = small_int(p.substr(2))) {
                (p[0] == 'T' ? t.tp : p[0] == 'P' ? t.pp : t.dp) = *n;
            }
        } else if (const auto n = small_int(p); n && starts_with(name, "EngineCore")) {
            t.dp = *n;
        }
    };
    std::size_t start = 0;
    for (std::size_t i = 0; i <= name.size(); ++i) {
        if (i == name.size() || name[i] == '_') {
            if (i > start) {
                part(name.substr(start, i - start));
            }
            start = i + 1;
        }
    }
    // Other words: "rank=1", "pid=123", "ip=...", "TP0" (a bare "(pid=123)" is a Ray task).
    string_view rest = content.substr(name.size());
    while (!rest.empty()) {
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == ',')) {
            rest.remove_prefix(1);
        }
        std::size_t n = 0;
        while (n < rest.size() && rest[n] != ' ' && rest[n] != ',') {
            ++n;
        }
        const string_view word = rest.substr(0, n);
        rest.remove_prefix(n);
        if (!word.empty() && !contains(word, "=")) {
            part(word);
        }
    }
    if (const auto r = after(content, "rank=")) {
        if (const auto c = count_at(*r); c && c->first <= 1'000'000) {
            t.rank = static_cast<int>(c->first);
        }
    }
    if (const auto p = after(content, "pid=")) {
        if (const auto c = count_at(*p)) {
            t.pid = c->first;
        }
    }
    return t;
}

/// Strips one `(Name key=value ...)` process tag: `(Worker_TP0 pid=1)`, `(VllmWorker rank=1
/// pid=2)`, `(EngineCore_DP0 pid=3)`, `(RayWorkerWrapper pid=4, ip=10.0.0.1)`, `(EngineCore)`.
bool Parser::strip_tag(string_view& s, Line& line) {
    const auto content = tag_content(s);
    if (!content) {
        return false;
    }
    const string_view name = tag_name(*content);
    const TagNumbers t = tag_numbers(*content);
    line.tagged = true;
    const bool is_worker = contains(name, "Worker") || name == "pid";
    Rank& r = line.rank;
    if (t.dp) {
        r.dp = *t.dp;
    }
    if (is_worker) {
        if (t.rank || t.tp || t.pp) {
            r.known = true;
            r.tp = t.rank ? *t.rank : t.tp.value_or(0);
            r.pp = t.rank ? 0 : t.pp.value_or(0);
        } else {
            r.known = false; // VllmWorkerProcess / RayWorkerWrapper: not rank 0, or unknown
            r.pid = t.pid.value_or(0);
        }
    }
    s = ltrim(tail(s, content->size() + 2));
    return true;
}

/// The LINE of a `file.py:LINE` header: all digits, else 0.
std::uint32_t source_line_number(string_view digits) {
    const auto c = count_at(digits);
    if (!c || c->second != digits.size() || c->first > 1'000'000) {
        return 0;
    }
    return static_cast<std::uint32_t>(c->first);
}

/// `INFO 05-01 12:00:00 [gpu_worker.py:245] msg`, `INFO 04-29 19:12:30 gpu_executor.py:118] msg`,
/// `INFO [model.py:611] msg` (timestamps removed), `DEBUG 04-22 00:18:23.123 [...]`.
void Parser::header(string_view s, Line& line) {
    static constexpr std::array<string_view, 6> k_levels = {"DEBUG", "INFO", "WARNING", "WARN", "ERROR", "CRITICAL"};
    line.msg = s;
    string_view rest;
    bool found = false;
    for (const string_view lvl : k_levels) {
        if (s.size() > lvl.size() && starts_with(s, lvl) && s[lvl.size()] == ' ') {
            rest = ltrim(s.substr(lvl.size() + 1));
            found = true;
            break;
        }
    }
    if (!found) {
        return;
    }
    auto skip_token = [&](auto&& ok) {
        std::size_t n = 0;
        while (n < rest.size() && rest[n] != ' ') {
            ++n;
        }
        if (n > 0 && ok(rest.substr(0, n))) {
            rest = ltrim(rest.substr(n));
        }
    };
    // Date "05-01" and time "12:00:00" / "12:00:00.123".
    skip_token([](string_view t) { return t.size() == 5 && is_digit(t[0]) && t[2] == '-' && is_digit(t[4]); });
    skip_token([](string_view t) { return t.size() >= 8 && is_digit(t[0]) && t[2] == ':' && t[5] == ':'; });
    line.header = true;
    if (!rest.empty() && rest.front() == '[') {
        const std::size_t close = head(rest, 256).find(']');
        if (close != string_view::npos) {
            const string_view inside = rest.substr(1, close - 1);
            line.file = inside.substr(0, std::min(inside.rfind(':'), inside.size()));
            line.source_line = source_line_number(tail(inside, line.file.size() + 1));
            rest = tail(rest, close + 1);
        }
    } else {
        std::size_t n = 0;
        while (n < rest.size() && n < 256 && rest[n] != ' ') {
            ++n;
        }
        const string_view tok = rest.substr(0, n);
        if (ends_with(tok, "]") && contains(tok, ":")) {
            line.file = tok.substr(0, tok.rfind(':'));
            line.source_line = source_line_number(tok.substr(line.file.size() + 1, tok.size() - line.file.size() - 2));
            rest = tail(rest, n);
        }
    }
    line.msg = ltrim(rest);
}

void Parser::infer_engine(const Line& line, string_view tag_names) {
    // Stated engines are handled in engine_config(); these are the wordings only one engine has.
    const string_view m = line.msg;
    const string_view f = line.file;
    const bool v1 = contains(f, "v1/") || ends_with(f, "gpu_worker.py") || ends_with(f, "gpu_model_runner.py") ||
                    ends_with(f, "kv_cache_utils.py") || contains(tag_names, "EngineCore") ||
                    contains(tag_names, "Worker_") || contains(tag_names, "VllmWorker ") ||
                    contains(m, "Available KV cache memory") || contains(m, "GPU KV cache size:") ||
                    contains(m, "EngineCore") || contains(m, "To serve at least one request with the model");
    const bool v0 = contains(tag_names, "VllmWorkerProcess") || contains(m, "the current vLLM instance can use") ||
                    contains(m, "Memory profiling results:") || contains(m, "# cuda blocks") ||
                    contains(m, "# CUDA blocks") || contains(m, ", # CPU blocks") ||
                    contains(m, "is larger than the maximum number of tokens that can be stored in KV cache");
    if (v1 != v0) {
        set_engine(v1 ? "V1" : "V0", line, 2);
    }
}

// ---------------------------------------------------------------------------------------------
// Configuration.

/// A setting as vLLM names it (an engine argument in any spelling: the engine-config line, the
/// non-default args, a command line, an `LLM(...)` keyword), read through engine_args().
void Parser::setting(string_view key, string_view value, const Line& line, int src) {
    // Names vLLM prints that are not engine arguments: the engine-config line calls
    // max_model_len `max_seq_len`; `vllm serve`'s non-default args repeat the positional model
    // as `model_tag` (the resolved `model` is more direct).
    if (key == "max_seq_len") {
        set_field(PlanField::max_model_len, value, line, src);
    } else if (key == "model_tag") {
        set_field(PlanField::model, value, line, src + 1);
    } else if (const EngineArg* arg = find_engine_arg(key); arg != nullptr && arg->field) {
        set_field(*arg->field, value, line, src);
    } else if (arg != nullptr && arg->treatment == ArgTreatment::not_modelled && src != k_src_engine_config) {
        not_modelled_arg(*arg, value);
    }
}

void Parser::not_modelled_arg(const EngineArg& arg, string_view value) {
    const std::string v = ascii_lower(unquote(trim(value)));
    if (v.empty() || v == "none" || (arg.is_switch() && (v == "false" || v == "0"))) {
        return;   // unset, or a switch turned off: vLLM's default
    }
    const std::string name(arg.name);
    if (std::find(m_not_modelled.begin(), m_not_modelled.end(), name) == m_not_modelled.end()) {
        m_not_modelled.push_back(name);
    }
}

void Parser::set_field(PlanField field, string_view value, const Line& line, int src) {
    value = trim(value);
    if (value.empty() || value == "None" || contains(value, "...")) {
        return; // absent, or cut short in a trimmed excerpt
    }
    auto text = [&]() {
        std::string s = unquote(value);
        if (starts_with(s, "torch.")) {
            s.erase(0, 6);
        }
        return s;
    };
    auto offer_count = [&](Config<std::uint64_t>& slot) {
        if (const auto n = parse_uint_value(value)) {
            slot.offer(*n, line, src);
        }
    };
    auto offer_switch = [&](Config<bool>& slot) {
        if (const auto b = parse_bool_value(value)) {
            slot.offer(*b, line, src);
        }
    };
    auto offer_ranks = [&](Config<std::uint32_t>& slot) {
        const auto n = parse_uint_value(value);
        if (n && *n <= std::numeric_limits<std::uint32_t>::max()) {
            slot.offer(static_cast<std::uint32_t>(*n), line, src);
        }
    };
    switch (field) {
    case PlanField::model: m_model.offer(unquote(value), line, src); return;
    case PlanField::gpu_memory_utilization:
        if (const auto d = parse_double_value(value)) {
            m_util.offer(*d, line, src);
        }
        return;
    case PlanField::max_model_len: offer_count(m_max_model_len); return;
    case PlanField::max_num_seqs: offer_count(m_max_num_seqs); return;
    case PlanField::max_num_batched_tokens: offer_count(m_max_num_batched_tokens); return;
    case PlanField::block_size: offer_count(m_block_size); return;
    case PlanField::tensor_parallel_size: offer_ranks(m_tp); return;
    case PlanField::pipeline_parallel_size: offer_ranks(m_pp); return;
    case PlanField::dtype: m_dtype.offer(text(), line, src); return;
    case PlanField::kv_cache_dtype: m_kv_cache_dtype.offer(text(), line, src); return;
    case PlanField::quantization: m_quantization.offer(text(), line, src); return;
    case PlanField::enforce_eager: offer_switch(m_enforce_eager); return;
    case PlanField::enable_lora: offer_switch(m_enable_lora); return;
    case PlanField::max_loras: offer_count(m_max_loras); return;
    case PlanField::max_lora_rank: offer_count(m_max_lora_rank); return;
    case PlanField::lora_dtype: m_lora_dtype.offer(text(), line, src); return;
    case PlanField::fully_sharded_loras: offer_switch(m_fully_sharded_loras); return;
    case PlanField::kv_cache_memory_bytes: return; // VllmLog has no such field
    case PlanField::enable_prefix_caching:
    case PlanField::mamba_cache_mode:
    case PlanField::mamba_cache_dtype:
    case PlanField::mamba_ssm_cache_dtype:
    case PlanField::optimization_level:
    case PlanField::compilation_config:
    case PlanField::cuda_graph_sizes:
    case PlanField::cudagraph_capture_sizes:
    case PlanField::max_cudagraph_capture_size: return; // not read from logs yet
    case PlanField::cpu_offload_gb: m_cpu_offload_gb.offer(text(), line, src); return;
    case PlanField::kv_offloading_size: m_kv_offloading_size.offer(text(), line, src); return;
    case PlanField::kv_offloading_backend: m_kv_offloading_backend.offer(text(), line, src); return;
    case PlanField::swap_space: m_swap_space.offer(text(), line, src); return;
    case PlanField::enable_sleep_mode: offer_switch(m_enable_sleep_mode); return;
    case PlanField::offload_group_size:
    case PlanField::offload_num_in_group:
    case PlanField::offload_prefetch_step: return; // not read from logs yet
    case PlanField::speculative_config: m_speculative_config.offer(text(), line, src); return;
    case PlanField::limit_mm_per_prompt: m_mm_limit.offer(std::string(value), line, src); return;
    case PlanField::mm_processor_kwargs: m_mm_kwargs.offer(std::string(value), line, src); return;
    case PlanField::mm_encoder_tp_mode: m_mm_tp_mode.offer(text(), line, src); return;
    case PlanField::skip_mm_profiling: offer_switch(m_skip_mm_profiling); return;
    case PlanField::language_model_only: offer_switch(m_language_model_only); return;
    case PlanField::data_parallel_size: offer_ranks(m_dp); return;
    case PlanField::enable_expert_parallel: offer_switch(m_enable_expert_parallel); return;
    case PlanField::enable_eplb: offer_switch(m_enable_eplb); return;
    case PlanField::num_redundant_experts: offer_count(m_num_redundant_experts); return;
    case PlanField::all2all_backend: m_all2all_backend.offer(text(), line, src); return;
    case PlanField::decode_context_parallel_size: offer_ranks(m_dcp); return;
    case PlanField::offload_backend:
    case PlanField::spec_method:
    case PlanField::spec_model:
    case PlanField::spec_tokens: return; // not read from logs yet
    case PlanField::eplb_config: return; // JSON: not read from logs yet
    }
}

/// `Initializing a V1 LLM engine (v0.10.1) with config: model='…', …`,
/// `Initializing a V0 LLM engine (v0.7.3) with config: …`, `Initializing an LLM engine (v0.5.4)
/// with config: …`, `Initializing an LLM engine with config: …` (v0.2), and
/// `non-default args: {'model': '…', …}`.
void Parser::engine_config(string_view msg, const Line& line) {
    if (const std::size_t pos = msg.find("LLM engine"); pos != string_view::npos) {
        const string_view before = head(msg, pos);
        const std::size_t init = before.rfind("Initializing a");
        if (init != string_view::npos && pos - init <= 20) {
            const string_view kind = before.substr(init);
            if (contains(kind, "V1 ")) {
                set_engine("V1", line, 1);
            } else if (contains(kind, "V0 ") || contains(kind, "an ")) {
                set_engine("V0", line, 1);
            }
            string_view rest = ltrim(tail(msg, pos + 10));
            if (starts_with(rest, "(v")) {
                if (const auto ver = version_at(rest.substr(1))) {
                    m_version.offer(*ver, line, 1);
                }
            }
            if (const auto cfg = after(rest, "with config:")) {
                for_each_item(*cfg, [&](string_view item) {
                    const std::size_t eq = item.find('=');
                    if (eq == string_view::npos) {
                        return;
                    }
                    const string_view key = trim(item.substr(0, eq));
                    if (key.empty() || !std::all_of(key.begin(), key.end(), is_ident)) {
                        return;
                    }
                    setting(key, item.substr(eq + 1), line, k_src_engine_config);
                });
            }
        }
    }
    if (const auto args = after(msg, "non-default args: {")) {
        for_each_item(*args, [&](string_view item) {
            const std::size_t colon = top_level_find(item, ':');
            if (colon == string_view::npos) {
                return;
            }
            setting(unquote(item.substr(0, colon)), item.substr(colon + 1), line, k_src_args);
        });
    }
}

/// `vllm serve MODEL --flag value --flag=value`, `python -m vllm.entrypoints.openai.api_server
/// --model=…`, `docker run … vllm/vllm-openai:TAG [MODEL] --flag …`: the words after the entry
/// point, and the next lines starting with '-' while each line ends with a lone backslash, are
/// one command, read by the tokenizer and argument parser of scripts (deployment.hpp) in their
/// lenient mode. Returns true when the line was (part of) one.
bool Parser::command(string_view s, const Line& line) {
    if (m_command) {
        const string_view t = trim(s);
        if (starts_with(t, "-") && m_command->lines.size() < k_max_continuation_lines) {
            command_piece(t, line);
            return true;
        }
        flush_command();
    }
    struct Marker {
        string_view text;
        const char* entrypoint;
    };
    static constexpr std::array<Marker, 4> k_markers = {{{"vllm serve", "vllm serve"},
                                                        {"vllm.entrypoints.openai.api_server", "api_server"},
                                                        {"vllm.entrypoints.api_server", "api_server"},
                                                        {"vllm/vllm-openai", "docker"}}};
    for (const Marker& mk : k_markers) {
        const std::size_t pos = s.find(mk.text);
        if (pos == string_view::npos || (pos > 0 && (is_ident(s[pos - 1]) || s[pos - 1] == '.'))) {
            continue;
        }
        const bool serve = mk.text == k_markers[0].text;
        std::size_t end = pos + mk.text.size();
        if (end < s.size() && !is_space(s[end])) {
            if (serve) {
                continue; // "vllm served", "vllm serve_x"
            }
            while (end < s.size() && !is_space(s[end])) {
                ++end; // the rest of the image / module name
            }
        }
        m_command = PendingCommand{mk.entrypoint, {}, {}};
        command_piece(tail(s, end), line);
        return true;
    }
    return false;
}

constexpr const char* k_log_source = "log"; // lenient parsing names no source

/// Adds one line of the pending command; reads the command when the line does not continue it.
void Parser::command_piece(string_view text, const Line& line) {
    PendingCommand& c = *m_command;
    if (!c.lines.empty()) {
        c.text += '\n';
    }
    c.text += text;
    c.lines.push_back(line.number);
    const bool continued = split_shell_commands(text, k_log_source, ShellSplitOptions{.first_line = 1, .lenient = true},
                                                [](const std::vector<ShellWord>&) {});
    if (!continued) {
        flush_command();
    }
}

/// Reads the pending command, as a script's `vllm serve` line would be read, and offers its
/// modelled flags (each with the line it is on).
void Parser::flush_command() {
    if (!m_command) {
        return;
    }
    const PendingCommand c = std::move(*m_command);
    m_command.reset();
    std::vector<ShellWord> words;
    split_shell_commands(c.text, k_log_source, ShellSplitOptions{.first_line = 1, .lenient = true, .first_command_only = true},
                         [&](const std::vector<ShellWord>& w) { words = w; });
    Deployment d;
    d.entrypoint = c.entrypoint;
    parse_vllm_arguments(words, 0, k_log_source, ArgvMode::lenient, d);
    for (const DeploymentFlag& f : d.flags) {
        Line at;
        at.number = c.lines[std::min(std::max<std::size_t>(f.line, 1), c.lines.size()) - 1];
        if (const EngineArg* arg = find_engine_arg(f.name); arg != nullptr && arg->field) {
            set_field(*arg->field, f.value, at, k_src_command);
        } else if (arg != nullptr && arg->treatment == ArgTreatment::not_modelled) {
            not_modelled_arg(*arg, f.value);
        } else if (const EngineArg* negated = find_negated_switch(f.name); negated != nullptr && negated->field && f.boolean) {
            set_field(*negated->field, f.value == "true" ? "false" : "true", at, k_src_command);
        }
    }
}

/// `LLM("facebook/opt-125m")`, `LLM(model="…", tensor_parallel_size=2, gpu_memory_utilization=0.8)`.
void Parser::llm_call(string_view s, const Line& line) {
    std::size_t pos = s.find("LLM(");
    while (pos != string_view::npos && pos > 0 && is_ident(s[pos - 1])) {
        pos = s.find("LLM(", pos + 4); // AsyncLLM(, VLLM(
    }
    if (pos == string_view::npos) {
        return;
    }
    bool positional_done = false;
    for_each_item(tail(s, pos + 4), [&](string_view item) {
        item = trim(item);
        const std::size_t eq = top_level_find(item, '=');
        if (eq != string_view::npos && eq > 0 && std::all_of(item.begin(), item.begin() + static_cast<std::ptrdiff_t>(eq), is_ident)) {
            setting(item.substr(0, eq), item.substr(eq + 1), line, k_src_command);
        } else if (!positional_done) {
            positional_done = true;
            if (!item.empty() && (item.front() == '"' || item.front() == '\'')) {
                set_field(PlanField::model, item, line, k_src_command);
            }
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Measurements.

void Parser::kv_value(double gib, const Line& line, int src, bool per_rank) {
    m_kv.offer(gib, line, src);
    if (!per_rank) {
        return;
    }
    m_saw_kv_line = true;
    // One value per worker: a rank number, else a pid. A set keeps this O(log n) per line.
    const Rank& r = line.rank;
    const auto key = r.known ? std::tuple{0, r.dp, r.pp, r.tp, std::uint64_t{0}} : std::tuple{1, 0, 0, 0, r.pid};
    if (m_kv_seen.insert(key).second) {
        m_kv_entries.push_back(KvEntry{r, m_kv_entries.size(), gib});
    }
}

/// Every measurement wording family, in a fixed order (offers to one slot from one line keep
/// their order).
void Parser::measurements(string_view m, const Line& line) {
    weights(m, line);
    v0_profiling(m, line);
    v1_profiling(m, line);
    free_memory_line(m, line);
    kv_capacity(m, line);
    cuda_graphs(m, line);
    model_runner_lines(m, line);
    echoed_config(m, line);
}

/// Weights (§8): `Loading model weights took`, `Model loading took`.
void Parser::weights(string_view m, const Line& line) {
    // Weights (§8). "GB" is GiB: the number is bytes / 2^30 in every era.
    if (const auto w = number_after(m, "Loading model weights took")) {
        m_weights.offer(w->value, line, k_src_direct);
        constrain(std::nullopt, k_any_patch_0_7); // renamed by #14063 (2025-03-01, v0.8.0)
    }
    if (const auto rest = after(m, "Model loading took")) {
        const string_view r = ltrim(*rest);
        if (const auto w = number_at(r)) {
            m_weights.offer(w->value, line, k_src_direct);
            const string_view unit = ltrim(tail(r, w->length));
            // V0 printed its model_runner.py lines with %.4f; Model Runner V2
            // (vllm/v1/worker/gpu/model_runner.py, also `[model_runner.py:N]`) with format_gib.
            const bool v2_file = ends_with(line.file, "model_runner.py") && !ends_with(line.file, "gpu_model_runner.py");
            if (ends_with(line.file, "gpu_model_runner.py")) {
                m_model_runner.offer("V1", line, k_src_summary);
            }
            if (starts_with(unit, "GB")) {
                constrain(release(0, 8, 0), release(0, 8, 2)); // #14063 .. "GiB" from #15807 (2025-04-01, ≈v0.8.3)
            } else if (starts_with(unit, "GiB memory")) {
                // #28178 (2025-11-09, v0.11.1) added "memory"; #31865 (2026-01-08, ≈v0.14) prints
                // str(round(x, 2)) instead of %.4f.
                if (w->decimals == 4) {
                    constrain(release(0, 11, 1), release(0, 13, 999));
                } else if (v2_file) {
                    // Model Runner V2 gained "memory" in #52374 (d6f17f3d53, 2026-08-14: 0.28.0 or
                    // 0.29.0, spec-2 §13.7 and §19.1): `gpu/model_runner.py:381 @main`.
                    m_model_runner.offer("V2", line, k_src_summary);
                    constrain(release(0, 28, 0), std::nullopt);
                } else {
                    constrain(release(0, 14, 0), std::nullopt);
                }
            } else if (starts_with(unit, "GiB")) {
                if (w->decimals == 4) {
                    constrain(release(0, 8, 3), release(0, 11, 0));
                } else {
                    // Only Model Runner V2 prints "X GiB and" with format_gib (#33266, 2026-01-28, after
                    // v0.14's str(round) convention), until #52374 added "memory" (0.28 or 0.29, spec-2 §19.1).
                    m_model_runner.offer("V2", line, k_src_summary);
                    constrain(release(0, 14, 0), release(0, 28, 999));
                }
            }
        }
    }
}

/// V0 memory profiling (§4): v0.6.4 `Memory profiling results:`, v0.6.5 – v0.10 three-line message.
void Parser::v0_profiling(string_view m, const Line& line) {
    // V0 v0.6.4 (§4): `Memory profiling results: total_gpu_memory=47.54GiB
    // initial_memory_usage=… peak_torch_memory=… memory_usage_post_profile=… non_torch_memory=0.44GiB
    // kv_cache_size=22.74GiB gpu_memory_utilization=0.90`.
    if (const auto rest = after(m, "Memory profiling results:")) {
        m_saw_v064 = true;
        constrain(release(0, 6, 4), release(0, 6, 4));
        if (const auto t = number_after(*rest, "total_gpu_memory=")) {
            m_total.offer(t->value, line, k_src_direct);
        }
        if (const auto n = number_after(*rest, "non_torch_memory=")) {
            m_non_torch.offer(n->value, line, k_src_direct);
        }
        if (const auto k = number_after(*rest, "kv_cache_size=")) {
            kv_value(k->value, line, k_src_direct, true);
        }
        if (const auto u = number_after(*rest, "gpu_memory_utilization=")) {
            m_util.offer(u->value, line, k_src_echo);
        }
    }

    // V0 v0.6.5 – v0.10 three-line message (§4).
    if (const auto rest = after(m, "the current vLLM instance can use total_gpu_memory (")) {
        m_saw_three_line = true;
        constrain(release(0, 6, 5), k_last_v0);
        if (const auto t = number_at(*rest)) {
            m_total.offer(t->value, line, k_src_direct);
        }
        if (const auto u = number_after(*rest, "gpu_memory_utilization (")) {
            m_util.offer(u->value, line, k_src_echo);
        }
        if (const auto r = number_after(*rest, ") = ")) {
            m_requested.offer(r->value, line, k_src_direct);
        }
    }
    if (contains(m, "model weights take ") && contains(m, "reserved for KV Cache is")) {
        m_saw_three_line = true;
        constrain(release(0, 6, 5), k_last_v0);
        if (const auto w = number_after(m, "model weights take ")) {
            m_weights.offer(w->value, line, k_src_summary);
        }
        if (const auto n = number_after(m, "non_torch_memory takes ")) {
            m_non_torch.offer(n->value, line, k_src_direct);
        }
        if (const auto a = number_after(m, "PyTorch activation peak memory takes ")) {
            m_activation.offer(a->value, line, k_src_direct);
        }
        if (const auto k = number_after(m, "the rest of the memory reserved for KV Cache is ")) {
            kv_value(k->value, line, k_src_direct, true);
        }
    }
}

/// V1 profiling (§2.3, §2.4): `Initial free memory`, the DEBUG `MemoryProfilingResult`.
void Parser::v1_profiling(string_view m, const Line& line) {
    // V1 v0.9.1+ (§2.3, §2.4).
    if (const auto rest = after(m, "Initial free memory")) {
        string_view r = ltrim(*rest); // "Initial free memory: X GiB; …" or "Initial free memory X GiB, …"
        if (starts_with(r, ":")) {
            r = ltrim(r.substr(1));
        }
        if (const auto f = number_at(r)) {
            if (const auto req = after(r, "Requested memory:")) {
                m_saw_v1_instance = true;
                constrain(release(0, 9, 1), std::nullopt);
                m_initial_free.offer(f->value, line, k_src_direct);
                if (const auto u = number_at(ltrim(*req))) {
                    m_util.offer(u->value, line, k_src_echo_exact);
                }
                if (const auto R = number_after(*req, "(util),")) {
                    m_requested.offer(R->value, line, k_src_direct);
                }
            } else if (const auto kv = number_after(r, "reserved ")) {
                // `Initial free memory X GiB, reserved Y GiB memory for KV Cache as specified by
                // kv_cache_memory_bytes config and skipped memory profiling.` (#21489, ≈v0.10.2)
                if (contains(r, "kv_cache_memory_bytes")) {
                    m_saw_v1_instance = true;
                    constrain(release(0, 10, 2), std::nullopt);
                    m_initial_free.offer(f->value, line, k_src_direct);
                    kv_value(kv->value, line, k_src_direct, true);
                }
            }
        }
    }
    if (const auto rest = after(m, "Total non KV cache memory:")) {
        // MemoryProfilingResult repr (#12126, ≈v0.7.0), logged at DEBUG by the V1 worker.
        constrain(release(0, 7, 0), std::nullopt);
        if (const auto x = number_at(ltrim(*rest))) {
            m_non_kv.offer(x->value, line, k_src_direct);
        }
        if (const auto a = number_after(*rest, "torch peak memory increase:")) {
            m_activation.offer(a->value, line, k_src_direct);
        }
        if (const auto n = number_after(*rest, "non-torch forward increase memory:")) {
            m_non_torch.offer(n->value, line, k_src_direct);
            constrain(std::nullopt, release(0, 26, 999)); // replaced by #49208's field (below)
        }
        // 0.27+ (#49208; `vllm/utils/mem_utils.py:221-230 @C28`, spec-2 §13.3 and the correction at its
        // top: 0.26.0 wheels still print the old repr): `… torch peak memory increase: XGiB; total
        // consumed (from mem_get_info): XGiB; weights memory: XGiB.`
        if (const auto c = number_after(*rest, "total consumed (from mem_get_info):")) {
            m_consumed.offer(c->value, line, k_src_direct);
            constrain(release(0, 27, 0), std::nullopt);
        }
        if (const auto w = number_after(*rest, "weights memory:")) {
            m_weights.offer(w->value, line, k_src_summary);
        }
    }
}

/// V1 `Free memory on device (F0/T GiB)` (§2.5, §3): the summary line or the start-up error.
void Parser::free_memory_line(string_view m, const Line& line) {
    if (const auto rest = after(m, "Free memory on device")) {
        // `Free memory on device (F0/T GiB) on startup. Desired GPU memory utilization is (u, R GiB).
        // Actual usage is W GiB for weight, A GiB for peak activation, N GiB for non-torch memory, and
        // C GiB for CUDAGraph memory. … Current kv cache memory in use is X GiB.` (§2.5, ≈v0.10.2), or
        // the start-up error `Free memory on device [cuda:0] (F0/T GiB) on startup is less than
        // desired GPU memory utilization (u, R GiB).` (§3, v0.9.1; device named since ≈v0.14).
        const std::size_t open = head(*rest, 48).find('(');
        if (open != string_view::npos) {
            const string_view device = trim(rest->substr(0, open));
            const string_view r = rest->substr(open + 1);
            const auto f = number_at(r);
            const bool slash = f && f->length < r.size() && r[f->length] == '/';
            const auto t = slash ? number_at(tail(r, f->length + 1)) : std::nullopt;
            if (t) {
                m_saw_v1_instance = true;
                m_initial_free.offer(f->value, line, k_src_summary);
                m_total.offer(t->value, line, k_src_direct);
                const bool too_low = contains(r, "is less than desired");
                if (too_low) {
                    constrain(device.empty() ? release(0, 9, 1) : release(0, 14, 0), std::nullopt);
                } else {
                    constrain(release(0, 10, 2), std::nullopt);
                }
                const string_view util_key = too_low ? "desired GPU memory utilization (" : "Desired GPU memory utilization is (";
                if (const auto u = after(r, util_key)) {
                    if (const auto uu = number_at(*u)) {
                        m_util.offer(uu->value, line, k_src_effective);
                        if (const auto R = number_after(tail(*u, uu->length), ",")) {
                            m_requested.offer(R->value, line, k_src_summary);
                        }
                    }
                }
                if (const auto a = after(r, "Actual usage is "); a && contains(*a, "for consumed memory")) {
                    consumed_memory(*a, line);
                } else if (a) {
                    if (contains(*a, "GiB for weight,")) {
                        constrain(std::nullopt, release(0, 26, 999)); // the ≤ 0.26 wording (spec §2.5)
                    }
                    if (const auto w = number_at(*a)) {
                        m_weights.offer(w->value, line, k_src_summary);
                    }
                    if (const auto act = number_after(*a, "for weight,")) {
                        m_activation.offer(act->value, line, k_src_summary);
                    }
                    if (const auto n = number_after(*a, "for peak activation,")) {
                        m_non_torch.offer(n->value, line, k_src_summary);
                    }
                    if (const auto c = number_after(*a, "for non-torch memory, and")) {
                        m_graph.offer(c->value, line, k_src_summary);
                    }
                }
                if (const auto k = number_after(r, "Current kv cache memory in use is")) {
                    kv_value(k->value, line, k_src_summary, false);
                }
            }
        }
    }
}

/// The 0.27+ suggestion (spec-2 §13.7; `gpu_worker.py:783-804 @C28`, #47374): `Actual usage is X GiB
/// for consumed memory (weights + non-torch), Y GiB for peak activation, and Z GiB for CUDAGraph
/// memory.` Y is the transient torch peak plus the applied CUDA-graph estimate (`gpu_worker.py:512 @C26`).
void Parser::consumed_memory(string_view a, const Line& line) {
    constrain(release(0, 27, 0), std::nullopt); // 0.26.0 wheels still print the ≤ 0.25 wording (spec-2, top)
    if (const auto x = number_at(a)) {
        m_consumed.offer(x->value, line, k_src_summary);
    }
    if (const auto y = number_after(a, "(weights + non-torch),")) {
        m_activation.offer(y->value, line, k_src_summary);
        if (m_activation.value && m_activation.value->line == line.number) {
            m_activation_with_graphs = true;
        }
    }
    if (const auto z = number_after(a, "for peak activation, and")) {
        m_graph.offer(z->value, line, k_src_summary);
    }
}

/// KV cache: `Available KV cache memory`, blocks, tokens, concurrency (§1.4, §2.3, §4, §9).
void Parser::kv_capacity(string_view m, const Line& line) {
    if (const auto k = number_after(m, "Available KV cache memory:")) {
        m_saw_v1_instance = true;
        // v0.9.1+ (§2.3); printed with str(round(x, 2)) since #31865 (≈v0.14): "58.1", "42.8".
        constrain(k->decimals == 2 ? release(0, 9, 1) : release(0, 14, 0), std::nullopt);
        kv_value(k->value, line, k_src_direct, true);
    }

    // Blocks, tokens, concurrency (§1.4, §4, §9).
    if (const auto n = count_after(m, "GPU KV cache size:")) {
        m_saw_tokens = true;
        constrain(release(0, 8, 0), std::nullopt);
        m_kv_tokens.offer(*n, line, k_src_direct);
        // 0.28+ prints tokens and concurrency on one line (#50462, `kv_cache_utils.py:1925-1931 @C28`,
        // spec-2 §13.7); before, the concurrency had its own line.
        if (contains(m, ", Maximum concurrency for ")) {
            constrain(release(0, 28, 0), std::nullopt);
        } else if (ends_with(rtrim(m), "tokens")) {
            constrain(std::nullopt, release(0, 27, 999));
        }
    }
    if (const auto rest = after(m, "Maximum concurrency for ")) {
        const auto len = count_at(*rest);
        if (len) {
            if (const auto c = number_after(tail(*rest, len->second), "tokens per request:")) {
                constrain(release(0, 6, 3), std::nullopt); // #8831 (2024-10-09)
                m_concurrency.offer(c->value, line, k_src_direct);
                m_concurrency_tokens.offer(len->first, line, k_src_direct);
                m_max_model_len.offer(len->first, line, k_src_echo);
            }
        }
    }
    // `# GPU blocks: N, # CPU blocks: M` (gpu_executor.py, ≤v0.6.6), `# CUDA blocks:` (v0.7.1–0.7.2),
    // `# cuda blocks:` (executor_base.py, ≥v0.7.3), V1 v0.7.x `# GPU blocks: N`.
    if (const std::size_t pos = m.find(" blocks: "); pos != string_view::npos) {
        const string_view before = head(m, pos);
        const std::size_t hash = before.rfind("# ");
        if (hash != string_view::npos && pos - hash <= 12) {
            const string_view device = before.substr(hash + 2);
            const auto n = count_at(tail(m, pos + 9));
            if (n && device != "CPU" && !device.empty() && std::all_of(device.begin(), device.end(), is_alpha)) {
                m_saw_blocks = true;
                m_gpu_blocks.offer(n->first, line, k_src_direct);
                const auto cpu = count_after(tail(m, pos + 9 + n->second), "# CPU blocks:");
                if (cpu) {
                    m_cpu_blocks.offer(*cpu, line, k_src_direct);
                }
                if (device == "GPU") {
                    constrain(std::nullopt, cpu ? release(0, 6, 6) : k_any_patch_0_7);
                } else {
                    constrain(release(0, 7, 0), k_last_v0);
                }
            }
        }
    }
    // `Engine 000: vllm cache_config_info with initialization after num_gpu_blocks is: 99421` (V1).
    if (const auto n = count_after(m, "num_gpu_blocks is:")) {
        m_gpu_blocks.offer(*n, line, k_src_direct);
    }
}

/// CUDA graphs (§7.2).
void Parser::cuda_graphs(string_view m, const Line& line) {
    // CUDA graphs (§7.2).
    if (const auto rest = after(m, "Graph capturing finished in")) {
        if (const auto g = number_after(*rest, "took")) {
            constrain(release(0, 6, 4), std::nullopt); // #10027 (2024-11-05)
            // Graphs are captured after the KV cache is allocated; a capture before any KV line is
            // Model Runner V2's profiling capture into a throw-away pool (0.29+, #53306, spec-2 §14.5),
            // printed again by the real capture: it counts only when no other figure is printed.
            m_graph.offer(g->value, line, m_saw_kv_line ? k_src_direct : k_src_profile_capture);
        } else if (contains(*rest, "secs.")) {
            constrain(std::nullopt, release(0, 6, 3));
        }
    }
    if (const auto e = number_after(m, "Estimated CUDA graph memory:")) {
        constrain(release(0, 17, 0), std::nullopt); // #30515 (2026-03-07)
        m_graph_estimate.offer(e->value, line, k_src_direct);
    }
    if (const auto rest = after(m, "CUDA graph pool memory:")) {
        constrain(release(0, 17, 0), std::nullopt);
        if (const auto g = number_at(ltrim(*rest))) {
            m_graph.offer(g->value, line, k_src_summary);
            if (const auto e = number_after(tail(ltrim(*rest), g->length), "(actual),")) {
                m_graph_estimate.offer(e->value, line, k_src_summary);
            }
        }
    }
    if (contains(m, "(default since v0.21.0)") || contains(m, "CUDA graph memory profiling is enabled")) {
        m_saw_v021 = true;
        constrain(release(0, 21, 0), std::nullopt);
        if (const auto u = number_after(m, "The current --gpu-memory-utilization=")) {
            m_util.offer(u->value, line, k_src_echo_exact);
        }
    }
}

/// Model Runner V2 and hybrid block sizes (spec-2 §13.7, §16.4).
void Parser::model_runner_lines(string_view m, const Line& line) {
    // `Using V2 Model Runner` (`vllm/v1/worker/gpu_worker.py:396 @main`, info_once; #33266).
    if (contains(m, "Using V2 Model Runner")) {
        m_model_runner.offer("V2", line, k_src_direct);
    }
    // `Setting attention block size to N tokens to ensure that attention page size is >= mamba page
    // size.` (`platforms/interface.py` `_align_hybrid_block_size`, spec-2 §16.4).
    if (const auto n = count_after(m, "Setting attention block size to")) {
        m_attention_block_size.offer(*n, line, k_src_direct);
    }
}

/// Configuration vLLM echoes, versions, and Unsloth's own lines.
void Parser::echoed_config(string_view m, const Line& line) {
    // Configuration echoed by vLLM.
    if (const auto b = count_after(m, "Chunked prefill is enabled with max_num_batched_tokens=")) {
        m_max_num_batched_tokens.offer(*b, line, k_src_effective);
    }
    if (const auto rest = after(m, "Auto-fit max_model_len: reduced from ")) {
        // #29431 (2025-12-24, ≈v0.14): the length vLLM actually runs with.
        constrain(release(0, 14, 0), std::nullopt);
        if (const auto to = count_after(*rest, " to ")) {
            m_max_model_len.offer(*to, line, k_src_autofit);
        }
    }
    if (const auto rest = after(m, "vLLM API server version ")) {
        if (const auto ver = version_at(*rest)) {
            m_version.offer(*ver, line, 2);
        }
    }
    // The v0.11+ ASCII-art banner: ` ▄▄ ▄█ █     █     █ ▀▄▀ █  version 0.19.0`.
    if ((contains(m, "\xE2\x96\x88") || contains(m, "\xE2\x96\x84")) && contains(m, "version ")) {
        if (const auto ver = version_at(m.substr(m.rfind("version ") + 8))) {
            m_version.offer(*ver, line, 2);
        }
    }
    // Unsloth launches vLLM itself and says with what: its banner names the vLLM release
    // (`Transformers: 4.54.1. vLLM: 0.10.0.`), then `Unsloth: vLLM loading X with actual GPU
    // utilization = 59.59%` (the value vLLM echoes as `(0.60)`) and `Num Sequences = 160.`
    if (!line.header && contains(m, "Unsloth")) {
        if (const auto rest = after(m, "vLLM: ")) {
            if (const auto ver = version_at(*rest)) {
                m_version.offer(*ver, line, 5);
            }
        }
        if (const auto rest = after(m, "with actual GPU utilization =")) {
            const string_view r = ltrim(*rest);
            if (const auto pct = number_at(r); pct && tail(r, pct->length).substr(0, 1) == "%") {
                // "59.59e-2" parses to the double nearest 0.5959 (dividing by 100 need not).
                const std::string scaled = std::string(r.substr(0, pct->length)) + "e-2";
                double u = 0;
                if (std::from_chars(scaled.data(), scaled.data() + scaled.size(), u).ec == std::errc{}) {
                    m_util.offer(u, line, k_src_command);
                }
            }
        }
        if (const auto n = count_after(m, "Num Sequences =")) {
            m_max_num_seqs.offer(*n, line, k_src_command);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Errors (§3).

void Parser::errors(string_view m, const Line& line) {
    static constexpr std::array<string_view, 8> k_errors = {
        "No available memory for the cache blocks",
        "To serve at least one request with the model",
        "The model's max seq len (",
        "Free memory on device",
        "Cannot auto-fit max_model_len",
        "Error in memory profiling",
        "Failed to load model - not enough GPU memory",
        "CUDA out of memory",
    };
    for (const string_view phrase : k_errors) {
        const std::size_t pos = m.find(phrase);
        if (pos == string_view::npos) {
            continue;
        }
        if (phrase == k_errors[3] && !contains(m, "is less than desired")) {
            continue; // the v0.10.2+ suggestion line, not an error
        }
        // A quoted message is source code in a traceback (`raise ValueError("No available …"`).
        const string_view before = rtrim(head(m, pos));
        if (!before.empty() && (before.back() == '"' || before.back() == '\'' || before.back() == '(')) {
            continue;
        }
        string_view text = rtrim(tail(m, pos));
        if (const std::size_t rep = text.rfind(" [repeated "); rep != string_view::npos && ends_with(text, "]")) {
            text = rtrim(text.substr(0, rep)); // Ray de-duplication suffix
        }

        // Values stated only in the errors.
        if (phrase == k_errors[1]) {
            // `… max seq len (L), (X GiB KV cache is needed, which is larger than the available KV cache
            // memory (Y GiB). Based on the available memory, the estimated maximum model length is M.`
            if (const auto L = count_after(text, "max seq len (")) {
                m_max_model_len.offer(*L, line, k_src_echo);
            }
            if (const auto y = number_after(text, "available KV cache memory (")) {
                kv_value(y->value, line, k_src_error, false);
            }
            if (contains(text, "GiB KV cache is needed")) {
                constrain(release(0, 8, 3), std::nullopt); // "GB" -> "GiB" in #15807
            } else if (contains(text, "GB KV cache is needed")) {
                constrain(release(0, 7, 0), release(0, 8, 2));
            }
            if (contains(text, "the estimated maximum model length is")) {
                constrain(release(0, 8, 4), std::nullopt); // #16168 (2025-04-09)
            }
        } else if (phrase == k_errors[2]) {
            // V0 worker.raise_if_cache_size_invalid: `The model's max seq len (L) is larger than the
            // maximum number of tokens that can be stored in KV cache (N).`
            if (!contains(text, "is larger than the maximum number of tokens")) {
                continue;
            }
            constrain(std::nullopt, k_last_v0);
            if (const auto L = count_after(text, "max seq len (")) {
                m_max_model_len.offer(*L, line, k_src_echo);
            }
            if (const auto n = count_after(text, "stored in KV cache (")) {
                m_kv_tokens.offer(*n, line, k_src_summary);
            }
        }
        if (!m_error.value) {
            m_error.value = Logged<std::string>{std::string(head(text, k_max_error_bytes)), line.number};
        }
        return;
    }
}

// ---------------------------------------------------------------------------------------------
// Driver.

/// Copies `s` without ANSI escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL`, and
/// two-byte `ESC x`).
void strip_ansi(string_view s, std::string& out) {
    out.clear();
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\x1b') {
            out += s[i];
            continue;
        }
        if (i + 1 >= s.size()) {
            break;
        }
        if (s[i + 1] == '[') {
            std::size_t j = i + 2;
            while (j < s.size() && !(s[j] >= 0x40 && s[j] <= 0x7e)) {
                ++j;
            }
            i = j;
        } else if (s[i + 1] == ']') {
            std::size_t j = i + 2;
            while (j < s.size() && s[j] != '\x07' && !(s[j] == '\x1b' && j + 1 < s.size() && s[j + 1] == '\\')) {
                ++j;
            }
            i = (j < s.size() && s[j] == '\x1b') ? j + 1 : j;
        } else {
            ++i;
        }
    }
}

void Parser::segment(string_view raw, std::size_t line_no) {
    string_view s = raw;
    if (s.find('\x1b') != string_view::npos) {
        strip_ansi(s, m_buffer);
        s = m_buffer;
    }
    s = trim(s);
    if (s.empty()) {
        return;
    }
    Line line;
    line.number = line_no;

    // Outer prefixes: Unsloth's subprocess echo, then process tags (possibly nested).
    for (const string_view p : {string_view("vLLM STDOUT: "), string_view("vLLM STDERR: ")}) {
        if (starts_with(s, p)) {
            s = ltrim(s.substr(p.size()));
        }
    }
    const string_view tags_start = s;
    for (int i = 0; i < 4 && strip_tag(s, line); ++i) {
    }
    const string_view tag_names = head(tags_start, tags_start.size() - s.size());
    header(s, line);
    string_view& m = line.msg;
    if (ends_with(m, "]")) {
        if (const std::size_t rep = m.rfind(" [repeated "); rep != string_view::npos) {
            m = rtrim(m.substr(0, rep));
        }
    }

    if (!line.header && !line.tagged) {
        if (command(s, line)) {
            return;
        }
        llm_call(s, line);
    } else {
        flush_command(); // a log line ends a command continued with '\'
    }
    if (line.header) {
        m_dating.add(line.file, line.source_line, m, line.number);
    }
    infer_engine(line, tag_names);
    engine_config(m, line);
    measurements(m, line);
    errors(m, line);
}

/// Each line, and each bare-CR segment of it, through segment(); returns the number of lines.
std::size_t Parser::scan(string_view text, std::size_t first_line) {
    if (starts_with(text, "\xEF\xBB\xBF")) {
        text.remove_prefix(3); // UTF-8 byte-order mark
    }
    std::size_t line_no = first_line - 1;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == string_view::npos) {
            end = text.size();
        }
        ++line_no;
        string_view physical = text.substr(pos, end - pos);
        while (!physical.empty() && physical.back() == '\r') {
            physical.remove_suffix(1);
        }
        // A bare CR (progress bars) starts a new segment of the same physical line.
        std::size_t seg = 0;
        while (seg <= physical.size()) {
            std::size_t cr = physical.find('\r', seg);
            if (cr == string_view::npos) {
                cr = physical.size();
            }
            segment(physical.substr(seg, cr - seg), line_no);
            seg = cr + 1;
        }
        pos = end + 1;
    }
    flush_command(); // a command whose last line ended with '\'
    return line_no - (first_line - 1);
}

void Parser::fill(VllmLog& out) const {
    out.version = m_version.value;
    out.engine = m_engine.value;
    out.not_modelled_args = m_not_modelled;
    out.model = m_model.value;
    out.gpu_memory_utilization = m_util.value;
    out.max_model_len = m_max_model_len.value;
    out.max_num_seqs = m_max_num_seqs.value;
    out.max_num_batched_tokens = m_max_num_batched_tokens.value;
    out.block_size = m_block_size.value;
    out.tensor_parallel_size = m_tp.value;
    out.pipeline_parallel_size = m_pp.value;
    out.dtype = m_dtype.value;
    out.kv_cache_dtype = m_kv_cache_dtype.value;
    out.quantization = m_quantization.value;
    out.enforce_eager = m_enforce_eager.value;
    out.enable_lora = m_enable_lora.value;
    out.max_loras = m_max_loras.value;
    out.max_lora_rank = m_max_lora_rank.value;
    out.lora_dtype = m_lora_dtype.value;
    out.limit_mm_per_prompt = m_mm_limit.value;
    out.mm_processor_kwargs = m_mm_kwargs.value;
    out.mm_encoder_tp_mode = m_mm_tp_mode.value;
    out.skip_mm_profiling = m_skip_mm_profiling.value;
    out.language_model_only = m_language_model_only.value;
    out.fully_sharded_loras = m_fully_sharded_loras.value;
    out.cpu_offload_gb = m_cpu_offload_gb.value;
    out.kv_offloading_size = m_kv_offloading_size.value;
    out.kv_offloading_backend = m_kv_offloading_backend.value;
    out.swap_space = m_swap_space.value;
    out.enable_sleep_mode = m_enable_sleep_mode.value;
    out.speculative_config = m_speculative_config.value;
    out.data_parallel_size = m_dp.value;
    out.enable_expert_parallel = m_enable_expert_parallel.value;
    out.enable_eplb = m_enable_eplb.value;
    out.num_redundant_experts = m_num_redundant_experts.value;
    out.all2all_backend = m_all2all_backend.value;
    out.decode_context_parallel_size = m_dcp.value;
    out.total_gib = m_total.value;
    out.requested_gib = m_requested.value;
    out.initial_free_gib = m_initial_free.value;
    out.weights_gib = m_weights.value;
    out.activation_gib = m_activation.value;
    out.non_torch_gib = m_non_torch.value;
    out.non_kv_gib = m_non_kv.value;
    out.kv_cache_gib = m_kv.value;
    out.cuda_graph_gib = m_graph.value;
    out.cuda_graph_estimate_gib = m_graph_estimate.value;
    out.gpu_blocks = m_gpu_blocks.value;
    out.cpu_blocks = m_cpu_blocks.value;
    out.kv_tokens = m_kv_tokens.value;
    out.max_concurrency = m_concurrency.value;
    out.concurrency_tokens_per_request = m_concurrency_tokens.value;
    out.error = m_error.value;
    out.model_runner = m_model_runner.value;
    out.attention_block_size = m_attention_block_size.value;
    out.consumed_gib = m_consumed.value;
    out.activation_includes_graph_estimate = m_activation_with_graphs && m_activation.value;
    if (!out.non_torch_gib && out.consumed_gib && out.weights_gib) {
        // 0.27+ prints W + N as one figure (spec-2 §13.3: "switch to total_consumed − W"). Both are
        // printed to 0.01 GiB, so their difference is too: round away the binary noise.
        const double n = std::round((out.consumed_gib->value - out.weights_gib->value) * 100.0) / 100.0;
        out.non_torch_gib = Logged<double>{n, out.consumed_gib->line};
    }
    out.source_release = m_dating.result();
}

/// The KV GiB of every worker: rank 0 first, then by (DP, PP, TP) rank, then workers without a
/// rank number in order of appearance.
std::vector<double> Parser::kv_per_rank() const {
    std::vector<KvEntry> entries = m_kv_entries;
    std::stable_sort(entries.begin(), entries.end(), [](const KvEntry& a, const KvEntry& b) {
        if (a.rank.known != b.rank.known) {
            return a.rank.known;
        }
        if (a.rank.known) {
            return std::tie(a.rank.dp, a.rank.pp, a.rank.tp) < std::tie(b.rank.dp, b.rank.pp, b.rank.tp);
        }
        return a.order < b.order;
    });
    std::vector<double> out;
    out.reserve(entries.size());
    for (const KvEntry& e : entries) {
        out.push_back(e.gib);
    }
    return out;
}

/// The most specific wording family seen (VllmLog::wording).
std::string Parser::wording(bool v1) const {
    if (m_saw_v021) {
        return "v1-0.21";
    }
    if (m_saw_v1_instance) {
        return "v1";
    }
    if (m_saw_three_line) {
        return "v0-memory-profiling";
    }
    if (m_saw_v064) {
        return "v0.6.4-global";
    }
    if ((m_saw_blocks || m_saw_tokens) && (v1 || m_saw_tokens)) {
        return "v1-global";
    }
    return m_saw_blocks ? "v0-blocks" : "";
}

VllmLog Parser::run(string_view text, std::size_t first_line) {
    VllmLog out;
    out.lines = scan(text, first_line);
    fill(out);
    out.kv_cache_gib_per_rank = kv_per_rank();
    out.wording = wording(out.engine && out.engine->value == "V1");
    if (!m_contradiction) {
        out.wording_min = m_min;
        out.wording_max = m_max;
    }
    return out;
}

} // namespace

VllmLog parse_vllm_log(std::string_view text) {
    Parser p;
    return p.run(text, 1);
}

VllmLog parse_vllm_log(std::string_view text, std::size_t first_line) {
    Parser p;
    return p.run(text, std::max<std::size_t>(first_line, 1));
}

VllmLog read_vllm_log(const std::string& path) {
    return parse_vllm_log(read_file(path, k_max_log_bytes, "a vLLM startup log"));
}

} // namespace vramplan

#include "vllm_argv.hpp"

#include <vramplan/engine_args.hpp>
#include <vramplan/io/deployment.hpp>
#include <vramplan/io/errors.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>

// The YAML of `vllm serve --config FILE` (vllm/utils/argparse_utils.py, _load_config_file: a flat
// mapping read with yaml.safe_load, each key turned into `--key value`).

namespace vramplan {

namespace {

using std::string_view;

constexpr std::size_t k_max_yaml_line_bytes = std::size_t{1} << 20;

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
            if (l.size() > k_max_yaml_line_bytes) {
                throw InputError(source_at(m_source, m_lines.size() + 1) + ": line longer than " + std::to_string(k_max_yaml_line_bytes) + " bytes");
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
    [[noreturn]] void fail(std::size_t line, const std::string& what) const { throw InputError(source_at(m_source, line) + ": " + what); }

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
        DeploymentFlag flag{normalize_engine_arg_name(key), "", ln, false, false};
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
            if (is_vllm_switch(flag.name)) {
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
        const bool t = std::find(k_true.begin(), k_true.end(), v) != k_true.end();
        const bool f = std::find(k_false.begin(), k_false.end(), v) != k_false.end();
        if (t || f) {
            if (vllm_flag_takes_value(flag.name)) {
                fail(ln, "expected a value for '" + key + "', found the boolean '" + std::string(v) + "'");
            }
            flag.boolean = true;
            flag.value = t ? "true" : "false";
            return;
        }
        if (is_vllm_switch(flag.name)) {
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

} // namespace

Deployment parse_vllm_yaml(string_view text, const std::string& source) { return YamlParser(text, source).parse(); }

} // namespace vramplan

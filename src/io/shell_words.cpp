#include "shell_words.hpp"

#include <vramplan/io/errors.hpp>

#include <algorithm>
#include <cstdint>
#include <utility>

namespace vramplan {

using std::string_view;

bool is_shell_assignment(const ShellWord& w) {
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

namespace {

/// split_shell_commands(). One pass, no recursion: nesting (`"$( '…' )"`) lives on an explicit
/// stack.
class ShellSplitter {
public:
    ShellSplitter(string_view text, const std::string& source, const ShellSplitOptions& options, const ShellCommandSink& sink)
        : m_text(text), m_source(source), m_line(options.first_line), m_track_lines(options.first_line != 0),
          m_lenient(options.lenient), m_first_only(options.first_command_only), m_sink(sink) {}

    /// Returns true when the text ends with a lone unquoted backslash.
    bool run() {
        const std::size_t n = m_text.size();
        while (m_i < n && !m_stopped) {
            if (m_stack.empty()) {
                top_level();
            } else {
                nested();
            }
        }
        if (!m_stack.empty() && !m_lenient && !m_stopped) {
            const Context& open = m_stack.front();
            throw InputError(source_at(m_source, open.line) + ": unterminated " + describe(open.kind));
        }
        check_line_length(n);
        end_command();
        return m_continued;
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
            m_word = ShellWord{};
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
        if (m_stopped) {
            return;
        }
        end_word();
        m_drop_next = false;
        m_heredoc_next = false;
        if (m_first_only) {
            m_sink(m_words); // even when empty: `vllm serve; next` has no arguments
            m_stopped = true;
            return;
        }
        if (!m_words.empty()) {
            m_sink(m_words);
            m_words.clear();
        }
    }
    void check_line_length(std::size_t end) const {
        if (!m_lenient && end - m_line_start > k_max_shell_line_bytes) {
            throw InputError(source_at(m_source, m_line) + ": line longer than " + std::to_string(k_max_shell_line_bytes) + " bytes");
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
                ++m_i; // a lone backslash at the end of the text: the command continues elsewhere
                m_continued = true;
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
            if (m_lenient && placeholder()) {
                return;
            }
            redirection();
            return;
        case '>':
            redirection();
            return;
        default:
            break;
        }
        append(c);
        ++m_i;
    }

    /// Lenient mode, at a '<': `<name>` (a letter or digit, then anything but blanks, quotes and
    /// shell operators, then '>') appended as text. False when it is not one.
    bool placeholder() {
        const auto alnum = [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'); };
        if (!alnum(peek(1))) {
            return false;
        }
        std::size_t end = m_i + 2;
        while (end < m_text.size() && string_view(" \t\r\n\v\f<>;&|()'\"`$\\").find(m_text[end]) == string_view::npos) {
            ++end;
        }
        if (end >= m_text.size() || m_text[end] != '>') {
            return false;
        }
        for (; m_i <= end; ++m_i) {
            append(m_text[m_i]);
        }
        return true;
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
    bool m_lenient;
    bool m_first_only;
    bool m_stopped = false; // first_command_only: the first command was passed on
    bool m_continued = false;
    const ShellCommandSink& m_sink;
    std::vector<Context> m_stack;
    int m_verbatim = 0; // paren / brace / backquote contexts on the stack
    bool m_in_word = false;
    ShellWord m_word;
    std::vector<ShellWord> m_words;
    bool m_drop_next = false; // the next word is a redirection target
    bool m_heredoc_next = false;
    bool m_heredoc_strip_tabs = false;
    std::vector<std::pair<std::string, bool>> m_heredocs;
};

} // namespace

bool split_shell_commands(string_view text, const std::string& source, const ShellSplitOptions& options, const ShellCommandSink& sink) {
    ShellSplitter splitter(text, source, options, sink);
    return splitter.run();
}

} // namespace vramplan

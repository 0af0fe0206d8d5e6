// Text fitted to a terminal (report/wrap.hpp).
#include <vramplan/report/wrap.hpp>

#include <algorithm>
#include <vector>

namespace vramplan {

namespace {

constexpr std::size_t k_max_tag = 20;         // columns of "predicted error: "; a sentence's first clause is longer
constexpr std::size_t k_max_tag_words = 3;    // "fix all:", "predicted error:"
/// A line holding a command users copy: kept whole, so that the terminal's soft wrap copies back
/// as one line (a hard break would split the command in two).
constexpr std::string_view k_command_markers[] = {"vllm serve ", "python -m vllm"};

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0u) == 0x80u; }

/// A word and the spaces before it.
struct Word {
    std::string_view gap;
    std::string_view text;
};

/// Units a number keeps on its line ("0.74 GiB", "7.6 s").
constexpr std::string_view k_units[] = {"B", "KiB", "MiB", "GiB", "TiB", "KB", "MB", "GB", "TB", "GB/s", "s", "ms", "%"};

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/// Whether no line may break between `left` and `right`: a number and its unit, a flag and its
/// number ("--max-model-len 2048", "-tp 2"; not a flag that ends a phrase, "--check: 2", nor a
/// flag in prose, "--gpu-memory-utilization allowed").
bool glued(std::string_view left, std::string_view right) {
    if (left.empty() || right.empty()) {
        return false;
    }
    if (left.back() >= '0' && left.back() <= '9') {
        const std::size_t end = right.find_last_not_of(".,;:)]");
        const std::string_view unit = right.substr(0, end == std::string_view::npos ? 0 : end + 1);
        return std::find(std::begin(k_units), std::end(k_units), unit) != std::end(k_units);
    }
    const bool flag = left.size() >= 2 && left[0] == '-' && (is_ascii_letter(left[1]) || (left[1] == '-' && left.size() > 2 && is_ascii_letter(left[2])));
    const char last = left.back();
    return flag && last != ':' && last != ',' && last != ';' && last != '.' && last != ')' && right[0] >= '0' && right[0] <= '9';
}

std::vector<Word> split_words(std::string_view text) {
    std::vector<Word> words;
    std::string_view last_piece;   // the word as written, before gluing
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t start = text.find_first_not_of(' ', at);
        if (start == std::string_view::npos) {
            break;
        }
        std::size_t end = text.find(' ', start);
        end = end == std::string_view::npos ? text.size() : end;
        const std::string_view word = text.substr(start, end - start);
        if (!words.empty() && glued(last_piece, word)) {
            // One unit: the previous word grows to the end of this one, spaces included.
            const char* begin = words.back().text.data();
            words.back().text = std::string_view(begin, static_cast<std::size_t>(word.data() + word.size() - begin));
        } else {
            words.push_back({text.substr(at, start - at), word});
        }
        last_piece = word;
        at = end;
    }
    return words;
}

/// Start columns of the text after each run of two or more spaces (after the indentation).
std::vector<std::size_t> gap_ends(std::string_view line) {
    std::vector<std::size_t> out;
    std::size_t column = 0;
    std::size_t spaces = 0;
    bool seen_text = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == ' ') {
            ++spaces;
        } else {
            if (seen_text && spaces >= 2) {
                out.push_back(column);
            }
            seen_text = true;
            spaces = 0;
        }
        if (!is_continuation_byte(line[i])) {
            ++column;
        }
    }
    return out;   // trailing spaces end no run: nothing follows them
}

} // namespace

std::size_t display_width(std::string_view text) {
    std::size_t n = 0;
    for (char c : text) {
        n += is_continuation_byte(c) ? 0 : 1;
    }
    return n;
}

std::string wrap_paragraph(std::string_view first, std::string_view text, std::size_t hang, std::size_t width) {
    std::string out(first);
    std::size_t column = display_width(first);
    bool line_has_word = false;
    for (const Word& w : split_words(text)) {
        const std::size_t word_width = display_width(w.text);
        const std::size_t gap = line_has_word ? display_width(w.gap) : 0;
        if (line_has_word && column + gap + word_width > width) {
            out += '\n';
            out.append(hang, ' ');
            column = hang;
        } else if (line_has_word) {
            out += w.gap;
            column += gap;
        }
        out += w.text;
        column += word_width;
        line_has_word = true;
    }
    return out;
}

std::size_t hang_column(std::string_view line, std::size_t width) {
    const std::size_t indent = std::min(line.find_first_not_of(' '), line.size());
    const std::vector<std::size_t> gaps = gap_ends(line);
    if (gaps.size() >= 2 || indent > width / 2) {
        return std::string_view::npos;
    }
    for (const std::string_view marker : k_command_markers) {
        if (line.find(marker) != std::string_view::npos) {
            return std::string_view::npos;
        }
    }
    if (gaps.size() == 1 && gaps.front() <= width / 2) {
        return gaps.front();
    }
    const std::string_view body = line.substr(indent);
    if (body.size() > 2 && (body[0] == '-' || body[0] == '*') && body[1] == ' ') {
        return indent + 2;
    }
    if (const std::size_t colon = body.find(": "); colon != std::string_view::npos && colon > 0) {
        const std::string_view tag = body.substr(0, colon + 2);
        const std::size_t words = static_cast<std::size_t>(std::count(tag.begin(), tag.end(), ' '));
        if (words <= k_max_tag_words && display_width(tag) <= k_max_tag && indent + display_width(tag) <= width / 2) {
            return indent + display_width(tag);
        }
    }
    return indent;
}

std::string wrap_text(std::string_view text, std::size_t width) {
    std::string out;
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = text.find('\n', at);
        const bool has_newline = end != std::string_view::npos;
        end = has_newline ? end : text.size();
        const std::string_view line = text.substr(at, end - at);
        const std::size_t hang = display_width(line) > width ? hang_column(line, width) : std::string_view::npos;
        if (hang == std::string_view::npos) {
            out += line;
        } else {
            const std::size_t indent = std::min(line.find_first_not_of(' '), line.size());
            out += wrap_paragraph(line.substr(0, indent), line.substr(indent), hang, width);
        }
        if (has_newline) {
            out += '\n';
        }
        at = end + 1;
    }
    return out;
}

} // namespace vramplan

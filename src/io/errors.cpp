#include <vramplan/io/errors.hpp>

#include <algorithm>
#include <cctype>

namespace vramplan {

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> prev(b.size() + 1);
    std::vector<std::size_t> cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        prev[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}
} // namespace

std::string closest_match(const std::string& name, const std::vector<std::string>& candidates) {
    // Inputs are user-typed ids; cap the work so a huge argument cannot make this slow.
    if (name.size() > 256) {
        return {};
    }
    const std::string needle = ascii_lower(name);
    // ninja allows up to 3 edits; scale with length so short ids do not match everything. A
    // candidate that contains the typed text (or the reverse) is eligible too, but the closest
    // by edit distance wins.
    const std::size_t limit = std::max<std::size_t>(2, needle.size() / 3);
    std::string best;
    std::size_t best_distance = 0;
    for (const std::string& c : candidates) {
        const std::string hay = ascii_lower(c);
        const std::size_t d = edit_distance(needle, hay);
        const bool contained = !needle.empty() && (hay.find(needle) != std::string::npos || needle.find(hay) != std::string::npos);
        if (d > limit && !contained) {
            continue;
        }
        if (best.empty() || d < best_distance) {
            best = c;
            best_distance = d;
        }
    }
    return best;
}

std::string unknown_name_message(const std::string& kind, const std::string& name, const std::vector<std::string>& candidates) {
    std::string msg = "unknown " + kind + " '" + name + "'";
    const std::string guess = closest_match(name, candidates);
    if (!guess.empty()) {
        msg += "; did you mean '" + guess + "'?";
    }
    return msg;
}

std::string one_line(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += ch;
        }
    }
    return out;
}

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

} // namespace vramplan

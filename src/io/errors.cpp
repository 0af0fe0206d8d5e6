#include <vramplan/io/errors.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

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

/// Separators between the words of a name; a '.' is not one (versions: "3.1", "qwen2.5").
bool is_separator(char c) {
    return c == '-' || c == '_' || c == '/' || c == ' ' || c == ':';
}

/// The words of a lower-cased name, with where each starts.
std::vector<std::pair<std::size_t, std::string_view>> words_of(std::string_view text) {
    std::vector<std::pair<std::size_t, std::string_view>> out;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && is_separator(text[i])) {
            ++i;
        }
        const std::size_t start = i;
        while (i < text.size() && !is_separator(text[i])) {
            ++i;
        }
        if (i > start) {
            out.emplace_back(start, text.substr(start, i - start));
        }
    }
    return out;
}

/// The name without separators or dots: `--tp` and `-tp`, `NVIDIA_A10` and `nvidia a10` agree.
std::string squeezed(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (!is_separator(c) && c != '.') {
            out += c;
        }
    }
    return out;
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

/// How a name matches, best first (suggest_names lists the kinds).
enum class MatchTier { same, prefix, words, contains_words, edits };

/// A match's kind, then its score within the kind (lower is better).
struct Match {
    MatchTier tier = MatchTier::edits;
    long score = 0;
    friend bool operator<(const Match& a, const Match& b) { return a.tier != b.tier ? a.tier < b.tier : a.score < b.score; }
};

/// What the user typed, lower-cased and cut into words once.
struct Typed {
    explicit Typed(std::string_view text) : lower(ascii_lower(text)), squeezed_text(squeezed(lower)) {
        for (const auto& [at, w] : words_of(lower)) {
            words.emplace_back(w);
        }
    }
    std::string lower;
    std::string squeezed_text;
    std::vector<std::string> words;
};

/// Each typed word starts a word of the name, in order, the first one at `name_words[from]`.
bool words_start_words(const std::vector<std::string>& typed, const std::vector<std::pair<std::size_t, std::string_view>>& name_words,
                       std::size_t from) {
    if (typed.empty() || from >= name_words.size() || !starts_with(name_words[from].second, typed.front())) {
        return false;
    }
    std::size_t next = from + 1;   // the earliest fit leaves the most room for the rest
    for (std::size_t i = 1; i < typed.size(); ++i) {
        while (next < name_words.size() && !starts_with(name_words[next].second, typed[i])) {
            ++next;
        }
        if (next == name_words.size()) {
            return false;
        }
        ++next;
    }
    return true;
}

std::optional<Match> match_name(const Typed& t, const std::string& name) {
    const long extra = static_cast<long>(name.size()) - static_cast<long>(t.lower.size());
    if (name == t.lower) {
        return Match{MatchTier::same, 0};
    }
    if (!t.squeezed_text.empty() && squeezed(name) == t.squeezed_text) {
        return Match{MatchTier::same, 1};
    }
    if (!t.squeezed_text.empty() && starts_with(name, t.lower)) {
        return Match{MatchTier::prefix, extra};
    }
    const auto name_words = words_of(name);
    // The name's first word, or the first after its '/' (a Hugging Face id's repository).
    std::size_t after_slash = name_words.size();
    if (const std::size_t slash = name.rfind('/'); slash != std::string::npos) {
        after_slash = static_cast<std::size_t>(
            std::find_if(name_words.begin(), name_words.end(), [&](const auto& w) { return w.first > slash; }) - name_words.begin());
    }
    if (words_start_words(t.words, name_words, 0) || words_start_words(t.words, name_words, after_slash)) {
        return Match{MatchTier::words, extra};
    }
    if (name_words.size() >= 2 && std::all_of(name_words.begin(), name_words.end(), [&](const auto& w) {
            return std::find(t.words.begin(), t.words.end(), w.second) != t.words.end();
        })) {
        return Match{MatchTier::contains_words, -static_cast<long>(name_words.size())};
    }
    // ninja allows up to 3 edits; scale with length so short ids do not match everything. A name
    // inside the typed text (or the reverse) is eligible too, at its distance.
    const std::size_t limit = std::max<std::size_t>(2, t.lower.size() / 3);
    const std::size_t d = edit_distance(t.lower, name);
    const bool contained = !t.lower.empty() && (name.find(t.lower) != std::string::npos || t.lower.find(name) != std::string::npos);
    if (d > limit && !contained) {
        return std::nullopt;
    }
    return Match{MatchTier::edits, static_cast<long>(d)};
}

std::vector<NameCandidate> as_candidates(const std::vector<std::string>& names) {
    std::vector<NameCandidate> out;
    out.reserve(names.size());
    for (const std::string& n : names) {
        out.push_back({n, n});
    }
    return out;
}

constexpr std::size_t k_max_suggestions = 8;

} // namespace

std::vector<std::string> suggest_names(std::string_view typed, const std::vector<NameCandidate>& candidates) {
    // Inputs are user-typed names; cap the work so a huge argument cannot make this slow.
    if (typed.size() > 256) {
        return {};
    }
    const Typed t(typed);
    struct Best {
        Match match;
        std::size_t index = 0;
    };
    std::map<std::string, Best> by_target;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const std::optional<Match> m = match_name(t, ascii_lower(candidates[i].name));
        if (!m) {
            continue;
        }
        auto [it, inserted] = by_target.try_emplace(candidates[i].target, Best{*m, i});
        if (!inserted && *m < it->second.match) {
            it->second = Best{*m, i};
        }
    }
    if (by_target.empty()) {
        return {};
    }
    Match best = by_target.begin()->second.match;
    for (const auto& [target, b] : by_target) {
        best = std::min(best, b.match);
    }
    // Names and prefixes are all worth listing; word overlap and edit distance only at their best.
    const bool whole_tier = best.tier <= MatchTier::words;
    std::vector<std::pair<Match, const std::string*>> chosen;
    for (const auto& [target, b] : by_target) {
        if (b.match.tier == best.tier && (whole_tier || b.match.score == best.score)) {
            chosen.emplace_back(b.match, &candidates[b.index].name);
        }
    }
    std::sort(chosen.begin(), chosen.end(), [](const auto& a, const auto& b) {
        return a.first.score != b.first.score ? a.first.score < b.first.score : *a.second < *b.second;
    });
    std::vector<std::string> out;
    out.reserve(chosen.size());
    for (const auto& [m, name] : chosen) {
        out.push_back(*name);
    }
    return out;
}

std::string closest_match(const std::string& name, const std::vector<std::string>& candidates) {
    const std::vector<std::string> found = suggest_names(name, as_candidates(candidates));
    return found.empty() ? std::string() : found.front();
}

std::string unknown_name_message(const std::string& kind, const std::string& name, const std::vector<NameCandidate>& candidates) {
    std::string msg = "unknown " + kind + " '" + name + "'";
    const std::vector<std::string> found = suggest_names(name, candidates);
    if (found.size() == 1) {
        msg += "; did you mean '" + found.front() + "'?";
    } else if (!found.empty()) {
        msg += "; did you mean one of ";
        const std::size_t shown = std::min(found.size(), k_max_suggestions);
        for (std::size_t i = 0; i < shown; ++i) {
            msg += (i == 0 ? "" : ", ") + found[i];
        }
        if (found.size() > shown) {
            msg += " (and " + std::to_string(found.size() - shown) + " more)";
        }
        msg += "?";
    }
    return msg;
}

std::string unknown_name_message(const std::string& kind, const std::string& name, const std::vector<std::string>& candidates) {
    return unknown_name_message(kind, name, as_candidates(candidates));
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

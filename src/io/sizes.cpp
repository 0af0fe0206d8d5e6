#include <vramplan/io/sizes.hpp>

#include <vramplan/io/errors.hpp>

#include <charconv>
#include <sstream>
#include <vector>
#include <cmath>
#include <string_view>

namespace vramplan {

namespace {

__extension__ using u128 = unsigned __int128;

struct Unit {
    std::string_view suffix;
    Bytes factor;
};

// Longest suffixes first. vLLM's human_readable_int: lower-case = powers of 1000, upper-case =
// powers of 1024 (vllm/utils, spec §7.3).
constexpr Unit k_units[] = {
    {"KiB", Bytes{1} << 10}, {"MiB", Bytes{1} << 20}, {"GiB", Bytes{1} << 30}, {"TiB", Bytes{1} << 40},
    {"KB", 1'000}, {"MB", 1'000'000}, {"GB", 1'000'000'000}, {"TB", 1'000'000'000'000},
    {"K", Bytes{1} << 10}, {"M", Bytes{1} << 20}, {"G", Bytes{1} << 30}, {"T", Bytes{1} << 40},
    {"k", 1'000}, {"m", 1'000'000}, {"g", 1'000'000'000}, {"t", 1'000'000'000'000},
    {"B", 1},
};

/// Splits "79.19" into digits and a decimal scale, exactly (no floating point).
bool parse_decimal(std::string_view s, u128& mantissa, unsigned& scale) {
    mantissa = 0;
    scale = 0;
    bool seen_digit = false;
    bool seen_dot = false;
    for (char c : s) {
        if (c == '.' && !seen_dot) {
            seen_dot = true;
            continue;
        }
        if (c < '0' || c > '9') {
            return false;
        }
        seen_digit = true;
        if (mantissa > (static_cast<u128>(1) << 100)) {
            return false;
        }
        mantissa = mantissa * 10 + static_cast<unsigned>(c - '0');
        if (seen_dot) {
            if (++scale > 12) {
                return false;
            }
        }
    }
    return seen_digit;
}

} // namespace

Bytes parse_size(const std::string& text, const std::string& flag) {
    std::string_view s = text;
    while (!s.empty() && s.back() == ' ') {
        s.remove_suffix(1);
    }
    const std::string expected = flag + ": expected a size such as 79.19GiB, 81559MiB, 80GB or a byte count, got '" + text + "'";
    if (s.empty() || s.size() > 64) {
        throw InputError(expected);
    }
    Bytes factor = 1;
    for (const Unit& u : k_units) {
        if (s.size() > u.suffix.size() && s.substr(s.size() - u.suffix.size()) == u.suffix) {
            factor = u.factor;
            s.remove_suffix(u.suffix.size());
            break;
        }
    }
    while (!s.empty() && s.back() == ' ') {
        s.remove_suffix(1);
    }
    u128 mantissa = 0;
    unsigned scale = 0;
    if (!parse_decimal(s, mantissa, scale)) {
        throw InputError(expected);
    }
    u128 pow10 = 1;
    for (unsigned i = 0; i < scale; ++i) {
        pow10 *= 10;
    }
    const u128 scaled = mantissa * factor;
    if (mantissa != 0 && scaled / mantissa != factor) {
        throw InputError(flag, "size '" + text + "' is too large");
    }
    const u128 bytes = (scaled + pow10 / 2) / pow10;
    if (bytes == 0) {
        throw InputError(flag, "expected a size greater than 0, got '" + text + "'");
    }
    if (bytes > static_cast<u128>(std::int64_t{1} << 62)) {
        throw InputError(flag, "size '" + text + "' is too large (at most 4 EiB)");
    }
    return static_cast<Bytes>(bytes);
}

double parse_fraction(const std::string& text, const std::string& flag) {
    double v = 0.0;
    const char* begin = text.data();
    const char* end = begin + text.size();
    const auto r = std::from_chars(begin, end, v);
    if (text.empty() || r.ec != std::errc{} || r.ptr != end || !std::isfinite(v) || !(v > 0.0) || v > 1.0) {
        throw InputError(flag, "expected a number in (0, 1], got '" + text + "'");
    }
    return v;
}

std::uint64_t parse_count(const std::string& text, const std::string& flag, std::uint64_t max, std::uint64_t min) {
    std::string_view s = text;
    std::uint64_t factor = 1;
    if (!s.empty() && (s.back() == 'k' || s.back() == 'K')) {
        factor = s.back() == 'k' ? 1000 : 1024;
        s.remove_suffix(1);
    }
    std::uint64_t v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    const std::string range = min <= 1 ? "a positive integer up to " + std::to_string(max)
                                       : "an integer from " + std::to_string(min) + " to " + std::to_string(max);
    const std::string expected = flag + ": expected " + range + ", got '" + text + "'";
    if (s.empty() || r.ec != std::errc{} || r.ptr != s.data() + s.size() || v == 0 || v > max / factor || v * factor < min) {
        throw InputError(expected);
    }
    return v * factor;
}

/// "0.2:0.95:0.05" or "0.3,0.5,0.9" → utilizations, in steps of 0.01 at the finest.
std::vector<double> parse_fraction_list(const std::string& text, const std::string& flag) {
    std::vector<double> out;
    if (text.find(':') != std::string::npos) {
        std::stringstream ss(text);
        std::string a, b, c;
        std::getline(ss, a, ':');
        std::getline(ss, b, ':');
        std::getline(ss, c, ':');
        std::string extra;
        if (a.empty() || b.empty() || c.empty() || std::getline(ss, extra, ':')) {
            throw InputError(flag + ": expected START:STOP:STEP (0.2:0.95:0.05) or a list, got '" + text + "'");
        }
        const double lo = parse_fraction(a, flag);
        const double hi = parse_fraction(b, flag);
        const double step = parse_fraction(c, flag);
        if (hi < lo || step < 0.01 - 1e-12) {
            throw InputError(flag + ": expected START <= STOP and STEP >= 0.01, got '" + text + "'");
        }
        const auto n = static_cast<int>(std::floor((hi - lo) / step + 1e-9));
        for (int i = 0; i <= n; ++i) {
            out.push_back(std::round((lo + i * step) * 10000.0) / 10000.0);
        }
        return out;
    }
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        out.push_back(parse_fraction(item, flag));
    }
    if (out.empty()) {
        throw InputError(flag + ": expected at least one value");
    }
    return out;
}

} // namespace vramplan

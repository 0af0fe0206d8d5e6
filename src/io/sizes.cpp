#include <vramplan/io/sizes.hpp>

#include <vramplan/io/errors.hpp>

#include <algorithm>
#include <charconv>
#include <locale>
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

/// The rules every number shares (one grammar, issue 16): not empty, no spaces around it.
/// Returns false when `text` breaks them.
bool plain_token(std::string_view text) {
    return !text.empty() && text.size() <= 64 && text.find_first_of(" \t\r\n\v\f") == std::string_view::npos;
}

/// Decimal digits only ("0x10", "+5", "1_000", "1e3" are not).
bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// DIGITS[.DIGITS] or .DIGITS, with an optional exponent e[+-]DIGITS: Python float()'s decimal
/// form, without its spaces, sign, underscores, inf and nan.
bool decimal_syntax(std::string_view s) {
    const std::size_t e = s.find_first_of("eE");
    std::string_view mantissa = s.substr(0, e);
    if (e != std::string_view::npos) {
        std::string_view exp = s.substr(e + 1);
        if (!exp.empty() && (exp.front() == '+' || exp.front() == '-')) {
            exp.remove_prefix(1);
        }
        if (!all_digits(exp)) {
            return false;
        }
    }
    const std::size_t dot = mantissa.find('.');
    if (dot == std::string_view::npos) {
        return all_digits(mantissa);
    }
    const std::string_view whole = mantissa.substr(0, dot);
    const std::string_view frac = mantissa.substr(dot + 1);
    return (whole.empty() || all_digits(whole)) && (frac.empty() || all_digits(frac)) && !(whole.empty() && frac.empty());
}

} // namespace

std::uint64_t parse_integer(const std::string& text, const std::string& subject, std::uint64_t min, std::uint64_t max) {
    std::uint64_t v = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (!plain_token(text) || !all_digits(text) || r.ec != std::errc{} || v < min || v > max) {
        throw InputError(subject, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", got '" + text + "'");
    }
    return v;
}

double parse_real(const std::string& text, const std::string& subject, double min, double max, bool min_inclusive) {
    double v = 0.0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    const bool above = min_inclusive ? v >= min : v > min;
    if (!plain_token(text) || !decimal_syntax(text) || r.ec != std::errc{} || r.ptr != text.data() + text.size() || !std::isfinite(v) ||
        !above || v > max) {
        const auto plain = [](double x) {
            if (std::floor(x) == x && std::fabs(x) < 1e15) {
                return std::to_string(static_cast<long long>(x));
            }
            std::ostringstream o;
            o.imbue(std::locale::classic());
            o << x;
            return o.str();
        };
        const std::string range = min_inclusive ? "from " + plain(min) + " to " + plain(max) : "greater than " + plain(min) + " and at most " + plain(max);
        throw InputError(subject, "expected a decimal number " + range + ", got '" + text + "'");
    }
    return v;
}

Bytes parse_size(const std::string& text, const std::string& flag) {
    std::string_view s = text;
    const std::string expected = flag + ": expected a size such as 79.19GiB, 81559MiB, 80GB or a byte count, got '" + text + "'";
    if (!plain_token(s)) {
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
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (!plain_token(text) || !decimal_syntax(text) || r.ec != std::errc{} || r.ptr != text.data() + text.size() || !std::isfinite(v) ||
        !(v > 0.0) || v > 1.0) {
        throw InputError(flag, "expected a number in (0, 1], got '" + text + "'");
    }
    return v;
}

std::uint64_t parse_count(const std::string& text, const std::string& flag, std::uint64_t max, std::uint64_t min) {
    // vLLM's human_readable_int (utils/argparse_utils.py:29-72 @main): NUMBER[.DIGITS] with k m g t
    // (x 1000^n, the product truncated: int(float(number) * mult)) or DIGITS with K M G T (x 1024^n;
    // decimals refused), else a plain integer. Spaces, which it strips, are refused here (one grammar).
    const std::string range = min <= 1 ? "a positive integer up to " + std::to_string(max)
                                       : "an integer from " + std::to_string(min) + " to " + std::to_string(max);
    const std::string expected = flag + ": expected " + range + ", got '" + text + "'";
    std::string_view s = text;
    u128 factor = 1;
    bool decimal_allowed = false;
    if (plain_token(s)) {
        const std::string_view units = "kmgtKMGT";
        if (const std::size_t at = units.find(s.back()); at != std::string_view::npos) {
            const unsigned power = static_cast<unsigned>(at % 4) + 1;
            for (unsigned i = 0; i < power; ++i) {
                factor *= at < 4 ? 1000 : 1024;
            }
            decimal_allowed = at < 4;
            s.remove_suffix(1);
        }
    }
    u128 mantissa = 0;
    unsigned scale = 0;
    if (!plain_token(text) || s.empty() || s.front() == '.' || s.back() == '.' || !parse_decimal(s, mantissa, scale) ||
        (scale > 0 && !decimal_allowed)) {
        throw InputError(expected);
    }
    if (mantissa > (~u128{0} >> 1) / factor) {
        throw InputError(expected);
    }
    u128 value = mantissa * factor;
    for (unsigned i = 0; i < scale; ++i) {
        value /= 10;   // truncated, as int() truncates
    }
    if (value == 0 || value > max || value < min) {
        throw InputError(expected);
    }
    return static_cast<std::uint64_t>(value);
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
